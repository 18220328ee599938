//! The blob half of one sync over HTTP (protocol v1, `docs/sync.md`, "Blobs"), after the
//! records: send every local blob the office may lack, then fetch every file records here name
//! that is not here yet.
//!
//! Sending one blob: `HEAD` (the office has it → done, never sent again; it holds part of it →
//! resume there), then `PUT` chunks of at most [`CHUNK`] bytes, each naming its offset and the
//! whole length. The office checks the whole against the SHA-256 before it keeps anything, so
//! a chunk sent twice, a killed client or a cut connection can only cost a resend. A refusal of
//! one blob (too large, hash mismatch, …) sets that blob aside with its reason and the others
//! go on; only what stops every request (no network, a revoked token, an old client) ends the
//! sync with an error — the records already went, and the next sync resumes the files.

use super::{
    register, set_aside, PutAnswer, Unsent, CHUNK, LENGTH_HEADER, MAX_BLOB_HEADER, MAX_DOWNLOAD,
    OFFSET_HEADER,
};
use crate::store::Store;
use crate::sync::client::{Event, Failure, Remote, Summary};
use crate::{Error, Result};
use reqwest::Method;
use std::io::{Read, Seek, SeekFrom};

/// Send what the office may lack, then fetch what is missing here; counts go into `sum`.
pub fn run(
    store: &mut Store,
    remote: &Remote,
    sum: &mut Summary,
    on: &mut dyn FnMut(&Event),
) -> Result<()> {
    for u in super::unsent(store)? {
        match upload(store, remote, &u, sum, on)? {
            Sent::Stored(bytes) => {
                super::mark_sent(store, &u.sha256)?;
                sum.blobs_sent += 1;
                on(&Event::BlobSent {
                    sha256: u.sha256.clone(),
                    bytes,
                    sent: sum.blobs_sent,
                });
            }
            Sent::Present => super::mark_sent(store, &u.sha256)?,
            Sent::Refused(why) => {
                let entry = set_aside(store, &u.sha256, &why)?;
                sum.blobs_set_aside += 1;
                on(&Event::BlobSetAside {
                    sha256: u.sha256.clone(),
                    why: entry.message_en,
                });
            }
        }
    }
    for r in super::missing(store)? {
        match download(store, remote, &r.sha256, sum, on) {
            Ok(Got::Stored(bytes)) => {
                let mime = super::mime_of_file(store, &r.sha256);
                register(store, &r.sha256, bytes, mime, true)?;
                sum.blobs_received += 1;
                on(&Event::BlobReceived {
                    sha256: r.sha256.clone(),
                    bytes,
                    received: sum.blobs_received,
                });
            }
            // Not on the office yet (its laptop has not sent it): still pending here.
            Ok(Got::Absent) => {}
            // A local failure (disk full, …) stops; a bad copy on the way is left for later.
            Ok(Got::Bad(e)) if e.kind() == "io" => return Err(e),
            Ok(Got::Bad(_)) => {}
            Err(f) => {
                if fatal(&f) {
                    return Err(remote.error(f));
                }
            }
        }
    }
    sum.blobs_pending = super::missing(store)?.len();
    Ok(())
}

fn path(sha256: &str) -> String {
    format!("/sync/v1/blobs/{sha256}")
}

/// What became of one blob offered to the office.
enum Sent {
    Stored(u64),
    Present,
    Refused(Error),
}

/// What the office says it holds of a blob.
struct Head {
    present: bool,
    offset: u64,
    max: Option<u64>,
}

/// Failures that stop every request, not just this blob's: the network (after retries), the
/// token, the versions.
fn fatal(f: &Failure) -> bool {
    match f {
        Failure::Transient(_) => true,
        Failure::Answer(status, _) => {
            matches!(status, 401 | 403 | 426) || f.kind() == "server_outdated"
        }
    }
}

/// A failure for one blob: ends the sync if [`fatal`], else refuses that blob alone.
fn refused(remote: &Remote, f: Failure) -> Result<Sent> {
    if fatal(&f) {
        return Err(remote.error(f));
    }
    Ok(Sent::Refused(remote.error(f)))
}

