//! The status report on the demo data: the model, the rules through the store, bad input
//! named by field, and filing (numbers, blobs, nothing left behind by a failure).

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::work_order::FaultReportInput;
use crate::report::finalise::ReportAssets;
use crate::stats::Scope;
use crate::store::Store;
use crate::{work_orders, Error, FakeClock, Lang};

const CUSTOMER: &str = "西安海关";

/// The demo at Monday 2026-11-23 10:00 China time (inside 2026Q4), and its clock.
fn demo_at() -> (tempfile::TempDir, Store, Arc<FakeClock>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let at = Utc
        .with_ymd_and_hms(2026, 11, 23, 2, 0, 0)
        .single()
        .expect("time");
    let clock = Arc::new(FakeClock::new(at));
    let mut store = Store::open(&dir.path().join("t.db"), clock.clone()).expect("store");
    crate::demo::load(&mut store, None, &mut |_, _| {}).expect("demo");
    (dir, store, clock)
}

fn demo() -> (tempfile::TempDir, Store) {
    let (dir, store, _) = demo_at();
    (dir, store)
}

fn q4() -> Scope {
    Scope::quarter(CUSTOMER, None, "2026Q4").expect("quarter")
}

fn field(e: &Error) -> Option<&str> {
    e.field()
}

#[test]
fn the_demo_customers_quarter_lists_every_device_by_site() {
    let (_d, store) = demo();
    let r = build(&store, &q4()).expect("report");
    assert_eq!(r.customer, CUSTOMER);
    assert_eq!(r.quarter.as_deref(), Some("2026Q4"));
    assert_eq!(r.as_of.to_string(), "2026-11-23", "figures stand at today");
    let devices: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM device d JOIN lane l ON l.id = d.lane_id
             JOIN site s ON s.id = l.site_id JOIN customer c ON c.id = s.customer_id
             WHERE c.name = ?1",
            [CUSTOMER],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(r.device_count() as i64, devices);
    assert_eq!(r.sites.len(), 2);
    assert!(r.contracts.iter().any(|c| c.starts_with("HT-2026")));
    let gate = r
        .sites
        .iter()
        .flat_map(|s| &s.devices)
        .find(|d| d.code == "XA01-L03-BG01")
        .expect("the repaired gate");
    assert!(gate.faults >= 1 && gate.repairs >= 1, "{gate:?}");
    assert!(
        !gate.parts.is_empty(),
        "the demo repair replaced a buffer pad"
    );
    for s in &r.sites {
        assert!(
            s.availability_bp <= 10_000 && s.availability_bp > 9_000,
            "{s:?}"
        );
    }
    // Old demo devices are past their lives: the advice is there, with reasons.
    assert!(r.advice.iter().any(|a| a.rule == Rule::BeyondServiceLife));
    assert!(r
        .advice
        .iter()
        .all(|a| !a.reason_zh.is_empty() && !a.reason_en.is_empty()));
}

#[test]
fn one_site_only_reports_that_sites_devices() {
    let (_d, store) = demo();
    let scope = Scope::quarter(CUSTOMER, Some("西安国际港务区卡口"), "2026Q4").expect("scope");
    let r = build(&store, &scope).expect("report");
    assert_eq!(r.sites.len(), 1);
    assert!(r.sites[0]
        .devices
        .iter()
        .all(|d| d.code.starts_with("XA02-")));
    assert_eq!(
        r.site.as_ref().map(|s| s.1.as_str()),
        Some("西安国际港务区卡口")
    );
}

#[test]
fn failed_items_of_the_last_inspection_stay_open_until_a_repair() {
    let (_d, store) = demo();
    let r = build(&store, &q4()).expect("report");
    let open: Vec<&DeviceStatus> = r
        .sites
        .iter()
        .flat_map(|s| &s.devices)
        .filter(|d| d.failed_items.iter().any(|i| i.open))
        .collect();
    assert!(
        !open.is_empty(),
        "the demo inspection failed the boom and the motor"
    );
    for d in &open {
        assert!(d.inspections >= 1);
        assert!(r
            .advice
            .iter()
            .any(|a| a.rule == Rule::OpenInspectionFailures
                && a.device_code.as_deref() == Some(d.code.as_str())));
    }
}

