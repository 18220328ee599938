//! The QR label sheet on paper: an A4 grid of 3 × 6 stick-on labels, each a device's QR with
//! its 统一编号 large under it and its type and place small, with light cut lines.
//!
//! A pure function of plain data ([`LabelDoc`], decided by `crate::labels::sheet`) and the
//! report font, drawn by the same `draw` module as the reports, so the text stays copyable
//! (`pdftotext` finds every code) and the QRs are vector squares, sharp on any printer.

use std::sync::Arc;

use super::draw::{self, Images};
use super::layout::*;
use super::text::ReportFonts;
use crate::{Lang, Result};

/// Everything printed on a label sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelDoc {
    pub lang: Lang,
    /// The line at the top of every page ("设备二维码标签 · 站点 / 车道").
    pub title: String,
    pub labels: Vec<LabelItem>,
}

/// One label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelItem {
    /// What the QR holds (`WEIBAO:DEVICE:XA01-L01-BG01`).
    pub payload: String,
    /// The device code, printed large.
    pub code: String,
    /// Type and model, small.
    pub kind: String,
    /// Site and lane, small.
    pub place: String,
}

/// Columns and rows of labels on a page.
pub const LABEL_COLS: usize = 3;
pub const LABEL_ROWS: usize = 6;
/// A label's size (pt): 63.5 × 44.5 mm.
const CELL_W: f32 = 180.0;
const CELL_H: f32 = 126.0;
/// Where the grid starts (below the title line).
const GRID_TOP: f32 = 44.0;
/// The QR's side (pt): ~26 mm, a module of 1 mm for a version-2 code, read from arm's length.
const QR_SIDE: f32 = 74.0;

/// Render the sheet; returns the PDF and its page count.
pub fn render_labels(doc: &LabelDoc, fonts: &ReportFonts) -> Result<(Vec<u8>, usize)> {
    let shaper = fonts.shaper()?;
    let per_page = LABEL_COLS * LABEL_ROWS;
    let grid_left = (PAGE_W - CELL_W * LABEL_COLS as f32) / 2.0;
    let chunks: Vec<&[LabelItem]> = doc.labels.chunks(per_page).collect();
    let total = chunks.len();
    let mut pages = Vec::with_capacity(total);
    for (p, chunk) in chunks.iter().enumerate() {
        let mut ops = Vec::new();
        let title = shaper.fit_line(&doc.title, 10.0, PAGE_W - 2.0 * grid_left);
        ops.push(Op::Text {
            x: grid_left,
            y: 30.0,
            size: 10.0,
            text: title,
            color: BLACK,
            bold: true,
            wide_spaces: false,
        });
        for (i, label) in chunk.iter().enumerate() {
            let (col, row) = (i % LABEL_COLS, i / LABEL_COLS);
            let x = grid_left + col as f32 * CELL_W;
            let y = GRID_TOP + row as f32 * CELL_H;
            one_label(&mut ops, &shaper, label, x, y)?;
        }
        let footer = match doc.lang {
            Lang::Zh => format!("第 {} 页 共 {} 页", p + 1, total),
            Lang::En => format!("Page {} of {}", p + 1, total),
        };
        let wide = doc.lang == Lang::Zh;
        let w = shaper.width_with(&footer, 8.0, wide);
        ops.push(Op::Text {
            x: (PAGE_W - w) / 2.0,
            y: PAGE_H - 20.0,
            size: 8.0,
            text: footer,
            color: GREY_TEXT,
            bold: false,
            wide_spaces: wide,
        });
        pages.push(ops);
    }
    let info = draw::DocInfo {
        title: doc.title.clone(),
        number: String::new(),
        language: match doc.lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        },
        author: String::new(),
    };
    let images = Images {
        logo: None,
        photos: Vec::new(),
        signature: None,
    };
    let pdf = draw::write_pdf(&pages, &shaper, &fonts.krilla_font(), &images, info)?;
    Ok((pdf, total))
}

fn one_label(
    ops: &mut Vec<Op>,
    shaper: &super::text::Shaper<'_>,
    label: &LabelItem,
    x: f32,
    y: f32,
) -> Result<()> {
    ops.push(Op::Rect {
        x,
        y,
        w: CELL_W,
        h: CELL_H,
        fill: None,
        stroke: Some(Rgb(0xd0, 0xd5, 0xdb)),
    });
    let code = Arc::new(crate::labels::qr::encode(&label.payload)?);
    ops.push(Op::Qr {
        x: x + (CELL_W - QR_SIDE) / 2.0,
        y: y + 10.0,
        side: QR_SIDE,
        code,
    });
    let inner = CELL_W - 12.0;
    // The code is never cut: a long one is set smaller until it fits.
    let mut size = 13.0_f32;
    while size > 6.0 && shaper.width(&label.code, size) > inner {
        size -= 0.5;
    }
    let w = shaper.width(&label.code, size);
    ops.push(Op::Text {
        x: x + (CELL_W - w) / 2.0,
        y: y + 101.0,
        size,
        text: label.code.clone(),
        color: BLACK,
        bold: true,
        wide_spaces: false,
    });
    for (text, dy) in [(&label.kind, 112.0), (&label.place, 121.0)] {
        let line = shaper.fit_line(text, 7.0, inner);
        let w = shaper.width(&line, 7.0);
        ops.push(Op::Text {
            x: x + (CELL_W - w) / 2.0,
            y: y + dy,
            size: 7.0,
            text: line,
            color: GREY_TEXT,
            bold: false,
            wide_spaces: false,
        });
    }
    Ok(())
}
