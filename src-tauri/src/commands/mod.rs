//! The commands the UI may call. Each is a few lines: parse, call the core under the store
//! lock, return the core's typed result or its `weibao::Error` (serialised by the core as
//! `{kind, message, message_en, field}`, so the UI branches on `kind` and shows `message`).

pub mod inspection;
pub mod labels;
pub mod meta;
pub mod org;
pub mod profile;
pub mod report;
pub mod status_report;
pub mod stock;
pub mod sync;
pub mod work;

use crate::state::AppState;
use tauri::State;

/// What every command returns: the core's error type, unchanged.
pub type Cmd<T> = Result<T, weibao::Error>;

/// Shorthand for the managed state in command signatures.
pub type St<'a> = State<'a, AppState>;

/// The handler with every command registered.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        inspection::inspection_templates,
        inspection::lane_inspections,
        inspection::inspection_start,
        inspection::inspection_start_due,
        inspection::inspection_view,
        inspection::inspection_answer,
        inspection::inspection_add_photo,
        inspection::inspection_add_photo_bytes,
        inspection::inspection_complete,
        inspection::inspection_open_fault,
        inspection::inspection_add_note,
        inspection::inspection_work_order,
        meta::labels,
        labels::find_by_label,
        labels::print_lane_labels,
        labels::open_lane_labels,
        meta::ui_ready,
        report::finalise_report,
        report::list_reports,
        report::report_view,
        report::report_pdf,
        report::report_preview,
        report::verify_report,
        report::open_report,
        profile::app_status,
        profile::create_profile,
        profile::load_demo,
        profile::update_profile,
        org::list_sites,
        org::list_lanes,
        org::lane_devices,
        org::search_devices,
        org::open_archive,
        org::edit_device_at_lane,
        org::archive_access_log,
        org::list_customers,
        org::create_customer,
        org::create_site,
        org::create_lane,
        org::create_device,
        org::import_inventory,
        org::import_inventory_files,
        work::today,
        work::work_orders,
        work::work_order_detail,
        work::advance_work_order,
        work::record_service,
        work::resolve_remotely,
        work::fault_channels,
        work::search_notes,
        work::set_fault_result,
        work::billing_view,
        work::stats_view,
        work::stats_export,
        status_report::make_status_report,
        status_report::open_status_report,
        work::billing_set,
        work::billing_consent,
        work::report_fault,
        work::fault_levels,
        work::pause_sla,
        work::end_sla_pause,
        stock::stock_locations,
        stock::stock_at,
        stock::stock_for_device,
        stock::stock_movements,
        stock::set_stock_minimum,
        stock::low_stock,
        stock::record_movement,
        stock::swap_unit,
        sync::sync_status,
        sync::sync_now,
        sync::enrol,
    ]
}
