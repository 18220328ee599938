//! Blobs (photos, signatures, report PDFs) by SHA-256: `HEAD`, resumable chunked `PUT`, `GET`
//! under `/sync/v1/blobs/{sha256}` (`docs/sync.md`, "Blobs").
//!
//! The finished blobs are behind the `object_store` crate — a folder ([`LocalFileSystem`]) by
//! default, an S3-compatible store later — under the keys `ab/<sha256>`, which is the core
//! [`weibao::store::BlobStore`]'s own layout, rooted at the office replica's blob folder
//! (`DIR/office.db.blobs/`). So the office replica sees every uploaded file as its own: `weibao
//! verify` and `weibao report render` work on `DIR/office.db` as on any laptop, with no copy
//! and no second reader. (With a remote store the replica would need a read-through; not done.)
//!
//! An upload in progress is a plain file `DIR/blob-uploads/<sha256>.part`, never in the store:
//! each chunk is appended (and fsynced) at the offset the client names, which must be what the
//! office holds; on the last one the whole file is hashed and only a match is published, as one
//! atomic object write. A mismatch discards the partial file. One upload per blob at a time (a
//! lock per SHA-256), so two laptops sending the same photo cannot interleave.

use crate::routes::{bearer, blocking, caller, check_versions, lock};
use crate::{AppError, AppResult, DataDir, Office};
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::StreamExt;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use weibao::store::blobs::check_sha256;
use weibao::sync::blobs::{
    sniff_mime, PutAnswer, CHUNK, LENGTH_HEADER, MAX_BLOB_HEADER, OFFSET_HEADER,
};

/// The largest blob accepted unless `serve --max-blob-mb` says otherwise.
pub const DEFAULT_MAX_BLOB: u64 = 100 * 1024 * 1024;

/// How long an abandoned partial upload is kept (removed when the office starts).
const STALE_PARTIAL: std::time::Duration = std::time::Duration::from_secs(14 * 24 * 3600);

/// Piece size for hashing a finished upload and writing it to the store (S3 wants ≥ 5 MiB).
const PART: usize = 8 * 1024 * 1024;

/// The office's blobs: the store of finished ones, the folder of partial uploads, the limit.
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    uploads: PathBuf,
    max_blob: u64,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Blobs {
    /// The blob folder of the office replica as a [`LocalFileSystem`] (fsync on), and the
    /// partial-upload folder, both made if needed; stale partial uploads are removed.
    pub fn open(data: &DataDir, max_blob: u64) -> weibao::Result<Blobs> {
        let root = data.blobs()?;
        let uploads = data.uploads();
        for dir in [&root, &uploads] {
            weibao::files::create_dir("data", dir)?;
        }
        let store = LocalFileSystem::new_with_prefix(&root)
            .map_err(|e| {
                weibao::Error::invalid(
                    "data",
                    format!("无法打开文件存储 {}：{e}", root.display()),
                    format!("cannot open the blob store {}: {e}", root.display()),
                )
            })?
            .with_fsync(true);
        remove_stale(&uploads);
        Ok(Blobs {
            store: Arc::new(store),
            uploads,
            max_blob,
            locks: Mutex::new(HashMap::new()),
        })
    }

    pub fn set_max_blob(&mut self, bytes: u64) {
        self.max_blob = bytes;
    }

    fn key(sha: &str) -> Key {
        Key::from(format!("{}/{sha}", &sha[..2]))
    }

    fn partial(&self, sha: &str) -> PathBuf {
        self.uploads.join(format!("{sha}.part"))
    }

    /// The stored blob's size, `None` if it is not stored.
    async fn size(&self, sha: &str) -> AppResult<Option<u64>> {
        match self.store.head(&Self::key(sha)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(AppError::internal(e)),
        }
    }

    /// How many bytes of a partial upload the office holds.
    fn held(&self, sha: &str) -> u64 {
        std::fs::metadata(self.partial(sha)).map_or(0, |m| m.len())
    }

    /// Wait for this blob's upload lock (one upload per blob at a time).
    async fn lock(&self, sha: &str) -> AppResult<tokio::sync::OwnedMutexGuard<()>> {
        let m = {
            let mut map = lock(&self.locks)?;
            // Drop the locks nobody holds or waits for, so the map stays small.
            map.retain(|_, m| Arc::strong_count(m) > 1);
            map.entry(sha.to_string()).or_default().clone()
        };
        Ok(m.lock_owned().await)
    }
}

/// The blob routes, with their own body handling (chunks are read by hand, at most [`CHUNK`]).
pub fn routes() -> Router<Arc<Office>> {
    Router::new().route(
        "/sync/v1/blobs/{*sha256}",
        get(download).head(head).put(upload),
    )
}

/// The blob id from the path: 64 lowercase hex or 400 naming `sha256`, before anything else.
fn blob_id(p: Result<Path<String>, PathRejection>) -> AppResult<String> {
    let sha = p.map(|Path(s)| s).unwrap_or_default();
    check_sha256(&sha)?;
    Ok(sha)
}

