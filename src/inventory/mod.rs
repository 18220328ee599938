//! The office's inventory — customers, sites, lanes, devices and contracts — in and out of
//! spreadsheets: XLSX (one sheet per kind) and CSV (one file per kind, UTF-8 or GBK).
//!
//! Import is all or nothing. Every row of every file is read and checked first, against the
//! store and against the other rows (a lane may name a site added three rows up); every bad
//! cell is reported as `file:sheet:row: column: message`, in Chinese and English, and then
//! nothing is written. When all rows are good they are written in one store transaction
//! through the same core functions as a person's edits, so each row is an ordinary synced
//! change. Rows are matched to what is stored by their natural key (customer name; site name
//! within its customer; lane code within its site; device code; contract number): importing
//! the same file twice adds nothing, and a changed row updates only the fields that differ.
//!
//! Export writes the same layout, so an export re-imports unchanged. The layout is in
//! [`columns`]; the format in `docs/inventory.md`.

mod apply;
pub mod columns;
pub(crate) mod csv;
mod export;
mod outcome;
pub use outcome::{import_outcome, import_uploads_outcome, ImportOutcome, RowProblem};
mod plan;
pub(crate) mod plan_contract;
mod plan_device;
mod plan_org;
mod table;
pub(crate) mod xlsx;

pub use columns::Kind;
pub use export::{export, ExportSummary};

use crate::domain::values::MAX_NOTE_CHARS;
use crate::store::Store;
use crate::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The largest file accepted, checked before it is read.
pub const MAX_FILE_BYTES: u64 = 32 << 20;
/// The most an XLSX may unpack to, checked from its zip directory before unpacking.
pub const MAX_UNZIPPED_BYTES: u64 = 128 << 20;
/// The most data rows one sheet (or CSV file) may hold; export refuses more, too.
pub const MAX_ROWS: usize = 200_000;
/// The most columns a sheet may use.
pub const MAX_COLUMNS: usize = 64;
/// The longest cell: the longest field of any kind (a device's notes).
pub const MAX_CELL_CHARS: usize = MAX_NOTE_CHARS;

/// The error about one place (`file:sheet:row`) and one column (its heading as written).
pub(crate) fn problem(
    at: &str,
    column: &str,
    zh: impl Into<String>,
    en: impl Into<String>,
) -> Error {
    Error::invalid(column, zh, en).at(at)
}

/// A workbook that cannot be opened as one.
pub(crate) fn damaged(file: &str, why: &dyn std::fmt::Display) -> Error {
    problem(
        file,
        "file",
        format!("不是有效的 XLSX 文件，或已损坏、不完整（{why}）"),
        format!("not a valid XLSX file, or damaged or truncated ({why})"),
    )
}

/// How an import is run.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// What a CSV file holds (otherwise told from its header row); for a workbook, import only
    /// this kind's sheet.
    pub kind: Option<Kind>,
    /// Check everything and report what would change, but write nothing.
    pub dry_run: bool,
}

/// What happened to the rows of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    pub dry_run: bool,
    pub customers: Counts,
    pub sites: Counts,
    pub lanes: Counts,
    pub devices: Counts,
    pub contracts: Counts,
    /// Sheets of a workbook that hold none of the five kinds (a sheet of notes), skipped.
    pub skipped_sheets: Vec<String>,
}

impl ImportSummary {
    pub fn counts(&self, kind: Kind) -> Counts {
        match kind {
            Kind::Customer => self.customers,
            Kind::Site => self.sites,
            Kind::Lane => self.lanes,
            Kind::Device => self.devices,
            Kind::Contract => self.contracts,
        }
    }

    /// One line per kind, Chinese then English, as the command-line faces print it.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = Kind::ALL
            .iter()
            .map(|k| {
                let c = self.counts(*k);
                format!(
                    "{}：新增 {}，更新 {}，未变 {} / {}: added {}, updated {}, unchanged {}",
                    k.sheet_zh(),
                    c.added,
                    c.updated,
                    c.unchanged,
                    k.label_en(),
                    c.added,
                    c.updated,
                    c.unchanged
                )
            })
            .collect();
        for s in &self.skipped_sheets {
            out.push(format!("跳过工作表「{s}」（不是五类数据之一） / skipped sheet '{s}' (none of the five kinds)"));
        }
        if self.dry_run {
            out.push("试运行：未写入任何内容 / dry run: nothing was written".into());
        }
        out
    }
}

