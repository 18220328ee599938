//! Conflicts as data: what a merge cannot decide for a person is listed, never silently
//! resolved. Each conflict names its records and what an office person can do; resolving one
//! is itself a synced record (`conflict_resolution`), so every replica sees it resolved.
//!
//! Conflicts are computed from the merged data (a stock balance below zero, two signed
//! originals, a key used twice, a work order's history with a gap), from events whose id came
//! with other content (`sync_conflict`), and from changes held because their stamp ran ahead.

use crate::store::{derived_id, Store};
use crate::{Error, Result};
use rusqlite::OptionalExtension;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Conflict {
    /// Stable key (the same on every replica): what `resolve` takes.
    pub key: String,
    pub kind: &'static str,
    /// The records involved (ids).
    pub records: Vec<String>,
    pub message: String,
    pub message_en: String,
    /// What an office person can do about it.
    pub action: String,
    pub action_en: String,
    /// Set once someone resolved it: who and the note.
    pub resolution: Option<String>,
}

/// Every open conflict (with `all`, resolved ones too), in a stable order.
pub fn list(store: &Store, all: bool) -> Result<Vec<Conflict>> {
    let conn = store.conn();
    let mut out = Vec::new();
    negative_stock(conn, &mut out)?;
    two_signed_reports(conn, &mut out)?;
    for (table, col, what_zh, what_en) in DUPLICATE_KEYS {
        duplicates(conn, table, col, what_zh, what_en, &mut out)?;
    }
    event_conflicts(conn, &mut out)?;
    history_gaps(conn, &mut out)?;
    contract_periods(conn, &mut out)?;
    clock_skew(conn, &mut out)?;
    refused(conn, &mut out)?;
    waiting(conn, &mut out)?;
    for c in &mut out {
        c.resolution = resolution(conn, &c.key)?;
    }
    if !all {
        out.retain(|c| c.resolution.is_none());
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// Record that `key` was dealt with (synced). A conflict of a change held for its clock is
/// resolved by applying that change.
pub fn resolve(store: &mut Store, key: &str, note: &str) -> Result<()> {
    let open = list(store, false)?;
    let Some(c) = open.into_iter().find(|c| c.key == key) else {
        return Err(Error::not_found("conflict", key));
    };
    let note = crate::domain::values::required_text(
        "conflict.note",
        note,
        crate::domain::values::MAX_NOTE_CHARS,
    )?;
    let releases = c.kind == "clock_skew" || c.kind == "refused_change";
    if releases {
        if let Some((origin, seq)) = key
            .strip_prefix(&format!("{}/", c.kind))
            .and_then(|r| r.rsplit_once('/'))
        {
            let seq: i64 = seq.parse().map_err(|_| Error::not_found("conflict", key))?;
            store.release_held(origin, seq)?;
        }
    }
    let action = if releases { "released" } else { "acknowledged" };
    store.write(|tx| {
        let id = derived_id("conflict_resolution", key);
        let at = tx.now().to_rfc3339();
        tx.insert(
            "conflict_resolution",
            &id,
            &[
                ("conflict_key", &key),
                ("action", &action),
                ("note", &note),
                ("resolved_at", &at),
            ],
        )
    })
}

fn resolution(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT r.resolved_at || ' ' || COALESCE(e.name, r.author) || '：' || COALESCE(r.note, '')
             FROM conflict_resolution r LEFT JOIN engineer e ON e.id = r.author
             WHERE r.conflict_key = ?1 AND r.deleted = 0 ORDER BY r.hlc DESC LIMIT 1",
        )?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

fn negative_stock(conn: &rusqlite::Connection, out: &mut Vec<Conflict>) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT l.id, l.name, p.id, p.code, SUM(m.delta) AS on_hand FROM (
            SELECT to_location AS loc, part_id, qty AS delta FROM stock_movement WHERE to_location IS NOT NULL AND deleted = 0
            UNION ALL
            SELECT from_location, part_id, -qty FROM stock_movement WHERE from_location IS NOT NULL AND deleted = 0
         ) m JOIN stock_location l ON l.id = m.loc JOIN part p ON p.id = m.part_id
         GROUP BY m.loc, m.part_id HAVING on_hand < 0",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    for row in rows {
        let (loc, loc_name, part, code, n) = row?;
        out.push(Conflict {
            key: format!("negative_stock/{loc}/{part}"),
            kind: "negative_stock",
            records: vec![loc, part],
            message: format!("库位「{loc_name}」的 {code} 合并后为 {n}：多台电脑离线时都用了它"),
            message_en: format!(
                "{code} at '{loc_name}' is {n} after merging: used offline on more than one laptop"
            ),
            action: "清点实物后做一次盘点调整（adjust），或补录漏记的入库".into(),
            action_en: "count the stock and record an adjustment, or the missing receipt".into(),
            resolution: None,
        });
    }
    Ok(())
}

