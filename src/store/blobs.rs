//! Content-addressed blobs (photos, signatures, PDFs) in a folder beside the database.
//!
//! A blob is written to a temporary file, fsynced, then renamed to `blobs/ab/<sha256>`; only a
//! complete file ever has its final name, so a crash leaves at most a stray temp file.

use crate::files::{self, Op};
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
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
        if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
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

    /// Read a blob back, checking its hash so a damaged file is never used silently.
    pub fn get(&self, sha: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha)?;
        let bytes = std::fs::read(&path).map_err(|_| Error::not_found("blob", sha))?;
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
