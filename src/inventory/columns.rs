//! The layout of an inventory file: which sheet holds which kind of record, and its columns.
//!
//! Headings are Chinese (what the office's own spreadsheets say) with English aliases; export
//! writes the Chinese ones, import accepts either, case and spaces aside. Values of the device
//! enums (type, status, confidentiality) are written as their Chinese labels and read back
//! from the code, either label, or a label's parts (`道闸` for `电子栏杆（道闸）`).

use crate::domain::contract::ServiceCalendar;
use crate::domain::device::{Confidentiality, DeviceStatus, DeviceType};
use crate::domain::values::clip;
use crate::{Error, Result};
use serde::Serialize;

/// What one sheet (or one CSV file) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Customer,
    Site,
    Lane,
    Device,
    Contract,
}

impl Kind {
    /// Parents before children: the order rows are checked and written in.
    pub const ALL: [Kind; 5] = [
        Kind::Customer,
        Kind::Site,
        Kind::Lane,
        Kind::Device,
        Kind::Contract,
    ];

    /// The sheet name export writes.
    pub fn sheet_zh(self) -> &'static str {
        match self {
            Kind::Customer => "客户",
            Kind::Site => "站点",
            Kind::Lane => "车道",
            Kind::Device => "设备",
            Kind::Contract => "合同",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Site => "sites",
            Kind::Lane => "lanes",
            Kind::Device => "devices",
            Kind::Contract => "contracts",
        }
    }

    /// The file name of this kind in a CSV export folder.
    pub fn csv_name(self) -> &'static str {
        match self {
            Kind::Customer => "customers.csv",
            Kind::Site => "sites.csv",
            Kind::Lane => "lanes.csv",
            Kind::Device => "devices.csv",
            Kind::Contract => "contracts.csv",
        }
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Kind::Customer => &["客户", "customer", "customers"],
            Kind::Site => &["站点", "site", "sites"],
            Kind::Lane => &["车道", "通道", "lane", "lanes"],
            Kind::Device => &["设备", "device", "devices"],
            Kind::Contract => &["合同", "contract", "contracts"],
        }
    }

    /// The kind a sheet name (or `--kind`) names, if any.
    pub fn from_name(name: &str) -> Option<Kind> {
        let n = normalise(name);
        Kind::ALL
            .into_iter()
            .find(|k| k.names().iter().any(|a| normalise(a) == n))
    }

    /// `--kind`: a kind by name, or an error listing the names.
    pub fn parse(name: &str) -> Result<Kind> {
        Kind::from_name(name).ok_or_else(|| {
            Error::invalid(
                "kind",
                format!(
                    "未知的数据种类「{}」，可选：客户、站点、车道、设备、合同",
                    clip(name)
                ),
                format!(
                    "unknown kind '{}', expected one of: customers, sites, lanes, devices, contracts",
                    clip(name)
                ),
            )
        })
    }

    pub fn columns(self) -> &'static [Col] {
        match self {
            Kind::Customer => CUSTOMER,
            Kind::Site => SITE,
            Kind::Lane => LANE,
            Kind::Device => DEVICE,
            Kind::Contract => CONTRACT,
        }
    }

    /// What a header row holds, told by the column only that kind has (a device sheet also
    /// names its lane, a lane sheet its site, …, so the most specific wins).
    pub fn from_headings(fields: &[Field]) -> Option<Kind> {
        let has = |f| fields.contains(&f);
        if has(Field::ContractNumber) {
            Some(Kind::Contract)
        } else if has(Field::DeviceCode) {
            Some(Kind::Device)
        } else if has(Field::LaneCode) {
            Some(Kind::Lane)
        } else if has(Field::SiteName) {
            Some(Kind::Site)
        } else if has(Field::CustomerName) {
            Some(Kind::Customer)
        } else {
            None
        }
    }
}

/// One column's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    CustomerName,
    Address,
    SiteName,
    LaneCode,
    LaneName,
    DeviceCode,
    DeviceType,
    Model,
    Manufacturer,
    Serial,
    Position,
    ManufactureDate,
    InstallDate,
    WarrantyEnd,
    Status,
    Confidentiality,
    Notes,
    Firmware,
    ContractNumber,
    ContractName,
    StartDate,
    EndDate,
    Fee,
    Calendar,
    InspectionsPerYear,
    Sites,
}

