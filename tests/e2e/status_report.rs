//! The quarterly device status report (设备运行状态报告) as the customer and the office meet it:
//! made from the demo data, checked by poppler (`pdfsig`, `pdftotext`) and by `weibao verify
//! --db`; the CLI with good and bad input; and a failure before the commit leaving nothing.

use weibao::report::ReportAssets;
use weibao::stats::Scope;
use weibao::{status_report, Error, Lang};

use crate::report_support::{cli, count, demo_db, error_json, stdout, tool};
use crate::support::TestDb;

const CUSTOMER: &str = "西安海关";

fn q4() -> Scope {
    Scope::quarter(CUSTOMER, None, "2026Q4").expect("quarter")
}

#[test]
fn the_demo_customers_quarter_is_signed_readable_and_verified_against_the_record() {
    let (t, mut store) = TestDb::demo();
    let assets = ReportAssets::locate().expect("assets");
    let out = t.dir.path().join("exports");
    let made = status_report::make_into(&mut store, &assets, &q4(), Lang::Zh, &out)
        .expect("status report");
    let path = made.path.clone().expect("written");
    assert!(made.devices >= 100, "{} devices", made.devices);
    drop(store);

    let sig = tool("pdfsig", &[&path]);
    let sig = format!("{}{}", stdout(&sig), String::from_utf8_lossy(&sig.stderr));
    assert!(
        sig.contains("Signature Validation: Signature is Valid."),
        "{sig}"
    );
    assert!(
        sig.contains("Signer Certificate Common Name: 张伟"),
        "{sig}"
    );

    let text = stdout(&tool("pdftotext", &[&path, "-"]));
    assert!(text.contains("设备运行状态报告"), "{text}");
    assert!(text.contains("XA01-L01-BG01"), "a device code: {text}");
    assert!(
        text.contains("XA02-L04-MN01"),
        "the last device too: {text}"
    );
    assert!(text.contains("升级建议与改进方案"), "{text}");
    assert!(
        text.contains("列入更新计划") || text.contains("建议更换"),
        "an advice line: {text}"
    );
    assert!(text.contains("西安明通电子科技有限公司"), "{text}");
    assert!(text.contains(&made.report.number), "{text}");
    // Long lists break across pages with the header repeated.
    assert!(text.matches("统一编号").count() >= 3, "{text}");

    let v = cli(&t.path, &["verify", &path]);
    let shown = stdout(&v);
    assert!(
        v.status.success(),
        "{shown}{}",
        String::from_utf8_lossy(&v.stderr)
    );
    assert!(shown.contains("一致 matches"), "{shown}");
    assert!(shown.contains(&made.report.number), "{shown}");
    assert!(shown.contains(CUSTOMER), "{shown}");
    assert!(shown.contains("2026-10-01 至 2026-12-31"), "{shown}");

    // Any change to the signed file is caught.
    let mut bytes = std::fs::read(&path).expect("read");
    let i = bytes.len() / 3;
    bytes[i] ^= 0x20;
    let altered = t.dir.path().join("altered.pdf");
    std::fs::write(&altered, &bytes).expect("write");
    let v = cli(&t.path, &["verify", altered.to_str().expect("utf-8")]);
    assert_eq!(v.status.code(), Some(1));
}

#[test]
fn in_english_the_report_speaks_english_but_keeps_what_people_typed() {
    let (t, mut store) = TestDb::demo();
    let assets = ReportAssets::locate().expect("assets");
    let made = status_report::make_into(
        &mut store,
        &assets,
        &Scope::quarter(CUSTOMER, Some("西安综合保税区卡口"), "2026Q4").expect("scope"),
        Lang::En,
        t.dir.path(),
    )
    .expect("report");
    let path = made.path.expect("path");
    let text = stdout(&tool("pdftotext", &[&path, "-"]));
    assert!(text.contains("Device Status Report"), "{text}");
    assert!(text.contains("Upgrade advice"), "{text}");
    assert!(text.contains("西安综合保税区卡口"), "{text}");
    assert!(!text.contains("XA02-"), "one site only: {text}");
}

#[test]
fn a_failed_copy_before_the_commit_leaves_no_row_no_blob_and_no_number_taken() {
    let (_t, mut store) = TestDb::demo();
    let assets = ReportAssets::locate().expect("assets");
    let (rows, blobs) = (count(&store, "status_report"), count(&store, "blob"));
    let e = status_report::make_to(&mut store, &assets, &q4(), Lang::Zh, &mut |_, _| {
        Err(Error::refused("disk_full", "磁盘已满", "the disk is full"))
    })
    .expect_err("the copy fails");
    assert_eq!(e.kind(), "disk_full");
    assert_eq!(count(&store, "status_report"), rows);
    assert_eq!(count(&store, "blob"), blobs);
    let made = status_report::make(&mut store, &assets, &q4(), Lang::Zh).expect("retry");
    assert_eq!(made.report.number, "ZW-ZT2026Q4-01");
}

#[test]
fn the_cli_makes_the_report_and_names_the_field_of_bad_input() {
    let (t, db) = demo_db();
    // The demo is made at the CLI's own clock: report on the quarter it is in.
    let quarter = {
        let store =
            weibao::Store::open(&db, std::sync::Arc::new(weibao::SystemClock)).expect("open");
        weibao::stats::current_quarter(&store)
    };
    let out = t.dir.path().join("zt.pdf");
    let out_s = out.to_str().expect("utf-8");
    let ok = cli(
        &db,
        &[
            "status-report",
            "--customer",
            CUSTOMER,
            "--quarter",
            &quarter,
            "--out",
            out_s,
        ],
    );
    let text = stdout(&ok);
    assert!(
        ok.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(text.contains("-ZT"), "the number: {text}");
    assert!(text.contains("SHA-256 "), "{text}");
    assert!(text.contains(out_s), "{text}");
    assert!(out.is_file());

    let bad_out = t.dir.path().join("bad.pdf");
    let bad_out = bad_out.to_str().expect("utf-8").to_string();
    let bad = |args: &[&str]| {
        let mut all: Vec<&str> = vec!["--json", "status-report", "--out", &bad_out];
        all.extend_from_slice(args);
        error_json(&cli(&db, &all))
    };
    let e = bad(&["--customer", "没有这个客户", "--quarter", &quarter]);
    assert_eq!(e["field"], "customer", "{e}");
    let e = bad(&["--customer", CUSTOMER, "--quarter", "2026Q5"]);
    assert_eq!(e["field"], "stats.quarter", "{e}");
    let e = bad(&[
        "--customer",
        CUSTOMER,
        "--from",
        "2099-01-01",
        "--to",
        "2099-03-31",
    ]);
    assert_eq!(e["field"], "stats.from", "{e}");
    let e = bad(&[
        "--customer",
        CUSTOMER,
        "--quarter",
        &quarter,
        "--site",
        "不存在的站点",
    ]);
    assert_eq!(e["field"], "site", "{e}");
    assert!(!t.dir.path().join("bad.pdf").exists(), "nothing written");
    let store = t.open();
    assert_eq!(count(&store, "status_report"), 1, "only the good one");
}
