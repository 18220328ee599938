//! Device archives edited at the lane (现场更正), devices found at the lane, history that says
//! who and when, and confidential archives that ask why before they open (查询和借阅管理制度).

use crate::report_support::{cli, demo_db, error_json};
use crate::support::TestDb;
use crate::sync_support::*;
use chrono::Duration;
use weibao::devices::{self, DeviceEdit};
use weibao::domain::device::DeviceInput;
use weibao::{setup, views, Store};

const GATE: &str = "XA02-L01-BG01";
/// The demo's industrial PCs are secret (秘密); everything else is internal (内部).
const SECRET_IPC: &str = "XA01-L01-PC01";

fn count(s: &Store, table: &str) -> i64 {
    value(s, &format!("SELECT COUNT(*) FROM {table}"))
}

fn firmware(v: &str) -> DeviceEdit {
    DeviceEdit {
        firmware: Some(v.into()),
        ..Default::default()
    }
}

fn name_of_current(s: &Store) -> String {
    scalar(
        s,
        "SELECT name FROM engineer WHERE id = ?1",
        s.current_engineer(),
    )
}

#[test]
fn a_firmware_edit_at_the_lane_shows_in_history_with_who_and_when() {
    let (t, mut s) = TestDb::demo();
    t.clock.advance(Duration::minutes(42));
    let changed = devices::edit_at_lane(&mut s, GATE, &firmware(" V2.1.3 ")).expect("edit");
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0].field, "device.firmware");
    assert_eq!(changed[0].from, None);
    assert_eq!(changed[0].to.as_deref(), Some("V2.1.3"), "kept trimmed");
    let d = devices::device(&s, GATE).expect("device");
    assert_eq!(d.firmware.as_deref(), Some("V2.1.3"));

    let history = devices::history(&s, &d.id).expect("history");
    let last = history.last().expect("a line");
    assert_eq!(last.kind, "edited");
    assert_eq!(last.summary, "现场更正：固件/软件版本 — → V2.1.3");
    assert_eq!(last.by, s.current_engineer());
    assert_eq!(last.by_name.as_deref(), Some(name_of_current(&s).as_str()));
    assert_eq!(last.at, s.now().to_rfc3339(), "when: the edit's own time");

    // The screen's view: in English too, with the time in China time.
    let v = views::archive::open(&mut s, GATE, None).expect("view");
    let row = v.history.last().expect("row");
    assert_eq!(
        row.summary_en,
        "Corrected at the lane: firmware/software version — → V2.1.3"
    );
    assert_eq!(row.line.by_name, last.by_name);
    assert!(
        row.at_text.starts_with("2026-11-23 10:42"),
        "{}",
        row.at_text
    );
}

#[test]
fn an_edit_at_the_lane_writes_only_the_fields_that_changed() {
    let (_t, mut s) = TestDb::demo();
    let before = devices::device(&s, GATE).expect("device");
    let edit = DeviceEdit {
        model: Some(before.model.clone()),
        position: Some("岗亭左侧".into()),
        status: Some("故障".into()),
        serial: Some("JS-NEW-0001".into()),
        ..Default::default()
    };
    let changed = devices::edit_at_lane(&mut s, GATE, &edit).expect("edit");
    let fields: Vec<&str> = changed.iter().map(|c| c.field).collect();
    assert_eq!(
        fields,
        ["device.serial", "device.status", "device.position"],
        "the unchanged model is not a change"
    );
    let update: String = value(
        &s,
        "SELECT fields FROM change_log WHERE tbl = 'device' AND op = 'update'
         ORDER BY seq DESC LIMIT 1",
    );
    let update: serde_json::Value = serde_json::from_str(&update).expect("json");
    let keys: Vec<&String> = update.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["position"], "one field change: the rest merges");
    let d = devices::device(&s, GATE).expect("device");
    assert_eq!(d.serial, "JS-NEW-0001");
    assert_eq!(d.status.code(), "faulty");
    let lines: Vec<String> = devices::history(&s, &d.id)
        .expect("history")
        .into_iter()
        .rev()
        .take(3)
        .map(|h| h.summary)
        .collect();
    assert!(
        lines.contains(&"状态改为「故障」：现场更正".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("序列号更正：")),
        "{lines:?}"
    );
    let from = before.position.as_deref().unwrap_or("—");
    assert!(
        lines.contains(&format!("现场更正：安装位置 {from} → 岗亭左侧")),
        "{lines:?}"
    );

    // The same edit again changes nothing and writes nothing.
    let log = count(&s, "change_log");
    assert!(devices::edit_at_lane(&mut s, GATE, &edit)
        .expect("again")
        .is_empty());
    assert_eq!(count(&s, "change_log"), log);
}

