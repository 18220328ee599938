//! SLA clocks through the store, the CLI and sync: deadlines in the demo contracts' calendars at a
//! fake clock, a typhoon recorded at the lane that moves the arrival and reaches the office as an
//! ordinary synced record, contracts stored before the SLA terms, and the calendar commands.

use crate::support::{weibao_bin, TestDb};
use crate::sync_support::{demo_replica, exchange_since, replica_from};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::process::{Command, Output};
use weibao::domain::work_order::{FaultReportInput, WorkOrderState};
use weibao::sla::pause::{self, PauseInput};
use weibao::views::sla::{self as view, ClockKind, SlaStatus};
use weibao::{work_orders, Store};

/// An instant given as China wall time.
fn cst(s: &str) -> DateTime<Utc> {
    let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time");
    (t - chrono::Duration::hours(8)).and_utc()
}

fn report(store: &mut Store, device: &str, level: i64) -> work_orders::WorkOrderSummary {
    store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: device.into(),
                    level,
                    phenomenon: "道闸无法抬杆".into(),
                    ..Default::default()
                },
            )
        })
        .expect("a fault is reported")
}

fn clock_of(store: &Store, wo: &str, kind: ClockKind) -> view::SlaClock {
    view::of_work_order(store, wo)
        .expect("clocks")
        .get(kind)
        .cloned()
        .expect("the clock exists")
}

#[test]
fn a_fault_reported_friday_1750_on_the_demo_5x8_contract_is_due_monday_0920() {
    let (t, mut store) = TestDb::demo();
    t.clock.set(cst("2026-11-20 17:50"));
    let wo = report(&mut store, "XA01-L01-BG01", 2);
    // The deadline stored with the record and the live clock agree.
    assert_eq!(wo.respond_by.as_deref(), Some("2026-11-23T01:20:00+00:00"));
    let respond = clock_of(&store, &wo.id, ClockKind::Response);
    assert_eq!(respond.deadline_text, "2026-11-23 09:20");
    assert_eq!(respond.calendar, "5x8");
    assert_eq!(respond.status, SlaStatus::OnTime);
    t.clock.set(cst("2026-11-23 09:15"));
    let respond = clock_of(&store, &wo.id, ClockKind::Response);
    assert_eq!(respond.status, SlaStatus::AtRisk);
    t.clock.set(cst("2026-11-23 09:21"));
    let respond = clock_of(&store, &wo.id, ClockKind::Response);
    assert_eq!(respond.status, SlaStatus::Breached);
    // The demo contracts carry the seeds' other clocks.
    let part = clock_of(&store, &wo.id, ClockKind::Part);
    assert_eq!(
        (part.deadline_text.as_str(), part.calendar.as_str()),
        ("2026-11-21 21:50", "7x24")
    );
    // Today shows every clock of the row, computed by the same rule.
    let today = weibao::views::today::today(&store).expect("today");
    let row = today
        .unassigned
        .iter()
        .find(|r| r.summary.id == wo.id)
        .expect("on Today");
    assert_eq!(row.clocks.len(), 4, "response, on site, part, spare unit");
    assert_eq!(
        row.respond.as_ref().map(|c| c.status),
        Some(SlaStatus::Breached)
    );
}

