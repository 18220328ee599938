//! QR and barcode labels: find a device by a photo of its label (扫码查找), and the lane's QR
//! label sheet written into `exports/`. The core reads the photo and decides; nothing here but
//! translation.

use super::{Cmd, St};
use tauri_plugin_opener::OpenerExt;
use weibao::labels::{self, sheet, Found, LabelScope, LabelSheetSummary};
use weibao::{Error, Lang};

/// The device a label photo (bytes from the webview's file input or camera) names; the core's
/// error (`label.photo`, or not found naming what was read) otherwise. Nothing is written.
#[tauri::command]
pub fn find_by_label(state: St, bytes: Vec<u8>) -> Cmd<Found> {
    state.with(|s| labels::find_by_photo(s, &bytes))
}

/// Write the lane's QR label sheet into `exports/` (the same bytes each time).
#[tauri::command]
pub fn print_lane_labels(state: St, lane_id: String, lang: Option<Lang>) -> Cmd<LabelSheetSummary> {
    let assets = super::report::assets()?;
    let dir = super::work::exports_dir(&state);
    state.with(|s| {
        sheet::label_sheet_into(
            s,
            &assets.fonts,
            &LabelScope::Lane(lane_id),
            lang.unwrap_or_default(),
            &dir,
        )
    })
}

/// Write the lane's label sheet again and open it in the system's viewer (the path is the
/// core's, never one the webview sends).
#[tauri::command]
pub fn open_lane_labels(
    app: tauri::AppHandle,
    state: St,
    lane_id: String,
    lang: Option<Lang>,
) -> Cmd<String> {
    let made = print_lane_labels(state, lane_id, lang)?;
    let path = made.path.unwrap_or_default();
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