#[test]
fn bad_input_at_the_lane_is_named_and_nothing_is_stored() {
    let (_t, mut s) = TestDb::demo();
    let before = devices::device(&s, GATE).expect("device");
    let log = count(&s, "change_log");
    let with = |f: &dyn Fn(&mut DeviceEdit)| {
        // Each bad edit also carries a good firmware: it must not be stored either.
        let mut e = firmware("V9.9");
        f(&mut e);
        e
    };
    let cases: Vec<(DeviceEdit, &str, &str)> = vec![
        (
            with(&|e| e.serial = Some(String::new())),
            "device.serial",
            "序列号：不能为空",
        ),
        (
            with(&|e| e.serial = Some("   ".into())),
            "device.serial",
            "序列号：不能为空",
        ),
        (
            with(&|e| e.model = Some("M".repeat(201))),
            "device.model",
            "型号：过长",
        ),
        (
            with(&|e| e.firmware = Some("V".repeat(65))),
            "device.firmware",
            "固件/软件版本：过长",
        ),
        (
            with(&|e| e.position = Some("P".repeat(201))),
            "device.position",
            "安装位置：过长",
        ),
        (
            with(&|e| e.notes = Some("N".repeat(20_001))),
            "device.notes",
            "设备备注：过长",
        ),
        (
            with(&|e| e.status = Some("broken".into())),
            "device.status",
            "设备状态",
        ),
        (
            with(&|e| e.status = Some(" ".into())),
            "device.status",
            "设备状态：不能为空",
        ),
    ];
    for (edit, field, zh) in cases {
        let e = devices::edit_at_lane(&mut s, GATE, &edit).expect_err(field);
        assert_eq!(e.kind(), "invalid", "{field}: {e}");
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(
            e.message_zh().starts_with(zh),
            "{field}: {}",
            e.message_zh()
        );
        assert!(!e.to_string().contains(field), "no internal key shown: {e}");
    }
    let e = devices::edit_at_lane(&mut s, "NO-SUCH-DEVICE", &firmware("V1")).expect_err("none");
    assert_eq!((e.kind(), e.field()), ("not_found", Some("device")));
    assert_eq!(count(&s, "change_log"), log, "nothing stored");
    assert_eq!(devices::device(&s, GATE).expect("device"), before);
}

#[test]
fn the_core_says_which_fields_are_editable_at_the_lane() {
    let (_t, s) = TestDb::demo();
    let d = devices::device(&s, GATE).expect("device");
    let fields = devices::editable_fields(&d);
    let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        ["serial", "model", "firmware", "position", "status", "notes"]
    );
    let serial = &fields[0];
    assert_eq!((serial.field, serial.required), ("device.serial", true));
    assert_eq!(serial.value, d.serial);
    assert_eq!(fields[2].label_zh, "固件/软件版本");
    assert_eq!(fields[2].max_chars, 64);
    assert_eq!(fields[4].input, "status");
    assert_eq!(fields[4].value, d.status.code());
}

#[test]
fn a_device_found_at_the_lane_is_archived_with_a_line_saying_so() {
    let (_t, mut s) = TestDb::demo();
    let gate = devices::device(&s, GATE).expect("gate");
    let d = setup::create_device_found_at_lane(
        &mut s,
        &DeviceInput {
            code: "XA02-L01-SW09".into(),
            device_type: "网络交换机".into(),
            model: "S1720-10GW".into(),
            manufacturer: "华为".into(),
            serial: "HW2409X001".into(),
            lane_id: gate.lane_id.clone(),
            firmware: Some("V200R019".into()),
            ..Default::default()
        },
    )
    .expect("found");
    assert_eq!(d.firmware.as_deref(), Some("V200R019"));
    let v = views::archive::open(&mut s, &d.id, None).expect("view");
    let first = &v.history[0];
    assert_eq!(first.line.kind, "found");
    assert_eq!(first.line.summary, "现场发现并建档：S1720-10GW HW2409X001");
    assert_eq!(
        first.summary_en,
        "Found at the lane and archived: S1720-10GW HW2409X001"
    );
    assert_eq!(
        first.line.by_name.as_deref(),
        Some(name_of_current(&s).as_str())
    );
}