#[test]
fn a_typhoon_pause_moves_the_arrival_and_reaches_the_office_as_a_synced_record() {
    let mut lane = demo_replica();
    let mut office = replica_from(&lane.store, None);
    lane.clock().set(cst("2026-11-23 10:00"));
    let wo = report(&mut lane.store, "XA01-L01-BG01", 1);
    assert_eq!(
        clock_of(&lane.store, &wo.id, ClockKind::OnSite).deadline_text,
        "2026-11-25 16:00"
    );
    lane.clock().set(cst("2026-11-23 14:00"));
    let p = lane
        .store
        .write(|tx| {
            pause::record(
                tx,
                &PauseInput {
                    work_order_id: wo.id.clone(),
                    reason: "typhoon".into(),
                    note: Some("台风「海葵」，高速封闭".into()),
                    ..Default::default()
                },
            )
        })
        .expect("a pause is recorded");
    assert_eq!(p.started_by, lane.store.current_engineer());
    lane.clock().set(cst("2026-11-23 15:00"));
    let on_site = clock_of(&lane.store, &wo.id, ClockKind::OnSite);
    assert_eq!(on_site.status, SlaStatus::Paused);
    lane.clock().set(cst("2026-11-24 12:00"));
    lane.store
        .write(|tx| pause::end_open(tx, &wo.id, None))
        .expect("the typhoon is over");
    let on_site = clock_of(&lane.store, &wo.id, ClockKind::OnSite);
    assert_eq!(on_site.deadline_text, "2026-11-26 14:00");
    assert_eq!(on_site.paused_minutes, 22 * 60);
    assert_eq!(on_site.status, SlaStatus::OnTime);
    // Ending it twice is refused, by the rule and not silently.
    let again = lane.store.write(|tx| pause::end(tx, &p.id, None));
    assert_eq!(
        again.expect_err("already ended").kind(),
        "pause_already_ended"
    );

    // The office gets the work order and the pause, and computes the same clock from them.
    // (The office's clock first: a change stamped a day ahead of it would be held as skewed.)
    office.clock().set(cst("2026-11-24 12:00"));
    let (sent, _) = exchange_since(&lane.store, 0, &mut office.store);
    assert_eq!(sent.held, 0, "{sent:?}");
    let there = view::of_work_order(&office.store, &wo.id).expect("office clocks");
    let here = view::of_work_order(&lane.store, &wo.id).expect("lane clocks");
    assert_eq!(
        serde_json::to_value(&there).expect("json"),
        serde_json::to_value(&here).expect("json")
    );
    assert_eq!(there.pauses.len(), 1);
    assert_eq!(there.pauses[0].reason_zh, "台风");
}

#[test]
fn a_pause_needs_a_reason_the_rules_know_and_a_time_that_makes_sense() {
    let (t, mut store) = TestDb::demo();
    let wo = report(&mut store, "XA01-L01-BG01", 2);
    let bad = |store: &mut Store, input: PauseInput| {
        store
            .write(|tx| pause::record(tx, &input))
            .expect_err("refused")
    };
    let base = PauseInput {
        work_order_id: wo.id.clone(),
        reason: "typhoon".into(),
        ..Default::default()
    };
    let e = bad(
        &mut store,
        PauseInput {
            reason: "lunch".into(),
            ..base.clone()
        },
    );
    assert_eq!(e.field(), Some("sla_pause.reason"));
    let e = bad(
        &mut store,
        PauseInput {
            reason: "other".into(),
            ..base.clone()
        },
    );
    assert_eq!(e.field(), Some("sla_pause.note"));
    let e = bad(
        &mut store,
        PauseInput {
            started_at: Some("2026-11-22 10:00".into()),
            ..base.clone()
        },
    );
    assert_eq!(e.field(), Some("sla_pause.started_at"), "{e}");
    let e = bad(
        &mut store,
        PauseInput {
            started_at: Some("2026-11-24 10:00".into()),
            ..base.clone()
        },
    );
    assert_eq!(e.field(), Some("sla_pause.started_at"), "{e}");
    let e = bad(
        &mut store,
        PauseInput {
            clock: Some("lunch".into()),
            ..base.clone()
        },
    );
    assert_eq!(e.field(), Some("sla.clock"));
    t.clock.advance(chrono::Duration::minutes(5));
    let e = store
        .write(|tx| pause::end_open(tx, &wo.id, None))
        .expect_err("nothing to end");
    assert_eq!(e.kind(), "no_open_pause");
    // A state the work order reaches while paused stops the clock it waited for.
    store.write(|tx| pause::record(tx, &base)).expect("paused");
    for to in [WorkOrderState::Assigned, WorkOrderState::Responded] {
        store
            .write(|tx| work_orders::advance(tx, &wo.id, to, None, None))
            .expect("advance");
    }
    let respond = clock_of(&store, &wo.id, ClockKind::Response);
    assert_eq!(respond.status, SlaStatus::Met);
    let on_site = clock_of(&store, &wo.id, ClockKind::OnSite);
    assert_eq!(on_site.status, SlaStatus::Paused);
}

