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
//! contract start). The contract asks for at least one inspection *in each quarter*
//! ("每季度最低1次"), so a completed inspection counts for the window it falls in:
//! `opens < day ≤ due` (the first window also takes its opening day, the contract start); on
//! a due date it counts for the window that closes that day. An inspection done after the last
//! due date counts for that last window, late. A window whose due date passed with nothing in
//! it is **missed** and stays missed: a later inspection is that later quarter's work and
//! cannot make up for it (crediting it backwards left the current quarter open: done today,
//! yet still "due" and "overdue"). A missed window is history and statistics, not today's
//! work; only the last window can still be overdue, because nothing comes after it.
//! Two inspections in one window count once; the second is credited to nothing.

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
    /// Done after the last due date of the contract (counts for the last window, late).
    DoneLate,
    /// The window is open today and nothing is done yet.
    Due,
    /// The last due date has passed with nothing done: nothing comes after it, so it is
    /// still the work to do.
    Overdue,
    /// The due date passed with nothing done in its window and a later window has opened:
    /// history, not today's work.
    Missed,
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
            SlotStatus::Missed => "漏检",
            SlotStatus::Upcoming => "未到期",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            SlotStatus::Done => "done",
            SlotStatus::DoneLate => "done late",
            SlotStatus::Due => "due",
            SlotStatus::Overdue => "overdue",
            SlotStatus::Missed => "missed",
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
    slots_of(c.start_date, &due_dates(c), completed, today)
}

/// [`slots`] over explicit due dates (ascending, after `start`): the rule without the
/// contract's calendar arithmetic, so it can be tested over any calendar.
pub fn slots_of(
    start: NaiveDate,
    dues: &[NaiveDate],
    completed: &[NaiveDate],
    today: NaiveDate,
) -> Vec<Slot> {
    let mut done: Vec<NaiveDate> = completed.iter().copied().filter(|d| *d >= start).collect();
    done.sort();
    let mut slots: Vec<Slot> = dues
        .iter()
        .enumerate()
        .map(|(i, due)| Slot {
            opens: if i == 0 { start } else { dues[i - 1] },
            due: *due,
            status: SlotStatus::Upcoming,
            done_on: None,
        })
        .collect();
    for d in done {
        if let Some(i) = window_of(&slots, d) {
            if slots[i].done_on.is_none() {
                slots[i].done_on = Some(d);
            }
        }
    }
    let last = slots.len().saturating_sub(1);
    for (i, s) in slots.iter_mut().enumerate() {
        s.status = match s.done_on {
            Some(d) if d <= s.due => SlotStatus::Done,
            Some(_) => SlotStatus::DoneLate,
            None if s.due < today && i < last => SlotStatus::Missed,
            None if s.due < today => SlotStatus::Overdue,
            // Today falls in this window (on a due date, the one that closes that day).
            None if s.opens < today || (i == 0 && s.opens == today) => SlotStatus::Due,
            None => SlotStatus::Upcoming,
        };
    }
    slots
}

/// The window a day's inspection counts for: the one it falls in (`opens < day ≤ due`, the
/// first one from its opening day), or the last one after the last due date. `None` before
/// the contract start (callers drop those) or when there are no windows.
fn window_of(slots: &[Slot], day: NaiveDate) -> Option<usize> {
    let last = slots.len().checked_sub(1)?;
    if day > slots[last].due {
        return Some(last);
    }
    slots
        .iter()
        .enumerate()
        .position(|(i, s)| (s.opens < day || (i == 0 && s.opens == day)) && day <= s.due)
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
    /// The first due date still open (due or overdue), if any. Missed windows are not open:
    /// nothing done now can count for them.
    pub fn next_open(&self) -> Option<&Slot> {
        self.slots
            .iter()
            .find(|s| matches!(s.status, SlotStatus::Overdue | SlotStatus::Due))
    }

    /// The windows that closed with nothing done in them, earliest first.
    pub fn missed(&self) -> Vec<NaiveDate> {
        self.slots
            .iter()
            .filter(|s| s.status == SlotStatus::Missed)
            .map(|s| s.due)
            .collect()
    }
}

