//! The change log: every change to a synced row, made here or applied from elsewhere, in the
//! order this replica committed it.
//!
//! A change is keyed by its origin installation and that installation's sequence number, so
//! the same change arriving twice (a resent batch, a file imported again, a change relayed by
//! another laptop) is recognised and skipped. Its `fields` hold exactly the registered columns
//! the change wrote, as JSON; nothing else travels.

use super::registry::{self, Column, Type};
use crate::{Error, Result};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, ToSql};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

    pub fn parse(s: &str) -> Option<Op> {
        match s {
            "insert" => Some(Op::Insert),
            "update" => Some(Op::Update),
            "delete" => Some(Op::Delete),
            _ => None,
        }
    }
}

pub type Fields = serde_json::Map<String, serde_json::Value>;

/// One change to one synced row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The installation that made the change.
    pub origin: String,
    /// That installation's sequence number for it (1, 2, 3, … with no gaps).
    pub seq: i64,
    pub table: String,
    pub row_id: String,
    pub op: Op,
    /// The change's own HLC stamp; every field it writes carries it.
    pub hlc: String,
    /// The engineer who made it.
    pub author: String,
    /// The registered columns written, and their values.
    pub fields: Fields,
}

impl Change {
    /// Check the change names only registered things and carries well-formed values, before
    /// any of it reaches SQL. `at` says where the change was found (for the message).
    pub fn validate(&self, at: &str) -> Result<&'static registry::Table> {
        self.validate_shape(at, true)
    }

    /// [`Change::validate`]; `complete` also requires an insert to carry every column (a change
    /// from elsewhere must; a local insert is completed from the stored row after SQL defaults).
    pub fn validate_shape(&self, at: &str, complete: bool) -> Result<&'static registry::Table> {
        let bad =
            |field: &str, zh: String, en: String| Error::invalid(format!("{at}.{field}"), zh, en);
        let table = registry::table(&self.table).ok_or_else(|| {
            bad(
                "table",
                format!("未知的表「{}」，已拒绝整个变更集", clip(&self.table)),
                format!("unknown table '{}': change set refused", clip(&self.table)),
            )
        })?;
        if super::hlc::parse_time(&self.hlc).is_none() {
            return Err(bad(
                "hlc",
                format!("时间戳格式错误：「{}」", clip(&self.hlc)),
                format!("malformed stamp '{}'", clip(&self.hlc)),
            ));
        }
        if uuid::Uuid::parse_str(&self.origin).is_err()
            || uuid::Uuid::parse_str(&self.row_id).is_err()
        {
            return Err(bad(
                "origin",
                "来源或记录编号不是 UUID".into(),
                "origin or row id is not a UUID".into(),
            ));
        }
        if self.seq < 1 {
            return Err(bad(
                "seq",
                format!("序号应大于 0，收到 {}", self.seq),
                format!("sequence must be positive, got {}", self.seq),
            ));
        }
        if !table.mutable() && self.op != Op::Insert {
            return Err(bad(
                "op",
                format!("表「{}」只能追加，不能修改或删除", table.name),
                format!("table '{}' is append-only", table.name),
            ));
        }
        for (name, value) in &self.fields {
            let col = column(table, name).ok_or_else(|| {
                bad(
                    "fields",
                    format!("表「{}」没有可同步的列「{}」", table.name, clip(name)),
                    format!(
                        "table '{}' has no synced column '{}'",
                        table.name,
                        clip(name)
                    ),
                )
            })?;
            if from_json(col, value).is_none() {
                return Err(bad(
                    "fields",
                    format!("列 {}.{} 的值类型不对", table.name, col.name),
                    format!("wrong value type for {}.{}", table.name, col.name),
                ));
            }
        }
        if complete && self.op == Op::Insert {
            if let Some(missing) = table
                .columns
                .iter()
                .find(|c| !self.fields.contains_key(c.name) && table.required_on_insert(c.name))
            {
                return Err(bad(
                    "fields",
                    format!("新增记录缺少列 {}.{}", table.name, missing.name),
                    format!("insert lacks column {}.{}", table.name, missing.name),
                ));
            }
        }
        Ok(table)
    }
}

/// A registered column of `table`, or the tombstone column of a mutable table.
pub fn column(table: &registry::Table, name: &str) -> Option<&'static Column> {
    if name == registry::DELETED.name && table.mutable() {
        return Some(&registry::DELETED);
    }
    table.column(name)
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A value as it goes into a change: the JSON for what SQLite would store.
pub fn to_json(v: &dyn ToSql) -> Result<serde_json::Value> {
    let out = v.to_sql()?;
    let r = match &out {
        ToSqlOutput::Borrowed(r) => *r,
        ToSqlOutput::Owned(v) => ValueRef::from(v),
        _ => {
            return Err(Error::invalid(
                "change.value",
                "不支持的值",
                "unsupported value",
            ))
        }
    };
    value_ref_json(r)
}

pub fn value_ref_json(r: ValueRef<'_>) -> Result<serde_json::Value> {
    Ok(match r {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .ok_or_else(|| Error::invalid("change.value", "数值无效", "not a finite number"))?,
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(_) => {
            return Err(Error::invalid(
                "change.value",
                "同步字段不能是二进制",
                "synced fields cannot be binary",
            ))
        }
    })
}

