//! The customer's handwritten signature, as the signature pad hands it over: a PNG with a
//! transparent background and the strokes in ink.
//!
//! A signature is evidence that a person confirmed the work, so "a PNG with one visible pixel"
//! is not enough. The bounds, all in bitmap pixels and chosen to accept any real pad:
//!
//! * **Canvas at least 300×100.** The desktop pad (`ui/src/screens/Signature.svelte`) is
//!   300 CSS px tall and as wide as the card in a window at least 1024 px wide, times the
//!   screen's pixel ratio (≥ 1), so it is never below 300×300; hardware pads are 320×200 and
//!   up. 300×100 leaves room for a cropped export from another pad, and refuses a 1×1 image.
//! * **At least 100 inked pixels** (alpha ≥ 64, so anti-aliasing haze does not count). The
//!   pad's pen is 1–3.2 px wide: 100 pixels is a stroke some 35–100 px long, less than a
//!   single written character; a tap (a dot of ~13 px) or a stray speck is refused.
//! * **Ink spanning at least 40 px one way and 15 px the other.** A signature is written, not
//!   dotted: the smallest legible handwritten character on a 300 px tall pad is taller than
//!   that; a dot, a speck or a straight ruled line is not a signature. The span is taken
//!   either way round, so a name written vertically passes too.
//!
//! The desktop end-to-end test's two strokes span about 430×65 CSS px with some 600 px of
//! stroke, far inside these bounds.

use sha2::{Digest, Sha256};

use super::evidence::{self, Header};
use super::photo::PhotoFormat;
use crate::{Error, Result};

pub const MAX_SIGNATURE_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_SIGNATURE_SIDE: u32 = 4096;
/// Smallest signature canvas accepted (width, height).
pub const MIN_SIGNATURE_CANVAS: (u32, u32) = (300, 100);
/// A pixel counts as ink from this alpha up.
pub const INK_ALPHA: u8 = 64;
/// Fewest inked pixels a signature may have.
pub const MIN_INK_PIXELS: u64 = 100;
/// The inked area's bounding box must span at least this much (longer side, shorter side).
pub const MIN_INK_SPAN: (u32, u32) = (40, 15);

/// A validated signature-pad image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureImage {
    /// SHA-256 (hex) of the PNG bytes: the blob's content address.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
}

/// Validate the signature pad's output: a whole PNG with an alpha channel, of sane size, with a
/// plausible amount of ink over a plausible area (see the module documentation).
pub fn import_signature_png(bytes: &[u8]) -> Result<SignatureImage> {
    let field = "signature";
    if bytes.len() > MAX_SIGNATURE_BYTES {
        return Err(Error::invalid(
            field,
            "签名图片过大（上限 2 MB）",
            "the signature image is too large (limit 2 MB)",
        ));
    }
    if PhotoFormat::sniff(bytes) != Some(PhotoFormat::Png) {
        return Err(Error::invalid(
            field,
            "签名必须是 PNG 图片",
            "the signature must be a PNG image",
        ));
    }
    let header = evidence::header(bytes, PhotoFormat::Png, field)?;
    let (w, h) = header.dimensions();
    if w > MAX_SIGNATURE_SIDE || h > MAX_SIGNATURE_SIDE {
        return Err(Error::invalid(
            field,
            format!("签名图片尺寸过大：{w}×{h}（每边上限 {MAX_SIGNATURE_SIDE}）"),
            format!(
                "the signature image is too large: {w}×{h} (limit {MAX_SIGNATURE_SIDE} per side)"
            ),
        ));
    }
    check_canvas(&header)?;
    let img = evidence::decode(bytes, &header, field)?;
    if !img.color().has_alpha() {
        return Err(Error::invalid(
            field,
            "签名图片必须带透明背景（Alpha 通道）",
            "the signature image must have a transparent background (alpha channel)",
        ));
    }
    let rgba = img.to_rgba8();
    check_ink(Ink::measure(rgba.pixels().map(|p| p.0[3]), w))?;
    Ok(SignatureImage {
        sha256: hex::encode(Sha256::digest(bytes)),
        width: w,
        height: h,
    })
}

fn check_canvas(header: &Header) -> Result<()> {
    let (w, h) = header.dimensions();
    let (min_w, min_h) = MIN_SIGNATURE_CANVAS;
    if w < min_w || h < min_h {
        return Err(Error::invalid(
            "signature",
            format!("签名图片太小：{w}×{h}（签名板画布至少 {min_w}×{min_h}）"),
            format!(
                "the signature image is too small: {w}×{h} (a signature pad is at least {min_w}×{min_h})"
            ),
        ));
    }
    Ok(())
}

