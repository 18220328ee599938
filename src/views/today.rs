//! The Today screen: the store's Today list with every work order judged against its SLA at
//! the store's clock, and every time in China Standard Time.

use super::inspection::{self, InspectionRow};
use super::work_order::{self, WorkOrderRow};
// The store's Today list, in one place (it moves to `crate::today`).
use crate::stock::{self, LowStock};
use crate::store::Store;
use crate::today::{self, DueInspection};
use crate::Result;
use serde::Serialize;

/// A lane whose quarterly inspection is due, with its status in both languages.
#[derive(Debug, Clone, Serialize)]
pub struct DueRow {
    #[serde(flatten)]
    pub due: DueInspection,
    pub status_label_en: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct TodayView {
    pub mine: Vec<WorkOrderRow>,
    pub unassigned: Vec<WorkOrderRow>,
    pub in_progress: Vec<InspectionRow>,
    pub due: Vec<DueRow>,
    /// Parts below their minimum in the engineer's own van: restock before the next call.
    pub low_stock: Vec<LowStock>,
}

pub fn today(store: &Store) -> Result<TodayView> {
    let t = today::today(store)?;
    Ok(TodayView {
        low_stock: stock::low_in_my_van(store)?,
        mine: work_order::rows(store, t.mine)?,
        unassigned: work_order::rows(store, t.unassigned)?,
        in_progress: t.in_progress.into_iter().map(inspection::row).collect(),
        due: t
            .due
            .into_iter()
            .map(|due| DueRow {
                status_label_en: due.status.label_en(),
                due,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::fixture::world;
    use crate::views::sla::SlaStatus;

    #[test]
    fn an_unassigned_fresh_fault_is_on_time_on_today() {
        let w = world();
        let t = today(&w.store).expect("today");
        let row = t
            .unassigned
            .iter()
            .find(|r| r.summary.id == w.work_order)
            .expect("the reported fault waits for assignment");
        let respond = row.respond.as_ref().expect("respond clock");
        assert_eq!(respond.status, SlaStatus::OnTime);
        assert_eq!(row.reported_at_text, "2026-06-01 10:00");
    }
}
