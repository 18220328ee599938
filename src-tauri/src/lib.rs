//! weibao desktop shell: Tauri 2 around the weibao core.
//!
//! Every command lives in [`commands`] and is a few lines: parse the arguments, call one core
//! function under the store lock, return its typed result or its [`weibao::Error`] (which
//! serialises to `{kind, message, message_en, field}` for the UI). No rule lives here.

pub mod commands;
pub mod state;

use tauri::Manager;

pub fn run() {
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let path = state::db_path(app.path().app_data_dir().ok());
            app.manage(state::AppState::open(path));
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("weibao: cannot start the window: {e}");
            std::process::exit(1);
        }
    }
}
