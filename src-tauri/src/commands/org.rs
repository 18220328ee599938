//! Sites → lanes → devices, search, and a device's archive.

use super::{Cmd, St};
use weibao::devices;
use weibao::domain::device::Device;
use weibao::org::{self, LaneView, SiteView};
use weibao::store::search::{self, DeviceHit, DeviceQuery};
use weibao::views::archive::{self, ArchiveView};

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

/// Opening an archive is logged for confidential devices (the core writes that log).
#[tauri::command]
pub fn open_archive(state: St, device: String, purpose: Option<String>) -> Cmd<ArchiveView> {
    state.with(|s| archive::open(s, &device, purpose.as_deref()))
}
