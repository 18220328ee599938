//! Device archives (设备档案) and their history (设备履历).

mod access;
mod lane_edit;

pub use access::{access_log, access_log_all, AccessLine};
pub use lane_edit::{
    add_found_at_lane, edit_at_lane, editable_fields, DeviceEdit, EditableField, FieldChange,
};

use crate::domain::device::*;
use crate::domain::values::{DeviceCode, MAX_NOTE_CHARS};
use crate::store::{new_id, Store, Tx};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

const COLS: &str =
    "d.id, d.code, d.device_type, d.model, d.manufacturer, d.serial, d.manufacture_date,
    d.install_date, d.warranty_end, d.status, d.lane_id, d.position, d.confidentiality, d.notes,
    d.firmware";

/// Create a device archive. The lane must exist and the code must be new.
pub fn add_device(tx: &Tx, input: &DeviceInput) -> Result<Device> {
    insert_device(tx, input, "archived", "建档")
}

/// Create the archive with its first history line, `kind` and `what：model serial`.
fn insert_device(tx: &Tx, input: &DeviceInput, kind: &str, what: &str) -> Result<Device> {
    let d = input.validate(new_id(), tx.now().date_naive())?;
    lane_exists(tx.conn(), &d.lane_id)?;
    if crate::store::key_taken(tx.conn(), "device", "code", d.code.as_str())? {
        return Err(Error::invalid(
            "device.code",
            format!("设备统一编号 {} 已存在", d.code),
            format!("device code {} already exists", d.code),
        ));
    }
    let (mfd, inst, wend) = (d.manufacture_date, d.install_date, d.warranty_end);
    tx.insert(
        "device",
        &d.id,
        &[
            ("code", &d.code.as_str()),
            ("device_type", &d.device_type.code()),
            ("model", &d.model),
            ("manufacturer", &d.manufacturer),
            ("serial", &d.serial),
            ("manufacture_date", &mfd),
            ("install_date", &inst),
            ("warranty_end", &wend),
            ("status", &d.status.code()),
            ("lane_id", &d.lane_id),
            ("position", &d.position),
            ("confidentiality", &d.confidentiality.code()),
            ("notes", &d.notes),
            ("firmware", &d.firmware),
        ],
    )?;
    add_event(
        tx,
        &d.id,
        kind,
        &format!("{what}：{} {}", d.model, d.serial),
        None,
    )?;
    Ok(d)
}

/// A device's lane must be a live lane.
fn lane_exists(conn: &rusqlite::Connection, lane_id: &str) -> Result<()> {
    let lane: Option<String> = conn
        .query_row(
            "SELECT id FROM lane WHERE id = ?1 AND deleted = 0",
            [lane_id],
            |r| r.get(0),
        )
        .optional()?;
    match lane {
        Some(_) => Ok(()),
        None => Err(Error::not_found("lane", lane_id)),
    }
}

fn from_row(r: &Row) -> rusqlite::Result<Result<Device>> {
    let text = |i: usize| r.get::<_, String>(i);
    let date = |i: usize| r.get::<_, Option<NaiveDate>>(i);
    Ok((|| -> Result<Device> {
        Ok(Device {
            id: text(0)?,
            code: DeviceCode::parse(&text(1)?)?,
            device_type: DeviceType::parse(&text(2)?)?,
            model: text(3)?,
            manufacturer: text(4)?,
            serial: text(5)?,
            manufacture_date: date(6)?,
            install_date: date(7)?,
            warranty_end: date(8)?,
            status: DeviceStatus::parse(&text(9)?)?,
            lane_id: text(10)?,
            position: r.get(11)?,
            confidentiality: Confidentiality::parse(&text(12)?)?,
            notes: r.get(13)?,
            firmware: r.get(14)?,
        })
    })())
}

/// A device by id or by its unique code (统一编号).
pub fn device(store: &Store, id_or_code: &str) -> Result<Device> {
    device_in(store.conn(), id_or_code)
}

pub(crate) fn device_in(conn: &rusqlite::Connection, id_or_code: &str) -> Result<Device> {
    let code = id_or_code.trim().to_ascii_uppercase();
    conn.query_row(
        &format!(
            "SELECT {COLS} FROM device_now d WHERE (d.id = ?1 OR d.code = ?2) AND d.deleted = 0"
        ),
        [id_or_code, &code],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("device", id_or_code))?
}

/// Every live device as its archive shows it now (status and serial derived from history),
/// by code.
pub(crate) fn all_in(conn: &rusqlite::Connection) -> Result<Vec<Device>> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM device_now d WHERE d.deleted = 0 ORDER BY d.code"
    ))?;
    let rows = st.query_map([], from_row)?;
    rows.map(|r| r?).collect()
}