fn upload(
    store: &Store,
    remote: &Remote,
    u: &Unsent,
    sum: &mut Summary,
    on: &mut dyn FnMut(&Event),
) -> Result<Sent> {
    let h = match head(remote, &u.sha256, on) {
        Ok(h) => h,
        Err(f) => return refused(remote, f),
    };
    if h.present {
        return Ok(Sent::Present);
    }
    // Never offer a file the office's limit refuses; it stays set aside here with the reason.
    if let Some(max) = h.max.filter(|&m| u.size > m) {
        return Ok(Sent::Refused(too_large(&u.sha256, u.size, max)));
    }
    // Only a sound file is sent: a damaged one is set aside rather than refused at the end.
    let total = match store.blobs().hash_file(&u.sha256) {
        Ok((actual, size)) if actual == u.sha256 => size,
        Ok(_) => return Ok(Sent::Refused(damaged(&u.sha256))),
        Err(e) => return Ok(Sent::Refused(e)),
    };
    let file_path = store.blobs().path_of(&u.sha256)?;
    let mut file = std::fs::File::open(&file_path)
        .map_err(|e| crate::files::io_error("blobs", &file_path, crate::files::Op::Read, &e))?;
    let mut offset = if h.offset <= total { h.offset } else { 0 };
    let (mut corrections, mut restarted) = (0u32, false);
    loop {
        let len = total.saturating_sub(offset).min(CHUNK as u64);
        let chunk = read_at(&mut file, offset, len)
            .map_err(|e| crate::files::io_error("blobs", &file_path, crate::files::Op::Read, &e))?;
        if chunk.len() as u64 != len {
            return Ok(Sent::Refused(damaged(&u.sha256)));
        }
        match put_chunk(remote, &u.sha256, offset, total, &u.mime, chunk, sum, on) {
            Ok(Put::Done(a)) if a.complete => {
                return Ok(Sent::Stored(total));
            }
            Ok(Put::Done(a)) if a.offset > offset && a.offset <= total => {
                offset = a.offset;
                on(&Event::BlobProgress {
                    sha256: u.sha256.clone(),
                    done: offset,
                    total,
                });
            }
            // The office holds a different part than offered (a chunk that landed though its
            // answer was lost, or another laptop sending the same photo): go on from there.
            Ok(Put::Elsewhere(at)) if at <= total && corrections < 8 => {
                corrections += 1;
                offset = at;
            }
            Ok(_) => {
                return Ok(Sent::Refused(Error::refused(
                    "bad_answer",
                    format!("办公室对文件 {} 的上传回答无法理解", &u.sha256[..12]),
                    format!(
                        "the office's answer to the upload of {} is not understood",
                        &u.sha256[..12]
                    ),
                )))
            }
            // The whole did not hash right on the office (it discarded its copy): once more
            // from the start, then set aside.
            Err(f) if f.kind() == "hash_mismatch" && !restarted => {
                restarted = true;
                offset = 0;
            }
            Err(f) => return refused(remote, f),
        }
    }
}

fn head(remote: &Remote, sha256: &str, on: &mut dyn FnMut(&Event)) -> Result<Head, Failure> {
    remote.retry(on, || {
        let resp = remote
            .request(Method::HEAD, &path(sha256))
            .send()
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let status = resp.status().as_u16();
        let num = |name: &str| header_u64(resp.headers(), name);
        match status {
            200 => Ok(Head {
                present: true,
                offset: 0,
                max: None,
            }),
            404 => Ok(Head {
                present: false,
                offset: num(OFFSET_HEADER).unwrap_or(0),
                max: num(MAX_BLOB_HEADER),
            }),
            s if transient(s) => Err(Failure::Transient(format!("HTTP {s}"))),
            // A HEAD answer has no body: the status says what it was.
            s => Err(Failure::Answer(s, bodiless(s))),
        }
    })
}

enum Put {
    Done(PutAnswer),
    Elsewhere(u64),
}

