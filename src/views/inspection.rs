//! The inspection runner screen: every item with its answer in force and the core's verdict,
//! the progress, and whether the inspection is still open; plus the templates a lane can start
//! (shipped and stored by office staff). The screen renders this as returned and never judges an answer itself.

use super::time;
use crate::checklist::catalog::{self, Startable};
use crate::checklist::run;
use crate::checklist::state::{self, Header, Progress};
use crate::checklist::template::{InspectionKind, Template};
use crate::checklist::{AnswerValue, Item, Outcome};
use crate::store::Store;
use crate::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;

/// One row of the runner: the frozen template item (with its options, unit and range), the
/// answer in force and the core's verdict on it.
#[derive(Debug, Clone, Serialize)]
pub struct RunItem {
    pub key: String,
    pub section: String,
    /// The section's title in English, when the template has one (else the screen shows
    /// `section`).
    pub section_en: Option<String>,
    pub device_code: Option<String>,
    pub item: Item,
    pub answer: Option<AnswerValue>,
    pub outcome: Option<Outcome>,
    pub required: bool,
    pub visible: bool,
    pub fault_work_order_id: Option<String>,
}

/// The whole runner screen, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub id: String,
    pub header: Header,
    /// The template's name in English, when it has one (`header.name` is the Chinese).
    pub name_en: Option<String>,
    pub started_at_text: String,
    /// `open` while answers may change, `completed` once it is frozen.
    pub state: &'static str,
    /// Answers may still be given (the inspection is not completed).
    pub editable: bool,
    pub items: Vec<RunItem>,
    pub progress: Progress,
    /// Failed items whose fault is not opened yet (label, device, answer, level): what the
    /// screen asks about when completing is refused with `faults_not_opened`.
    pub unopened_faults: Vec<run::Failure>,
    /// Correction notes (补充说明) added after completion, oldest first; with `editable:
    /// false` the screen offers "add a correction" instead of inputs.
    pub addenda: Vec<NoteView>,
}

/// A correction note with its time as people read it (China time, to the minute).
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    #[serde(flatten)]
    pub note: crate::checklist::addendum::Note,
    pub written_at_text: String,
}

/// What starting returns: the inspection's header, and whether it was one already in progress
/// on that lane (then it is opened, not started again).
#[derive(Debug, Clone, Serialize)]
pub struct StartedRow {
    #[serde(flatten)]
    pub header: Header,
    pub resumed: bool,
}

/// An inspection in a list (Today's "in progress").
#[derive(Debug, Clone, Serialize)]
pub struct InspectionRow {
    #[serde(flatten)]
    pub header: Header,
    pub name_en: Option<String>,
    pub started_at_text: String,
}

pub fn row(header: Header) -> InspectionRow {
    InspectionRow {
        started_at_text: time::china_text(&header.started_at),
        name_en: english_of(&header).name_en,
        header,
    }
}

/// The English a stored inspection's header and section titles are shown with.
///
/// An inspection keeps a snapshot of each item (with its English) but only the Chinese title
/// of its sections and the Chinese name of its template. Their English is looked up in the
/// shipped template of the same id (the same version first), by the Chinese text: a title
/// that no shipped template has stays Chinese, so an office-made template without English
/// shows its Chinese.
#[derive(Default)]
pub(crate) struct English {
    pub(crate) name_en: Option<String>,
    pub(crate) titles: HashMap<String, String>,
}

pub(crate) fn english_of(header: &Header) -> English {
    let Some(lib) = super::english::shipped() else {
        return English::default();
    };
    let mut candidates: Vec<&Template> = lib
        .templates()
        .iter()
        .filter(|t| t.id == header.template_id)
        .collect();
    candidates.sort_by_key(|t| t.sha256 != header.template_sha256);
    let mut out = English::default();
    for t in candidates {
        if out.name_en.is_none() && t.name_zh == header.name {
            out.name_en = t.name_en.clone();
        }
        for s in &t.sections {
            if let Some(en) = &s.title_en {
                out.titles
                    .entry(s.title_zh.clone())
                    .or_insert_with(|| en.clone());
            }
        }
    }
    out
}

/// The runner screen of inspection `id`.
pub fn view(store: &Store, id: &str) -> Result<RunView> {
    let st = state::load(store.conn(), id)?;
    let english = english_of(&st.header);
    let items = st
        .items
        .iter()
        .map(|i| {
            let v = st.view(i);
            let answer = st.effective(&i.id);
            RunItem {
                key: i.key.clone(),
                section: i.section_zh.clone(),
                section_en: english.titles.get(&i.section_zh).cloned(),
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
    let completed = st.header.is_completed();
    Ok(RunView {
        id: st.header.id.clone(),
        started_at_text: time::china_text(&st.header.started_at),
        state: if completed { "completed" } else { "open" },
        editable: !completed,
        name_en: english.name_en,
        progress: st.progress(),
        unopened_faults: run::unopened_faults(&st),
        addenda: crate::checklist::addendum::notes(store.conn(), id)?
            .into_iter()
            .map(|note| NoteView {
                written_at_text: time::china_text(&note.written_at),
                note,
            })
            .collect(),
        header: st.header,
        items,
    })
}

/// The templates that can be started on a lane (shipped + stored by office staff, minus the
/// retired), with code, kind and title in both languages.
pub fn templates(store: &Store) -> Result<Vec<Startable>> {
    catalog::startable(store)
}

/// Start the inspection a due slot on Today asks for: the lane's quarterly inspection or its
/// baseline at contract start, with the template in use for that kind.
pub fn start_due(store: &mut Store, lane_id: &str, kind: Option<&str>) -> Result<StartedRow> {
    let kind = match kind {
        None => InspectionKind::Quarterly,
        Some(k) => InspectionKind::parse(k).ok_or_else(|| {
            Error::invalid(
                "inspection.kind",
                format!(
                    "未知的巡检类型「{k}」，可用：{}",
                    InspectionKind::ALL.join("、")
                ),
                format!(
                    "unknown inspection kind {k:?}; known: {}",
                    InspectionKind::ALL.join(", ")
                ),
            )
        })?,
    };
    catalog::start_kind(store, lane_id, kind).map(started_row)
}

/// Start an inspection of a lane with the template of `code`, or open the one in progress
/// there; an unknown or retired code is refused on `inspection.template`, nothing stored.
pub fn start(store: &mut Store, lane_id: &str, code: &str) -> Result<StartedRow> {
    catalog::start(store, lane_id, code).map(started_row)
}

fn started_row(st: run::Started) -> StartedRow {
    StartedRow {
        header: st.header,
        resumed: st.resumed,
    }
}
