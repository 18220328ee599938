//! The customer's quarterly statistics (季度故障统计): what the contract promises to send each
//! quarter, computed from the records of one customer (optionally one site) over a period.
//!
//! Everything is counted from what happened, in China time: a fault belongs to the period its
//! report falls in; the time to respond, to arrive and to repair come from the work order's
//! state changes (the evidence every SLA rests on); an inspection is due when a contract's
//! window closes in the period and done when the schedule credits one to it. The common faults
//! and remedies table (常见故障现象与处理表) grows from resolved repairs: the same phenomenon
//! on the same kind of device, with the causes found and the remedies applied.

mod export;
mod query;

pub use export::{export, ExportFormat, ExportSummary};

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::values::check_date_range;
use crate::store::Store;
use crate::{Error, Result};

/// An id with the name people know it by.
pub(crate) type Named = (String, String);

/// What to count: one customer (id or name), optionally one site, over `from..=to`.
#[derive(Debug, Clone)]
pub struct Scope {
    pub customer: String,
    pub site: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Scope {
    /// A quarter as people write it: `2026Q3`, `2026-Q3`, `2026 Q3`.
    pub fn quarter(customer: &str, site: Option<&str>, text: &str) -> Result<Scope> {
        let bad = || {
            Error::invalid(
                "stats.quarter",
                format!("季度「{text}」格式不对，应如 2026Q3"),
                format!("quarter '{text}' is not like 2026Q3"),
            )
        };
        let t = text.trim().to_ascii_uppercase().replace([' ', '-'], "");
        let (y, q) = t.split_once('Q').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let q: u32 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) {
            return Err(bad());
        }
        let from = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).ok_or_else(bad)?;
        let to = from
            .checked_add_months(chrono::Months::new(3))
            .and_then(|d| d.pred_opt())
            .ok_or_else(bad)?;
        Scope::new(customer, site, from, to)
    }

    /// The file name the customer's workbook for this scope goes under:
    /// `西安海关-2026-10-01-2026-12-31.xlsx` (the name made safe for any file system).
    pub fn file_name(&self, customer_name: &str) -> String {
        format!(
            "{}-{}-{}.xlsx",
            crate::files::safe_name(customer_name),
            self.from,
            self.to
        )
    }

    /// The customer (id or exact name) and the site (id or name, of that customer) this scope
    /// names, each as (id, name); one lookup for the statistics and the status report.
    pub(crate) fn resolve(&self, conn: &rusqlite::Connection) -> Result<(Named, Option<Named>)> {
        use rusqlite::OptionalExtension;
        let c = self.customer.trim();
        let customer: Named = conn
            .query_row(
                "SELECT id, name FROM customer WHERE (id = ?1 OR name = ?1) AND deleted = 0",
                [c],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| Error::not_found("customer", c))?;
        let site = match self.site.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                conn.query_row(
                    "SELECT id, name FROM site WHERE (id = ?1 OR name = ?1) AND customer_id = ?2
                       AND deleted = 0",
                    [s, customer.0.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| Error::not_found("site", s))?,
            ),
        };
        Ok((customer, site))
    }

    pub fn new(
        customer: &str,
        site: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Scope> {
        check_date_range("stats.from", from)?;
        check_date_range("stats.to", to)?;
        if to < from {
            return Err(Error::invalid(
                "stats.to",
                format!("结束日期 {to} 早于开始日期 {from}"),
                format!("the period ends ({to}) before it starts ({from})"),
            ));
        }
        Ok(Scope {
            customer: customer.to_string(),
            site: site.map(str::to_string),
            from,
            to,
        })
    }
}

/// A count under a label (device type, level, cause…), with the label in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub count: i64,
}

/// Hits of one SLA clock over the period's faults: kept / judged. A clock is judged once it is
/// met or overdue; one still running (on time, at risk, paused) is not judged yet. Computed by
/// [`crate::sla::clocks`], the same rule the work order and the report show, so a customer's
/// figure never disagrees with the badge on a work order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockHits {
    /// `response`, `on_site`, `repair`, `part`, `spare_unit`.
    pub clock: String,
    pub label_zh: String,
    pub label_en: String,
    pub kept: i64,
    pub judged: i64,
}

/// A device with more than one fault in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recurring {
    pub device_code: String,
    pub device_type_zh: String,
    pub faults: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartCount {
    pub code: String,
    pub name: String,
    pub qty: i64,
}

/// The quarter's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub customer: String,
    pub site: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub inspections_due: i64,
    pub inspections_done: i64,
    pub faults: i64,
    pub by_device_type: Vec<Count>,
    pub by_level: Vec<Count>,
    pub by_cause: Vec<Count>,
    /// Mean minutes from the report to the first response, to arrival, and from arrival to
    /// resolution, over the work orders where both ends happened.
    pub mean_respond_minutes: Option<i64>,
    pub mean_arrive_minutes: Option<i64>,
    pub mean_repair_minutes: Option<i64>,
    /// Every clock any of the period's faults has, in the order of [`crate::sla::ClockKind`].
    pub sla_hits: Vec<ClockHits>,
    pub recurring: Vec<Recurring>,
    pub parts: Vec<PartCount>,
}

impl Stats {
    /// The hits of one clock, if any fault of the period has it.
    pub fn hits(&self, clock: crate::sla::ClockKind) -> Option<&ClockHits> {
        self.sla_hits.iter().find(|h| h.clock == clock.code())
    }
}

/// One row of the common faults and remedies table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommonFault {
    /// The device type's code (`barrier_gate`), or `none` for faults on no device.
    pub device_type: String,
    pub device_type_zh: String,
    pub phenomenon: String,
    pub causes: Vec<String>,
    pub remedies: Vec<String>,
    pub count: i64,
    /// Who confirmed the wording and when, if the technical lead did
    /// ([`crate::common_faults`]).
    pub confirmed_by: Option<String>,
}

/// The quarter the store's clock is in, as [`Scope::quarter`] reads it (`2026Q4`): what a
/// statistics screen opens on.
pub fn current_quarter(store: &Store) -> String {
    use chrono::Datelike;
    let today = crate::checklist::schedule::local_day(store.now());
    format!("{}Q{}", today.year(), (today.month() - 1) / 3 + 1)
}

/// Write the customer's workbook for `scope` into the folder `dir` (made if missing), named
/// by [`Scope::file_name`] after the customer's name, not the id a screen sends.
pub fn export_into(store: &Store, scope: &Scope, dir: &std::path::Path) -> Result<ExportSummary> {
    let name = query::customer_name(store.conn(), scope)?;
    crate::files::create_dir("out", dir)?;
    export(store, scope, &dir.join(scope.file_name(&name)), None)
}

/// The statistics of `scope`.
pub fn stats(store: &Store, scope: &Scope) -> Result<Stats> {
    query::stats(store, scope)
}

/// The common faults and remedies of `scope`'s customer, most frequent first: resolved repairs
/// grouped by device type and phenomenon, in the technical lead's wording where confirmed.
pub fn common_faults(store: &Store, scope: &Scope) -> Result<Vec<CommonFault>> {
    crate::common_faults::apply(store.conn(), query::common_faults(store, scope)?)
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
