//! The dispatch board at scale, measured (prints figures, asserts nothing): an office replica
//! with `weibao demo --scale` devices (default 100,000) and that many open work orders (default
//! 10,000), the real `weibao-office serve` on loopback, and a dispatcher's session.
//!
//!   cargo bench -p weibao-office --bench board
//!   WEIBAO_BENCH_DEVICES=100000 WEIBAO_BENCH_OPEN=10000 (the defaults)
//!
//! Prints: how long the data took to make; `GET /api/v1/board` (the page of the 200 most urgent
//! the web app asks for) cold, warm, at its largest page and right after a change (when every
//! open work order's clocks are computed again): p50/p99 latency and bytes on the wire; the 304
//! a poll gets when nothing changed; one work order's view; the server's peak memory; and, when
//! chromium, chromium-driver and a built web app are there, the board's first paint in the
//! browser (`e2e/office/bench.mjs`).

#[path = "../common/office.rs"]
mod office_proc;

use office_proc::{free_port, peak_rss_mb, Office};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use weibao::domain::work_order::FaultReportInput;
use weibao::{Store, SystemClock};
use weibao_office::staff::{self, Role};
use weibao_office::DataDir;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let devices = env_num("WEIBAO_BENCH_DEVICES", 100_000);
    let open = env_num("WEIBAO_BENCH_OPEN", 10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let data = DataDir::new(dir.path());

    let t = Instant::now();
    let mut store = Store::open(&data.replica(), Arc::new(SystemClock)).expect("replica");
    weibao::demo::load(&mut store, Some(devices), &mut |_, _| {}).expect("demo");
    let demo_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let ids: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM device WHERE deleted = 0 ORDER BY code")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .expect("devices");
    let step = (ids.len() / open.max(1)).max(1);
    store
        .write(|tx| {
            for (i, id) in ids.iter().step_by(step).take(open).enumerate() {
                weibao::work_orders::report_fault(
                    tx,
                    &FaultReportInput {
                        device_id: id.clone(),
                        level: (i % 4 + 1) as i64,
                        phenomenon: format!("压测故障 {i}：设备无响应"),
                        channel: Some("phone".into()),
                        ..Default::default()
                    },
                )?;
            }
            Ok(())
        })
        .expect("open work orders");
    let open_s = t.elapsed().as_secs_f64();
    let n_open: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM work_order_now WHERE state NOT IN ('customer_signed','closed')",
            [],
            |r| r.get(0),
        )
        .expect("count");
    let some_wo: String = store
        .conn()
        .query_row("SELECT id FROM work_order_now LIMIT 1", [], |r| r.get(0))
        .expect("a work order");
    drop(store);
    println!(
        "board bench: {} devices (demo {demo_s:.1} s), {n_open} open work orders (made in {open_s:.1} s)",
        ids.len()
    );

    let auth = data.open_auth().expect("auth");
    let password = staff::add(&auth, "压测客服", Role::Dispatcher)
        .expect("staff")
        .1;
    drop(auth);
    let server = Office::start(dir.path());
    let base = format!("http://127.0.0.1:{}", server.port);
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .expect("client");
    let login = http
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({"name": "压测客服", "password": password}))
        .send()
        .expect("login");
    let csrf = {
        let h = login.headers().clone();
        let body: serde_json::Value = login.json().expect("login answer");
        let c = body["csrf"].as_str().expect("csrf").to_string();
        (h, c)
    };
    let (login_headers, csrf) = csrf;
    let cookie = login_headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_string();

    let get = |path: &str, tag: Option<&str>| {
        let mut r = http
            .get(format!("{base}{path}"))
            .header("cookie", &cookie)
            .header("accept-encoding", "gzip");
        if let Some(t) = tag {
            r = r.header("if-none-match", t);
        }
        let t0 = Instant::now();
        let resp = r.send().expect("answer");
        let status = resp.status().as_u16();
        let etag = resp
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = resp.bytes().expect("body").len();
        (t0.elapsed(), status, bytes, etag)
    };

    let (cold, _, cold_bytes, _) = get("/api/v1/board", None);
    println!(
        "GET /api/v1/board, first (computes every open work order's clocks): {:.0} ms, {:.2} MB of JSON",
        ms(cold),
        cold_bytes as f64 / 1e6
    );
    let mut page = Vec::new();
    let mut bytes = 0;
    for _ in 0..50 {
        let (d, status, b, _) = get("/api/v1/board", None);
        assert_eq!(status, 200);
        page.push(d);
        bytes = b;
    }
    report(
        "GET /api/v1/board (page of 200, board unchanged)",
        &mut page,
        Some(bytes),
    );
    let mut biggest = Vec::new();
    for _ in 0..10 {
        let (d, _, b, _) = get("/api/v1/board?limit=2000", None);
        biggest.push(d);
        bytes = b;
    }
    report("GET /api/v1/board?limit=2000", &mut biggest, Some(bytes));
    // After a change the board is computed again (the first request of a new tag).
    let mut changed = Vec::new();
    for i in 0..8 {
        let r = http
            .post(format!("{base}/api/v1/complaints"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"customer": "西安海关", "complainant": "压测", "content": format!("压测投诉 {i}")}))
            .send()
            .expect("complaint");
        assert_eq!(r.status().as_u16(), 201);
        let (d, status, _, _) = get("/api/v1/board", None);
        assert_eq!(status, 200);
        changed.push(d);
    }
    report(
        "GET /api/v1/board right after a change (recomputed)",
        &mut changed,
        None,
    );
    // A staff write while the board recomputes: the board reads on its own connection, so the
    // write (and a laptop's sync push) does not wait the second or so it takes.
    let complaint = |i: usize| {
        let t0 = Instant::now();
        let r = http
            .post(format!("{base}/api/v1/complaints"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"customer": "西安海关", "complainant": "压测", "content": format!("并发投诉 {i}")}))
            .send()
            .expect("complaint");
        assert_eq!(r.status().as_u16(), 201);
        t0.elapsed()
    };
    let mut during = Vec::new();
    for i in 0..8 {
        complaint(100 + i);
        std::thread::scope(|s| {
            let board = s.spawn(|| get("/api/v1/board", None));
            std::thread::sleep(Duration::from_millis(150));
            during.push(complaint(200 + i));
            let (_, status, _, _) = board.join().expect("board thread");
            assert_eq!(status, 200);
        });
    }
    report(
        "POST /api/v1/complaints while the board recomputes",
        &mut during,
        None,
    );
    let tag = get("/api/v1/board", None).3;
    let mut polls = Vec::new();
    let mut not_modified = 0;
    for _ in 0..200 {
        let (d, status, _, _) = get("/api/v1/board", tag.as_deref());
        if status == 304 {
            not_modified += 1;
        }
        polls.push(d);
    }
    report(
        &format!("poll with If-None-Match ({not_modified}/200 answered 304)"),
        &mut polls,
        None,
    );
    let mut one = Vec::new();
    for _ in 0..50 {
        let (d, status, b, _) = get(&format!("/api/v1/work-orders/{some_wo}"), None);
        assert_eq!(status, 200);
        bytes = b;
        one.push(d);
    }
    report("GET /api/v1/work-orders/{id}", &mut one, Some(bytes));
    if let Some(mb) = peak_rss_mb(server.pid()) {
        println!("office server peak memory: {mb:.0} MB");
    }
    first_paint(&base, &password);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(what: &str, times: &mut [Duration], bytes: Option<usize>) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    let size = bytes.map_or(String::new(), |b| {
        format!(", {:.2} MB of JSON", b as f64 / 1e6)
    });
    println!(
        "{what}: p50 {:.1} ms, p99 {:.1} ms over {}{size}",
        ms(at(0.5)),
        ms(at(0.99)),
        times.len()
    );
}