/// Correct a device archive from `input` (the office's inventory import, a form): only the
/// fields that differ are written, so a laptop's edit to another field still merges. A new
/// status or serial is recorded as a history line like any other (they are derived from
/// history), and a history line lists what else changed. The code is the device's identity
/// and cannot change here. Returns the changed fields' column names.
pub fn update_device(tx: &Tx, id: &str, input: &DeviceInput) -> Result<Vec<&'static str>> {
    let (now, d, changed) = check_update(tx, id, input)?;
    write_update(tx, &now, &d, &changed, None, "档案更正")?;
    Ok(changed)
}

/// The archive now, the archive as `input` would make it, and the columns that differ; an
/// error (naming the field) before anything is written.
fn check_update(
    tx: &Tx,
    id: &str,
    input: &DeviceInput,
) -> Result<(Device, Device, Vec<&'static str>)> {
    let now = device_in(tx.conn(), id)?;
    let d = input.validate(now.id.clone(), tx.now().date_naive())?;
    if d.code != now.code {
        return Err(Error::invalid(
            "device.code",
            format!("设备统一编号 {} 不能改为 {}", now.code, d.code),
            format!("device code {} cannot change to {}", now.code, d.code),
        ));
    }
    let changed = now.changed_fields(&d);
    if d.lane_id != now.lane_id {
        lane_exists(tx.conn(), &d.lane_id)?;
    }
    Ok((now, d, changed))
}

