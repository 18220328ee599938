//! The office server: one more replica of the core's store (`DIR/office.db`, with its blob
//! folder beside it), engineers' tokens (`DIR/office-auth.db`) and the sync endpoints over
//! HTTP. Every merge rule is the core's: a push is [`weibao::Store::apply_remote`], a pull is
//! the office's change log. The protocol is in `docs/sync.md`.

pub mod admin;
pub mod archive_web;
pub mod auth;
pub mod blobs;
pub mod complaints_web;
pub mod dispatch_web;
pub mod engineers_web;
pub mod enrolment;
pub mod error;
pub mod follow_up_web;
pub mod intake_web;
pub mod org_edit_web;
pub mod org_web;
pub mod review_web;
mod routes;
mod sites;
pub mod staff;
pub mod staff_web;
pub mod stats_web;
pub mod stock_web;
pub mod tls;
pub mod web_app;

use auth::Auth;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use weibao::{Store, SystemClock};

pub use error::{AppError, AppResult};

/// The request-body limit unless `serve --max-body-mb` says otherwise (after decompression).
pub const DEFAULT_MAX_BODY: usize = 32 * 1024 * 1024;

/// Everything a request handler needs. The store and the auth file are each behind a mutex:
/// SQLite has one writer at a time anyway, and handlers reach them on blocking threads.
pub struct Office {
    store: Mutex<Store>,
    auth: Mutex<Auth>,
    max_body: usize,
    blobs: blobs::Blobs,
    /// Session cookies marked `Secure` (served over HTTPS or behind a TLS proxy).
    secure_cookies: bool,
    /// The built office web app served at `/` ([`web_app::find_dir`]).
    web: Option<PathBuf>,
    /// The last board computed and its tag ([`dispatch_web::board`]): every open work order's
    /// clocks take seconds at 10,000 of them, so each dispatcher's poll within the same minute
    /// and with no change in between reuses it.
    board_cache: Mutex<Option<(String, Arc<Vec<weibao::views::board::BoardRow>>)>>,
    /// A second connection to the replica, only for computing the board: at 10,000 open work
    /// orders that takes over a second, and on `store` it would hold every sync push and every
    /// staff write for as long (WAL lets this reader run beside the writer).
    board_reader: Mutex<Store>,
}

/// The files of an office data folder.
pub struct DataDir {
    pub dir: PathBuf,
}

impl DataDir {
    pub fn new(dir: &Path) -> DataDir {
        DataDir {
            dir: dir.to_path_buf(),
        }
    }

    pub fn replica(&self) -> PathBuf {
        self.dir.join("office.db")
    }

    pub fn auth(&self) -> PathBuf {
        self.dir.join("office-auth.db")
    }

    /// Open (creating if needed) the office replica; its blob folder is made beside it.
    pub fn open_store(&self) -> weibao::Result<Store> {
        Store::open(&self.replica(), Arc::new(SystemClock))
    }

    /// The office replica's blob folder (`office.db.blobs/`, the core's layout): the root of
    /// the office's object store, so the replica reads uploaded files as its own.
    pub fn blobs(&self) -> weibao::Result<PathBuf> {
        Ok(weibao::store::BlobStore::beside(&self.replica())?
            .dir()
            .to_path_buf())
    }

    /// Partial blob uploads, outside the store until complete and checked.
    pub fn uploads(&self) -> PathBuf {
        self.dir.join("blob-uploads")
    }

    pub fn open_auth(&self) -> weibao::Result<Auth> {
        std::fs::create_dir_all(&self.dir).map_err(|e| weibao::Error::File {
            field: "data".into(),
            path: self.dir.display().to_string(),
            zh: format!("无法创建数据目录 {}：{e}", self.dir.display()),
            en: format!("cannot create the data folder {}: {e}", self.dir.display()),
        })?;
        Auth::open(&self.auth())
    }
}

impl Office {
    pub fn open(data: &DataDir, max_body: usize) -> weibao::Result<Office> {
        let auth = data.open_auth()?;
        let store = data.open_store()?;
        let board_reader = data.open_store()?;
        let blobs = blobs::Blobs::open(data, blobs::DEFAULT_MAX_BLOB)?;
        Ok(Office {
            store: Mutex::new(store),
            auth: Mutex::new(auth),
            max_body,
            blobs,
            secure_cookies: false,
            web: web_app::find_dir(None),
            board_cache: Mutex::new(None),
            board_reader: Mutex::new(board_reader),
        })
    }

    /// Mark session cookies `Secure`: when the office is reached over HTTPS (its own TLS or a
    /// proxy's). On plain loopback HTTP a browser would drop a Secure cookie.
    pub fn with_secure_cookies(mut self, secure: bool) -> Office {
        self.secure_cookies = secure;
        self
    }

    /// Serve the web app from `dir` (checked for an `index.html`), else from where
    /// [`web_app::find_dir`] looks.
    pub fn with_web(mut self, dir: Option<&Path>) -> weibao::Result<Office> {
        if let Some(d) = dir {
            if !d.join("index.html").is_file() {
                return Err(weibao::Error::invalid(
                    "web",
                    format!(
                        "{} 中没有 index.html：不是构建好的办公室网页目录",
                        d.display()
                    ),
                    format!(
                        "{} has no index.html: not a built office web app",
                        d.display()
                    ),
                ));
            }
        }
        self.web = web_app::find_dir(dir);
        Ok(self)
    }

    /// Serve no web app (`/` then says how to build one), wherever a build might be.
    pub fn with_no_web(mut self) -> Office {
        self.web = None;
        self
    }

    /// Where the web app is served from, if anywhere.
    pub fn web_dir(&self) -> Option<&Path> {
        self.web.as_deref()
    }

    /// The largest blob accepted, in bytes (default [`blobs::DEFAULT_MAX_BLOB`]).
    pub fn with_max_blob(mut self, bytes: u64) -> Office {
        self.blobs.set_max_blob(bytes);
        self
    }
}

/// The router, for [`serve`] and for tests that call it directly.
pub fn router(office: Arc<Office>) -> axum::Router {
    routes::router(office)
}

/// Serve until the listener fails or Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, office: Arc<Office>) -> std::io::Result<()> {
    axum::serve(listener, router(office))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// Serve over HTTPS (rustls) until the listener fails or Ctrl-C.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    office: Arc<Office>,
    cfg: Arc<tokio_rustls::rustls::ServerConfig>,
) -> std::io::Result<()> {
    let tls = tls::TlsListener::new(listener, cfg)?;
    axum::serve(tls, router(office))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