#[test]
fn a_confidential_archive_without_a_purpose_is_refused_and_nothing_logged() {
    let (_t, mut s) = TestDb::demo();
    let reads = count(&s, "archive_access");
    for purpose in [None, Some(""), Some("   ")] {
        let e = devices::open_archive(&mut s, SECRET_IPC, purpose).expect_err("refused");
        assert_eq!(e.kind(), "purpose_required");
        assert_eq!(e.field(), Some("archive_access.purpose"));
        assert_eq!(
            e.message_zh(),
            format!("设备 {SECRET_IPC} 的档案密级为「秘密」，查阅前请填写查阅目的")
        );
        assert!(e.to_string().contains("purpose"), "{e}");
    }
    let e = devices::open_archive(&mut s, SECRET_IPC, Some(&"为".repeat(201))).expect_err("long");
    assert_eq!(
        (e.kind(), e.field()),
        ("invalid", Some("archive_access.purpose"))
    );
    assert_eq!(count(&s, "archive_access"), reads, "nothing logged");

    let a = devices::open_archive(&mut s, SECRET_IPC, Some(" 更换硬盘前核对配置 ")).expect("open");
    assert_eq!(a.device.code.as_str(), SECRET_IPC);
    let log = devices::access_log(&s, 10).expect("log");
    assert_eq!(log[0].device_code, SECRET_IPC);
    assert_eq!(log[0].purpose.as_deref(), Some("更换硬盘前核对配置"));
    assert_eq!(log[0].at, s.now().to_rfc3339());
}

#[test]
fn an_internal_archive_is_logged_without_a_purpose_and_a_public_one_not_at_all() {
    let (_t, mut s) = TestDb::demo();
    let reads = count(&s, "archive_access");
    devices::open_archive(&mut s, GATE, None).expect("internal opens");
    assert_eq!(count(&s, "archive_access"), reads + 1, "logged");
    let log = devices::access_log(&s, 10).expect("log");
    assert_eq!(
        (log[0].device_code.as_str(), log[0].purpose.as_deref()),
        (GATE, None)
    );

    let d = devices::device(&s, GATE).expect("gate");
    let mut input = d.to_input();
    input.confidentiality = Some("public".into());
    s.write(|tx| devices::update_device(tx, &d.id, &input).map(|_| ()))
        .expect("made public");
    devices::open_archive(&mut s, GATE, None).expect("public opens");
    assert_eq!(
        count(&s, "archive_access"),
        reads + 1,
        "a public read is not logged"
    );
}

#[test]
fn the_access_log_lists_only_the_engineers_own_reads_newest_first() {
    let (t, mut s) = TestDb::demo();
    let me = s.current_engineer().to_string();
    devices::open_archive(&mut s, SECRET_IPC, Some("核对工控机配置")).expect("mine");
    t.clock.advance(Duration::minutes(1));
    devices::open_archive(&mut s, GATE, None).expect("mine too");
    let other = weibao::org::engineers(&s)
        .expect("engineers")
        .into_iter()
        .find(|e| e.id != me)
        .expect("a second engineer");
    s.set_current_engineer(&other.id).expect("switch");
    t.clock.advance(Duration::minutes(1));
    devices::open_archive(&mut s, SECRET_IPC, Some("李娜的查阅")).expect("theirs");
    let theirs = devices::access_log(&s, 10).expect("theirs");
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].purpose.as_deref(), Some("李娜的查阅"));
    s.set_current_engineer(&me).expect("back");
    let mine: Vec<(String, Option<String>)> = devices::access_log(&s, 10)
        .expect("mine")
        .into_iter()
        .map(|l| (l.device_code, l.purpose))
        .collect();
    assert_eq!(
        mine,
        [
            (GATE.to_string(), None),
            (SECRET_IPC.to_string(), Some("核对工控机配置".to_string()))
        ]
    );
    let rows = views::archive::access_log(&s).expect("view");
    assert_eq!(rows[1].confidentiality_label, "秘密");
    assert_eq!(rows[1].type_label_en, "industrial PC");
}

