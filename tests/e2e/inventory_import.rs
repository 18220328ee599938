//! The office's inventory in and out of spreadsheets: a workbook typed in Excel, GBK CSV from
//! Chinese Excel, UTF-8 CSV with a BOM; re-importing adds nothing; an export re-imports
//! unchanged; every written row is an ordinary synced change.

use crate::inventory_support::*;
use crate::support::TestDb;
use weibao::domain::contract::ServiceCalendar;
use weibao::domain::device::{DeviceStatus, DeviceType};
use weibao::inventory::{self, Counts, Format, ImportOptions, Kind, TextEncoding};
use weibao::{contracts, devices, org};

fn added(n: usize) -> Counts {
    Counts {
        added: n,
        ..Counts::default()
    }
}

fn unchanged(n: usize) -> Counts {
    Counts {
        unchanged: n,
        ..Counts::default()
    }
}

#[test]
fn xlsx_typed_in_excel_imports_customers_sites_lanes_devices_and_contracts() {
    let t = TestDb::new();
    let mut store = t.open();
    let file = write(t.dir.path(), "台账.xlsx", &office_workbook());
    let log_before = change_log(&store);

    let sum = import(&mut store, &[file]).expect("a good workbook imports");

    assert_eq!(sum.customers, added(2));
    assert_eq!(sum.sites, added(2));
    assert_eq!(sum.lanes, added(3));
    assert_eq!(sum.devices, added(3));
    assert_eq!(sum.contracts, added(1));
    // Excel dates arrive as dates, the numeric fee as yuan, labels as the core's codes.
    let gate = devices::device(&store, "xa01-l01-bg01").expect("found by code");
    assert_eq!(gate.device_type, DeviceType::BarrierGate);
    assert_eq!(
        gate.install_date.map(|d| d.to_string()).as_deref(),
        Some("2023-06-15")
    );
    let lane = org::lane(&store, &gate.lane_id).unwrap();
    assert_eq!(
        (lane.site_name.as_str(), lane.code.as_str()),
        ("西安综合保税区卡口", "L01")
    );
    let reader = devices::device(&store, "XY01-L01-CR01").unwrap();
    assert_eq!(reader.status, DeviceStatus::Faulty);
    let c = contracts::contract(&store, "WB-2026-001").unwrap();
    assert_eq!(c.fee.0, 18_000_000);
    assert_eq!(c.calendar, ServiceCalendar::FiveByEight);
    assert_eq!(c.site_ids, vec![lane.site_id.clone()]);
    assert_eq!(
        c.levels.len(),
        4,
        "a new contract gets the seed contract's level table"
    );
    // Every row is a synced change: 2+2+3 records, 3 devices with their 建档 history
    // line, one contract and its covered site.
    assert_eq!(change_log(&store) - log_before, 2 + 2 + 3 + 3 * 2 + 1 + 1);
}

#[test]
fn gbk_csv_from_chinese_excel_imports_every_site() {
    let t = TestDb::new();
    let mut store = t.open();
    let customers = write(t.dir.path(), "客户.csv", &gbk(&csv_text(&owned(CUSTOMERS))));
    let sites = write(t.dir.path(), "站点.csv", &gbk(&csv_text(&owned(SITES))));
    // Chinese Excel writes dates in a CSV as 2023/5/1.
    let mut rows = owned(DEVICES);
    rows[1][9] = "2023/5/1".into();
    let lanes = write(t.dir.path(), "车道.csv", &gbk(&csv_text(&owned(LANES))));
    let devices = write(t.dir.path(), "设备.csv", &gbk(&csv_text(&rows)));

    let sum = import(&mut store, &[devices, lanes, sites, customers]).expect("GBK imports");

    assert_eq!(sum.sites, added(2));
    let names: Vec<String> = org::sites(&store)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["咸阳机场货运卡口", "西安综合保税区卡口"]);
    let gate = devices::device(&store, "XA01-L01-BG01").unwrap();
    assert_eq!(gate.manufacturer, "深圳市捷顺科技");
    assert_eq!(
        gate.manufacture_date.map(|d| d.to_string()).as_deref(),
        Some("2023-05-01")
    );
}

