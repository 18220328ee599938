//! The shell's managed state: the one open store, behind a mutex.
//!
//! Tauri runs commands on a thread pool; SQLite wants one writer at a time anyway, so a plain
//! `Mutex<Store>` is the whole concurrency story. A store that failed to open (e.g. a database
//! from a newer weibao) is kept as its error so every command answers with it instead of the
//! app crashing at start-up.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use weibao::{Error, Result, Store, SystemClock};

/// The environment variable that overrides where the database lives (tests, demos, a second
/// profile). Unset: `<OS app-data dir>/weibao.db`.
pub const DB_ENV: &str = "WEIBAO_DB";

pub struct AppState {
    db_path: PathBuf,
    store: Mutex<std::result::Result<Store, (String, String)>>,
}

impl AppState {
    pub fn open(db_path: PathBuf) -> Self {
        let store = Store::open(&db_path, Arc::new(SystemClock))
            .map_err(|e| (e.message_zh(), e.to_string()));
        AppState {
            db_path,
            store: Mutex::new(store),
        }
    }

    /// Open the database afresh, replacing the store the commands use. Needed after another
    /// connection changed who this laptop writes as (enrolment runs on the sync worker's own
    /// connection; a `Store` reads its author once, when it opens).
    pub fn reopen(&self) {
        let fresh = Store::open(&self.db_path, Arc::new(SystemClock))
            .map_err(|e| (e.message_zh(), e.to_string()));
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = fresh;
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Run `f` with the store. The lock is held for the whole user action, so one action's
    /// reads and its write transaction see the same data.
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Ok(store) => f(store),
            Err((zh, en)) => Err(Error::refused(
                "store_unavailable",
                format!("无法打开数据库：{zh}"),
                format!("cannot open the database: {en}"),
            )),
        }
    }
}

/// Where the database lives: `$WEIBAO_DB`, else `weibao.db` in the OS app-data directory.
pub fn db_path(app_data_dir: Option<PathBuf>) -> PathBuf {
    match std::env::var_os(DB_ENV).filter(|v| !v.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => app_data_dir
            .unwrap_or_else(|| PathBuf::from("."))
            .join("weibao.db"),
    }
}
