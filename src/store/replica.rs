//! The SQLite side of the merge: [`Replica`] over one open transaction. Every SQL string here
//! is built from registry constants only (table and column names never come off the wire),
//! and values are always bound.

use super::changes::{self, Change, Fields};
use super::merge::{value_json, Replica, Row, Stamp, Written};
use super::registry::{Column, Table};
use crate::Result;
use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OptionalExtension};
use std::collections::HashMap;

pub struct SqliteReplica<'c> {
    conn: &'c Connection,
    /// Whether anything is held, so the common case skips a lookup per change.
    any_held: Option<bool>,
    /// Rows to reindex once at the end of a batch (a batch often edits one row many times);
    /// `None` reindexes at once (a local write).
    pending_index: Option<std::collections::BTreeSet<(&'static str, String)>>,
}

impl<'c> SqliteReplica<'c> {
    pub fn new(conn: &'c Connection) -> Self {
        SqliteReplica {
            conn,
            any_held: None,
            pending_index: None,
        }
    }

    /// A replica for applying a batch: the search index is brought up to date once per
    /// touched row by [`SqliteReplica::finish`], in the same transaction.
    pub fn for_batch(conn: &'c Connection) -> Self {
        SqliteReplica {
            pending_index: Some(Default::default()),
            ..SqliteReplica::new(conn)
        }
    }

    /// Reindex every row the batch touched.
    pub fn finish(&mut self) -> Result<()> {
        for (table, id) in self.pending_index.take().unwrap_or_default() {
            super::search::reindex(self.conn, table, &id)?;
        }
        Ok(())
    }
}

/// A constraint failure means "not yet" for a remote change (its parent is still on its way)
/// and is kept with a reason; any other failure is a real error.
fn written(r: rusqlite::Result<usize>) -> Result<Written> {
    match r {
        Ok(_) => Ok(Written::Done),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            Ok(Written::Exists)
        }
        Err(rusqlite::Error::SqliteFailure(e, msg)) if e.code == ErrorCode::ConstraintViolation => {
            let why = if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY {
                "missing_parent".to_string()
            } else {
                format!("constraint: {}", msg.unwrap_or_default())
            };
            Ok(Written::Blocked(why))
        }
        Err(e) => Err(e.into()),
    }
}

