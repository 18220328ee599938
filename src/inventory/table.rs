//! From a grid of cells (a CSV file, a worksheet) to a table of one kind: the header row mapped
//! to columns, every row's cells in column order, and every problem of the layout named by
//! file, sheet, row and column.

use super::columns::{self, Field, Kind};
use super::{problem, MAX_CELL_CHARS, MAX_ROWS};
use crate::Error;

/// A cell as read: its text, or why it has none a person would want imported.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    /// Longer than [`MAX_CELL_CHARS`]: the text is dropped at once, only its length kept.
    TooLong(usize),
    /// An Excel error value (`#N/A`, `#REF!`) where a value should be.
    ExcelError(String),
}

impl Cell {
    /// A cell from text, refusing an over-long one without keeping it.
    pub fn text(s: &str) -> Cell {
        if s.len() > MAX_CELL_CHARS && s.chars().nth(MAX_CELL_CHARS).is_some() {
            Cell::TooLong(s.chars().count())
        } else {
            Cell::Text(s.to_string())
        }
    }

    fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(t) if t.trim().is_empty())
    }
}

/// One sheet as read: its name and its non-empty rows (1-based row numbers as the
/// spreadsheet shows them; cells by column position).
pub(crate) struct Grid {
    pub sheet: String,
    pub rows: Vec<(u32, Vec<Cell>)>,
}

impl Grid {
    /// Add a row, dropping it when every cell is blank (spreadsheets end in empty rows).
    /// Refuses the sheet once it holds more than [`MAX_ROWS`] data rows.
    pub fn push(&mut self, file: &str, number: u32, cells: Vec<Cell>) -> Result<(), Error> {
        if cells.iter().all(Cell::is_blank) {
            return Ok(());
        }
        if self.rows.len() > MAX_ROWS {
            return Err(problem(
                &place(file, &self.sheet),
                "file",
                format!("超过 {MAX_ROWS} 行，请分成几个文件导入"),
                format!("more than {MAX_ROWS} rows; split it into several files"),
            ));
        }
        self.rows.push((number, cells));
        Ok(())
    }
}

/// `file:sheet`, or just the file while a CSV file's kind is not known yet.
pub(crate) fn place(file: &str, sheet: &str) -> String {
    if sheet.is_empty() {
        file.to_string()
    } else {
        format!("{file}:{sheet}")
    }
}

/// A sheet of one kind, ready to check against the store.
pub(crate) struct Table {
    pub kind: Kind,
    pub file: String,
    pub sheet: String,
    /// The columns present: which field, and the heading as the file writes it.
    pub columns: Vec<(Field, String)>,
    pub rows: Vec<Row>,
}

pub(crate) struct Row {
    pub number: u32,
    /// One per entry of [`Table::columns`].
    pub cells: Vec<Cell>,
}

impl Table {
    /// `file:sheet:row`, the start of every message about a row.
    pub fn at(&self, row: u32) -> String {
        format!("{}:{}:{row}", self.file, self.sheet)
    }

    /// The heading of `field` as this file writes it, or its Chinese name when absent.
    pub fn heading(&self, field: Field) -> String {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| {
                columns::Kind::ALL
                    .iter()
                    .flat_map(|k| k.columns())
                    .find(|c| c.field == field)
                    .map_or_else(String::new, |c| c.zh.to_string())
            })
    }
}

/// Map a grid's header row to columns of `kind` (or, with none given, of the kind its
/// headings show). `Ok(None)`: no kind could be told and none was asked for (a sheet of notes
/// in a workbook; the caller decides whether that is an error).
pub(crate) fn from_grid(
    file: &str,
    grid: Grid,
    kind: Option<Kind>,
    errors: &mut Vec<Error>,
) -> Option<Table> {
    let Grid { sheet, rows } = grid;
    let mut rows = rows.into_iter();
    let (header_no, header) = rows.next()?;
    let texts: Vec<String> = header
        .iter()
        .map(|c| match c {
            Cell::Text(t) => t.trim().to_string(),
            _ => String::new(),
        })
        .collect();
    let kind = match kind {
        Some(k) => k,
        None => {
            let fields: Vec<Field> = texts
                .iter()
                .filter_map(|h| columns::find(None, h))
                .map(|c| c.field)
                .collect();
            Kind::from_headings(&fields)?
        }
    };
    // A CSV file's "sheet" is its kind, known only now.
    let sheet = if sheet.is_empty() {
        kind.sheet_zh().to_string()
    } else {
        sheet
    };
    let at = format!("{file}:{sheet}:{header_no}");
    let mut columns: Vec<(Field, String)> = Vec::new();
    let mut index: Vec<Option<usize>> = Vec::with_capacity(texts.len());
    for (i, h) in texts.iter().enumerate() {
        if h.is_empty() {
            index.push(None);
            continue;
        }
        let Some(c) = columns::find(Some(kind), h) else {
            let (zh, en) = columns::headings_list(kind);
            errors.push(problem(
                &at,
                h,
                format!(
                    "第 {} 列的列名不认识；{}表的列为：{zh}",
                    i + 1,
                    kind.sheet_zh()
                ),
                format!(
                    "column {} has an unknown heading; the columns of {} are: {en}",
                    i + 1,
                    kind.label_en()
                ),
            ));
            index.push(None);
            continue;
        };
        if let Some((_, first)) = columns.iter().find(|(f, _)| *f == c.field) {
            errors.push(problem(
                &at,
                h,
                format!("与「{first}」是同一列，重复了"),
                format!("the same column as '{first}', given twice"),
            ));
            index.push(None);
            continue;
        }
        index.push(Some(columns.len()));
        columns.push((c.field, h.clone()));
    }
    for c in kind.columns().iter().filter(|c| c.required) {
        if !columns.iter().any(|(f, _)| *f == c.field) {
            errors.push(problem(
                &at,
                c.zh,
                format!("缺少必填列「{}」（英文列名 {}）", c.zh, c.en),
                format!("the required column '{}' ({}) is missing", c.en, c.zh),
            ));
        }
    }
    let mut out = Vec::new();
    for (number, cells) in rows {
        let mut row = vec![Cell::Text(String::new()); columns.len()];
        for (i, cell) in cells.into_iter().enumerate() {
            match index.get(i).copied().flatten() {
                Some(j) => {
                    if let Some(slot) = row.get_mut(j) {
                        *slot = cell;
                    }
                }
                None if cell.is_blank() => {}
                None => {
                    // A value under no (known) heading would be silently lost.
                    let under = texts.get(i).filter(|h| !h.is_empty());
                    if under.is_none() {
                        errors.push(problem(
                            &format!("{file}:{sheet}:{number}"),
                            &format!("{}", i + 1),
                            format!("第 {} 列有内容但没有列名", i + 1),
                            format!("column {} has a value but no heading", i + 1),
                        ));
                    }
                }
            }
        }
        out.push(Row { number, cells: row });
    }
    Some(Table {
        kind,
        file: file.to_string(),
        sheet,
        columns,
        rows: out,
    })
}
