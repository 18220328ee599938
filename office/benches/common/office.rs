//! The office server as a process, shared by the benches (`sync_load`, `board`): start
//! `weibao-office serve` on a free loopback port and wait for it, run its admin commands, read a
//! process's peak memory. Each bench uses the part it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The office: its data folder and a running `serve` process.
pub struct Office {
    pub data: PathBuf,
    pub port: u16,
    child: Child,
}

impl Office {
    pub fn start(data: &Path) -> Office {
        let port = free_port();
        let child = Command::new(office_bin())
            .arg("--data")
            .arg(data)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .stderr(Stdio::null())
            .spawn()
            .expect("weibao-office serve");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(60), "no office");
            std::thread::sleep(Duration::from_millis(50));
        }
        Office {
            data: data.to_path_buf(),
            port,
            child,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Office {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn office_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_weibao-office"))
}

pub fn office_cmd(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(office_bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("weibao-office")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Peak resident memory of a running process (kB → MB), from /proc.
pub fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