/// The board's first paint in chromium, by the web app's own E2E harness, when it can run.
fn first_paint(base: &str, password: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let script = root.join("e2e/office/bench.mjs");
    let web = root.join("ui/dist-office/index.html");
    let have = |cmd: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {cmd}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !(web.is_file()
        && have("chromedriver")
        && have("node")
        && root.join("e2e/node_modules").is_dir())
    {
        println!(
            "first paint: skipped (needs ui/dist-office, chromedriver, node and e2e/node_modules)"
        );
        return;
    }
    let port = free_port();
    let mut driver = match Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            println!("first paint: chromedriver did not start: {e}");
            return;
        }
    };
    std::thread::sleep(Duration::from_millis(500));
    let out = Command::new("node")
        .arg(&script)
        .env("E2E_DRIVER_PORT", port.to_string())
        .env("BENCH_URL", base)
        .env("BENCH_USER", "压测客服")
        .env("BENCH_PASSWORD", password)
        .current_dir(root.join("e2e"))
        .output();
    let _ = driver.kill();
    let _ = driver.wait();
    match out {
        Ok(o) => {
            print!("{}", String::from_utf8_lossy(&o.stdout));
            if !o.status.success() {
                println!("first paint failed: {}", String::from_utf8_lossy(&o.stderr));
            }
        }
        Err(e) => println!("first paint: node did not run: {e}"),
    }
}
