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

/// A folder of edited service-calendar files used over the shipped ones (as the CLI's
/// `--calendars`). Unset: the shipped files.
pub const CALENDARS_ENV: &str = "WEIBAO_CALENDARS";

/// Use the calendar folder `$WEIBAO_CALENDARS` names, if any. A folder with a mistake is not
/// half-used: the store is then kept as that error, so every screen says what is wrong and where
/// (file:line and field) instead of counting deadlines in calendars nobody meant.
fn load_calendars() -> Result<()> {
    match std::env::var_os(CALENDARS_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => {
            let set = weibao::calendar::Calendars::load_dir(Path::new(&dir))?;
            weibao::calendar::set_active(set);
            Ok(())
        }
        None => Ok(()),
    }
}

pub struct AppState {
    db_path: PathBuf,
    store: Mutex<std::result::Result<Store, (String, String)>>,
}

impl AppState {
    pub fn open(db_path: PathBuf) -> Self {
        let store = load_calendars()
            .and_then(|()| Store::open(&db_path, Arc::new(SystemClock)))
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
