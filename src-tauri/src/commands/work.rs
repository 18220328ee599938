//! Today, work orders, fault reports and the service record (客户服务记录表).

use super::{Cmd, St};
use weibao::domain::work_order::{
    FaultReportInput, ServiceRecord, ServiceRecordInput, WorkOrderState,
};
use weibao::today::{self, Today};
use weibao::work_orders::{self, WorkOrderDetail, WorkOrderFilter, WorkOrderSummary};

#[tauri::command]
pub fn today(state: St) -> Cmd<Today> {
    state.with(|s| today::today(s))
}

#[tauri::command]
pub fn work_orders(
    state: St,
    lane_id: Option<String>,
    device_id: Option<String>,
    open_only: Option<bool>,
) -> Cmd<Vec<WorkOrderSummary>> {
    let filter = WorkOrderFilter {
        lane_id,
        device_id,
        open_only: open_only.unwrap_or(true),
        ..Default::default()
    };
    state.with(|s| work_orders::list(s, &filter))
}

#[tauri::command]
pub fn work_order_detail(state: St, id: String) -> Cmd<WorkOrderDetail> {
    state.with(|s| work_orders::detail(s, &id))
}

/// One step along the work order's state machine (the core refuses any other step).
#[tauri::command]
pub fn advance_work_order(
    state: St,
    id: String,
    to: String,
    note: Option<String>,
) -> Cmd<WorkOrderSummary> {
    let to = WorkOrderState::parse(&to)?;
    state.with(|s| s.write(|tx| work_orders::advance(tx, &id, to, note.as_deref(), None)))
}

#[tauri::command]
pub fn record_service(state: St, id: String, input: ServiceRecordInput) -> Cmd<ServiceRecord> {
    state.with(|s| s.write(|tx| work_orders::record_service(tx, &id, &input)))
}

#[tauri::command]
pub fn report_fault(state: St, input: FaultReportInput) -> Cmd<WorkOrderSummary> {
    state.with(|s| s.write(|tx| work_orders::report_fault(tx, &input)))
}