#[test]
fn a_third_repair_in_a_year_advises_a_new_unit_through_the_billing_count() {
    let (_d, mut store, clock) = demo_at();
    let code = "XA02-L02-CR01";
    store
        .write(|tx| {
            for _ in 0..3 {
                work_orders::report_fault(
                    tx,
                    &FaultReportInput {
                        device_id: code.into(),
                        level: 3,
                        phenomenon: "读卡器不识卡".into(),
                        ..Default::default()
                    },
                )?;
            }
            Ok(())
        })
        .expect("three faults");
    clock.advance(chrono::Duration::hours(2));
    let r = build(&store, &q4()).expect("report");
    let d = r
        .sites
        .iter()
        .flat_map(|s| &s.devices)
        .find(|d| d.code == code)
        .expect("device");
    assert_eq!(d.faults, 3);
    assert_eq!(d.levels, vec![(3, 3)]);
    assert_eq!(d.faults_in_year, 3);
    let a: Vec<&Advice> = r
        .advice
        .iter()
        .filter(|a| a.device_code.as_deref() == Some(code))
        .collect();
    assert_eq!(a[0].rule, Rule::RepeatedRepairs, "{a:?}");
    // Three faults open for two hours are six hours of downtime.
    assert_eq!(d.downtime_minutes, 3 * 120);
}

#[test]
fn bad_input_is_named_by_field_and_nothing_is_stored() {
    let (_d, mut store) = demo();
    let unknown = build(
        &store,
        &Scope::quarter("不存在的客户", None, "2026Q4").expect("scope"),
    )
    .expect_err("unknown customer");
    assert_eq!(unknown.kind(), "not_found");
    assert_eq!(field(&unknown), Some("customer"));
    let q5 = Scope::quarter(CUSTOMER, None, "2026Q5").expect_err("no fifth quarter");
    assert_eq!(field(&q5), Some("stats.quarter"));
    let far = Scope::new(
        CUSTOMER,
        None,
        chrono::NaiveDate::from_ymd_opt(2099, 1, 1).expect("date"),
        chrono::NaiveDate::from_ymd_opt(2099, 3, 31).expect("date"),
    )
    .expect_err("2099");
    assert_eq!(field(&far), Some("stats.from"));
    let future = build(
        &store,
        &Scope::quarter(CUSTOMER, None, "2027Q1").expect("scope"),
    )
    .expect_err("not begun");
    assert_eq!(field(&future), Some("status_report.from"));
    let site = build(
        &store,
        &Scope::quarter(CUSTOMER, Some("咸阳机场货运卡口"), "2026Q4").expect("scope"),
    )
    .expect_err("another customer's site");
    assert_eq!(field(&site), Some("site"));
    store
        .write(|tx| crate::org::add_customer(tx, "新客户", None).map(|_| ()))
        .expect("customer");
    let empty = build(
        &store,
        &Scope::quarter("新客户", None, "2026Q4").expect("scope"),
    )
    .expect_err("no devices");
    assert_eq!(field(&empty), Some("status_report.customer"));
    assert!(
        empty.message_zh().contains("没有登记任何设备"),
        "{}",
        empty.message_zh()
    );
    let assets = ReportAssets::locate().expect("assets");
    assert!(make(
        &mut store,
        &assets,
        &Scope::quarter("新客户", None, "2026Q4").expect("s"),
        Lang::Zh
    )
    .is_err());
    assert!(all(store.conn()).expect("all").is_empty());
}

