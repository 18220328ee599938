//! Reading an inspection back: its items, the answers in force, what is shown and required,
//! and progress. Shared by every write in [`super::run`] (inside the write's transaction, so a
//! rule is checked against exactly what will be committed) and by the read-only views.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::template::{AnswerValue, Item, ItemKind, Verdict};
use crate::error::{Error, Result};

/// The inspection's header row, with where it is.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub id: String,
    pub lane_id: String,
    pub lane_code: String,
    pub lane_name: String,
    pub site_name: String,
    pub template_id: String,
    pub template_version: u32,
    pub template_sha256: String,
    pub kind: String,
    pub name: String,
    pub engineer_id: String,
    pub started_at: String,
    pub completed_at: Option<String>,
}

impl Header {
    pub fn is_completed(&self) -> bool {
        self.completed_at.is_some()
    }
}

/// One instantiated question.
#[derive(Debug, Clone)]
pub struct Instance {
    pub id: String,
    pub seq: i64,
    pub key: String,
    pub device_id: Option<String>,
    pub device_code: Option<String>,
    pub section_zh: String,
    pub item: Item,
}

/// One stored answer.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub id: String,
    pub value: AnswerValue,
    pub failed: bool,
    pub out_of_range: bool,
    pub note: Option<String>,
    pub answered_at: String,
    pub addendum: bool,
    pub reason: Option<String>,
    pub author: String,
}

/// Everything about one inspection needed to apply a rule.
pub struct State {
    pub header: Header,
    pub items: Vec<Instance>,
    /// Latest answer given before completion, per item row id: the record as completed.
    pub recorded: HashMap<String, Answer>,
    /// Latest correction after completion, per item row id.
    pub corrections: HashMap<String, Answer>,
    /// Fault work order opened from an item, per item row id.
    pub faults: HashMap<String, String>,
}

const HEADER_SQL: &str = "SELECT i.id, i.lane_id, l.code, l.name, s.name, i.template_id,
    i.template_version, i.template_sha256, i.kind, i.name, i.engineer_id, i.started_at,
    i.completed_at
    FROM inspection i JOIN lane l ON l.id = i.lane_id JOIN site s ON s.id = l.site_id";

pub(crate) fn header_row(r: &rusqlite::Row) -> rusqlite::Result<Header> {
    Ok(Header {
        id: r.get(0)?,
        lane_id: r.get(1)?,
        lane_code: r.get(2)?,
        lane_name: r.get(3)?,
        site_name: r.get(4)?,
        template_id: r.get(5)?,
        template_version: r.get(6)?,
        template_sha256: r.get(7)?,
        kind: r.get(8)?,
        name: r.get(9)?,
        engineer_id: r.get(10)?,
        started_at: r.get(11)?,
        completed_at: r.get(12)?,
    })
}

pub fn header(conn: &Connection, id: &str) -> Result<Header> {
    conn.prepare_cached(&format!("{HEADER_SQL} WHERE i.id = ?1 AND i.deleted = 0"))?
        .query_row([id], header_row)
        .optional()?
        .ok_or_else(|| Error::not_found("inspection", id))
}

