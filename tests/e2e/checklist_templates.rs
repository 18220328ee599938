//! Issue 14 item 2: any template started from a lane (the shipped three and the office's own),
//! the baseline inspection due when a contract starts, and its findings pre-existing.

use crate::checklist_run::answer_rest_passing;
use crate::report_support::count;
use crate::support::TestDb;
use chrono::{NaiveDate, TimeZone, Utc};
use weibao::checklist::run::{self, Given};
use weibao::checklist::schedule::SlotStatus;
use weibao::checklist::template::{Target, PRE_EXISTING_ZH};
use weibao::checklist::{catalog, state, InspectionKind, ItemKind, Library};
use weibao::domain::contract::Contract;
use weibao::store::Store;
use weibao::{contracts, devices, org, today};

/// A monthly cabinet check office staff wrote: one lane question.
const OFFICE: &str = r#"
id = "monthly_cabinet"
version = 1
kind = "daily"
name_zh = "机柜月度检查"

[[section]]
applies_to = "lane"
title_zh = "机柜"

  [[section.item]]
  id = "cabinet.clean"
  kind = "pass_fail"
  label_zh = "机柜清洁、无积尘"
  required = true
"#;

fn first_lane(store: &Store) -> String {
    org::lanes(store, None).expect("lanes")[0].id.clone()
}

/// Rows an attempt could have left behind: inspections, their items, the change log.
fn footprint(store: &Store) -> (i64, i64, i64) {
    (
        count(store, "inspection"),
        count(store, "inspection_item"),
        count(store, "change_log"),
    )
}

#[test]
fn a_lane_can_start_each_shipped_template_by_its_code() {
    let (_t, mut store) = TestDb::demo();
    let list = catalog::startable(&store).expect("startable");
    let kinds: Vec<(&str, InspectionKind, &str)> = list
        .iter()
        .map(|t| (t.code.as_str(), t.kind, t.origin))
        .collect();
    assert_eq!(
        kinds,
        [
            ("daily_maintenance", InspectionKind::Daily, "shipped"),
            ("quarterly_lane", InspectionKind::Quarterly, "shipped"),
            ("baseline_survey", InspectionKind::Baseline, "shipped"),
        ]
    );
    assert!(list.iter().all(|t| t.name_en.is_some() && t.items > 0));
    let lane = first_lane(&store);
    for t in &list {
        let s = catalog::start(&mut store, &lane, &t.code).expect("start");
        assert_eq!(s.header.template_id, t.code);
        assert_eq!(s.header.kind, t.kind.as_str());
        assert_eq!(s.header.name, t.name_zh);
        assert!(!s.resumed && s.items > 0);
    }
}

#[test]
fn an_unknown_template_is_refused_naming_the_field_and_nothing_stored() {
    let (_t, mut store) = TestDb::demo();
    let lane = first_lane(&store);
    let before = footprint(&store);
    for code in ["monthly", "", "  "] {
        let e = catalog::start(&mut store, &lane, code).expect_err("unknown");
        assert_eq!(e.kind(), "invalid");
        assert_eq!(e.field(), Some(catalog::FIELD));
        assert_eq!(catalog::FIELD, "inspection.template");
        let zh = e.message_zh();
        assert!(
            zh.contains("daily_maintenance") && zh.contains("baseline_survey"),
            "names what can be started: {zh}"
        );
        if !code.trim().is_empty() {
            assert!(zh.contains(code), "names the code asked for: {zh}");
        }
    }
    assert_eq!(footprint(&store), before, "nothing stored");
}

#[test]
fn a_template_office_staff_add_can_be_started_and_once_retired_is_refused() {
    let (_t, mut store) = TestDb::demo();
    let lane = first_lane(&store);
    let added = store
        .write(|tx| catalog::add(tx, OFFICE, "monthly_cabinet.toml"))
        .expect("office adds a template");
    assert_eq!(
        (added.code.as_str(), added.origin, added.kind),
        ("monthly_cabinet", "office", InspectionKind::Daily)
    );
    let list = catalog::startable(&store).expect("list");
    assert!(list.iter().any(|t| t.code == "monthly_cabinet"));
    let s = catalog::start(&mut store, &lane, "monthly_cabinet").expect("start");
    assert_eq!((s.header.name.as_str(), s.items), ("机柜月度检查", 1));

    store
        .write(|tx| catalog::retire(tx, "monthly_cabinet"))
        .expect("retire");
    store
        .write(|tx| catalog::retire(tx, "daily_maintenance"))
        .expect("a shipped one too");
    let codes: Vec<String> = catalog::startable(&store)
        .expect("list")
        .into_iter()
        .map(|t| t.code)
        .collect();
    assert_eq!(codes, ["quarterly_lane", "baseline_survey"]);
    let other = org::lanes(&store, None).expect("lanes")[1].id.clone();
    let before = footprint(&store);
    for code in ["monthly_cabinet", "daily_maintenance"] {
        let e = catalog::start(&mut store, &other, code).expect_err("retired");
        assert_eq!(e.field(), Some("inspection.template"));
        assert!(e.message_zh().contains("已停用"), "{}", e.message_zh());
    }
    assert_eq!(footprint(&store), before, "nothing stored");
    // The inspection made before retiring keeps its questions.
    let st = state::load(store.conn(), &s.header.id).expect("load");
    assert_eq!(st.items.len(), 1);
    // Retiring a code nobody has is refused on its own field.
    let e = store
        .write(|tx| catalog::retire(tx, "nope"))
        .expect_err("unknown");
    assert_eq!(e.field(), Some("template.code"));
}

