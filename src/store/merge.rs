//! The merge rules: how a change, made here or arriving from another replica, lands in a
//! replica's rows. Plain Rust over the small [`Replica`] interface, so that the office can keep
//! its replica elsewhere (PostgreSQL) by implementing that interface, without a second copy of
//! any rule.
//!
//! - **Records** merge per field by last writer: the higher `(HLC, installation)` stamp wins a
//!   field; the value it overwrites, or the losing value, goes to the field history, so nothing
//!   is ever lost. Two inserts of one row (a record with an id derived from its parent) merge
//!   field by field the same way.
//! - **Events and ledger movements** are written once. The same id with the same content is a
//!   duplicate; with other content it is a conflict: the earlier stamp stays in force on every
//!   replica and the other version is kept and listed.
//! - A change whose row or parent has not arrived yet is **held** and retried after every
//!   change that applies, so a batch never fails because it arrived out of order.
//!
//! Applying never re-runs a rule of the domain (a remote work-order step does not change a
//! device's status again): the rules ran where the change was made, and their effects are
//! changes of their own.

use super::changes::{Change, Fields, Op};
use super::registry::{Column, Merge, Table, DELETED};
use crate::Result;
use rusqlite::types::Value;
use std::collections::HashMap;

/// Who and when: a change's stamp, engineer and installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub hlc: String,
    pub author: String,
    pub device: String,
}

impl Stamp {
    pub fn of(c: &Change) -> Stamp {
        Stamp {
            hlc: c.hlc.clone(),
            author: c.author.clone(),
            device: c.origin.clone(),
        }
    }
}

/// A stored row as the merge needs it.
#[derive(Debug, Clone)]
pub struct Row {
    pub created: Stamp,
    /// The stamp of the row's latest winning change.
    pub last_hlc: String,
    /// Values of the columns asked for, in that order.
    pub values: Vec<Value>,
}

/// Whether a row write took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    Done,
    /// A parent or a constraint stops it for now; the reason says which.
    Blocked(String),
    /// An insert found a row with that id already (only `insert` returns this).
    Exists,
}

