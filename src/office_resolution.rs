//! A fault resolved from the office without a visit (客服中心电话/远程解决). The seeds' order is
//! "record the call, try the phone or a remote session first, dispatch only what that cannot
//! fix": the person at the office who took the call guides the customer, and when that fixes
//! it the work order is finished there and then, with nobody driving out.
//!
//! In one transaction the work order is taken by the service centre ([`crate::service_centre`],
//! the office's own signer, so it leaves any engineer's list), responded to, resolved remotely
//! with what was done ([`crate::resolution`]), given its service record, and confirmed by the
//! customer on the phone ([`crate::report::signature::confirm_by_phone`]). Then the report is
//! finalised and signed in the service centre's name, which moves the work order to "customer
//! signed" like any report; review and 回访 follow as for a visit.
//!
//! The two steps are separate transactions because signing renders a PDF: if the office stops
//! between them, the work order stands resolved and confirmed with no report, and the same
//! request again only finalises it. Nothing is half-written in either step.

use serde::Deserialize;

use crate::domain::values::{required_text, Phone, MAX_NAME_CHARS};
use crate::domain::work_order::{ServiceRecordInput, WorkOrderKind, WorkOrderState};
use crate::report::{signature, ReportAssets, StoredReport};
use crate::resolution::RemoteMethod;
use crate::store::Store;
use crate::work_orders;
use crate::{Error, Lang, Result};

/// What the office records when a call fixed the fault.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OfficeResolutionInput {
    /// `phone` (guided on the phone) or `remote` (a remote session).
    pub method: String,
    /// What the customer described and what was checked (到场状态 of the service record: the
    /// state found, here over the phone).
    pub found_state: String,
    /// What was done (处理过程).
    pub process: String,
    #[serde(default)]
    pub analysis: Option<String>,
    /// Who confirmed for the customer, and on which number.
    pub confirmer: String,
    pub confirmer_phone: String,
}

/// Resolve `work_order_id` from the office as `input` says, and sign its report in the service
/// centre's name. The person recording it is the store's current author (at the office: the
/// member of staff logged in).
pub fn resolve(
    store: &mut Store,
    assets: &ReportAssets,
    work_order_id: &str,
    input: &OfficeResolutionInput,
    lang: Lang,
) -> Result<StoredReport> {
    let method = RemoteMethod::parse(input.method.trim())?;
    let record = ServiceRecordInput {
        found_state: input.found_state.clone(),
        process: input.process.clone(),
        analysis: input.analysis.clone(),
        ..Default::default()
    };
    record.validate()?;
    let confirmer = required_text(
        "phone_confirmation.confirmer",
        &input.confirmer,
        MAX_NAME_CHARS,
    )?;
    let phone = Phone::parse("phone_confirmation.phone", &input.confirmer_phone)?;
    let centre = crate::service_centre::ensure(store)?;
    if !already_confirmed(store.conn(), work_order_id)? {
        store.write(|tx| {
            let wo = work_orders::ensure_editable(tx.conn(), work_order_id)?;
            if wo.kind == WorkOrderKind::Inspection {
                return Err(Error::refused(
                    "inspection_on_site",
                    "巡检工单须到现场完成，不能电话解决",
                    "an inspection is done at the lane; it cannot be resolved on the phone",
                ));
            }
            if !possible(wo.state, wo.kind) {
                return Err(Error::refused(
                    "not_resolvable_at_office",
                    format!(
                        "工单当前为「{}」：工程师已到场或工作已完成，不能再由客服中心电话解决",
                        wo.state.label_zh()
                    ),
                    format!(
                        "the work order is {}: an engineer is on site or the work is done, \
                         so the office can no longer resolve it on the phone",
                        wo.state.label_en()
                    ),
                ));
            }
            // Taken by the service centre: a reported fault is assigned to it, one already
            // with an engineer changes hands (and leaves their list).
            let now = crate::dispatch::dispatch(tx, &wo.id, &centre, None)?;
            if now.state == WorkOrderState::Assigned {
                work_orders::advance(
                    tx,
                    &wo.id,
                    WorkOrderState::Responded,
                    Some("客户服务中心电话响应"),
                    None,
                )?;
            }
            crate::resolution::resolve_remotely(tx, &wo.id, method.code(), &record.process)?;
            work_orders::record_service(tx, &wo.id, &record)?;
            signature::confirm_by_phone_in(tx, &wo.id, &confirmer, phone.as_str())?;
            Ok(())
        })?;
    }
    store.with_author(&centre, |s| {
        crate::report::finalise(s, assets, work_order_id, lang)
    })
}

/// Whether the office may resolve a work order in `state` of `kind` on the phone: someone has
/// to have been on site for anything later, and an inspection is done at the lane.
pub fn possible(state: WorkOrderState, kind: WorkOrderKind) -> bool {
    kind != WorkOrderKind::Inspection
        && matches!(
            state,
            WorkOrderState::Reported | WorkOrderState::Assigned | WorkOrderState::Responded
        )
}

/// Whether an earlier request got as far as the phone confirmation (and stopped before the
/// report): then only the report is left to make.
fn already_confirmed(conn: &rusqlite::Connection, work_order_id: &str) -> Result<bool> {
    let wo = work_orders::summary_in(conn, work_order_id)?;
    Ok(wo.state == WorkOrderState::Resolved
        && crate::resolution::of(conn, &wo.id)?.is_some()
        && matches!(
            signature::current(conn, &wo.id)?,
            Some(signature::Confirmation::ByPhone { .. })
        ))
}

#[cfg(test)]
#[path = "office_resolution_tests.rs"]
mod tests;
