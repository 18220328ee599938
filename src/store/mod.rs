//! The engineer's store: one SQLite file (WAL, foreign keys on, `synchronous=FULL`) plus a
//! content-addressed blob folder beside it.
//!
//! This module is infrastructure only: the connection, transactions, migrations, the clock,
//! the table registry, the change log and the merge. Rules live in feature modules beside it.
//!
//! Every user action is one IMMEDIATE transaction ([`Store::write`]); inside it each change to
//! a synced row gets its own hybrid-logical-clock tick and is written to the change log from
//! the [`registry`], so what sync later sends is exactly what was committed, and nothing
//! acknowledged can be lost to a crash (the change and the row commit or vanish together).

pub mod apply;
pub mod blobs;
pub mod changes;
pub mod changeset;
pub mod hlc;
pub mod merge;
pub mod migrations;
pub mod registry;
pub mod replica;
pub mod search;
mod tx;

use crate::clock::Clock;
use crate::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use blobs::BlobStore;
pub use changes::{Change, Op};
pub use tx::Tx;

/// A new record id: UUIDv7, so ids sort by creation time and never collide across engineers.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The id of a record there is only one of per parent (a work order's service record, an
/// inspection's item for one key): a UUIDv5 of the parent and the role, so two laptops that
/// create it offline create the same row and their fields merge instead of clashing.
pub fn derived_id(kind: &str, parent: &str) -> String {
    const NS: uuid::Uuid = uuid::Uuid::from_u128(0x6b1e_5a0c_93d4_4f7e_9c2b_77a1_0d3e_5f21);
    uuid::Uuid::new_v5(&NS, format!("{kind}/{parent}").as_bytes()).to_string()
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
    author: Author,
    path: PathBuf,
    blobs: BlobStore,
    max_skew: chrono::Duration,
}

/// How far ahead of this machine's clock a remote stamp may be before its change is held.
pub const DEFAULT_MAX_SKEW_HOURS: i64 = 24;

impl Store {
    /// Open (creating if needed) the database at `path`, upgrading an older schema and
    /// refusing a newer one.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                crate::files::create_dir("db", dir)?;
            }
        }
        if path.is_dir() {
            let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
            return Err(crate::files::io_error(
                "db",
                path,
                crate::files::Op::Read,
                &e,
            ));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| {
            let shown = path.display();
            crate::Error::File {
                field: "db".into(),
                path: shown.to_string(),
                zh: format!("无法打开数据库 {shown}：{e}"),
                en: format!("cannot open the database {shown}: {e}"),
            }
        })?;
        configure(&conn)?;
        migrate(&mut conn)?;
        let device = installation_id(&conn)?;
        let engineer = meta_get(&conn, "current_engineer")?.unwrap_or_else(|| "unknown".into());
        let blobs = BlobStore::beside(path)?;
        Ok(Store {
            conn,
            clock,
            author: Author { engineer, device },
            path: path.to_path_buf(),
            blobs,
            max_skew: chrono::Duration::hours(DEFAULT_MAX_SKEW_HOURS),
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

    /// This installation's id (the origin of every change made here).
    pub fn installation(&self) -> &str {
        &self.author.device
    }

    /// The bound on a remote stamp's lead over this machine's clock (default 24 h): between
    /// one hour (laptop clocks drift by minutes) and a year (beyond that nothing is held).
    pub fn set_max_skew(&mut self, skew: chrono::Duration) -> Result<()> {
        if skew < chrono::Duration::hours(1) || skew > chrono::Duration::days(366) {
            return Err(crate::Error::invalid(
                "max_skew",
                "允许的时钟偏差应在 1 小时到 1 年之间",
                "the allowed clock skew must be between 1 hour and 1 year",
            ));
        }
        self.max_skew = skew;
        Ok(())
    }

    pub fn max_skew(&self) -> chrono::Duration {
        self.max_skew
    }

    /// Make `engineer_id` the author of everything written from now on (remembered).
    pub fn set_current_engineer(&mut self, engineer_id: &str) -> Result<()> {
        self.write(|tx| tx.make_current_engineer(engineer_id))
    }

    pub fn current_engineer(&self) -> &str {
        &self.author.engineer
    }

    /// Run `f` with `author` as the author of everything it writes, then the current engineer
    /// again. The office replica is shared by every member of staff: each request writes as
    /// the person logged in (their name stands in the field history and the access log, where
    /// an engineer's id would), without changing whom the replica itself belongs to.
    pub fn with_author<T>(&mut self, author: &str, f: impl FnOnce(&mut Store) -> T) -> T {
        let own = std::mem::replace(&mut self.author.engineer, author.to_string());
        let out = f(self);
        self.author.engineer = own;
        out
    }

    /// Apply changes from another replica in one transaction: all of a valid batch (each
    /// change applied, skipped as already here, or held until what it needs arrives), or
    /// nothing if any change is malformed. See [`apply`].
    pub fn apply_remote(&mut self, changes: &[Change]) -> Result<apply::ApplyReport> {
        self.apply_remote_vetted(changes, &|_| None)
    }

    /// [`Store::apply_remote`], holding the changes `refuse` names (with its reason) instead
    /// of applying them: the office's rules on what a laptop may change (`sync::vet`).
    pub fn apply_remote_vetted(
        &mut self,
        changes: &[Change],
        refuse: &dyn Fn(&Change) -> Option<String>,
    ) -> Result<apply::ApplyReport> {
        let skew = self.max_skew_units();
        self.write(|tx| tx.apply_remote(changes, skew, refuse))
    }

    /// [`Store::max_skew`] in the stamps' 32.32 fixed-point seconds.
    pub(crate) fn max_skew_units(&self) -> u64 {
        u64::try_from(self.max_skew.num_seconds().max(0))
            .unwrap_or(0)
            .saturating_mul(1 << 32)
    }

    /// [`Store::apply_remote`] for the changes of a site fetched whole (`sync::sites`): this
    /// installation's own changes among them, already in its log, are merged once more, so
    /// rows it wrote that were evicted with the site come back (see
    /// [`apply::apply_batch_again`]).
    pub fn apply_refetched(&mut self, changes: &[Change]) -> Result<apply::ApplyReport> {
        let skew = self.max_skew_units();
        self.write(|tx| tx.apply_refetched(changes, skew))
    }

    /// Apply a change held for its clock running ahead, once a person has accepted it.
    pub fn release_held(&mut self, origin: &str, seq: i64) -> Result<()> {
        self.write(|tx| tx.release_held(origin, seq))
    }

    /// Run one user action as one IMMEDIATE transaction. The closure's changes, their change-log
    /// entries and the advanced clock commit together or not at all; the write is durable when
    /// this returns `Ok` (`synchronous=FULL`). The clock's last stamp is read inside the
    /// transaction, so two processes writing one file still stamp in commit order.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let now = self.clock.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut w = Tx::begin(tx, &self.author, now)?;
        let out = f(&mut w)?;
        let new_engineer = w.commit()?;
        if let Some(e) = new_engineer {
            self.author.engineer = e;
        }
        Ok(out)
    }
}

