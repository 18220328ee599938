//! The customer's confirmation and the signed report: capture the signature (or the refusal),
//! finalise (render from the store, sign, freeze), preview, open in the system viewer, verify.

use super::{Cmd, St};
use serde::Deserialize;
use std::sync::OnceLock;
use tauri_plugin_opener::OpenerExt;
use weibao::report::finalise::{self, ReportAssets};
use weibao::report::sign::{verify_pdf, Verification};
use weibao::report::signature;
use weibao::views::report::{stored, view, ReportView};
use weibao::views::reports::{self, ReportFilter, ReportRow};
use weibao::{Error, Lang, Result};

/// The report font is 16 MB: load it once, on first use (never at start-up).
static ASSETS: OnceLock<ReportAssets> = OnceLock::new();

pub(crate) fn assets() -> Result<&'static ReportAssets> {
    if let Some(a) = ASSETS.get() {
        return Ok(a);
    }
    let loaded = ReportAssets::locate()?;
    Ok(ASSETS.get_or_init(|| loaded))
}

/// What the signature screen sends.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CustomerInput {
    Signed { signer: String, png: Vec<u8> },
    Refused { reason: String },
}

/// Record the customer's signature (or refusal) and finalise the signed report. Two core
/// actions: if finalising fails, the confirmation stays recorded and a retry only finalises.
#[tauri::command]
pub fn finalise_report(
    state: St,
    work_order_id: String,
    signature: CustomerInput,
    lang: Option<Lang>,
) -> Cmd<ReportView> {
    let assets = assets()?;
    state.with(|s| {
        match &signature {
            CustomerInput::Signed { signer, png } => {
                signature::capture(s, &work_order_id, png, signer)?;
            }
            CustomerInput::Refused { reason } => {
                signature::refuse(s, &work_order_id, reason)?;
            }
        }
        finalise::finalise(s, assets, &work_order_id, lang.unwrap_or_default())?;
        view(s, &work_order_id)
    })
}

/// The signed reports on record, filtered (the Reports screen and a device's archive).
#[tauri::command]
pub fn list_reports(state: St, filter: Option<ReportFilter>) -> Cmd<Vec<ReportRow>> {
    state.with(|s| reports::list(s, &filter.unwrap_or_default()))
}

#[tauri::command]
pub fn report_view(state: St, work_order_id: String) -> Cmd<ReportView> {
    state.with(|s| view(s, &work_order_id))
}

/// The signed PDF's bytes, for the in-app preview (pdf.js renders the stored file itself).
#[tauri::command]
pub fn report_pdf(state: St, work_order_id: String) -> Cmd<tauri::ipc::Response> {
    state.with(|s| {
        let r = stored(s, &work_order_id)?;
        Ok(tauri::ipc::Response::new(finalise::pdf_of(s, &r)?))
    })
}

/// The unsigned draft, for the customer to read before signing.
#[tauri::command]
pub fn report_preview(state: St, work_order_id: String) -> Cmd<tauri::ipc::Response> {
    let assets = assets()?;
    state.with(|s| {
        let pdf = finalise::preview(s, assets, &work_order_id, Lang::Zh)?;
        Ok(tauri::ipc::Response::new(pdf))
    })
}

#[tauri::command]
pub fn verify_report(state: St, work_order_id: String) -> Cmd<Verification> {
    state.with(|s| verify_pdf(&finalise::pdf_of(s, &stored(s, &work_order_id)?)?))
}

/// Open the signed PDF in the system's viewer (from Rust: the webview has no opener permission).
#[tauri::command]
pub fn open_report(app: tauri::AppHandle, state: St, work_order_id: String) -> Cmd<String> {
    let path = state.with(|s| Ok(view(s, &work_order_id)?.path))?;
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
