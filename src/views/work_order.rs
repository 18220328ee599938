//! A work order as the screen shows it: what may be done next, whether it can still be
//! changed, which service-record fields are missing, and how its SLA deadlines stand now.
//!
//! Each answer comes from the rule that enforces it, so the screen can never offer what the
//! store would refuse: the steps from [`WorkOrderState::next`], "editable" from
//! [`work_orders::ensure_editable`], the missing fields from [`ServiceRecordInput::missing`]
//! (the list [`ServiceRecordInput::validate`] reads), SLA from [`super::sla`].

use super::sla::{self, ClockKind, Note, PauseRow, SlaClock, SlaView};
use super::time;
use crate::domain::work_order::{ServiceRecord, ServiceRecordInput, WorkOrderState};
use crate::stock::PartUse;
// The store's work-order functions, in one place (they move to `crate::work_orders`).
use crate::store::Store;
use crate::work_orders::{self, FaultReportView, WorkOrderFilter, WorkOrderSummary};
use crate::{Error, Result};
use serde::Serialize;

/// A work order in a list (Today, a device's archive): its summary, when it was reported and
/// its two SLA clocks.
#[derive(Debug, Clone, Serialize)]
pub struct WorkOrderRow {
    #[serde(flatten)]
    pub summary: WorkOrderSummary,
    /// The title in English: the device type translated, what the customer reported as
    /// reported.
    pub title_en: String,
    pub reported_at_text: String,
    /// Respond-by deadline, if the contract sets one (also among `clocks`).
    pub respond: Option<SlaClock>,
    /// On-site-by deadline, if the contract sets one (also among `clocks`).
    pub on_site: Option<SlaClock>,
    /// Every SLA clock of the work order (response, on site, repair, part, spare unit), as
    /// [`crate::sla::clocks`] computed them at the store's clock.
    pub clocks: Vec<SlaClock>,
    /// What the clocks' reader must know: a year counted without holiday data, a calendar the
    /// files lack.
    pub sla_warnings: Vec<Note>,
}

/// One step the work order took, at China time.
#[derive(Debug, Clone, Serialize)]
pub struct TransitionRow {
    pub to: String,
    pub at_text: String,
    pub note: Option<String>,
}

/// The work-order screen.
#[derive(Debug, Clone, Serialize)]
pub struct WorkOrderView {
    #[serde(flatten)]
    pub row: WorkOrderRow,
    /// The steps the engineer may take with a plain tap (at most one: the state machine has no
    /// branches). `customer_signed` is never one: it is reached only by finalising the signed
    /// report. Nor is `closed`: closing follows the office's review of the signed report.
    pub next_steps: Vec<WorkOrderState>,
    /// The customer may now sign: the work is resolved and nothing the report needs is
    /// missing (`missing`). Show the signature pad only then; ask for `missing` first.
    pub can_sign: bool,
    /// The customer may refuse to sign now (the work is resolved): a refusal with its reason
    /// needs nothing else first.
    pub can_refuse: bool,
    /// The customer has signed: a signed report exists to show.
    pub has_report: bool,
    /// The service record, parts and swaps may still change (not yet signed).
    pub editable: bool,
    /// Fields that must be stored before the customer signs (`service.found_state`, …; none
    /// for an inspection's work order): stable keys.
    pub missing: Vec<&'static str>,
    /// The same, named for people (`{field, zh, en}`), in order.
    pub missing_labels: Vec<FieldName>,
    /// Who signs by default: the fault report's caller, else the site's (customer's) first
    /// contact; the engineer may change it.
    pub default_signer: Option<String>,
    /// The fault may be resolved by phone or remote session now (responded, nobody on site).
    pub can_resolve_remotely: bool,
    /// The office may still resolve it on the phone and sign its report in the service
    /// centre's name ([`crate::office_resolution`]): nobody on site yet, not an inspection.
    pub can_resolve_at_office: bool,
    /// How it was resolved when not on site.
    pub resolution: Option<crate::resolution::Resolution>,
    pub transitions: Vec<TransitionRow>,
    pub fault_report: Option<FaultReportView>,
    /// The fault report's phenomenon in English (see [`super::english::phenomenon_en`]).
    pub phenomenon_en: Option<String>,
    pub fault_time_text: Option<String>,
    /// The fault report's channel as a label pair, if recorded.
    pub channel_label: Option<(String, String)>,
    /// 故障处理结果 to offer while none is written: what the records already say.
    pub suggested_result: Option<String>,
    pub service_record: Option<ServiceRecord>,
    pub parts: Vec<PartUse>,
    /// The recorded excuses that paused its clocks (台风, 道路封闭, …), oldest first.
    pub pauses: Vec<PauseRow>,
    /// A pause may be recorded or ended now (the work order is not signed yet).
    pub can_pause: bool,
}

