//! Photo and signature import: validation, EXIF, and the report-size copy.
//!
//! Evidence photos come from phone and camera files of 12–50 MP. The report shows them at about
//! 8 cm wide, so each photo gets one report-size JPEG (≤ 1600 px) made here, once, at import;
//! rendering a report then embeds those small copies and never decodes an original (a 12 MP
//! decode costs ~0.3 s and ~36 MB). The original bytes are stored untouched by the caller as a
//! content-addressed blob; this module only reads them.
//!
//! Hostile or broken files are refused before any pixel buffer is allocated: the format is
//! sniffed from the magic bytes (not the file name), the dimensions are read from the header,
//! so a "decompression bomb" claiming 100 MP costs nothing, and the file must be large enough
//! and complete enough to be the image it claims to be (`super::evidence`, the one place evidence
//! images are judged and decoded).

use chrono::NaiveDateTime;
use fast_image_resize as fir;
use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};
use sha2::{Digest, Sha256};

use super::evidence;
use crate::{Error, Result};

/// Larger images are refused (a 50 MP RGB decode needs 150 MB; phones stop around 50 MP).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Files larger than this are refused before anything is parsed.
pub const MAX_PHOTO_BYTES: usize = 80 * 1024 * 1024;
/// Long side of the report copy: ~200 dpi at the printed width, sharp on paper, ~250 KB.
pub const REPORT_LONG_SIDE: u32 = 1600;
pub const REPORT_JPEG_QUALITY: u8 = 85;

/// The two formats a photo may arrive in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
}

impl PhotoFormat {
    pub fn mime(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
        }
    }

    /// Recognise a JPEG or PNG by its first bytes; anything else is `None`.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoFormat::Jpeg)
        } else if bytes.starts_with(super::png::MAGIC) {
            Some(PhotoFormat::Png)
        } else {
            None
        }
    }
}

/// The result of importing one photo.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessedPhoto {
    /// SHA-256 (hex) of the original bytes: the blob's content address.
    pub original_sha256: String,
    /// MIME type of the original.
    pub mime: &'static str,
    /// Size of the original as stored (before orientation).
    pub original_width: u32,
    pub original_height: u32,
    /// The report copy: baseline JPEG, upright (EXIF orientation applied), no metadata (so no
    /// GPS leaks into the customer's PDF and no viewer rotates it a second time).
    pub report_jpeg: Vec<u8>,
    /// Size of the report copy.
    pub width: u32,
    pub height: u32,
    /// EXIF DateTimeOriginal (camera local time), if recorded and plausible (within the dates
    /// the domain accepts, `domain::values::check_date_range`).
    pub taken_at: Option<NaiveDateTime>,
    /// The capture time exactly as the camera wrote it (at most 40 characters), if it wrote one.
    pub taken_at_raw: Option<String>,
    /// The camera wrote a capture time that is not a date or not a plausible one (e.g. 2099):
    /// `taken_at` is then `None` and `taken_at_raw` holds what was written, for a warning.
    pub taken_at_implausible: bool,
    /// EXIF GPS position as (latitude, longitude) in degrees, if recorded.
    pub gps: Option<(f64, f64)>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn not_image(field: &str) -> Error {
    Error::invalid(
        field,
        "文件不是 JPEG 或 PNG 图片",
        "the file is not a JPEG or PNG image",
    )
}

fn processing_error(e: impl std::fmt::Display) -> Error {
    Error::Report {
        kind: "photo_process",
        zh: format!("照片处理失败：{e}"),
        en: format!("the photo could not be processed: {e}"),
    }
}

