//! 设备档案: one device, one file.

use super::values::*;
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// What a device is. The codes are shared with checklist templates' sections.
    DeviceType, "device.type" {
        BarrierGate = "barrier_gate", "电子栏杆（道闸）", "barrier gate";
        CardReader = "card_reader", "IC读卡器", "IC card reader";
        Camera = "camera", "摄像机", "camera";
        IndustrialPc = "industrial_pc", "工控机", "industrial PC";
        LedDisplay = "led_display", "LED显示屏", "LED display";
        LoopDetector = "loop_detector", "车辆检测器（地感）", "vehicle loop detector";
        Cabinet = "cabinet", "室外机柜", "outdoor cabinet";
        Console = "console", "室内控制台", "indoor console";
        NetworkSwitch = "network_switch", "网络交换机", "network switch";
        Floodlight = "floodlight", "泛光灯", "floodlight";
        Monitor = "monitor", "显示器", "monitor";
        PowerAdapter = "power_adapter", "电源适配器", "power adapter";
    }
);

code_enum!(
    /// 运行状态.
    DeviceStatus, "device.status" {
        Normal = "normal", "运行正常", "in service";
        Faulty = "faulty", "故障", "faulty";
        Repairing = "repairing", "维修中", "under repair";
        Retired = "retired", "已报废", "retired";
    }
);

code_enum!(
    /// Archive confidentiality (档案密级); reading a confidential archive is logged.
    Confidentiality, "device.confidentiality" {
        Public = "public", "公开", "public";
        Internal = "internal", "内部", "internal";
        Secret = "secret", "秘密", "secret";
    }
);

/// The longest firmware/software version kept: version strings are short; anything longer is
/// a paste of something else (a changelog, a log line).
pub const MAX_FIRMWARE_CHARS: usize = 64;

/// What a user gives to create or correct a device archive. Strings as typed; `validate` turns
/// them into a [`Device`] or names the first bad field.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DeviceInput {
    pub code: String,
    pub device_type: String,
    pub model: String,
    pub manufacturer: String,
    pub serial: String,
    pub manufacture_date: Option<String>,
    pub install_date: Option<String>,
    pub warranty_end: Option<String>,
    pub status: Option<String>,
    pub lane_id: String,
    pub position: Option<String>,
    pub confidentiality: Option<String>,
    pub notes: Option<String>,
    /// 固件/软件版本, as the device's screen or label shows it (`V2.1.3`, `build 20240301`).
    #[serde(default)]
    pub firmware: Option<String>,
}

/// A validated device archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub code: DeviceCode,
    pub device_type: DeviceType,
    pub model: String,
    pub manufacturer: String,
    pub serial: String,
    pub manufacture_date: Option<NaiveDate>,
    pub install_date: Option<NaiveDate>,
    pub warranty_end: Option<NaiveDate>,
    pub status: DeviceStatus,
    pub lane_id: String,
    pub position: Option<String>,
    pub confidentiality: Confidentiality,
    pub notes: Option<String>,
    /// 固件/软件版本; none when nobody has recorded it yet.
    pub firmware: Option<String>,
}