impl Store {
    /// [`Store::write`] for an action that also stores files (a photo, a signature, a signed
    /// PDF): the blobs are written inside the transaction, after its write lock is taken, and
    /// `f` gets their SHA-256s. If the transaction does not commit — `f` refuses, the database
    /// is read-only, the disk fills — the blob files this call created are removed again, so a
    /// refused action leaves no file behind. Blobs that were already stored are never touched;
    /// a crash between the blob and the commit can still leave an unreferenced file (it is
    /// harmless and content-addressed: the same photo added again reuses it).
    pub fn write_with_blobs<T>(
        &mut self,
        blobs: &[&[u8]],
        f: impl FnOnce(&mut Tx<'_>, &[String]) -> Result<T>,
    ) -> Result<T> {
        let store = self.blobs.clone();
        let mut created = Vec::new();
        let result = self.write(|tx| {
            let mut shas = Vec::with_capacity(blobs.len());
            for bytes in blobs {
                let (sha, new) = store.put_tracked(bytes)?;
                if new {
                    created.push(sha.clone());
                }
                shas.push(sha);
            }
            f(tx, &shas)
        });
        if result.is_err() {
            for sha in created {
                // A row committed since (another process adding the same bytes) keeps it.
                let named: bool = self
                    .conn
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM blob WHERE sha256 = ?1)",
                        [&sha],
                        |r| r.get(0),
                    )
                    .unwrap_or(true);
                if !named {
                    store.discard(&sha);
                }
            }
        }
        result
    }
}

/// Who and when of one change: its HLC stamp, the engineer and the installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStamp {
    pub hlc: String,
    pub author: String,
    pub device: String,
}

fn configure(conn: &Connection) -> Result<()> {
    // WAL: readers never block the writer and a crash never corrupts the file; FULL: an
    // acknowledged write survives power loss too (the battery can die at the lane).
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    migrations::run(conn)
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

/// Whether a live row of `table` already has `value` in `column`: the check that keeps a key
/// unique on one laptop (two laptops can still both create it offline; that is listed as a
/// conflict). `table` and `column` are literals of the core.
pub fn key_taken(
    conn: &Connection,
    table: &'static str,
    column: &'static str,
    value: &str,
) -> Result<bool> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(&format!(
            "SELECT 1 FROM {table} WHERE {column} = ?1 AND deleted = 0 LIMIT 1"
        ))?
        .query_row([value], |_| Ok(()))
        .optional()?
        .is_some())
}
