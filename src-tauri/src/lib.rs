//! weibao desktop shell: Tauri 2 around the weibao core.
//!
//! Every command lives in [`commands`] and is a few lines: parse the arguments, call one core
//! function under the store lock, return its typed result or its [`weibao::Error`] (which
//! serialises to `{kind, message, message_en, field}` for the UI). No rule lives here.

pub mod background;
pub mod commands;
pub mod state;

use std::sync::Arc;
use tauri::{Emitter, Manager};
use weibao::sync::status::Timetable;

pub fn run() {
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let path = state::db_path(app.path().app_data_dir().ok());
            app.manage(state::AppState::open(path.clone()));
            // Background sync by the core's timetable; progress goes to the window as events.
            let handle = app.handle().clone();
            let emit: background::Emit = Arc::new(move |p: background::Progress| {
                let _ = handle.emit(background::PROGRESS_EVENT, p);
            });
            let syncer = background::Syncer::new(path, Timetable::default(), emit);
            syncer.start()?;
            app.manage(syncer);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                if let Some(s) = handle.try_state::<Arc<background::Syncer>>() {
                    s.stop();
                }
            }
        }),
        Err(e) => {
            eprintln!("weibao: cannot start the window: {e}");
            std::process::exit(1);
        }
    }
}
