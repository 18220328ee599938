//! The work order that carries a completed inspection's report.
//!
//! An inspection (`checklist::run`) is an append-only event about a lane; the customer's
//! confirmation, the signed report and the "signed, now immutable" state belong to a work order
//! like every other service. So a completed inspection gets one work order of kind
//! `inspection`, opened and walked to `resolved` in one transaction when its report is first
//! wanted, and linked by `inspection_work_order`. Asking again returns the same work order.

use rusqlite::OptionalExtension;

use crate::checklist::state;
use crate::domain::work_order::{WorkOrderKind, WorkOrderState};
use crate::store::Store;
use crate::work_orders::{self, NewWorkOrder, WorkOrderSummary};
use crate::{Error, Result};

/// The work order of a completed inspection, opening it on first use.
pub fn work_order_for(store: &mut Store, inspection_id: &str) -> Result<WorkOrderSummary> {
    let header = state::header(store.conn(), inspection_id)?;
    if let Some(wo) = linked(store.conn(), &header.id)? {
        return work_orders::summary_in(store.conn(), &wo);
    }
    if !header.is_completed() {
        return Err(Error::refused(
            "inspection_not_completed",
            format!("巡检 {} 尚未完成，完成后才能出具巡检报告", header.id),
            format!(
                "inspection {} is not completed; its report comes after completion",
                header.id
            ),
        ));
    }
    store.write(|tx| {
        if let Some(wo) = linked(tx.conn(), &header.id)? {
            return work_orders::summary_in(tx.conn(), &wo);
        }
        let wo = work_orders::open(
            tx,
            &NewWorkOrder {
                kind: WorkOrderKind::Inspection,
                lane_id: header.lane_id.clone(),
                device_id: None,
                level: None,
                title: format!("{} {} {}", header.name, header.site_name, header.lane_name),
            },
        )?;
        let note = format!("巡检 {}", header.id);
        let steps = [
            WorkOrderState::Assigned,
            WorkOrderState::Responded,
            WorkOrderState::OnSite,
            WorkOrderState::Resolved,
        ];
        for to in steps {
            let assignee = (to == WorkOrderState::Assigned).then_some(header.engineer_id.as_str());
            work_orders::advance(tx, &wo.id, to, Some(&note), assignee)?;
        }
        // One work order per inspection: the link's id is the inspection's, so two laptops
        // that both open one are listed as a conflict instead of both silently kept.
        let id = crate::store::derived_id("inspection_work_order", &header.id);
        tx.insert(
            "inspection_work_order",
            &id,
            &[("inspection_id", &header.id), ("work_order_id", &wo.id)],
        )?;
        work_orders::summary_in(tx.conn(), &wo.id)
    })
}

/// The inspection's work order, if one was opened.
pub fn linked(conn: &rusqlite::Connection, inspection_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT work_order_id FROM inspection_work_order WHERE inspection_id = ?1 AND deleted = 0",
            [inspection_id],
            |r| r.get(0),
        )
        .optional()?)
}