/// What a replica's storage must offer the merge. Every table and column passed in comes from
/// the registry.
pub trait Replica {
    fn read(&mut self, t: &Table, id: &str, cols: &[&'static Column]) -> Result<Option<Row>>;
    /// Fields with a clock of their own (written after the insert); others carry the row's
    /// created stamp.
    fn clocks(&mut self, t: &Table, id: &str) -> Result<HashMap<String, Stamp>>;
    fn insert(
        &mut self,
        t: &Table,
        id: &str,
        cols: &[(&'static Column, Value)],
        s: &Stamp,
    ) -> Result<Written>;
    /// Write `cols`; `last` becomes the row's last-change stamp when given.
    fn update(
        &mut self,
        t: &Table,
        id: &str,
        cols: &[(&'static Column, Value)],
        last: Option<&Stamp>,
    ) -> Result<Written>;
    fn set_created(&mut self, t: &Table, id: &str, s: &Stamp) -> Result<()>;
    fn set_clock(&mut self, t: &Table, id: &str, field: &str, s: &Stamp) -> Result<()>;
    /// Keep a value that is not (or no longer) in force.
    fn history(&mut self, t: &Table, id: &str, field: &str, v: &Value, s: &Stamp) -> Result<()>;
    /// Keep the version of an event that is not in force (a conflict to list).
    fn event_conflict(&mut self, t: &Table, id: &str, loser: &Fields, s: &Stamp) -> Result<()>;
    /// Keep the search index in step with the row.
    fn reindex(&mut self, t: &Table, id: &str) -> Result<()>;
    /// Whether the change `(origin, seq)` is held.
    fn is_held(&mut self, origin: &str, seq: i64) -> Result<bool>;
    /// Record a processed change, in the same transaction as its effects.
    fn log(&mut self, c: &Change) -> Result<()>;
    /// Record a change unless it is already recorded; `false` means it was (a duplicate).
    /// Logging first and applying second saves a lookup per change; [`Replica::unlog`] undoes
    /// it for a change that turns out to wait.
    fn log_new(&mut self, c: &Change) -> Result<bool>;
    fn unlog(&mut self, c: &Change) -> Result<()>;
    /// Keep a change that cannot apply yet, with the reason.
    fn hold(&mut self, c: &Change, reason: &str) -> Result<()>;
    fn unhold(&mut self, c: &Change) -> Result<()>;
    /// Every held change, oldest stamp first.
    fn held(&mut self) -> Result<Vec<(Change, String)>>;
    /// Whether a person (on any replica) accepted the change `(origin, seq)` held for its
    /// clock: a live `conflict_resolution` released it, so it applies here too.
    fn accepted(&mut self, origin: &str, seq: i64) -> Result<bool>;
}

/// What became of one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Some or all of its fields are in force (or it lost every field to later ones and is
    /// kept in the history: still applied).
    Applied,
    /// An event already here with the same content.
    Duplicate,
    /// An event already here with other content: both kept, one listed as a conflict.
    Conflict,
    /// Cannot apply yet (its row or a parent is missing); hold and retry.
    Held(String),
}

/// Apply one validated change to `r`.
pub fn apply<R: Replica>(r: &mut R, t: &'static Table, c: &Change) -> Result<Outcome> {
    let cols = columns_of(t, &c.fields);
    match t.merge {
        Merge::Record => merge_record(r, t, c, &cols),
        Merge::Event | Merge::Ledger => merge_event(r, t, c, &cols),
    }
}

fn columns_of(t: &'static Table, fields: &Fields) -> Vec<(&'static Column, Value)> {
    let mut out = Vec::with_capacity(fields.len());
    for (name, v) in fields {
        if let Some(col) = super::changes::column(t, name) {
            if let Some(val) = super::changes::from_json(col, v) {
                out.push((col, val));
            }
        }
    }
    out
}

fn all_columns(t: &'static Table) -> Vec<&'static Column> {
    let mut all: Vec<&'static Column> = t.columns.iter().collect();
    if t.mutable() {
        all.push(&DELETED);
    }
    all
}

fn merge_record<R: Replica>(
    r: &mut R,
    t: &'static Table,
    c: &Change,
    cols: &[(&'static Column, Value)],
) -> Result<Outcome> {
    let stamp = Stamp::of(c);
    let all = all_columns(t);
    if c.op == Op::Insert {
        if let Some(done) = try_insert(r, t, c, cols, &stamp)? {
            return Ok(done);
        }
    }
    let Some(row) = r.read(t, &c.row_id, &all)? else {
        return Ok(Outcome::Held("row_missing".into()));
    };
    // An insert writes the whole row, the tombstone flag included (`deleted = 0` at its
    // stamp): a second insert of a row weighs against a tombstone like any other write, so
    // the flag ends the same whichever order the inserts and the tombstone arrive in.
    let with_live: Vec<(&'static Column, Value)>;
    let cols = if c.op == Op::Insert && !cols.iter().any(|(col, _)| col.name == DELETED.name) {
        with_live = cols
            .iter()
            .cloned()
            .chain([(&DELETED, Value::Integer(0))])
            .collect();
        &with_live[..]
    } else {
        cols
    };
    let mut clocks = r.clocks(t, &c.row_id)?;
    if c.op == Op::Insert && row.created.hlc != stamp.hlc {
        // A second insert of one row (an id derived from its parent, made on two laptops):
        // give every field its clock explicitly, then let the earlier insert be the creation.
        for col in &all {
            if !clocks.contains_key(col.name) {
                r.set_clock(t, &c.row_id, col.name, &row.created)?;
                clocks.insert(col.name.to_string(), row.created.clone());
            }
        }
        if stamp.hlc < row.created.hlc {
            r.set_created(t, &c.row_id, &stamp)?;
        }
    }
    let mut wins: Vec<(&'static Column, Value)> = Vec::new();
    let mut overwritten: Vec<(&'static str, Value, Stamp)> = Vec::new();
    let mut lost: Vec<(&'static str, Value)> = Vec::new();
    for (col, val) in cols {
        let clock = clocks.get(col.name).unwrap_or(&row.created);
        let idx = all.iter().position(|a| a.name == col.name);
        let current = idx
            .and_then(|i| row.values.get(i))
            .cloned()
            .unwrap_or(Value::Null);
        if stamp.hlc > clock.hlc {
            overwritten.push((col.name, current, clock.clone()));
            wins.push((col, val.clone()));
        } else if stamp.hlc < clock.hlc {
            lost.push((col.name, val.clone()));
        }
    }
    if !wins.is_empty() {
        let last = (stamp.hlc > row.last_hlc).then_some(&stamp);
        match r.update(t, &c.row_id, &wins, last)? {
            Written::Blocked(why) => return Ok(Outcome::Held(why)),
            Written::Done | Written::Exists => {}
        }
        for (col, _) in &wins {
            r.set_clock(t, &c.row_id, col.name, &stamp)?;
        }
        r.reindex(t, &c.row_id)?;
    }
    for (field, v, s) in overwritten {
        r.history(t, &c.row_id, field, &v, &s)?;
    }
    for (field, v) in lost {
        r.history(t, &c.row_id, field, &v, &stamp)?;
    }
    Ok(Outcome::Applied)
}

/// Almost every insert is of a new row: try it, and merge (`None`) only if the id is taken.
fn try_insert<R: Replica>(
    r: &mut R,
    t: &'static Table,
    c: &Change,
    cols: &[(&'static Column, Value)],
    stamp: &Stamp,
) -> Result<Option<Outcome>> {
    Ok(match r.insert(t, &c.row_id, cols, stamp)? {
        Written::Done => {
            r.reindex(t, &c.row_id)?;
            Some(Outcome::Applied)
        }
        Written::Blocked(why) => Some(Outcome::Held(why)),
        Written::Exists => None,
    })
}

fn merge_event<R: Replica>(
    r: &mut R,
    t: &'static Table,
    c: &Change,
    cols: &[(&'static Column, Value)],
) -> Result<Outcome> {
    let stamp = Stamp::of(c);
    let all = all_columns(t);
    if let Some(done) = try_insert(r, t, c, cols, &stamp)? {
        return Ok(done);
    }
    let Some(row) = r.read(t, &c.row_id, &all)? else {
        return Ok(Outcome::Held("row_missing".into()));
    };
    let same = all.iter().zip(&row.values).all(|(col, v)| {
        cols.iter()
            .find(|(c2, _)| c2.name == col.name)
            .map(|(_, nv)| nv == v)
            .unwrap_or(true)
    });
    if same {
        // The same event made twice (an id derived from its parent): the earlier stamp is
        // the one every replica keeps.
        if stamp.hlc < row.created.hlc {
            r.set_created(t, &c.row_id, &stamp)?;
            r.update(t, &c.row_id, &[], Some(&stamp))?;
        }
        return Ok(Outcome::Duplicate);
    }
    if stamp.hlc < row.created.hlc {
        // The incoming version is older: it is the one in force everywhere; keep ours aside.
        let mut ours = Fields::new();
        for (col, v) in all.iter().zip(&row.values) {
            ours.insert(col.name.to_string(), value_json(v));
        }
        match r.update(t, &c.row_id, cols, Some(&stamp))? {
            Written::Blocked(why) => return Ok(Outcome::Held(why)),
            Written::Done | Written::Exists => {}
        }
        r.set_created(t, &c.row_id, &stamp)?;
        r.event_conflict(t, &c.row_id, &ours, &row.created)?;
        r.reindex(t, &c.row_id)?;
    } else {
        r.event_conflict(t, &c.row_id, &c.fields, &stamp)?;
    }
    Ok(Outcome::Conflict)
}

/// A stored value back as JSON (for keeping a version aside).
pub fn value_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Text(s) => s.clone().into(),
        Value::Blob(b) => hex::encode(b).into(),
    }
}
