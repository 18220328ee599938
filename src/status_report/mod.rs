//! The quarterly device status report (设备运行状态报告 with 升级建议 / 改进方案): what the seed
//! contract promises each quarter (§7.2 "每季度提供设备运行状态报告和改进方案", service item 7
//! "提供设备运行状况报告和升级建议"), for one customer (optionally one site) and a period.
//!
//! Three steps, each in its own module:
//! - [`build`] (`gather`) reads every device of the customer in scope with its quarter —
//!   faults and their levels, repairs, parts replaced, inspections and their failed items —
//!   and a summary per site (devices, faults, availability); [`advice`] adds the upgrade
//!   advice by named rules, each with its reason in both languages.
//! - `print` words that model for paper in the report's language (`report::render::status`
//!   lays it out with the service report's renderer).
//! - [`make`] (`file`) renders, signs with the engineer's key exactly as a service report is
//!   signed, and files the PDF as a content-addressed blob with a synced `status_report` row,
//!   numbered `<prefix>-ZT<year>Q<q>-<seq>`. Slow work happens before the one write
//!   transaction, so a failure anywhere leaves no row, no blob and no number taken.
//!
//! The period and the customer come as a [`crate::stats::Scope`], the same one the quarterly
//! statistics take, so a quarter is read the same way everywhere (`2026Q4`).

pub mod advice;
mod file;
mod gather;
mod print;

use chrono::NaiveDate;
use serde::Serialize;

pub use advice::{Advice, Rule};
pub use file::{
    all, by_number, by_sha256, file_name, make, make_into, make_to, pdf_of, Deliver, Made,
    StoredStatusReport,
};
pub use gather::build;

/// One device's quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceStatus {
    pub id: String,
    /// 统一编号.
    pub code: String,
    /// The type's code (`barrier_gate`), and its labels.
    pub device_type: String,
    pub type_zh: String,
    pub type_en: String,
    pub model: String,
    pub manufacturer: String,
    pub lane_code: String,
    pub lane_name: String,
    pub installed: Option<NaiveDate>,
    pub warranty_end: Option<NaiveDate>,
    /// 运行状态 now (derived from the device's history), code and labels.
    pub status: String,
    pub status_zh: String,
    pub status_en: String,
    /// Fault repairs reported in the period, and how many at each level (1–4).
    pub faults: i64,
    pub levels: Vec<(u8, i64)>,
    /// Fault repairs resolved in the period.
    pub repairs: i64,
    /// Parts issued to this device's work orders in the period.
    pub parts: Vec<PartUsed>,
    /// Completed inspections of the device's lane in the period that covered it.
    pub inspections: i64,
    /// Failed items of the device's last inspection (up to the period's end).
    pub failed_items: Vec<FailedItem>,
    /// Minutes the device was down for faults within the period (report to resolution).
    pub downtime_minutes: i64,
    /// Fault repairs reported within the year up to the report's day (the billing count).
    pub faults_in_year: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartUsed {
    pub code: String,
    pub name: String,
    pub qty: i64,
}

/// An item the device failed at its last inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedItem {
    pub label_zh: String,
    pub label_en: String,
    /// No fault repair of the device was resolved after that inspection.
    pub open: bool,
}

/// One site's figures and devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteStatus {
    pub id: String,
    pub name: String,
    pub devices: Vec<DeviceStatus>,
    pub faults: i64,
    pub repairs: i64,
    /// Completed inspections of the site's lanes in the period.
    pub inspections: i64,
    pub downtime_minutes: i64,
    /// Device availability over the period in basis points (9,987 = 99.87 %): one minus the
    /// fault downtime over (devices × minutes of the period up to the report's day).
    pub availability_bp: i64,
}

/// The whole report, before it is worded for paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    pub customer_id: String,
    pub customer: String,
    pub contact: Option<String>,
    pub phone: Option<String>,
    /// The one site reported on, when not the whole customer: (id, name).
    pub site: Option<(String, String)>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day the figures stand at: the period's end, or today while the period runs.
    pub as_of: NaiveDate,
    /// `2026Q4` when the period is exactly a calendar quarter.
    pub quarter: Option<String>,
    /// Numbers of the customer's contracts in force during the period.
    pub contracts: Vec<String>,
    pub company: String,
    pub engineer_id: String,
    pub engineer: String,
    pub sites: Vec<SiteStatus>,
    /// Most pressing first (by [`Rule`], then site and device).
    pub advice: Vec<Advice>,
}

impl StatusReport {
    pub fn device_count(&self) -> usize {
        self.sites.iter().map(|s| s.devices.len()).sum()
    }
}

#[cfg(test)]
mod tests;