#[test]
fn an_office_copy_of_a_shipped_template_must_raise_its_version() {
    let (_t, mut store) = TestDb::demo();
    let text = weibao::checklist::SHIPPED[0].1.replace(
        "通道运行正常（刷卡、抬杆、放行）",
        "通道运行正常（刷卡、抬杆、放行、落杆）",
    );
    let e = store
        .write(|tx| catalog::add(tx, &text, "daily.toml"))
        .expect_err("same version, other questions");
    assert_eq!(e.field(), Some("template.version"));
    assert_eq!(count(&store, "checklist_template"), 0);
    let bumped = text.replace("version = 1", "version = 2");
    let t = store
        .write(|tx| catalog::add(tx, &bumped, "daily.toml"))
        .expect("a new version");
    assert_eq!((t.version, t.origin), (2, "office"));
    let list = catalog::startable(&store).expect("list");
    assert_eq!(list.len(), 3, "replaces the shipped one in place");
    assert_eq!(list[0].code, "daily_maintenance");
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// 10:00 China time on `d`.
fn at_ten(d: &str) -> chrono::DateTime<Utc> {
    let d = day(d);
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("time"))
}

#[test]
fn a_contract_starting_puts_the_baseline_on_today_for_each_lane() {
    let (t, mut store) = TestDb::demo();
    // A new customer's two lanes under a contract entered on 2026-11-23, starting 12-01.
    let base = contracts::contract(&store, "HT-2026-001").expect("demo contract");
    let lanes = store
        .write(|tx| {
            let c = org::add_customer(tx, "深圳湾海关", None)?;
            let s = org::add_site(tx, &c.id, "深圳湾口岸货检卡口", None)?;
            let a = org::add_lane(tx, &s.id, "1号出口车道", "E01")?;
            let b = org::add_lane(tx, &s.id, "2号出口车道", "E02")?;
            contracts::add_contract(
                tx,
                Contract {
                    number: "HT-2026-101".into(),
                    customer_id: c.id.clone(),
                    start_date: day("2026-12-01"),
                    end_date: day("2027-11-30"),
                    early: None,
                    site_ids: vec![s.id.clone()],
                    ..base.clone()
                },
            )?;
            Ok(vec![a.id, b.id])
        })
        .expect("contract");
    let baselines = |store: &Store| -> Vec<String> {
        today::today(store)
            .expect("today")
            .due
            .into_iter()
            .filter(|d| d.kind == InspectionKind::Baseline)
            .map(|d| {
                assert_eq!(d.template, "baseline_survey");
                assert_eq!(d.contract_number, "HT-2026-101");
                d.lane_id
            })
            .collect()
    };
    // Entered, not started: nothing due yet.
    assert!(baselines(&store).is_empty());
    // The start date reached: due on both lanes, until the first quarter closes (03-01).
    t.clock.set(at_ten("2026-12-01"));
    let mut due = baselines(&store);
    due.sort();
    let mut want = lanes.clone();
    want.sort();
    assert_eq!(due, want);
    let b = weibao::checklist::baseline::baselines(&store, Some("HT-2026-101")).expect("b");
    assert!(b
        .iter()
        .all(|l| l.slot.due == day("2027-03-01") && l.slot.status == SlotStatus::Due));

    // Done on the first lane (started from Today's row): not due there again.
    t.clock.set(at_ten("2026-12-03"));
    let started = weibao::views::inspection::start_due(&mut store, &lanes[0], Some("baseline"))
        .expect("start");
    assert_eq!(started.header.kind, "baseline");
    answer_rest_passing(&mut store, &started.header.id, &[]);
    run::complete(&mut store, &started.header.id).expect("complete");
    assert_eq!(baselines(&store), vec![lanes[1].clone()]);
    t.clock.set(at_ten("2027-02-01"));
    assert_eq!(
        baselines(&store),
        vec![lanes[1].clone()],
        "once done, never again"
    );
    // Past the first quarter the survey can no longer tell what was there before: missed,
    // history, not today's work.
    t.clock.set(at_ten("2027-03-02"));
    assert!(baselines(&store).is_empty());
    let b = weibao::checklist::baseline::baselines(&store, Some("HT-2026-101")).expect("b");
    let status: Vec<SlotStatus> = b.iter().map(|l| l.slot.status).collect();
    assert_eq!(status, [SlotStatus::Done, SlotStatus::Missed]);
}

