//! What the office refuses from a laptop, change by change, and how a laptop keeps what was
//! refused ("set aside") without blocking anything else.
//!
//! The office knows who pushes (the token's engineer); a laptop may write as its own engineer
//! only. A refused change is still *received* (the sender's sequence moves on, so nothing
//! after it waits) but not applied: the office holds it with its reason as a
//! `refused_change` conflict that a person may accept. The push answer names it, and the
//! laptop lists it with the reason (`set_aside`).

use crate::store::changes::Change;
use crate::store::{meta_get, Store};
use crate::Result;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Tables only the office writes: a laptop's change to them is refused.
const OFFICE_ONLY: &[&str] = &[
    "common_fault",
    "checklist_template",
    "complaint",
    "follow_up_call",
    "paper_loan",
];

/// One change the office refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub seq: i64,
    pub table: String,
    pub row_id: String,
    pub reason: String,
    pub reason_en: String,
}

/// The local-only key of the laptop's set-aside list.
const SET_ASIDE: &str = "sync_set_aside";

/// The changes of a batch pushed by `engineer_id` that the office refuses, with why:
/// - an `engineer` record other than the pusher's own (someone else's name, phone, prefix);
/// - an `engineer_key` (signing certificate) for another engineer;
/// - a `report` or `status_report` signed in another engineer's name;
/// - any change to the common faults table, which the technical lead keeps at the office
///   ([`crate::common_faults`]);
/// - any change to the checklist templates, which office staff add and retire
///   ([`crate::checklist::catalog`]);
/// - any change to a complaint, which the service centre handles there ([`crate::complaints`]);
/// - any 回访 call, which the service centre makes and records there ([`crate::follow_up`]);
/// - any paper archive loan, which the archive keeper records there ([`crate::paper_archive`]).
pub fn vet(conn: &Connection, changes: &[Change], engineer_id: &str) -> Result<Vec<Refusal>> {
    let mut out = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        if OFFICE_ONLY.contains(&c.table.as_str()) {
            let (reason, reason_en) = if c.table == "checklist_template" {
                (
                    "巡检模板由办公室人员添加或停用",
                    "checklist templates are added and retired by office staff",
                )
            } else if c.table == "paper_loan" {
                (
                    "纸质档案的借阅由档案管理员在办公室登记",
                    "paper archive loans are recorded by the archive keeper at the office",
                )
            } else if c.table == "follow_up_call" {
                (
                    "回访记录由客户服务中心在办公室登记",
                    "follow-up calls are recorded by the service centre at the office",
                )
            } else if c.table == "complaint" {
                (
                    "客户投诉由客户服务部在办公室登记和处理",
                    "complaints are registered and handled by the service centre at the office",
                )
            } else {
                (
                    "常见故障与处理表由技术负责人在办公室维护",
                    "the common faults table is kept by the technical lead at the office",
                )
            };
            out.push(Refusal {
                seq: c.seq,
                table: c.table.clone(),
                row_id: c.row_id.clone(),
                reason: reason.into(),
                reason_en: reason_en.into(),
            });
            continue;
        }
        let owner = match c.table.as_str() {
            "engineer" => Some(c.row_id.clone()),
            "engineer_key" | "report" | "status_report" => owner_of(conn, &changes[..i], c)?,
            _ => None,
        };
        let Some(owner) = owner else { continue };
        if owner != engineer_id {
            let (zh, en) = match c.table.as_str() {
                "engineer" => (
                    "不能修改其他工程师的档案",
                    "cannot change another engineer's record",
                ),
                "engineer_key" => (
                    "不能为其他工程师登记签名证书",
                    "cannot register a signing certificate for another engineer",
                ),
                _ => (
                    "不能以其他工程师的名义签署报告",
                    "cannot sign a report in another engineer's name",
                ),
            };
            out.push(Refusal {
                seq: c.seq,
                table: c.table.clone(),
                row_id: c.row_id.clone(),
                reason: zh.into(),
                reason_en: en.into(),
            });
        }
    }
    Ok(out)
}

/// The engineer a row belongs to: the change's own `engineer_id`, else the row as stored, else
/// an earlier change of the batch that created it.
fn owner_of(conn: &Connection, earlier: &[Change], c: &Change) -> Result<Option<String>> {
    if let Some(v) = c.fields.get("engineer_id").and_then(|v| v.as_str()) {
        return Ok(Some(v.to_string()));
    }
    let sql = format!("SELECT engineer_id FROM {} WHERE id = ?1", c.table);
    if let Some(v) = conn
        .query_row(&sql, [&c.row_id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
    {
        return Ok(Some(v));
    }
    Ok(earlier
        .iter()
        .rev()
        .filter(|e| e.table == c.table && e.row_id == c.row_id)
        .find_map(|e| e.fields.get("engineer_id").and_then(|v| v.as_str()))
        .map(str::to_string))
}

/// The refusals the office holds for `origin`'s changes `from..=to` (a replayed batch gets the
/// same answer as the first time).
pub fn held_refusals(conn: &Connection, origin: &str, from: i64, to: i64) -> Result<Vec<Refusal>> {
    let mut st = conn.prepare_cached(
        "SELECT origin_seq, json_extract(change, '$.table'), json_extract(change, '$.row_id'), reason
         FROM held_change WHERE origin = ?1 AND origin_seq BETWEEN ?2 AND ?3
           AND reason LIKE 'refused%' ORDER BY origin_seq",
    )?;
    let rows = st.query_map(rusqlite::params![origin, from, to], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, table, row_id, reason) = row?;
        let reason = reason
            .strip_prefix(crate::store::apply::REFUSED)
            .unwrap_or(&reason)
            .trim_start_matches(':')
            .trim()
            .to_string();
        let (en, zh) = reason
            .split_once(" / ")
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .unwrap_or_else(|| (reason.clone(), reason.clone()));
        out.push(Refusal {
            seq,
            table: table.unwrap_or_default(),
            row_id: row_id.unwrap_or_default(),
            reason: zh,
            reason_en: en,
        });
    }
    Ok(out)
}

/// The reason text the office holds a refused change with (English / Chinese).
pub fn held_reason(r: &Refusal) -> String {
    format!("{} / {}", r.reason_en, r.reason)
}

/// The changes the office refused, as this laptop keeps them (oldest first).
pub fn set_aside(store: &Store) -> Result<Vec<Refusal>> {
    Ok(match meta_get(store.conn(), SET_ASIDE)? {
        None => Vec::new(),
        // A damaged list is shown as empty rather than stopping sync: it only informs.
        Some(v) => serde_json::from_str(&v).unwrap_or_default(),
    })
}

/// Add refusals from a push answer to the set-aside list (each seq once).
pub fn keep_set_aside(store: &mut Store, new: &[Refusal]) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    let mut all = set_aside(store)?;
    for r in new {
        if !all.iter().any(|a| a.seq == r.seq) {
            all.push(r.clone());
        }
    }
    let json = serde_json::to_string(&all).map_err(|e| crate::Error::Migration(e.to_string()))?;
    store.write(|tx| {
        tx.conn().execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [SET_ASIDE, json.as_str()],
        )?;
        Ok(())
    })
}
