//! Sync with the office over HTTP, the parts that are not HTTP: the protocol's payloads
//! (shared by the office server and every client) and the client's own state — what to push
//! next and where to resume pulling — as plain functions over the [`Store`], so the CLI and the
//! desktop app drive the same logic. The merge itself is [`Store::apply_remote`]; nothing here
//! decides one. The protocol is written down in `docs/sync.md`.

pub mod address;
pub mod blobs;
pub mod client;
pub mod enrol;
pub mod evict;
pub mod scope;
pub mod site_sums;
pub mod sites;
pub mod status;
pub mod vet;

use crate::store::changes::{self, Change};
use crate::store::{meta_get, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// The sync protocol this build speaks (header [`PROTOCOL_HEADER`]).
pub const PROTOCOL_VERSION: i64 = 1;
/// Every request names the protocol version it speaks…
pub const PROTOCOL_HEADER: &str = "weibao-protocol";
/// …and the schema version of its database (`store::migrations::latest_version`).
pub const SCHEMA_HEADER: &str = "weibao-schema";
/// The most changes one push carries (a batch is one transaction on the office).
pub const PUSH_BATCH: i64 = 500;
/// The most changes one pull returns.
pub const PULL_LIMIT: i64 = 1000;

/// Local-only keys in `meta` (never synced).
const ACKED: &str = "sync_acked_seq";
const CURSOR: &str = "sync_pull_cursor";
const TAG: &str = "sync_pull_tag";

/// `POST /sync/v1/push`: a batch of the sender's own changes, consecutive sequence numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// The sending installation; every change's `origin` must be it.
    pub installation: String,
    pub changes: Vec<Change>,
}

/// The answer to a push: the highest sequence number the office now holds from the sender
/// (everything up to it is stored and never needs sending again). A replayed batch gets the
/// same answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAnswer {
    pub acknowledged: i64,
    /// Changes of this batch the office received but refused (each with its reason); the
    /// laptop sets them aside and goes on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<vet::Refusal>,
}

/// `GET /sync/v1/pull?after=N&limit=M[&tag=T]` answers with the office's changes after cursor
/// `N` (its own change-log positions), without the caller's own, and the cursor to send next.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullAnswer {
    pub changes: Vec<Change>,
    /// The cursor for the next pull (unchanged when nothing is new).
    pub next: i64,
    /// Whether more changes wait after `next` (pull again at once).
    pub more: bool,
    /// The caller's scope, `"all"` or the ids of the sites assigned to its engineer: the
    /// client evicts the sites that left it and fetches whole those that entered it
    /// ([`sites`]). Not sent on a page of one site (`GET /sync/v1/site`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<scope::Scope>,
    /// What sits at position `next` in the office's log (`origin/seq`,
    /// [`changes::tag_at`]); sent back with the next pull, so that an office whose log changed
    /// under the cursor (restored from a backup, then written again) says so instead of
    /// silently skipping changes. Absent from older offices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The highest of the caller's own sequence numbers the office holds: lower than what the
    /// caller was once told means the office lost some of them. Absent from older offices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<i64>,
}

/// The last of this installation's own sequence numbers the office acknowledged.
pub fn acknowledged(store: &Store) -> Result<i64> {
    read_num(store, ACKED)
}

/// Where the next pull resumes (the office's cursor, 0 before the first pull).
pub fn pull_cursor(store: &Store) -> Result<i64> {
    read_num(store, CURSOR)
}

/// What the office said sits at the pull cursor ([`PullAnswer::tag`]), if it said.
pub fn pull_tag(store: &Store) -> Result<Option<String>> {
    meta_get(store.conn(), TAG)
}

/// The next batch to push: this installation's own changes after the acknowledged one.
pub fn outbox(store: &Store, limit: i64) -> Result<PushRequest> {
    let after = acknowledged(store)?;
    let changes = changes::from_origin(store.conn(), store.installation(), after, limit)?
        .into_iter()
        .map(|l| l.change)
        .collect();
    Ok(PushRequest {
        installation: store.installation().to_string(),
        changes,
    })
}

/// How many own changes wait to be pushed.
pub fn pending(store: &Store) -> Result<i64> {
    let last = changes::last_seq(store.conn(), store.installation())?;
    Ok((last - acknowledged(store)?).max(0))
}

/// Record the office's acknowledgement. It never exceeds what this installation has written
/// (an answer from a confused server cannot make unsent changes look sent).
pub fn set_acknowledged(store: &mut Store, seq: i64) -> Result<()> {
    let own = changes::last_seq(store.conn(), store.installation())?;
    if seq < 0 || seq > own {
        return Err(Error::invalid(
            "acknowledged",
            format!("办公室确认的序号 {seq} 超出本机已写的 {own}"),
            format!("the office acknowledged seq {seq}, beyond this installation's last {own}"),
        ));
    }
    write_num(store, ACKED, seq)
}

/// Start pushing again from the first change (the office lost changes it had acknowledged,
/// e.g. restored from a backup; what it still has is skipped there as a duplicate).
pub fn reset_acknowledged(store: &mut Store) -> Result<()> {
    // An office that lost changes may have lost blobs too: offer every one again.
    blobs::forget_sent(store)?;
    write_num(store, ACKED, 0)
}

/// Apply one pull's changes and move the cursor, in that order: a crash between the two
/// re-pulls the same changes, which apply as duplicates.
pub fn apply_pulled(
    store: &mut Store,
    answer: &PullAnswer,
) -> Result<crate::store::apply::ApplyReport> {
    let report = if answer.changes.is_empty() {
        Default::default()
    } else {
        store.apply_remote(&answer.changes)?
    };
    set_pull_position(store, answer.next, answer.tag.as_deref())?;
    Ok(report)
}

/// Move the pull cursor (0: fetch everything again, e.g. when the office says the cursor is
/// ahead of it); the tag it had is forgotten.
pub fn set_pull_cursor(store: &mut Store, cursor: i64) -> Result<()> {
    set_pull_position(store, cursor, None)
}

/// The cursor and its tag, together (one transaction: a cursor never keeps another's tag).
fn set_pull_position(store: &mut Store, cursor: i64, tag: Option<&str>) -> Result<()> {
    if cursor < 0 {
        return Err(Error::invalid(
            "cursor",
            "游标不能为负",
            "the cursor cannot be negative",
        ));
    }
    store.write(|tx| {
        let conn = tx.conn();
        put_meta(conn, CURSOR, &cursor.to_string())?;
        match tag {
            Some(t) => put_meta(conn, TAG, t)?,
            None => {
                conn.execute("DELETE FROM meta WHERE key = ?1", [TAG])?;
            }
        }
        Ok(())
    })
}

fn read_num(store: &Store, key: &str) -> Result<i64> {
    match meta_get(store.conn(), key)? {
        None => Ok(0),
        Some(v) => v
            .parse()
            .map_err(|_| Error::Migration(format!("meta.{key} is damaged: {v:?}"))),
    }
}

fn write_num(store: &mut Store, key: &str, value: i64) -> Result<()> {
    store.write(|tx| put_meta(tx.conn(), key, &value.to_string()))
}

fn put_meta(conn: &rusqlite::Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        rusqlite::params![key, value],
    )?;
    Ok(())
}
