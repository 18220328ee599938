//! The engineer's "Today" list: what is on their plate now. Owned by the desktop-app issue (6).
//!
//! Open work orders assigned to the current engineer come first (most urgent level, then
//! oldest), then open ones nobody has taken yet; then inspections this engineer started and has
//! not completed, and lanes whose quarterly inspection is due or overdue under a contract in
//! force, or whose baseline inspection is due because their contract started (the schedules
//! are the checklist module's; this only picks the open slots and names the template each
//! one starts).

use crate::checklist::catalog;
use crate::checklist::schedule::{self, SlotStatus};
use crate::checklist::state::Header;
use crate::checklist::InspectionKind;
use crate::domain::work_order::WorkOrderState;
use crate::store::Store;
use crate::work_orders::{self, WorkOrderFilter, WorkOrderSummary};
use crate::Result;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct DueInspection {
    /// Which inspection is due: `quarterly` (定期巡检) or `baseline` (续保基线巡检).
    pub kind: InspectionKind,
    /// The template in use for that kind, which starting the row begins.
    pub template: String,
    pub template_name_zh: String,
    pub template_name_en: Option<String>,
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
    /// Lanes with a quarterly inspection due or overdue, or a baseline due, overdue first,
    /// then by due date (a lane can be listed once per kind).
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
    let lib = catalog::in_use(store.conn())?;
    let template = |kind: InspectionKind| {
        lib.of_kind(kind)
            .map(|t| (t.id.clone(), t.name_zh.clone(), t.name_en.clone()))
            .unwrap_or_else(|_| (String::new(), kind.label_zh().to_string(), None))
    };
    let mut due: Vec<DueInspection> = Vec::new();
    let (code, name_zh, name_en) = template(InspectionKind::Quarterly);
    for l in schedule::schedule(store, None)? {
        let Some(slot) = l.next_open().cloned() else {
            continue;
        };
        due.push(DueInspection {
            kind: InspectionKind::Quarterly,
            template: code.clone(),
            template_name_zh: name_zh.clone(),
            template_name_en: name_en.clone(),
            missed: l.missed(),
            lane_id: l.lane_id,
            lane_code: l.lane_code,
            lane_name: l.lane_name,
            site_name: l.site_name,
            contract_number: l.contract_number,
            due: slot.due,
            status: slot.status,
            status_label: slot.status.label_zh(),
        });
    }
    let (code, name_zh, name_en) = template(InspectionKind::Baseline);
    for b in crate::checklist::baseline::due(store)? {
        due.push(DueInspection {
            kind: InspectionKind::Baseline,
            template: code.clone(),
            template_name_zh: name_zh.clone(),
            template_name_en: name_en.clone(),
            missed: vec![],
            lane_id: b.lane_id,
            lane_code: b.lane_code,
            lane_name: b.lane_name,
            site_name: b.site_name,
            contract_number: b.contract_number,
            due: b.slot.due,
            status: b.slot.status,
            status_label: b.slot.status.label_zh(),
        });
    }
    due.sort_by_key(|d| (d.status != SlotStatus::Overdue, d.due, d.kind.as_str()));
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