/// One contract (id or number), or else every contract in force on `today`: what a schedule
/// or the baselines are read for.
pub(crate) fn contracts_meant(
    store: &Store,
    contract: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<crate::domain::contract::Contract>> {
    Ok(match contract {
        Some(c) => vec![crate::contracts::contract(store, c)?],
        None => crate::contracts::contracts(store)?
            .into_iter()
            .filter(|c| c.start_date <= today && today <= c.end_date)
            .collect(),
    })
}

/// A site's lanes in code order, with the site's name: `id, code, name, site name`.
pub(crate) const LANES_OF_SITE: &str =
    "SELECT l.id, l.code, l.name, s.name FROM lane l JOIN site s ON s.id = l.site_id
     WHERE l.site_id = ?1 AND l.deleted = 0 ORDER BY l.code";

/// The schedule of every lane at every site a contract covers, as of the store clock's today:
/// of one contract (id or number), or else of every contract in force today.
pub fn schedule(store: &Store, contract: Option<&str>) -> Result<Vec<LaneSchedule>> {
    let today = local_day(store.now());
    let contracts = contracts_meant(store, contract, today)?;
    let conn = store.conn();
    let mut lanes_st = conn.prepare(LANES_OF_SITE)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    /// The seed contract's quarters, as in the issue: L01 due 2026-01-15, then every quarter.
    fn quarters() -> (NaiveDate, Vec<NaiveDate>) {
        let dues = ["2026-01-15", "2026-04-15", "2026-07-15", "2026-10-15"];
        (d("2025-10-15"), dues.iter().map(|s| d(s)).collect())
    }

    fn statuses(slots: &[Slot]) -> Vec<SlotStatus> {
        slots.iter().map(|s| s.status).collect()
    }

    #[test]
    fn an_inspection_done_today_clears_the_current_quarter() {
        let (start, dues) = quarters();
        let today = d("2026-02-03");
        let before = slots_of(start, &dues, &[], today);
        use SlotStatus::*;
        assert_eq!(statuses(&before), [Missed, Due, Upcoming, Upcoming]);
        let after = slots_of(start, &dues, &[today], today);
        assert_eq!(statuses(&after), [Missed, Done, Upcoming, Upcoming]);
        assert_eq!(after[1].done_on, Some(today));
    }

    #[test]
    fn a_missed_quarter_stays_missed() {
        let (start, dues) = quarters();
        let slots = slots_of(start, &dues, &[d("2026-01-16")], d("2026-05-01"));
        use SlotStatus::*;
        assert_eq!(statuses(&slots), [Missed, Done, Due, Upcoming]);
    }

    #[test]
    fn on_the_due_day_it_counts_for_the_window_that_closes() {
        let (start, dues) = quarters();
        let slots = slots_of(start, &dues, &[d("2026-04-15")], d("2026-04-20"));
        assert_eq!(slots[1].done_on, Some(d("2026-04-15")));
        assert_eq!(slots[2].done_on, None);
    }

    #[test]
    fn two_inspections_in_one_quarter_count_once() {
        let (start, dues) = quarters();
        let slots = slots_of(
            start,
            &dues,
            &[d("2026-03-01"), d("2026-02-01")],
            d("2026-05-01"),
        );
        assert_eq!(slots[1].done_on, Some(d("2026-02-01")));
        assert_eq!(slots[2].status, SlotStatus::Due);
    }

    #[test]
    fn after_the_last_due_date_it_counts_for_the_last_window_late() {
        let (start, dues) = quarters();
        let slots = slots_of(start, &dues, &[d("2026-10-20")], d("2026-10-25"));
        assert_eq!(slots[3].status, SlotStatus::DoneLate);
        let none = slots_of(start, &dues, &[], d("2026-10-25"));
        assert_eq!(none[3].status, SlotStatus::Overdue);
    }

    #[test]
    fn the_contract_start_day_counts_for_the_first_window() {
        let (start, dues) = quarters();
        let slots = slots_of(start, &dues, &[start], start);
        assert_eq!(slots[0].status, SlotStatus::Done);
    }

    /// A start, its due dates, the completion days and today.
    type Calendar = (NaiveDate, Vec<NaiveDate>, Vec<NaiveDate>, NaiveDate);

    /// A calendar: a start, 1–12 due dates each 1–120 days after the previous, completions on
    /// days from 30 days before the start to 60 after the last due date, and a today.
    fn calendar() -> impl Strategy<Value = Calendar> {
        (
            0i64..3000,
            prop::collection::vec(1i64..120, 1..12),
            prop::collection::vec(0i64..2000, 0..20),
            0i64..2000,
        )
            .prop_map(|(s, gaps, done, today)| {
                let start = d("2020-01-01") + Duration::days(s);
                let mut dues = Vec::new();
                let mut at = start;
                for g in gaps {
                    at += Duration::days(g);
                    dues.push(at);
                }
                let span = (at - start).num_days() + 90;
                let day = |x: i64| start - Duration::days(30) + Duration::days(x % span.max(1));
                let done = done.into_iter().map(day).collect();
                (start, dues, done, day(today))
            })
    }

    proptest! {
        #[test]
        fn every_completion_counts_for_at_most_one_window_that_had_opened(
            (start, dues, done, today) in calendar()
        ) {
            let slots = slots_of(start, &dues, &done, today);
            prop_assert_eq!(slots.len(), dues.len());
            let mut used = std::collections::HashSet::new();
            for s in &slots {
                if let Some(day) = s.done_on {
                    // Credited from a real completion, each completion day once.
                    prop_assert!(done.contains(&day));
                    prop_assert!(used.insert(day));
                    // Never to a window that had not opened on that day.
                    prop_assert!(s.opens <= day);
                    // Within its window, or late only for the last window.
                    let last = Some(s.due) == dues.last().copied();
                    prop_assert!(day <= s.due || last);
                }
            }
            // A window with a completion inside it is never missed or overdue.
            for s in &slots {
                let inside = done
                    .iter()
                    .any(|&x| x <= s.due && (s.opens < x || (s.opens == start && x == start)));
                if inside {
                    prop_assert!(s.status == SlotStatus::Done, "{:?}", s);
                }
            }
            // Only the last window can be overdue; at most one window is due today.
            let open = slots.iter().filter(|s| s.status == SlotStatus::Due).count();
            prop_assert!(open <= 1);
            for s in &slots[..slots.len() - 1] {
                prop_assert!(s.status != SlotStatus::Overdue);
            }
        }
    }
}
