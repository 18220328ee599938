//! CSV files: UTF-8 (with or without the BOM Excel writes) or GBK (what Chinese Excel's "CSV"
//! is), told apart by whether the bytes are valid UTF-8 — GBK text of any length almost never
//! is. Parsed by the `csv` crate (quoted cells with commas and line breaks), not split by hand.
//!
//! Export writes UTF-8 with a BOM, which Excel needs to open UTF-8 as UTF-8, or GBK on request
//! for old Excel versions; a value GBK cannot hold is refused with its sheet, row and column.
//! A cell starting with `=`, `+`, `-` or `@` is written behind an apostrophe so that Excel
//! shows it instead of running it as a formula (CSV injection); import takes the apostrophe
//! off again, so an export re-imports unchanged.

use super::table::{Cell, Grid};
use super::{problem, TextEncoding, MAX_COLUMNS};
use crate::{Error, Result};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of a CSV file: UTF-8 if it is valid UTF-8 (BOM dropped), else GBK.
pub(crate) fn decode(file: &str, bytes: &[u8]) -> Result<String> {
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(body) {
        return Ok(text.to_string());
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(body)
        .map(|t| t.into_owned())
        .ok_or_else(|| {
            let at = std::str::from_utf8(body)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let line = body
                .get(..at)
                .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count())
                .saturating_add(1);
            problem(
                &format!("{file}:{line}"),
                "file",
                "既不是 UTF-8 也不是 GBK 文本（请在 Excel 中另存为「CSV UTF-8」）",
                "neither UTF-8 nor GBK text (save it from Excel as 'CSV UTF-8')",
            )
        })
}

/// Take back the apostrophe that export puts before a formula-like value.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if rest
                .trim_start_matches('\'')
                .starts_with(['=', '+', '-', '@']) =>
        {
            rest
        }
        _ => cell,
    }
}

fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell
        .trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@'])
    {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The rows of a CSV text; row numbers are record numbers (the header is row 1), which is
/// what Excel shows even when a quoted cell spans lines.
pub(crate) fn read(file: &str, sheet: &str, text: &str) -> Result<Grid> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Grid {
        sheet: sheet.to_string(),
        rows: Vec::new(),
    };
    let mut record = ::csv::StringRecord::new();
    let mut number: u32 = 0;
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            problem(
                &format!("{file}:{line}"),
                "file",
                format!("CSV 格式错误：{e}"),
                format!("malformed CSV: {e}"),
            )
        })?;
        if !more {
            break;
        }
        number = number.checked_add(1).ok_or_else(|| too_many(file))?;
        if record.len() > MAX_COLUMNS {
            return Err(problem(
                &format!("{}:{number}", super::table::place(file, sheet)),
                "file",
                format!("超过 {MAX_COLUMNS} 列"),
                format!("more than {MAX_COLUMNS} columns"),
            ));
        }
        let cells = record.iter().map(|c| Cell::text(unguard(c))).collect();
        grid.push(file, number, cells)?;
    }
    Ok(grid)
}

fn too_many(file: &str) -> Error {
    problem(file, "file", "行数过多", "too many rows")
}

/// One kind's rows (headings first) as CSV bytes in the asked-for encoding; `place`
/// (`file:sheet`) names a cell GBK cannot hold.
pub(crate) fn write(place: &str, rows: &[Vec<String>], encoding: TextEncoding) -> Result<Vec<u8>> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for (r, row) in rows.iter().enumerate() {
        if encoding == TextEncoding::Gbk {
            for (c, cell) in row.iter().enumerate() {
                if let Some(ch) = cell.chars().find(|ch| !ch.is_ascii() && not_gbk(*ch)) {
                    let heading = rows.first().and_then(|h| h.get(c));
                    return Err(super::rejected(vec![problem(
                        &format!("{place}:{}", r.saturating_add(1)),
                        heading.map_or("encoding", String::as_str),
                        format!("字符「{ch}」无法用 GBK 保存，请改用 UTF-8 导出"),
                        format!("the character '{ch}' cannot be written as GBK; export as UTF-8"),
                    )]));
                }
            }
        }
        w.write_record(row.iter().map(|c| guard(c).into_owned()))
            .map_err(csv_write_error)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv_write_error(::csv::Error::from(e.into_error())))?;
    Ok(match encoding {
        TextEncoding::Utf8 => [BOM, &bytes].concat(),
        TextEncoding::Gbk => {
            let text = String::from_utf8_lossy(&bytes);
            encoding_rs::GBK.encode(&text).0.into_owned()
        }
    })
}

fn not_gbk(ch: char) -> bool {
    let mut buf = [0u8; 4];
    encoding_rs::GBK.encode(ch.encode_utf8(&mut buf)).2
}

fn csv_write_error(e: ::csv::Error) -> Error {
    Error::invalid(
        "out",
        format!("无法生成 CSV：{e}"),
        format!("cannot make the CSV: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_bytes_decode_and_utf8_with_bom_loses_the_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("客户名称\r\n西安海关\r\n");
        assert_eq!(
            decode("a.csv", &gbk).ok().as_deref(),
            Some("客户名称\r\n西安海关\r\n")
        );
        let bom = [BOM, "站点".as_bytes()].concat();
        assert_eq!(decode("b.csv", &bom).ok().as_deref(), Some("站点"));
        let e = decode("c.csv", b"\x81\x20\xff").expect_err("not GBK");
        assert!(e.to_string().starts_with("c.csv:1"), "{e}");
    }

    #[test]
    fn a_formula_like_value_survives_the_guard() {
        for v in ["=1+1", "-待查", "'=x", "@home", "plain", "'quoted"] {
            assert_eq!(unguard(&guard(v)), v, "{v}");
        }
        assert_eq!(guard("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn quoted_cells_keep_commas_and_line_breaks() {
        let g = read(
            "d.csv",
            "设备",
            "备注,设备编号\r\n\"一,二\n三\",XA01-L01-BG01\r\n,\r\n",
        )
        .expect("reads");
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.rows[1].0, 2);
        assert_eq!(g.rows[1].1[0], Cell::Text("一,二\n三".into()));
    }
}
