//! A fault resolved without a visit (远程解决): by phone or a remote session, recorded as such
//! with what was done. The seeds offer both ("电话技术支持", "远程调试") before anyone drives
//! out, and the customer still confirms the service as after a visit.
//!
//! Only a responded work order may be resolved remotely: someone has taken it up, nobody is on
//! site yet. It moves `responded → resolved` in one step (the only transition that skips a
//! state), and the record of how says why there is no arrival. A work order with no resolution
//! record was resolved on site.

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::domain::values::{code_enum, required_text, MAX_NOTE_CHARS};
use crate::domain::work_order::WorkOrderState;
use crate::store::{derived_id, Tx};
use crate::work_orders::{self, WorkOrderSummary};
use crate::{Error, Result};

code_enum!(
    /// How a fault was resolved without a visit.
    RemoteMethod, "resolution.method" {
        Phone = "phone", "电话指导解决", "resolved by phone";
        RemoteSession = "remote", "远程调试解决", "resolved by remote session";
    }
);

/// How a work order was resolved remotely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    pub method: RemoteMethod,
    pub method_label_zh: &'static str,
    pub method_label_en: &'static str,
    pub detail: String,
}

/// Resolve `work_order_id` by phone or remote session, recording what was done.
pub fn resolve_remotely(
    tx: &Tx,
    work_order_id: &str,
    method: &str,
    detail: &str,
) -> Result<WorkOrderSummary> {
    let method = RemoteMethod::parse(method.trim())?;
    // Room for the method's label, which prefixes it in the work order's history.
    let detail = required_text("resolution.detail", detail, MAX_NOTE_CHARS - 16)?;
    let wo = work_orders::ensure_editable(tx.conn(), work_order_id)?;
    if wo.state != WorkOrderState::Responded {
        return Err(Error::refused(
            "not_remotely_resolvable",
            format!(
                "只有「已响应」的工单可以远程解决（当前：{}）",
                wo.state.label_zh()
            ),
            format!(
                "only a responded work order can be resolved remotely (it is {})",
                wo.state.label_en()
            ),
        ));
    }
    tx.insert(
        "work_order_resolution",
        &derived_id("work_order_resolution", &wo.id),
        &[
            ("work_order_id", &wo.id),
            ("method", &method.code()),
            ("detail", &detail),
        ],
    )?;
    let note = format!("{}：{detail}", method.label_zh());
    work_orders::add_event(
        tx,
        &wo.id,
        Some(wo.state),
        WorkOrderState::Resolved,
        Some(&note),
    )?;
    if let Some(dev) = &wo.device_id {
        work_orders::device_resolved(tx, dev, Some(&note), &wo.id)?;
    }
    work_orders::summary_in(tx.conn(), &wo.id)
}

/// How `work_order_id` was resolved remotely, if it was.
pub fn of(conn: &rusqlite::Connection, work_order_id: &str) -> Result<Option<Resolution>> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT method, detail FROM work_order_resolution
             WHERE work_order_id = ?1 AND deleted = 0",
        )?
        .query_row([work_order_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(m, detail)| {
        RemoteMethod::parse(&m).ok().map(|method| Resolution {
            method,
            method_label_zh: method.label_zh(),
            method_label_en: method.label_en(),
            detail,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::fixture::world;

    #[test]
    fn a_fault_fixed_by_phone_is_resolved_without_a_visit_and_says_how() {
        let mut w = world();
        let wo = w.work_order.clone();
        // Not before someone has responded.
        let e = w
            .store
            .write(|tx| resolve_remotely(tx, &wo, "phone", "指导重启"))
            .unwrap_err();
        assert_eq!(e.kind(), "not_remotely_resolvable");
        for to in [WorkOrderState::Assigned, WorkOrderState::Responded] {
            w.store
                .write(|tx| work_orders::advance(tx, &wo, to, None, None))
                .unwrap();
        }
        for (method, detail, field) in [
            ("fax", "x", "resolution.method"),
            ("phone", "  ", "resolution.detail"),
        ] {
            let e = w
                .store
                .write(|tx| resolve_remotely(tx, &wo, method, detail))
                .unwrap_err();
            assert_eq!(e.field(), Some(field));
        }
        let done = w
            .store
            .write(|tx| resolve_remotely(tx, &wo, "phone", "电话指导客户重启读卡器，恢复正常"))
            .unwrap();
        assert_eq!(done.state, WorkOrderState::Resolved);
        let r = of(w.store.conn(), &wo).unwrap().expect("recorded");
        assert_eq!(r.method, RemoteMethod::Phone);
        // No arrival was recorded; the device is back to normal with a history line saying how.
        let d = work_orders::detail(&w.store, &wo).unwrap();
        assert!(d.transitions.iter().all(|t| t.to != "on_site"));
        let dev = crate::devices::device(&w.store, "XA01-L01-BG01").unwrap();
        let history = crate::devices::history(&w.store, &dev.id).unwrap();
        assert!(history.iter().any(|h| h.summary.contains("电话指导解决")));
        // Once resolved, not again.
        let e = w
            .store
            .write(|tx| resolve_remotely(tx, &wo, "remote", "再次"))
            .unwrap_err();
        assert_eq!(e.kind(), "not_remotely_resolvable");
    }
}