#[test]
fn utf8_csv_with_a_bom_imports_and_its_header_says_what_it_holds() {
    let t = TestDb::new();
    let mut store = t.open();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    // English headings are accepted too.
    let mut rows = owned(CUSTOMERS);
    rows[0] = vec!["customer".into(), "Address".into()];
    bytes.extend(csv_text(&rows).as_bytes());
    let file = write(t.dir.path(), "export.csv", &bytes);

    let sum = import(&mut store, &[file]).expect("imports");

    assert_eq!(sum.customers, added(2));
    let name: String = store
        .conn()
        .query_row("SELECT name FROM customer ORDER BY name LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "咸阳机场货运站", "no BOM left on the first cell");
}

#[test]
fn reimporting_the_same_file_adds_no_duplicates() {
    let t = TestDb::new();
    let mut store = t.open();
    let file = write(t.dir.path(), "台账.xlsx", &office_workbook());
    import(&mut store, std::slice::from_ref(&file)).unwrap();
    let (log, devices) = (change_log(&store), count(&store, "device"));

    let again = import(&mut store, &[file]).expect("imports again");

    assert_eq!(again.customers, unchanged(2));
    assert_eq!(again.lanes, unchanged(3));
    assert_eq!(again.devices, unchanged(3));
    assert_eq!(again.contracts, unchanged(1));
    assert_eq!(count(&store, "device"), devices);
    assert_eq!(change_log(&store), log, "an unchanged file writes nothing");
}

#[test]
fn a_changed_cell_updates_that_field_alone_and_the_archive_history_says_so() {
    let t = TestDb::new();
    let mut store = t.open();
    let mut sheets: Vec<(&str, Vec<Vec<String>>)> = all_sheets()
        .into_iter()
        .map(|(n, r)| (n, owned(r)))
        .collect();
    let file = write(t.dir.path(), "a.xlsx", &workbook(&sheets));
    import(&mut store, &[file]).unwrap();
    let log = change_log(&store);

    sheets[3].1[2][8] = "龙门架（新）".into(); // the camera's position
    sheets[3].1[3][12] = "运行正常".into(); // the card reader was repaired
    let file = write(t.dir.path(), "b.xlsx", &workbook(&sheets));
    let sum = import(&mut store, &[file]).expect("imports");

    assert_eq!(
        sum.devices,
        Counts {
            added: 0,
            updated: 2,
            unchanged: 1
        }
    );
    let cam = devices::device(&store, "XA01-L01-CM01").unwrap();
    assert_eq!(cam.position.as_deref(), Some("龙门架（新）"));
    let fields: String = store
        .conn()
        .query_row(
            "SELECT fields FROM change_log WHERE tbl = 'device' AND op = 'update'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        fields.contains("position") && !fields.contains("model"),
        "{fields}"
    );
    let history = devices::history(&store, &cam.id).unwrap();
    assert!(
        history.iter().any(|h| h.summary.contains("安装位置")),
        "{history:?}"
    );
    let reader = devices::device(&store, "XY01-L01-CR01").unwrap();
    assert_eq!(
        reader.status,
        DeviceStatus::Normal,
        "status goes through history"
    );
    // One field update + its history line; one status history line.
    assert_eq!(change_log(&store) - log, 3);
}

#[test]
fn an_export_reimports_unchanged_and_exports_the_same_again() {
    let (t, mut store) = TestDb::demo();
    let xlsx = t.dir.path().join("out/台账.xlsx");
    let sum = inventory::export(&store, &xlsx, None, TextEncoding::Utf8).expect("exports");
    assert_eq!(
        (sum.customers, sum.sites, sum.lanes, sum.contracts),
        (3, 5, 20, 2)
    );
    let log = change_log(&store);

    let again = import(&mut store, &[xlsx]).expect("the export imports");

    for kind in Kind::ALL {
        let c = again.counts(kind);
        assert_eq!((c.added, c.updated), (0, 0), "{kind:?}: {c:?}");
    }
    assert_eq!(again.devices.unchanged, sum.devices);
    assert_eq!(change_log(&store), log);

    // Into an empty office: the CSV export of the demo rebuilds it, and exports identically.
    let csv_dir = t.dir.path().join("csv");
    inventory::export(&store, &csv_dir, Some(Format::Csv), TextEncoding::Utf8).unwrap();
    let other = TestDb::new();
    let mut empty = other.open();
    let sum = import(&mut empty, std::slice::from_ref(&csv_dir)).expect("a folder of CSV imports");
    assert_eq!(sum.devices.added, again.devices.unchanged);
    let csv_again = other.dir.path().join("csv");
    inventory::export(&empty, &csv_again, Some(Format::Csv), TextEncoding::Utf8).unwrap();
    for kind in Kind::ALL {
        let a = std::fs::read(csv_dir.join(kind.csv_name())).unwrap();
        let b = std::fs::read(csv_again.join(kind.csv_name())).unwrap();
        assert!(a == b, "{kind:?} differs after a round trip");
    }
}

#[test]
fn gbk_export_opens_as_chinese_excel_expects_and_imports_back() {
    let (t, mut store) = TestDb::demo();
    let dir = t.dir.path().join("gbk");
    inventory::export(&store, &dir, Some(Format::Csv), TextEncoding::Gbk).expect("exports");
    let bytes = std::fs::read(dir.join("sites.csv")).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "GBK, not UTF-8");
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad && text.starts_with("客户名称,站点名称,地址"), "{text}");
    let utf8 = std::fs::read(dir.join("devices.csv")).unwrap();
    assert!(!utf8.starts_with(b"\xEF\xBB\xBF"), "no BOM in GBK");

    let log = change_log(&store);
    let sum = import(&mut store, &[dir]).expect("GBK export imports");
    assert_eq!(sum.sites, unchanged(5));
    assert_eq!(change_log(&store), log);
}

