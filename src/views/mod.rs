//! What each screen shows, decided here once for every face.
//!
//! The desktop UI, the CLI and the office pages must agree on which buttons a work order
//! offers, whether it can still be edited, which service-record fields are missing, whether an
//! SLA deadline is met or breached, and in which time zone a time is read. Those are rules, so
//! they live in the core: each view model here carries the decision already made (judged at
//! the store's clock, times in China Standard Time), and a shell only shows it.

pub mod archive;
pub mod board;
pub mod english;
pub mod inspection;
pub mod note_search;
pub mod report;
pub mod reports;
pub mod sla;
pub mod stock;
pub mod sync;
pub mod time;
pub mod today;
pub mod vocabulary;
pub mod work_order;

#[cfg(test)]
pub(crate) mod fixture;
