//! Content-addressed blobs (photos, signatures, PDFs) in a folder beside the database.
//!
//! A blob is written to a temporary file, fsynced, then renamed to `blobs/ab/<sha256>`; only a
//! complete file ever has its final name, so a crash leaves at most a stray temp file.
//!
//! A blob's id is its SHA-256 as 64 lowercase hex digits ([`is_sha256`]); nothing else ever
//! becomes a path. A record can name a blob that is not here yet (it was synced before its
//! file): reading it then says "pending" ([`BlobKind`]), never a bare "not found".

use crate::files::{self, Op};
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `s` is a blob id: exactly 64 lowercase hex digits (what [`sha256_hex`] writes). The
/// one test every blob id from a record, a request or the wire goes through before it names a
/// file.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A blob id from outside (a URL, a header), refused with field `sha256` unless [`is_sha256`].
pub fn check_sha256(s: &str) -> Result<()> {
    if is_sha256(s) {
        return Ok(());
    }
    let shown: String = s.chars().take(80).collect();
    Err(Error::invalid(
        "sha256",
        format!("文件编号 sha256 应为 64 位小写十六进制字符，收到「{shown}」"),
        format!("a blob id (sha256) must be 64 lowercase hex characters, got {shown:?}"),
    ))
}

/// What a blob is to the record that names it: chooses the words when it is not here yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlobKind {
    Photo,
    Signature,
    Report,
    File,
}

impl BlobKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            BlobKind::Photo => "照片",
            BlobKind::Signature => "客户签字",
            BlobKind::Report => "报告文件",
            BlobKind::File => "文件",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            BlobKind::Photo => "photo",
            BlobKind::Signature => "customer signature",
            BlobKind::Report => "report PDF",
            BlobKind::File => "file",
        }
    }

    /// "照片待同步 / photo pending": the record is here, its file has not arrived yet (kind
    /// `blob_pending`); the next sync with the office brings it.
    pub fn pending(self, sha: &str) -> Error {
        let short = &sha[..sha.len().min(12)];
        Error::refused(
            "blob_pending",
            format!(
                "{}待同步：{} {short}… 尚未传到本机，与办公室同步后即可使用",
                self.label_zh(),
                self.label_zh()
            ),
            format!(
                "{} pending: {short}… has not reached this machine yet; it arrives with the next sync",
                self.label_en()
            ),
        )
    }
}

impl BlobStore {
    /// `<db>.blobs/` next to the database file.
    pub fn beside(db: &Path) -> Result<Self> {
        let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".blobs");
        let dir = db.with_file_name(name);
        Ok(BlobStore { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, sha: &str) -> Result<PathBuf> {
        if !is_sha256(sha) {
            return Err(Error::invalid(
                "blob.sha256",
                "文件哈希格式不正确",
                "malformed blob hash",
            ));
        }
        Ok(self.dir.join(&sha[..2]).join(sha))
    }

    /// Store bytes durably; returns their sha256. Storing the same bytes twice is free.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        self.put_tracked(bytes).map(|(sha, _)| sha)
    }

    /// [`BlobStore::put`], also saying whether this call created the file (`false` when the
    /// same bytes were already stored), so a transaction that does not commit can take back
    /// exactly the files it wrote ([`crate::Store::write_with_blobs`]).
    pub fn put_tracked(&self, bytes: &[u8]) -> Result<(String, bool)> {
        let sha = sha256_hex(bytes);
        let path = self.path_of(&sha)?;
        if path.exists() {
            return Ok((sha, false));
        }
        let parent = path.parent().unwrap_or(&self.dir);
        let fail = |e: std::io::Error| files::io_error("blobs", parent, Op::Write, &e);
        files::create_dir("blobs", parent)?;
        let tmp = parent.join(format!(".{sha}.{}.tmp", std::process::id()));
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(fail(e));
        }
        if let Ok(d) = std::fs::File::open(parent) {
            let _ = d.sync_all();
        }
        Ok((sha, true))
    }

    /// Remove a blob this process wrote for a transaction that did not commit. The caller
    /// has checked that no committed row names it.
    pub(crate) fn discard(&self, sha: &str) {
        if let Ok(path) = self.path_of(sha) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Whether the blob's file is here.
    pub fn has(&self, sha: &str) -> bool {
        self.path_of(sha).is_ok_and(|p| p.is_file())
    }

    /// Read a blob back, checking its hash so a damaged file is never used silently.
    pub fn get(&self, sha: &str) -> Result<Vec<u8>> {
        self.get_for(sha, BlobKind::File)
    }

    /// [`BlobStore::get`] for a blob a record names as `kind`: a file that has not arrived yet
    /// is "photo pending" (kind `blob_pending`), not an error of the store.
    pub fn get_for(&self, sha: &str, kind: BlobKind) -> Result<Vec<u8>> {
        let path = self.path_of(sha)?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(kind.pending(sha)),
            Err(e) => return Err(files::io_error("blobs", &path, Op::Read, &e)),
        };
        if sha256_hex(&bytes) != sha {
            return Err(Error::refused(
                "blob_corrupt",
                format!("文件 {sha} 已损坏（哈希不符）"),
                format!("blob {sha} is damaged (hash mismatch)"),
            ));
        }
        Ok(bytes)
    }
}

