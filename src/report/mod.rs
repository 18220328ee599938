//! Service reports: PDF rendering and digital signatures (issue 5).
//!
//! `render` draws a [`render::ReportDoc`] and `sign` signs finished PDF bytes; the modules
//! below tie them to the store: photos and the customer's signature are captured into it,
//! [`build`] reads a report's content from it, [`finalise`] renders, signs and files the PDF
//! and freezes the work order, [`verify`] checks a file against its signature and the record.
mod bill;
pub mod build;
pub(crate) mod common;
pub mod finalise;
pub mod inspection;
pub mod keys;
pub mod number;
pub mod photos;
pub mod render;
pub mod sign;
pub mod signature;
pub mod sla;
pub mod verify;

pub use common::{local_time, resources_dir};

/// A report PDF offered to `verify` larger than this is refused before it is read: a signed
/// report with 40 photos is ~10 MB, so 200 MB is far past any real one.
pub const MAX_REPORT_PDF_BYTES: u64 = 200 << 20;
pub use finalise::{addendum, finalise, preview, ReportAssets, StoredReport};