/// Headers of inspections, newest first, optionally of one lane.
pub fn headers(conn: &Connection, lane_id: Option<&str>) -> Result<Vec<Header>> {
    let mut st = conn.prepare(&format!(
        "{HEADER_SQL} WHERE i.deleted = 0 AND (?1 IS NULL OR i.lane_id = ?1)
         ORDER BY i.started_at DESC, i.id DESC"
    ))?;
    let rows = st.query_map([lane_id], header_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A stored JSON column that no longer parses: the file was damaged or edited by hand.
fn damaged(e: serde_json::Error) -> Error {
    Error::Storage(rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        Box::new(e),
    ))
}

pub fn load(conn: &Connection, id: &str) -> Result<State> {
    let header = header(conn, id)?;
    let mut st = conn.prepare_cached(
        "SELECT it.id, it.seq, it.key, it.device_id, d.code, it.section_zh, it.spec
         FROM inspection_item it LEFT JOIN device d ON d.id = it.device_id
         WHERE it.inspection_id = ?1 AND it.deleted = 0 ORDER BY it.seq",
    )?;
    let raw = st.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut items = Vec::new();
    for row in raw {
        let (id, seq, key, device_id, device_code, section_zh, spec) = row?;
        let item: Item = serde_json::from_str(&spec).map_err(damaged)?;
        items.push(Instance {
            id,
            seq,
            key,
            device_id,
            device_code,
            section_zh,
            item,
        });
    }
    let mut recorded = HashMap::new();
    let mut corrections = HashMap::new();
    let mut st = conn.prepare_cached(
        "SELECT id, item_id, value, failed, out_of_range, note, answered_at, addendum, reason, author
         FROM inspection_answer WHERE inspection_id = ?1 AND deleted = 0 ORDER BY hlc, id",
    )?;
    let raw = st.query_map([id], |r| {
        Ok((
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            Answer {
                id: r.get(0)?,
                value: AnswerValue::Text(String::new()),
                failed: r.get(3)?,
                out_of_range: r.get(4)?,
                note: r.get(5)?,
                answered_at: r.get(6)?,
                addendum: r.get(7)?,
                reason: r.get(8)?,
                author: r.get(9)?,
            },
        ))
    })?;
    for row in raw {
        let (item_id, value, mut a) = row?;
        a.value = serde_json::from_str(&value).map_err(damaged)?;
        if a.addendum {
            corrections.insert(item_id, a);
        } else {
            recorded.insert(item_id, a);
        }
    }
    let mut st = conn.prepare_cached(
        "SELECT item_id, work_order_id FROM inspection_fault WHERE inspection_id = ?1 AND deleted = 0",
    )?;
    let faults = st
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(State {
        header,
        items,
        recorded,
        corrections,
        faults,
    })
}

/// An item of an inspection as lists and screens show it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub id: String,
    pub key: String,
    pub seq: i64,
    pub section_zh: String,
    pub device_code: Option<String>,
    pub label_zh: String,
    pub label_en: Option<String>,
    pub kind: &'static str,
    pub unit: Option<String>,
    pub range: Option<(Option<f64>, Option<f64>)>,
    pub shown: bool,
    pub required: bool,
    pub answer: Option<AnswerValue>,
    /// The answer as a person reads it (合格, 2.8 A, an option's label…).
    pub answer_text: Option<String>,
    pub failed: bool,
    pub out_of_range: bool,
    pub fault_level: Option<u8>,
    pub work_order_id: Option<String>,
    /// A correction made after completion (the recorded answer above stays as it was).
    pub correction: Option<Answer>,
}

/// Answered / required counts, and which required items are still missing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    pub shown: usize,
    pub answered: usize,
    pub required: usize,
    pub required_answered: usize,
    pub failed: usize,
    pub out_of_range: usize,
    pub missing: Vec<Missing>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    pub key: String,
    pub label_zh: String,
    /// The item's English label (the Chinese one where the template has none), with its
    /// device: what an English screen lists instead of the raw key.
    pub label_en: String,
}

impl State {
    /// The answer in force for an item: the latest correction, else the recorded answer.
    pub fn effective(&self, item_row: &str) -> Option<&Answer> {
        self.corrections
            .get(item_row)
            .or_else(|| self.recorded.get(item_row))
    }

    /// The instance an item's condition refers to: the same device's instance of that item,
    /// else the lane-level one (validation guarantees one of the two exists in the template).
    fn referenced(&self, from: &Instance, item_id: &str) -> Option<&Instance> {
        let own = from.device_code.as_ref().map(|c| format!("{item_id}@{c}"));
        own.and_then(|k| self.items.iter().find(|i| i.key == k))
            .or_else(|| self.items.iter().find(|i| i.key == item_id))
    }

    fn condition_holds(&self, from: &Instance, c: &super::template::Condition) -> bool {
        match self.referenced(from, &c.item) {
            Some(target) => c.holds(&target.item, self.effective(&target.id).map(|a| &a.value)),
            None => false,
        }
    }

    pub fn shown(&self, i: &Instance) -> bool {
        i.item
            .show_when
            .as_ref()
            .is_none_or(|c| self.condition_holds(i, c))
    }

    pub fn required(&self, i: &Instance) -> bool {
        self.shown(i)
            && (i.item.required
                || i.item
                    .required_when
                    .as_ref()
                    .is_some_and(|c| self.condition_holds(i, c)))
    }

    pub fn progress(&self) -> Progress {
        let mut p = Progress::default();
        for i in &self.items {
            if !self.shown(i) {
                continue;
            }
            p.shown += 1;
            let ans = self.effective(&i.id);
            let required = self.required(i);
            if let Some(a) = ans {
                p.answered += 1;
                p.failed += usize::from(a.failed);
                p.out_of_range += usize::from(a.out_of_range);
            }
            if required {
                p.required += 1;
                if ans.is_some() {
                    p.required_answered += 1;
                } else {
                    p.missing.push(Missing {
                        key: i.key.clone(),
                        label_zh: label_with_device(i),
                        label_en: label_with_device_en(i),
                    });
                }
            }
        }
        p
    }

