//! `weibao sync --watch`: retries on a timer, so a laptop syncs once the office is back
//! without anyone touching it.

use crate::harness::{weibao, weibao_command, Laptop, Server};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn status(laptop: &Laptop) -> serde_json::Value {
    let st = weibao(&laptop.db, &["--json", "sync", "--status"]);
    serde_json::from_slice(&st.stdout).expect("status JSON")
}

#[test]
fn a_watching_laptop_syncs_when_the_office_comes_back_without_a_new_edit() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = office.enrollable("王新");
    let laptop = Laptop::new();
    assert!(laptop.enrol(&office, &token).status.success());
    // The office goes down; the engineer works on.
    let (data, port) = office.stop();
    laptop
        .store()
        .write(|tx| weibao::org::add_company(tx, "离线时新建的客户公司", None, None))
        .expect("a change made offline");
    let mut child = weibao_command(&laptop.db)
        .args([
            "sync",
            "--watch",
            "--every",
            "3600",
            "--first-retry",
            "1",
            "--attempts",
            "1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start weibao sync --watch");
    let start = Instant::now();
    while status(&laptop)["last_error"].is_null() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let v = status(&laptop);
    assert_eq!(v["last_error"]["kind"], "offline", "{v}");
    assert_eq!(v["pending_changes"], 1);

    // The office comes back; no one touches the laptop.
    let office = Server::resume(data, port);
    let start = Instant::now();
    let arrived = loop {
        let n: i64 = office
            .store()
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM company WHERE name = '离线时新建的客户公司'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        if n == 1 || start.elapsed() > Duration::from_secs(60) {
            break n == 1;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    // Let the watcher record its success before stopping it.
    let start = Instant::now();
    while status(&laptop)["pending_changes"] != 0 && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(500));
    let _ = child.kill();
    let out = child.wait_with_output().expect("watcher output");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(arrived, "the change never reached the office:\n{err}");
    assert!(err.contains("not synced [offline]"), "{err}");
    assert!(err.contains("synced: pushed 1"), "{err}");
    let v = status(&laptop);
    assert!(v["last_error"].is_null(), "a success clears the error: {v}");
    assert!(v["last_ok_at"].is_string(), "{v}");
    assert_eq!(v["pending_changes"], 0);
}