impl BlobStore {
    /// Store a blob read from `from` (a download), at most `limit` bytes, under its expected
    /// id: streamed into a temporary file while hashed, fsynced, and renamed into place only if
    /// the hash is `sha`. Anything else (a cut stream, other bytes, too many) leaves nothing
    /// behind. Returns the size. A blob already here is kept as it is.
    pub fn receive(&self, sha: &str, from: &mut dyn Read, limit: u64) -> Result<u64> {
        let path = self.path_of(sha)?;
        let parent = path.parent().unwrap_or(&self.dir).to_path_buf();
        files::create_dir("blobs", &parent)?;
        let tmp = parent.join(format!(".{sha}.{}.recv", std::process::id()));
        let got = copy_hashed(from, &tmp, limit);
        let fail = |e: Error| {
            let _ = std::fs::remove_file(&tmp);
            e
        };
        let (size, actual) = got.map_err(fail)?;
        if actual != sha {
            return Err(fail(Error::refused(
                "blob_corrupt",
                format!("收到的文件 {sha} 与哈希不符（{actual}），未保存"),
                format!("the received blob {sha} does not match its hash ({actual}); not kept"),
            )));
        }
        if path.exists() {
            let _ = std::fs::remove_file(&tmp);
            return Ok(size);
        }
        std::fs::rename(&tmp, &path)
            .map_err(|e| fail(files::io_error("blobs", &path, Op::Write, &e)))?;
        if let Ok(d) = std::fs::File::open(&parent) {
            let _ = d.sync_all();
        }
        Ok(size)
    }

    /// The SHA-256 and size of a stored blob's file, read in pieces (a 100 MB PDF is never in
    /// memory at once): what a sender checks before offering the file to anyone.
    pub fn hash_file(&self, sha: &str) -> Result<(String, u64)> {
        let path = self.path_of(sha)?;
        let mut f = std::fs::File::open(&path)
            .map_err(|e| files::io_error("blobs", &path, Op::Read, &e))?;
        hash_reader(&mut f).map_err(|e| files::io_error("blobs", &path, Op::Read, &e))
    }
}

/// SHA-256 (hex) and length of everything `r` yields.
pub fn hash_reader(r: &mut dyn Read) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut n: u64 = 0;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            return Ok((hex::encode(h.finalize()), n));
        }
        h.update(&buf[..k]);
        n = n.saturating_add(k as u64);
    }
}

/// Copy at most `limit` bytes from `from` into a new file `to` (fsynced), hashing on the way.
fn copy_hashed(from: &mut dyn Read, to: &Path, limit: u64) -> Result<(u64, String)> {
    let io = |e: std::io::Error| files::io_error("blobs", to, Op::Write, &e);
    let mut f = std::fs::File::create(to).map_err(io)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut n: u64 = 0;
    loop {
        let k = from.read(&mut buf).map_err(|e| {
            Error::refused(
                "blob_cut",
                format!("文件传输中断：{e}"),
                format!("the blob transfer was cut: {e}"),
            )
        })?;
        if k == 0 {
            break;
        }
        n = n
            .checked_add(k as u64)
            .filter(|&n| n <= limit)
            .ok_or_else(|| {
                Error::refused(
                    "too_large",
                    format!("文件超过 {limit} 字节上限"),
                    format!("the blob exceeds the {limit} byte limit"),
                )
            })?;
        h.update(&buf[..k]);
        f.write_all(&buf[..k]).map_err(io)?;
    }
    f.sync_all().map_err(io)?;
    Ok((n, hex::encode(h.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_64_lowercase_hex_is_a_blob_id() {
        let good = sha256_hex(b"photo");
        assert!(is_sha256(&good));
        for bad in [
            good.to_uppercase(),
            good[..63].to_string(),
            format!("{good}0"),
            "../../etc/passwd".to_string(),
            format!("{}/{}", &good[..2], &good[3..]),
        ] {
            assert!(!is_sha256(&bad), "{bad}");
            let e = check_sha256(&bad).expect_err("refused");
            assert_eq!((e.kind(), e.field()), ("invalid", Some("sha256")));
        }
    }

    #[test]
    fn a_received_blob_is_kept_only_whole_and_matching() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::beside(&dir.path().join("x.db")).expect("blobs");
        let bytes = b"a signed report".to_vec();
        let sha = sha256_hex(&bytes);
        let leftovers = |b: &BlobStore| {
            std::fs::read_dir(b.dir().join(&sha[..2]))
                .map(|d| d.count())
                .unwrap_or(0)
        };
        // Other bytes, or more than allowed: nothing kept.
        let e = blobs
            .receive(&sha, &mut &b"a forged report"[..], 1024)
            .expect_err("mismatch");
        assert_eq!(e.kind(), "blob_corrupt");
        let e = blobs.receive(&sha, &mut &bytes[..], 4).expect_err("limit");
        assert_eq!(e.kind(), "too_large");
        assert_eq!(leftovers(&blobs), 0);
        assert!(!blobs.has(&sha));
        // Missing: pending, in the words of what the record calls it.
        let e = blobs.get_for(&sha, BlobKind::Photo).expect_err("pending");
        assert_eq!(e.kind(), "blob_pending");
        assert!(
            e.message_zh().starts_with("照片待同步"),
            "{}",
            e.message_zh()
        );
        assert!(e.to_string().starts_with("photo pending"), "{e}");
        assert_eq!(
            blobs.receive(&sha, &mut &bytes[..], 1024).expect("kept"),
            15
        );
        assert_eq!(blobs.get(&sha).expect("read"), bytes);
        assert_eq!(leftovers(&blobs), 1);
        assert_eq!(blobs.hash_file(&sha).expect("hash"), (sha, 15));
    }
}
