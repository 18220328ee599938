//! Tauri's build step. The UI is embedded from `../ui/dist` at compile time; on a fresh clone
//! that folder exists only after `npm run build` (which `tauri build` runs first). So that
//! `cargo clippy/test --workspace` also work before the UI is built, a stand-in page is written
//! when the folder is missing; `tauri build` replaces it with the real UI.
use std::path::Path;

fn main() {
    let dist = Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        let page = "<!doctype html><meta charset=utf-8><title>weibao</title>\
            <p>界面尚未构建：请用 <code>ui/node_modules/.bin/tauri build --debug --no-bundle</code> 构建。\
            (UI not built: build with tauri build.)</p>";
        if std::fs::create_dir_all(dist)
            .and_then(|_| std::fs::write(dist.join("index.html"), page))
            .is_err()
        {
            println!("cargo::warning=could not write a stand-in ../ui/dist/index.html");
        }
    }
    tauri_build::build()
}
