//! Photo and signature import: validation, EXIF, and the report-size copy.
//!
//! Evidence photos come from phone and camera files of 12–50 MP. The report shows them at about
//! 8 cm wide, so each photo gets one report-size JPEG (≤ 1600 px) made here, once, at import;
//! rendering a report then embeds those small copies and never decodes an original (a 12 MP
//! decode costs ~0.3 s and ~36 MB). The original bytes are stored untouched by the caller as a
//! content-addressed blob; this module only reads them.
//!
//! Hostile or broken files are refused before any pixel buffer is allocated: the format is
//! sniffed from the magic bytes (not the file name) and the dimensions are read from the header,
//! so a "decompression bomb" claiming 100 MP costs nothing.

use std::io::Cursor;

use chrono::{NaiveDate, NaiveDateTime};
use exif::{In, Tag, Value};
use fast_image_resize as fir;
use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, RgbImage};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// Larger images are refused (a 50 MP RGB decode needs 150 MB; phones stop around 50 MP).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Files larger than this are refused before anything is parsed.
pub const MAX_PHOTO_BYTES: usize = 80 * 1024 * 1024;
/// Long side of the report copy: ~200 dpi at the printed width, sharp on paper, ~250 KB.
pub const REPORT_LONG_SIDE: u32 = 1600;
pub const REPORT_JPEG_QUALITY: u8 = 85;
/// Limits for the signature pad's PNG.
pub const MAX_SIGNATURE_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_SIGNATURE_SIDE: u32 = 4096;

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
        } else if bytes.starts_with(PNG_MAGIC) {
            Some(PhotoFormat::Png)
        } else {
            None
        }
    }
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

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
    /// EXIF DateTimeOriginal (camera local time), if recorded.
    pub taken_at: Option<NaiveDateTime>,
    /// EXIF GPS position as (latitude, longitude) in degrees, if recorded.
    pub gps: Option<(f64, f64)>,
}

/// A validated signature-pad image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureImage {
    /// SHA-256 (hex) of the PNG bytes: the blob's content address.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
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

fn corrupt(field: &str) -> Error {
    Error::invalid(
        field,
        "图片文件已损坏或不完整",
        "the image file is damaged or incomplete",
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
    let (w, h) = header_dimensions(bytes, format).ok_or_else(|| corrupt(field))?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels > MAX_PIXELS {
        let mp = pixels as f64 / 1e6;
        return Err(Error::invalid(
            field,
            format!("图片过大：{w}×{h}（{mp:.0} 百万像素），上限 50 百万像素"),
            format!("the image is too large: {w}×{h} ({mp:.0} MP), limit 50 MP"),
        ));
    }
    let meta = read_exif(bytes);

    let decoded = decode(bytes, format, w, h).ok_or_else(|| corrupt(field))?;
    if (decoded.width(), decoded.height()) != (w, h) {
        return Err(corrupt(field));
    }
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
        taken_at: meta.taken_at,
        gps: meta.gps,
    })
}

/// Validate the signature pad's output: a PNG with an alpha channel, of sane size, with at least
/// one visible pixel (an empty pad is not a signature).
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
    let (w, h) = header_dimensions(bytes, PhotoFormat::Png).ok_or_else(|| corrupt(field))?;
    if w > MAX_SIGNATURE_SIDE || h > MAX_SIGNATURE_SIDE {
        return Err(Error::invalid(
            field,
            format!("签名图片尺寸过大：{w}×{h}（每边上限 {MAX_SIGNATURE_SIDE}）"),
            format!(
                "the signature image is too large: {w}×{h} (limit {MAX_SIGNATURE_SIDE} per side)"
            ),
        ));
    }
    let img = decode(bytes, PhotoFormat::Png, w, h).ok_or_else(|| corrupt(field))?;
    if !img.color().has_alpha() {
        return Err(Error::invalid(
            field,
            "签名图片必须带透明背景（Alpha 通道）",
            "the signature image must have a transparent background (alpha channel)",
        ));
    }
    if !img.to_rgba8().pixels().any(|p| p.0[3] > 0) {
        return Err(Error::invalid(field, "签名为空", "the signature is empty"));
    }
    Ok(SignatureImage {
        sha256: sha256_hex(bytes),
        width: w,
        height: h,
    })
}