/// A change's JSON value as SQL, checked against the column's declared type.
pub fn from_json(col: &Column, v: &serde_json::Value) -> Option<Value> {
    match (col.ty, v) {
        (_, serde_json::Value::Null) => Some(Value::Null),
        (Type::Text, serde_json::Value::String(s)) => Some(Value::Text(s.clone())),
        (Type::Int, serde_json::Value::Number(n)) => n.as_i64().map(Value::Integer),
        (Type::Real, serde_json::Value::Number(n)) => n.as_f64().map(Value::Real),
        _ => None,
    }
}

/// Append a change to the log (local or applied), in the caller's transaction.
pub(crate) fn log(conn: &Connection, c: &Change) -> Result<()> {
    if log_new(conn, c)? {
        Ok(())
    } else {
        Err(Error::invalid(
            "change.seq",
            format!("变更 {}/{} 已记录", c.origin, c.seq),
            format!("change {}/{} is already logged", c.origin, c.seq),
        ))
    }
}

/// Append a change unless `(origin, seq)` is already logged; `false` if it was.
pub(crate) fn log_new(conn: &Connection, c: &Change) -> Result<bool> {
    let fields = serde_json::Value::Object(c.fields.clone()).to_string();
    let n = conn
        .prepare_cached(
            "INSERT INTO change_log(origin, origin_seq, tbl, row_id, op, hlc, author, fields)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(origin, origin_seq) DO NOTHING",
        )?
        .execute(rusqlite::params![
            c.origin,
            c.seq,
            c.table,
            c.row_id,
            c.op.code(),
            c.hlc,
            c.author,
            fields
        ])?;
    Ok(n == 1)
}

/// The last sequence number this replica holds from `origin` (0 if none).
pub fn last_seq(conn: &Connection, origin: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(origin_seq), 0) FROM change_log WHERE origin = ?1")?
        .query_row([origin], |r| r.get(0))?)
}

/// One logged change with its local position (the cursor an export or a push resumes from).
#[derive(Debug, Clone, Serialize)]
pub struct Logged {
    pub local_seq: i64,
    #[serde(flatten)]
    pub change: Change,
}

/// Logged changes after local position `after`, oldest first, at most `limit`.
pub fn since(conn: &Connection, after: i64, limit: i64) -> Result<Vec<Logged>> {
    read_logged(
        conn,
        "SELECT seq, origin, origin_seq, tbl, row_id, op, hlc, author, fields FROM change_log
         WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        rusqlite::params![after, limit],
    )
}

/// Like [`since`], without the changes that came from `origin` (what the office sends back to
/// one installation: everything but its own changes).
pub fn since_except(
    conn: &Connection,
    after: i64,
    origin: &str,
    limit: i64,
) -> Result<Vec<Logged>> {
    read_logged(
        conn,
        "SELECT seq, origin, origin_seq, tbl, row_id, op, hlc, author, fields FROM change_log
         WHERE seq > ?1 AND origin <> ?2 ORDER BY seq LIMIT ?3",
        rusqlite::params![after, origin, limit],
    )
}

/// `origin`'s own changes after its sequence number `after_seq`, in sequence order, at most
/// `limit` (what a laptop pushes: its outbox past the last acknowledged number).
pub fn from_origin(
    conn: &Connection,
    origin: &str,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<Logged>> {
    read_logged(
        conn,
        "SELECT seq, origin, origin_seq, tbl, row_id, op, hlc, author, fields FROM change_log
         WHERE origin = ?1 AND origin_seq > ?2 ORDER BY origin_seq LIMIT ?3",
        rusqlite::params![origin, after_seq, limit],
    )
}

/// What sits at local position `pos` of the log, as `origin/seq` (`None` if nothing does). A
/// position never changes hands within one database (logged rows are never removed, positions
/// never reused), but a copy restored from a backup reuses the positions after it for other
/// changes: a client keeps this tag with its pull cursor to notice that.
pub fn tag_at(conn: &Connection, pos: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT origin || '/' || origin_seq FROM change_log WHERE seq = ?1")?
        .query_row([pos], |r| r.get(0))
        .optional()?)
}

/// The highest local position in the change log (0 when empty).
pub fn last_position(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM change_log")?
        .query_row([], |r| r.get(0))?)
}

/// Logged changes from `sql`, which selects `seq, origin, origin_seq, tbl, row_id, op, hlc,
/// author, fields` of `change_log` (the sync scope's filtered pages read through it too).
pub(crate) fn read_logged(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Logged>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map(params, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (local_seq, origin, seq, table, row_id, op, hlc, author, fields) = row?;
        let fields = match serde_json::from_str(&fields) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => {
                return Err(Error::Migration(format!(
                    "change log row {local_seq} is damaged"
                )))
            }
        };
        let op = Op::parse(&op)
            .ok_or_else(|| Error::Migration(format!("change log row {local_seq} is damaged")))?;
        out.push(Logged {
            local_seq,
            change: Change {
                origin,
                seq,
                table,
                row_id,
                op,
                hlc,
                author,
                fields,
            },
        });
    }
    Ok(out)
}

/// The highest sequence number this replica has received from `origin`, applied or held
/// (a held change is not in the log until it applies, but it was received: a sender must not
/// be asked for it again, and the next one it sends follows it).
pub fn received_through(conn: &Connection, origin: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT MAX((SELECT COALESCE(MAX(origin_seq), 0) FROM change_log WHERE origin = ?1),
                        (SELECT COALESCE(MAX(origin_seq), 0) FROM held_change WHERE origin = ?1))",
        )?
        .query_row([origin], |r| r.get(0))?)
}