/// A field key with its labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldName {
    pub field: &'static str,
    pub zh: String,
    pub en: String,
}

fn named(fields: &[&'static str]) -> Vec<FieldName> {
    fields
        .iter()
        .map(|f| FieldName {
            field: f,
            zh: crate::fields::label(f, crate::Lang::Zh),
            en: crate::fields::label(f, crate::Lang::En),
        })
        .collect()
}

/// What saving a service record as typed did.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceSave {
    /// The stored record, or `None` while required fields are blank (nothing was written).
    pub saved: Option<ServiceRecord>,
    /// The required fields still blank.
    pub missing: Vec<&'static str>,
}

/// Whether `state` is `step` or past it.
fn reached(state: WorkOrderState, step: WorkOrderState) -> bool {
    let pos = |s| WorkOrderState::ALL.iter().position(|x| *x == s);
    pos(state) >= pos(step)
}

/// The plain steps offered from `state` (see [`WorkOrderView::next_steps`]).
pub fn next_steps(state: WorkOrderState) -> Vec<WorkOrderState> {
    state
        .next()
        .filter(|n| !matches!(n, WorkOrderState::CustomerSigned | WorkOrderState::Closed))
        .into_iter()
        .collect()
}

fn row_of(summary: WorkOrderSummary, phenomenon: Option<&str>, sla: &SlaView) -> WorkOrderRow {
    WorkOrderRow {
        title_en: super::english::work_order_title_en(
            &summary.title,
            summary.device_code.as_deref(),
            phenomenon,
        ),
        reported_at_text: time::china_text(&summary.reported_at),
        respond: sla.get(ClockKind::Response).cloned(),
        on_site: sla.get(ClockKind::OnSite).cloned(),
        clocks: sla.clocks.clone(),
        sla_warnings: sla.warnings.clone(),
        summary,
    }
}

/// Rows for a list of work orders, judged at the store's clock.
pub fn rows(store: &Store, summaries: Vec<WorkOrderSummary>) -> Result<Vec<WorkOrderRow>> {
    summaries
        .into_iter()
        .map(|s| {
            let d = work_orders::detail(store, &s.id)?;
            let phenomenon = d.fault_report.as_ref().map(|f| f.phenomenon.as_str());
            let sla = sla::of_work_order(store, &s.id)?;
            Ok(row_of(s, phenomenon, &sla))
        })
        .collect()
}

/// Work orders of a lane or device (open ones only unless `open_only` is false), as rows.
pub fn list(
    store: &Store,
    lane_id: Option<String>,
    device_id: Option<String>,
    open_only: bool,
) -> Result<Vec<WorkOrderRow>> {
    let filter = WorkOrderFilter {
        lane_id,
        device_id,
        open_only,
        ..Default::default()
    };
    rows(store, work_orders::list(store, &filter)?)
}

