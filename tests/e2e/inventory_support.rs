//! Inventory files as the office makes them, built in the test: workbooks with
//! rust_xlsxwriter (dates as real Excel dates, fees as numbers), CSV as UTF-8, with a BOM, or
//! GBK as Chinese Excel saves it.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};
use weibao::inventory::{self, ImportOptions, ImportSummary};
use weibao::Store;

pub const CUSTOMERS: &[&[&str]] = &[
    &["客户名称", "地址"],
    &["西安海关", "西安市未央区凤城八路 1 号"],
    &["咸阳机场货运站", "咸阳市渭城区机场路"],
];

pub const SITES: &[&[&str]] = &[
    &["客户名称", "站点名称", "地址"],
    &[
        "西安海关",
        "西安综合保税区卡口",
        "西安市灞桥区港务大道 99 号",
    ],
    &[
        "咸阳机场货运站",
        "咸阳机场货运卡口",
        "咸阳市渭城区机场西货运区",
    ],
];

pub const LANES: &[&[&str]] = &[
    &["客户名称", "站点名称", "车道编号", "车道名称"],
    &["西安海关", "西安综合保税区卡口", "L01", "1号进口车道"],
    &["西安海关", "西安综合保税区卡口", "L02", "2号进口车道"],
    &["咸阳机场货运站", "咸阳机场货运卡口", "L01", "1号进口车道"],
];

pub const DEVICE_HEADINGS: &[&str] = &[
    "设备编号",
    "设备类型",
    "规格型号",
    "生产厂家",
    "序列号",
    "客户名称",
    "站点名称",
    "车道编号",
    "安装位置",
    "出厂日期",
    "安装日期",
    "保修截止",
    "运行状态",
    "档案密级",
    "备注",
];

pub const DEVICES: &[&[&str]] = &[
    DEVICE_HEADINGS,
    &[
        "XA01-L01-BG01",
        "道闸",
        "JSDZ0601",
        "深圳市捷顺科技",
        "JS23050001",
        "西安海关",
        "西安综合保税区卡口",
        "L01",
        "车道出口侧",
        "2023-05-01",
        "2023-06-15",
        "2026-06-14",
        "运行正常",
        "内部",
        "",
    ],
    &[
        "XA01-L01-CM01",
        "摄像机",
        "DS-2CD3T47EWD",
        "海康威视",
        "HK2305000101",
        "西安海关",
        "西安综合保税区卡口",
        "L01",
        "龙门架",
        "2023-05-01",
        "2023-06-15",
        "2026-06-14",
        "",
        "",
        "抓拍车牌",
    ],
    &[
        "XY01-L01-CR01",
        "IC读卡器",
        "MF-800",
        "明华澳汉",
        "MH2306000011",
        "咸阳机场货运站",
        "咸阳机场货运卡口",
        "L01",
        "司机侧立柱",
        "2023-06-01",
        "2023-07-01",
        "2025-07-01",
        "故障",
        "公开",
        "",
    ],
];

pub const CONTRACTS: &[&[&str]] = &[
    &[
        "合同编号",
        "客户名称",
        "合同名称",
        "开始日期",
        "结束日期",
        "合同金额（元）",
        "服务时间",
        "每年巡检次数",
        "覆盖站点",
    ],
    &[
        "WB-2026-001",
        "西安海关",
        "西安海关电子卡口维保合同",
        "2026-01-01",
        "2026-12-31",
        "180000.00",
        "5x8",
        "4",
        "西安综合保税区卡口",
    ],
];

/// The five sheets of a complete inventory, in order.
pub fn all_sheets() -> Vec<(&'static str, &'static [&'static [&'static str]])> {
    vec![
        ("客户", CUSTOMERS),
        ("站点", SITES),
        ("车道", LANES),
        ("设备", DEVICES),
        ("合同", CONTRACTS),
    ]
}

/// Owned rows from a table constant, to change a cell or two.
pub fn owned(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// A workbook, every cell a string.
pub fn workbook(sheets: &[(&str, Vec<Vec<String>>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// The complete inventory as a workbook the way a person types it in Excel: dates are Excel
/// dates, the fee a number, the rest text.
pub fn office_workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy/m/d");
    for (name, rows) in all_sheets() {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        let headings = rows[0];
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, col) = (r as u32, c as u16);
                let heading = headings[c];
                if cell.is_empty() {
                    continue;
                }
                if r > 0 && (heading.ends_with("日期") || heading == "保修截止") {
                    let d = ExcelDateTime::parse_from_str(cell).unwrap();
                    ws.write_datetime_with_format(r, col, d, &date_format)
                        .unwrap();
                } else if r > 0 && heading.starts_with("合同金额") {
                    ws.write_number(r, col, cell.parse::<f64>().unwrap())
                        .unwrap();
                } else {
                    ws.write_string(r, col, *cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// CSV text of rows (cells with a comma or quote are quoted), lines ended CRLF like Excel.
pub fn csv_text(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// CSV bytes as Chinese Excel's "CSV (逗号分隔)" saves them: GBK.
pub fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy, "test text is GBK");
    bytes.into_owned()
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

pub fn import(store: &mut Store, files: &[PathBuf]) -> weibao::Result<ImportSummary> {
    inventory::import(store, files, ImportOptions::default())
}

pub fn change_log(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT COUNT(*) FROM change_log", [], |r| r.get(0))
        .unwrap()
}

pub fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(
            &format!("SELECT COUNT(*) FROM {table} WHERE deleted = 0"),
            [],
            |r| r.get(0),
        )
        .unwrap()
}
