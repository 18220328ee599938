//! Mistyped paths, wrong encodings, inputs that would grow without bound, wildcards in search:
//! every error names the file (and line) and the option it came from, in both languages, and
//! every input has a bound checked before the work.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::report_support::{cli, demo_db, error_json};
use crate::support::{weibao_bin, TestDb};

fn says(e: &Value, zh: &str, en: &str) {
    let m = e["message"].as_str().unwrap_or_default();
    let m_en = e["message_en"].as_str().unwrap_or_default();
    assert!(m.contains(zh), "Chinese message lacks {zh:?}: {e}");
    assert!(m_en.contains(en), "English message lacks {en:?}: {e}");
}

fn quarterly_template() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/checklists/quarterly.toml"),
    )
    .expect("shipped template")
}

#[test]
fn a_db_under_a_file_names_the_file_and_the_option() {
    let t = TestDb::new();
    let file = t.dir.path().join("weibao.txt");
    std::fs::write(&file, "not a folder").expect("file");
    let db = file.join("weibao.db");
    let e = error_json(&cli(&db, &["--json", "lanes"]));
    assert_eq!(e["kind"], "io");
    assert_eq!(e["field"], "db");
    says(
        &e,
        "weibao.txt 是文件，不是文件夹",
        "weibao.txt is a file, not a folder",
    );
    // A folder given as the database.
    let e = error_json(&cli(t.dir.path(), &["--json", "lanes"]));
    assert_eq!(e["field"], "db");
    says(&e, "是文件夹", "folder");
}

#[test]
fn template_files_missing_non_utf8_or_too_large_name_the_file() {
    let t = TestDb::new();
    let dir = t.dir.path();
    let missing = dir.join("nope.toml");
    let e = error_json(&cli(
        &t.path,
        &["--json", "template", "validate", &missing.to_string_lossy()],
    ));
    assert_eq!(e["field"], "files");
    says(&e, "nope.toml", "nope.toml: no such file or folder");

    // Saved as GBK by a Chinese editor: the line where it stops being UTF-8.
    let gbk = dir.join("gbk.toml");
    let mut bytes = b"id = \"x\"\nversion = 1\nname_zh = \"".to_vec();
    bytes.extend([0xD1, 0xB2, 0xBC, 0xEC]); // 巡检 in GBK
    bytes.extend(b"\"\n");
    std::fs::write(&gbk, bytes).expect("write");
    let e = error_json(&cli(
        &t.path,
        &["--json", "template", "validate", &gbk.to_string_lossy()],
    ));
    says(&e, "第 3 行不是 UTF-8", "line 3 is not UTF-8");

    // A template folder that is not there.
    let e = error_json(&cli(
        &t.path,
        &[
            "--json",
            "template",
            "list",
            "--templates",
            &dir.join("none").to_string_lossy(),
        ],
    ));
    assert_eq!(e["field"], "templates");
    says(&e, "无法列出文件夹", "cannot list the folder");

    // Over the bound: refused by its size, before any parsing.
    let big = dir.join("big.toml");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(5 << 20).expect("len");
    let e = error_json(&cli(
        &t.path,
        &["--json", "template", "validate", &big.to_string_lossy()],
    ));
    says(&e, "上限 1 MB", "limit 1 MB");
}