#[test]
fn sync_two_laptops_edit_firmware_and_position_of_one_device_at_the_lane_and_both_keep() {
    let office = demo_replica();
    let first = office.store.current_engineer().to_string();
    let second = weibao::org::engineers(&office.store)
        .expect("engineers")
        .into_iter()
        .find(|e| e.id != first)
        .expect("a second engineer");
    let mut b = replica_from(&office.store, None);
    let mut c = replica_from(&office.store, Some(&second.id));
    b.clock().advance(Duration::minutes(5));
    devices::edit_at_lane(&mut b.store, GATE, &firmware("V2.1.3")).expect("B firmware");
    c.clock().advance(Duration::minutes(7));
    let pos = DeviceEdit {
        position: Some("岗亭左侧".into()),
        ..Default::default()
    };
    devices::edit_at_lane(&mut c.store, GATE, &pos).expect("C position");
    exchange(&b.store, &mut c.store);
    exchange(&c.store, &mut b.store);
    assert_identical(&b.store, &c.store, "B and C after the exchange");
    for s in [&b.store, &c.store] {
        let d = devices::device(s, GATE).expect("device");
        assert_eq!(d.firmware.as_deref(), Some("V2.1.3"), "B's edit kept");
        assert_eq!(d.position.as_deref(), Some("岗亭左侧"), "C's edit kept");
        let who: Vec<Option<String>> = devices::history(s, &d.id)
            .expect("history")
            .into_iter()
            .filter(|h| h.kind == "edited")
            .map(|h| h.by_name)
            .collect();
        let zhang = scalar::<String>(s, "SELECT name FROM engineer WHERE id = ?1", &first);
        assert_eq!(
            who,
            [Some(zhang), Some(second.name.clone())],
            "each line names its author"
        );
    }
}

#[test]
fn cli_device_edit_prints_what_changed_and_history_names_who() {
    let (_t, db) = demo_db();
    let out = cli(
        &db,
        &[
            "device",
            "edit",
            GATE,
            "--firmware",
            "V3.0.1",
            "--position",
            "岗亭左侧",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("固件/软件版本：— → V3.0.1"), "{text}");
    assert!(text.contains("安装位置："), "{text}");
    let again = cli(&db, &["device", "edit", GATE, "--firmware", "V3.0.1"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("没有改动"));

    let history = cli(&db, &["device", "history", GATE]);
    let text = String::from_utf8_lossy(&history.stdout);
    assert!(text.contains("记录人") && text.contains("张伟"), "{text}");
    assert!(
        text.contains("现场更正：安装位置 ") && text.contains("；固件/软件版本 — → V3.0.1"),
        "one line with both fields: {text}"
    );
    let show = cli(&db, &["device", "show", GATE]);
    assert!(String::from_utf8_lossy(&show.stdout).contains("固件/软件版本：V3.0.1"));

    let e = error_json(&cli(
        &db,
        &["--json", "device", "edit", GATE, "--serial", ""],
    ));
    assert_eq!(
        (e["kind"].as_str(), e["field"].as_str()),
        (Some("invalid"), Some("device.serial"))
    );
    let e = error_json(&cli(
        &db,
        &["--json", "device", "edit", GATE, "--status", "broken"],
    ));
    assert_eq!(e["field"], "device.status");
}

#[test]
fn cli_a_secret_archive_needs_a_purpose_and_the_read_is_in_the_access_log() {
    let (_t, db) = demo_db();
    let e = error_json(&cli(&db, &["--json", "device", "show", SECRET_IPC]));
    assert_eq!(e["kind"], "purpose_required");
    assert_eq!(e["field"], "archive_access.purpose");
    let empty = cli(&db, &["device", "access-log"]);
    assert!(String::from_utf8_lossy(&empty.stdout).contains("还没有查阅过涉密档案"));
    let ok = cli(
        &db,
        &[
            "device",
            "show",
            SECRET_IPC,
            "--purpose",
            "更换硬盘前核对配置",
        ],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let log = cli(&db, &["device", "access-log"]);
    let text = String::from_utf8_lossy(&log.stdout);
    assert!(
        text.contains(SECRET_IPC) && text.contains("更换硬盘前核对配置"),
        "{text}"
    );
}

#[test]
fn cli_adds_a_device_found_at_the_lane() {
    let (_t, db) = demo_db();
    let gate = cli(&db, &["--json", "device", "show", GATE]);
    let gate: serde_json::Value = serde_json::from_slice(&gate.stdout).expect("json");
    let lane = gate["device"]["lane_id"].as_str().expect("lane id");
    let out = cli(
        &db,
        &[
            "add",
            "device",
            "--lane",
            lane,
            "--code",
            "XA02-L01-SW09",
            "--type",
            "网络交换机",
            "--model",
            "S1720",
            "--manufacturer",
            "华为",
            "--serial",
            "HW1",
            "--firmware",
            "V200R019",
            "--found",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&cli(&db, &["device", "history", "XA02-L01-SW09"]).stdout)
        .into_owned();
    assert!(text.contains("现场发现并建档：S1720 HW1"), "{text}");
}