/// What an export writes: XLSX (one file) or CSV (a folder of one file per kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Ok(Format::Xlsx),
            "csv" => Ok(Format::Csv),
            _ => Err(Error::invalid(
                "format",
                "格式应为 xlsx 或 csv",
                "format must be xlsx or csv",
            )),
        }
    }
}

/// The text encoding of exported CSV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// UTF-8 with a BOM, so Excel opens it as UTF-8.
    #[default]
    Utf8,
    /// GBK, for Excel versions that open every CSV as the system code page.
    Gbk,
}

impl TextEncoding {
    pub fn parse(s: &str) -> Result<TextEncoding> {
        match s.trim().to_ascii_lowercase().replace('-', "").as_str() {
            "utf8" => Ok(TextEncoding::Utf8),
            "gbk" | "gb2312" | "cp936" => Ok(TextEncoding::Gbk),
            _ => Err(Error::invalid(
                "encoding",
                "编码应为 utf8 或 gbk",
                "encoding must be utf8 or gbk",
            )),
        }
    }
}

/// Import inventory files (a folder stands for the CSV and XLSX files in it). All rows are
/// checked before anything is written; any problem → `Error::Rows` listing each one and the
/// store untouched. Otherwise every row is written in one transaction.
pub fn import(store: &mut Store, paths: &[PathBuf], opts: ImportOptions) -> Result<ImportSummary> {
    let (uploads, unreadable) = read_paths(paths)?;
    import_read(store, &uploads, unreadable, opts)
}

/// An inventory file already in memory: what the desktop app's file input hands over (the
/// webview gives bytes, not a path). `name` is the file's name as the user chose it; problems
/// are reported against it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Import files given as bytes, all or nothing, exactly as [`import`] does for paths.
pub fn import_uploads(
    store: &mut Store,
    uploads: &[Upload],
    opts: ImportOptions,
) -> Result<ImportSummary> {
    import_read(store, uploads, Vec::new(), opts)
}

/// Import what was read; `unreadable` are the files that could not be read, reported with the
/// problems of the others.
fn import_read(
    store: &mut Store,
    uploads: &[Upload],
    unreadable: Vec<Error>,
    opts: ImportOptions,
) -> Result<ImportSummary> {
    let (tables, skipped) = read_all(uploads, unreadable, opts.kind)?;
    let mut summary = if opts.dry_run {
        let today = store.now().date_naive();
        plan::build(store.conn(), &tables, today)?.summary()
    } else {
        store.write(|tx| {
            // Checked inside the write transaction: nothing can change between check and write.
            let plan = plan::build(tx.conn(), &tables, tx.now().date_naive())?;
            plan.apply(tx, &tables)?;
            Ok(plan.summary())
        })?
    };
    summary.dry_run = opts.dry_run;
    summary.skipped_sheets = skipped;
    Ok(summary)
}

/// Every problem found, as one error (or the only one as itself).
pub(crate) fn rejected(mut errors: Vec<Error>) -> Error {
    if errors.len() == 1 {
        if let Some(e) = errors.pop() {
            if e.field() == Some("file") {
                return e;
            }
            errors.push(e);
        }
    }
    Error::Rows { errors }
}

/// Every named file (a folder: its `.csv` and `.xlsx` files), read whole within
/// [`MAX_FILE_BYTES`]; the files that cannot be read come back as errors beside them.
fn read_paths(paths: &[PathBuf]) -> Result<(Vec<Upload>, Vec<Error>)> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            files.extend(files_in(p)?);
        } else {
            files.push(p.clone());
        }
    }
    let mut uploads = Vec::new();
    let mut unreadable = Vec::new();
    for path in &files {
        match crate::files::read_bounded("file", path, MAX_FILE_BYTES) {
            Ok(bytes) => uploads.push(Upload {
                name: path.display().to_string(),
                bytes,
            }),
            Err(e) => unreadable.push(e),
        }
    }
    Ok((uploads, unreadable))
}