#[test]
fn template_validate_without_db_creates_no_database() {
    let home = tempfile::tempdir().expect("home");
    let file = home.path().join("q.toml");
    std::fs::write(&file, quarterly_template()).expect("copy");
    let out = Command::new(weibao_bin())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove("WEIBAO_DB")
        .args(["template", "validate"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entries: Vec<_> = std::fs::read_dir(home.path())
        .expect("ls")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(
        entries,
        vec![std::ffi::OsString::from("q.toml")],
        "nothing but the template"
    );
}

/// A template of ~1 MB (3,400 items, each with a condition) validates in linear time; before
/// the line index it took 40 s. Nothing is timed here (see `cargo bench --bench checklist`);
/// the test only shows a template at the bound is accepted.
#[test]
fn a_template_at_the_size_bound_validates() {
    let t = TestDb::new();
    let text = weibao::demo::big_template::chained_template(1_000_000);
    assert!(text.len() as u64 <= weibao::checklist::MAX_TEMPLATE_BYTES);
    let path = t.dir.path().join("big.toml");
    std::fs::write(&path, &text).expect("write");
    let out = cli(
        &t.path,
        &["--json", "template", "validate", &path.to_string_lossy()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_bad_answers_file_names_the_file_and_line() {
    let (t, db) = demo_db();
    let lane = {
        let s = t.open();
        weibao::org::lanes(&s, None).expect("lanes")[0].id.clone()
    };
    let started = cli(&db, &["--json", "inspection", "start", "--lane", &lane]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let v: Value = serde_json::from_slice(&started.stdout).expect("json");
    let id = v["id"]
        .as_str()
        .or(v["header"]["id"].as_str())
        .expect("inspection id")
        .to_string();

    let dir = t.dir.path();
    let missing = dir.join("answers.txt");
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "inspection",
            "answer",
            &id,
            "--from",
            &missing.to_string_lossy(),
        ],
    ));
    assert_eq!(e["field"], "from");
    says(&e, "answers.txt", "answers.txt: no such file or folder");

    let bad = dir.join("bad.txt");
    std::fs::write(&bad, "# 答案\n\nno equals sign here\n").expect("write");
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "inspection",
            "answer",
            &id,
            "--from",
            &bad.to_string_lossy(),
        ],
    ));
    assert_eq!(e["field"], "from");
    says(&e, "bad.txt:3", "bad.txt:3");

    let unknown = dir.join("unknown.txt");
    std::fs::write(&unknown, "lane.no_such_item=pass\n").expect("write");
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "inspection",
            "answer",
            &id,
            "--from",
            &unknown.to_string_lossy(),
        ],
    ));
    assert_eq!(e["kind"], "not_found");
    says(&e, "unknown.txt:1", "unknown.txt:1");
    says(&e, "lane.no_such_item", "lane.no_such_item");
}

#[test]
fn a_photo_far_over_the_limit_is_refused_unread() {
    let (t, db) = demo_db();
    let wo = {
        let s = t.open();
        weibao::work_orders::list(&s, &Default::default()).expect("list")[0]
            .id
            .clone()
    };
    let huge = t.dir.path().join("huge.jpg");
    let f = std::fs::File::create(&huge).expect("create");
    f.set_len(200 << 20).expect("sparse 200 MB");
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "photo",
            "add",
            "--wo",
            &wo,
            &huge.to_string_lossy(),
        ],
    ));
    assert_eq!(e["field"], "photo");
    says(&e, "上限 80 MB", "limit 80 MB");
}

#[test]
fn search_wildcards_are_literal() {
    let (_t, db) = demo_db();
    for q in [
        vec!["device", "search", "%"],
        vec!["device", "search", "_"],
        vec!["device", "search", "--model", "%"],
        vec!["device", "search", "--site", "%"],
    ] {
        let mut args = vec!["--json"];
        args.extend(q.iter().copied());
        let out = cli(&db, &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let hits: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(
            hits.as_array().map(Vec::len),
            Some(0),
            "{q:?} matched {hits}"
        );
    }
    // The same query with real text still finds devices.
    let out = cli(&db, &["--json", "device", "search", "--model", "IPC"]);
    let hits: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(hits.as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn fault_level_in_chinese_is_accepted_and_nonsense_is_named() {
    let (_t, db) = demo_db();
    let out = cli(
        &db,
        &[
            "--json",
            "wo",
            "report",
            "--device",
            "XA01-L01-BG01",
            "--level",
            "一级",
            "--phenomenon",
            "道闸不落杆",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["level"], 1);
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "wo",
            "report",
            "--device",
            "XA01-L01-BG01",
            "--level",
            "五级",
            "--phenomenon",
            "x",
        ],
    ));
    assert_eq!(e["field"], "fault.level");
    says(&e, "五级", "五级");
}

#[test]
fn a_demo_scale_past_the_bound_is_refused_before_any_work() {
    let t = TestDb::new();
    let e = error_json(&cli(&t.path, &["--json", "demo", "--scale", "99999999999"]));
    assert_eq!(e["field"], "scale");
    says(&e, "1000000", "1000000");
    let s = t.open();
    assert!(
        weibao::profile::is_empty(&s).expect("query"),
        "nothing was loaded"
    );
}

#[test]
fn not_found_names_what_was_looked_for() {
    let (_t, db) = demo_db();
    let e = error_json(&cli(&db, &["--json", "device", "show", "NO-SUCH-CODE"]));
    assert_eq!(e["kind"], "not_found");
    assert_eq!(e["field"], "device");
    says(
        &e,
        "未找到设备「NO-SUCH-CODE」",
        "device not found: \"NO-SUCH-CODE\"",
    );
}
