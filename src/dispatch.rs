//! Dispatch (派工) from the office: give an open work order to an engineer, or to another one.
//!
//! A reported fault is assigned by the state machine's own step; one already assigned (even
//! responded or on site: the engineer fell ill, the van broke down) keeps its state and only its
//! engineer changes. That is one field, so the change merges like any other and its old value,
//! author and time stay in the field history; no step is added, so no SLA clock moves. Refused:
//! a work order already signed or closed, an unknown engineer, an engineer the office has not
//! assigned to the work order's site.

use crate::domain::work_order::WorkOrderState;
use crate::store::Tx;
use crate::work_orders::{self, WorkOrderSummary};
use crate::{Error, Result};
use rusqlite::OptionalExtension;

/// Assign or reassign `work_order` to `engineer` (an id). `allowed` are the engineers the
/// office assigned to the work order's site (`None`: every engineer).
pub fn dispatch(
    tx: &Tx,
    work_order: &str,
    engineer: &str,
    allowed: Option<&[String]>,
) -> Result<WorkOrderSummary> {
    let wo = work_orders::summary_in(tx.conn(), work_order)?;
    let name: Option<String> = tx
        .conn()
        .query_row(
            "SELECT name FROM engineer WHERE id = ?1 AND deleted = 0",
            [engineer],
            |r| r.get(0),
        )
        .optional()?;
    let Some(name) = name else {
        return Err(Error::not_found("engineer", engineer));
    };
    if allowed.is_some_and(|ids| !ids.iter().any(|i| i == engineer)) {
        return Err(Error::invalid(
            "dispatch.engineer",
            format!("{name} 未负责该工单所在站点，不能派给他/她"),
            format!("{name} is not assigned to this work order's site"),
        ));
    }
    match wo.state {
        WorkOrderState::Reported => work_orders::advance(
            tx,
            &wo.id,
            WorkOrderState::Assigned,
            Some(&format!("派工：{name}")),
            Some(engineer),
        ),
        s if !may_dispatch(s) => Err(Error::refused(
            "work_order_done",
            "工单已签字或已关闭，不能再派工",
            "the work order is signed or closed and cannot be dispatched",
        )),
        _ => {
            tx.update("work_order", &wo.id, &[("assignee_id", &engineer)])?;
            work_orders::summary_in(tx.conn(), &wo.id)
        }
    }
}

/// A work order in `state` may be dispatched or reassigned: until the customer signs.
pub fn may_dispatch(state: WorkOrderState) -> bool {
    !matches!(
        state,
        WorkOrderState::CustomerSigned | WorkOrderState::Closed
    )
}

/// The site a work order is at (through its lane): where the office looks up who may take it.
pub fn site_of(conn: &rusqlite::Connection, work_order: &str) -> Result<String> {
    conn.query_row(
        "SELECT l.site_id FROM work_order w JOIN lane l ON l.id = w.lane_id WHERE w.id = ?1",
        [work_order],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::not_found("work_order", work_order))
}