/// Write the `changed` columns of `d` (each its own field change, so edits of other fields on
/// other laptops still merge) with history lines: status and serial their own (they are derived
/// from history; `why` is the status line's reason), the rest one line — `summary` if given (a lane edit says what it changed to),
/// else 档案更正 and the fields' names.
fn write_update(
    tx: &Tx,
    now: &Device,
    d: &Device,
    changed: &[&'static str],
    summary: Option<String>,
    why: &str,
) -> Result<()> {
    let (mfd, inst, wend) = (d.manufacture_date, d.install_date, d.warranty_end);
    let (ty, conf) = (d.device_type.code(), d.confidentiality.code());
    let all: [(&'static str, &dyn rusqlite::ToSql); 11] = [
        ("device_type", &ty),
        ("model", &d.model),
        ("manufacturer", &d.manufacturer),
        ("manufacture_date", &mfd),
        ("install_date", &inst),
        ("warranty_end", &wend),
        ("lane_id", &d.lane_id),
        ("position", &d.position),
        ("confidentiality", &conf),
        ("notes", &d.notes),
        ("firmware", &d.firmware),
    ];
    let cols: Vec<(&'static str, &dyn rusqlite::ToSql)> = all
        .into_iter()
        .filter(|(name, _)| changed.contains(name))
        .collect();
    if !cols.is_empty() {
        tx.update("device", &d.id, &cols)?;
        match summary {
            Some(line) => add_event(tx, &d.id, "edited", &line, None)?,
            None => {
                let names: Vec<&str> = cols.iter().map(|(n, _)| field_label_zh(n)).collect();
                let line = format!("档案更正：{}", names.join("、"));
                add_event(tx, &d.id, "corrected", &line, None)?
            }
        }
    }
    if changed.contains(&"status") {
        set_status(tx, &d.id, d.status, why, None)?;
    }
    if changed.contains(&"serial") {
        let summary = format!("序列号更正：{} → {}", now.serial, d.serial);
        set_serial(tx, &d.id, &d.serial, &summary, None)?;
    }
    Ok(())
}

/// The Chinese name of an archive column, for history lines.
pub(crate) fn field_label_zh(column: &'static str) -> &'static str {
    match column {
        "device_type" => "设备类型",
        "model" => "规格型号",
        "manufacturer" => "生产厂家",
        "manufacture_date" => "出厂日期",
        "install_date" => "安装日期",
        "warranty_end" => "保修截止",
        "lane_id" => "所在车道",
        "position" => "安装位置",
        "confidentiality" => "档案密级",
        "notes" => "备注",
        "firmware" => "固件/软件版本",
        "serial" => "序列号",
        "status" => "运行状态",
        other => other,
    }
}

pub fn devices_on_lane(store: &Store, lane_id: &str) -> Result<Vec<Device>> {
    let mut st = store.conn().prepare(&format!(
        "SELECT {COLS} FROM device_now d WHERE d.lane_id = ?1 AND d.deleted = 0 ORDER BY d.code"
    ))?;
    let rows = st.query_map([lane_id], from_row)?;
    rows.map(|r| r?).collect()
}

/// Change a device's operating status, with a history line saying why. The status is not
/// overwritten on the archive: the latest history line that sets one is the current status,
/// so lines merged from two laptops agree on it.
pub fn set_status(
    tx: &Tx,
    device_id: &str,
    status: DeviceStatus,
    why: &str,
    wo: Option<&str>,
) -> Result<()> {
    device_in(tx.conn(), device_id)?;
    record_event(
        tx,
        device_id,
        "status",
        &format!("状态改为「{}」：{why}", status.label_zh()),
        wo,
        Some(status.code()),
        None,
    )
}

/// Record that the unit at this position now has `serial` (a 备机 swap, a unit found at the
/// lane with another serial). The archive's serial is derived from the latest such line.
pub fn set_serial(
    tx: &Tx,
    device_id: &str,
    serial: &str,
    summary: &str,
    wo: Option<&str>,
) -> Result<()> {
    record_event(tx, device_id, "swap", summary, wo, None, Some(serial))
}

/// Append a line to the device's history.
pub fn add_event(
    tx: &Tx,
    device_id: &str,
    kind: &str,
    summary: &str,
    work_order_id: Option<&str>,
) -> Result<()> {
    record_event(tx, device_id, kind, summary, work_order_id, None, None)
}

fn record_event(
    tx: &Tx,
    device_id: &str,
    kind: &str,
    summary: &str,
    work_order_id: Option<&str>,
    status: Option<&str>,
    serial: Option<&str>,
) -> Result<()> {
    let id = new_id();
    let summary =
        crate::domain::values::required_text("device_event.summary", summary, MAX_NOTE_CHARS)?;
    let at = tx.now().to_rfc3339();
    tx.insert(
        "device_event",
        &id,
        &[
            ("device_id", &device_id),
            ("at", &at),
            ("kind", &kind),
            ("summary", &summary),
            ("work_order_id", &work_order_id),
            ("status", &status),
            ("serial", &serial),
        ],
    )
}

/// One line of a device's history: when, what, and who wrote it (the engineer who made the
/// change, from the line's own sync columns, so a line merged from another laptop names its
/// author, not the reader).
#[derive(Debug, Clone, Serialize)]
pub struct HistoryLine {
    pub at: String,
    pub kind: String,
    pub summary: String,
    pub work_order_id: Option<String>,
    /// The engineer id that wrote the line.
    pub by: String,
    /// That engineer's name; `None` when the engineer's record has not arrived here (yet).
    pub by_name: Option<String>,
}

pub fn history(store: &Store, device_id: &str) -> Result<Vec<HistoryLine>> {
    let mut st = store.conn().prepare(
        "SELECT e.at, e.kind, e.summary, e.work_order_id, e.created_by, en.name
         FROM device_event e LEFT JOIN engineer en ON en.id = e.created_by
         WHERE e.device_id = ?1 AND e.deleted = 0 ORDER BY e.at, e.hlc",
    )?;
    let rows = st.query_map([device_id], |r| {
        Ok(HistoryLine {
            at: r.get(0)?,
            kind: r.get(1)?,
            summary: r.get(2)?,
            work_order_id: r.get(3)?,
            by: r.get(4)?,
            by_name: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Everything the archive screen shows about one device.
#[derive(Debug, Clone, Serialize)]
pub struct Archive {
    pub device: Device,
    pub type_label: String,
    pub status_label: String,
    pub lane: crate::org::LaneView,
    pub in_warranty: bool,
    pub history: Vec<HistoryLine>,
    pub open_work_orders: Vec<crate::work_orders::WorkOrderSummary>,
    /// What may be corrected at the lane, with the values now ([`edit_at_lane`]).
    pub editable: Vec<EditableField>,
}

/// Open a device's archive. Reading a non-public archive is logged (查询和借阅管理制度), so
/// this is a write; a secret one needs the reader's purpose first ([`access::check_purpose`]),
/// and without one nothing is logged and nothing is shown.
pub fn open_archive(store: &mut Store, id_or_code: &str, purpose: Option<&str>) -> Result<Archive> {
    let device = device(store, id_or_code)?;
    access::log_read(store, &device, purpose)?;
    archive_of(store, device)
}

/// The archive of `device` as it reads now, without logging a read: for the screen again after
/// the engineer's own edit (which is in the history under their name already).
pub fn archive_after_edit(store: &Store, id_or_code: &str) -> Result<Archive> {
    archive_of(store, device(store, id_or_code)?)
}

fn archive_of(store: &Store, device: Device) -> Result<Archive> {
    let lane = crate::org::lane(store, &device.lane_id)?;
    let today = store.now().date_naive();
    Ok(Archive {
        type_label: device.device_type.label_zh().to_string(),
        status_label: device.status.label_zh().to_string(),
        in_warranty: device.in_warranty(today),
        history: history(store, &device.id)?,
        open_work_orders: crate::work_orders::list(
            store,
            &crate::work_orders::WorkOrderFilter {
                device_id: Some(device.id.clone()),
                open_only: true,
                ..Default::default()
            },
        )?,
        editable: editable_fields(&device),
        lane,
        device,
    })
}
