//! The office web app's files (`ui/dist-office`, built by `npm run build:office` in `ui/`) served
//! at `/` on the sync port, and the core's vocabularies at `/api/v1/labels` for it.
//!
//! The files are read from a folder rather than compiled in, so the server builds and its tests
//! run without Node; `serve --web DIR` (or `$WEIBAO_OFFICE_WEB`) names the folder, else the one
//! beside an installed binary (`../share/weibao-office/web`), else the checkout's build. A
//! server with no build answers `/` with a page that says how to make one, never a bare 404.
//! The pages get a strict Content-Security-Policy: every script and style is the app's own.

use crate::staff::Role;
use crate::staff_web::{access, StaffCaller};
use axum::http::Uri;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::{any, get};
use axum::{Json, Router};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use weibao::views::vocabulary::{self, Group};

/// The folder of the built web app, if one can be found.
pub fn find_dir(given: Option<&Path>) -> Option<PathBuf> {
    let candidates = given
        .map(Path::to_path_buf)
        .into_iter()
        .chain(std::env::var_os("WEIBAO_OFFICE_WEB").map(PathBuf::from))
        .chain(
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|d| d.join("../share/weibao-office/web"))),
        )
        .chain(std::iter::once(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist-office"),
        ));
    candidates
        .into_iter()
        .find(|d| d.join("index.html").is_file())
}

/// Pages may load only the app's own scripts, styles, images and workers (pdf.js renders in a
/// worker and may compile its WebAssembly image decoders; photos come as blob URLs and the
/// rendered pages as data URLs).
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data: blob:; worker-src 'self' blob:; \
                   style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; \
                   base-uri 'none'; form-action 'self'";

/// Routes for the app's files (or the how-to page) and `/api/v1/labels`.
pub fn router(dir: Option<PathBuf>) -> Router<Arc<crate::Office>> {
    // An unknown path under an API prefix is a JSON 404, never the app's page: a client
    // that mistypes an endpoint must not get HTML with 200.
    let api = Router::new()
        .route("/api/v1/labels", get(labels))
        .route("/api/{*rest}", any(unknown_endpoint))
        .route("/sync/{*rest}", any(unknown_endpoint))
        .route("/admin/{*rest}", any(unknown_endpoint));
    let files = match dir {
        Some(dir) => Router::new()
            .fallback_service(ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html")))),
        None => Router::new().route("/", get(not_built)),
    };
    api.merge(files.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    )))
}

/// The areas of the web app a role may open, in the order the menu shows them: each is the
/// role table of the endpoints behind it, so the menu never offers what the server refuses.
/// A few name a power inside a screen rather than a screen (`archive_edit`: the archive's
/// correction form).
pub fn areas(role: Role) -> Vec<&'static str> {
    let table: [(&'static str, &[Role]); 16] = [
        ("board", access::BOARD),
        ("intake", access::INTAKE),
        ("review", access::REVIEW),
        ("follow_ups", access::FOLLOW_UPS),
        ("complaints", access::COMPLAINTS),
        ("common_faults", access::COMMON_FAULTS),
        ("conflicts", access::CONFLICTS),
        ("archive", access::DEVICES),
        ("archive_edit", access::ARCHIVE_EDIT),
        ("org", access::ORG),
        ("contracts", access::ORG),
        ("paper", access::PAPER_ARCHIVE),
        ("import", access::IMPORT),
        ("engineers", access::ENGINEERS),
        ("stock", access::STOCK),
        ("stats", access::STATS),
    ];
    table
        .into_iter()
        .filter(|(_, roles)| roles.contains(&role))
        .map(|(area, _)| area)
        .collect()
}

/// The vocabularies for any logged-in member of staff.
async fn labels(_caller: StaffCaller) -> Json<BTreeMap<&'static str, Group>> {
    Json(vocabulary::vocabularies())
}

async fn unknown_endpoint(uri: Uri) -> crate::AppError {
    crate::AppError::new(
        StatusCode::NOT_FOUND,
        "no_endpoint",
        format!("没有这个接口：{}", uri.path()),
        format!("no such endpoint: {}", uri.path()),
    )
}

async fn not_built() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><meta charset=utf-8><title>维保办公室</title>\
             <h1>办公室网页尚未构建 / The office web app is not built</h1>\
             <p>在 ui/ 中运行 <code>npm ci &amp;&amp; npm run build:office</code>，\
             或用 <code>weibao-office serve --web DIR</code> 指定已构建的目录。</p>\
             <p>Run <code>npm ci &amp;&amp; npm run build:office</code> in ui/, \
             or give <code>weibao-office serve --web DIR</code>.</p>",
        ),
    )
}
