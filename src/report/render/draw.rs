//! Writes laid-out pages into a PDF with krilla.
//!
//! The only module that talks to krilla's drawing API, so a change of PDF library touches one
//! file. Text is drawn as real glyph runs (subset CID font + ToUnicode, hence copyable);
//! "bold" is the regular face filled and stroked with a hairline, which keeps one font file and
//! still leaves the text a text.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::Font;
use krilla::Document;

use super::layout::{ImageRef, Op, Rgb, PAGE_H, PAGE_W};
use super::text::Shaper;
use crate::{Error, Result};

/// The images referenced by [`ImageRef`], created once per render.
pub(crate) struct Images {
    pub logo: Option<Image>,
    pub photos: Vec<Image>,
    pub signature: Option<Image>,
}

impl Images {
    fn get(&self, r: ImageRef) -> Option<&Image> {
        match r {
            ImageRef::Logo => self.logo.as_ref(),
            ImageRef::Photo(i) => self.photos.get(i),
            ImageRef::Signature => self.signature.as_ref(),
        }
    }
}

fn render_error(en: impl Into<String>, zh: impl Into<String>) -> Error {
    Error::Report {
        kind: "report_render",
        zh: zh.into(),
        en: en.into(),
    }
}

fn paint(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: paint(c),
        ..Fill::default()
    }
}

fn stroke(c: Rgb, width: f32) -> Stroke {
    Stroke {
        paint: paint(c),
        width,
        ..Stroke::default()
    }
}

/// Document-level facts written into the PDF's info dictionary / XMP.
pub(crate) struct DocInfo {
    pub title: String,
    pub number: String,
    pub language: &'static str,
    pub author: String,
}

/// Write `pages` as an A4 PDF.
pub(crate) fn write_pdf(
    pages: &[Vec<Op>],
    shaper: &Shaper<'_>,
    font: &Font,
    images: &Images,
    info: DocInfo,
) -> Result<Vec<u8>> {
    let mut document = Document::new();
    // No creation date on purpose: the same record renders to the same bytes, so a re-render can
    // be compared with the signed file, and the document id is the report number.
    let mut metadata = Metadata::new()
        .title(info.title)
        .language(info.language.to_string())
        .creator(format!("weibao {}", crate::VERSION))
        .document_id(info.number);
    if !info.author.is_empty() {
        metadata = metadata.authors(vec![info.author]);
    }
    document.set_metadata(metadata);
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| render_error("bad page size", "页面尺寸错误"))?;
    for ops in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw_op(&mut surface, op, shaper, font, images);
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| {
        render_error(
            format!("the PDF could not be written: {e:?}"),
            format!("PDF 生成失败：{e:?}"),
        )
    })
}

fn draw_op(surface: &mut Surface<'_>, op: &Op, shaper: &Shaper<'_>, font: &Font, images: &Images) {
    match op {
        Op::Text {
            x,
            y,
            size,
            text,
            color,
            bold,
            wide_spaces,
        } => {
            let glyphs = shaper.glyphs(text, *wide_spaces);
            surface.set_fill(Some(fill(*color)));
            surface.set_stroke(bold.then(|| stroke(*color, size * 0.03)));
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                &glyphs,
                font.clone(),
                text,
                *size,
                false,
            );
            surface.set_stroke(None);
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            fill: f,
            stroke: s,
        } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                return;
            };
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                surface.set_fill(f.map(fill));
                surface.set_stroke(s.map(|c| stroke(c, 0.5)));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            color,
            width,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(stroke(*color, *width)));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Qr { x, y, side, code } => draw_qr(surface, *x, *y, *side, code),
        Op::Image { x, y, w, h, image } => {
            let (Some(img), Some(size)) = (images.get(*image), Size::from_wh(*w, *h)) else {
                return;
            };
            surface.push_transform(&Transform::from_translate(*x, *y));
            surface.draw_image(img.clone(), size);
            surface.pop();
        }
    }
}

/// One filled path of the code's dark runs. Each run reaches a hair below its row so that no
/// anti-aliased seam shows between rows at low print or scan resolutions (the overlap is
/// inside the next dark module or the white below it; the fill rule makes it one shape).
fn draw_qr(surface: &mut Surface<'_>, x: f32, y: f32, side: f32, code: &crate::labels::QrMatrix) {
    if code.width == 0 {
        return;
    }
    let m = side / code.width as f32;
    let mut pb = PathBuilder::new();
    for (row, col, len) in code.runs() {
        let last_row = row + 1 == code.width;
        let h = if last_row { m } else { m * 1.05 };
        if let Some(r) = Rect::from_xywh(x + col as f32 * m, y + row as f32 * m, len as f32 * m, h)
        {
            pb.push_rect(r);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(fill(Rgb(0, 0, 0))));
        surface.set_stroke(None);
        surface.draw_path(&path);
    }
}
