//! Photos and signatures: import, EXIF, report-size copies (issue 5), and the refusal of
//! damaged, incomplete or implausible evidence (issue 10).
//!
//! Pure functions over bytes: the caller reads the file, stores the original as a blob and keeps
//! what these return; nothing here touches the store or the file system.

mod evidence;
#[cfg(test)]
mod evidence_tests;
mod exif;
mod jpeg;
pub mod photo;
mod png;
pub mod signature;

pub use photo::{
    decode_photo, header_dimensions, import_photo, PhotoFormat, ProcessedPhoto, MAX_PHOTO_BYTES,
    MAX_PIXELS, REPORT_LONG_SIDE,
};
pub use signature::{
    import_signature_png, SignatureImage, MAX_SIGNATURE_BYTES, MAX_SIGNATURE_SIDE, MIN_INK_PIXELS,
    MIN_INK_SPAN, MIN_SIGNATURE_CANVAS,
};
