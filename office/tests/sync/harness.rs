//! A real office server on a loopback port (in-process, on its own tokio runtime), laptops as
//! database files driven by the built `weibao` CLI, and raw requests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use weibao::sync::{PROTOCOL_HEADER, PROTOCOL_VERSION, SCHEMA_HEADER};
use weibao::{Store, SystemClock};
use weibao_office::{DataDir, Office};

pub struct Server {
    pub url: String,
    pub data: DataDir,
    _rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl Server {
    /// An office with the demo data loaded, serving on 127.0.0.1 with `max_body` bytes.
    pub fn start(demo: bool, max_body: usize) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::new(dir.path());
        if demo {
            let mut store = data.open_store().expect("office store");
            weibao::demo::load(&mut store, None, &mut |_, _| {}).expect("demo");
        }
        Server::serve(dir, max_body)
    }

    /// An office whose replica is a copy of `replica` (a backup being restored).
    pub fn start_from(replica: &Path, max_body: usize) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(replica, DataDir::new(dir.path()).replica()).expect("restore");
        Server::serve(dir, max_body)
    }

    /// Stop serving (the office is down); its data folder and port, to [`Server::resume`].
    pub fn stop(self) -> (tempfile::TempDir, u16) {
        let port = self
            .url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        drop(self._rt);
        (self._dir, port)
    }

    /// Serve a stopped office's data folder again on the same port.
    pub fn resume(dir: tempfile::TempDir, port: u16) -> Server {
        Server::serve_with(
            dir,
            weibao_office::DEFAULT_MAX_BODY,
            weibao_office::blobs::DEFAULT_MAX_BLOB,
            port,
        )
    }

    /// An empty office that accepts blobs of at most `max_blob` bytes.
    pub fn start_with_blob_limit(max_blob: u64) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        Server::serve_with(dir, weibao_office::DEFAULT_MAX_BODY, max_blob, 0)
    }

    fn serve(dir: tempfile::TempDir, max_body: usize) -> Server {
        Server::serve_with(dir, max_body, weibao_office::blobs::DEFAULT_MAX_BLOB, 0)
    }

    fn serve_with(dir: tempfile::TempDir, max_body: usize, max_blob: u64, port: u16) -> Server {
        let data = DataDir::new(dir.path());
        let office = Arc::new(
            Office::open(&data, max_body)
                .expect("office")
                .with_max_blob(max_blob),
        );
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        rt.spawn(async move {
            let l = tokio::net::TcpListener::from_std(listener).expect("listener");
            weibao_office::serve(l, office).await
        });
        Server {
            url: format!("http://{addr}"),
            data: DataDir::new(dir.path()),
            _rt: rt,
            _dir: dir,
        }
    }

    /// Add an engineer; returns their token.
    pub fn engineer(&self, name: &str) -> String {
        let mut auth = self.data.open_auth().expect("auth");
        auth.add(name, "all").expect("add engineer").1
    }

    /// Add an engineer as `weibao-office engineer add` does (their record in the office
    /// replica too); returns their token and report prefix.
    pub fn enrollable(&self, name: &str) -> (String, String) {
        let (_, token, prefix) =
            weibao_office::enrolment::add_engineer(&self.data, name, "all", None)
                .expect("add engineer");
        (token, prefix)
    }

    pub fn revoke(&self, name: &str) {
        let mut auth = self.data.open_auth().expect("auth");
        auth.revoke(name).expect("revoke");
    }

    /// The office replica, opened beside the running server (WAL: a second reader is fine).
    pub fn store(&self) -> Store {
        Store::open(&self.data.replica(), Arc::new(SystemClock)).expect("office store")
    }
}

/// A laptop: one database file.
pub struct Laptop {
    pub db: PathBuf,
    _dir: tempfile::TempDir,
}

impl Laptop {
    pub fn new() -> Laptop {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("laptop.db");
        drop(Store::open(&db, Arc::new(SystemClock)).expect("laptop store"));
        Laptop { db, _dir: dir }
    }

    pub fn store(&self) -> Store {
        Store::open(&self.db, Arc::new(SystemClock)).expect("laptop store")
    }

    /// `weibao --db DB sync --server URL --token T`.
    pub fn sync(&self, server: &Server, token: &str) -> Output {
        weibao(
            &self.db,
            &[
                "sync",
                "--server",
                &server.url,
                "--token",
                token,
                "--attempts",
                "2",
            ],
        )
    }

    /// `weibao --db DB enrol --server URL --token T`.
    pub fn enrol(&self, server: &Server, token: &str) -> Output {
        weibao(
            &self.db,
            &[
                "--json",
                "enrol",
                "--server",
                &server.url,
                "--token",
                token,
                "--attempts",
                "2",
            ],
        )
    }

    #[track_caller]
    pub fn sync_ok(&self, server: &Server, token: &str) -> String {
        let out = self.sync(server, token);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "weibao sync failed: {stderr}");
        stderr
    }
}

/// The `weibao-office` binary of this package.
pub fn office_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_weibao-office"))
}

/// The built `weibao` CLI, for tests that start it as a long-running process.
pub fn weibao_command(db: &Path) -> Command {
    let mut c = Command::new(weibao_bin());
    c.arg("--db").arg(db);
    c
}

/// Run the `weibao` CLI (built once for this test run, in this test's own target dir).
pub fn weibao(db: &Path, args: &[&str]) -> Output {
    Command::new(weibao_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run weibao")
}

include!("../common/weibao_cli.rs");

/// A request with the current protocol and schema headers and, if given, a token.
pub fn request(
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
) -> reqwest::blocking::RequestBuilder {
    let mut r = client()
        .request(method, url)
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .header(
            SCHEMA_HEADER,
            weibao::store::migrations::latest_version().to_string(),
        );
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

/// Status and JSON body of an answer.
pub fn answer(r: reqwest::blocking::RequestBuilder) -> (u16, serde_json::Value) {
    let resp = r.send().expect("send");
    let status = resp.status().as_u16();
    let text = resp.text().expect("body");
    let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, v)
}
