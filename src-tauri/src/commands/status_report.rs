//! The quarterly device status report (设备运行状态报告) from the Statistics screen: the core
//! builds, signs and files it and writes the copy into `exports/` beside the database.

use super::{Cmd, St};
use tauri_plugin_opener::OpenerExt;
use weibao::status_report::{self, Made};
use weibao::{Error, Lang};

/// Make the customer's status report for a quarter (`2026Q4`) and write it into `exports/`;
/// returns the record and the file's path.
#[tauri::command]
pub fn make_status_report(
    state: St,
    customer: String,
    quarter: String,
    lang: Option<Lang>,
) -> Cmd<Made> {
    let assets = super::report::assets()?;
    let dir = super::work::exports_dir(&state);
    state.with(|s| {
        let scope = weibao::stats::Scope::quarter(&customer, None, &quarter)?;
        status_report::make_into(s, assets, &scope, lang.unwrap_or_default(), &dir)
    })
}

/// Open a status report made by [`make_status_report`] in the system's viewer, by its number
/// (the path is the core's name for it in `exports/`, never one the webview sends).
#[tauri::command]
pub fn open_status_report(app: tauri::AppHandle, state: St, number: String) -> Cmd<String> {
    let dir = super::work::exports_dir(&state);
    let r = state.with(|s| {
        status_report::by_number(s.conn(), &number)?
            .ok_or_else(|| Error::not_found("report", &number))
    })?;
    let path = dir
        .join(status_report::file_name(&r.number))
        .display()
        .to_string();
    app.opener()
        .open_path(path.clone(), None::<&str>)
        .map_err(|e| {
            Error::refused(
                "open_failed",
                format!("无法用系统阅读器打开 {path}：{e}"),
                format!("cannot open {path} in the system viewer: {e}"),
            )
        })?;
    Ok(path)
}
