//! Today, work orders, fault reports and the service record (客户服务记录表). The screens get
//! the core's view models: next steps, editability, missing fields and SLA standing decided
//! there, at the store's clock, with times in China Standard Time.

use super::{Cmd, St};
use weibao::domain::work_order::{FaultReportInput, ServiceRecordInput};
use weibao::sla::pause::PauseInput;
use weibao::views::today::{self, TodayView};
use weibao::views::work_order::{self as view, ServiceSave, WorkOrderRow, WorkOrderView};
use weibao::work_orders::{self, WorkOrderSummary};

#[tauri::command]
pub fn today(state: St) -> Cmd<TodayView> {
    state.with(|s| today::today(s))
}

#[tauri::command]
pub fn work_orders(
    state: St,
    lane_id: Option<String>,
    device_id: Option<String>,
    open_only: Option<bool>,
) -> Cmd<Vec<WorkOrderRow>> {
    state.with(|s| view::list(s, lane_id, device_id, open_only.unwrap_or(true)))
}

#[tauri::command]
pub fn work_order_detail(state: St, id: String) -> Cmd<WorkOrderView> {
    state.with(|s| view::view(s, &id))
}

/// One step along the work order's state machine (the core refuses any other step).
#[tauri::command]
pub fn advance_work_order(
    state: St,
    id: String,
    to: String,
    note: Option<String>,
) -> Cmd<WorkOrderView> {
    state.with(|s| view::advance(s, &id, &to, note.as_deref()))
}

/// Resolve by phone or remote session (`method`: phone | remote), with what was done.
#[tauri::command]
pub fn resolve_remotely(
    state: St,
    id: String,
    method: String,
    detail: String,
) -> Cmd<WorkOrderView> {
    state.with(|s| {
        s.write(|tx| weibao::resolution::resolve_remotely(tx, &id, &method, &detail))?;
        view::view(s, &id)
    })
}

/// The service record as typed: stored once its required fields are filled, else named.
#[tauri::command]
pub fn record_service(state: St, id: String, input: ServiceRecordInput) -> Cmd<ServiceSave> {
    state.with(|s| view::save_service(s, &id, &input))
}

#[tauri::command]
pub fn report_fault(state: St, input: FaultReportInput) -> Cmd<WorkOrderSummary> {
    state.with(|s| s.write(|tx| work_orders::report_fault(tx, &input)))
}

/// Work orders whose fault or service notes mention `text`, with device, lane and excerpt.
#[tauri::command]
pub fn search_notes(state: St, text: String) -> Cmd<Vec<weibao::views::note_search::NoteHit>> {
    state.with(|s| weibao::views::note_search::search(s, &text, 100))
}

/// How a fault may be reported (报障方式): code with both labels, for the fault form.
#[tauri::command]
pub fn fault_channels() -> Vec<(String, String, String)> {
    weibao::fault_register::Channel::ALL
        .iter()
        .map(|c| (c.code().into(), c.label_zh().into(), c.label_en().into()))
        .collect()
}

/// Write the fault's handling result (故障处理结果); returns the work order as it now reads.
#[tauri::command]
pub fn set_fault_result(state: St, id: String, text: String) -> Cmd<WorkOrderView> {
    state.with(|s| {
        s.write(|tx| weibao::fault_register::set_result(tx, &id, &text))?;
        view::view(s, &id)
    })
}

/// The fault levels for a lane with the contract's definitions (应用系统瘫痪…) and limits.
#[tauri::command]
pub fn fault_levels(state: St, lane_id: String) -> Cmd<Vec<weibao::contracts::LevelChoice>> {
    state.with(|s| weibao::contracts::fault_levels(s, &lane_id))
}

/// The billing panel of a work order: the quote (who pays, line by line) and the consent.
#[tauri::command]
pub fn billing_view(state: St, work_order_id: String) -> Cmd<weibao::billing::BillingView> {
    state.with(|s| weibao::billing::view(s, &work_order_id))
}

/// Record the cause, labour, travel or survey fee (fields left out keep their value).
#[tauri::command]
pub fn billing_set(
    state: St,
    work_order_id: String,
    input: weibao::billing::BillingInput,
) -> Cmd<weibao::billing::BillingView> {
    state.with(|s| weibao::billing::set(s, &work_order_id, &input))
}

/// The customer agrees to the current quote (and, if asked, to a refurbished part in writing).
#[tauri::command]
pub fn billing_consent(
    state: St,
    work_order_id: String,
    signer: String,
    refurbished_ok: Option<bool>,
) -> Cmd<weibao::billing::BillingView> {
    state.with(|s| {
        weibao::billing::consent(s, &work_order_id, &signer, refurbished_ok.unwrap_or(false))
    })
}

/// A customer's statistics for a quarter (`2026Q4`; the current one when absent).
#[tauri::command]
pub fn stats_view(
    state: St,
    customer: String,
    quarter: Option<String>,
) -> Cmd<(String, weibao::stats::Stats)> {
    state.with(|s| {
        let q = quarter.unwrap_or_else(|| weibao::stats::current_quarter(s));
        let scope = weibao::stats::Scope::quarter(&customer, None, &q)?;
        Ok((q, weibao::stats::stats(s, &scope)?))
    })
}

/// The quarter's files for the customer (statistics, fault register, common faults), as a
/// workbook in the `exports` folder beside the database; returns its path.
#[tauri::command]
pub fn stats_export(
    state: St,
    customer: String,
    quarter: String,
) -> Cmd<weibao::stats::ExportSummary> {
    let dir = exports_dir(&state);
    state.with(|s| {
        let scope = weibao::stats::Scope::quarter(&customer, None, &quarter)?;
        weibao::stats::export_into(s, &scope, &dir)
    })
}

/// `exports/` beside the database: where the files made for the customer go.
pub(crate) fn exports_dir(state: &St) -> std::path::PathBuf {
    state
        .db_path()
        .parent()
        .map(|p| p.join("exports"))
        .unwrap_or_else(|| std::path::PathBuf::from("exports"))
}

/// Record an excuse that pauses the work order's SLA clocks (台风, 道路封闭, 客户不在场 …); the
/// core refuses it on a signed work order. Returns the work order with its clocks recomputed.
#[tauri::command]
pub fn pause_sla(state: St, input: PauseInput) -> Cmd<WorkOrderView> {
    state.with(|s| view::pause(s, &input))
}

/// Record that a pause's excuse ended (now, or at `at`, China time).
#[tauri::command]
pub fn end_sla_pause(state: St, pause_id: String, at: Option<String>) -> Cmd<WorkOrderView> {
    state.with(|s| view::end_pause(s, &pause_id, at.as_deref()))
}
