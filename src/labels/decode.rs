//! Reading a QR or 1-D barcode from a photo or a scan.
//!
//! The bytes go through `media::decode_photo` first, the door every evidence photo goes
//! through: format by magic bytes, header read before any pixel buffer (a 100 MP header is
//! refused for nothing), 50 MP at most, complete files only. So a truncated JPEG, garbage
//! bytes or a decompression bomb is refused with the field named, never decoded half-way.
//!
//! A 12 MP phone photo is then shrunk to grey at [`DECODE_LONG_SIDE`] px before the barcode
//! search: a label filling a fifth of the frame still has modules of several pixels there, and
//! ZXing's search time grows with the pixel count. Only if nothing is found is the photo tried
//! again at twice that size (a small label far away), then the original if it is not larger
//! still. rxing is a large port of Java code; it is called behind `catch_unwind`, so a bug in
//! it on an odd picture is an error naming the field, not a crashed app.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use fast_image_resize as fir;
use image::GrayImage;
use rxing::{BarcodeFormat, DecodeHints, RXingResult};
use serde::Serialize;

use crate::media::decode_photo;
use crate::{Error, Result};

/// The long side a photo is shrunk to before the barcode search.
pub const DECODE_LONG_SIDE: u32 = 1600;

/// One code read from an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decoded {
    /// The text the code holds.
    pub text: String,
    /// The symbology as ZXing names it (`QR_CODE`, `CODE_128`, `EAN_13`, …).
    pub format: String,
}

/// The QR and 1-D formats a label may carry (the ones rxing is built with here).
fn formats() -> HashSet<BarcodeFormat> {
    HashSet::from([
        BarcodeFormat::QR_CODE,
        BarcodeFormat::CODE_128,
        BarcodeFormat::CODE_39,
        BarcodeFormat::CODE_93,
        BarcodeFormat::EAN_13,
        BarcodeFormat::EAN_8,
        BarcodeFormat::UPC_A,
        BarcodeFormat::UPC_E,
        BarcodeFormat::ITF,
        BarcodeFormat::CODABAR,
    ])
}

fn hints() -> DecodeHints {
    DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(formats()),
        ..DecodeHints::default()
    }
}

fn nothing_found(field: &str) -> Error {
    Error::invalid(
        field,
        "照片中没有找到二维码或条形码：请让标签占满画面、对准焦点、避开反光后重拍",
        "no QR code or barcode found in the photo: retake it with the label filling the frame, in focus and without glare",
    )
}

/// Read the one code in a photo (JPEG or PNG bytes). `field` names the input in errors.
pub fn read_label(bytes: &[u8], field: &str) -> Result<Decoded> {
    let grey = decode_photo(bytes, field)?.into_luma8();
    for side in sizes(&grey) {
        let img = shrink(&grey, side, field)?;
        if let Some(found) = detect_one(&img, field)? {
            return Ok(found);
        }
    }
    Err(nothing_found(field))
}

/// Every distinct code in an image (a scanned label sheet, a report page), in reading order
/// of rxing's search. Empty is an error like [`read_label`]'s.
pub fn read_labels(bytes: &[u8], field: &str) -> Result<Vec<Decoded>> {
    let grey = decode_photo(bytes, field)?.into_luma8();
    for side in sizes(&grey) {
        let img = shrink(&grey, side, field)?;
        let found = guarded(field, || {
            rxing::helpers::detect_multiple_in_luma_with_hints(
                img.as_raw().clone(),
                img.width(),
                img.height(),
                &mut hints(),
            )
        })?;
        let mut out: Vec<Decoded> = Vec::new();
        for r in found.unwrap_or_default() {
            let d = decoded(&r);
            if !out.contains(&d) {
                out.push(d);
            }
        }
        if !out.is_empty() {
            return Ok(out);
        }
    }
    Err(nothing_found(field))
}

/// The long sides to try, smallest first: [`DECODE_LONG_SIDE`], twice that, the original.
fn sizes(img: &GrayImage) -> Vec<u32> {
    let long = img.width().max(img.height());
    let mut out = Vec::new();
    for side in [DECODE_LONG_SIDE, DECODE_LONG_SIDE.saturating_mul(2), long] {
        let side = side.min(long);
        if !out.contains(&side) {
            out.push(side);
        }
    }
    out
}

fn decoded(r: &RXingResult) -> Decoded {
    Decoded {
        text: r.getText().to_string(),
        format: r.getBarcodeFormat().to_string(),
    }
}

fn detect_one(img: &GrayImage, field: &str) -> Result<Option<Decoded>> {
    let r = guarded(field, || {
        rxing::helpers::detect_in_luma_slice_with_hints(
            img.as_raw(),
            img.width(),
            img.height(),
            None,
            &mut hints(),
        )
    })?;
    Ok(r.ok().map(|r| decoded(&r)))
}

/// Run rxing, turning a panic inside it into an error on the field.
fn guarded<T>(field: &str, f: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        Error::invalid(
            field,
            "无法识别照片中的条码（解码器出错），请重拍",
            "the code in the photo could not be read (the decoder failed); retake the photo",
        )
    })
}

/// A grey copy whose long side is at most `long_side` (never enlarged).
fn shrink(img: &GrayImage, long_side: u32, field: &str) -> Result<GrayImage> {
    let (w, h) = img.dimensions();
    let long = w.max(h);
    if long <= long_side {
        return Ok(img.clone());
    }
    let scale = f64::from(long_side) / f64::from(long);
    let nw = ((f64::from(w) * scale).round() as u32).max(1);
    let nh = ((f64::from(h) * scale).round() as u32).max(1);
    let failed = |_: String| {
        Error::invalid(
            field,
            "照片无法缩小处理",
            "the photo could not be scaled down",
        )
    };
    let src = fir::images::Image::from_vec_u8(w, h, img.as_raw().clone(), fir::PixelType::U8)
        .map_err(|e| failed(e.to_string()))?;
    let mut dst = fir::images::Image::new(nw, nh, fir::PixelType::U8);
    // Bilinear keeps module edges sharp enough and is the cheapest filter that does not alias.
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Bilinear));
    fir::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| failed(e.to_string()))?;
    GrayImage::from_raw(nw, nh, dst.into_vec()).ok_or_else(|| failed(String::new()))
}
