//! Change sets as files: where no network reaches the laptop, replicas meet through a file on a
//! USB stick, and tests compare replicas from outside.
//!
//! The file is JSON lines: a header naming the format, its version and the exporting
//! installation; one change per line; and a footer with the count and the SHA-256 of the
//! change lines. A file cut short (no footer, wrong count or hash) or of another format is
//! refused before anything is applied; a whole file applies in one transaction.

use super::apply::ApplyReport;
use super::changes::{self, Change};
use super::Store;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, Write};
use std::path::Path;

pub const FORMAT: &str = "weibao-changes";
pub const VERSION: u32 = 1;
/// Larger files are refused before they are read (a year of one laptop's work is a few MB).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    installation: String,
    /// Local positions after `since` are in the file (up to the footer's `until`).
    since: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Footer {
    end: bool,
    count: usize,
    /// The last local position in the file: the next export's `since`.
    until: i64,
    sha256: String,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub count: usize,
    pub since: i64,
    /// Pass this as `since` next time to export only what is new.
    pub until: i64,
}

/// Write every logged change after local position `since` (own and relayed) to `out`.
/// Written to a temporary file beside it and renamed, so a full disk never leaves a file that
/// looks whole.
pub fn export(store: &Store, since: i64, out: &Path) -> Result<Exported> {
    let tmp = out.with_extension("partial");
    let written = write_file(store, since, &tmp).and_then(|e| {
        std::fs::rename(&tmp, out).map_err(|err| write_error(out, err))?;
        Ok(e)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Stream the change log page by page into `path`: the header, each change, then the footer
/// with what is only known at the end (count, last position, checksum).
fn write_file(store: &Store, since: i64, path: &Path) -> Result<Exported> {
    let file = std::fs::File::create(path).map_err(|e| write_error(path, e))?;
    let mut w = std::io::BufWriter::new(file);
    let io = |e: std::io::Error| write_error(path, e);
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        installation: store.installation().to_string(),
        since,
    };
    writeln!(w, "{}", json(&header)?).map_err(io)?;
    let (mut until, mut count, mut hash) = (since, 0usize, Sha256::new());
    loop {
        let page = changes::since(store.conn(), until, 10_000)?;
        if page.is_empty() {
            break;
        }
        for l in page {
            until = l.local_seq;
            let line = json(&l.change)?;
            hash.update(line.as_bytes());
            hash.update(b"\n");
            writeln!(w, "{line}").map_err(io)?;
            count += 1;
        }
    }
    let footer = Footer {
        end: true,
        count,
        until,
        sha256: hex::encode(hash.finalize()),
    };
    writeln!(w, "{}", json(&footer)?).map_err(io)?;
    w.flush().map_err(io)?;
    w.get_ref().sync_all().map_err(io)?;
    Ok(Exported {
        count,
        since,
        until,
    })
}

fn json(c: &impl Serialize) -> Result<String> {
    serde_json::to_string(c).map_err(|e| {
        Error::invalid(
            "change",
            "无法写出变更",
            format!("cannot write change: {e}"),
        )
    })
}

/// The file a change set is exported to or imported from could not be written or read: the
/// core's one mapping of I/O errors (names the path, says why), field `file`.
fn write_error(path: &Path, e: std::io::Error) -> Error {
    crate::files::io_error("file", path, crate::files::Op::Write, &e)
}

fn read_error(path: &Path, e: std::io::Error) -> Error {
    crate::files::io_error("file", path, crate::files::Op::Read, &e)
}

/// A refused file; `name` is what the messages call it (its path).
fn bad_file(name: &str, zh: String, en: String) -> Error {
    Error::invalid("file", format!("{name}：{zh}"), format!("{name}: {en}"))
}

/// Read and check a change-set file: the whole file or an error, never part of it.
pub fn read(path: &Path) -> Result<Vec<Change>> {
    let meta = std::fs::metadata(path).map_err(|e| read_error(path, e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(bad_file(
            &path.display().to_string(),
            format!("文件过大（{} 字节）", meta.len()),
            format!("file too large ({} bytes)", meta.len()),
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| read_error(path, e))?;
    read_from(std::io::BufReader::new(file), &path.display().to_string())
}

/// [`read`] from any reader (a file, a buffer, later a sync payload); `name` is what the
/// messages call the input. At most [`MAX_FILE_BYTES`] are read: a longer input has no footer
/// within that and is refused as incomplete.
pub fn read_from(input: impl BufRead, name: &str) -> Result<Vec<Change>> {
    let mut lines = input.take(MAX_FILE_BYTES).lines();
    let foreign = || {
        bad_file(
            name,
            "不是 weibao 变更集文件".into(),
            "not a weibao change-set file".into(),
        )
    };
    let first = match lines.next() {
        Some(Ok(l)) => l,
        _ => return Err(foreign()),
    };
    let header: Header = serde_json::from_str(&first).map_err(|_| foreign())?;
    if header.format != FORMAT {
        return Err(foreign());
    }
    if header.version != VERSION {
        return Err(bad_file(
            name,
            format!("变更集版本 {} 不受支持（支持 {VERSION}）", header.version),
            format!(
                "change-set version {} is not supported (this build reads {VERSION})",
                header.version
            ),
        ));
    }
    let mut out = Vec::new();
    let mut hash = Sha256::new();
    let truncated = || {
        bad_file(
            name,
            "文件不完整（可能拷贝时被截断），未导入任何内容".into(),
            "the file is incomplete (cut short while copying?); nothing was imported".into(),
        )
    };
    // A line that is not UTF-8 is read as empty and remembered: as the last line it is a copy
    // cut inside a character, anywhere else a damaged file. Any other read error ends here.
    let mut not_utf8 = None;
    let mut all = Vec::new();
    for line in lines {
        match line {
            Ok(l) => all.push(l),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                not_utf8.get_or_insert(all.len());
                all.push(String::new());
            }
            Err(_) => return Err(truncated()),
        }
    }
    let lines = all;
    let last = lines.len();
    match not_utf8 {
        Some(i) if i + 1 == last => return Err(truncated()),
        Some(i) => {
            return Err(Error::invalid(
                format!("file:{}", i + 2),
                format!(
                    "{name} 第 {} 行不是 UTF-8 文本（文件已损坏？），未导入任何内容",
                    i + 2
                ),
                format!(
                    "{name} line {} is not UTF-8 text (a damaged file?); nothing was imported",
                    i + 2
                ),
            ))
        }
        None => {}
    }
    for (i, line) in lines.iter().enumerate() {
        if let Ok(footer) = serde_json::from_str::<Footer>(line) {
            let sha = hex::encode(hash.finalize());
            if !footer.end || footer.count != out.len() || footer.sha256 != sha || i + 1 != last {
                return Err(truncated());
            }
            return Ok(out);
        }
        let change: Change = match serde_json::from_str(line) {
            Ok(c) => c,
            // The last line cut in the middle: the copy was interrupted.
            Err(_) if i + 1 == last => return Err(truncated()),
            Err(e) => {
                return Err(Error::invalid(
                    format!("file:{}", i + 2),
                    format!("{name} 第 {} 行不是有效的变更：{e}", i + 2),
                    format!("{name} line {} is not a valid change: {e}", i + 2),
                ))
            }
        };
        change.validate(&format!("line {}", i + 2))?;
        hash.update(line.as_bytes());
        hash.update(b"\n");
        out.push(change);
    }
    Err(truncated())
}

/// Import a change-set file: all of it in one transaction, or nothing.
pub fn import(store: &mut Store, path: &Path) -> Result<ApplyReport> {
    let changes = read(path)?;
    store.apply_remote(&changes)
}

/// [`import`] from any reader (see [`read_from`]).
pub fn import_from(store: &mut Store, input: impl BufRead, name: &str) -> Result<ApplyReport> {
    let changes = read_from(input, name)?;
    store.apply_remote(&changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"{"format":"weibao-changes","version":1,"installation":"x","since":0}"#;

    #[test]
    fn a_line_that_is_not_utf8_is_named_unless_it_is_the_cut_last_line() {
        let mut damaged = format!("{HEADER}\n{{}}\n").into_bytes();
        damaged.extend_from_slice(b"\xff\xfe\n{\"end\":true}\n");
        let e = read_from(damaged.as_slice(), "usb.changes").unwrap_err();
        assert_eq!(e.field(), Some("file:3"), "{e}");
        assert!(e.to_string().contains("not UTF-8"), "{e}");

        // Cut inside a Chinese character: the copy was interrupted.
        let mut cut = format!("{HEADER}\n").into_bytes();
        cut.extend_from_slice(&"季度巡检".as_bytes()[..4]);
        let e = read_from(cut.as_slice(), "usb.changes").unwrap_err();
        assert_eq!(e.field(), Some("file"), "{e}");
        assert!(e.to_string().contains("incomplete"), "{e}");
    }
}
