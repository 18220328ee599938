//! Issue 4: the CLI over the checklist core, as a script uses it (`--json`, exit codes).

use crate::support::{weibao_bin, TestDb};
use serde_json::Value;
use std::process::{Command, Output};

fn weibao(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(weibao_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run weibao")
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "weibao failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn template_list_and_validate() {
    let t = TestDb::new();
    let list = json(&weibao(&t.path, &["--json", "template", "list"]));
    let ids: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["daily_maintenance", "quarterly_lane", "baseline_survey"]
    );

    let good = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/resources/checklists/quarterly.toml"
    );
    let out = weibao(&t.path, &["template", "validate", good]);
    assert!(out.status.success());

    let broken = t.dir.path().join("broken.toml");
    let text = std::fs::read_to_string(good)
        .expect("read")
        .replace("max = 2.5", "max = 0.2")
        .replace(
            "kind = \"yes_no\"\n  label_zh = \"有过热或老化迹象\"",
            "kind = \"maybe\"\n  label_zh = \"有过热或老化迹象\"",
        );
    std::fs::write(&broken, &text).expect("write");
    let out = weibao(
        &t.path,
        &[
            "--json",
            "template",
            "validate",
            broken.to_str().expect("path"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "problems are a domain error");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let locations: Vec<String> = report[0]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["location"].as_str().unwrap_or_default().to_string())
        .collect();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).expect("line") + 1;
    let file = broken.display().to_string();
    assert_eq!(
        locations,
        [
            format!("{file}:{}:gate.motor_current", line_of("max = 0.2")),
            format!("{file}:{}:gate.overheat", line_of("kind = \"maybe\"")),
        ]
    );
}

#[test]
fn inspection_from_start_to_fault_by_script() {
    let (t, store) = TestDb::demo();
    let (lane, gate) = crate::checklist_run::demo_lane(&store);
    drop(store);
    let db = &t.path;
    let started = json(&weibao(
        db,
        &["--json", "inspection", "start", "--lane", &lane],
    ));
    let id = started["header"]["id"].as_str().expect("id").to_string();
    assert_eq!(started["progress"]["required_answered"], 0);

    let current = format!("gate.motor_current@{gate}");
    let ack = json(&weibao(
        db,
        &[
            "--json",
            "inspection",
            "answer",
            &id,
            &current,
            "3.1",
            "--instrument",
            "钳形表",
        ],
    ));
    assert_eq!(ack["outcome"]["out_of_range"], true);
    assert_eq!(ack["fault_level"], 3);

    // A number with text: exit 1, a typed error naming the field on stderr.
    let out = weibao(
        db,
        &["--json", "inspection", "answer", &id, &current, "3.1A"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(
        (err["kind"].as_str(), err["field"].as_str()),
        (Some("invalid"), Some("value"))
    );
    // A usage error (no item) is exit 2.
    assert_eq!(
        weibao(db, &["inspection", "answer", &id]).status.code(),
        Some(2)
    );

    // Completing now is refused and names what is missing.
    let out = weibao(db, &["--json", "inspection", "complete", &id]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(err["kind"], "inspection_incomplete");
    let en = err["message_en"].as_str().unwrap_or_default();
    assert!(!en.contains("lane.weatherproof"), "{en}: labels, not keys");
    assert!(en.contains("required items are unanswered"), "{en}");

    // Answer the rest through the library, then complete and open the fault from the CLI.
    let mut store = t.open();
    crate::checklist_run::answer_rest_passing(&mut store, &id, &[]);
    drop(store);
    let progress = json(&weibao(db, &["--json", "inspection", "progress", &id]));
    assert_eq!(progress["required"], progress["required_answered"]);
    // A failed item without its fault: completing asks first (refused, naming it).
    let out = weibao(db, &["--json", "inspection", "complete", &id]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(err["kind"], "faults_not_opened");
    let done = json(&weibao(
        db,
        &["--json", "inspection", "complete", &id, "--keep-failures"],
    ));
    assert_eq!(done["failures"][0]["key"], current.as_str());
    let wo = json(&weibao(
        db,
        &["--json", "inspection", "open-fault", &id, &current],
    ));
    assert_eq!(wo["level"], 3);
    assert_eq!(wo["device_code"], gate.as_str());
    let shown = weibao(db, &["inspection", "show", &id]);
    let table = String::from_utf8_lossy(&shown.stdout);
    assert!(table.contains("超范围") && table.contains(wo["id"].as_str().expect("wo id")));

    // The schedule lists this lane's contract lanes with open due dates.
    let due = json(&weibao(db, &["--json", "inspection", "due"]));
    assert!(!due.as_array().expect("array").is_empty());
}
