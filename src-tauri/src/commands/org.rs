//! Sites → lanes → devices, search, and a device's archive.

use super::{Cmd, St};
use weibao::devices;
use weibao::domain::device::{Device, DeviceInput};
use weibao::domain::org::{Customer, Lane, Site};
use weibao::inventory::{self, ImportOptions, ImportOutcome, Upload};
use weibao::org::{self, LaneView, SiteView};
use weibao::setup::{self, CustomerForm, LaneForm, SiteForm};
use weibao::store::search::{self, DeviceHit, DeviceQuery};
use weibao::views::archive::{self, AccessRow, ArchiveView, LaneEditView};

#[tauri::command]
pub fn list_sites(state: St) -> Cmd<Vec<SiteView>> {
    state.with(|s| org::sites(s))
}

#[tauri::command]
pub fn list_lanes(state: St, site_id: Option<String>) -> Cmd<Vec<LaneView>> {
    state.with(|s| org::lanes(s, site_id.as_deref()))
}

#[tauri::command]
pub fn lane_devices(state: St, lane_id: String) -> Cmd<Vec<Device>> {
    state.with(|s| devices::devices_on_lane(s, &lane_id))
}

#[tauri::command]
pub fn search_devices(state: St, query: DeviceQuery) -> Cmd<Vec<DeviceHit>> {
    state.with(|s| search::search_devices(s, &query))
}

/// Opening an archive is logged for confidential devices (the core writes that log); a secret
/// one without a purpose is refused with kind `purpose_required`, and the UI asks for one.
#[tauri::command]
pub fn open_archive(state: St, device: String, purpose: Option<String>) -> Cmd<ArchiveView> {
    state.with(|s| archive::open(s, &device, purpose.as_deref()))
}

/// A correction at the lane (现场更正) of the fields the archive view lists as editable.
#[tauri::command]
pub fn edit_device_at_lane(
    state: St,
    device: String,
    edit: devices::DeviceEdit,
) -> Cmd<LaneEditView> {
    state.with(|s| archive::edit_at_lane(s, &device, &edit))
}

/// The current engineer's own reads of confidential archives.
#[tauri::command]
pub fn archive_access_log(state: St) -> Cmd<Vec<AccessRow>> {
    state.with(|s| archive::access_log(s))
}

/// Customers, by name (for the new-site form).
#[tauri::command]
pub fn list_customers(state: St) -> Cmd<Vec<Customer>> {
    state.with(|s| setup::customers(s))
}

/// A customer (and its contact when a name or phone is given), created by hand.
#[tauri::command]
pub fn create_customer(state: St, input: CustomerForm) -> Cmd<Customer> {
    state.with(|s| setup::create_customer(s, &input))
}

#[tauri::command]
pub fn create_site(state: St, input: SiteForm) -> Cmd<Site> {
    state.with(|s| setup::create_site(s, &input))
}

#[tauri::command]
pub fn create_lane(state: St, input: LaneForm) -> Cmd<Lane> {
    state.with(|s| setup::create_lane(s, &input))
}

/// `found`: a device found at the lane with no archive (现场发现), which its history says.
#[tauri::command]
pub fn create_device(state: St, input: DeviceInput, found: Option<bool>) -> Cmd<Device> {
    if found.unwrap_or(false) {
        state.with(|s| setup::create_device_found_at_lane(s, &input))
    } else {
        state.with(|s| setup::create_device(s, &input))
    }
}

/// An inventory file (XLSX or CSV) picked on the desktop: imported all or nothing; the bad
/// rows come back as a list (`problems`), not as one error.
#[tauri::command]
pub fn import_inventory(state: St, path: String, dry_run: Option<bool>) -> Cmd<ImportOutcome> {
    let opts = ImportOptions {
        kind: None,
        dry_run: dry_run.unwrap_or(false),
    };
    state.with(|s| inventory::import_outcome(s, &[std::path::PathBuf::from(&path)], opts))
}

/// Inventory files chosen in the webview's file input (names and bytes: the webview has no
/// paths). `dry_run` checks and counts without writing, for the preview before importing.
#[tauri::command]
pub fn import_inventory_files(
    state: St,
    files: Vec<Upload>,
    dry_run: Option<bool>,
) -> Cmd<ImportOutcome> {
    let opts = ImportOptions {
        kind: None,
        dry_run: dry_run.unwrap_or(false),
    };
    state.with(|s| inventory::import_uploads_outcome(s, &files, opts))
}
