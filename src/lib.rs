//! weibao core: the domain of checkpoint-lane maintenance (维保) and its offline store.
//!
//! Everything with a rule lives here; the CLI (`src/bin/weibao`), the desktop shell
//! (`src-tauri/`) and the office server (`office/`) only translate arguments in and typed
//! results or [`Error`]s out.

pub mod billing;
pub mod calendar;
pub mod checklist;
pub mod clock;
pub mod common_faults;
pub mod complaints;
pub mod conflicts;
pub mod contract_terms;
pub mod contracts;
pub mod demo;
pub mod devices;
pub mod dispatch;
pub mod domain;
pub mod error;
pub mod fault_register;
pub mod fields;
pub mod files;
pub mod follow_up;
pub mod intake;
pub mod inventory;
pub mod labels;
pub mod media;
pub mod office_resolution;
pub mod org;
pub mod org_edit;
pub mod paper_archive;
pub mod profile;
pub mod report;
pub mod resolution;
pub mod review;
pub mod service_centre;
pub mod setup;
pub mod sla;
pub mod stats;
pub mod status_report;
pub mod stock;
pub mod store;
pub mod sync;
pub mod today;
pub mod views;
pub mod work_orders;

pub use clock::{Clock, FakeClock, SystemClock};
pub use error::{Error, Lang, Result};
pub use store::Store;

/// The version of this build, shown by every face.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