#[allow(clippy::too_many_arguments)]
fn put_chunk(
    remote: &Remote,
    sha256: &str,
    offset: u64,
    total: u64,
    mime: &str,
    chunk: Vec<u8>,
    sum: &mut Summary,
    on: &mut dyn FnMut(&Event),
) -> Result<Put, Failure> {
    remote.retry(on, || {
        let len = chunk.len() as u64;
        sum.bytes_sent += len;
        sum.blob_bytes_sent += len;
        let resp = remote
            .request(Method::PUT, &path(sha256))
            .header(OFFSET_HEADER, offset.to_string())
            .header(LENGTH_HEADER, total.to_string())
            .header("content-type", mime)
            .body(chunk.clone())
            .send()
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let status = resp.status().as_u16();
        let at = header_u64(resp.headers(), OFFSET_HEADER);
        if transient(status) {
            return Err(Failure::Transient(format!("HTTP {status}")));
        }
        let bytes = resp
            .bytes()
            .map_err(|e| Failure::Transient(e.to_string()))?;
        sum.bytes_received += bytes.len() as u64;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|_| bodiless(status));
        match (status, at) {
            (200 | 201, _) => serde_json::from_value(value)
                .map(Put::Done)
                .map_err(|e| Failure::Answer(status, bodiless_with(status, &e.to_string()))),
            (409, Some(at)) => Ok(Put::Elsewhere(at)),
            _ => Err(Failure::Answer(status, value)),
        }
    })
}

enum Got {
    Stored(u64),
    Absent,
    Bad(Error),
}

fn download(
    store: &Store,
    remote: &Remote,
    sha256: &str,
    sum: &mut Summary,
    on: &mut dyn FnMut(&Event),
) -> Result<Got, Failure> {
    remote.retry(on, || {
        let resp = remote
            .request(Method::GET, &path(sha256))
            .send()
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let status = resp.status().as_u16();
        match status {
            200 => {}
            404 => return Ok(Got::Absent),
            s if transient(s) => return Err(Failure::Transient(format!("HTTP {s}"))),
            s => {
                let v = resp
                    .json::<serde_json::Value>()
                    .unwrap_or_else(|_| bodiless(s));
                return Err(Failure::Answer(s, v));
            }
        }
        let mut counted = Counted { inner: resp, n: 0 };
        let got = store.blobs().receive(sha256, &mut counted, MAX_DOWNLOAD);
        sum.bytes_received += counted.n;
        sum.blob_bytes_received += counted.n;
        match got {
            Ok(n) => Ok(Got::Stored(n)),
            // A cut connection is worth another try; other bytes or too many are not.
            Err(e) if e.kind() == "blob_cut" => Err(Failure::Transient(e.to_string())),
            Err(e) => Ok(Got::Bad(e)),
        }
    })
}

/// Counts what is read through it (bytes on the wire for the summary).
struct Counted<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n = self.n.saturating_add(k as u64);
        Ok(k)
    }
}

fn read_at(f: &mut std::fs::File, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    f.seek(SeekFrom::Start(offset))?;
    let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    f.take(len).read_to_end(&mut buf)?;
    Ok(buf)
}

fn header_u64(h: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn transient(status: u16) -> bool {
    status >= 500 || status == 408 || status == 429
}

/// The error body of an answer that has none (a `HEAD`), by its status.
fn bodiless(status: u16) -> serde_json::Value {
    bodiless_with(status, "")
}

fn bodiless_with(status: u16, detail: &str) -> serde_json::Value {
    let kind = match status {
        400 => "invalid",
        401 => "unauthenticated",
        404 => "not_found",
        413 => "too_large",
        426 => "upgrade_required",
        _ => "sync_refused",
    };
    serde_json::json!({
        "kind": kind,
        "message": format!("HTTP {status} {detail}"),
        "message_en": format!("HTTP {status} {detail}"),
    })
}

fn too_large(sha256: &str, size: u64, max: u64) -> Error {
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    Error::refused(
        "too_large",
        format!(
            "文件 {} 有 {} MB，超过办公室每个文件 {} MB 的上限：已暂存本机，记录照常同步",
            &sha256[..12],
            mb(size),
            mb(max)
        ),
        format!(
            "file {} is {} MB, over the office's limit of {} MB per file: kept here, records sync as usual",
            &sha256[..12],
            mb(size),
            mb(max)
        ),
    )
}

fn damaged(sha256: &str) -> Error {
    Error::refused(
        "blob_corrupt",
        format!("本机文件 {} 已损坏（哈希不符），未发送", &sha256[..12]),
        format!(
            "the local file {} is damaged (hash mismatch); not sent",
            &sha256[..12]
        ),
    )
}
