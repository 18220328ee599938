//! First start: the engineer profile, or the demo data.

use super::{Cmd, St};
use serde::Serialize;
use weibao::profile::{self, Profile, ProfileInput};

#[derive(Serialize)]
pub struct AppStatus {
    pub version: &'static str,
    pub db_path: String,
    /// `None` until the first start is finished.
    pub profile: Option<Profile>,
    /// True when the database holds nothing, so the demo may be loaded.
    pub empty: bool,
}

#[tauri::command]
pub fn app_status(state: St) -> Cmd<AppStatus> {
    let db_path = state.db_path().display().to_string();
    state.with(|s| {
        Ok(AppStatus {
            version: weibao::VERSION,
            db_path,
            profile: profile::current(s)?,
            empty: profile::is_empty(s)?,
        })
    })
}

#[tauri::command]
pub fn create_profile(state: St, input: ProfileInput) -> Cmd<Profile> {
    state.with(|s| profile::create(s, &input))
}

/// Correct the profile (company, name, phone; the report prefix only while no report was
/// issued).
#[tauri::command]
pub fn update_profile(state: St, input: ProfileInput) -> Cmd<Profile> {
    state.with(|s| profile::update(s, &input))
}

/// Load the demo data set (only into an empty database), as its engineer.
#[tauri::command]
pub fn load_demo(state: St) -> Cmd<weibao::demo::DemoSummary> {
    state.with(weibao::demo::load_for_first_start)
}
