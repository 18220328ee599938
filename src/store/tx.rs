//! One user action's write transaction. Every insert, update and tombstone becomes a
//! [`Change`] built from the table registry, gets its own HLC tick, lands in the row through
//! the same merge that remote changes go through, and is logged, all in the transaction.

use super::apply::{self, ApplyReport};
use super::changes::{self, Change, Fields, Op};
use super::merge::{self, Outcome, Replica};
use super::registry::{self, Column};
use super::replica::SqliteReplica;
use super::{hlc, meta_get, Author};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, ToSql};
use std::cell::Cell;

/// An open write transaction. Dropping it without [`super::Store::write`] returning `Ok`
/// rolls back.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    engineer: String,
    installation: String,
    installation_hex: String,
    now: DateTime<Utc>,
    /// The last stamp's time part: read from `meta.hlc_last` inside this transaction.
    last: Cell<u64>,
    /// The last stamp read at the start, to know whether to persist.
    started: u64,
    next_seq: Cell<i64>,
    new_engineer: Option<String>,
}

impl<'a> Tx<'a> {
    pub(super) fn begin(
        tx: rusqlite::Transaction<'a>,
        author: &Author,
        now: DateTime<Utc>,
    ) -> Result<Tx<'a>> {
        let last = meta_get(&tx, "hlc_last")?
            .and_then(|s| hlc::parse_time(&s))
            .unwrap_or(0);
        let next_seq = changes::last_seq(&tx, &author.device)?.saturating_add(1);
        Ok(Tx {
            engineer: author.engineer.clone(),
            installation: author.device.clone(),
            installation_hex: hlc::installation_hex(&author.device),
            now,
            last: Cell::new(last),
            started: last,
            next_seq: Cell::new(next_seq),
            new_engineer: None,
            tx,
        })
    }

    /// Remember the clock and commit. Returns the engineer to write as from now on, if this
    /// transaction changed it.
    pub(super) fn commit(self) -> Result<Option<String>> {
        let last = self.last.get();
        if last != self.started {
            self.tx.execute(
                "INSERT INTO meta(key, value) VALUES ('hlc_last', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [hlc::stamp(last, &self.installation_hex)],
            )?;
        }
        self.tx.commit()?;
        Ok(self.new_engineer)
    }

    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// The engineer this action is written as.
    pub fn author(&self) -> &str {
        &self.engineer
    }

    /// This installation's id.
    pub fn installation(&self) -> &str {
        &self.installation
    }

    /// The wall-clock time of this user action (from the store's [`crate::Clock`]).
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Make `engineer_id` the author of everything written after this transaction commits
    /// (remembered in the database). Done inside the transaction that creates the engineer, so
    /// a crash never leaves a profile that exists but is not the current one.
    pub fn make_current_engineer(&mut self, engineer_id: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meta(key, value) VALUES ('current_engineer', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [engineer_id],
        )?;
        self.new_engineer = Some(engineer_id.to_string());
        Ok(())
    }

    /// A fresh stamp for one change: never below any stamp made or seen before.
    fn tick(&self) -> String {
        let t = hlc::next_time(hlc::ntp64(self.now), self.last.get());
        self.last.set(t);
        hlc::stamp(t, &self.installation_hex)
    }

    /// Move the clock past a stamp seen from elsewhere.
    fn observe(&self, stamp: &str) {
        if let Some(t) = hlc::parse_time(stamp) {
            if t > self.last.get() {
                self.last.set(t);
            }
        }
    }

    /// Insert a synced row. `table` and the column names are literals of the core, checked
    /// against the registry.
    pub fn insert(
        &self,
        table: &'static str,
        id: &str,
        cols: &[(&'static str, &dyn ToSql)],
    ) -> Result<()> {
        let fields = self.fields(table, cols)?;
        self.local(table, id, Op::Insert, fields)
    }

    /// Insert a row whose id is derived from its key ([`super::derived_id`]), or change the
    /// columns of the row already there: what two laptops setting one keyed value offline both
    /// do, so their fields merge. A tombstoned row is not brought back (`not_found`).
    pub fn upsert(
        &self,
        table: &'static str,
        id: &str,
        cols: &[(&'static str, &dyn ToSql)],
    ) -> Result<()> {
        let t = registered(table)?;
        let exists: bool = self.conn().query_row(
            &format!("SELECT EXISTS(SELECT 1 FROM {} WHERE id = ?1)", t.name),
            [id],
            |r| r.get(0),
        )?;
        if exists {
            self.update(table, id, cols)
        } else {
            self.insert(table, id, cols)
        }
    }

    /// Change columns of a synced row. Only the fields whose value differs become the change
    /// (nothing changed: no change at all); the values they replace go to the field history.
    pub fn update(
        &self,
        table: &'static str,
        id: &str,
        cols: &[(&'static str, &dyn ToSql)],
    ) -> Result<()> {
        let t = registered(table)?;
        let mut fields = self.fields(table, cols)?;
        let wanted: Vec<&'static Column> = fields
            .keys()
            .filter_map(|k| changes::column(t, k))
            .collect();
        let mut with_deleted = wanted.clone();
        with_deleted.push(&registry::DELETED);
        let row = SqliteReplica::new(&self.tx)
            .read(t, id, &with_deleted)?
            .filter(|r| r.values.last() == Some(&Value::Integer(0)))
            .ok_or_else(|| Error::not_found(t.name, id))?;
        for (col, current) in wanted.iter().zip(&row.values) {
            if fields.get(col.name) == Some(&merge::value_json(current)) {
                fields.remove(col.name);
            }
        }
        if fields.is_empty() {
            return Ok(());
        }
        self.local(table, id, Op::Update, fields)
    }

    /// Tombstone a synced row: it stays for sync and history, but reads no longer see it.
    pub fn tombstone(&self, table: &'static str, id: &str) -> Result<()> {
        let t = registered(table)?;
        if !t.mutable() {
            return Err(Error::immutable(
                format!("该记录只能追加，不能删除（{table} {id}）"),
                format!("this record is append-only and cannot be deleted ({table} {id})"),
            ));
        }
        let live: bool = self
            .tx
            .query_row(
                &format!("SELECT deleted = 0 FROM {} WHERE id = ?1", t.name),
                [id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false);
        if !live {
            return Err(Error::not_found(t.name, id));
        }
        let mut fields = Fields::new();
        fields.insert("deleted".into(), 1.into());
        self.local(table, id, Op::Delete, fields)
    }

    fn fields(&self, table: &'static str, cols: &[(&'static str, &dyn ToSql)]) -> Result<Fields> {
        let t = registered(table)?;
        let mut fields = Fields::new();
        for (name, v) in cols {
            if changes::column(t, name).is_none() {
                return Err(Error::Migration(format!(
                    "column {table}.{name} is not in the table registry"
                )));
            }
            fields.insert((*name).to_string(), changes::to_json(*v)?);
        }
        Ok(fields)
    }

    /// Build, apply and log a change made here.
    fn local(&self, table: &'static str, id: &str, op: Op, fields: Fields) -> Result<()> {
        let seq = self.next_seq.get();
        let mut c = Change {
            origin: self.installation.clone(),
            seq,
            table: table.to_string(),
            row_id: id.to_string(),
            op,
            hlc: self.tick(),
            author: self.engineer.clone(),
            fields,
        };
        let t = c.validate_shape(table, false)?;
        let mut r = SqliteReplica::new(&self.tx);
        match merge::apply(&mut r, t, &c)? {
            Outcome::Applied => {}
            Outcome::Held(why) => {
                return Err(Error::invalid(
                    format!("{table}.id"),
                    format!("无法写入 {table}：引用的记录不存在（{why}）"),
                    format!("cannot write {table}: a referenced record is missing ({why})"),
                ))
            }
            Outcome::Duplicate | Outcome::Conflict => {
                return Err(Error::invalid(
                    format!("{table}.id"),
                    format!("记录 {id} 已存在"),
                    format!("record {id} already exists"),
                ))
            }
        }
        if op == Op::Insert {
            // The change carries the row as stored (SQL defaults included), so replaying it
            // elsewhere rebuilds exactly this row.
            let all: Vec<&'static Column> = t.columns.iter().collect();
            let row = r
                .read(t, id, &all)?
                .ok_or_else(|| Error::not_found(t.name, id))?;
            c.fields = all
                .iter()
                .zip(&row.values)
                .map(|(col, v)| (col.name.to_string(), merge::value_json(v)))
                .collect();
        }
        r.log(&c)?;
        self.next_seq.set(seq.saturating_add(1));
        Ok(())
    }

    /// Apply changes from another replica (see [`super::apply`]).
    pub fn apply_remote(
        &self,
        changes: &[Change],
        max_skew: u64,
        refuse: &dyn Fn(&Change) -> Option<String>,
    ) -> Result<ApplyReport> {
        let mut r = SqliteReplica::for_batch(&self.tx);
        let report = apply::apply_vetted(&mut r, changes, hlc::ntp64(self.now), max_skew, refuse)?;
        r.finish()?;
        if let Some(m) = &report.max_hlc {
            self.observe(m);
        }
        Ok(report)
    }

    /// [`Tx::apply_remote`] for a site fetched whole: this installation's own changes are
    /// merged again even though they are logged (see [`apply::apply_batch_again`]).
    pub fn apply_refetched(&self, changes: &[Change], max_skew: u64) -> Result<ApplyReport> {
        let mut r = SqliteReplica::for_batch(&self.tx);
        let report = apply::apply_batch_again(
            &mut r,
            changes,
            hlc::ntp64(self.now),
            max_skew,
            Some(&self.installation),
        )?;
        r.finish()?;
        if let Some(m) = &report.max_hlc {
            self.observe(m);
        }
        Ok(report)
    }

    /// Apply one held change whatever its stamp (an office person accepted it).
    pub fn release_held(&self, origin: &str, seq: i64) -> Result<()> {
        let mut r = SqliteReplica::new(&self.tx);
        apply::release(&mut r, origin, seq)
    }
}

fn registered(table: &str) -> Result<&'static registry::Table> {
    registry::table(table)
        .ok_or_else(|| Error::Migration(format!("table {table} is not in the table registry")))
}