impl Replica for SqliteReplica<'_> {
    fn read(&mut self, t: &Table, id: &str, cols: &[&'static Column]) -> Result<Option<Row>> {
        let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
        let sql = format!(
            "SELECT created_hlc, created_by, created_device, hlc{}{} FROM {} WHERE id = ?1",
            if names.is_empty() { "" } else { ", " },
            names.join(", "),
            t.name
        );
        let n = cols.len();
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], |r| {
                let mut values = Vec::with_capacity(n);
                for i in 0..n {
                    values.push(r.get::<_, Value>(i + 4)?);
                }
                Ok(Row {
                    created: Stamp {
                        hlc: r.get(0)?,
                        author: r.get(1)?,
                        device: r.get(2)?,
                    },
                    last_hlc: r.get(3)?,
                    values,
                })
            })
            .optional()?)
    }

    fn clocks(&mut self, t: &Table, id: &str) -> Result<HashMap<String, Stamp>> {
        let mut st = self.conn.prepare_cached(
            "SELECT field, hlc, author, device FROM field_clock WHERE tbl = ?1 AND row_id = ?2",
        )?;
        let rows = st.query_map([t.name, id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Stamp {
                    hlc: r.get(1)?,
                    author: r.get(2)?,
                    device: r.get(3)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert(
        &mut self,
        t: &Table,
        id: &str,
        cols: &[(&'static Column, Value)],
        s: &Stamp,
    ) -> Result<Written> {
        let names: Vec<&str> = cols.iter().map(|(c, _)| c.name).collect();
        let marks: Vec<String> = (5..5 + cols.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {} (id, hlc, author, author_device, created_hlc, created_by, created_device{}{})
             VALUES (?1, ?2, ?3, ?4, ?2, ?3, ?4{}{})",
            t.name,
            if cols.is_empty() { "" } else { ", " },
            names.join(", "),
            if cols.is_empty() { "" } else { ", " },
            marks.join(", ")
        );
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&id, &s.hlc, &s.author, &s.device];
        params.extend(cols.iter().map(|(_, v)| v as &dyn rusqlite::ToSql));
        match written(self.conn.prepare_cached(&sql)?.execute(params.as_slice()))? {
            // Another UNIQUE index may fire before the primary key does: a row with this id
            // is still "exists", whatever constraint reported it.
            Written::Blocked(why) => {
                let exists = self
                    .conn
                    .prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", t.name))?
                    .query_row([id], |_| Ok(()))
                    .optional()?
                    .is_some();
                Ok(if exists {
                    Written::Exists
                } else {
                    Written::Blocked(why)
                })
            }
            w => Ok(w),
        }
    }

    fn update(
        &mut self,
        t: &Table,
        id: &str,
        cols: &[(&'static Column, Value)],
        last: Option<&Stamp>,
    ) -> Result<Written> {
        let mut sets: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{} = ?{}", c.name, i + 2))
            .collect();
        let k = cols.len() + 2;
        if last.is_some() {
            sets.push(format!(
                "hlc = ?{k}, author = ?{}, author_device = ?{}",
                k + 1,
                k + 2
            ));
        }
        if sets.is_empty() {
            return Ok(Written::Done);
        }
        let sql = format!("UPDATE {} SET {} WHERE id = ?1", t.name, sets.join(", "));
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&id];
        params.extend(cols.iter().map(|(_, v)| v as &dyn rusqlite::ToSql));
        if let Some(s) = last {
            params.extend([&s.hlc as &dyn rusqlite::ToSql, &s.author, &s.device]);
        }
        written(self.conn.prepare_cached(&sql)?.execute(params.as_slice()))
    }

    fn set_created(&mut self, t: &Table, id: &str, s: &Stamp) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET created_hlc = ?2, created_by = ?3, created_device = ?4 WHERE id = ?1",
            t.name
        );
        self.conn
            .prepare_cached(&sql)?
            .execute(rusqlite::params![id, s.hlc, s.author, s.device])?;
        Ok(())
    }

    fn set_clock(&mut self, t: &Table, id: &str, field: &str, s: &Stamp) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO field_clock(tbl, row_id, field, hlc, author, device)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(tbl, row_id, field) DO UPDATE SET
                   hlc = excluded.hlc, author = excluded.author, device = excluded.device",
            )?
            .execute(rusqlite::params![
                t.name, id, field, s.hlc, s.author, s.device
            ])?;
        Ok(())
    }

    fn history(&mut self, t: &Table, id: &str, field: &str, v: &Value, s: &Stamp) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO field_history(tbl, row_id, field, hlc, author, device, value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(tbl, row_id, field, hlc) DO NOTHING",
            )?
            .execute(rusqlite::params![
                t.name,
                id,
                field,
                s.hlc,
                s.author,
                s.device,
                value_json(v).to_string()
            ])?;
        Ok(())
    }

    fn event_conflict(&mut self, t: &Table, id: &str, loser: &Fields, s: &Stamp) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_conflict(tbl, row_id, hlc, author, device, fields)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(tbl, row_id, hlc) DO NOTHING",
            )?
            .execute(rusqlite::params![
                t.name,
                id,
                s.hlc,
                s.author,
                s.device,
                serde_json::Value::Object(loser.clone()).to_string()
            ])?;
        Ok(())
    }

    fn reindex(&mut self, t: &Table, id: &str) -> Result<()> {
        match &mut self.pending_index {
            Some(pending) => {
                pending.insert((t.name, id.to_string()));
                Ok(())
            }
            None => super::search::reindex(self.conn, t.name, id),
        }
    }

    fn is_held(&mut self, origin: &str, seq: i64) -> Result<bool> {
        if self.any_held.is_none() {
            let n: i64 = self
                .conn
                .query_row("SELECT COUNT(*) FROM held_change", [], |r| r.get(0))?;
            self.any_held = Some(n > 0);
        }
        if self.any_held == Some(false) {
            return Ok(false);
        }
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM held_change WHERE origin = ?1 AND origin_seq = ?2")?
            .query_row(rusqlite::params![origin, seq], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn log_new(&mut self, c: &Change) -> Result<bool> {
        changes::log_new(self.conn, c)
    }

    fn unlog(&mut self, c: &Change) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM change_log WHERE origin = ?1 AND origin_seq = ?2")?
            .execute(rusqlite::params![c.origin, c.seq])?;
        Ok(())
    }

    fn log(&mut self, c: &Change) -> Result<()> {
        changes::log(self.conn, c)
    }

    fn hold(&mut self, c: &Change, reason: &str) -> Result<()> {
        let json = serde_json::to_string(c).map_err(|e| {
            crate::Error::invalid("change", "无法保存变更", format!("cannot keep change: {e}"))
        })?;
        self.conn
            .prepare_cached(
                "INSERT INTO held_change(origin, origin_seq, hlc, reason, change)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(origin, origin_seq) DO UPDATE SET reason = excluded.reason",
            )?
            .execute(rusqlite::params![c.origin, c.seq, c.hlc, reason, json])?;
        self.any_held = Some(true);
        Ok(())
    }

    fn unhold(&mut self, c: &Change) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM held_change WHERE origin = ?1 AND origin_seq = ?2")?
            .execute(rusqlite::params![c.origin, c.seq])?;
        Ok(())
    }

    fn accepted(&mut self, origin: &str, seq: i64) -> Result<bool> {
        let skew = format!("{}/{origin}/{seq}", super::apply::CLOCK_SKEW);
        let refused = format!("refused_change/{origin}/{seq}");
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM conflict_resolution
                 WHERE conflict_key IN (?1, ?2) AND action = 'released' AND deleted = 0 LIMIT 1",
            )?
            .query_row([skew, refused], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn held(&mut self) -> Result<Vec<(Change, String)>> {
        if self.any_held == Some(false) {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT change, reason FROM held_change ORDER BY hlc, origin, origin_seq",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (json, reason) = row?;
            if let Ok(c) = serde_json::from_str::<Change>(&json) {
                out.push((c, reason));
            }
        }
        Ok(out)
    }
}