#[test]
fn a_contract_stored_before_the_sla_terms_still_loads_and_counts_as_before() {
    let (t, mut store) = TestDb::demo();
    // The terms column as weibao wrote it before: no `sla` key.
    let old_terms: String = store
        .conn()
        .query_row(
            "SELECT terms FROM contract WHERE number = 'HT-2026-001'",
            [],
            |r| r.get(0),
        )
        .expect("terms");
    let mut json: serde_json::Value = serde_json::from_str(&old_terms).expect("json");
    json.as_object_mut().expect("object").remove("sla");
    store
        .conn()
        .execute(
            "UPDATE contract SET terms = ?1 WHERE number = 'HT-2026-001'",
            [json.to_string()],
        )
        .expect("an old record");
    let c = weibao::contracts::contract(&store, "HT-2026-001").expect("it loads");
    assert_eq!(c.sla, weibao::domain::sla::SlaTerms::default());
    assert_eq!(c.calendar.code(), "5x8");
    t.clock.set(cst("2026-11-20 17:50"));
    let wo = report(&mut store, "XA01-L01-BG01", 2);
    let clocks = view::of_work_order(&store, &wo.id).expect("clocks");
    let kinds: Vec<ClockKind> = clocks.clocks.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ClockKind::Response, ClockKind::OnSite]);
    assert_eq!(clocks.clocks[0].deadline_text, "2026-11-23 09:20");
}

fn weibao(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(weibao_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run weibao")
}

fn ok_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn the_cli_records_and_ends_a_pause_and_shows_the_clocks() {
    let t = TestDb::new();
    let db = t.path.as_path();
    ok_json(&weibao(db, &["demo", "--json"]));
    let wo = ok_json(&weibao(
        db,
        &[
            "wo",
            "report",
            "--device",
            "XA01-L01-BG01",
            "--level",
            "1",
            "--phenomenon",
            "道闸无法抬杆",
            "--json",
        ],
    ));
    let id = wo["id"].as_str().expect("id").to_string();
    let p = ok_json(&weibao(
        db,
        &[
            "wo",
            "pause",
            &id,
            "--reason",
            "road_closure",
            "--note",
            "塌方",
            "--json",
        ],
    ));
    assert_eq!(p["reason"], "road_closure");
    let clocks = ok_json(&weibao(db, &["wo", "clocks", &id, "--json"]));
    let kinds: Vec<&str> = clocks["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["response", "on_site", "part", "spare_unit"]);
    assert_eq!(clocks["clocks"][1]["status"], "paused");
    assert_eq!(clocks["pauses"][0]["running"], true);
    let text = weibao(db, &["wo", "clocks", &id]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("道路封闭") && text.contains("已暂停"),
        "{text}"
    );
    let ended = ok_json(&weibao(db, &["wo", "resume", &id, "--json"]));
    assert!(ended["ended_at"].is_string());
    let bad = weibao(db, &["wo", "pause", &id, "--reason", "lunch"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("typhoon"));
}

#[test]
fn the_calendar_commands_list_check_and_count() {
    let t = TestDb::new();
    let db = t.path.as_path();
    let list = ok_json(&weibao(db, &["calendar", "list", "--json"]));
    let y2027 = list["years"]
        .as_array()
        .and_then(|ys| ys.iter().find(|y| y["year"] == 2027))
        .cloned()
        .expect("2027 listed");
    assert_eq!(y2027["published"], false);
    assert!(!db.exists(), "calendar commands open no database");
    let due = ok_json(&weibao(
        db,
        &[
            "calendar",
            "due",
            "5x8",
            "--from",
            "2026-09-30 17:50",
            "--minutes",
            "30",
            "--json",
        ],
    ));
    assert_eq!(due["due"], "2026-10-08 09:20");

    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("hours.toml");
    std::fs::write(
        &bad,
        "[[calendar]]\nid = \"x\"\nname_zh = \"测试\"\ndays = [\"mon\", \"funday\"]\nhours = [\"08:30-12:00\", \"11:00-17:30\"]\npublic_holidays = true\n",
    )
    .expect("write");
    let out = weibao(db, &["calendar", "validate", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let shown = bad.display().to_string();
    assert!(text.contains(&format!("{shown}:4")), "{text}");
    assert!(text.contains(&format!("{shown}:5")), "{text}");
    assert!(text.contains("funday") && text.contains("重叠"), "{text}");
    // The same folder given to any command is refused before anything is counted.
    let out = weibao(
        db,
        &[
            "--calendars",
            &dir.path().display().to_string(),
            "calendar",
            "list",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{shown}:4")) && err.contains("工作日"),
        "{err}"
    );
}
