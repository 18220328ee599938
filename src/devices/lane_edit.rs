//! Correcting a device's archive at the lane (现场更正): the engineer standing in front of the
//! unit sees a new serial plate, another model, an upgraded firmware, a move, a status. Only
//! these six fields are edited here; the rest (type, dates, lane, confidentiality) is the
//! office's archive work. Each edit is an ordinary synced change of the fields that differ, so
//! another laptop's edit of another field still merges, and a history line says what changed
//! to what; the line carries its author like every line.

use super::{check_update, device_in, field_label_zh, insert_device, write_update};
use crate::domain::device::{Device, DeviceInput, MAX_FIRMWARE_CHARS};
use crate::domain::values::{MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::store::{Store, Tx};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// What an engineer changes at the lane. `None` leaves a field as it is; an empty text clears
/// an optional field (firmware, position, notes) and is refused for serial, model and status.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DeviceEdit {
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub firmware: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    /// A status code (`faulty`) or its label (故障, faulty).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// One field the lane's edit form shows, decided here so every face offers the same ones.
#[derive(Debug, Clone, Serialize)]
pub struct EditableField {
    /// The key an error about this field names (`device.firmware`).
    pub field: &'static str,
    /// The [`DeviceEdit`] member and archive column (`firmware`).
    pub name: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// How it is entered: `text`, `note` (several lines) or `status` (one of the statuses).
    pub input: &'static str,
    pub required: bool,
    pub max_chars: usize,
    /// The value now (a status as its code); empty when none.
    pub value: String,
}

/// The fields an engineer may correct at the lane, with their values on `d`.
pub fn editable_fields(d: &Device) -> Vec<EditableField> {
    let f = |name: &'static str, input, required, max_chars, value: &str| EditableField {
        field: field_key(name),
        name,
        label_zh: field_label_zh(name),
        label_en: label_en(name),
        input,
        required,
        max_chars,
        value: value.to_string(),
    };
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        f("serial", "text", true, MAX_NAME_CHARS, &d.serial),
        f("model", "text", true, MAX_NAME_CHARS, &d.model),
        f(
            "firmware",
            "text",
            false,
            MAX_FIRMWARE_CHARS,
            &opt(&d.firmware),
        ),
        f("position", "text", false, MAX_NAME_CHARS, &opt(&d.position)),
        f("status", "status", true, 0, d.status.code()),
        f("notes", "note", false, MAX_NOTE_CHARS, &opt(&d.notes)),
    ]
}

fn field_key(name: &str) -> &'static str {
    match name {
        "serial" => "device.serial",
        "model" => "device.model",
        "firmware" => "device.firmware",
        "position" => "device.position",
        "status" => "device.status",
        _ => "device.notes",
    }
}

fn label_en(name: &str) -> &'static str {
    match name {
        "serial" => "serial number",
        "model" => "model",
        "firmware" => "firmware/software version",
        "position" => "position",
        "status" => "operating status",
        _ => "notes",
    }
}

/// One field an edit changed, as people read it (a status by its label).
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Correct the archive of `id_or_code` at the lane. Every field is checked first (a bad one is
/// named, e.g. `device.serial`, and nothing is written); then only the fields that differ are
/// written, in one transaction. Returns what changed (nothing: no write, no history line).
pub fn edit_at_lane(
    store: &mut Store,
    id_or_code: &str,
    edit: &DeviceEdit,
) -> Result<Vec<FieldChange>> {
    store.write(|tx| edit_in(tx, id_or_code, edit))
}

fn edit_in(tx: &Tx, id_or_code: &str, edit: &DeviceEdit) -> Result<Vec<FieldChange>> {
    let now = device_in(tx.conn(), id_or_code)?;
    let input = edited_input(&now, edit)?;
    let (now, d, changed) = check_update(tx, &now.id, &input)?;
    let changes: Vec<FieldChange> = changed.iter().map(|c| change(&now, &d, c)).collect();
    if changes.is_empty() {
        return Ok(changes);
    }
    // Status and serial get their own lines (they are derived from history); the rest is one
    // line saying what each field became (notes by name only: they can be long).
    let rest: Vec<String> = changes
        .iter()
        .filter(|c| !matches!(c.field, "device.status" | "device.serial"))
        .map(|c| match c.field {
            "device.notes" => c.label_zh.to_string(),
            _ => format!(
                "{} {} → {}",
                c.label_zh,
                c.from.as_deref().unwrap_or("—"),
                c.to.as_deref().unwrap_or("—")
            ),
        })
        .collect();
    let summary = (!rest.is_empty()).then(|| format!("现场更正：{}", rest.join("；")));
    write_update(tx, &now, &d, &changed, summary, "现场更正")?;
    Ok(changes)
}

/// The archive's fields as a form gives them, with the edit laid over.
fn edited_input(now: &Device, edit: &DeviceEdit) -> Result<DeviceInput> {
    let mut input = now.to_input();
    if let Some(v) = &edit.serial {
        input.serial = v.clone();
    }
    if let Some(v) = &edit.model {
        input.model = v.clone();
    }
    if let Some(v) = &edit.firmware {
        input.firmware = Some(v.clone());
    }
    if let Some(v) = &edit.position {
        input.position = Some(v.clone());
    }
    if let Some(v) = &edit.notes {
        input.notes = Some(v.clone());
    }
    if let Some(v) = &edit.status {
        if v.trim().is_empty() {
            return Err(Error::invalid(
                "device.status",
                "不能为空",
                "must not be empty",
            ));
        }
        let status = crate::inventory::columns::device_status(v)?;
        input.status = Some(status.code().to_string());
    }
    Ok(input)
}

fn change(now: &Device, new: &Device, column: &'static str) -> FieldChange {
    let text = |d: &Device| -> Option<String> {
        match column {
            "serial" => Some(d.serial.clone()),
            "model" => Some(d.model.clone()),
            "firmware" => d.firmware.clone(),
            "position" => d.position.clone(),
            "status" => Some(d.status.label_zh().to_string()),
            _ => d.notes.clone(),
        }
    };
    FieldChange {
        field: field_key(column),
        label_zh: field_label_zh(column),
        label_en: label_en(column),
        from: text(now),
        to: text(new),
    }
}

/// Archive a device found at the lane that no archive knew of (现场发现): like any new archive,
/// with a first history line that says where it came from.
pub fn add_found_at_lane(tx: &Tx, input: &DeviceInput) -> Result<Device> {
    insert_device(tx, input, "found", "现场发现并建档")
}
