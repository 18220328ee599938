//! The core's vocabularies (state, kind, device type…) with their Chinese and English labels,
//! so the UI shows the core's words and never keeps a copy of its own.

use super::Cmd;
use std::collections::BTreeMap;
use weibao::views::vocabulary::{self, Group};

/// The vocabularies are the core's ([`weibao::views::vocabulary`]), shared with the office.
#[tauri::command]
pub fn labels() -> Cmd<BTreeMap<&'static str, Group>> {
    Ok(vocabulary::vocabularies())
}

/// The UI calls this once its first screen shows real data. With `WEIBAO_BENCH` set the shell
/// prints a marker line, so `scripts/bench-app.sh` can time cold start to the first interactive
/// screen from outside; otherwise it does nothing.
#[tauri::command]
pub fn ui_ready(screen: String) {
    if std::env::var_os("WEIBAO_BENCH").is_some() {
        println!("weibao-bench: ready {screen}");
    }
}
