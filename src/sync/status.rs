//! What a laptop shows about sync (last sync, what waits, what was refused) and when it tries
//! again. The rule for retrying lives here so the CLI's `sync --watch` and the desktop app's
//! background sync keep one timetable: after a success, the regular interval; after a failure,
//! 30 s doubling up to 15 minutes — a laptop that finds a connection again syncs within
//! minutes without waiting for the next local edit, and a dead link is not hammered.

use super::client::Summary;
use super::vet::Refusal;
use crate::store::{meta_get, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const LAST_OK: &str = "sync_last_ok_at";
const LAST_TRY: &str = "sync_last_try_at";
const LAST_ERROR: &str = "sync_last_error";

/// When to try again: the regular interval after a success, and after failures a wait that
/// starts at `first_retry` and doubles per failure in a row up to `max_retry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timetable {
    pub every: Duration,
    pub first_retry: Duration,
    pub max_retry: Duration,
}

impl Default for Timetable {
    /// Every 5 minutes; after a failure 30 s, 1, 2, 4, 8 minutes, then every 15 minutes.
    fn default() -> Self {
        Timetable {
            every: Duration::from_secs(5 * 60),
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(15 * 60),
        }
    }
}

impl Timetable {
    /// How long to wait before the next attempt after `failures` failures in a row (0: the
    /// last attempt succeeded). A retry never waits longer than the regular interval.
    pub fn next_delay(&self, failures: u32) -> Duration {
        if failures == 0 {
            return self.every;
        }
        let doubled = self
            .first_retry
            .checked_mul(1u32.checked_shl(failures - 1).unwrap_or(u32::MAX))
            .unwrap_or(self.max_retry);
        doubled
            .min(self.max_retry)
            .min(self.every.max(self.first_retry))
    }
}

/// The last failure, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastError {
    pub at: String,
    pub kind: String,
    pub message: String,
    pub message_en: String,
}

/// Everything the sync panel shows.
#[derive(Debug, Clone, Serialize)]
pub struct SyncStatus {
    /// The office this laptop is enrolled with, if any.
    pub server: Option<String>,
    pub last_ok_at: Option<String>,
    pub last_try_at: Option<String>,
    /// Set when the last attempt failed (cleared by a success).
    pub last_error: Option<LastError>,
    /// Own changes not yet acknowledged by the office.
    pub pending_changes: i64,
    /// Own changes the office refused, with reasons.
    pub set_aside: Vec<Refusal>,
    /// Open conflicts a person should look at (here, on this laptop's copy).
    pub conflicts: usize,
    /// Photos, signatures and PDFs taken here that the office does not have yet.
    pub photos_to_send: usize,
    /// Files that records here name but that have not arrived yet ("photo pending").
    pub photos_pending: usize,
    /// Files the office refused (too large, …), each with its reason; records that name
    /// them synced.
    pub photos_set_aside: Vec<super::blobs::SetAside>,
}

/// The sync status of this laptop.
pub fn status(store: &Store) -> Result<SyncStatus> {
    let last_error = meta_get(store.conn(), LAST_ERROR)?
        .and_then(|v| serde_json::from_str::<LastError>(&v).ok());
    Ok(SyncStatus {
        server: super::enrol::saved(store)?.map(|s| s.server),
        last_ok_at: meta_get(store.conn(), LAST_OK)?,
        last_try_at: meta_get(store.conn(), LAST_TRY)?,
        last_error,
        pending_changes: super::pending(store)?,
        set_aside: super::vet::set_aside(store)?,
        conflicts: crate::conflicts::list(store, false)?.len(),
        photos_to_send: super::blobs::unsent(store)?.len(),
        photos_pending: super::blobs::missing(store)?.len(),
        photos_set_aside: super::blobs::set_aside_list(store)?,
    })
}

/// Remember how an attempt ended (local-only `meta`), for [`status`].
pub fn record(store: &mut Store, outcome: &std::result::Result<Summary, Error>) -> Result<()> {
    let now = store.now().to_rfc3339();
    let error = match outcome {
        Ok(_) => None,
        Err(e) => Some(
            serde_json::to_string(&LastError {
                at: now.clone(),
                kind: e.kind().to_string(),
                message: e.message_zh(),
                message_en: e.to_string(),
            })
            .map_err(|e| Error::Migration(e.to_string()))?,
        ),
    };
    let ok = outcome.is_ok();
    store.write(|tx| {
        let put = |k: &str, v: &str| {
            tx.conn().execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [k, v],
            )
        };
        put(LAST_TRY, &now)?;
        if ok {
            put(LAST_OK, &now)?;
            tx.conn()
                .execute("DELETE FROM meta WHERE key = ?1", [LAST_ERROR])?;
        }
        if let Some(e) = &error {
            put(LAST_ERROR, e)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_from_thirty_seconds_to_fifteen_minutes() {
        let t = Timetable {
            every: Duration::from_secs(3600),
            ..Timetable::default()
        };
        let waits: Vec<u64> = (0..8).map(|n| t.next_delay(n).as_secs()).collect();
        assert_eq!(waits, vec![3600, 30, 60, 120, 240, 480, 900, 900]);
        assert_eq!(t.next_delay(u32::MAX), t.max_retry, "no overflow");
    }

    #[test]
    fn a_short_interval_also_caps_the_retry_wait() {
        let t = Timetable {
            every: Duration::from_secs(60),
            ..Timetable::default()
        };
        assert_eq!(t.next_delay(5), Duration::from_secs(60));
        let t = Timetable {
            every: Duration::from_secs(5),
            ..Timetable::default()
        };
        assert_eq!(t.next_delay(1), Duration::from_secs(30));
    }
}
