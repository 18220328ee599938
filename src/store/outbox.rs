//! The outbox: every change to a synced row, in commit order, for sync to push later.

use super::SyncStamp;
use crate::Result;
use rusqlite::Connection;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Insert,
    Update,
    Delete,
}

impl Op {
    pub fn code(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

pub(crate) fn append(
    conn: &Connection,
    stamp: &SyncStamp,
    entity: &str,
    id: &str,
    op: Op,
    payload: &impl Serialize,
) -> Result<()> {
    let json = serde_json::to_string(payload).map_err(|e| {
        crate::Error::invalid(
            entity,
            format!("无法序列化：{e}"),
            format!("cannot serialise: {e}"),
        )
    })?;
    conn.prepare_cached(
        "INSERT INTO outbox(entity, row_id, op, hlc, author, author_device, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        entity,
        id,
        op.code(),
        stamp.hlc,
        stamp.author,
        stamp.device,
        json
    ])?;
    Ok(())
}

/// One outbox entry, as sync and tests read it.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub entity: String,
    pub row_id: String,
    pub op: String,
    pub hlc: String,
    pub payload: serde_json::Value,
}

/// Entries after `after_seq`, oldest first.
pub fn since(conn: &Connection, after_seq: i64, limit: i64) -> Result<Vec<OutboxEntry>> {
    let mut st = conn.prepare(
        "SELECT seq, entity, row_id, op, hlc, payload FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = st.query_map([after_seq, limit], |r| {
        let payload: String = r.get(5)?;
        Ok(OutboxEntry {
            seq: r.get(0)?,
            entity: r.get(1)?,
            row_id: r.get(2)?,
            op: r.get(3)?,
            hlc: r.get(4)?,
            payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