    /// Finds an item of this inspection by its row id or its key (`item` or `item@CODE`).
    pub fn find(&self, conn: &Connection, item_ref: &str) -> Result<&Instance> {
        let r = item_ref.trim();
        if let Some(i) = self.items.iter().find(|i| i.id == r || i.key == r) {
            return Ok(i);
        }
        // Device codes are stored upper-case; accept what was typed from a label.
        if let Some((item, code)) = r.split_once('@') {
            let key = format!("{item}@{}", code.trim().to_ascii_uppercase());
            if let Some(i) = self.items.iter().find(|i| i.key == key) {
                return Ok(i);
            }
        }
        let elsewhere: Option<String> = conn
            .prepare_cached("SELECT inspection_id FROM inspection_item WHERE id = ?1")?
            .query_row([r], |row| row.get(0))
            .optional()?;
        if let Some(other) = elsewhere {
            return Err(Error::refused(
                "item_not_in_inspection",
                format!(
                    "巡检项 {r} 属于另一次巡检（{other}），不属于本次巡检 {}",
                    self.header.id
                ),
                format!(
                    "item {r} belongs to inspection {other}, not to inspection {}",
                    self.header.id
                ),
            ));
        }
        Err(Error::not_found("item", r))
    }

    pub fn view(&self, i: &Instance) -> ItemView {
        let recorded = self.recorded.get(&i.id);
        let effective = self.effective(&i.id);
        let (unit, range) = match &i.item.spec {
            ItemKind::Number { unit, min, max } | ItemKind::Reading { unit, min, max, .. } => {
                (Some(unit.clone()), Some((*min, *max)))
            }
            _ => (None, None),
        };
        ItemView {
            id: i.id.clone(),
            key: i.key.clone(),
            seq: i.seq,
            section_zh: i.section_zh.clone(),
            device_code: i.device_code.clone(),
            label_zh: i.item.label_zh.clone(),
            label_en: i.item.label_en.clone(),
            kind: i.item.spec.name(),
            unit,
            range,
            shown: self.shown(i),
            required: self.required(i),
            answer: recorded.map(|a| a.value.clone()),
            answer_text: recorded.map(|a| display(&i.item, &a.value)),
            failed: effective.is_some_and(|a| a.failed),
            out_of_range: effective.is_some_and(|a| a.out_of_range),
            fault_level: i.item.fault_level,
            work_order_id: self.faults.get(&i.id).cloned(),
            correction: self.corrections.get(&i.id).cloned(),
        }
    }
}

/// "挡杆状况（HG01-L01-BG01）": the label with the device it is about.
pub fn label_with_device(i: &Instance) -> String {
    match &i.device_code {
        Some(c) => format!("{}（{c}）", i.item.label_zh),
        None => i.item.label_zh.clone(),
    }
}

/// The item's English label and its device (`Barrier arm straight (XA01-L01-BG01)`); the
/// Chinese label where the template has no English one.
pub fn label_with_device_en(i: &Instance) -> String {
    let label = i.item.label_en.as_deref().unwrap_or(&i.item.label_zh);
    match &i.device_code {
        Some(c) => format!("{label} ({c})"),
        None => label.to_string(),
    }
}

/// An answer as a person reads it.
pub fn display(item: &Item, v: &AnswerValue) -> String {
    let option_label = |id: &str| match &item.spec {
        ItemKind::SingleChoice { options } | ItemKind::MultiChoice { options } => options
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.label_zh.clone())
            .unwrap_or_else(|| id.to_string()),
        _ => id.to_string(),
    };
    let unit = match &item.spec {
        ItemKind::Number { unit, .. } | ItemKind::Reading { unit, .. } => unit.as_str(),
        _ => "",
    };
    match v {
        AnswerValue::PassFail(Verdict::Pass) => "合格".into(),
        AnswerValue::PassFail(Verdict::Fail) => "不合格".into(),
        AnswerValue::PassFail(Verdict::Na) => "不适用".into(),
        AnswerValue::YesNo(b) => if *b { "是" } else { "否" }.into(),
        AnswerValue::Number(n) => format!("{n} {unit}"),
        AnswerValue::Reading { value, instrument } => match instrument {
            Some(ins) => format!("{value} {unit}（{ins}）"),
            None => format!("{value} {unit}"),
        },
        AnswerValue::Text(s) => s.clone(),
        AnswerValue::SingleChoice(id) => option_label(id),
        AnswerValue::MultiChoice(ids) => ids
            .iter()
            .map(|i| option_label(i))
            .collect::<Vec<_>>()
            .join("、"),
        AnswerValue::Photo(h) => format!("{} 张照片", h.len()),
    }
}
