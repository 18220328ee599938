//! The report font, glyph measurement and line breaking.
//!
//! krilla draws glyphs but neither measures nor breaks text, so this module does both from the
//! font's own tables (cmap + hmtx, read with `skrifa`, the parser krilla itself uses — no second
//! font stack). Drawing uses exactly the glyphs and advances that were measured, so a line that
//! was measured to fit does fit. There is no kerning or ligature shaping: CJK text has none, and
//! for the Latin in a report (names, model numbers) the difference is invisible at 9–10 pt.

use std::path::Path;
use std::sync::Arc;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use crate::{Error, Result};

/// The font file shipped in `resources/` (see `resources/fonts/README.md`).
pub const FONT_FILE: &str = "fonts/NotoSansCJKsc-Regular.otf";

/// Space width for short CJK labels with spaced numbers ("第 1 页 共 3 页"). The font's own
/// space is 0.22 em, which text extractors (poppler) treat as no gap between wide characters
/// (their threshold is 0.4 em), so "第 1 页" would copy out as "第1页".
pub(crate) const WIDE_SPACE_EM: f32 = 0.5;

/// The one font every report is set in (Noto Sans CJK SC: Chinese and Latin), loaded once and
/// shared by every render. Cloning is cheap (the 16 MB of font data are behind an `Arc`).
#[derive(Clone)]
pub struct ReportFonts {
    data: Arc<Vec<u8>>,
    index: u32,
    font: Font,
}

impl std::fmt::Debug for ReportFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportFonts")
            .field("bytes", &self.data.len())
            .field("index", &self.index)
            .finish()
    }
}

fn font_error(en: String, zh: String) -> Error {
    Error::Report {
        kind: "report_font",
        zh,
        en,
    }
}

impl ReportFonts {
    /// Read `resources_dir/fonts/NotoSansCJKsc-Regular.otf`.
    pub fn load(resources_dir: &Path) -> Result<Self> {
        let path = resources_dir.join(FONT_FILE);
        let data = std::fs::read(&path).map_err(|e| {
            font_error(
                format!("cannot read the report font {}: {e}", path.display()),
                format!("无法读取报告字体 {}：{e}", path.display()),
            )
        })?;
        Self::from_bytes(data, 0)
    }

    /// Use font data already in memory; `index` selects a face of a collection (.ttc), e.g. 2 for
    /// the SC face of Debian's `NotoSansCJK-Regular.ttc`.
    pub fn from_bytes(data: Vec<u8>, index: u32) -> Result<Self> {
        let data = Arc::new(data);
        let bad = || {
            font_error(
                "the report font cannot be read (not an OpenType font or wrong face index)".into(),
                "报告字体无法解析（不是 OpenType 字体或字体序号错误）".into(),
            )
        };
        let face = FontRef::from_index(data.as_slice(), index).map_err(|_| bad())?;
        // A font without the CJK ideographs would silently print boxes: refuse it here.
        if face.charmap().map('巡').is_none() || face.charmap().map('A').is_none() {
            return Err(font_error(
                "the report font lacks Chinese or Latin glyphs".into(),
                "报告字体缺少中文或拉丁字形".into(),
            ));
        }
        let font = Font::new(krilla::Data::from(data.clone()), index).ok_or_else(bad)?;
        Ok(ReportFonts { data, index, font })
    }

    pub(crate) fn krilla_font(&self) -> Font {
        self.font.clone()
    }

    pub(crate) fn shaper(&self) -> Result<Shaper<'_>> {
        let face = FontRef::from_index(self.data.as_slice(), self.index).map_err(|_| {
            font_error(
                "the report font cannot be read".into(),
                "报告字体无法解析".into(),
            )
        })?;
        let upem = f32::from(
            face.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em
                .max(1),
        );
        Ok(Shaper {
            charmap: face.charmap(),
            metrics: face.glyph_metrics(Size::unscaled(), LocationRef::default()),
            upem,
        })
    }
}

/// Maps characters to glyphs and measures them. One per render.
pub(crate) struct Shaper<'a> {
    charmap: Charmap<'a>,
    metrics: GlyphMetrics<'a>,
    upem: f32,
}

