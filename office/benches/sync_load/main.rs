//! Sync over HTTP, measured (prints figures, asserts nothing). Real processes on loopback: the
//! `weibao-office serve` binary, the `weibao` CLI as the laptop, and a byte-counting TCP proxy
//! between them for the bytes on the wire.
//!
//!   cargo bench -p weibao-office --bench sync_load              # all three
//!   cargo bench -p weibao-office --bench sync_load -- first     # or: edit, load
//!   WEIBAO_BENCH_SCALE=100000 WEIBAO_BENCH_ENGINEERS=1000 (the defaults)
//!
//! - first: the first sync of `weibao-office demo --scale N` to an empty laptop (`weibao
//!   enrol`, which pulls everything): time, changes, bytes on the wire, peak RSS of both sides;
//! - edit: bytes on the wire for one edited field (and for a sync with nothing new);
//! - load: N simulated engineers pushing and pulling at once against one server: throughput,
//!   p50/p99 latency, errors.

mod load;
#[path = "../common/office.rs"]
mod office_proc;
mod wire;

pub use office_proc::{free_port, office_bin, office_cmd, peak_rss_mb, Office};

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use weibao::{Store, SystemClock};

fn main() {
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let want = |name: &str| which.is_empty() || which.iter().any(|w| w == name);
    let scale = env_num("WEIBAO_BENCH_SCALE", 100_000);
    let engineers = env_num("WEIBAO_BENCH_ENGINEERS", 1000);
    let cli = weibao_bin();
    if want("first") || want("edit") {
        first_and_edit(cli, scale, want("first"), want("edit"));
    }
    if want("load") {
        load::many_engineers(engineers);
    }
}

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Run a laptop command to its end, sampling its peak RSS while it runs.
fn run_sampled(cmd: &mut Command) -> (std::process::Output, f64, Duration) {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("weibao");
    let pid = child.id();
    let peak = Arc::new(std::sync::Mutex::new(0.0f64));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                if let (Some(mb), Ok(mut p)) = (peak_rss_mb(pid), peak.lock()) {
                    *p = p.max(mb);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let out = child.wait_with_output().expect("wait");
    let took = start.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = sampler.join();
    let peak = peak.lock().map(|p| *p).unwrap_or(0.0);
    (out, peak, took)
}

fn first_and_edit(cli: &Path, scale: usize, first: bool, edit: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("office");
    let t = Instant::now();
    let out = office_cmd(&data, &["demo", "--scale", &scale.to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "office demo --scale {scale}: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let out = office_cmd(&data, &["engineer", "add", "王新", "--sites", "all"]);
    let token = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    let office = Office::start(&data);
    let proxy = wire::Counter::start(office.port);
    let laptop = dir.path().join("laptop.db");
    let url = format!("http://127.0.0.1:{}", proxy.port());
    let (out, client_mb, took) = run_sampled(
        Command::new(cli)
            .arg("--db")
            .arg(&laptop)
            .args(["--json", "enrol", "--server", &url, "--token", &token]),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    if first {
        let (up, down) = proxy.bytes();
        println!(
            "first sync (enrol) of {} changes: {:.1} s, {:.0} changes/s; on the wire {:.1} MB down, {:.2} MB up (JSON before gzip {:.1} MB down); peak RSS laptop {:.0} MB, office {:.0} MB",
            v["sync"]["pulled"],
            took.as_secs_f64(),
            v["sync"]["pulled"].as_f64().unwrap_or(0.0) / took.as_secs_f64().max(1e-9),
            down as f64 / 1e6,
            up as f64 / 1e6,
            v["sync"]["bytes_received"].as_f64().unwrap_or(0.0) / 1e6,
            client_mb,
            peak_rss_mb(office.pid()).unwrap_or(0.0),
        );
    }
    if edit {
        let sync = |what: &str| {
            proxy.reset();
            let (out, _, took) =
                run_sampled(Command::new(cli).arg("--db").arg(&laptop).arg("sync"));
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let (up, down) = proxy.bytes();
            println!(
                "{what}: {up} bytes up, {down} bytes down, {:.0} ms",
                took.as_secs_f64() * 1000.0
            );
        };
        sync("a sync with nothing new");
        {
            let mut store = Store::open(&laptop, Arc::new(SystemClock)).expect("laptop");
            let device: String = store
                .conn()
                .query_row("SELECT id FROM device ORDER BY code LIMIT 1", [], |r| {
                    r.get(0)
                })
                .expect("a device");
            store
                .write(|tx| tx.update("device", &device, &[("notes", &"闸机电机已更换")]))
                .expect("one edit");
        }
        sync("one edited field");
    }
}

include!("../../tests/common/weibao_cli.rs");
