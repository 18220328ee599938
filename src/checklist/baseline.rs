//! The baseline inspection at contract start (续保基线巡检, seed 000 §7.9): "续签维保后，进行
//! 一次全面的设备巡检，并要求企业参加现场勘察，以便界定原系统设备续保前的运行正常情况".
//!
//! **When it is due.** It is derived from the contract's start date, not recorded when the
//! contract is created: a renewal is often entered weeks before it starts, while the old
//! contract still runs (a baseline then would record the old period's faults as the new one's
//! starting point, or be done before the takeover it is meant to mark); a contract entered after
//! its start still needs one; and a contract that arrives from the office by sync needs no
//! stored "due" row to merge. So on every lane of the contract's sites the baseline is due from
//! the start date ([`SlotStatus::Due`]) until the contract's first periodic due date: past
//! that, a quarter of the service company's own work lies between takeover and survey, and the
//! survey can no longer tell what was broken before. It is then **missed** — history, not
//! today's work, like a missed quarter (see [`super::schedule`]). Before the start date it is
//! upcoming and not shown.
//!
//! **When it is done.** A completed inspection of kind `baseline` on the lane, completed on or
//! after the start date and up to the contract's end, does it: it is never due again under
//! that contract (a second one changes nothing). A later contract (the next renewal) starts a
//! new window and asks for a new baseline.
//!
//! **What it finds is pre-existing** ([`super::template::InspectionKind::findings_pre_existing`]):
//! completing it writes each failed item on its device's history as 既有问题, the report marks
//! the failed rows so, and the faults opened from it are left out of the period's fault
//! statistics ([`is_pre_existing_fault`]).

use chrono::{NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::schedule::{self, contracts_meant, local_day, Slot, SlotStatus, LANES_OF_SITE};
use super::template::InspectionKind;
use crate::domain::contract::Contract;
use crate::error::Result;
use crate::store::Store;

/// The baseline's window under a contract, judged against the days baseline inspections of
/// the lane were completed, as of `today`.
pub fn slot(c: &Contract, completed: &[NaiveDate], today: NaiveDate) -> Slot {
    let opens = c.start_date;
    let due = schedule::due_dates(c)
        .first()
        .copied()
        .unwrap_or(c.end_date);
    let done_on = completed
        .iter()
        .copied()
        .filter(|d| opens <= *d && *d <= c.end_date)
        .min();
    let status = match done_on {
        Some(d) if d <= due => SlotStatus::Done,
        Some(_) => SlotStatus::DoneLate,
        None if today < opens => SlotStatus::Upcoming,
        None if today > due => SlotStatus::Missed,
        None => SlotStatus::Due,
    };
    Slot {
        opens,
        due,
        status,
        done_on,
    }
}

/// One lane's baseline under one contract.
#[derive(Debug, Clone, Serialize)]
pub struct LaneBaseline {
    pub contract_id: String,
    pub contract_number: String,
    pub site_name: String,
    pub lane_id: String,
    pub lane_code: String,
    pub lane_name: String,
    pub slot: Slot,
}

/// The baseline of every lane of every contract in force today (the store clock's), or of one
/// contract (id or number).
pub fn baselines(store: &Store, contract: Option<&str>) -> Result<Vec<LaneBaseline>> {
    let today = local_day(store.now());
    let contracts = contracts_meant(store, contract, today)?;
    let conn = store.conn();
    let mut lanes_st = conn.prepare(LANES_OF_SITE)?;
    let mut out = Vec::new();
    for c in &contracts {
        for site in &c.site_ids {
            let lanes: Vec<(String, String, String, String)> = lanes_st
                .query_map([site], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (lane_id, lane_code, lane_name, site_name) in lanes {
                let done = completed(conn, &lane_id)?;
                out.push(LaneBaseline {
                    contract_id: c.id.clone(),
                    contract_number: c.number.clone(),
                    site_name,
                    slot: slot(c, &done, today),
                    lane_id,
                    lane_code,
                    lane_name,
                });
            }
        }
    }
    Ok(out)
}

/// The lanes whose baseline is due today: what Today lists beside the quarterly inspections.
pub fn due(store: &Store) -> Result<Vec<LaneBaseline>> {
    Ok(baselines(store, None)?
        .into_iter()
        .filter(|b| b.slot.status == SlotStatus::Due)
        .collect())
}

/// The China-time days the lane's baseline inspections were completed.
fn completed(conn: &Connection, lane_id: &str) -> Result<Vec<NaiveDate>> {
    let mut st = conn.prepare_cached(
        "SELECT completed_at FROM inspection
         WHERE lane_id = ?1 AND kind = ?2 AND completed_at IS NOT NULL AND deleted = 0",
    )?;
    let days = st
        .query_map([lane_id, InspectionKind::Baseline.as_str()], |r| {
            r.get::<_, String>(0)
        })?
        .filter_map(|r| r.ok())
        .filter_map(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| local_day(t.with_timezone(&Utc)))
        .collect();
    Ok(days)
}

/// SQL condition (over a work order aliased `w`) that holds for a fault opened from a
/// pre-existing finding: the statistics leave those out of the service company's faults.
pub const PRE_EXISTING_FAULT_SQL: &str = "EXISTS (SELECT 1 FROM inspection_fault f
    JOIN inspection i ON i.id = f.inspection_id
    WHERE f.work_order_id = w.id AND f.deleted = 0 AND i.kind = 'baseline')";

/// Whether a work order is a fault opened from a pre-existing finding (a baseline's).
pub fn is_pre_existing_fault(conn: &Connection, work_order_id: &str) -> Result<bool> {
    let sql = format!("SELECT {PRE_EXISTING_FAULT_SQL} FROM work_order w WHERE w.id = ?1");
    let found: Option<bool> = conn
        .query_row(&sql, [work_order_id], |r| r.get(0))
        .optional()?;
    Ok(found.unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::Contract;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    /// A one-year contract from 1 July, four inspections a year: first due 1 October.
    fn contract() -> Contract {
        use crate::domain::contract::{BillingTerms, ServiceCalendar};
        Contract {
            id: "c1".into(),
            number: "HT-2026-009".into(),
            customer_id: "cust".into(),
            name: "电子卡口系统续保合同".into(),
            start_date: d("2026-07-01"),
            end_date: d("2027-06-30"),
            fee: crate::domain::values::Fen(36_000_000),
            calendar: ServiceCalendar::FiveByEight,
            holidays: vec![],
            levels: Contract::standard_levels(),
            inspections_per_year: 4,
            early: None,
            billing: BillingTerms::default(),
            exclusions: vec![],
            site_ids: vec![],
            sla: crate::domain::sla::SlaTerms::seed(),
        }
    }

    #[test]
    fn the_baseline_is_due_from_the_start_until_the_first_quarter_closes() {
        let c = contract();
        use SlotStatus::*;
        assert_eq!(slot(&c, &[], d("2026-06-30")).status, Upcoming);
        assert_eq!(slot(&c, &[], d("2026-07-01")).status, Due);
        assert_eq!(slot(&c, &[], d("2026-10-01")).status, Due);
        assert_eq!(slot(&c, &[], d("2026-10-02")).status, Missed);
    }

    #[test]
    fn a_baseline_done_before_the_start_does_not_count() {
        let c = contract();
        let s = slot(&c, &[d("2026-06-20")], d("2026-07-02"));
        assert_eq!(s.status, SlotStatus::Due);
        let s = slot(&c, &[d("2026-06-20"), d("2026-07-02")], d("2026-07-02"));
        assert_eq!(s.status, SlotStatus::Done);
        assert_eq!(s.done_on, Some(d("2026-07-02")));
    }
}