#[test]
fn a_status_report_is_signed_numbered_by_quarter_and_filed() {
    let (_d, mut store) = demo();
    let assets = ReportAssets::locate().expect("assets");
    let made = make(&mut store, &assets, &q4(), Lang::Zh).expect("made");
    let r = &made.report;
    assert_eq!(r.number, "ZW-ZT2026Q4-01");
    assert_eq!(r.customer, CUSTOMER);
    assert_eq!(
        (r.period_from.as_str(), r.period_to.as_str()),
        ("2026-10-01", "2026-12-31")
    );
    let pdf = pdf_of(&store, r).expect("stored pdf");
    let check = crate::report::sign::verify_pdf(&pdf).expect("verify");
    assert!(check.valid, "{check:?}");
    assert_eq!(
        by_sha256(store.conn(), &r.sha256).expect("by sha"),
        Some(r.clone())
    );
    // Long lists paginate: 128 devices do not fit on two pages.
    let pages = lopdf::Document::load_mem(&pdf)
        .expect("pdf")
        .get_pages()
        .len();
    assert!(pages >= 4, "{pages} pages");
    // The next one for the same quarter takes the next number; English works too.
    let again = make(&mut store, &assets, &q4(), Lang::En).expect("again");
    assert_eq!(again.report.number, "ZW-ZT2026Q4-02");
    assert_eq!(again.report.lang, "en");
    let logged: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM change_log WHERE tbl = 'status_report'",
            [],
            |r| r.get(0),
        )
        .expect("log");
    assert_eq!(logged, 2, "status reports sync");
}

#[test]
fn a_failure_before_the_commit_leaves_no_row_no_blob_and_no_number_taken() {
    let (_d, mut store) = demo();
    let assets = ReportAssets::locate().expect("assets");
    let blobs = |s: &Store| -> i64 {
        s.conn()
            .query_row("SELECT COUNT(*) FROM blob", [], |r| r.get(0))
            .expect("blobs")
    };
    let before = blobs(&store);
    let err = make_to(&mut store, &assets, &q4(), Lang::Zh, &mut |_, _| {
        Err(Error::refused("disk_full", "磁盘已满", "the disk is full"))
    })
    .expect_err("delivery fails");
    assert_eq!(err.kind(), "disk_full");
    assert!(all(store.conn()).expect("all").is_empty());
    assert_eq!(blobs(&store), before);
    let made = make(&mut store, &assets, &q4(), Lang::Zh).expect("retry");
    assert_eq!(
        made.report.number, "ZW-ZT2026Q4-01",
        "the number was not used up"
    );
}

#[test]
fn make_into_writes_the_file_under_its_number() {
    let (d, mut store) = demo();
    let assets = ReportAssets::locate().expect("assets");
    let dir = d.path().join("exports");
    let made = make_into(&mut store, &assets, &q4(), Lang::Zh, &dir).expect("made");
    let path = made.path.expect("a path");
    assert!(
        path.ends_with("设备运行状态报告-ZW-ZT2026Q4-01.pdf"),
        "{path}"
    );
    let bytes = std::fs::read(&path).expect("file");
    assert_eq!(bytes, pdf_of(&store, &made.report).expect("blob"));
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_period_that_is_exactly_a_quarter_is_named_so() {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    assert_eq!(
        gather::quarter_of(d("2026-10-01"), d("2026-12-31")).as_deref(),
        Some("2026Q4")
    );
    assert_eq!(gather::quarter_of(d("2026-10-01"), d("2026-11-30")), None);
}

#[test]
fn the_office_refuses_a_status_report_signed_in_another_engineers_name() {
    let (_d, mut store) = demo();
    let assets = ReportAssets::locate().expect("assets");
    let made = make(&mut store, &assets, &q4(), Lang::Zh).expect("made");
    let conn = store.conn();
    let change = crate::store::changes::since_except(conn, 0, "nobody", 1_000_000)
        .expect("log")
        .into_iter()
        .map(|l| l.change)
        .find(|c| c.table == "status_report")
        .expect("the status report's change");
    let own = crate::sync::vet::vet(
        conn,
        std::slice::from_ref(&change),
        &made.report.engineer_id,
    )
    .expect("vet");
    assert!(own.is_empty(), "{own:?}");
    let other = crate::sync::vet::vet(conn, &[change], "another-engineer").expect("vet");
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].table, "status_report");
}