#[test]
fn an_unknown_due_kind_is_refused_naming_the_field() {
    let (_t, mut store) = TestDb::demo();
    let lane = first_lane(&store);
    let before = footprint(&store);
    let e = weibao::views::inspection::start_due(&mut store, &lane, Some("weekly"))
        .expect_err("unknown kind");
    assert_eq!(e.field(), Some("inspection.kind"));
    assert_eq!(footprint(&store), before);
}

#[test]
fn a_baseline_finding_is_pre_existing_on_the_device() {
    let (_t, mut store) = TestDb::demo();
    let lane = first_lane(&store);
    let scope = weibao::stats::Scope::quarter(
        &org::lanes(&store, None).expect("lanes")[0].customer_id,
        None,
        &weibao::stats::current_quarter(&store),
    )
    .expect("scope");
    let faults_before = weibao::stats::stats(&store, &scope).expect("stats").faults;

    let s = catalog::start(&mut store, &lane, "baseline_survey").expect("start");
    let id = s.header.id.clone();
    let st = state::load(store.conn(), &id).expect("load");
    let failed = st
        .items
        .iter()
        .find(|i| i.device_id.is_some() && i.item.fault_level.is_some())
        .expect("a device item that can open a fault");
    // The baseline asks for the condition found (正常 / 自然老化/故障 / 人为损坏 / …).
    let ItemKind::SingleChoice { options } = &failed.item.spec else {
        panic!("the baseline asks a device's condition as a choice");
    };
    let worn = options.iter().find(|o| o.fails).expect("a failing option");
    let (key, device) = (
        failed.key.clone(),
        failed.device_id.clone().expect("device"),
    );
    run::answer(&mut store, &id, &key, &Given::text(worn.id.clone()), None).expect("fail");
    let wo = run::open_fault(&mut store, &id, &key, None).expect("fault");
    assert!(wo.title.contains("既有问题"), "{}", wo.title);
    assert!(weibao::checklist::baseline::is_pre_existing_fault(store.conn(), &wo.id).expect("q"));
    // Real photos (the report embeds them), then everything else passing.
    for _ in 0..2 {
        attach_photos(&mut store, &id);
        answer_rest_passing(&mut store, &id, &[]);
    }
    run::complete(&mut store, &id).expect("complete");

    // On the device: the fault line and the pre-existing line both say so.
    let history = devices::history(&store, &device).expect("history");
    let line = history
        .iter()
        .find(|h| h.kind == "pre_existing")
        .expect("a pre-existing line");
    assert!(
        line.summary.starts_with(PRE_EXISTING_ZH),
        "{}",
        line.summary
    );
    assert!(line.summary.contains(&failed.item.label_zh));
    let fault = history
        .iter()
        .find(|h| h.kind == "fault")
        .expect("fault line");
    assert!(fault.summary.contains("既有问题"), "{}", fault.summary);
    let en = weibao::views::english::history_line_en(&line.kind, &line.summary);
    assert!(en.starts_with("Pre-existing"), "{en}");

    // Not the service company's fault of the quarter.
    let faults_after = weibao::stats::stats(&store, &scope).expect("stats").faults;
    assert_eq!(faults_after, faults_before);

    // On the report: titled as a baseline, the failed row marked.
    let report_wo = weibao::report::inspection::work_order_for(&mut store, &id).expect("wo");
    let me = store.current_engineer().to_string();
    let doc = weibao::report::build::build(
        &store,
        &report_wo.id,
        &weibao::report::build::BuildInput {
            number: "T-1",
            lang: weibao::Lang::Zh,
            engineer_id: &me,
            logo_png: None,
        },
    )
    .expect("doc");
    assert_eq!(doc.inspection_kind, Some(InspectionKind::Baseline));
    let marked: Vec<_> = doc.checklist.iter().filter(|l| l.failed).collect();
    assert_eq!(marked.len(), 1);
    assert!(marked[0]
        .note
        .as_deref()
        .is_some_and(|n| n.starts_with(PRE_EXISTING_ZH)));
}

