//! The engineer's store: one SQLite file (WAL, foreign keys on, `synchronous=FULL`) plus a
//! content-addressed blob folder beside it.
//!
//! Every user action is one IMMEDIATE transaction ([`Store::write`]); inside it each changed
//! synced row is stamped with a hybrid-logical-clock value and appended to the outbox, so what
//! sync later sends is exactly what was committed, and nothing acknowledged can be lost to a
//! crash (the outbox row and the data row commit or vanish together).

pub mod blobs;
pub mod contracts;
pub mod devices;
pub mod hlc;
pub mod migrations;
pub mod org;
pub mod outbox;
pub mod profile;
pub mod search;
pub mod today;
pub mod work_orders;

use crate::clock::Clock;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, ToSql, TransactionBehavior};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use blobs::BlobStore;
pub use outbox::Op;

/// A new record id: UUIDv7, so ids sort by creation time and never collide across engineers.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Who is writing: the engineer and the installation (device) they write from. Every synced
/// row carries both, so the office can tell which laptop a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    pub engineer: String,
    pub device: String,
}

pub struct Store {
    conn: Connection,
    clock: Arc<dyn Clock>,
    hlc: hlc::PersistentHlc,
    author: Author,
    path: PathBuf,
    blobs: BlobStore,
}

impl Store {
    /// Open (creating if needed) the database at `path`, upgrading an older schema and
    /// refusing a newer one.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        migrate(&mut conn)?;
        let device = installation_id(&conn)?;
        let hlc = hlc::PersistentHlc::load(&conn, &device)?;
        let engineer = meta_get(&conn, "current_engineer")?.unwrap_or_else(|| "unknown".into());
        let blobs = BlobStore::beside(path)?;
        Ok(Store {
            conn,
            clock,
            hlc,
            author: Author { engineer, device },
            path: path.to_path_buf(),
            blobs,
        })
    }

    /// Read-only access for queries. Writes go through [`Store::write`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    pub fn author(&self) -> &Author {
        &self.author
    }

    /// Make `engineer_id` the author of everything written from now on (remembered).
    pub fn set_current_engineer(&mut self, engineer_id: &str) -> Result<()> {
        self.write(|tx| tx.make_current_engineer(engineer_id))
    }

    pub fn current_engineer(&self) -> &str {
        &self.author.engineer
    }

    /// Run one user action as one IMMEDIATE transaction. The closure's changes, their outbox
    /// entries and the advanced clock commit together or not at all; the write is durable when
    /// this returns `Ok` (`synchronous=FULL`).
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let now = self.clock.now();
        let stamp = self.hlc.next();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut w = Tx {
            tx,
            stamp: SyncStamp {
                hlc: stamp.clone(),
                author: self.author.engineer.clone(),
                device: self.author.device.clone(),
            },
            now,
            new_engineer: None,
        };
        let out = f(&mut w)?;
        hlc::PersistentHlc::persist(&w.tx, &stamp)?;
        let new_engineer = w.new_engineer.take();
        w.tx.commit()?;
        if let Some(e) = new_engineer {
            self.author.engineer = e;
        }
        Ok(out)
    }
}

/// The sync columns every changed row gets within one transaction.
#[derive(Debug, Clone)]
pub struct SyncStamp {
    pub hlc: String,
    pub author: String,
    pub device: String,
}

/// An open write transaction. Dropping it without [`Store::write`] returning `Ok` rolls back.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    stamp: SyncStamp,
    now: DateTime<Utc>,
    new_engineer: Option<String>,
}

impl Tx<'_> {
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    pub fn stamp(&self) -> &SyncStamp {
        &self.stamp
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

    /// The wall-clock time of this user action (from the store's [`Clock`]).
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Insert a synced row: `cols` plus the sync columns, and its outbox entry. `table` is
    /// always a literal from the core, never a name that arrived from outside.
    pub fn insert(
        &self,
        table: &'static str,
        id: &str,
        cols: &[(&'static str, &dyn ToSql)],
        payload: &impl Serialize,
    ) -> Result<()> {
        let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (5..5 + cols.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} (id, hlc, author, author_device{}{}) VALUES (?1, ?2, ?3, ?4{}{})",
            if cols.is_empty() { "" } else { ", " },
            names.join(", "),
            if cols.is_empty() { "" } else { ", " },
            marks.join(", ")
        );
        let mut params: Vec<&dyn ToSql> =
            vec![&id, &self.stamp.hlc, &self.stamp.author, &self.stamp.device];
        params.extend(cols.iter().map(|(_, v)| *v));
        self.tx.prepare_cached(&sql)?.execute(params.as_slice())?;
        self.record(table, id, Op::Insert, payload)
    }

    /// Update columns of a synced row (restamping it) and append the change to the outbox.
    pub fn update(
        &self,
        table: &'static str,
        id: &str,
        cols: &[(&'static str, &dyn ToSql)],
        payload: &impl Serialize,
    ) -> Result<()> {
        let sets: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} = ?{}", i + 5))
            .collect();
        let sql = format!(
            "UPDATE {table} SET hlc = ?2, author = ?3, author_device = ?4{}{} WHERE id = ?1 AND deleted = 0",
            if cols.is_empty() { "" } else { ", " },
            sets.join(", ")
        );
        let mut params: Vec<&dyn ToSql> =
            vec![&id, &self.stamp.hlc, &self.stamp.author, &self.stamp.device];
        params.extend(cols.iter().map(|(_, v)| *v));
        let n = self.tx.prepare_cached(&sql)?.execute(params.as_slice())?;
        if n == 0 {
            return Err(Error::not_found(table, id));
        }
        self.record(table, id, Op::Update, payload)
    }

    /// Tombstone a synced row: it stays for sync and history, but reads no longer see it.
    pub fn tombstone(&self, table: &'static str, id: &str) -> Result<()> {
        let sql = format!(
            "UPDATE {table} SET deleted = 1, hlc = ?2, author = ?3, author_device = ?4 WHERE id = ?1 AND deleted = 0"
        );
        let s = &self.stamp;
        if self
            .tx
            .execute(&sql, rusqlite::params![id, s.hlc, s.author, s.device])?
            == 0
        {
            return Err(Error::not_found(table, id));
        }
        self.record(table, id, Op::Delete, &serde_json::json!({ "id": id }))
    }

    /// Append a change of a synced row to the outbox, in this transaction.
    pub fn record(&self, entity: &str, id: &str, op: Op, payload: &impl Serialize) -> Result<()> {
        outbox::append(&self.tx, &self.stamp, entity, id, op, payload)
    }
}

fn configure(conn: &Connection) -> Result<()> {
    // WAL: readers never block the writer and a crash never corrupts the file; FULL: an
    // acknowledged write survives power loss too (the battery can die at the lane).
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Bring the schema up to date, atomically; refuse a database from a newer weibao before
/// touching it.
fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let supported = migrations::latest_version();
    if found > supported {
        return Err(Error::SchemaTooNew { found, supported });
    }
    migrations::all()
        .to_latest(conn)
        .map_err(|e| Error::Migration(e.to_string()))
}

/// The schema version of an open database.
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

pub(crate) fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// This installation's id, made once and kept in the database.
fn installation_id(conn: &Connection) -> Result<String> {
    if let Some(id) = meta_get(conn, "installation_id")? {
        return Ok(id);
    }
    let id = new_id();
    conn.execute(
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('installation_id', ?1)",
        [&id],
    )?;
    Ok(meta_get(conn, "installation_id")?.unwrap_or(id))
}