fn two_signed_reports(conn: &rusqlite::Connection, out: &mut Vec<Conflict>) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT work_order_id, group_concat(number || ' ' || id, ', ') FROM (
            SELECT work_order_id, number, id FROM report WHERE kind <> 'addendum' AND deleted = 0
            ORDER BY created_hlc)
         GROUP BY work_order_id HAVING COUNT(*) > 1",
    )?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (wo, reports) = row?;
        out.push(Conflict {
            key: format!("two_reports/{wo}"),
            kind: "two_signed_reports",
            records: vec![wo.clone()],
            message: format!("工单 {wo} 有两份签名原件：{reports}；两份都已保留"),
            message_en: format!("work order {wo} has two signed originals: {reports}; both kept"),
            action: "与客户核对哪一份是正式记录，另一份以补充说明（addendum）注明作废原因".into(),
            action_en: "agree with the customer which is the record; void the other by an addendum"
                .into(),
            resolution: None,
        });
    }
    Ok(())
}

/// Keys that should name one record but that two laptops can create offline.
const DUPLICATE_KEYS: &[(&str, &str, &str, &str)] = &[
    ("device", "code", "设备统一编号", "device code"),
    ("contract", "number", "合同编号", "contract number"),
    ("stock_location", "name", "库位名称", "location name"),
    ("part", "code", "备件编码", "part code"),
    ("spare_unit", "serial", "备机序列号", "spare serial"),
    ("report", "number", "报告编号", "report number"),
];

fn duplicates(
    conn: &rusqlite::Connection,
    table: &str,
    col: &str,
    what_zh: &str,
    what_en: &str,
    out: &mut Vec<Conflict>,
) -> Result<()> {
    // `table` and `col` come from DUPLICATE_KEYS above, never from input.
    let sql = format!(
        "SELECT {col}, group_concat(id, ',') FROM (SELECT {col}, id FROM {table} WHERE deleted = 0 ORDER BY id)
         GROUP BY {col} HAVING COUNT(*) > 1"
    );
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (value, ids) = row?;
        out.push(Conflict {
            key: format!("duplicate/{table}.{col}/{value}"),
            kind: "duplicate_key",
            records: ids.split(',').map(str::to_string).collect(),
            message: format!("{what_zh} {value} 被 {} 条记录使用", ids.split(',').count()),
            message_en: format!(
                "{what_en} {value} is used by {} records",
                ids.split(',').count()
            ),
            action: format!("核对后修改其中一条的{what_zh}，或作废重复的记录"),
            action_en: format!("change the {what_en} of one of them, or tombstone the duplicate"),
            resolution: None,
        });
    }
    Ok(())
}

fn event_conflicts(conn: &rusqlite::Connection, out: &mut Vec<Conflict>) -> Result<()> {
    let mut st = conn.prepare("SELECT tbl, row_id, hlc, author, fields FROM sync_conflict")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    for row in rows {
        let (tbl, id, hlc, author, fields) = row?;
        out.push(Conflict {
            key: format!("event/{tbl}/{id}/{hlc}"),
            kind: "event_content",
            records: vec![id.clone()],
            message: format!("记录 {tbl} {id} 以不同内容写过两次（作者 {author}）；先写的生效，另一版本已保留：{fields}"),
            message_en: format!("{tbl} {id} was written twice with different content (by {author}); the earlier is in force, the other is kept: {fields}"),
            action: "核对两个版本，必要时补录正确的记录".into(),
            action_en: "compare both versions and record a correction if needed".into(),
            resolution: None,
        });
    }
    Ok(())
}

/// Work orders whose furthest step is missing an earlier one (an event lost or still held):
/// the state is still the furthest step, never moved back, but the evidence is incomplete.
fn history_gaps(conn: &rusqlite::Connection, out: &mut Vec<Conflict>) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT work_order_id, MAX(step), COUNT(DISTINCT step) FROM work_order_event
         WHERE deleted = 0 GROUP BY work_order_id HAVING COUNT(DISTINCT step) <> MAX(step) + 1",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (wo, max, n) = row?;
        out.push(Conflict {
            key: format!("history/{wo}"),
            kind: "work_order_history",
            records: vec![wo.clone()],
            message: format!(
                "工单 {wo} 已到第 {max} 步，但只记录了 {n} 个不同的步骤：中间的记录缺失"
            ),
            message_en: format!(
                "work order {wo} reached step {max} but only {n} distinct steps are recorded"
            ),
            action: "向相关工程师核实缺失步骤的时间，并在工单备注中补记".into(),
            action_en: "ask the engineers when the missing steps happened and note them".into(),
            resolution: None,
        });
    }
    Ok(())
}

