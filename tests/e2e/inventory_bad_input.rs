//! Bad inventory files: every bad row is named `file:sheet:row: column: message` in Chinese and
//! English, and nothing at all is written — not even the good rows beside it.

use crate::inventory_support::*;
use crate::support::TestDb;
use std::path::PathBuf;
use weibao::inventory::{self, Format, TextEncoding};
use weibao::{Error, Store};

/// Import `files` expecting a refusal that writes nothing; the error and its lines.
fn refused(store: &mut Store, files: &[PathBuf]) -> (Error, Vec<String>, Vec<String>) {
    let log = change_log(store);
    let customers = count(store, "customer");
    let e = import(store, files).expect_err("refused");
    assert_eq!(change_log(store), log, "nothing written: {e}");
    assert_eq!(count(store, "customer"), customers);
    let zh = e.message_zh().lines().map(str::to_string).collect();
    let en = e.to_string().lines().map(str::to_string).collect();
    (e, zh, en)
}

fn has(lines: &[String], want: &str) -> bool {
    lines.iter().any(|l| l.contains(want))
}

/// The five sheets, with `edit` applied to the devices sheet.
fn with_devices(edit: impl FnOnce(&mut Vec<Vec<String>>)) -> Vec<u8> {
    let mut sheets: Vec<(&str, Vec<Vec<String>>)> = all_sheets()
        .into_iter()
        .map(|(n, r)| (n, owned(r)))
        .collect();
    edit(&mut sheets[3].1);
    workbook(&sheets)
}

#[test]
fn one_bad_row_imports_nothing_and_names_row_and_column() {
    let t = TestDb::new();
    let mut store = t.open();
    let file = write(
        t.dir.path(),
        "台账.xlsx",
        &with_devices(|rows| rows[2][9] = "2023-13-01".into()),
    );

    let (e, zh, en) = refused(&mut store, std::slice::from_ref(&file));

    assert_eq!(e.kind(), "rows_rejected");
    let place = format!("{}:设备:3: 出厂日期: ", file.display());
    assert!(
        has(&zh, &format!("{place}日期格式应为 YYYY-MM-DD")),
        "{zh:?}"
    );
    assert!(
        has(&en, &format!("{place}date must be YYYY-MM-DD")),
        "{en:?}"
    );
    assert!(zh[0].contains("未写入任何内容") && en[0].contains("nothing was written"));
    assert_eq!(count(&store, "device"), 0, "not even the good rows");
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["kind"], "rows_rejected");
}

#[test]
fn every_bad_row_is_reported_not_only_the_first() {
    let t = TestDb::new();
    let mut store = t.open();
    let file = write(
        t.dir.path(),
        "台账.xlsx",
        &with_devices(|rows| {
            rows[1][1] = "道闸机".into(); // no such device type
            rows[2][0] = "XA01 L01".into(); // a space in the code
            rows[3][12] = "坏了".into(); // no such status
            rows[3][11] = "2099-01-01".into(); // past the domain's dates
        }),
    );

    let (e, zh, _) = refused(&mut store, &[file]);

    let Error::Rows { errors } = &e else {
        panic!("{e}")
    };
    assert_eq!(errors.len(), 4, "{zh:?}");
    assert!(has(&zh, ":设备:2: 设备类型: 未知取值「道闸机」"), "{zh:?}");
    assert!(
        has(&zh, ":设备:3: 设备编号: 设备统一编号「XA01 L01」格式不正确"),
        "{zh:?}"
    );
    assert!(has(&zh, ":设备:4: 运行状态: "), "{zh:?}");
    assert!(
        has(&zh, ":设备:4: 保修截止: 日期 2099-01-01 不合理"),
        "{zh:?}"
    );
}

