//! Service reports: PDF rendering and digital signatures (issue 5).
//!
//! `render` draws a [`render::ReportDoc`] and `sign` signs finished PDF bytes; the modules
//! below tie them to the store: photos and the customer's signature are captured into it,
//! [`build`] reads a report's content from it, [`finalise`] renders, signs and files the PDF
//! and freezes the work order, [`verify`] checks a file against its signature and the record.
pub mod build;
mod common;
pub mod finalise;
pub mod inspection;
pub mod keys;
pub mod number;
pub mod photos;
pub mod render;
pub mod sign;
pub mod signature;
pub mod verify;

pub use common::{local_time, resources_dir};
pub use finalise::{addendum, finalise, preview, ReportAssets, StoredReport};
