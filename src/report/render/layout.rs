//! Page flow: places text, tables and boxes on A4 pages as a list of drawing operations.
//!
//! Layout is done before any PDF is written, into plain [`Op`]s per page, for two reasons: the
//! footer needs the total page count ("第 x 页 共 y 页"), and page breaking stays testable without
//! a PDF. The rules a reader expects from a paper form: table rows are never split (unless one
//! row alone is taller than a page), a table's header row is repeated at the top of each page it
//! continues on, a section row or a heading is never left alone at the bottom of a page.

use super::text::Shaper;

/// A4 in PDF points (1/72 in), y grows downwards (krilla's convention).
pub(crate) const PAGE_W: f32 = 595.276;
pub(crate) const PAGE_H: f32 = 841.89;
/// 15 mm side margins.
pub(crate) const MARGIN_X: f32 = 42.52;
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
/// Where body content starts, below the repeated page header.
pub(crate) const CONTENT_TOP: f32 = 86.0;
/// Where body content must end, above the footer.
pub(crate) const CONTENT_BOTTOM: f32 = PAGE_H - 52.0;

/// Body text size and line height (pt).
pub(crate) const BODY: f32 = 9.5;
pub(crate) const BODY_LH: f32 = 14.0;
/// Table text size, line height and cell padding (pt).
pub(crate) const CELL: f32 = 8.8;
pub(crate) const CELL_LH: f32 = 12.6;
pub(crate) const PAD: f32 = 3.5;

/// How far below the top of a line box the baseline sits: the glyphs' em box (0.88 above the
/// baseline, 0.12 below for Noto CJK) centred in the line.
pub(crate) fn baseline(top: f32, line_h: f32, size: f32) -> f32 {
    top + (line_h - size) / 2.0 + 0.88 * size
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

pub(crate) const BLACK: Rgb = Rgb(0x1a, 0x1a, 0x1a);
pub(crate) const GREY_TEXT: Rgb = Rgb(0x55, 0x5d, 0x66);
pub(crate) const RULE: Rgb = Rgb(0x9a, 0xa5, 0xb1);
pub(crate) const HEAD_BG: Rgb = Rgb(0xe6, 0xec, 0xf3);
pub(crate) const LABEL_BG: Rgb = Rgb(0xf3, 0xf5, 0xf8);
pub(crate) const SECTION_BG: Rgb = Rgb(0xf0, 0xf0, 0xea);
pub(crate) const FAIL_BG: Rgb = Rgb(0xfc, 0xe0, 0xdd);
pub(crate) const FAIL_TEXT: Rgb = Rgb(0xb3, 0x26, 0x1e);
pub(crate) const ACCENT: Rgb = Rgb(0x1f, 0x5f, 0xa8);

/// Which image an [`Op::Image`] shows; the images themselves are created once per render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageRef {
    Logo,
    Photo(usize),
    Signature,
}

/// One drawing operation in page coordinates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// One line of text; `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        color: Rgb,
        bold: bool,
        /// Set spaces at least `WIDE_SPACE_EM` wide (see there).
        wide_spaces: bool,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: ImageRef,
    },
    /// A QR code drawn as black vector squares in the square at (`x`, `y`) of `side` points
    /// (the quiet zone around it is the caller's to keep clear).
    Qr {
        x: f32,
        y: f32,
        side: f32,
        code: std::sync::Arc<crate::labels::QrMatrix>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// A table column: title and relative width.
pub(crate) struct Col {
    pub title: String,
    pub weight: f32,
    pub align: Align,
}

/// One table cell's text and look.
#[derive(Clone)]
pub(crate) struct Cell {
    pub text: String,
    pub color: Rgb,
    pub bg: Option<Rgb>,
    pub bold: bool,
}

impl Cell {
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            color: BLACK,
            bg: None,
            bold: false,
        }
    }
    pub(crate) fn label(text: impl Into<String>) -> Self {
        Cell {
            bg: Some(LABEL_BG),
            color: GREY_TEXT,
            ..Cell::new(text)
        }
    }
}

pub(crate) enum Row {
    /// One cell per column; `bg` tints the whole row (failed checklist items).
    Cells { cells: Vec<Cell>, bg: Option<Rgb> },
    /// One cell across all columns (a checklist section); kept with the row after it.
    Span(String),
}

pub(crate) struct Table {
    pub cols: Vec<Col>,
    /// Print (and repeat on each page) a header row with the column titles.
    pub header: bool,
    pub rows: Vec<Row>,
}

/// Laid-out pages under construction.
pub(crate) struct Flow<'s> {
    pub shaper: &'s Shaper<'s>,
    pages: Vec<Vec<Op>>,
    /// Drawn at the top of every page (logo, company, report number).
    header: Vec<Op>,
    /// The top of the free space on the current page.
    pub y: f32,
}

