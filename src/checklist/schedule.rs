//! When each lane is due for its periodic inspection (定期巡检), from the contract.
//!
//! The contract says how many inspections a year (the seed: "每季度最低1次…一年总计4次") and
//! may ask for a denser schedule early on (every N days for the first M months). Due dates are
//! computed from those terms, never typed in:
//!
//! - Early phase: `start + k·every_days` for every date up to `start + first_months`.
//! - Regular: `start + k·(12 / per_year)` months (or `k·⌊365 / per_year⌋` days when 12 is not a
//!   multiple of `per_year`), only after the early phase ended. Each date is computed from the
//!   start, not from the previous date, so month ends never drift (Jan 31 → Apr 30 → Jul 31).
//! - The last period may be short: if the next date falls after the contract's end, the end
//!   date itself is the last due date — a one-year contract gets all four quarters.
//!
//! Each due date closes a window that opened at the previous due date (the first at the
//! contract start). A completed quarterly inspection counts for the earliest window still
//! unsatisfied that had opened by the day it was done — so an inspection done late catches up
//! the missed quarter (shown as late) rather than silently covering the next one.

use chrono::{Duration, FixedOffset, Months, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::contract::Contract;
use crate::error::Result;
use crate::store::Store;

/// Where one due date stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotStatus {
    /// Done within its window.
    Done,
    /// Done, but after the due date.
    DoneLate,
    /// The window is open today and nothing is done yet.
    Due,
    /// The due date has passed with nothing done.
    Overdue,
    /// The window has not opened yet.
    Upcoming,
}

impl SlotStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            SlotStatus::Done => "已完成",
            SlotStatus::DoneLate => "逾期完成",
            SlotStatus::Due => "待巡检",
            SlotStatus::Overdue => "已逾期",
            SlotStatus::Upcoming => "未到期",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            SlotStatus::Done => "done",
            SlotStatus::DoneLate => "done late",
            SlotStatus::Due => "due",
            SlotStatus::Overdue => "overdue",
            SlotStatus::Upcoming => "upcoming",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slot {
    /// The window opens on this day (the previous due date, or the contract start).
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub status: SlotStatus,
    pub done_on: Option<NaiveDate>,
}

/// The due dates of a contract, in order.
pub fn due_dates(c: &Contract) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let start = c.start_date;
    let end = c.end_date;
    let mut regular_after = start;
    if let Some(early) = &c.early {
        let early_end = start
            .checked_add_months(Months::new(early.first_months))
            .unwrap_or(end)
            .min(end);
        let step = i64::from(early.every_days.max(1));
        let mut k = 1;
        while let Some(d) = start.checked_add_signed(Duration::days(step * k)) {
            if d > early_end {
                break;
            }
            out.push(d);
            k += 1;
        }
        regular_after = early_end;
    }
    let n = c.inspections_per_year.max(1);
    let nth = |k: u32| -> Option<NaiveDate> {
        if 12 % n == 0 {
            start.checked_add_months(Months::new(k * (12 / n)))
        } else {
            start.checked_add_signed(Duration::days(i64::from(k) * (365 / i64::from(n))))
        }
    };
    let mut k = 1;
    while let Some(d) = nth(k) {
        if d > end {
            if out.last().is_none_or(|last| *last < end) {
                out.push(end);
            }
            break;
        }
        if d > regular_after {
            out.push(d);
        }
        k += 1;
    }
    out
}

/// Judges each due date of a contract against the days quarterly inspections were completed
/// (in any order) as of `today`.
pub fn slots(c: &Contract, completed: &[NaiveDate], today: NaiveDate) -> Vec<Slot> {
    let dues = due_dates(c);
    let mut done: Vec<NaiveDate> = completed
        .iter()
        .copied()
        .filter(|d| *d >= c.start_date)
        .collect();
    done.sort();
    let mut slots: Vec<Slot> = dues
        .iter()
        .enumerate()
        .map(|(i, due)| Slot {
            opens: if i == 0 { c.start_date } else { dues[i - 1] },
            due: *due,
            status: SlotStatus::Upcoming,
            done_on: None,
        })
        .collect();
    for d in done {
        // The earliest unsatisfied window that had opened by `d`. A window's first day is the
        // previous due date, which belongs to the previous window while that one is unsatisfied.
        if let Some(s) = slots
            .iter_mut()
            .find(|s| s.done_on.is_none() && s.opens <= d)
        {
            s.done_on = Some(d);
        }
    }
    for s in &mut slots {
        s.status = match s.done_on {
            Some(d) if d <= s.due => SlotStatus::Done,
            Some(_) => SlotStatus::DoneLate,
            None if s.due < today => SlotStatus::Overdue,
            None if s.opens <= today => SlotStatus::Due,
            None => SlotStatus::Upcoming,
        };
    }
    slots
}

/// The calendar day of an instant at the lanes (China Standard Time): what "due on" means to
/// the engineer and the customer.
pub fn local_day(at: chrono::DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(8 * 3600) {
        Some(tz) => at.with_timezone(&tz).date_naive(),
        None => at.date_naive(),
    }
}

/// One lane's schedule under one contract.
#[derive(Debug, Clone, Serialize)]
pub struct LaneSchedule {
    pub contract_id: String,
    pub contract_number: String,
    pub site_id: String,
    pub site_name: String,
    pub lane_id: String,
    pub lane_code: String,
    pub lane_name: String,
    pub slots: Vec<Slot>,
}

impl LaneSchedule {
    /// The first due date still open (due or overdue), if any.
    pub fn next_open(&self) -> Option<&Slot> {
        self.slots
            .iter()
            .find(|s| matches!(s.status, SlotStatus::Overdue | SlotStatus::Due))
    }
}

/// The schedule of every lane at every site a contract covers, as of the store clock's today:
/// of one contract (id or number), or else of every contract in force today.
pub fn schedule(store: &Store, contract: Option<&str>) -> Result<Vec<LaneSchedule>> {
    let today = local_day(store.now());
    let contracts = match contract {
        Some(c) => vec![crate::contracts::contract(store, c)?],
        None => crate::contracts::contracts(store)?
            .into_iter()
            .filter(|c| c.start_date <= today && today <= c.end_date)
            .collect(),
    };
    let conn = store.conn();
    let mut lanes_st = conn.prepare(
        "SELECT l.id, l.code, l.name, s.name FROM lane l JOIN site s ON s.id = l.site_id
         WHERE l.site_id = ?1 AND l.deleted = 0 ORDER BY l.code",
    )?;
    let mut done_st = conn.prepare(
        "SELECT completed_at FROM inspection
         WHERE lane_id = ?1 AND kind = 'quarterly' AND completed_at IS NOT NULL AND deleted = 0",
    )?;
    let mut out = Vec::new();
    for c in &contracts {
        for site in &c.site_ids {
            let lanes: Vec<(String, String, String, String)> = lanes_st
                .query_map([site], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (lane_id, lane_code, lane_name, site_name) in lanes {
                let completed: Vec<NaiveDate> = done_st
                    .query_map([&lane_id], |r| r.get::<_, String>(0))?
                    .filter_map(|r| r.ok())
                    .filter_map(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
                    .map(|t| local_day(t.with_timezone(&Utc)))
                    .filter(|d| *d <= c.end_date)
                    .collect();
                out.push(LaneSchedule {
                    contract_id: c.id.clone(),
                    contract_number: c.number.clone(),
                    site_id: site.clone(),
                    site_name,
                    lane_id,
                    lane_code,
                    lane_name,
                    slots: slots(c, &completed, today),
                });
            }
        }
    }
    Ok(out)
}