/// A column of a kind: its heading, the other spellings accepted, and whether a file of that
/// kind must have it.
#[derive(Debug)]
pub struct Col {
    pub field: Field,
    pub zh: &'static str,
    pub en: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn col(field: Field, zh: &'static str, en: &'static str, required: bool) -> Col {
    Col {
        field,
        zh,
        en,
        aliases: &[],
        required,
    }
}

const fn col_aka(
    field: Field,
    zh: &'static str,
    en: &'static str,
    aliases: &'static [&'static str],
    required: bool,
) -> Col {
    Col {
        field,
        zh,
        en,
        aliases,
        required,
    }
}

use Field as F;

const CUSTOMER: &[Col] = &[
    col_aka(F::CustomerName, "客户名称", "customer", &["客户"], true),
    col(F::Address, "地址", "address", false),
];

const SITE: &[Col] = &[
    col_aka(F::CustomerName, "客户名称", "customer", &["客户"], true),
    col_aka(F::SiteName, "站点名称", "site", &["站点"], true),
    col(F::Address, "地址", "address", false),
];

const LANE: &[Col] = &[
    col_aka(F::CustomerName, "客户名称", "customer", &["客户"], true),
    col_aka(F::SiteName, "站点名称", "site", &["站点"], true),
    col_aka(
        F::LaneCode,
        "车道编号",
        "lane_code",
        &["lane", "通道编号"],
        true,
    ),
    col_aka(F::LaneName, "车道名称", "lane_name", &["通道名称"], true),
];

const DEVICE: &[Col] = &[
    col_aka(
        F::DeviceCode,
        "设备编号",
        "code",
        &["统一编号", "device_code"],
        true,
    ),
    col_aka(F::DeviceType, "设备类型", "type", &["device_type"], true),
    col_aka(F::Model, "规格型号", "model", &["型号"], true),
    col_aka(F::Manufacturer, "生产厂家", "manufacturer", &["厂家"], true),
    col(F::Serial, "序列号", "serial", true),
    col_aka(F::CustomerName, "客户名称", "customer", &["客户"], true),
    col_aka(F::SiteName, "站点名称", "site", &["站点"], true),
    col_aka(
        F::LaneCode,
        "车道编号",
        "lane_code",
        &["lane", "通道编号"],
        true,
    ),
    col(F::Position, "安装位置", "position", false),
    col(F::ManufactureDate, "出厂日期", "manufacture_date", false),
    col(F::InstallDate, "安装日期", "install_date", false),
    col_aka(
        F::WarrantyEnd,
        "保修截止",
        "warranty_end",
        &["保修截止日期"],
        false,
    ),
    col(F::Status, "运行状态", "status", false),
    col_aka(
        F::Confidentiality,
        "档案密级",
        "confidentiality",
        &["密级"],
        false,
    ),
    col(F::Notes, "备注", "notes", false),
    col_aka(
        F::Firmware,
        "固件/软件版本",
        "firmware",
        &["固件版本", "软件版本", "firmware_version"],
        false,
    ),
];

const CONTRACT: &[Col] = &[
    col_aka(
        F::ContractNumber,
        "合同编号",
        "number",
        &["contract_number"],
        true,
    ),
    col_aka(F::CustomerName, "客户名称", "customer", &["客户"], true),
    col_aka(
        F::ContractName,
        "合同名称",
        "name",
        &["contract_name"],
        true,
    ),
    col(F::StartDate, "开始日期", "start_date", true),
    col(F::EndDate, "结束日期", "end_date", true),
    col_aka(
        F::Fee,
        "合同金额（元）",
        "fee",
        &["合同金额", "fee_yuan"],
        true,
    ),
    col_aka(F::Calendar, "服务时间", "calendar", &["服务时间制"], true),
    col(
        F::InspectionsPerYear,
        "每年巡检次数",
        "inspections_per_year",
        false,
    ),
    col_aka(F::Sites, "覆盖站点", "sites", &["站点"], false),
];

/// Headings and names compared without case, spaces, a required-marker `*` or the
/// difference between full-width and ASCII brackets.
fn normalise(s: &str) -> String {
    s.trim()
        .trim_end_matches('*')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl Col {
    fn matches(&self, heading: &str) -> bool {
        let h = normalise(heading);
        [self.zh, self.en]
            .iter()
            .chain(self.aliases)
            .any(|a| normalise(a) == h)
    }
}

/// The column of `kind` a heading names. With no kind yet (a CSV whose kind comes from its
/// header row), any kind's column; the first kind that has it answers.
pub fn find(kind: Option<Kind>, heading: &str) -> Option<&'static Col> {
    let kinds: &[Kind] = match kind {
        Some(ref k) => std::slice::from_ref(k),
        None => &Kind::ALL,
    };
    kinds
        .iter()
        .flat_map(|k| k.columns())
        .find(|c| c.matches(heading))
}

