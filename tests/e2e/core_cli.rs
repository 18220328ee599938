//! The `weibao` CLI as scripts use it: tables by default, `--json` on reads, exit codes 0/1/2.

use crate::support::{weibao_bin, TestDb};
use std::process::{Command, Output};

fn weibao(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(weibao_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run weibao")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON on stdout")
}

#[test]
fn cli_reads_writes_and_exit_codes() {
    let t = TestDb::new();
    let db = t.path.as_path();
    let demo = weibao(db, &["demo", "--json"]);
    let sum = json(&demo);
    assert_eq!(sum["devices"], 300);
    assert_eq!(sum["lanes"], 20);
    // Loading twice is refused: the demo never overwrites real data.
    let again = weibao(db, &["demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("demo_exists"));

    let hits = json(&weibao(
        db,
        &["device", "search", "--json", "--model", "IPC-610L"],
    ));
    assert!(hits
        .as_array()
        .is_some_and(|a| !a.is_empty() && a.iter().all(|h| h["model"] == "IPC-610L")));
    let table = weibao(db, &["device", "search", "--code", "XA01-L01-BG01"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("统一编号")
            && text.contains("XA01-L01-BG01")
            && text.contains("西安综合保税区卡口"),
        "{text}"
    );

    let archive = json(&weibao(db, &["device", "show", "XA01-L01-BG01", "--json"]));
    assert_eq!(archive["device"]["code"], "XA01-L01-BG01");
    assert!(archive["history"].as_array().is_some_and(|h| !h.is_empty()));

    // Report a fault, advance it, issue a part; read it all back as JSON.
    let wo = json(&weibao(
        db,
        &[
            "wo",
            "report",
            "--json",
            "--device",
            "XA01-L03-BG01",
            "--level",
            "1",
            "--phenomenon",
            "道闸无法抬杆",
        ],
    ));
    let id = wo["id"].as_str().expect("id").to_string();
    let pads_on_van = |db| {
        let van = json(&weibao(db, &["stock", "show", "张伟车载库", "--json"]));
        van.as_array()
            .unwrap()
            .iter()
            .find(|l| l["part_code"] == "PAD-BG")
            .and_then(|l| l["on_hand"].as_i64())
            .unwrap_or(0)
    };
    let pads_before = pads_on_van(db);
    for to in ["assigned", "responded", "on_site"] {
        assert!(weibao(db, &["wo", "advance", &id, "--to", to])
            .status
            .success());
    }
    let issue = weibao(
        db,
        &[
            "stock",
            "move",
            "--kind",
            "issue",
            "--part",
            "PAD-BG",
            "--qty",
            "1",
            "--from",
            "张伟车载库",
            "--work-order",
            &id,
        ],
    );
    assert!(
        issue.status.success(),
        "{}",
        String::from_utf8_lossy(&issue.stderr)
    );
    let detail = json(&weibao(db, &["wo", "show", &id, "--json"]));
    assert_eq!(detail["state"], "on_site");
    assert_eq!(detail["parts"][0]["part_code"], "PAD-BG");
    assert_eq!(pads_on_van(db), pads_before - 1);
    for read in [
        &["stock", "locations", "--json"][..],
        &["stock", "movements", "总仓", "--json"],
        &["stock", "rma", "--json"],
        &["wo", "list", "--json"],
        &["lanes", "--json"],
    ] {
        json(&weibao(db, read));
    }

    // Domain errors exit 1 with the message on stderr (Chinese, then English); --json errors are JSON.
    let illegal = weibao(db, &["wo", "advance", &id, "--to", "closed"]);
    assert_eq!(illegal.status.code(), Some(1));
    let err = String::from_utf8_lossy(&illegal.stderr);
    assert!(
        err.contains("illegal_transition") && err.contains("工单状态不能从"),
        "{err}"
    );
    let neg = weibao(
        db,
        &[
            "--json", "stock", "move", "--kind", "receive", "--part", "PAD-BG", "--qty", "-2",
            "--to", "总仓",
        ],
    );
    assert_eq!(neg.status.code(), Some(1));
    let e: serde_json::Value = serde_json::from_slice(&neg.stderr).expect("JSON error");
    assert_eq!(e["kind"], "invalid");
    assert_eq!(e["field"], "movement.qty");
    // Usage errors exit 2.
    assert_eq!(weibao(db, &["no-such-command"]).status.code(), Some(2));
    assert_eq!(
        weibao(db, &["wo", "report", "--device", "X"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_reader_that_stops_early_is_not_a_panic() {
    let (t, store) = TestDb::demo();
    drop(store);
    let args = ["--json", "device", "search", "--limit", "1000", "L0"];
    // More than a pipe holds (64 KiB), so the CLI meets the closed pipe mid-write.
    let whole = Command::new(weibao_bin())
        .arg("--db")
        .arg(&t.path)
        .args(args)
        .output()
        .expect("run");
    assert!(whole.stdout.len() > 65_536, "{} bytes", whole.stdout.len());
    // `weibao … | head -c 10`, with the CLI's own exit status.
    let out = Command::new("bash")
        .arg("-c")
        .arg(r#"set -o pipefail; "$0" --db "$1" "${@:2}" | head -c 10 > /dev/null"#)
        .arg(weibao_bin())
        .arg(&t.path)
        .args(args)
        .output()
        .expect("bash");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{:?}: {err}", out.status);
}
