//! The engineer's "Today" list: what is on their plate now. Owned by the desktop-app issue (6).
//!
//! Open work orders assigned to the current engineer come first (most urgent level, then
//! oldest), then open ones nobody has taken yet. Due and overdue inspections join this list
//! when the checklist schedule lands (issue 4).

use super::work_orders::{self, WorkOrderFilter, WorkOrderSummary};
use super::Store;
use crate::domain::work_order::WorkOrderState;
use crate::Result;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Today {
    /// Open work orders assigned to the current engineer.
    pub mine: Vec<WorkOrderSummary>,
    /// Reported work orders not yet assigned to anyone.
    pub unassigned: Vec<WorkOrderSummary>,
}

pub fn today(store: &Store) -> Result<Today> {
    let me = store.current_engineer().to_string();
    let mine = work_orders::list(
        store,
        &WorkOrderFilter {
            assignee_id: Some(me),
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
    Ok(Today { mine, unassigned })
}
