//! The office two ways: in this process on a tokio runtime of its own, restartable in a few
//! milliseconds (the property test restarts it at random), and as a real `weibao-office serve`
//! process to SIGKILL.

use crate::proxy::{Control, Mishap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use weibao_office::{DataDir, Office, DEFAULT_MAX_BODY};

/// The office server in this process. A restart stops it as a crash would look from the
/// network (every connection dropped, answers in flight lost; a transaction already running
/// finishes, as SQLite's would or would roll back), reopens the same data folder and serves on
/// the same port.
pub struct LiveOffice {
    pub data: PathBuf,
    pub addr: SocketAddr,
    rt: Mutex<Option<tokio::runtime::Runtime>>,
    restarts: AtomicUsize,
    restores: AtomicUsize,
}

impl LiveOffice {
    pub fn start(data: &Path) -> Arc<LiveOffice> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("office bind");
        let addr = listener.local_addr().expect("office addr");
        let rt = serve(data, listener);
        Arc::new(LiveOffice {
            data: data.to_path_buf(),
            addr,
            rt: Mutex::new(Some(rt)),
            restarts: AtomicUsize::new(0),
            restores: AtomicUsize::new(0),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop, reopen the data folder, serve on the same port.
    pub fn restart(&self) {
        self.stop_and_serve(|| {});
    }

    /// A backup of the replica as it is now (`VACUUM INTO`, beside the running server).
    pub fn backup(&self) {
        let copy = self.data.join("backup.db");
        let _ = std::fs::remove_file(&copy);
        rusqlite::Connection::open(self.data.join("office.db"))
            .and_then(|c| c.execute("VACUUM INTO ?1", [copy.to_string_lossy().as_ref()]))
            .expect("backup");
    }

    /// Stop, put the last backup in place of the replica, serve again: the office forgets all
    /// it stored since (as after a disk replaced and restored). A plain restart without one.
    pub fn restore(&self) {
        let copy = self.data.join("backup.db");
        self.stop_and_serve(|| {
            if copy.exists() {
                self.restores.fetch_add(1, Ordering::SeqCst);
                let db = self.data.join("office.db");
                for f in ["office.db-wal", "office.db-shm"] {
                    let _ = std::fs::remove_file(self.data.join(f));
                }
                std::fs::copy(&copy, db).expect("restore");
            }
        });
    }

    fn stop_and_serve(&self, meanwhile: impl FnOnce()) {
        let mut slot = self.rt.lock().expect("office runtime");
        if let Some(rt) = slot.take() {
            rt.shutdown_timeout(Duration::from_secs(10));
        }
        meanwhile();
        *slot = Some(serve(&self.data, bind_again(self.addr)));
        self.restarts.fetch_add(1, Ordering::SeqCst);
    }

    /// How often it was restarted or restored.
    pub fn restarts(&self) -> usize {
        self.restarts.load(Ordering::SeqCst)
    }

    /// How often it went back to a backup.
    pub fn restores(&self) -> usize {
        self.restores.load(Ordering::SeqCst)
    }

    /// The proxy's hook, which never keeps the office alive.
    pub fn control(self: &Arc<Self>) -> Control {
        let weak = Arc::downgrade(self);
        Arc::new(move |m| {
            if let Some(office) = weak.upgrade() {
                match m {
                    Mishap::Restart => office.restart(),
                    Mishap::Restore => office.restore(),
                }
            }
        })
    }
}

impl Drop for LiveOffice {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.get_mut().ok().and_then(Option::take) {
            rt.shutdown_timeout(Duration::from_secs(10));
        }
    }
}

fn serve(data: &Path, listener: std::net::TcpListener) -> tokio::runtime::Runtime {
    let office = Arc::new(Office::open(&DataDir::new(data), DEFAULT_MAX_BODY).expect("office"));
    listener.set_nonblocking(true).expect("nonblocking");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("office")
        .enable_all()
        .build()
        .expect("office runtime");
    rt.spawn(async move {
        let l = tokio::net::TcpListener::from_std(listener).expect("office listener");
        axum::serve(l, weibao_office::router(office)).await
    });
    rt
}

/// The port of a server that just stopped (the kernel may take a moment to let it go).
fn bind_again(addr: SocketAddr) -> std::net::TcpListener {
    let started = Instant::now();
    loop {
        match std::net::TcpListener::bind(addr) {
            Ok(l) => return l,
            Err(e) if started.elapsed() < Duration::from_secs(10) => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("cannot serve on {addr} again: {e}"),
        }
    }
}

/// `weibao-office --data DIR serve --listen ADDR` as a child process (its log in DIR/serve.log).
pub struct OfficeProcess {
    pub data: PathBuf,
    pub addr: SocketAddr,
    child: Child,
}

impl OfficeProcess {
    /// Serve `data` on a free loopback port.
    pub fn start(data: &Path) -> OfficeProcess {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        OfficeProcess::start_on(data, addr)
    }

    /// Serve `data` on `addr` and wait until it accepts connections.
    pub fn start_on(data: &Path, addr: SocketAddr) -> OfficeProcess {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data.join("serve.log"))
            .expect("serve log");
        let child = Command::new(env!("CARGO_BIN_EXE_weibao-office"))
            .arg("--data")
            .arg(data)
            .args(["serve", "--listen", &addr.to_string()])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start weibao-office");
        let mut p = OfficeProcess {
            data: data.to_path_buf(),
            addr,
            child,
        };
        p.wait_ready();
        p
    }

    fn wait_ready(&mut self) {
        let started = Instant::now();
        while std::net::TcpStream::connect(self.addr).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("weibao-office exited at start ({status}): {}", self.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "weibao-office does not listen on {}: {}",
                self.addr,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown, no flush, no goodbye.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL weibao-office");
        self.child.wait().expect("reap weibao-office");
    }

    /// The same data folder served again on the same port.
    pub fn restart(&mut self) {
        let _ = self.child.try_wait();
        *self = OfficeProcess::start_on(&self.data.clone(), self.addr);
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.join("serve.log")).unwrap_or_default()
    }
}

impl Drop for OfficeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
