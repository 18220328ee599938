//! The inspection runner: start, show, answer (as typed or a photo), complete, confirm a fault.
//! Every answer is one core transaction, so a killed app loses nothing already entered.

use super::{Cmd, St};
use serde::Serialize;
use weibao::checklist::run::{self, Given};
use weibao::checklist::state::{self, Header, Progress};
use weibao::checklist::{AnswerValue, Item, Library, Outcome};
use weibao::report::photos::{self, PhotoOwner};
use weibao::store::Store;
use weibao::work_orders::WorkOrderSummary;
use weibao::Result;

/// One row of the runner: the frozen template item (with its options, unit and range), the
/// answer in force and the core's verdict on it.
#[derive(Serialize)]
pub struct RunItem {
    key: String,
    section: String,
    device_code: Option<String>,
    item: Item,
    answer: Option<AnswerValue>,
    outcome: Option<Outcome>,
    required: bool,
    visible: bool,
    fault_work_order_id: Option<String>,
}

#[derive(Serialize)]
pub struct RunView {
    id: String,
    header: Header,
    state: &'static str,
    items: Vec<RunItem>,
    progress: Progress,
}

/// The whole runner screen, as stored.
fn view(store: &Store, id: &str) -> Result<RunView> {
    let st = state::load(store.conn(), id)?;
    let items = st
        .items
        .iter()
        .map(|i| {
            let v = st.view(i);
            let answer = st.effective(&i.id);
            RunItem {
                key: i.key.clone(),
                section: i.section_zh.clone(),
                device_code: i.device_code.clone(),
                item: i.item.clone(),
                answer: answer.map(|a| a.value.clone()),
                outcome: answer.map(|a| Outcome {
                    failed: a.failed,
                    out_of_range: a.out_of_range,
                }),
                required: v.required,
                visible: v.shown,
                fault_work_order_id: v.work_order_id,
            }
        })
        .collect();
    Ok(RunView {
        id: st.header.id.clone(),
        state: if st.header.is_completed() {
            "completed"
        } else {
            "open"
        },
        progress: st.progress(),
        header: st.header,
        items,
    })
}

/// A photo for one photo item of an inspection (it becomes part of that item's answer).
fn owner(id: &str, item_key: &str) -> PhotoOwner {
    PhotoOwner::Inspection {
        inspection_id: id.to_string(),
        item: Some(item_key.to_string()),
    }
}

#[derive(Serialize)]
pub struct TemplateInfo {
    id: String,
    kind: &'static str,
    name_zh: String,
    name_en: Option<String>,
}

#[tauri::command]
pub fn inspection_templates() -> Cmd<Vec<TemplateInfo>> {
    Ok(Library::shipped()?
        .templates()
        .iter()
        .map(|t| TemplateInfo {
            id: t.id.clone(),
            kind: t.kind.as_str(),
            name_zh: t.name_zh.clone(),
            name_en: t.name_en.clone(),
        })
        .collect())
}

/// Inspections of a lane, newest first (to resume an open one).
#[tauri::command]
pub fn lane_inspections(state: St, lane_id: String) -> Cmd<Vec<Header>> {
    state.with(|s| run::list(s, Some(&lane_id)))
}

#[tauri::command]
pub fn inspection_start(state: St, lane_id: String, template_id: String) -> Cmd<Header> {
    let lib = Library::shipped()?;
    let template = lib.get(&template_id)?;
    state.with(|s| run::start(s, template, &lane_id).map(|st| st.header))
}

#[tauri::command]
pub fn inspection_view(state: St, id: String) -> Cmd<RunView> {
    state.with(|s| view(s, &id))
}

/// Save one answer exactly as entered; the core parses and judges it.
#[tauri::command]
pub fn inspection_answer(state: St, id: String, item_key: String, raw: String) -> Cmd<RunView> {
    state.with(|s| {
        run::answer(s, &id, &item_key, &Given::text(raw), None)?;
        view(s, &id)
    })
}

/// A photo picked with the file dialog or dropped from the file manager (a path).
#[tauri::command]
pub fn inspection_add_photo(state: St, id: String, item_key: String, path: String) -> Cmd<RunView> {
    let bytes = std::fs::read(&path)?;
    state.with(|s| {
        photos::attach(s, &owner(&id, &item_key), &bytes, None)?;
        view(s, &id)
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
        view(s, &id)
    })
}

/// Complete: refused (with the missing items named) while required items are unanswered.
#[tauri::command]
pub fn inspection_complete(state: St, id: String) -> Cmd<RunView> {
    state.with(|s| {
        run::complete(s, &id)?;
        view(s, &id)
    })
}

/// The engineer confirms a failed item as a fault: a fault work order at the item's level.
#[tauri::command]
pub fn inspection_open_fault(state: St, id: String, item_key: String) -> Cmd<WorkOrderSummary> {
    state.with(|s| run::open_fault(s, &id, &item_key, None))
}

/// The work order that carries a completed inspection's report (opened on first request),
/// for the customer's signature.
#[tauri::command]
pub fn inspection_work_order(state: St, id: String) -> Cmd<WorkOrderSummary> {
    state.with(|s| weibao::report::inspection::work_order_for(s, &id))
}
