//! The inspection runner: start, show, answer (as typed or a photo), complete, confirm a fault.
//! Every answer is one core transaction, so a killed app loses nothing already entered.

use super::{Cmd, St};
use weibao::checklist::catalog::Startable;
use weibao::checklist::run::{self, Given, OnFailed};
use weibao::checklist::state::Header;
use weibao::report::photos::{self, PhotoOwner};
use weibao::views::inspection::{self as view, RunView, StartedRow};
use weibao::views::work_order::{self, WorkOrderView};
use weibao::work_orders::WorkOrderSummary;

/// A photo for one photo item of an inspection (it becomes part of that item's answer).
fn owner(id: &str, item_key: &str) -> PhotoOwner {
    PhotoOwner::Inspection {
        inspection_id: id.to_string(),
        item: Some(item_key.to_string()),
    }
}

/// The templates a lane can start (shipped + stored by office staff, minus the retired).
#[tauri::command]
pub fn inspection_templates(state: St) -> Cmd<Vec<Startable>> {
    state.with(|s| view::templates(s))
}

/// Inspections of a lane, newest first (to resume an open one).
#[tauri::command]
pub fn lane_inspections(state: St, lane_id: String) -> Cmd<Vec<Header>> {
    state.with(|s| run::list(s, Some(&lane_id)))
}

/// Start an inspection with the template of `template` (its code), or open the one in
/// progress on that lane (`resumed: true`); an unknown or retired code is refused on
/// `inspection.template`.
#[tauri::command]
pub fn inspection_start(state: St, lane_id: String, template: String) -> Cmd<StartedRow> {
    state.with(|s| view::start(s, &lane_id, &template))
}

/// Start the inspection a due slot on Today asks for (`kind`: quarterly, the default, or
/// baseline), or open the one in progress.
#[tauri::command]
pub fn inspection_start_due(state: St, lane_id: String, kind: Option<String>) -> Cmd<StartedRow> {
    state.with(|s| view::start_due(s, &lane_id, kind.as_deref()))
}

#[tauri::command]
pub fn inspection_view(state: St, id: String) -> Cmd<RunView> {
    state.with(|s| view::view(s, &id))
}

/// Save one answer exactly as entered; the core parses and judges it.
#[tauri::command]
pub fn inspection_answer(state: St, id: String, item_key: String, raw: String) -> Cmd<RunView> {
    state.with(|s| {
        run::answer(s, &id, &item_key, &Given::text(raw), None)?;
        view::view(s, &id)
    })
}

/// A photo picked with the file dialog or dropped from the file manager (a path).
#[tauri::command]
pub fn inspection_add_photo(state: St, id: String, item_key: String, path: String) -> Cmd<RunView> {
    let bytes = photos::read_photo_file("photo", std::path::Path::new(&path))?;
    state.with(|s| {
        photos::attach(s, &owner(&id, &item_key), &bytes, None)?;
        view::view(s, &id)
    })
}

/// A photo from the webview's file input or camera (bytes).
#[tauri::command]
pub fn inspection_add_photo_bytes(
    state: St,
    id: String,
    item_key: String,
    bytes: Vec<u8>,
) -> Cmd<RunView> {
    state.with(|s| {
        photos::attach(s, &owner(&id, &item_key), &bytes, None)?;
        view::view(s, &id)
    })
}

/// Complete: refused (with the missing items named) while required items are unanswered, and
/// (`faults_not_opened`) while failed items have no fault, unless `on_failed` says
/// `"keep"` or `"open_faults"` (default `"ask"`).
#[tauri::command]
pub fn inspection_complete(state: St, id: String, on_failed: Option<OnFailed>) -> Cmd<RunView> {
    state.with(|s| {
        run::complete_with(s, &id, on_failed.unwrap_or_default())?;
        view::view(s, &id)
    })
}

/// A correction note (补充说明) on a completed inspection; the view shows it under the answers.
#[tauri::command]
pub fn inspection_add_note(state: St, id: String, text: String) -> Cmd<RunView> {
    state.with(|s| {
        weibao::checklist::addendum::add_note(s, &id, &text)?;
        view::view(s, &id)
    })
}

/// The engineer confirms a failed item as a fault: a fault work order at the item's level.
#[tauri::command]
pub fn inspection_open_fault(state: St, id: String, item_key: String) -> Cmd<WorkOrderSummary> {
    state.with(|s| run::open_fault(s, &id, &item_key, None))
}

/// The work order that carries a completed inspection's report (opened on first request),
/// for the customer's signature (or its signed report, once there is one).
#[tauri::command]
pub fn inspection_work_order(state: St, id: String) -> Cmd<WorkOrderView> {
    state.with(|s| {
        let wo = weibao::report::inspection::work_order_for(s, &id)?;
        work_order::view(s, &wo.id)
    })
}
