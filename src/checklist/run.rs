//! Inspection runs: start an inspection of a lane, save answers one at a time, complete it,
//! open fault work orders from failed items, correct a completed one with an addendum.
//!
//! Every function here is one user action and so one [`Store::write`] transaction: an answer is
//! durable when `answer` returns, and a crash before that leaves no trace of it. Rules are
//! checked inside the transaction against exactly what will be committed.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::state::{
    self, display, label_with_device, label_with_device_en, Header, ItemView, Progress, State,
};
use super::template::{AnswerValue, Outcome, Target, Template};
use crate::domain::values::{optional_text, MAX_NOTE_CHARS};
use crate::domain::work_order::{FaultReportInput, WorkOrderKind};
use crate::error::{Error, Result};
use crate::store::{new_id, Store, Tx};
use crate::work_orders::{self, NewWorkOrder, WorkOrderSummary};

pub use super::complete::{complete, complete_with, unopened_faults, OnFailed};

/// What an engineer gave as an answer.
#[derive(Debug, Clone)]
pub enum Given {
    /// As typed (CLI, scripts): parsed by the item's kind. `instrument` is for readings.
    Text {
        text: String,
        instrument: Option<String>,
    },
    /// Already typed (the desktop UI sends JSON).
    Value(AnswerValue),
}

impl Given {
    pub fn text(text: impl Into<String>) -> Self {
        Given::Text {
            text: text.into(),
            instrument: None,
        }
    }
}

/// What `start` returns.
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    /// True when the lane already had this template's inspection open: that one is returned
    /// (and nothing new started), so the screen opens it instead of showing an error.
    pub resumed: bool,
    pub header: Header,
    pub items: usize,
    pub devices: usize,
    pub progress: Progress,
}

/// What saving an answer returns: the judgement and the new progress, so a UI re-renders from
/// what was stored.
#[derive(Debug, Clone, Serialize)]
pub struct Ack {
    pub answer_id: String,
    pub inspection_id: String,
    pub item_id: String,
    pub key: String,
    pub answer_text: String,
    pub outcome: Outcome,
    pub fault_level: Option<u8>,
    pub progress: Progress,
}

/// A failed item of a completed inspection: a candidate fault for the engineer to confirm.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub key: String,
    pub label_zh: String,
    /// English label (the Chinese one where the template has none).
    pub label_en: String,
    pub device_code: Option<String>,
    pub answer_text: String,
    pub out_of_range: bool,
    pub fault_level: Option<u8>,
    pub work_order_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Completed {
    pub header: Header,
    pub progress: Progress,
    pub failures: Vec<Failure>,
}

/// An inspection with all its items, for screens and `inspection show`.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub header: Header,
    /// False once completed: answers are frozen, a correction is an addendum.
    pub editable: bool,
    pub progress: Progress,
    pub items: Vec<ItemView>,
    /// Failed items with a fault level whose fault work order is not opened yet: what
    /// completing asks about ("open their faults?").
    pub unopened_faults: Vec<Failure>,
    /// Correction notes added after completion, oldest first.
    pub addenda: Vec<super::addendum::Note>,
}