async fn head(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
) -> AppResult<Response> {
    check_versions(&headers)?;
    let token = bearer(&headers)?;
    let sha = blob_id(p)?;
    authorised(&office, token).await?;
    let blobs = &office.blobs;
    Ok(match blobs.size(&sha).await? {
        Some(size) => (StatusCode::OK, [(header::CONTENT_LENGTH, num(size))]).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [
                (name(OFFSET_HEADER), num(blobs.held(&sha))),
                (name(MAX_BLOB_HEADER), num(blobs.max_blob)),
            ],
        )
            .into_response(),
    })
}

async fn download(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
) -> AppResult<Response> {
    check_versions(&headers)?;
    let token = bearer(&headers)?;
    let sha = blob_id(p)?;
    let who = authorised(&office, token).await?;
    let got = match office.blobs.store.get(&Blobs::key(&sha)).await {
        Ok(g) => g,
        Err(object_store::Error::NotFound { .. }) => {
            return Err(weibao::Error::not_found("blob", sha).into())
        }
        Err(e) => return Err(AppError::internal(e)),
    };
    let size = got.meta.size;
    tracing::debug!(engineer = %who, sha256 = %sha, bytes = size, "blob download");
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_LENGTH, num(size)),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
        ],
        Body::from_stream(got.into_stream()),
    )
        .into_response())
}

async fn upload(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
    body: Body,
) -> AppResult<Response> {
    check_versions(&headers)?;
    let token = bearer(&headers)?;
    let sha = blob_id(p)?;
    let total = header_num(&headers, LENGTH_HEADER)?;
    let offset = header_num(&headers, OFFSET_HEADER)?;
    let who = authorised(&office, token).await?;
    let blobs = &office.blobs;
    if total > blobs.max_blob {
        tracing::warn!(engineer = %who, sha256 = %sha, bytes = total, "blob refused: too large");
        return Err(too_large_blob(&sha, total, blobs.max_blob));
    }
    let _one_at_a_time = blobs.lock(&sha).await?;
    if let Some(size) = blobs.size(&sha).await? {
        let _ = std::fs::remove_file(blobs.partial(&sha));
        return Ok(Json(PutAnswer {
            offset: size,
            complete: true,
        })
        .into_response());
    }
    let mut held = blobs.held(&sha);
    if held > total {
        // Left by an upload that claimed another length: it cannot be this blob's start.
        let _ = std::fs::remove_file(blobs.partial(&sha));
        held = 0;
    }
    if offset != held {
        return Ok(at_offset(held, offset_mismatch(offset, held)));
    }
    let room = total.saturating_sub(offset);
    let chunk = read_chunk(body, room).await?;
    if chunk.is_empty() && room > 0 {
        return Err(AppError::invalid(
            "body",
            "上传内容为空".into(),
            "the chunk is empty".into(),
        ));
    }
    let path = blobs.partial(&sha);
    let now = blocking(move || append(&path, offset, &chunk)).await?;
    if now < total {
        return Ok(Json(PutAnswer {
            offset: now,
            complete: false,
        })
        .into_response());
    }
    let mime = match publish(blobs, &sha, total).await? {
        Some(mime) => mime,
        None => {
            tracing::warn!(engineer = %who, sha256 = %sha, bytes = total, "blob refused: hash mismatch");
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "hash_mismatch",
                format!("上传的内容与 sha256 {sha} 不符，已丢弃，请重新上传"),
                format!("the uploaded bytes do not match sha256 {sha}; discarded, upload again"),
            )
            .with_field("sha256"));
        }
    };
    let office2 = office.clone();
    let sha2 = sha.clone();
    blocking(move || {
        let mut store = lock(&office2.store)?;
        Ok(weibao::sync::blobs::register(
            &mut store, &sha2, total, mime, false,
        )?)
    })
    .await?;
    tracing::info!(engineer = %who, sha256 = %sha, bytes = total, mime, "blob stored");
    Ok((
        StatusCode::CREATED,
        Json(PutAnswer {
            offset: total,
            complete: true,
        }),
    )
        .into_response())
}

/// The caller's name, or 401.
async fn authorised(office: &Arc<Office>, token: String) -> AppResult<String> {
    let office = office.clone();
    blocking(move || Ok(caller(&office, &token)?.name)).await
}

/// One chunk: at most [`CHUNK`] bytes (else 413) and at most what is left of the blob (else
/// 400), read frame by frame so an oversized body is refused as soon as it is.
async fn read_chunk(body: Body, room: u64) -> AppResult<Bytes> {
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    while let Some(frame) = stream.next().await {
        let frame = frame.map_err(|e| {
            AppError::invalid(
                "body",
                format!("无法读取上传内容：{e}"),
                format!("cannot read the chunk: {e}"),
            )
        })?;
        let len = buf.len().saturating_add(frame.len());
        if len > CHUNK {
            return Err(AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("每次上传最多 {} KB", CHUNK / 1024),
                format!("a chunk may carry at most {} KB", CHUNK / 1024),
            )
            .with_field("body"));
        }
        if u64::try_from(len).unwrap_or(u64::MAX) > room {
            return Err(AppError::invalid(
                "body",
                format!("上传内容超出声明的长度（剩余 {room} 字节）"),
                format!("the chunk goes past the declared length ({room} bytes left)"),
            ));
        }
        buf.extend_from_slice(&frame);
    }
    Ok(Bytes::from(buf))
}

