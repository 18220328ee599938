//! `weibao-office import|export`: the office's spreadsheets in and out of its replica. A bad
//! file exits 1 with every bad row named in Chinese and English, and writes nothing.

use std::path::Path;
use std::process::{Command, Output};

fn office(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weibao-office"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .expect("run weibao-office")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn change_log(data: &Path) -> i64 {
    let db = rusqlite::Connection::open(data.join("office.db")).expect("office.db");
    db.query_row("SELECT COUNT(*) FROM change_log", [], |r| r.get(0))
        .expect("count")
}

const SITES: &str = "客户名称,站点名称,地址\r\n\
西安海关,西安综合保税区卡口,西安市灞桥区港务大道 99 号\r\n\
西安海关,西安国际港务区卡口,西安市国际港务区港兴路 66 号\r\n";

const LANES: &str = "客户名称,站点名称,车道编号,车道名称\r\n\
西安海关,西安综合保税区卡口,L01,1号进口车道\r\n\
西安海关,西安综合保税区卡口,L02,\r\n\
西安海关,咸阳机场北卡口,L01,1号进口车道\r\n";

#[test]
fn office_import_refuses_a_bad_file_with_exit_1_and_every_bad_row_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("office-data");
    let customers = dir.path().join("customers.csv");
    std::fs::write(
        &customers,
        "客户名称,地址\r\n西安海关,西安市未央区凤城八路 1 号\r\n",
    )
    .expect("write");
    let sites = dir.path().join("sites.csv");
    std::fs::write(&sites, SITES).expect("write");
    let lanes = dir.path().join("lanes.csv");
    std::fs::write(&lanes, LANES).expect("write");
    let arg = |p: &Path| p.display().to_string();

    // Set up the replica, then the bad import.
    let ok = office(&data, &["import", &arg(&customers)]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let before = change_log(&data);
    let out = office(&data, &["import", &arg(&sites), &arg(&lanes)]);

    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    let at = arg(&lanes);
    assert!(err.contains("错误 [rows_rejected]"), "{err}");
    assert!(err.contains("发现 2 处错误，未写入任何内容"), "{err}");
    assert!(
        err.contains(&format!("{at}:车道:3: 车道名称: 不能为空")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{at}:车道:4: 站点名称: 该客户没有名为「咸阳机场北卡口」的站点"
        )),
        "{err}"
    );
    assert!(
        err.contains("2 problems found; nothing was written"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{at}:车道:3: 车道名称: must not be empty")),
        "{err}"
    );
    assert_eq!(change_log(&data), before, "not even the good sites");

    // Fixed: a dry run says what would happen, the import does it, a second one adds nothing.
    let fixed = LANES
        .replace("L02,\r\n", "L02,2号进口车道\r\n")
        .replace("西安海关,咸阳机场北卡口,L01,1号进口车道\r\n", "");
    std::fs::write(&lanes, fixed).expect("write");
    let dry = office(&data, &["import", "--dry-run", &arg(&sites), &arg(&lanes)]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(text(&dry.stdout).contains("dry run: nothing was written"));
    assert_eq!(change_log(&data), before);
    let done = office(&data, &["import", &arg(&sites), &arg(&lanes)]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let said = text(&done.stdout);
    assert!(
        said.contains("站点：新增 2，更新 0，未变 0 / sites: added 2"),
        "{said}"
    );
    assert!(
        said.contains("lanes: added 2, updated 0, unchanged 0"),
        "{said}"
    );
}

#[test]
fn office_export_writes_a_workbook_that_imports_back_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("office-data");
    let demo = office(&data, &["demo"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let book = dir.path().join("台账.xlsx");
    let book_arg = book.display().to_string();

    let out = office(&data, &["export", "--out", &book_arg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("customers 3, sites 5, lanes 20"),
        "{}",
        text(&out.stdout)
    );
    assert!(std::fs::read(&book).expect("written").starts_with(b"PK"));

    let before = change_log(&data);
    let back = office(&data, &["import", &book_arg]);
    assert!(back.status.success(), "{}", text(&back.stderr));
    assert!(
        text(&back.stdout).contains("devices: added 0, updated 0"),
        "{}",
        text(&back.stdout)
    );
    assert_eq!(change_log(&data), before);

    let csv = dir.path().join("csv");
    let gbk = office(
        &data,
        &[
            "export",
            "--out",
            &csv.display().to_string(),
            "--encoding",
            "gbk",
        ],
    );
    assert!(gbk.status.success(), "{}", text(&gbk.stderr));
    assert!(csv.join("devices.csv").is_file());
    let bad = office(&data, &["export", "--out", &book_arg, "--format", "pdf"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("format must be xlsx or csv"));
}