fn editable(store: &Store, id: &str) -> Result<bool> {
    match work_orders::ensure_editable(store.conn(), id) {
        Ok(_) => Ok(true),
        Err(Error::Immutable { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The work-order screen, judged at the store's clock.
pub fn view(store: &Store, id: &str) -> Result<WorkOrderView> {
    let d = work_orders::detail(store, id)?;
    let state = d.summary.state;
    let missing = crate::report::signature::missing_before_signing(store.conn(), &d.summary.id)?;
    let resolved = state.next() == Some(WorkOrderState::CustomerSigned);
    let default_signer = default_signer(store, &d)?;
    let sla = sla::of_work_order(store, &d.summary.id)?;
    let row = row_of(
        d.summary.clone(),
        d.fault_report.as_ref().map(|f| f.phenomenon.as_str()),
        &sla,
    );
    let editable = editable(store, &d.summary.id)?;
    Ok(WorkOrderView {
        next_steps: next_steps(state),
        can_sign: resolved && missing.is_empty(),
        can_refuse: resolved,
        has_report: reached(state, WorkOrderState::CustomerSigned),
        editable,
        can_pause: editable,
        pauses: sla.pauses,
        missing_labels: named(&missing),
        missing,
        default_signer,
        can_resolve_remotely: state == WorkOrderState::Responded
            && d.summary.kind != crate::domain::work_order::WorkOrderKind::Inspection,
        can_resolve_at_office: crate::office_resolution::possible(state, d.summary.kind),
        resolution: crate::resolution::of(store.conn(), &d.summary.id)?,
        transitions: d
            .transitions
            .iter()
            .map(|t| TransitionRow {
                to: t.to.clone(),
                at_text: time::china_text(&t.at),
                note: t.note.clone(),
            })
            .collect(),
        fault_time_text: d
            .fault_report
            .as_ref()
            .map(|f| time::china_text(&f.fault_time)),
        phenomenon_en: d
            .fault_report
            .as_ref()
            .map(|f| super::english::phenomenon_en(&f.phenomenon)),
        channel_label: d
            .fault_report
            .as_ref()
            .and_then(|f| f.channel.as_deref())
            .and_then(|c| crate::fault_register::Channel::parse(c).ok())
            .map(|c| (c.label_zh().to_string(), c.label_en().to_string())),
        suggested_result: match &d.fault_report {
            Some(f) if f.result.is_none() => {
                crate::fault_register::suggested_result(store.conn(), &d.summary.id)?
            }
            _ => None,
        },
        fault_report: d.fault_report,
        service_record: d.service_record,
        parts: d.parts,
        row,
    })
}

/// The signer to offer: the person who reported the fault, else the first contact of the
/// customer whose site the lane is at.
fn default_signer(store: &Store, d: &work_orders::WorkOrderDetail) -> Result<Option<String>> {
    if let Some(name) = d
        .fault_report
        .as_ref()
        .and_then(|f| f.contact_name.clone())
        .filter(|n| !n.trim().is_empty())
    {
        return Ok(Some(name));
    }
    use rusqlite::OptionalExtension;
    Ok(store
        .conn()
        .prepare_cached(
            "SELECT c.name FROM lane l JOIN site s ON s.id = l.site_id
             JOIN contact c ON c.customer_id = s.customer_id AND c.deleted = 0
             WHERE l.id = ?1 ORDER BY c.name LIMIT 1",
        )?
        .query_row([&d.summary.lane_id], |r| r.get(0))
        .optional()?)
}

/// Take one plain step (`to` as the screen sends it) and show the work order after it. The
/// store refuses anything the state machine does not allow.
pub fn advance(store: &mut Store, id: &str, to: &str, note: Option<&str>) -> Result<WorkOrderView> {
    let to = WorkOrderState::parse(to)?;
    store.write(|tx| work_orders::advance(tx, id, to, note, None))?;
    view(store, id)
}

/// Record an excuse that pauses the work order's clocks, and show the work order after it.
pub fn pause(store: &mut Store, input: &crate::sla::pause::PauseInput) -> Result<WorkOrderView> {
    let p = store.write(|tx| crate::sla::pause::record(tx, input))?;
    view(store, &p.work_order_id)
}

/// Record that a pause's excuse ended (`at`, default now), and show its work order.
pub fn end_pause(store: &mut Store, pause_id: &str, at: Option<&str>) -> Result<WorkOrderView> {
    let p = store.write(|tx| crate::sla::pause::end(tx, pause_id, at))?;
    view(store, &p.work_order_id)
}

/// Save the service record as typed: stored once no required field is blank, otherwise kept
/// as the screen's draft (nothing written) with the blank fields named.
pub fn save_service(
    store: &mut Store,
    id: &str,
    input: &ServiceRecordInput,
) -> Result<ServiceSave> {
    let missing = input.missing();
    if !missing.is_empty() {
        return Ok(ServiceSave {
            saved: None,
            missing,
        });
    }
    let saved = store.write(|tx| work_orders::record_service(tx, id, input))?;
    Ok(ServiceSave {
        saved: Some(saved),
        missing,
    })
}

#[cfg(test)]
#[path = "work_order_tests.rs"]
mod tests;
