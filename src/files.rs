//! Files a person names (`--db`, `--templates`, `--from`, `--out`, a photo): the one place that
//! reads them with a bound, writes them so that a failure leaves nothing half-done, and turns
//! every I/O error into an [`Error::File`] that names the path and the option it came from.
//!
//! Why one place: "File exists (os error 17)" says nothing to an engineer who mistyped a path.
//! The error names the file, says in Chinese and English what is wrong with it (a folder in the
//! way, a file where a folder should be, the disk full), and carries the option as its `field`.
//! Reading checks the size before the first byte is read, so a 200 MB file offered where 80 MB
//! is the limit costs nothing; writing goes to a temporary file beside the target that only
//! takes the target's name once it is complete.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// What was being done when the error happened (it chooses the words of the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Read,
    Write,
    CreateDir,
    List,
}

impl Op {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Op::Read => ("无法读取", "cannot read"),
            Op::Write => ("无法写入", "cannot write"),
            Op::CreateDir => ("无法创建文件夹", "cannot create the folder"),
            Op::List => ("无法列出文件夹", "cannot list the folder"),
        }
    }
}

/// The typed error for an I/O failure on `path`, given by the option `field`.
pub fn io_error(field: &str, path: &Path, op: Op, e: &io::Error) -> Error {
    let (verb_zh, verb_en) = op.words();
    let (why_zh, why_en) = reason(path, op, e);
    let shown = path.display();
    Error::File {
        field: field.to_string(),
        path: shown.to_string(),
        zh: format!("{verb_zh} {shown}：{why_zh}"),
        en: format!("{verb_en} {shown}: {why_en}"),
    }
}

/// Why an operation on `path` failed, in words; for "not found" and "exists" it looks at the
/// path itself, because the OS answer hides the usual cause (a file where a folder should be).
fn reason(path: &Path, op: Op, e: &io::Error) -> (String, String) {
    use io::ErrorKind as K;
    if matches!(e.kind(), K::NotFound | K::AlreadyExists | K::NotADirectory) {
        // A folder to be made may itself be the file in the way; a file to be read may not.
        let skip = usize::from(op != Op::CreateDir);
        if let Some(file) = path
            .ancestors()
            .skip(skip)
            .find(|a| !a.as_os_str().is_empty() && a.is_file())
        {
            let f = file.display();
            return (
                format!("{f} 是文件，不是文件夹"),
                format!("{f} is a file, not a folder"),
            );
        }
    }
    let (zh, en) = match e.kind() {
        K::NotFound => ("文件或文件夹不存在", "no such file or folder"),
        K::PermissionDenied => ("没有权限", "permission denied"),
        K::AlreadyExists => ("已有同名文件", "a file of that name already exists"),
        K::IsADirectory => ("这是文件夹，不是文件", "it is a folder, not a file"),
        K::NotADirectory => ("这是文件，不是文件夹", "it is a file, not a folder"),
        K::StorageFull => ("磁盘已满", "the disk is full"),
        K::ReadOnlyFilesystem => ("磁盘只读", "the file system is read-only"),
        K::FileTooLarge => (
            "文件超出系统允许的大小",
            "the file is larger than the system allows",
        ),
        K::InvalidData => ("内容无效", "the content is not valid"),
        _ => return (format!("{e}"), format!("{e}")),
    };
    (zh.to_string(), en.to_string())
}

pub(crate) fn too_large(field: &str, path: &Path, limit: u64) -> Error {
    let shown = path.display();
    let (zh_limit, en_limit) = size_words(limit);
    Error::File {
        field: field.to_string(),
        path: shown.to_string(),
        zh: format!("文件 {shown} 过大，上限 {zh_limit}"),
        en: format!("{shown} is too large, limit {en_limit}"),
    }
}

fn size_words(bytes: u64) -> (String, String) {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        let mb = bytes >> 20;
        (format!("{mb} MB"), format!("{mb} MB"))
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        let kb = bytes >> 10;
        (format!("{kb} KB"), format!("{kb} KB"))
    } else {
        (format!("{bytes} 字节"), format!("{bytes} bytes"))
    }
}

/// The whole file, refused (naming the limit) when it is larger than `limit` bytes. The size
/// is checked from the file's metadata before reading, and the read itself stops one byte past
/// the limit, so a pipe or a device that reports no size cannot make it read without end.
pub fn read_bounded(field: &str, path: &Path, limit: u64) -> Result<Vec<u8>> {
    let file = File::open(path).map_err(|e| io_error(field, path, Op::Read, &e))?;
    let meta = file
        .metadata()
        .map_err(|e| io_error(field, path, Op::Read, &e))?;
    if meta.is_dir() {
        let e = io::Error::from(io::ErrorKind::IsADirectory);
        return Err(io_error(field, path, Op::Read, &e));
    }
    if meta.len() > limit {
        return Err(too_large(field, path, limit));
    }
    let capacity = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(field, path, Op::Read, &e))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(too_large(field, path, limit));
    }
    Ok(bytes)
}

/// A text file (UTF-8), bounded like [`read_bounded`]. Text that is not UTF-8 is refused with
/// the line where it stops being UTF-8 — usually a file saved as GBK by a Chinese editor.
pub fn read_text(field: &str, path: &Path, limit: u64) -> Result<String> {
    let bytes = read_bounded(field, path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        let shown = path.display();
        Error::File {
            field: field.to_string(),
            path: shown.to_string(),
            zh: format!("{shown} 第 {line} 行不是 UTF-8 文本（可能以 GBK 保存，请另存为 UTF-8）"),
            en: format!(
                "{shown} line {line} is not UTF-8 text (perhaps saved as GBK; save it as UTF-8)"
            ),
        }
    })
}

