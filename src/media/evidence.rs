//! The one place an evidence image (a photo or a signature) is judged and decoded.
//!
//! Evidence must be a whole image. In order, each step cheaper than the next:
//!
//! 1. the header is read ([`header`]): format, size, coding the decoder supports;
//! 2. the caller applies its own size limit (50 MP for a photo, 4096 px a side for a signature);
//! 3. the file must be large enough to hold the pixels its header claims
//!    ([`check_size`]; the bounds are derived in `jpeg::Frame::min_bytes` and
//!    `png::Ihdr::min_bytes`), so a tiny file claiming 7000×7000 costs nothing;
//! 4. the structure must be complete ([`check_complete`]: JPEG scans through to the EOI
//!    marker, PNG chunks through to IEND), which the lenient JPEG decoder does not check;
//! 5. only then is it decoded ([`decode`]), with allocation limits taken from the header, and
//!    the decoded size must equal the header's.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};

use super::photo::PhotoFormat;
use super::{jpeg, png};
use crate::{Error, Result};

/// What is wrong with a file's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Damage {
    /// The file ends before its end marker (JPEG EOI, PNG IEND).
    Truncated,
    /// There is no image data at all (a scan header with nothing after it, no IDAT).
    NoImageData,
    /// A JPEG whose scans leave a colour component out.
    MissingScans,
    /// Markers or chunks that cannot be in a sound file.
    Malformed,
    /// A PNG chunk whose CRC does not match.
    Checksum,
}

impl Damage {
    fn error(self, field: &str, format: PhotoFormat) -> Error {
        let (zh, en) = match (self, format) {
            (Damage::Truncated, PhotoFormat::Jpeg) => (
                "在图像结束标记（EOI）之前中断",
                "it ends before the end-of-image marker",
            ),
            (Damage::Truncated, PhotoFormat::Png) => (
                "在结束块（IEND）之前中断",
                "it ends before the IEND end chunk",
            ),
            (Damage::NoImageData, _) => ("文件中没有图像数据", "it holds no image data"),
            (Damage::MissingScans, _) => (
                "部分颜色通道没有图像数据",
                "some colour components have no image data",
            ),
            (Damage::Malformed, _) => ("文件结构错误", "its structure is broken"),
            (Damage::Checksum, _) => ("数据块校验和不符", "a chunk's checksum does not match"),
        };
        Error::invalid(
            field,
            format!("图片文件不完整或已损坏（{zh}）"),
            format!("the image file is incomplete or damaged ({en})"),
        )
    }
}

/// A parsed header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Header {
    Jpeg(jpeg::Frame),
    Png(png::Ihdr),
}

impl Header {
    pub fn format(&self) -> PhotoFormat {
        match self {
            Header::Jpeg(_) => PhotoFormat::Jpeg,
            Header::Png(_) => PhotoFormat::Png,
        }
    }

    pub fn dimensions(&self) -> (u32, u32) {
        match self {
            Header::Jpeg(f) => (f.width, f.height),
            Header::Png(h) => (h.width, h.height),
        }
    }

    /// The fewest bytes a file with this header can have (see the formats' `min_bytes`).
    pub fn min_bytes(&self) -> u64 {
        match self {
            Header::Jpeg(f) => f.min_bytes(),
            Header::Png(h) => h.min_bytes(),
        }
    }
}

/// The generic refusal for a file that does not parse or decode.
pub(crate) fn corrupt(field: &str) -> Error {
    Error::invalid(
        field,
        "图片文件已损坏或不完整",
        "the image file is damaged or incomplete",
    )
}

/// Read and check the header: present, a non-zero size, a coding the decoder supports.
pub(crate) fn header(bytes: &[u8], format: PhotoFormat, field: &str) -> Result<Header> {
    let header = match format {
        PhotoFormat::Jpeg => Header::Jpeg(jpeg::frame(bytes).ok_or_else(|| corrupt(field))?),
        PhotoFormat::Png => Header::Png(png::ihdr(bytes).ok_or_else(|| corrupt(field))?),
    };
    let (w, h) = header.dimensions();
    if w == 0 || h == 0 {
        return Err(corrupt(field));
    }
    if let Header::Jpeg(f) = &header {
        if !f.supported() {
            return Err(Error::invalid(
                field,
                "不支持的 JPEG 编码（只接受基线和渐进式 JPEG）",
                "unsupported JPEG coding (only baseline and progressive JPEGs are accepted)",
            ));
        }
    }
    Ok(header)
}

/// Refuse a file smaller than the least its header's pixels can be stored in. Reads nothing but
/// the header, so it runs before any decoder allocates.
pub(crate) fn check_size(bytes: &[u8], header: &Header, field: &str) -> Result<()> {
    let min = header.min_bytes();
    let len = bytes.len() as u64;
    if len >= min {
        return Ok(());
    }
    let (w, h) = header.dimensions();
    Err(Error::invalid(
        field,
        format!(
            "图片文件不完整或已损坏（文件头声称 {w}×{h} 像素，至少需要 {min} 字节，文件只有 {len} 字节）"
        ),
        format!(
            "the image file is incomplete or damaged (its header claims {w}×{h} pixels, which need at least {min} bytes, but the file has {len})"
        ),
    ))
}

/// Refuse a file whose structure is not whole (see `jpeg::check_complete`,
/// `png::check_complete`).
pub(crate) fn check_complete(bytes: &[u8], header: &Header, field: &str) -> Result<()> {
    match header {
        Header::Jpeg(f) => jpeg::check_complete(bytes, f),
        Header::Png(_) => png::check_complete(bytes),
    }
    .map_err(|d| d.error(field, header.format()))
}

/// Size bound, completeness, then the decode itself, with limits matching the header (so a
/// header that lies cannot make the decoder allocate more than it promised), and the decoded
/// size must equal the header's.
pub(crate) fn decode(bytes: &[u8], header: &Header, field: &str) -> Result<DynamicImage> {
    check_size(bytes, header, field)?;
    check_complete(bytes, header, field)?;
    let (w, h) = header.dimensions();
    let mut reader = image::ImageReader::new(Cursor::new(bytes));
    reader.set_format(match header.format() {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
    });
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    // Up to 16-bit RGBA plus decoder scratch.
    limits.max_alloc = Some(u64::from(w) * u64::from(h) * 8 + (64 << 20));
    reader.limits(limits);
    let img = reader.decode().map_err(|_| corrupt(field))?;
    if (img.width(), img.height()) != (w, h) {
        return Err(corrupt(field));
    }
    Ok(img)
}