/// How much ink there is and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ink {
    pixels: u64,
    /// Bounding box of the ink: (width, height); (0, 0) when there is none.
    span: (u32, u32),
}

impl Ink {
    /// From the alpha values in row order of an image `width` pixels wide.
    fn measure(alphas: impl Iterator<Item = u8>, width: u32) -> Ink {
        let width = width.max(1);
        let mut pixels = 0u64;
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0u32, 0u32);
        let (mut x, mut y) = (0u32, 0u32);
        for a in alphas {
            if a >= INK_ALPHA {
                pixels += 1;
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
            x += 1;
            if x == width {
                (x, y) = (0, y + 1);
            }
        }
        let span = if pixels == 0 {
            (0, 0)
        } else {
            (x1 - x0 + 1, y1 - y0 + 1)
        };
        Ink { pixels, span }
    }
}

fn check_ink(ink: Ink) -> Result<()> {
    let field = "signature";
    if ink.pixels == 0 {
        return Err(Error::invalid(field, "签名为空", "the signature is empty"));
    }
    if ink.pixels < MIN_INK_PIXELS {
        return Err(Error::invalid(
            field,
            format!(
                "签名笔迹太少：只有 {} 个像素有笔迹（至少 {MIN_INK_PIXELS}），请重新签字",
                ink.pixels
            ),
            format!(
                "the signature has too little ink: {} inked pixels (at least {MIN_INK_PIXELS}); please sign again",
                ink.pixels
            ),
        ));
    }
    let (w, h) = ink.span;
    let (long, short) = (w.max(h), w.min(h));
    let (min_long, min_short) = MIN_INK_SPAN;
    if long < min_long || short < min_short {
        return Err(Error::invalid(
            field,
            format!(
                "签名笔迹范围太小：{w}×{h} 像素（至少 {min_long}×{min_short}），请重新签字"
            ),
            format!(
                "the signature covers too small an area: {w}×{h} pixels (at least {min_long}×{min_short}); please sign again"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ink_of(w: u32, h: u32, inked: impl Fn(u32, u32) -> bool) -> Ink {
        let alphas = (0..h).flat_map(|y| (0..w).map(move |x| (x, y)));
        Ink::measure(alphas.map(|(x, y)| if inked(x, y) { 255 } else { 0 }), w)
    }

    fn refused_with(ink: Ink, needle: &str) {
        let e = check_ink(ink).expect_err("refused");
        assert_eq!((e.kind(), e.field()), ("invalid", Some("signature")));
        assert!(e.message_zh().contains(needle), "{}", e.message_zh());
    }

    #[test]
    fn ink_is_counted_with_its_bounding_box() {
        let ink = ink_of(300, 100, |x, y| {
            (10..60).contains(&x) && (20..23).contains(&y)
        });
        assert_eq!(ink.pixels, 150);
        assert_eq!(ink.span, (50, 3));
        // Faint anti-aliasing haze is not ink.
        let haze = Ink::measure(std::iter::repeat_n(INK_ALPHA - 1, 300 * 100), 300);
        assert_eq!(
            haze,
            Ink {
                pixels: 0,
                span: (0, 0)
            }
        );
    }

    #[test]
    fn ink_rules() {
        refused_with(ink_of(300, 100, |_, _| false), "签名为空");
        // One pixel; a tap (a dot of radius 2).
        refused_with(ink_of(300, 100, |x, y| (x, y) == (150, 50)), "笔迹太少");
        let dot = |x: u32, y: u32| (x as i32 - 150).pow(2) + (y as i32 - 50).pow(2) <= 4;
        refused_with(ink_of(300, 100, dot), "笔迹太少");
        // A straight ruled line, 3 px thick: plenty of ink, no height.
        let line = |x: u32, y: u32| (20..280).contains(&x) && (49..52).contains(&y);
        refused_with(ink_of(300, 100, line), "范围太小");
        // A dense blob 12×12: enough ink, too small an area.
        let blob = |x: u32, y: u32| (100..112).contains(&x) && (40..52).contains(&y);
        refused_with(ink_of(300, 100, blob), "范围太小");
        // A short zig-zag stroke 2 px wide, 60×20: a written mark.
        let zigzag = |x: u32, y: u32| {
            let centre = 40 + (x % 20).abs_diff(10) * 2;
            (100..160).contains(&x) && y.abs_diff(centre) <= 1
        };
        let z = ink_of(300, 100, zigzag);
        assert_eq!(z.span, (60, 23));
        check_ink(z).expect("a short real stroke is a signature");
        // Written vertically.
        check_ink(ink_of(300, 100, |x, y| {
            (10..90).contains(&y) && x.abs_diff(150 + (y % 32).abs_diff(16)) <= 1
        }))
        .expect("vertical stroke");
    }
}