/// Start an inspection of a lane (id or code) with a template: one question per item for the
/// lane, and one per item per device of the section's type on the lane.
pub fn start(store: &mut Store, template: &Template, lane_ref: &str) -> Result<Started> {
    let lane = crate::org::lane(store, lane_ref)?;
    let engineer = store.current_engineer().to_string();
    store.write(|tx| {
        let conn = tx.conn();
        let reused: Option<String> = conn
            .query_row(
                "SELECT id FROM inspection WHERE template_id = ?1 AND template_version = ?2
                   AND template_sha256 != ?3 AND deleted = 0 LIMIT 1",
                rusqlite::params![template.id, template.version, template.sha256],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = reused {
            return Err(Error::refused(
                "template_version_reused",
                format!(
                    "模板 {} 第 {} 版的内容与以前使用过的（巡检 {other}）不同：修改模板后请提高 version",
                    template.id, template.version
                ),
                format!(
                    "template {} version {} differs from the one used before (inspection {other}): raise `version` after editing a template",
                    template.id, template.version
                ),
            ));
        }
        let open: Option<String> = conn
            .query_row(
                "SELECT id FROM inspection WHERE lane_id = ?1 AND template_id = ?2
                   AND completed_at IS NULL AND deleted = 0 LIMIT 1",
                rusqlite::params![lane.id, template.id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = open {
            let st = state::load(conn, &other)?;
            return Ok(started(&st, true));
        }
        let mut st = conn.prepare_cached(
            "SELECT id, code, device_type FROM device WHERE lane_id = ?1 AND deleted = 0 ORDER BY code",
        )?;
        let devices: Vec<(String, String, String)> = st
            .query_map([&lane.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let id = new_id();
        let now = tx.now().to_rfc3339();
        tx.insert(
            "inspection",
            &id,
            &[
                ("lane_id", &lane.id),
                ("template_id", &template.id),
                ("template_version", &template.version),
                ("template_sha256", &template.sha256),
                ("kind", &template.kind.as_str()),
                ("name", &template.name_zh),
                ("engineer_id", &engineer),
                ("started_at", &now),
            ]
)?;
        let mut seq = 0i64;
        for section in &template.sections {
            let targets: Vec<Option<&(String, String, String)>> = match &section.applies_to {
                Target::Lane => vec![None],
                Target::Device(ty) => devices.iter().filter(|d| &d.2 == ty).map(Some).collect(),
            };
            for dev in targets {
                for item in &section.items {
                    seq += 1;
                    let key = match dev {
                        Some((_, code, _)) => format!("{}@{code}", item.id),
                        None => item.id.clone(),
                    };
                    let device_id = dev.map(|d| d.0.clone());
                    let spec = serde_json::to_string(item).map_err(|e| {
                        Error::invalid("template", e.to_string(), e.to_string())
                    })?;
                    // One item per inspection and key: its id says so, so the same item
                    // written twice is one row everywhere.
                    let row_id = crate::store::derived_id("inspection_item", &format!("{id}/{key}"));
                    tx.insert(
                        "inspection_item",
                        &row_id,
                        &[
                            ("inspection_id", &id),
                            ("seq", &seq),
                            ("key", &key),
                            ("item_id", &item.id),
                            ("device_id", &device_id),
                            ("section_zh", &section.title_zh),
                            ("spec", &spec),
                        ]
)?;
                }
            }
        }
        if seq == 0 {
            return Err(Error::refused(
                "nothing_to_inspect",
                format!("模板「{}」对车道 {} 没有任何巡检项（车道上没有相应设备）", template.name_zh, lane.code),
                format!("template {} has no items for lane {} (no matching devices)", template.id, lane.code),
            ));
        }
        let st = state::load(tx.conn(), &id)?;
        Ok(started(&st, false))
    })
}

fn started(st: &State, resumed: bool) -> Started {
    let devices: std::collections::BTreeSet<&str> = st
        .items
        .iter()
        .filter_map(|i| i.device_id.as_deref())
        .collect();
    Started {
        resumed,
        header: st.header.clone(),
        items: st.items.len(),
        devices: devices.len(),
        progress: st.progress(),
    }
}

pub(crate) fn ensure_open(st: &State) -> Result<()> {
    match &st.header.completed_at {
        Some(_) => Err(Error::immutable(
            format!(
                "「{}」巡检已完成，不能再修改答案；如需更正请添加补充说明",
                st.header.name
            ),
            "this inspection is completed and its answers cannot be changed; add a correction (addendum) instead",
        )),
        None => Ok(()),
    }
}

/// Parses and checks an answer for an item, including that every photo is in the blob store.
fn typed_answer(store: &Store, item: &super::template::Item, given: &Given) -> Result<AnswerValue> {
    let v = match given {
        Given::Text { text, instrument } => item.parse_answer(text, instrument.as_deref())?,
        Given::Value(v) => {
            item.check_answer(v)?;
            v.clone()
        }
    };
    if let AnswerValue::Photo(hashes) = &v {
        for h in hashes {
            if !store.blobs().path_of(h)?.exists() {
                return Err(Error::not_found("blob", h));
            }
        }
    }
    Ok(v)
}

/// Inserts one answer row (+ outbox) and returns the acknowledgement.
fn save(
    tx: &Tx,
    mut st: State,
    item_row: &str,
    v: &AnswerValue,
    note: Option<&str>,
    reason: Option<&str>,
) -> Result<Ack> {
    let inst = st
        .items
        .iter()
        .find(|i| i.id == item_row)
        .ok_or_else(|| Error::not_found("item", item_row))?;
    let outcome = inst.item.outcome(v);
    let note = optional_text("note", note, MAX_NOTE_CHARS)?;
    let value = serde_json::to_string(v)
        .map_err(|e| Error::invalid("value", e.to_string(), e.to_string()))?;
    let id = new_id();
    let at = tx.now().to_rfc3339();
    let addendum = reason.is_some();
    tx.insert(
        "inspection_answer",
        &id,
        &[
            ("inspection_id", &st.header.id),
            ("item_id", &inst.id),
            ("value", &value),
            ("failed", &outcome.failed),
            ("out_of_range", &outcome.out_of_range),
            ("note", &note),
            ("answered_at", &at),
            ("addendum", &addendum),
            ("reason", &reason),
        ],
    )?;
    // The stored row, applied to the state already loaded: progress without a reload.
    let stored = state::Answer {
        id: id.clone(),
        value: v.clone(),
        failed: outcome.failed,
        out_of_range: outcome.out_of_range,
        note,
        answered_at: at,
        addendum,
        reason: reason.map(str::to_string),
        author: tx.author().to_string(),
    };
    let (key, item_id, answer_text, fault_level) = (
        inst.key.clone(),
        inst.id.clone(),
        display(&inst.item, v),
        inst.item.fault_level,
    );
    if addendum {
        st.corrections.insert(item_id.clone(), stored);
    } else {
        st.recorded.insert(item_id.clone(), stored);
    }
    Ok(Ack {
        answer_id: id,
        inspection_id: st.header.id.clone(),
        item_id,
        key,
        answer_text,
        outcome,
        fault_level,
        progress: st.progress(),
    })
}

/// Save one answer to an item of an open inspection. Answering again replaces the answer in
/// force (the earlier one stays in the table: answers are append-only for sync).
pub fn answer(
    store: &mut Store,
    inspection_id: &str,
    item_ref: &str,
    given: &Given,
    note: Option<&str>,
) -> Result<Ack> {
    // Parse outside the transaction (it may look at blob files); re-check inside.
    let st = state::load(store.conn(), inspection_id)?;
    let inst = st.find(store.conn(), item_ref)?;
    let value = typed_answer(store, &inst.item, given)?;
    let row = inst.id.clone();
    store.write(|tx| {
        let st = state::load(tx.conn(), inspection_id)?;
        ensure_open(&st)?;
        let inst = st.find(tx.conn(), &row)?;
        if !st.shown(inst) {
            // The condition names the item it depends on by its label, as the screen does.
            let on = inst.item.show_when.as_ref().and_then(|c| {
                st.items
                    .iter()
                    .find(|i| i.item.id == c.item && i.device_id == inst.device_id)
                    .or_else(|| st.items.iter().find(|i| i.item.id == c.item))
                    .map(|i| (i.item.label_zh.clone(), i.item.label_en().to_string()))
            });
            let (on_zh, on_en) = on.unwrap_or_default();
            return Err(Error::refused(
                "item_not_shown",
                format!(
                    "「{}」只在「{on_zh}」的答案需要时填写",
                    label_with_device(inst)
                ),
                format!(
                    "“{}” is only asked when the answer to “{on_en}” calls for it",
                    label_with_device_en(inst)
                ),
            ));
        }
        save(tx, st, &row, &value, note, None)
    })
}

/// Current progress of an inspection.
pub fn progress(store: &Store, inspection_id: &str) -> Result<Progress> {
    Ok(state::load(store.conn(), inspection_id)?.progress())
}

/// The inspection with every item as it stands.
pub fn detail(store: &Store, inspection_id: &str) -> Result<Detail> {
    let st = state::load(store.conn(), inspection_id)?;
    Ok(Detail {
        header: st.header.clone(),
        editable: !st.header.is_completed(),
        progress: st.progress(),
        items: st.items.iter().map(|i| st.view(i)).collect(),
        unopened_faults: unopened_faults(&st),
        addenda: super::addendum::notes(store.conn(), inspection_id)?,
    })
}

/// Inspections, newest first, optionally of one lane (id or code).
pub fn list(store: &Store, lane_ref: Option<&str>) -> Result<Vec<Header>> {
    let lane = lane_ref.map(|l| crate::org::lane(store, l)).transpose()?;
    state::headers(store.conn(), lane.as_ref().map(|l| l.id.as_str()))
}

/// The engineer confirms that a failed item becomes a fault: a fault work order on the item's
/// device (or on the lane, for a lane-level item) at the level the template maps it to, opened
/// through the core's work-order module. One per item.
pub fn open_fault(
    store: &mut Store,
    inspection_id: &str,
    item_ref: &str,
    note: Option<&str>,
) -> Result<WorkOrderSummary> {
    store.write(|tx| {
        let st = state::load(tx.conn(), inspection_id)?;
        open_fault_in(tx, &st, item_ref, note)
    })
}

/// [`open_fault`] inside a transaction (also used by [`complete_with`]).
pub(crate) fn open_fault_in(
    tx: &Tx,
    st: &State,
    item_ref: &str,
    note: Option<&str>,
) -> Result<WorkOrderSummary> {
    {
        let inst = st.find(tx.conn(), item_ref)?;
        let Some(ans) = st.effective(&inst.id).filter(|a| a.failed) else {
            return Err(Error::refused(
                "item_not_failed",
                format!(
                    "「{}」未判为不合格，不能据此开故障工单",
                    label_with_device(inst)
                ),
                format!(
                    "“{}” has not failed; there is no fault to open",
                    label_with_device_en(inst)
                ),
            ));
        };
        let Some(level) = inst.item.fault_level else {
            return Err(Error::refused(
                "no_fault_level",
                format!("模板没有为「{}」规定故障级别", inst.item.label_zh),
                format!(
                    "the checklist gives no fault level for “{}”",
                    inst.item.label_en()
                ),
            ));
        };
        if st.faults.contains_key(&inst.id) {
            return Err(Error::refused(
                "fault_already_open",
                format!("「{}」已开过故障工单", label_with_device(inst)),
                format!(
                    "“{}” has already opened a fault work order",
                    label_with_device_en(inst)
                ),
            ));
        }
        // A baseline's finding was there before the takeover: the fault says so first, on
        // the work order and on the device's history line it writes.
        let mut phenomenon = format!(
            "{}{}发现：{} = {}",
            if super::complete::pre_existing(st) {
                format!("{}：", super::template::PRE_EXISTING_ZH)
            } else {
                String::new()
            },
            st.header.name,
            inst.item.label_zh,
            display(&inst.item, &ans.value)
        );
        if ans.out_of_range {
            phenomenon.push_str("（超出允许范围）");
        }
        if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
            phenomenon.push('；');
            phenomenon.push_str(n);
        }
        let wo = match &inst.device_id {
            Some(dev) => work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: dev.clone(),
                    level: i64::from(level),
                    phenomenon,
                    location: Some(format!("{} {}", st.header.site_name, st.header.lane_name)),
                    kind: Some(WorkOrderKind::FaultRepair.code().to_string()),
                    ..Default::default()
                },
            )?,
            None => work_orders::open(
                tx,
                &NewWorkOrder {
                    kind: WorkOrderKind::FaultRepair,
                    lane_id: st.header.lane_id.clone(),
                    device_id: None,
                    level: Some(crate::domain::values::FaultLevel::new(i64::from(level))?),
                    title: phenomenon,
                },
            )?,
        };
        let id = new_id();
        tx.insert(
            "inspection_fault",
            &id,
            &[
                ("inspection_id", &st.header.id),
                ("item_id", &inst.id),
                ("work_order_id", &wo.id),
                ("level", &level),
            ],
        )?;
        Ok(wo)
    }
}

/// Correct an answer of a completed inspection. The answer as completed stays on record; the
/// addendum is shown beside it with its reason, author and time.
pub fn addendum(
    store: &mut Store,
    inspection_id: &str,
    item_ref: &str,
    given: &Given,
    reason: &str,
) -> Result<Ack> {
    let reason = crate::domain::values::required_text("reason", reason, MAX_NOTE_CHARS)?;
    let st = state::load(store.conn(), inspection_id)?;
    let inst = st.find(store.conn(), item_ref)?;
    let value = typed_answer(store, &inst.item, given)?;
    let row = inst.id.clone();
    store.write(|tx| {
        let st = state::load(tx.conn(), inspection_id)?;
        if !st.header.is_completed() {
            return Err(Error::refused(
                "inspection_not_completed",
                "巡检尚未完成，直接修改答案即可",
                "the inspection is still open: answer the item again instead",
            ));
        }
        save(tx, st, &row, &value, None, Some(&reason))
    })
}
