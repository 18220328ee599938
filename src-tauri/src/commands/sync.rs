//! Sync with the office: the panel's status, "Sync now" and enrolment. The syncing itself runs
//! on a worker thread ([`crate::background`]); these commands are async so that waiting for it
//! never blocks the window.

use super::{Cmd, St};
use crate::background::{Syncer, Trigger};
use serde::Serialize;
use std::sync::Arc;
use tauri::State;
use weibao::sync::client::Summary;
use weibao::sync::enrol::EnrolAnswer;
use weibao::views::sync::{self as view, SyncView};
use weibao::Error;

type Sy<'a> = State<'a, Arc<Syncer>>;

/// The panel: the core's view of the sync status, and whether a sync is running right now.
#[derive(Serialize)]
pub struct SyncPanel {
    #[serde(flatten)]
    pub view: SyncView,
    pub running: bool,
}

#[tauri::command]
pub fn sync_status(state: St, syncer: Sy) -> Cmd<SyncPanel> {
    let view = state.with(|s| view::view(s))?;
    Ok(SyncPanel {
        view,
        running: syncer.running(),
    })
}

/// What "Sync now" answers: the summary when this press ran the sync, or that one was
/// already running (its progress arrives as events all the same).
#[derive(Serialize)]
pub struct SyncNow {
    pub already_running: bool,
    pub summary: Option<Summary>,
}

#[tauri::command]
pub async fn sync_now(syncer: Sy<'_>) -> Cmd<SyncNow> {
    let s = Arc::clone(&syncer);
    match worker(move || s.sync_once(Trigger::Now)).await? {
        None => Ok(SyncNow {
            already_running: true,
            summary: None,
        }),
        Some(outcome) => Ok(SyncNow {
            already_running: false,
            summary: Some(outcome?),
        }),
    }
}

/// Connect this laptop to the office (first start, or the Sync screen), then sync.
#[tauri::command]
pub async fn enrol(
    state: St<'_>,
    syncer: Sy<'_>,
    server: String,
    token: String,
) -> Cmd<EnrolAnswer> {
    let s = Arc::clone(&syncer);
    let answer = worker(move || s.enrol(&server, &token)).await?;
    // Enrolment may have made this laptop write as the office's engineer: the commands'
    // connection must read its author again.
    state.reopen();
    answer
}

/// Run `f` on a blocking worker thread; a worker that died is an internal error.
async fn worker<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Cmd<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| {
        Error::refused(
            "internal",
            format!("同步线程异常结束：{e}"),
            format!("the sync worker ended abnormally: {e}"),
        )
    })
}