/// Validate a photo file and make its report copy. `field` names the input in errors (e.g.
/// `"photos[3]"`), so the UI can point at the file that was refused.
pub fn import_photo(bytes: &[u8], field: &str) -> Result<ProcessedPhoto> {
    let (format, (w, h), decoded) = checked_decode(bytes, field)?;
    let meta = super::exif::read(bytes);
    let rgb = flatten_to_rgb(decoded);
    // Resize before rotating: the long side is the same either way and the small image is
    // cheaper to rotate.
    let small = shrink(rgb, REPORT_LONG_SIDE)?;
    let mut upright = DynamicImage::ImageRgb8(small);
    if let Some(o) = meta.orientation.and_then(Orientation::from_exif) {
        upright.apply_orientation(o);
    }
    let (width, height) = (upright.width(), upright.height());
    let mut report_jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut report_jpeg, REPORT_JPEG_QUALITY)
        .encode_image(&upright)
        .map_err(processing_error)?;

    Ok(ProcessedPhoto {
        original_sha256: sha256_hex(bytes),
        mime: format.mime(),
        original_width: w,
        original_height: h,
        report_jpeg,
        width,
        height,
        taken_at_implausible: meta.taken_at_raw.is_some() && meta.taken_at.is_none(),
        taken_at: meta.taken_at,
        taken_at_raw: meta.taken_at_raw,
        gps: meta.gps,
    })
}

/// Decode a photo's pixels after every check an evidence photo gets: not empty, at most
/// [`MAX_PHOTO_BYTES`], JPEG or PNG by its magic bytes, a sound header of at most
/// [`MAX_PIXELS`] (read before any pixel buffer exists, so a 100 MP "bomb" costs nothing), and a
/// complete file. Label photos (`crate::labels`) come from the same cameras and go through the
/// same door.
pub fn decode_photo(bytes: &[u8], field: &str) -> Result<DynamicImage> {
    Ok(checked_decode(bytes, field)?.2)
}

fn checked_decode(bytes: &[u8], field: &str) -> Result<(PhotoFormat, (u32, u32), DynamicImage)> {
    if bytes.is_empty() {
        return Err(Error::invalid(field, "文件为空", "the file is empty"));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(Error::invalid(
            field,
            format!("文件过大（{} MB），上限 80 MB", bytes.len() / 1_048_576),
            format!(
                "the file is too large ({} MB), limit 80 MB",
                bytes.len() / 1_048_576
            ),
        ));
    }
    let format = PhotoFormat::sniff(bytes).ok_or_else(|| not_image(field))?;
    let header = evidence::header(bytes, format, field)?;
    let (w, h) = header.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if pixels > MAX_PIXELS {
        let mp = pixels as f64 / 1e6;
        return Err(Error::invalid(
            field,
            format!("图片过大：{w}×{h}（{mp:.0} 百万像素），上限 50 百万像素"),
            format!("the image is too large: {w}×{h} ({mp:.0} MP), limit 50 MP"),
        ));
    }
    let decoded = evidence::decode(bytes, &header, field)?;
    Ok((format, (w, h), decoded))
}

/// Width and height from the file header alone (PNG IHDR, JPEG SOFn), without decoding.
/// `None` if the header is missing, truncated, inconsistent or claims a zero size.
pub fn header_dimensions(bytes: &[u8], format: PhotoFormat) -> Option<(u32, u32)> {
    let header = evidence::header(bytes, format, "").ok()?;
    Some(header.dimensions())
}

/// RGB8, with any transparency composited onto white (a JPEG has no alpha, and a transparent
/// screenshot area should print as paper, not black).
fn flatten_to_rgb(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    for (src, dst) in rgba.pixels().zip(out.pixels_mut()) {
        let [r, g, b, a] = src.0;
        let a = u16::from(a);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        dst.0 = [blend(r), blend(g), blend(b)];
    }
    out
}

/// Shrink so the long side is at most `long_side` (never enlarges).
fn shrink(img: RgbImage, long_side: u32) -> Result<RgbImage> {
    let (w, h) = img.dimensions();
    let long = w.max(h);
    if long <= long_side {
        return Ok(img);
    }
    let scale = f64::from(long_side) / f64::from(long);
    let nw = ((f64::from(w) * scale).round() as u32).max(1);
    let nh = ((f64::from(h) * scale).round() as u32).max(1);
    let src = fir::images::Image::from_vec_u8(w, h, img.into_raw(), fir::PixelType::U8x3)
        .map_err(processing_error)?;
    let mut dst = fir::images::Image::new(nw, nh, fir::PixelType::U8x3);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(processing_error)?;
    RgbImage::from_raw(nw, nh, dst.into_vec())
        .ok_or_else(|| processing_error("resized buffer has the wrong size"))
}
