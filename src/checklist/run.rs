//! Inspection runs: start an inspection of a lane, save answers one at a time, complete it,
//! open fault work orders from failed items, correct a completed one with an addendum.
//!
//! Every function here is one user action and so one [`Store::write`] transaction: an answer is
//! durable when `answer` returns, and a crash before that leaves no trace of it. Rules are
//! checked inside the transaction against exactly what will be committed.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::state::{self, display, label_with_device, Header, ItemView, Progress, State};
use super::template::{AnswerValue, Outcome, Target, Template};
use crate::devices;
use crate::domain::values::{optional_text, MAX_NOTE_CHARS};
use crate::domain::work_order::{FaultReportInput, WorkOrderKind};
use crate::error::{Error, Result};
use crate::store::{new_id, Store, Tx};
use crate::work_orders::{self, NewWorkOrder, WorkOrderSummary};

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
    pub progress: Progress,
    pub items: Vec<ItemView>,
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
            return Err(Error::refused(
                "inspection_already_open",
                format!("车道 {} 已有未完成的「{}」巡检：{other}", lane.code, template.name_zh),
                format!("lane {} already has an open {} inspection: {other}", lane.code, template.id),
            ));
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
        let mut inspected = std::collections::BTreeSet::new();
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
                    if let Some(d) = &device_id {
                        inspected.insert(d.clone());
                    }
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
        Ok(Started {
            header: st.header.clone(),
            items: st.items.len(),
            devices: inspected.len(),
            progress: st.progress(),
        })
    })
}

fn ensure_open(st: &State) -> Result<()> {
    match &st.header.completed_at {
        Some(at) => Err(Error::Immutable {
            what: format!("inspection {}", st.header.id),
            why: format!("completed at {at}; record a correction as an addendum"),
        }),
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
            let cond = inst
                .item
                .show_when
                .as_ref()
                .map(|c| format!("{} = {}", c.item, c.is))
                .unwrap_or_default();
            return Err(Error::refused(
                "item_not_shown",
                format!("「{}」只在 {cond} 时填写", label_with_device(inst)),
                format!("item {} is only asked when {cond}", inst.key),
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
        progress: st.progress(),
        items: st.items.iter().map(|i| st.view(i)).collect(),
    })
}

/// Inspections, newest first, optionally of one lane (id or code).
pub fn list(store: &Store, lane_ref: Option<&str>) -> Result<Vec<Header>> {
    let lane = lane_ref.map(|l| crate::org::lane(store, l)).transpose()?;
    state::headers(store.conn(), lane.as_ref().map(|l| l.id.as_str()))
}

fn failures(st: &State) -> Vec<Failure> {
    st.items
        .iter()
        .filter(|i| st.shown(i))
        .filter_map(|i| st.effective(&i.id).filter(|a| a.failed).map(|a| (i, a)))
        .map(|(i, a)| Failure {
            key: i.key.clone(),
            label_zh: i.item.label_zh.clone(),
            device_code: i.device_code.clone(),
            answer_text: display(&i.item, &a.value),
            out_of_range: a.out_of_range,
            fault_level: i.item.fault_level,
            work_order_id: st.faults.get(&i.id).cloned(),
        })
        .collect()
}

/// Complete an inspection: refused while required items are unanswered (the error lists them).
/// Once completed it is frozen; each inspected device's history notes the inspection.
pub fn complete(store: &mut Store, inspection_id: &str) -> Result<Completed> {
    store.write(|tx| {
        let st = state::load(tx.conn(), inspection_id)?;
        ensure_open(&st)?;
        let p = st.progress();
        if !p.missing.is_empty() {
            let zh: Vec<String> = p
                .missing
                .iter()
                .map(|m| format!("{}（{}）", m.label_zh, m.key))
                .collect();
            let en: Vec<String> = p
                .missing
                .iter()
                .map(|m| format!("{} ({})", m.label_en, m.key))
                .collect();
            return Err(Error::refused(
                "inspection_incomplete",
                format!("还有 {} 个必填项未填写：{}", p.missing.len(), zh.join("；")),
                format!(
                    "{} required items are unanswered: {}",
                    p.missing.len(),
                    en.join("; ")
                ),
            ));
        }
        let at = tx.now().to_rfc3339();
        tx.update("inspection", &st.header.id, &[("completed_at", &at)])?;
        let mut per_device: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for i in &st.items {
            if let (Some(dev), Some(a)) = (&i.device_id, st.effective(&i.id)) {
                let e = per_device.entry(dev.as_str()).or_default();
                e.0 += 1;
                e.1 += usize::from(a.failed);
            }
        }
        for (dev, (n, failed)) in per_device {
            let summary = format!(
                "{}完成：{n} 项已检，{failed} 项不合格（巡检 {}）",
                st.header.name, st.header.id
            );
            devices::add_event(tx, dev, "inspection", &summary, None)?;
        }
        let after = state::load(tx.conn(), inspection_id)?;
        Ok(Completed {
            header: after.header.clone(),
            progress: after.progress(),
            failures: failures(&after),
        })
    })
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
        let inst = st.find(tx.conn(), item_ref)?;
        let Some(ans) = st.effective(&inst.id).filter(|a| a.failed) else {
            return Err(Error::refused(
                "item_not_failed",
                format!(
                    "「{}」未判为不合格，不能据此开故障工单",
                    label_with_device(inst)
                ),
                format!("item {} has not failed; no fault to open", inst.key),
            ));
        };
        let Some(level) = inst.item.fault_level else {
            return Err(Error::refused(
                "no_fault_level",
                format!("模板没有为「{}」规定故障级别", inst.item.label_zh),
                format!("the template maps no fault level for item {}", inst.item.id),
            ));
        };
        if let Some(wo) = st.faults.get(&inst.id) {
            return Err(Error::refused(
                "fault_already_open",
                format!("「{}」已开过故障工单 {wo}", label_with_device(inst)),
                format!("item {} already opened work order {wo}", inst.key),
            ));
        }
        let mut phenomenon = format!(
            "{}发现：{} = {}",
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
    })
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
