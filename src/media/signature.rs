//! The customer's handwritten signature, as the signature pad hands it over: a PNG with a
//! transparent background and the strokes in ink.

use sha2::{Digest, Sha256};

use super::evidence;
use super::photo::PhotoFormat;
use crate::{Error, Result};

pub const MAX_SIGNATURE_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_SIGNATURE_SIDE: u32 = 4096;

/// A validated signature-pad image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureImage {
    /// SHA-256 (hex) of the PNG bytes: the blob's content address.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
}

/// Validate the signature pad's output: a whole PNG with an alpha channel, of sane size, with at
/// least one visible pixel (an empty pad is not a signature).
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
    let img = evidence::decode(bytes, &header, field)?;
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
        sha256: hex::encode(Sha256::digest(bytes)),
        width: w,
        height: h,
    })
}
