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

/// The service record as typed: stored once its required fields are filled, else named.
#[tauri::command]
pub fn record_service(state: St, id: String, input: ServiceRecordInput) -> Cmd<ServiceSave> {
    state.with(|s| view::save_service(s, &id, &input))
}

#[tauri::command]
pub fn report_fault(state: St, input: FaultReportInput) -> Cmd<WorkOrderSummary> {
    state.with(|s| s.write(|tx| work_orders::report_fault(tx, &input)))
}

/// The fault levels for a lane with the contract's definitions (应用系统瘫痪…) and limits.
#[tauri::command]
pub fn fault_levels(state: St, lane_id: String) -> Cmd<Vec<weibao::contracts::LevelChoice>> {
    state.with(|s| weibao::contracts::fault_levels(s, &lane_id))
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
