//! The signed report as the report screen shows it: what is stored, when it was signed (China
//! Standard Time), where the engineer finds the PDF, and whether its signature still holds.

use super::time;
use crate::report::finalise::{self, StoredReport};
use crate::report::sign::{verify_pdf, Verification};
use crate::store::Store;
use crate::{Error, Result};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: StoredReport,
    pub signed_at_text: String,
    /// A copy of the signed PDF named by its report number (the blob itself has no extension).
    pub path: String,
    pub verification: Verification,
}

/// The report filed for a work order.
pub fn stored(store: &Store, work_order_id: &str) -> Result<StoredReport> {
    finalise::report_for(store.conn(), work_order_id)?
        .ok_or_else(|| Error::not_found("report", work_order_id))
}

/// `reports/<number>.pdf` beside the database: what the engineer opens, prints or mails.
fn exported(store: &Store, r: &StoredReport, pdf: &[u8]) -> Result<PathBuf> {
    let dir = store.path().with_file_name("reports");
    let path = dir.join(format!("{}.pdf", r.number));
    if std::fs::read(&path).ok().as_deref() != Some(pdf) {
        crate::files::write_file("reports", &path, pdf)?;
    }
    Ok(path)
}

/// The report screen of a work order's signed report (its PDF exported beside the database).
pub fn view(store: &Store, work_order_id: &str) -> Result<ReportView> {
    let report = stored(store, work_order_id)?;
    let pdf = finalise::pdf_of(store, &report)?;
    let path = exported(store, &report, &pdf)?.display().to_string();
    Ok(ReportView {
        verification: verify_pdf(&pdf)?,
        signed_at_text: time::china_text(&report.signed_at),
        path,
        report,
    })
}