/// Real JPEGs (as many as asked) on every shown, unanswered photo item of an inspection.
fn attach_photos(store: &mut Store, id: &str) {
    let st = state::load(store.conn(), id).expect("load");
    let wanted: Vec<(String, u32)> = st
        .items
        .iter()
        .filter(|i| st.shown(i) && st.effective(&i.id).is_none())
        .filter_map(|i| match i.item.spec {
            ItemKind::Photo { min_count } => Some((i.key.clone(), min_count.max(1))),
            _ => None,
        })
        .collect();
    for (n, (key, count)) in wanted.into_iter().enumerate() {
        let hashes: Vec<String> = (0..count)
            .map(|k| {
                let jpeg = weibao::demo::reports::demo_photo(
                    n as u32 * 10 + k,
                    crate::support::monday_10am(),
                );
                store.blobs().put(&jpeg).expect("blob")
            })
            .collect();
        run::answer(store, id, &key, &Given::text(hashes.join(",")), None).expect("photo");
    }
}

#[test]
fn a_quarterly_finding_is_not_pre_existing() {
    let (_t, mut store) = TestDb::demo();
    let lane = first_lane(&store);
    let lib = Library::shipped().expect("lib");
    let q = lib.get("quarterly_lane").expect("q");
    let key = q
        .sections
        .iter()
        .find(|s| matches!(s.applies_to, Target::Device(_)))
        .and_then(|s| {
            s.items
                .iter()
                .find(|i| i.fault_level.is_some() && matches!(i.spec, ItemKind::PassFail))
        })
        .map(|i| i.id.clone())
        .expect("a device item");
    let s = run::start(&mut store, q, &lane).expect("start");
    let st = state::load(store.conn(), &s.header.id).expect("load");
    let row = st
        .items
        .iter()
        .find(|i| i.item.id == key)
        .expect("row")
        .key
        .clone();
    run::answer(&mut store, &s.header.id, &row, &Given::text("fail"), None).expect("fail");
    let wo = run::open_fault(&mut store, &s.header.id, &row, None).expect("fault");
    assert!(!wo.title.contains("既有问题"));
    assert!(!weibao::checklist::baseline::is_pre_existing_fault(store.conn(), &wo.id).expect("q"));
}

#[test]
fn the_cli_lists_the_templates_starts_one_by_code_and_refuses_an_unknown_one() {
    use crate::report_support::{cli, demo_db, error_json};
    let (t, db) = demo_db();
    let out = cli(&db, &["--json", "inspection", "templates"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|t| t["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["daily_maintenance", "quarterly_lane", "baseline_survey"]
    );
    assert_eq!(list[0]["kind"], "daily");
    assert_eq!(list[0]["name_zh"], "电子卡口日常维护");

    let lane = first_lane(&t.open());
    let out = cli(
        &db,
        &[
            "--json",
            "inspection",
            "start",
            "--lane",
            &lane,
            "--template",
            "daily_maintenance",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let started: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(started["header"]["kind"], "daily");

    let before = footprint(&t.open());
    let err = error_json(&cli(
        &db,
        &[
            "--json",
            "inspection",
            "start",
            "--lane",
            &lane,
            "--template",
            "weekly",
        ],
    ));
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "inspection.template");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("weekly")),
        "{err}"
    );
    assert_eq!(footprint(&t.open()), before, "nothing stored");
}

#[test]
fn a_photo_item_wanting_two_counts_once_the_second_photo_is_added_one_at_a_time() {
    let (_t, mut store) = TestDb::demo();
    let lane = first_lane(&store);
    let s = catalog::start(&mut store, &lane, "baseline_survey").expect("start");
    let id = s.header.id.clone();
    let st = state::load(store.conn(), &id).expect("load");
    let (key, min) = st
        .items
        .iter()
        .filter(|i| st.shown(i))
        .find_map(|i| match i.item.spec {
            ItemKind::Photo { min_count } if min_count >= 2 => Some((i.key.clone(), min_count)),
            _ => None,
        })
        .expect("the baseline has a photo item wanting at least two");
    let owner = weibao::report::photos::PhotoOwner::Inspection {
        inspection_id: id.clone(),
        item: Some(key.clone()),
    };
    let answered = |store: &Store| {
        let st = state::load(store.conn(), &id).expect("load");
        let inst = st.find(store.conn(), &key).expect("item");
        st.effective(&inst.id).is_some()
    };
    for k in 0..min {
        let jpeg = weibao::demo::reports::demo_photo(100 + k, crate::support::monday_10am());
        weibao::report::photos::attach(&mut store, &owner, &jpeg, None).expect("kept");
        // Below the minimum the photo is kept but the item is not answered (completing names it).
        assert_eq!(answered(&store), k + 1 >= min, "after {} photo(s)", k + 1);
    }
    let st = state::load(store.conn(), &id).expect("load");
    let inst = st.find(store.conn(), &key).expect("item");
    match st.effective(&inst.id).map(|a| &a.value) {
        Some(weibao::checklist::AnswerValue::Photo(h)) => assert_eq!(h.len() as u32, min),
        other => panic!("a photo answer with every photo: {other:?}"),
    }
}
