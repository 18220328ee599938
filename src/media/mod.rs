//! Photos and signatures: import, EXIF, report-size copies (issue 5).
//!
//! Pure functions over bytes: the caller reads the file, stores the original as a blob and keeps
//! what these return; nothing here touches the store or the file system.

pub mod photo;

pub use photo::{
    import_photo, import_signature_png, PhotoFormat, ProcessedPhoto, SignatureImage,
    MAX_PHOTO_BYTES, MAX_PIXELS, REPORT_LONG_SIDE,
};