#[test]
fn a_missing_required_column_is_named_in_both_languages() {
    let t = TestDb::new();
    let mut store = t.open();
    let rows: Vec<Vec<String>> = owned(LANES)
        .into_iter()
        .map(|r| vec![r[0].clone(), r[1].clone(), r[2].clone()])
        .collect();
    let file = write(t.dir.path(), "lanes.csv", csv_text(&rows).as_bytes());

    let (_, zh, en) = refused(&mut store, std::slice::from_ref(&file));

    let place = format!("{}:车道:1: 车道名称: ", file.display());
    assert!(
        has(&zh, &format!("{place}缺少必填列「车道名称」")),
        "{zh:?}"
    );
    assert!(
        has(&en, &format!("{place}the required column 'lane_name'")),
        "{en:?}"
    );
}

#[test]
fn a_lane_whose_site_is_unknown_is_refused() {
    let t = TestDb::new();
    let mut store = t.open();
    let mut lanes = owned(LANES);
    lanes[3][1] = "咸阳机场北卡口".into();
    let mut sheets: Vec<(&str, Vec<Vec<String>>)> =
        vec![("客户", owned(CUSTOMERS)), ("站点", owned(SITES))];
    sheets.push(("车道", lanes));
    let file = write(t.dir.path(), "a.xlsx", &workbook(&sheets));

    let (_, zh, en) = refused(&mut store, &[file]);

    assert!(
        has(
            &zh,
            ":车道:4: 站点名称: 该客户没有名为「咸阳机场北卡口」的站点"
        ),
        "{zh:?}"
    );
    assert!(
        has(
            &en,
            ":车道:4: 站点名称: the customer has no site '咸阳机场北卡口'"
        ),
        "{en:?}"
    );
}

#[test]
fn a_date_outside_the_domain_or_in_the_future_is_refused() {
    let t = TestDb::new();
    let mut store = t.open();
    let file = write(
        t.dir.path(),
        "a.xlsx",
        &with_devices(|rows| {
            rows[1][9] = "1970-01-01".into();
            rows[2][10] = "2027-01-01".into(); // installed after today (2026-11-23)
        }),
    );

    let (_, zh, en) = refused(&mut store, &[file]);

    assert!(
        has(&zh, ":设备:2: 出厂日期: 日期 1970-01-01 不合理"),
        "{zh:?}"
    );
    assert!(
        has(&en, ":设备:3: 安装日期: date 2027-01-01 is after today"),
        "{en:?}"
    );
}

#[test]
fn the_same_device_twice_in_one_file_is_refused_naming_the_first_row() {
    let t = TestDb::new();
    let mut store = t.open();
    let file = write(
        t.dir.path(),
        "a.xlsx",
        &with_devices(|rows| rows[3][0] = "xa01-l01-bg01".into()),
    );

    let (_, zh, en) = refused(&mut store, std::slice::from_ref(&file));

    let first = format!("{}:设备:2", file.display());
    assert!(
        has(
            &zh,
            &format!(":设备:4: 设备编号: 设备编号「XA01-L01-BG01」重复，已在 {first} 出现")
        ),
        "{zh:?}"
    );
    assert!(has(&en, "is given twice"), "{en:?}");
}

#[test]
fn an_over_long_cell_is_refused_with_its_length() {
    let t = TestDb::new();
    let mut store = t.open();
    let file = write(
        t.dir.path(),
        "a.xlsx",
        &with_devices(|rows| {
            rows[1][14] = "备".repeat(30_000);
            rows[2][2] = "M".repeat(201); // a model name past the core's 200
        }),
    );

    let (_, zh, en) = refused(&mut store, &[file]);

    assert!(
        has(
            &zh,
            ":设备:2: 备注: 单元格过长：30000 个字符，最多 20000 个"
        ),
        "{zh:?}"
    );
    assert!(
        has(&en, ":设备:3: 规格型号: too long: at most 200 characters"),
        "{en:?}"
    );
}