impl DeviceInput {
    /// Validate against `today` (dates of past events cannot be in the future).
    pub fn validate(&self, id: String, today: NaiveDate) -> Result<Device> {
        let opt_date = |field: &str, v: &Option<String>| -> Result<Option<NaiveDate>> {
            match v.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(s) => parse_date(field, s).map(Some),
            }
        };
        let manufacture_date = opt_date("device.manufacture_date", &self.manufacture_date)?;
        let install_date = opt_date("device.install_date", &self.install_date)?;
        let warranty_end = opt_date("device.warranty_end", &self.warranty_end)?;
        for (field, d) in [
            ("device.manufacture_date", manufacture_date),
            ("device.install_date", install_date),
        ] {
            if let Some(d) = d {
                if d > today {
                    return Err(Error::invalid(
                        field,
                        format!("日期 {d} 在今天（{today}）之后"),
                        format!("date {d} is after today ({today})"),
                    ));
                }
            }
        }
        if let (Some(m), Some(i)) = (manufacture_date, install_date) {
            if i < m {
                return Err(Error::invalid(
                    "device.install_date",
                    format!("安装日期 {i} 早于出厂日期 {m}"),
                    format!("install date {i} is before manufacture date {m}"),
                ));
            }
        }
        if let (Some(m), Some(w)) = (manufacture_date, warranty_end) {
            if w < m {
                return Err(Error::invalid(
                    "device.warranty_end",
                    format!("保修截止 {w} 早于出厂日期 {m}"),
                    format!("warranty end {w} is before manufacture date {m}"),
                ));
            }
        }
        Ok(Device {
            id,
            code: DeviceCode::parse(&self.code)?,
            device_type: DeviceType::parse(&self.device_type)?,
            model: required_text("device.model", &self.model, MAX_NAME_CHARS)?,
            manufacturer: required_text("device.manufacturer", &self.manufacturer, MAX_NAME_CHARS)?,
            serial: required_text("device.serial", &self.serial, MAX_NAME_CHARS)?,
            manufacture_date,
            install_date,
            warranty_end,
            status: match self.status.as_deref() {
                None | Some("") => DeviceStatus::Normal,
                Some(s) => DeviceStatus::parse(s)?,
            },
            lane_id: required_text("device.lane_id", &self.lane_id, 64)?,
            position: optional_text("device.position", self.position.as_deref(), MAX_NAME_CHARS)?,
            confidentiality: match self.confidentiality.as_deref() {
                None | Some("") => Confidentiality::Internal,
                Some(s) => Confidentiality::parse(s)?,
            },
            notes: optional_text("device.notes", self.notes.as_deref(), MAX_NOTE_CHARS)?,
            firmware: optional_text(
                "device.firmware",
                self.firmware.as_deref(),
                MAX_FIRMWARE_CHARS,
            )?,
        })
    }
}

impl Confidentiality {
    /// Whether reading an archive of this level is logged (every level but public).
    pub fn logged(self) -> bool {
        self != Confidentiality::Public
    }

    /// Whether the reader must say why before the archive opens (按文档保密级别办理查询和借阅
    /// 手续). Only 秘密: 内部 is the default level of every archive, and asking at each of the
    /// day's devices would train people to type nonsense; those reads are still logged.
    pub fn needs_purpose(self) -> bool {
        self == Confidentiality::Secret
    }
}

impl Device {
    /// This archive as the strings a form (or an inventory row) gives: validating it gives
    /// the same archive back, so a form can change a few fields and validate the whole.
    pub fn to_input(&self) -> DeviceInput {
        let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        DeviceInput {
            code: self.code.as_str().to_string(),
            device_type: self.device_type.code().to_string(),
            model: self.model.clone(),
            manufacturer: self.manufacturer.clone(),
            serial: self.serial.clone(),
            manufacture_date: date(self.manufacture_date),
            install_date: date(self.install_date),
            warranty_end: date(self.warranty_end),
            status: Some(self.status.code().to_string()),
            lane_id: self.lane_id.clone(),
            position: self.position.clone(),
            confidentiality: Some(self.confidentiality.code().to_string()),
            notes: self.notes.clone(),
            firmware: self.firmware.clone(),
        }
    }

    /// The archive fields (by column name) whose value in `new` differs from this one; the id
    /// and the code (the device's identity) are not compared.
    pub fn changed_fields(&self, new: &Device) -> Vec<&'static str> {
        let checks = [
            ("device_type", self.device_type != new.device_type),
            ("model", self.model != new.model),
            ("manufacturer", self.manufacturer != new.manufacturer),
            ("serial", self.serial != new.serial),
            (
                "manufacture_date",
                self.manufacture_date != new.manufacture_date,
            ),
            ("install_date", self.install_date != new.install_date),
            ("warranty_end", self.warranty_end != new.warranty_end),
            ("status", self.status != new.status),
            ("lane_id", self.lane_id != new.lane_id),
            ("position", self.position != new.position),
            (
                "confidentiality",
                self.confidentiality != new.confidentiality,
            ),
            ("notes", self.notes != new.notes),
            ("firmware", self.firmware != new.firmware),
        ];
        checks
            .into_iter()
            .filter_map(|(name, changed)| changed.then_some(name))
            .collect()
    }

    /// In warranty on `day`? Unknown warranty end counts as out of warranty (billable is the
    /// safe assumption for a quote; the office can correct the archive).
    pub fn in_warranty(&self, day: NaiveDate) -> bool {
        self.warranty_end.is_some_and(|w| day <= w)
    }
}