fn clock_skew(conn: &rusqlite::Connection, out: &mut Vec<Conflict>) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT origin, origin_seq, hlc FROM held_change WHERE reason = ?1 ORDER BY hlc",
    )?;
    let rows = st.query_map([crate::store::apply::CLOCK_SKEW], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (origin, seq, hlc) = row?;
        let when = crate::store::hlc::parse_time(&hlc)
            .and_then(crate::store::hlc::to_datetime)
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| hlc.clone());
        out.push(Conflict {
            key: format!("clock_skew/{origin}/{seq}"),
            kind: "clock_skew",
            records: vec![origin.clone()],
            message: format!("电脑 {origin} 的变更 #{seq} 时间戳为 {when}，远超本机时间：已暂存未应用"),
            message_en: format!("change #{seq} from installation {origin} is stamped {when}, far ahead of this clock: held, not applied"),
            action: "核实该电脑的时钟；确认内容无误后“解决”即应用此变更".into(),
            action_en: "check that laptop's clock; resolving applies the change".into(),
            resolution: None,
        });
    }
    Ok(())
}

/// Changes this office refused (`sync::vet`: another engineer's record, …): held with the
/// reason; resolving accepts and applies one.
fn refused(conn: &rusqlite::Connection, out: &mut Vec<Conflict>) -> Result<()> {
    for h in held(conn, true)? {
        let Held {
            origin,
            seq,
            reason,
            table,
            row_id,
        } = h;
        out.push(Conflict {
            key: format!("refused_change/{origin}/{seq}"),
            kind: "refused_change",
            records: vec![row_id.clone()],
            message: format!("电脑 {origin} 的变更 #{seq}（{table} {row_id}）被拒绝，未应用：{reason}"),
            message_en: format!("change #{seq} from installation {origin} ({table} {row_id}) was refused, not applied: {reason}"),
            action: "核实后“解决”即接受并应用此变更；否则告知该工程师".into(),
            action_en: "check it; resolving accepts and applies the change, otherwise tell the engineer".into(),
            resolution: None,
        });
    }
    Ok(())
}

/// A held change as the conflict list names it.
struct Held {
    origin: String,
    seq: i64,
    reason: String,
    table: String,
    row_id: String,
}

/// Held changes other than those held for their clock: the refused ones (`refused`) or the
/// ones waiting for something to arrive, oldest stamp first.
fn held(conn: &rusqlite::Connection, refused: bool) -> Result<Vec<Held>> {
    let mut st = conn.prepare_cached(
        "SELECT origin, origin_seq, reason, json_extract(change, '$.table'), json_extract(change, '$.row_id')
         FROM held_change WHERE reason <> ?1 AND (reason LIKE 'refused%') = ?2 ORDER BY hlc",
    )?;
    let rows = st.query_map(
        rusqlite::params![crate::store::apply::CLOCK_SKEW, refused],
        |r| {
            Ok(Held {
                origin: r.get(0)?,
                seq: r.get(1)?,
                reason: r.get(2)?,
                table: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                row_id: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A contract whose dates crossed when two edits merged (each valid where it was made).
fn contract_periods(conn: &rusqlite::Connection, out: &mut Vec<Conflict>) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT id, number, start_date, end_date FROM contract WHERE deleted = 0 AND end_date < start_date",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    for row in rows {
        let (id, number, start, end) = row?;
        out.push(Conflict {
            key: format!("contract_period/{id}"),
            kind: "contract_period",
            records: vec![id],
            message: format!("合同 {number} 合并后起止日期交叉：{start} 至 {end}（两处分别修改了开始和结束日期）"),
            message_en: format!("contract {number} has crossed dates after merging: {start} to {end} (start and end were edited in two places)"),
            action: "核对合同原件，改正开始或结束日期（两次修改的原值都在字段历史中）".into(),
            action_en: "check the signed contract and correct the start or end date (both earlier values are in the field history)".into(),
            resolution: None,
        });
    }
    Ok(())
}

/// Changes waiting for something that has not arrived (a parent record) or that a constraint
/// refuses: listed so that nothing waits unseen. Most disappear at the next exchange.
fn waiting(conn: &rusqlite::Connection, out: &mut Vec<Conflict>) -> Result<()> {
    for h in held(conn, false)? {
        let Held {
            origin,
            seq,
            reason,
            table,
            row_id,
        } = h;
        out.push(Conflict {
            key: format!("waiting/{origin}/{seq}"),
            kind: "waiting_change",
            records: vec![row_id.clone()],
            message: format!("来自电脑 {origin} 的变更 #{seq}（{table} {row_id}）尚未应用：{reason}"),
            message_en: format!("change #{seq} from installation {origin} ({table} {row_id}) is not applied yet: {reason}"),
            action: "再同步一次（通常是上级记录还没到）；仍在则联系该电脑的工程师".into(),
            action_en: "sync again (usually its parent record has not arrived yet); if it stays, ask that laptop's engineer".into(),
            resolution: None,
        });
    }
    Ok(())
}