#[test]
fn a_png_renamed_xlsx_an_empty_file_and_a_truncated_workbook_are_refused_cleanly() {
    let t = TestDb::new();
    let mut store = t.open();
    let png = write(
        t.dir.path(),
        "台账.xlsx",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
    );
    let empty = write(t.dir.path(), "sites.csv", b"");
    let book = office_workbook();
    let cut = write(t.dir.path(), "cut.xlsx", &book[..book.len() / 2]);
    let binary = write(t.dir.path(), "photo.csv", b"\xff\xd8\xff\xe0\0\x10JFIF\0");

    let utf16 = write(t.dir.path(), "unicode.csv", b"\xff\xfe\xa2\x5b\x37\x62");
    let files = [png.clone(), empty.clone(), cut.clone(), binary, utf16];
    let (e, zh, en) = refused(&mut store, &files);

    assert_eq!(e.kind(), "rows_rejected");
    let at = |p: &PathBuf| format!("{}: file: ", p.display());
    assert!(
        has(&zh, &format!("{}不是有效的 XLSX 文件", at(&png))),
        "{zh:?}"
    );
    assert!(has(&zh, &format!("{}文件是空的", at(&empty))), "{zh:?}");
    assert!(
        has(
            &en,
            &format!("{}not a valid XLSX file, or damaged or truncated", at(&cut))
        ),
        "{en:?}"
    );
    assert!(
        has(&en, "neither a text file nor an XLSX workbook"),
        "{en:?}"
    );
    assert!(has(&zh, "unicode.csv: file: 这是 UTF-16 文本"), "{zh:?}");

    // Alone, a file-level problem is itself the error (kind io/invalid, field "file").
    let e = import(&mut store, &[empty]).expect_err("empty");
    assert_eq!(e.field(), Some("file"));
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let t = TestDb::new();
    let mut store = t.open();
    let big = t.dir.path().join("big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(inventory::MAX_FILE_BYTES + 1).unwrap(); // sparse: nothing to read
    let e = import(&mut store, &[big]).expect_err("too big");
    assert_eq!(e.field(), Some("file"));
    assert!(e.to_string().contains("too large, limit 32 MB"), "{e}");
}

#[test]
fn a_sheet_that_claims_the_far_corner_of_excel_is_refused_without_allocating_it() {
    let t = TestDb::new();
    let mut store = t.open();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("客户").unwrap();
    ws.write_string(0, 0, "客户名称").unwrap();
    ws.write_string(1, 0, "西安海关").unwrap();
    // calamine's worksheet_range would allocate 17 billion cells for this one.
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let file = write(t.dir.path(), "corner.xlsx", &book.save_to_buffer().unwrap());

    let e = import(&mut store, &[file]).expect_err("refused");
    assert!(e.to_string().contains("more than 64 columns"), "{e}");
    assert_eq!(count(&store, "customer"), 0);
}

#[test]
fn a_contract_ending_before_it_starts_is_the_cores_own_error_at_its_row() {
    let t = TestDb::new();
    let mut store = t.open();
    let mut sheets: Vec<(&str, Vec<Vec<String>>)> = all_sheets()
        .into_iter()
        .map(|(n, r)| (n, owned(r)))
        .collect();
    sheets[4].1[1][4] = "2025-12-31".into();
    sheets[4].1[1][8] = "西安综合保税区卡口、不存在的卡口".into();
    let file = write(t.dir.path(), "a.xlsx", &workbook(&sheets));

    let (_, zh, _) = refused(&mut store, &[file]);

    assert!(
        has(
            &zh,
            ":合同:2: 覆盖站点: 该客户没有名为「不存在的卡口」的站点"
        ),
        "{zh:?}"
    );
    // The period is checked once the sites are right: fix them and see it.
    sheets[4].1[1][8] = "西安综合保税区卡口".into();
    let file = write(t.dir.path(), "b.xlsx", &workbook(&sheets));
    let (_, zh, _) = refused(&mut store, &[file]);
    assert!(
        has(
            &zh,
            ":合同:2: 结束日期: 合同结束日期 2025-12-31 早于开始日期 2026-01-01"
        ),
        "{zh:?}"
    );
}

#[test]
fn a_formula_typed_into_a_cell_is_exported_harmless_and_reimports_as_typed() {
    let t = TestDb::new();
    let mut store = t.open();
    let mut rows = owned(CUSTOMERS);
    rows[1][1] = "=HYPERLINK(\"http://x\",\"点我\")".into();
    let file = write(t.dir.path(), "c.csv", csv_text(&rows).as_bytes());
    import(&mut store, &[file]).unwrap();

    let dir = t.dir.path().join("out");
    inventory::export(&store, &dir, Some(Format::Csv), TextEncoding::Utf8).unwrap();
    let text = String::from_utf8(std::fs::read(dir.join("customers.csv")).unwrap()).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK("),
        "Excel shows it, does not run it: {text}"
    );

    let log = change_log(&store);
    let sum = import(&mut store, &[dir.join("customers.csv")]).unwrap();
    assert_eq!(sum.customers.unchanged, 2);
    assert_eq!(change_log(&store), log);
}

#[test]
fn gbk_export_refuses_a_character_gbk_cannot_hold_naming_its_cell() {
    let (t, mut store) = TestDb::demo();
    let mut rows = owned(&[CUSTOMERS[0]]);
    rows.push(vec!["🚧 施工队".into(), String::new()]);
    let file = write(t.dir.path(), "c.csv", csv_text(&rows).as_bytes());
    import(&mut store, &[file]).unwrap();

    let dir = t.dir.path().join("gbk");
    let e =
        inventory::export(&store, &dir, Some(Format::Csv), TextEncoding::Gbk).expect_err("not GBK");
    let msg = e.to_string();
    assert!(msg.contains("customers.csv:客户:"), "{msg}");
    assert!(
        msg.contains(": 客户名称: the character '🚧' cannot be written as GBK"),
        "{msg}"
    );
    assert!(!dir.join("sites.csv").exists(), "nothing half-exported");
}

/// A small good workbook and a good CSV, the bases the property below damages.
fn small_workbook() -> Vec<u8> {
    workbook(&[("客户", owned(CUSTOMERS)), ("站点", owned(SITES))])
}

mod damaged_files {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Damage {
        Flip(usize, u8),
        Cut(usize),
        Insert(usize, Vec<u8>),
    }

    fn damage() -> impl Strategy<Value = Vec<Damage>> {
        let one = prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Damage::Flip(i, b)),
            any::<usize>().prop_map(Damage::Cut),
            (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
                .prop_map(|(i, b)| Damage::Insert(i, b)),
        ];
        prop::collection::vec(one, 1..4)
    }

    fn apply(mut b: Vec<u8>, ds: &[Damage]) -> Vec<u8> {
        for d in ds {
            let n = b.len().max(1);
            match d {
                Damage::Flip(i, x) => {
                    if let Some(c) = b.get_mut(i % n) {
                        *c ^= x | 1;
                    }
                }
                Damage::Cut(i) => b.truncate(i % n),
                Damage::Insert(i, bytes) => {
                    let at = (i % n).min(b.len());
                    b.splice(at..at, bytes.iter().copied());
                }
            }
        }
        b
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn a_damaged_or_random_file_never_panics_and_a_refusal_writes_nothing(
            raw in prop::collection::vec(any::<u8>(), 0..400),
            ds in damage(),
            which in 0u8..4,
        ) {
            let (name, bytes) = match which {
                0 => ("raw.csv", raw),
                1 => ("a.xlsx", apply(small_workbook(), &ds)),
                2 => ("b.csv", apply(csv_text(&owned(SITES)).into_bytes(), &ds)),
                _ => ("c.csv", apply(gbk(&csv_text(&owned(CUSTOMERS))), &ds)),
            };
            let t = TestDb::new();
            let mut store = t.open();
            let file = write(t.dir.path(), name, &bytes);
            let log = change_log(&store);
            if let Err(e) = import(&mut store, &[file]) {
                prop_assert_eq!(change_log(&store), log, "{}", e);
                prop_assert!(!e.message_zh().is_empty() && !e.to_string().is_empty());
            }
        }
    }
}