/// Every heading of `kind`, for a message about a heading that is not one of them.
pub fn headings_list(kind: Kind) -> (String, String) {
    let cols = kind.columns();
    let zh: Vec<&str> = cols.iter().map(|c| c.zh).collect();
    let en: Vec<&str> = cols.iter().map(|c| c.en).collect();
    (zh.join("、"), en.join(", "))
}

/// A code enum's value as a person writes it: the code, the Chinese or English label, or a
/// part of a label with a bracketed alternative (`电子栏杆` or `道闸`).
fn label_match(text: &str, code: &str, zh: &str, en: &str) -> bool {
    let t = normalise(text);
    if t.is_empty() {
        return false;
    }
    if [code, zh, en].iter().any(|v| normalise(v) == t) {
        return true;
    }
    let z = normalise(zh);
    match z.split_once('(') {
        Some((head, rest)) => head == t || rest.trim_end_matches(')') == t,
        None => false,
    }
}

macro_rules! label_parser {
    ($fn:ident, $ty:ty) => {
        /// Parse a cell into the enum, with the core's own error for an unknown value.
        pub fn $fn(text: &str) -> Result<$ty> {
            let all = <$ty>::ALL.iter().copied();
            // What export writes (the Chinese label) needs no normalising.
            let exact = all
                .clone()
                .find(|v| text == v.label_zh() || text == v.code());
            exact
                .or_else(|| {
                    all.clone()
                        .find(|v| label_match(text, v.code(), v.label_zh(), v.label_en()))
                })
                .map_or_else(|| <$ty>::parse(text), Ok)
        }
    };
}

label_parser!(device_type, DeviceType);
label_parser!(device_status, DeviceStatus);
label_parser!(confidentiality, Confidentiality);

/// 5x8 / 7x24, also written `5×8`, `7*24` or as the label.
pub fn calendar(text: &str) -> Result<ServiceCalendar> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '×' | '*' | 'X' | '＊' => 'x',
            c => c,
        })
        .collect();
    ServiceCalendar::ALL
        .iter()
        .copied()
        .find(|v| label_match(&t, v.code(), v.label_zh(), v.label_en()))
        .map_or_else(|| ServiceCalendar::parse(&t), Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_match_in_either_language() {
        assert_eq!(
            find(Some(Kind::Device), " 统一编号 ").map(|c| c.field),
            Some(Field::DeviceCode)
        );
        assert_eq!(
            find(Some(Kind::Contract), "合同金额(元)").map(|c| c.field),
            Some(Field::Fee)
        );
        assert_eq!(
            find(None, "Lane_Code").map(|c| c.field),
            Some(Field::LaneCode)
        );
        assert!(find(Some(Kind::Customer), "车道编号").is_none());
    }

    #[test]
    fn labels_and_their_parts_name_a_device_type() {
        assert_eq!(device_type("道闸").ok(), Some(DeviceType::BarrierGate));
        assert_eq!(device_type("电子栏杆").ok(), Some(DeviceType::BarrierGate));
        assert_eq!(device_type("Camera").ok(), Some(DeviceType::Camera));
        assert_eq!(
            device_type("loop_detector").ok(),
            Some(DeviceType::LoopDetector)
        );
        assert_eq!(
            device_type("道闸机").map_err(|e| e.kind()).err(),
            Some("invalid")
        );
        assert_eq!(
            calendar("7×24").ok(),
            Some(ServiceCalendar::SevenByTwentyFour)
        );
        assert_eq!(device_status("故障").ok(), Some(DeviceStatus::Faulty));
    }

    #[test]
    fn the_kind_of_a_header_row_is_its_most_specific_column() {
        let device = [Field::DeviceCode, Field::SiteName, Field::LaneCode];
        assert_eq!(Kind::from_headings(&device), Some(Kind::Device));
        assert_eq!(
            Kind::from_headings(&[Field::CustomerName, Field::SiteName]),
            Some(Kind::Site)
        );
        assert_eq!(Kind::from_name("Devices"), Some(Kind::Device));
    }
}