impl<'s> Flow<'s> {
    pub(crate) fn new(shaper: &'s Shaper<'s>, header: Vec<Op>) -> Self {
        Flow {
            shaper,
            pages: vec![header.clone()],
            header,
            y: CONTENT_TOP,
        }
    }

    pub(crate) fn into_pages(self) -> Vec<Vec<Op>> {
        self.pages
    }

    pub(crate) fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(self.header.clone());
        self.y = CONTENT_TOP;
    }

    fn at_top(&self) -> bool {
        self.y <= CONTENT_TOP + 0.01
    }

    /// Start a new page unless `h` points still fit (or the page is still empty: a block taller
    /// than a page has to start somewhere).
    pub(crate) fn ensure(&mut self, h: f32) {
        if self.y + h > CONTENT_BOTTOM && !self.at_top() {
            self.new_page();
        }
    }

    /// Vertical space between blocks; swallowed at the top of a page.
    pub(crate) fn gap(&mut self, h: f32) {
        if !self.at_top() {
            self.y += h;
        }
    }

    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, text: &str, color: Rgb, bold: bool) {
        if text.is_empty() {
            return;
        }
        self.push(Op::Text {
            x,
            y,
            size,
            text: text.to_string(),
            color,
            bold,
            wide_spaces: false,
        });
    }

    /// A section heading with an accent bar, kept on the same page as the first `keep` points of
    /// what follows (a table's header and first row, two lines of text, a row of photos).
    pub(crate) fn heading(&mut self, text: &str, keep: f32) {
        self.gap(10.0);
        self.ensure(21.0 + keep);
        let size = 11.0;
        self.push(Op::Rect {
            x: MARGIN_X,
            y: self.y + 3.0,
            w: 3.0,
            h: 13.0,
            fill: Some(ACCENT),
            stroke: None,
        });
        let y = baseline(self.y, 19.0, size);
        self.text(MARGIN_X + 8.0, y, size, text, BLACK, true);
        self.y += 21.0;
    }

    /// Wrapped body text that may continue on the next page between lines.
    pub(crate) fn paragraph(&mut self, text: &str, color: Rgb) {
        let lines = self.shaper.wrap(text, BODY, CONTENT_W - 8.0);
        for line in lines {
            self.ensure(BODY_LH);
            let y = baseline(self.y, BODY_LH, BODY);
            self.text(MARGIN_X + 8.0, y, BODY, &line, color, false);
            self.y += BODY_LH;
        }
    }

    /// Height a table needs at least on the page it starts on: its header row and first row (and
    /// the row after a leading section row). A heading above it asks for this much room.
    pub(crate) fn table_lead(&self, table: &Table) -> f32 {
        let first = &table.rows[..table.rows.len().min(2)];
        let p = self.prepare(table, first);
        p.header_h + p.keep(0)
    }

    /// Column widths, the header row and every row wrapped to its cell widths.
    fn prepare(&self, table: &Table, rows: &[Row]) -> PreparedTable {
        let total: f32 = table.cols.iter().map(|c| c.weight).sum::<f32>().max(1e-3);
        let widths: Vec<f32> = table
            .cols
            .iter()
            .map(|c| c.weight / total * CONTENT_W)
            .collect();
        let aligns: Vec<Align> = table.cols.iter().map(|c| c.align).collect();
        let header: Option<Vec<Cell>> = table.header.then(|| {
            table
                .cols
                .iter()
                .map(|c| Cell {
                    bg: Some(HEAD_BG),
                    bold: true,
                    ..Cell::new(c.title.clone())
                })
                .collect()
        });
        let header_h = header
            .as_ref()
            .map_or(0.0, |h| lines_height(&self.cell_lines(h, &widths)));
        let laid = rows
            .iter()
            .map(|row| {
                let (cells, span) = match row {
                    Row::Cells { cells, bg } => (
                        cells
                            .iter()
                            .map(|c| Cell {
                                bg: c.bg.or(*bg),
                                ..c.clone()
                            })
                            .collect::<Vec<_>>(),
                        false,
                    ),
                    Row::Span(text) => (
                        vec![Cell {
                            bg: Some(SECTION_BG),
                            bold: true,
                            ..Cell::new(text.clone())
                        }],
                        true,
                    ),
                };
                let w = if span {
                    vec![CONTENT_W]
                } else {
                    widths.clone()
                };
                let lines = self.cell_lines(&cells, &w);
                let h = lines_height(&lines);
                LaidRow {
                    cells,
                    lines,
                    h,
                    span,
                }
            })
            .collect();
        PreparedTable {
            widths,
            aligns,
            header,
            header_h,
            laid,
        }
    }

    /// Lay out a table; rows flow across pages whole, with the header row repeated.
    pub(crate) fn table(&mut self, table: &Table) {
        let prepared = self.prepare(table, &table.rows);
        let p = &prepared;
        self.ensure(p.header_h + p.keep(0));
        if let Some(h) = &p.header {
            self.draw_row(
                h,
                &self.cell_lines(h, &p.widths),
                &p.widths,
                &p.aligns,
                usize::MAX,
            );
        }
        let span_w = [CONTENT_W];
        let span_a = [Align::Left];
        for (i, row) in p.laid.iter().enumerate() {
            let (w, a): (&[f32], &[Align]) = if row.span {
                (&span_w, &span_a)
            } else {
                (&p.widths, &p.aligns)
            };
            if self.y + p.keep(i) > CONTENT_BOTTOM && !self.at_top() {
                self.page_break_in_table(p);
            }
            let mut rest = row.lines.clone();
            loop {
                let room = ((CONTENT_BOTTOM - self.y - 2.0 * PAD) / CELL_LH).floor();
                let n = room.max(1.0) as usize;
                self.draw_row(&row.cells, &rest, w, a, n);
                rest = rest
                    .into_iter()
                    .map(|l| l.into_iter().skip(n).collect())
                    .collect();
                if rest.iter().all(|l: &Vec<String>| l.is_empty()) {
                    break;
                }
                // Only a row taller than a whole page gets here: continue it on the next page.
                self.page_break_in_table(p);
            }
        }
    }

    fn page_break_in_table(&mut self, p: &PreparedTable) {
        self.new_page();
        if let Some(h) = &p.header {
            self.draw_row(
                h,
                &self.cell_lines(h, &p.widths),
                &p.widths,
                &p.aligns,
                usize::MAX,
            );
        }
    }

    fn cell_lines(&self, cells: &[Cell], widths: &[f32]) -> Vec<Vec<String>> {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| self.shaper.wrap(&c.text, CELL, w - 2.0 * PAD))
            .collect()
    }

    /// Draw up to `max_lines` lines of each cell as one row at the cursor and advance it.
    fn draw_row(
        &mut self,
        cells: &[Cell],
        lines: &[Vec<String>],
        widths: &[f32],
        aligns: &[Align],
        max_lines: usize,
    ) {
        let n = lines
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(1)
            .clamp(1, max_lines);
        let h = n as f32 * CELL_LH + 2.0 * PAD;
        let mut x = MARGIN_X;
        for (i, cell) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0.0);
            self.push(Op::Rect {
                x,
                y: self.y,
                w,
                h,
                fill: cell.bg,
                stroke: Some(RULE),
            });
            let align = aligns.get(i).copied().unwrap_or(Align::Left);
            for (k, line) in lines.get(i).into_iter().flatten().take(n).enumerate() {
                let lw = self.shaper.width(line, CELL);
                let lx = match align {
                    Align::Left => x + PAD,
                    Align::Center => x + (w - lw) / 2.0,
                    Align::Right => x + w - PAD - lw,
                };
                let y = baseline(self.y + PAD + k as f32 * CELL_LH, CELL_LH, CELL);
                self.text(lx, y, CELL, line, cell.color, cell.bold);
            }
            x += w;
        }
        self.y += h;
    }
}

/// A table ready to place.
struct PreparedTable {
    widths: Vec<f32>,
    aligns: Vec<Align>,
    header: Option<Vec<Cell>>,
    header_h: f32,
    laid: Vec<LaidRow>,
}

impl PreparedTable {
    /// Room row `i` needs on the current page before it may start there: the whole row; a
    /// section row also the row after it. A row too tall for any page only needs room for a
    /// few lines, since it will be split anyway — breaking before it would only waste a page.
    fn keep(&self, i: usize) -> f32 {
        let full = CONTENT_BOTTOM - CONTENT_TOP - self.header_h;
        let need = |r: &LaidRow| {
            if r.h > full {
                3.0 * CELL_LH + 2.0 * PAD
            } else {
                r.h
            }
        };
        match self.laid.get(i) {
            Some(r) if r.span => r.h + self.laid.get(i + 1).map_or(0.0, need),
            Some(r) => need(r),
            None => 0.0,
        }
    }
}

/// A table row with its cells already wrapped.
struct LaidRow {
    cells: Vec<Cell>,
    lines: Vec<Vec<String>>,
    h: f32,
    span: bool,
}

fn lines_height(lines: &[Vec<String>]) -> f32 {
    let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    n as f32 * CELL_LH + 2.0 * PAD
}