/// Make the folder `dir` (and its parents), naming `field` if it cannot be made.
pub fn create_dir(field: &str, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(field, dir, Op::CreateDir, &e))
}

/// An output file being written. The bytes go to a temporary file beside the target, which
/// takes the target's name only in [`Output::publish`]; dropped before that, the temporary
/// file is removed and the target is untouched. A target that exists and is not a regular file
/// (`/dev/stdout`, a pipe) is written directly, since it cannot be renamed over.
///
/// The point is the order: a caller that must both record something and write a file opens
/// the output first (a mistyped folder fails here), writes it inside its transaction before
/// the commit (a full disk fails there and nothing is recorded), and publishes after.
pub struct Output {
    field: String,
    path: PathBuf,
    tmp: Option<PathBuf>,
    file: File,
}

impl Output {
    /// Open `path` for writing, making its folder if needed.
    pub fn create(field: &str, path: &Path) -> Result<Output> {
        let direct = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if direct {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| io_error(field, path, Op::Write, &e))?;
            return Ok(Output {
                field: field.to_string(),
                path: path.to_path_buf(),
                tmp: None,
                file,
            });
        }
        if path.is_dir() {
            let e = io::Error::from(io::ErrorKind::IsADirectory);
            return Err(io_error(field, path, Op::Write, &e));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        create_dir(field, &dir)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.partial", std::process::id()));
        let file = File::create(&tmp).map_err(|e| io_error(field, path, Op::Write, &e))?;
        Ok(Output {
            field: field.to_string(),
            path: path.to_path_buf(),
            tmp: Some(tmp),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write all of `bytes` and make them durable (a full disk fails here, not later).
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        let (field, path) = (&self.field, &self.path);
        let fail = |e: io::Error| io_error(field, path, Op::Write, &e);
        if self.tmp.is_some() {
            // A retry inside one transaction starts the file over.
            self.file.set_len(0).map_err(fail)?;
            io::Seek::rewind(&mut self.file).map_err(fail)?;
        }
        self.file.write_all(bytes).map_err(fail)?;
        self.file.flush().map_err(fail)?;
        if self.tmp.is_some() {
            self.file.sync_all().map_err(fail)?;
        }
        Ok(())
    }

    /// Give the complete file its name.
    pub fn publish(mut self) -> Result<()> {
        if let Some(tmp) = self.tmp.take() {
            if let Err(e) = std::fs::rename(&tmp, &self.path) {
                let _ = std::fs::remove_file(&tmp);
                return Err(io_error(&self.field, &self.path, Op::Write, &e));
            }
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                if let Ok(d) = File::open(dir) {
                    let _ = d.sync_all();
                }
            }
        }
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Write a whole file at once: complete under its name, or not there at all.
pub fn write_file(field: &str, path: &Path, bytes: &[u8]) -> Result<()> {
    let mut out = Output::create(field, path)?;
    out.write_all(bytes)?;
    out.publish()
}

/// A name made safe as one file name: path separators, control characters and the characters
/// Windows refuses become `_`, leading dots go, at most 60 characters ("西安海关/北区" →
/// "西安海关_北区"), never empty.
pub fn safe_name(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(60)
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() {
        "_".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_name_becomes_one_safe_file_name() {
        assert_eq!(safe_name("西安海关/北区"), "西安海关_北区");
        assert_eq!(safe_name("../../etc"), "_.._etc");
        assert_eq!(safe_name("  "), "_");
        assert_eq!(safe_name(&"长".repeat(100)).chars().count(), 60);
    }

    #[test]
    fn a_path_under_a_file_says_which_part_is_a_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "x").expect("write");
        let target = file.join("sub").join("a.pdf");
        let Err(Error::File { field, zh, en, .. }) = Output::create("out", &target) else {
            panic!("a path under a file must be refused");
        };
        assert_eq!(field, "out");
        assert!(zh.contains("notes.txt 是文件，不是文件夹"), "{zh}");
        assert!(en.contains("notes.txt is a file, not a folder"), "{en}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_reading() {
        let dir = tempfile::tempdir().expect("tmp");
        let big = dir.path().join("big.bin");
        let f = File::create(&big).expect("create");
        // Sparse: 200 MB claimed, nothing written. Reading it whole would take the time.
        f.set_len(200 << 20).expect("len");
        let Err(Error::File { field, en, .. }) = read_bounded("photo", &big, 80 << 20) else {
            panic!("over the limit must be refused");
        };
        assert_eq!(field, "photo");
        assert!(en.contains("limit 80 MB"), "{en}");
    }

    #[test]
    fn an_endless_device_is_cut_at_the_limit() {
        let Err(e) = read_bounded("from", Path::new("/dev/zero"), 4096) else {
            panic!("/dev/zero is endless");
        };
        assert_eq!(e.field(), Some("from"));
    }

    #[test]
    fn non_utf8_text_names_its_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("t.toml");
        std::fs::write(&p, b"id = \"a\"\nname = \"\xc4\xe3\"\n").expect("write");
        let Err(Error::File { en, .. }) = read_text("templates", &p, 1024) else {
            panic!("GBK is not UTF-8");
        };
        assert!(en.contains("line 2"), "{en}");
    }

    #[test]
    fn an_output_dropped_before_publishing_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("r.pdf");
        {
            let mut out = Output::create("out", &p).expect("create");
            out.write_all(b"%PDF").expect("write");
        }
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
        write_file("out", &p, b"%PDF-1.7").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"%PDF-1.7");
    }

    #[test]
    fn a_full_device_fails_at_write_not_later() {
        let Ok(mut out) = Output::create("out", Path::new("/dev/full")) else {
            return; // no /dev/full here
        };
        let e = out.write_all(b"%PDF").expect_err("/dev/full is full");
        assert!(e.to_string().contains("the disk is full"), "{e}");
    }
}