/// Read every file into tables, collecting every problem of every file.
fn read_all(
    uploads: &[Upload],
    unreadable: Vec<Error>,
    kind: Option<Kind>,
) -> Result<(Vec<table::Table>, Vec<String>)> {
    if uploads.is_empty() && unreadable.is_empty() {
        return Err(Error::invalid(
            "file",
            "没有可导入的文件（文件夹中没有 .csv 或 .xlsx）",
            "nothing to import (no .csv or .xlsx files)",
        ));
    }
    let mut errors = unreadable;
    let mut tables = Vec::new();
    let mut skipped = Vec::new();
    for up in uploads {
        match read_file(up, kind, &mut errors) {
            Ok((t, s)) => {
                tables.extend(t);
                skipped.extend(s);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(rejected(errors));
    }
    Ok((tables, skipped))
}

/// The `.csv` and `.xlsx` files of a folder, by name.
fn files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let op = crate::files::Op::List;
    let list = std::fs::read_dir(dir).map_err(|e| crate::files::io_error("file", dir, op, &e))?;
    let mut out = Vec::new();
    for entry in list {
        let path = entry
            .map_err(|e| crate::files::io_error("file", dir, op, &e))?
            .path();
        let ext = extension(&path);
        if path.is_file() && (ext == "csv" || ext == "xlsx") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// One file's tables. What it is comes from its bytes (a zip is a workbook, an old binary
/// `.xls` is refused), then its name (a `.xlsx` that is not a zip is damaged or not a
/// workbook), else it is CSV text.
fn read_file(
    up: &Upload,
    kind: Option<Kind>,
    errors: &mut Vec<Error>,
) -> Result<(Vec<table::Table>, Vec<String>)> {
    let file = up.name.clone();
    let bytes = &up.bytes;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_FILE_BYTES {
        return Err(crate::files::too_large(
            "file",
            Path::new(&file),
            MAX_FILE_BYTES,
        ));
    }
    if bytes.is_empty() {
        return Err(problem(&file, "file", "文件是空的", "the file is empty"));
    }
    let ext = extension(Path::new(&file));
    if bytes.starts_with(b"PK\x03\x04") {
        let mut tables = Vec::new();
        let mut skipped = Vec::new();
        for grid in xlsx::read(&file, bytes)? {
            let named = columns::Kind::from_name(&grid.sheet);
            if kind.is_some_and(|k| named.is_some_and(|n| n != k)) {
                continue;
            }
            let name = grid.sheet.clone();
            // A sheet not named for a kind says what it holds by its header, or is skipped.
            match table::from_grid(&file, grid, named, errors) {
                Some(t) if kind.is_none_or(|k| k == t.kind) => tables.push(t),
                Some(_) => {}
                None => skipped.push(format!("{file}:{name}")),
            }
        }
        if tables.is_empty() && errors.is_empty() {
            return Err(problem(
                &file,
                "file",
                "没有可导入的工作表（工作表应名为 客户、站点、车道、设备 或 合同）",
                "no sheet to import (sheets are named 客户/customers, 站点/sites, 车道/lanes, 设备/devices or 合同/contracts)",
            ));
        }
        return Ok((tables, skipped));
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(problem(
            &file,
            "file",
            "这是旧版 .xls 或加密的工作簿，请在 Excel 中另存为 .xlsx（不加密码）",
            "an old .xls or a password-protected workbook: save it from Excel as .xlsx without a password",
        ));
    }
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls") {
        return Err(damaged(&file, &"no zip signature"));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(problem(
            &file,
            "file",
            "这是 UTF-16 文本（Excel 的「Unicode 文本」），请另存为「CSV UTF-8」",
            "UTF-16 text (Excel's 'Unicode text'): save it as 'CSV UTF-8'",
        ));
    }
    if bytes.contains(&0) {
        return Err(problem(
            &file,
            "file",
            "不是文本文件，也不是 XLSX 工作簿",
            "neither a text file nor an XLSX workbook",
        ));
    }
    let text = csv::decode(&file, bytes)?;
    let grid = csv::read(&file, kind.map_or("", |k| k.sheet_zh()), &text)?;
    if grid.rows.is_empty() {
        return Err(problem(&file, "file", "文件是空的", "the file is empty"));
    }
    match table::from_grid(&file, grid, kind, errors) {
        Some(t) => Ok((vec![t], Vec::new())),
        None => Err(problem(
            &format!("{file}:1"),
            "file",
            "看不出这是哪类数据（表头应有 客户名称、站点名称、车道编号、设备编号 或 合同编号），请用 --kind 指明",
            "cannot tell what the file holds (the header names 客户名称, 站点名称, 车道编号, 设备编号 or 合同编号); say it with --kind",
        )),
    }
}