#[test]
fn a_dry_run_reports_what_would_change_and_writes_nothing() {
    let t = TestDb::new();
    let mut store = t.open();
    let file = write(t.dir.path(), "台账.xlsx", &office_workbook());
    let log = change_log(&store);

    let opts = ImportOptions {
        dry_run: true,
        ..ImportOptions::default()
    };
    let sum = inventory::import(&mut store, &[file], opts).expect("checks");

    assert_eq!(sum.devices, added(3));
    assert!(
        sum.lines().iter().any(|l| l.contains("dry run")),
        "{:?}",
        sum.lines()
    );
    assert_eq!(change_log(&store), log);
    assert_eq!(count(&store, "customer"), 0);
}

#[test]
fn kind_picks_one_sheet_of_a_workbook_and_names_a_csv_without_a_telling_header() {
    let t = TestDb::new();
    let mut store = t.open();
    let file = write(t.dir.path(), "台账.xlsx", &office_workbook());
    let opts = ImportOptions {
        kind: Some(Kind::Customer),
        dry_run: false,
    };
    let sum = inventory::import(&mut store, &[file], opts).expect("imports");
    assert_eq!((sum.customers, sum.sites), (added(2), Counts::default()));

    // A sheet of notes beside the data is skipped and said so.
    let mut sheets: Vec<(&str, Vec<Vec<String>>)> = vec![("客户", owned(CUSTOMERS))];
    sheets.push(("说明", vec![vec!["本表由客服中心维护".into()]]));
    let file = write(t.dir.path(), "b.xlsx", &workbook(&sheets));
    let sum = import(&mut store, std::slice::from_ref(&file)).unwrap();
    assert_eq!(sum.customers, unchanged(2));
    assert!(
        sum.skipped_sheets.iter().any(|s| s.ends_with("说明")),
        "{sum:?}"
    );
    let sum = inventory::import(&mut store, &[file], opts).expect("--kind with a notes sheet");
    assert_eq!(sum.customers, unchanged(2));
}

#[test]
fn the_laptop_cli_imports_and_exports_through_the_same_core_functions() {
    let t = TestDb::new();
    let book = write(t.dir.path(), "台账.xlsx", &office_workbook());
    let run = |args: &[&str]| {
        std::process::Command::new(crate::support::weibao_bin())
            .arg("--db")
            .arg(&t.path)
            .args(args)
            .output()
            .expect("run weibao")
    };
    let out = run(&["import", &book.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("设备：新增 3，更新 0，未变 0 / devices: added 3"),
        "{said}"
    );

    let dir = t.dir.path().join("csv");
    let out = run(&["--json", "export", "--out", &dir.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (json["format"].as_str(), json["devices"].as_i64()),
        (Some("csv"), Some(3))
    );

    let bad = write(
        t.dir.path(),
        "bad.csv",
        "客户名称,站点名称\r\n无此客户,某卡口\r\n".as_bytes(),
    );
    let out = run(&["import", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":站点:2: 客户名称: 客户「无此客户」不存在"),
        "{err}"
    );
    assert!(
        err.contains(":站点:2: 客户名称: no customer '无此客户'"),
        "{err}"
    );
}

#[test]
fn a_workbook_chosen_in_the_desktop_app_imports_from_its_bytes_under_its_own_name() {
    let t = TestDb::new();
    let mut store = t.open();
    let upload = |name: &str, bytes: Vec<u8>| inventory::Upload {
        name: name.to_string(),
        bytes,
    };
    let dry = ImportOptions {
        kind: None,
        dry_run: true,
    };
    // The preview first: counted, nothing written.
    let files = [upload("台账.xlsx", office_workbook())];
    let preview = inventory::import_uploads_outcome(&mut store, &files, dry).unwrap();
    assert!(!preview.imported && preview.problems.is_empty());
    assert_eq!(preview.summary.as_ref().map(|s| s.devices), Some(added(3)));
    assert_eq!(count(&store, "device"), 0);

    // A bad row is named by the file's own name, and nothing is written.
    let mut rows = owned(SITES);
    rows[1][0] = "没有这个客户".into();
    let bad = [upload("站点.csv", csv_text(&rows).into_bytes())];
    let out =
        inventory::import_uploads_outcome(&mut store, &bad, ImportOptions::default()).unwrap();
    assert!(!out.imported);
    assert!(
        out.problems.iter().any(|p| p.at.starts_with("站点.csv")),
        "{:?}",
        out.problems
    );
    assert_eq!(count(&store, "site"), 0);

    // An oversized upload is refused before it is parsed, naming the file.
    let big = vec![b'a'; usize::try_from(inventory::MAX_FILE_BYTES).unwrap() + 1];
    let out = inventory::import_uploads_outcome(&mut store, &[upload("huge.csv", big)], dry);
    let problem = match out {
        Ok(o) => o.problems.first().map(|p| p.message_en.clone()),
        Err(e) => Some(e.to_string()),
    };
    assert!(
        problem.as_deref().is_some_and(|m| m.contains("huge.csv")),
        "{problem:?}"
    );

    let done =
        inventory::import_uploads_outcome(&mut store, &files, ImportOptions::default()).unwrap();
    assert!(done.imported);
    assert_eq!(count(&store, "device"), 3);
}
