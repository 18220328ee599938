//! XLSX workbooks: read with `calamine`, written with `rust_xlsxwriter`.
//!
//! Reading is bounded before calamine inflates anything: the zip's central directory must
//! declare at most [`MAX_UNZIPPED_BYTES`] in all (zip stops each entry at its declared size, so
//! a lying header fails instead of filling memory), and cells are streamed one by one
//! (`worksheet_cells_reader`) into at most [`MAX_COLUMNS`] columns and [`MAX_ROWS`] rows,
//! rather than through `worksheet_range`, which allocates the whole rectangle a single cell at
//! `XFD1048576` would claim.

use super::columns::Kind;
use super::table::{Cell, Grid};
use super::{damaged, MAX_COLUMNS, MAX_ROWS, MAX_UNZIPPED_BYTES};
use crate::{Error, Result};
use calamine::{DataRef, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

/// Most entries an inventory workbook's zip may list (a workbook of five sheets has ~15).
const MAX_ZIP_ENTRIES: usize = 1_000;

fn check_zip(file: &str, bytes: &[u8]) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(file, &e))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(damaged(file, &"too many zip entries"));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let size = zip.by_index_raw(i).map_err(|e| damaged(file, &e))?.size();
        total = total.saturating_add(size);
    }
    if total > MAX_UNZIPPED_BYTES {
        return Err(super::problem(
            file,
            "file",
            format!(
                "解压后超过 {} MB，请分成几个文件导入",
                MAX_UNZIPPED_BYTES >> 20
            ),
            format!(
                "over {} MB once unpacked; split it into several files",
                MAX_UNZIPPED_BYTES >> 20
            ),
        ));
    }
    Ok(())
}

/// Every worksheet of the workbook, as grids of text cells.
pub(crate) fn read(file: &str, bytes: &[u8]) -> Result<Vec<Grid>> {
    check_zip(file, bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| damaged(file, &e))?;
    let mut grids = Vec::new();
    for name in book.sheet_names() {
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| damaged(file, &e))?;
        let mut rows: BTreeMap<u32, Vec<Cell>> = BTreeMap::new();
        while let Some(cell) = cells.next_cell().map_err(|e| damaged(file, &e))? {
            let value = cell.get_value();
            if matches!(value, DataRef::Empty) {
                continue;
            }
            let (row, col) = cell.get_position();
            let col = usize::try_from(col).unwrap_or(usize::MAX);
            if col >= MAX_COLUMNS {
                return Err(super::problem(
                    &format!("{file}:{name}"),
                    "file",
                    format!("超过 {MAX_COLUMNS} 列"),
                    format!("more than {MAX_COLUMNS} columns"),
                ));
            }
            if !rows.contains_key(&row) && rows.len() > MAX_ROWS {
                return Err(super::problem(
                    &format!("{file}:{name}"),
                    "file",
                    format!("超过 {MAX_ROWS} 行，请分成几个文件导入"),
                    format!("more than {MAX_ROWS} rows; split it into several files"),
                ));
            }
            let cells = rows.entry(row).or_default();
            if cells.len() <= col {
                cells.resize(col.saturating_add(1), Cell::Text(String::new()));
            }
            if let Some(slot) = cells.get_mut(col) {
                *slot = text_of(value);
            }
        }
        let mut grid = Grid {
            sheet: name.clone(),
            rows: Vec::new(),
        };
        for (row, cells) in rows {
            grid.push(file, row.saturating_add(1), cells)?;
        }
        grids.push(grid);
    }
    Ok(grids)
}

/// A cell's value as the text a person sees: whole numbers without `.0`, dates as
/// `YYYY-MM-DD` (what the core parses), an Excel error value kept as a problem.
fn text_of(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::text(s),
        DataRef::SharedString(s) => Cell::text(s),
        DataRef::Int(i) => Cell::Text(i.to_string()),
        DataRef::Float(f) => Cell::Text(number(*f)),
        DataRef::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        DataRef::DateTime(d) if d.is_datetime() => {
            let (y, m, d, ..) = d.to_ymd_hms_milli();
            Cell::Text(format!("{y:04}-{m:02}-{d:02}"))
        }
        DataRef::DateTime(d) => Cell::Text(number(d.as_f64())),
        DataRef::Error(e) => Cell::ExcelError(e.to_string()),
        DataRef::Empty => Cell::Text(String::new()),
    }
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        format!("{f}")
    }
}

/// A workbook of one sheet per kind: a bold, frozen header row, every cell written as text
/// (so `L01` and `2025-03-01` come back as typed), columns as wide as their content.
pub(crate) fn write(sheets: &[(Kind, Vec<Vec<String>>)]) -> Result<Vec<u8>> {
    let named: Vec<(&str, &[Vec<String>])> = sheets
        .iter()
        .map(|(k, rows)| (k.sheet_zh(), rows.as_slice()))
        .collect();
    write_named(&named)
}

/// A workbook of named sheets (headings first in each), written as [`write`] writes them:
/// also the statistics and fault-register exports (`crate::stats`).
pub(crate) fn write_named(sheets: &[(&str, &[Vec<String>])]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).map_err(write_error)?;
        let mut widths: Vec<usize> = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r).map_err(|_| write_error("too many rows"))?;
            for (c, text) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| write_error("too many columns"))?;
                let w = unicode_width::UnicodeWidthStr::width(text.as_str());
                match widths.get_mut(usize::from(c)) {
                    Some(x) => *x = (*x).max(w),
                    None => widths.push(w),
                }
                if text.is_empty() {
                    continue;
                }
                if r == 0 {
                    ws.write_string_with_format(r, c, text, &bold)
                } else {
                    ws.write_string(r, c, text)
                }
                .map_err(write_error)?;
            }
        }
        for (c, w) in widths.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| write_error("too many columns"))?;
            let w = u32::try_from((*w).clamp(6, 60)).unwrap_or(60);
            ws.set_column_width(c, f64::from(w) + 2.0)
                .map_err(write_error)?;
        }
        ws.set_freeze_panes(1, 0).map_err(write_error)?;
    }
    book.save_to_buffer().map_err(write_error)
}

fn write_error(e: impl std::fmt::Display) -> Error {
    Error::invalid(
        "out",
        format!("无法生成 XLSX：{e}"),
        format!("cannot make the XLSX: {e}"),
    )
}