/// Append a chunk to the partial file, which must be `offset` long; fsynced. Returns the new
/// length.
fn append(path: &std::path::Path, offset: u64, chunk: &[u8]) -> AppResult<u64> {
    let io = |e: std::io::Error| AppError::internal(format!("{}: {e}", path.display()));
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    if len != offset {
        return Err(offset_mismatch(offset, len));
    }
    f.write_all(chunk).map_err(io)?;
    f.sync_data().map_err(io)?;
    offset
        .checked_add(chunk.len() as u64)
        .ok_or_else(|| AppError::internal("length overflow"))
}

/// Hash the finished partial upload while writing it to the store as one multipart object;
/// complete the object only if the hash is `sha` (its media type then), else abort it. The
/// partial file is removed either way.
async fn publish(blobs: &Blobs, sha: &str, total: u64) -> AppResult<Option<&'static str>> {
    let path = blobs.partial(sha);
    let upload = blobs
        .store
        .put_multipart(&Blobs::key(sha))
        .await
        .map_err(AppError::internal)?;
    let mut w = WriteMultipart::new_with_chunk_size(upload, PART);
    let mut hasher = Sha256::new();
    let mut mime = "application/octet-stream";
    let mut at: u64 = 0;
    let result: AppResult<()> = async {
        while at < total {
            let p = path.clone();
            let piece = blocking(move || read_at(&p, at, PART)).await?;
            if piece.is_empty() {
                return Err(AppError::internal("partial upload shorter than its length"));
            }
            if at == 0 {
                mime = sniff_mime(&piece);
            }
            hasher.update(&piece);
            at = at.saturating_add(piece.len() as u64);
            w.put(Bytes::from(piece));
            w.wait_for_capacity(2).await.map_err(AppError::internal)?;
        }
        Ok(())
    }
    .await;
    let matches = result.is_ok() && hex::encode(hasher.finalize_reset()) == sha;
    let _ = std::fs::remove_file(&path);
    if !matches {
        let _ = w.abort().await;
        return result.map(|()| None);
    }
    w.finish().await.map_err(AppError::internal)?;
    Ok(Some(mime))
}

fn read_at(path: &std::path::Path, at: u64, len: usize) -> AppResult<Vec<u8>> {
    let io = |e: std::io::Error| AppError::internal(format!("{}: {e}", path.display()));
    let mut f = std::fs::File::open(path).map_err(io)?;
    f.seek(SeekFrom::Start(at)).map_err(io)?;
    let mut buf = Vec::with_capacity(len);
    f.take(u64::try_from(len).unwrap_or(u64::MAX))
        .read_to_end(&mut buf)
        .map_err(io)?;
    Ok(buf)
}

/// A required numeric header, or 400 naming it.
fn header_num(h: &HeaderMap, name: &'static str) -> AppResult<u64> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            AppError::invalid(
                name,
                format!("缺少或无效的 {name} 头（应为非负整数）"),
                format!("the {name} header is missing or not a non-negative integer"),
            )
        })
}

fn too_large_blob(sha: &str, total: u64, max: u64) -> AppError {
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "文件 {} 有 {} MB，超过办公室每个文件 {} MB 的上限；其他记录和文件不受影响",
            &sha[..12],
            mb(total),
            mb(max)
        ),
        format!(
            "file {} is {} MB, over the office's limit of {} MB per file; other records and files are not affected",
            &sha[..12],
            mb(total),
            mb(max)
        ),
    )
    .with_field(LENGTH_HEADER)
}

fn offset_mismatch(offset: u64, held: u64) -> AppError {
    AppError::new(
        StatusCode::CONFLICT,
        "offset_mismatch",
        format!("上传位置 {offset} 与办公室已收到的 {held} 字节不符：请从 {held} 继续"),
        format!("upload offset {offset} differs from the {held} bytes the office holds: continue at {held}"),
    )
    .with_field(OFFSET_HEADER)
}

/// An error answer that also names the offset the office holds.
fn at_offset(held: u64, e: AppError) -> Response {
    ([(name(OFFSET_HEADER), num(held))], e).into_response()
}

fn name(s: &'static str) -> HeaderName {
    HeaderName::from_static(s)
}

fn num(n: u64) -> HeaderValue {
    HeaderValue::from(n)
}

/// Remove partial uploads nobody has touched for [`STALE_PARTIAL`].
fn remove_stale(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_PARTIAL);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