/// Width and height from the file header alone (PNG IHDR, JPEG SOFn), without decoding.
/// `None` if the header is missing, truncated or claims a zero size.
pub fn header_dimensions(bytes: &[u8], format: PhotoFormat) -> Option<(u32, u32)> {
    let (w, h) = match format {
        PhotoFormat::Png => {
            if bytes.len() < 33 || !bytes.starts_with(PNG_MAGIC) || bytes.get(12..16)? != b"IHDR" {
                return None;
            }
            (be32(bytes, 16)?, be32(bytes, 20)?)
        }
        PhotoFormat::Jpeg => jpeg_dimensions(bytes)?,
    };
    (w > 0 && h > 0).then_some((w, h))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Walk the JPEG marker segments up to the first start-of-frame.
fn jpeg_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2; // after SOI
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        if *b.get(i)? != 0xFF {
            return None;
        }
        while *b.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *b.get(i)?;
        i += 1;
        match marker {
            // Standalone markers: no length.
            0x01 | 0xD0..=0xD7 => continue,
            // End of image or start of scan before any frame header: not a usable JPEG.
            0xD9 | 0xDA => return None,
            // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let h = be16(b, i + 3)?;
                let w = be16(b, i + 5)?;
                return Some((u32::from(w), u32::from(h)));
            }
            _ => {
                let len = usize::from(be16(b, i)?);
                if len < 2 {
                    return None;
                }
                i += len;
            }
        }
    }
}

/// Decode with limits matching the header, so a file whose header lies about its size cannot
/// make the decoder allocate more than the header promised.
fn decode(bytes: &[u8], format: PhotoFormat, w: u32, h: u32) -> Option<DynamicImage> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes));
    reader.set_format(match format {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
    });
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    // Up to 16-bit RGBA plus decoder scratch.
    limits.max_alloc = Some(u64::from(w) * u64::from(h) * 8 + (64 << 20));
    reader.limits(limits);
    reader.decode().ok()
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

/// What EXIF tells us. Broken or absent EXIF is not an error: the photo is still evidence.
#[derive(Default)]
struct ExifMeta {
    orientation: Option<u8>,
    taken_at: Option<NaiveDateTime>,
    gps: Option<(f64, f64)>,
}

fn read_exif(bytes: &[u8]) -> ExifMeta {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return ExifMeta::default();
    };
    let field = |tag| exif.get_field(tag, In::PRIMARY);
    let orientation = field(Tag::Orientation)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok());
    let taken_at = [Tag::DateTimeOriginal, Tag::DateTimeDigitized]
        .into_iter()
        .find_map(|t| field(t).and_then(|f| exif_datetime(&f.value)));
    let coord = |value_tag, ref_tag, negative: u8, max: f64| {
        let deg = match &field(value_tag)?.value {
            Value::Rational(r) if r.len() >= 3 => {
                r[0].to_f64() + r[1].to_f64() / 60.0 + r[2].to_f64() / 3600.0
            }
            _ => return None,
        };
        let sign = match &field(ref_tag)?.value {
            Value::Ascii(a) if a.first()?.first()? == &negative => -1.0,
            Value::Ascii(_) => 1.0,
            _ => return None,
        };
        (deg.is_finite() && deg <= max).then_some(sign * deg)
    };
    let gps = coord(Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S', 90.0)
        .zip(coord(Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W', 180.0))
        // 0/0 is what receivers write without a fix.
        .filter(|&(lat, lon)| lat != 0.0 || lon != 0.0);
    ExifMeta {
        orientation,
        taken_at,
        gps,
    }
}

fn exif_datetime(value: &Value) -> Option<NaiveDateTime> {
    let Value::Ascii(parts) = value else {
        return None;
    };
    let dt = exif::DateTime::from_ascii(parts.first()?).ok()?;
    NaiveDate::from_ymd_opt(i32::from(dt.year), u32::from(dt.month), u32::from(dt.day))?
        .and_hms_opt(
            u32::from(dt.hour),
            u32::from(dt.minute),
            u32::from(dt.second),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_header_walk_finds_sof_after_app_segments() {
        // SOI, APP0 (len 4), SOF0 with 3000 high × 4000 wide.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
        b.extend([0xFF, 0xC0, 0, 17, 8, 0x0B, 0xB8, 0x0F, 0xA0, 3]);
        assert_eq!(jpeg_dimensions(&b), Some((4000, 3000)));
        assert_eq!(jpeg_dimensions(&b[..12]), None);
    }
}