impl Shaper<'_> {
    /// Glyph id and advance (in em) of one character. A character the font lacks becomes the
    /// .notdef glyph (a visible box) while the text layer keeps the real character.
    fn glyph(&self, ch: char) -> (skrifa::GlyphId, f32) {
        let gid = self.charmap.map(ch).unwrap_or(skrifa::GlyphId::NOTDEF);
        let adv = self.metrics.advance_width(gid).unwrap_or(self.upem);
        (gid, adv / self.upem)
    }

    /// Advance of `ch` in em; with `wide_spaces` a space is at least [`WIDE_SPACE_EM`].
    fn advance(&self, ch: char, wide_spaces: bool) -> (skrifa::GlyphId, f32) {
        let (gid, adv) = self.glyph(ch);
        if wide_spaces && ch == ' ' {
            (gid, adv.max(WIDE_SPACE_EM))
        } else {
            (gid, adv)
        }
    }

    /// Width of `text` in points at `size`.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.width_with(text, size, false)
    }

    pub(crate) fn width_with(&self, text: &str, size: f32, wide_spaces: bool) -> f32 {
        text.chars()
            .map(|c| self.advance(c, wide_spaces).1)
            .sum::<f32>()
            * size
    }

    /// The glyph run krilla draws for `text`: one glyph per character, with its byte range so the
    /// PDF's ToUnicode map gives the text back on copy.
    pub(crate) fn glyphs(&self, text: &str, wide_spaces: bool) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, ch)| {
                let (gid, adv) = self.advance(ch, wide_spaces);
                KrillaGlyph::new(
                    GlyphId::new(gid.to_u32()),
                    adv,
                    0.0,
                    0.0,
                    0.0,
                    i..i + ch.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    /// Break `text` into lines no wider than `max_width` points at `size`.
    ///
    /// Newlines are kept as hard breaks (an empty line stays an empty line). CJK may break between
    /// any two characters, Latin only at spaces; closing punctuation (，。）…) never starts a
    /// line and opening punctuation (（《“…) never ends one. A word wider than the line (a hash,
    /// a URL) is broken between characters rather than overflowing the cell.
    pub(crate) fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let mut out = Vec::new();
        for para in clean(text).split('\n') {
            self.wrap_paragraph(para, size, max_width.max(size), &mut out);
        }
        out
    }

    fn wrap_paragraph(&self, para: &str, size: f32, max: f32, out: &mut Vec<String>) {
        let mut line = String::new();
        let mut line_w = 0.0;
        for seg in segments(para) {
            let seg_w = self.width(seg.trim_end(), size);
            if line_w + seg_w <= max {
                line.push_str(seg);
                line_w += self.width(seg, size);
                continue;
            }
            if !line.trim().is_empty() {
                out.push(line.trim_end().to_string());
            }
            line = String::new();
            line_w = 0.0;
            let seg = seg.trim_start();
            if seg_w <= max {
                line.push_str(seg);
                line_w = self.width(seg, size);
                continue;
            }
            // Emergency break of an over-long word, character by character.
            for ch in seg.chars() {
                let w = self.glyph(ch).1 * size;
                if line_w + w > max && !line.is_empty() && !ch.is_whitespace() {
                    out.push(line.trim_end().to_string());
                    line = String::new();
                    line_w = 0.0;
                }
                line.push(ch);
                line_w += w;
            }
        }
        out.push(line.trim_end().to_string());
    }

    /// `text` on one line, cut with "…" if wider than `max_width` (for header fields only; body
    /// text always wraps, nothing is cut).
    pub(crate) fn fit_line(&self, text: &str, size: f32, max_width: f32) -> String {
        let text = clean(text).replace('\n', " ");
        if self.width(&text, size) <= max_width {
            return text;
        }
        let ell = self.width("…", size);
        let mut out = String::new();
        let mut w = 0.0;
        for ch in text.chars() {
            let cw = self.glyph(ch).1 * size;
            if w + cw + ell > max_width {
                break;
            }
            out.push(ch);
            w += cw;
        }
        out.push('…');
        out
    }
}

/// Normalise what users typed: CRLF to LF, tabs to spaces, other control characters dropped
/// (they have no glyph and would print as boxes).
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Characters after which a line may break on their own (ideographs, kana, hangul, fullwidth).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Must not start a line.
fn no_break_before(c: char) -> bool {
    "，。、；：！？）】》」』〉〕”’…—·%,.;:!?)]}".contains(c)
}

/// Must not end a line.
fn no_break_after(c: char) -> bool {
    "（【《「『〈〔“‘([{".contains(c)
}

/// Split a paragraph at its break opportunities. Each segment keeps its trailing spaces, so the
/// segments concatenate back to the paragraph.
fn segments(para: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in para.char_indices() {
        if let Some(p) = prev {
            let at_space = p.is_whitespace() && !c.is_whitespace();
            let at_cjk = (is_cjk(p) || is_cjk(c)) && !p.is_whitespace() && !c.is_whitespace();
            if (at_space || at_cjk) && !no_break_before(c) && !no_break_after(p) {
                out.push(&para[start..i]);
                start = i;
            }
        }
        prev = Some(c);
    }
    out.push(&para[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_break_cjk_per_char_and_latin_at_spaces() {
        assert_eq!(
            segments("设备正常，OK now"),
            vec!["设", "备", "正", "常，", "OK ", "now"]
        );
        assert_eq!(segments("（注）ab"), vec!["（注）", "ab"]);
        assert_eq!(segments("").concat(), "");
    }

    fn fonts() -> ReportFonts {
        ReportFonts::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("resources")).unwrap()
    }

    #[test]
    fn wrap_fits_the_width_and_keeps_every_character() {
        let fonts = fonts();
        let s = fonts.shaper().unwrap();
        let text = "更换道闸缓冲垫两件，清洁主控板灰尘。Replaced two buffer pads on gate BG-3000, \
                    recalibrated the loop detector. 0123456789abcdef0123456789abcdef0123456789";
        for width in [60.0, 120.0, 300.0] {
            let lines = s.wrap(text, 10.0, width);
            for line in &lines {
                assert!(
                    s.width(line, 10.0) <= width + 0.01,
                    "{line:?} wider than {width}"
                );
                assert!(
                    !line.starts_with('，') && !line.starts_with('。'),
                    "{line:?}"
                );
            }
            let joined: String = lines.concat().split_whitespace().collect();
            let expected: String = text.split_whitespace().collect();
            assert_eq!(joined, expected);
        }
        // Latin breaks at spaces only (when words fit).
        let lines = s.wrap("alpha beta gamma delta", 10.0, 60.0);
        assert!(lines
            .iter()
            .all(|l| !l.contains("alph ") && !l.ends_with('-')));
        assert_eq!(s.wrap("a\n\nb", 10.0, 100.0), vec!["a", "", "b"]);
    }

    #[test]
    fn fit_line_cuts_with_ellipsis() {
        let fonts = fonts();
        let s = fonts.shaper().unwrap();
        let cut = s.fit_line(&"很长的公司名称".repeat(10), 14.0, 100.0);
        assert!(cut.ends_with('…'));
        assert!(s.width(&cut, 14.0) <= 100.0);
    }

    #[test]
    fn clean_drops_controls() {
        assert_eq!(clean("a\r\nb\tc\u{7}"), "a\nb c");
    }
}
