//! The engineer's "Today" list: what is on their plate now. Owned by the desktop-app issue (6).
//!
//! Open work orders assigned to the current engineer come first (most urgent level, then
//! oldest), then open ones nobody has taken yet; then inspections this engineer started and has
//! not completed, and lanes whose quarterly inspection is due or overdue under a contract in
//! force (the schedule is the checklist module's; this only picks the open slots).

use crate::checklist::schedule::{self, SlotStatus};
use crate::checklist::state::Header;
use crate::domain::work_order::WorkOrderState;
use crate::store::Store;
use crate::work_orders::{self, WorkOrderFilter, WorkOrderSummary};
use crate::Result;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct DueInspection {
    pub lane_id: String,
    pub lane_code: String,
    pub lane_name: String,
    pub site_name: String,
    pub contract_number: String,
    pub due: NaiveDate,
    pub status: SlotStatus,
    pub status_label: &'static str,
    /// Earlier due dates of this contract whose window closed with nothing done: history to
    /// mention, no longer work that today's inspection can do.
    pub missed: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Today {
    /// Open work orders assigned to the current engineer.
    pub mine: Vec<WorkOrderSummary>,
    /// Reported work orders not yet assigned to anyone.
    pub unassigned: Vec<WorkOrderSummary>,
    /// Inspections the current engineer started and has not completed.
    pub in_progress: Vec<Header>,
    /// Lanes with a quarterly inspection due or overdue, overdue first, then by due date.
    pub due: Vec<DueInspection>,
}

pub fn today(store: &Store) -> Result<Today> {
    let me = store.current_engineer().to_string();
    let mine = work_orders::list(
        store,
        &WorkOrderFilter {
            assignee_id: Some(me.clone()),
            open_only: true,
            ..Default::default()
        },
    )?;
    let unassigned = work_orders::list(
        store,
        &WorkOrderFilter {
            state: Some(WorkOrderState::Reported),
            open_only: true,
            ..Default::default()
        },
    )?;
    let in_progress = crate::checklist::run::list(store, None)?
        .into_iter()
        .filter(|h| h.completed_at.is_none() && h.engineer_id == me)
        .collect();
    let mut due: Vec<DueInspection> = schedule::schedule(store, None)?
        .into_iter()
        .filter_map(|l| {
            let slot = l.next_open()?.clone();
            let missed = l.missed();
            Some(DueInspection {
                missed,
                lane_id: l.lane_id,
                lane_code: l.lane_code,
                lane_name: l.lane_name,
                site_name: l.site_name,
                contract_number: l.contract_number,
                due: slot.due,
                status: slot.status,
                status_label: slot.status.label_zh(),
            })
        })
        .collect();
    due.sort_by_key(|d| (d.status != SlotStatus::Overdue, d.due));
    Ok(Today {
        mine,
        unassigned,
        in_progress,
        due,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn demo_engineer_has_work_and_due_inspections() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s =
            Store::open(&dir.path().join("t.db"), Arc::new(crate::SystemClock)).expect("open");
        crate::demo::load(&mut s, None, &mut |_, _| {}).expect("demo");
        let t = today(&s).expect("today");
        assert!(
            !t.mine.is_empty(),
            "the demo assigns work orders to its engineer"
        );
        assert!(t
            .mine
            .iter()
            .all(|w| w.assignee_id.as_deref() == Some(s.current_engineer())));
        assert!(t
            .unassigned
            .iter()
            .all(|w| w.state == WorkOrderState::Reported));
        assert!(t.in_progress.is_empty());
        assert!(
            !t.due.is_empty(),
            "demo contracts make quarterly inspections due"
        );
        let overdue_first = t
            .due
            .iter()
            .skip_while(|d| d.status == SlotStatus::Overdue)
            .all(|d| d.status != SlotStatus::Overdue);
        assert!(overdue_first, "overdue lanes come first");
    }
}
