//! The common faults and remedies table (常见故障现象与处理表) as the technical lead keeps it.
//!
//! The rows grow by themselves from resolved repairs ([`crate::stats::common_faults`]): the same
//! phenomenon on the same kind of device, with every cause and remedy the engineers wrote. That
//! is raw: three wordings of one remedy, a cause nobody confirmed. The technical lead confirms
//! a row by writing the cause and remedy as they should be sent to the customer, or hides a
//! grouping that is noise, or adds a known fault nobody has met yet (count 0). The lead's
//! wording replaces the collected lists; the count always comes from the records.
//!
//! A confirmation is one synced record per device type and phenomenon (its id derived from
//! both), so two edits of the same row merge field by field. Only the office writes it: a
//! laptop's change to this table is refused on push ([`crate::sync::vet`]), because the table
//! is the service company's word to every customer, not one engineer's.

use rusqlite::Connection;
use serde::Serialize;

use crate::domain::device::DeviceType;
use crate::domain::values::{optional_text, required_text, MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::stats::CommonFault;
use crate::store::{derived_id, Tx};
use crate::views::time;
use crate::{Error, Result};

/// The lead's confirmation of one row.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CurateInput {
    /// A device type code or its label (道闸, barrier gate).
    pub device_type: String,
    pub phenomenon: String,
    /// The confirmed cause; empty keeps the causes collected from the records.
    pub cause: Option<String>,
    /// The confirmed remedy; empty keeps the remedies collected from the records.
    pub remedy: Option<String>,
    /// Leave the row out of the table sent to customers.
    #[serde(default)]
    pub hidden: bool,
    /// Who confirmed it (the technical lead's name).
    pub by: String,
}

/// A confirmed row as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Curated {
    pub id: String,
    pub device_type: String,
    pub phenomenon: String,
    pub cause: Option<String>,
    pub remedy: Option<String>,
    pub hidden: bool,
    pub confirmed_by: String,
    /// China time, `YYYY-MM-DD HH:MM`.
    pub confirmed_at: String,
}

/// A phenomenon as rows are grouped by: runs of white space made one space.
pub fn normalised(phenomenon: &str) -> String {
    phenomenon.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A device type by code or label (道闸, 电子栏杆, barrier gate), as the inventory reads it.
fn device_type(text: &str) -> Result<DeviceType> {
    let t = text.trim();
    crate::inventory::columns::device_type(t).map_err(|_| {
        let known: Vec<&str> = DeviceType::ALL.iter().map(|d| d.label_zh()).collect();
        Error::invalid(
            "common_fault.device_type",
            format!("未知的设备类型「{t}」，可用：{}", known.join("、")),
            format!("unknown device type {t:?}"),
        )
    })
}

/// The id of the row for a device type and phenomenon: the same on every machine.
fn row_id(device_type: &str, phenomenon: &str) -> String {
    derived_id("common_fault", &format!("{device_type}|{phenomenon}"))
}

/// Confirm, reword or hide one row of the table (written at the office).
pub fn curate(tx: &Tx, input: &CurateInput) -> Result<Curated> {
    let kind = device_type(&input.device_type)?;
    let phenomenon = normalised(&required_text(
        "common_fault.phenomenon",
        &input.phenomenon,
        MAX_NOTE_CHARS,
    )?);
    let cause = optional_text("common_fault.cause", input.cause.as_deref(), MAX_NOTE_CHARS)?;
    let remedy = optional_text(
        "common_fault.remedy",
        input.remedy.as_deref(),
        MAX_NOTE_CHARS,
    )?;
    let by = required_text("common_fault.confirmed_by", &input.by, MAX_NAME_CHARS)?;
    let id = row_id(kind.code(), &phenomenon);
    let at = tx.now().to_rfc3339();
    let hidden = i64::from(input.hidden);
    tx.upsert(
        "common_fault",
        &id,
        &[
            ("device_type", &kind.code()),
            ("phenomenon", &phenomenon),
            ("cause", &cause),
            ("remedy", &remedy),
            ("hidden", &hidden),
            ("confirmed_by", &by),
            ("confirmed_at", &at),
        ],
    )?;
    curated(tx.conn())?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::not_found("common_fault", id))
}

/// Every confirmed row, by device type and phenomenon.
pub fn curated(conn: &Connection) -> Result<Vec<Curated>> {
    let mut st = conn.prepare(
        "SELECT id, device_type, phenomenon, cause, remedy, hidden, confirmed_by, confirmed_at
         FROM common_fault WHERE deleted = 0 ORDER BY device_type, phenomenon",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok(Curated {
                id: r.get(0)?,
                device_type: r.get(1)?,
                phenomenon: r.get(2)?,
                cause: r.get(3)?,
                remedy: r.get(4)?,
                hidden: r.get::<_, i64>(5)? != 0,
                confirmed_by: r.get(6)?,
                confirmed_at: r.get::<_, String>(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|mut c| {
            c.confirmed_at = time::china_text(&c.confirmed_at);
            c
        })
        .collect())
}

/// The table as sent to the customer: the collected rows with the lead's wording where there
/// is one, hidden rows left out, and confirmed rows nobody has met yet added with count 0.
pub(crate) fn apply(conn: &Connection, collected: Vec<CommonFault>) -> Result<Vec<CommonFault>> {
    let confirmed = curated(conn)?;
    let mut out = Vec::new();
    for mut row in collected {
        let key = (row.device_type.as_str(), row.phenomenon.as_str());
        match confirmed
            .iter()
            .find(|c| (c.device_type.as_str(), c.phenomenon.as_str()) == key)
        {
            Some(c) if c.hidden => continue,
            Some(c) => {
                confirm(&mut row, c);
                out.push(row);
            }
            None => out.push(row),
        }
    }
    for c in confirmed.iter().filter(|c| !c.hidden) {
        let met = out
            .iter()
            .any(|r| r.device_type == c.device_type && r.phenomenon == c.phenomenon);
        if !met {
            let kind = DeviceType::parse(&c.device_type).ok();
            let mut row = CommonFault {
                device_type: c.device_type.clone(),
                device_type_zh: kind.map(|k| k.label_zh().to_string()).unwrap_or_default(),
                phenomenon: c.phenomenon.clone(),
                causes: Vec::new(),
                remedies: Vec::new(),
                count: 0,
                confirmed_by: None,
            };
            confirm(&mut row, c);
            out.push(row);
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.phenomenon.cmp(&b.phenomenon)));
    Ok(out)
}

fn confirm(row: &mut CommonFault, c: &Curated) {
    if let Some(cause) = &c.cause {
        row.causes = vec![cause.clone()];
    }
    if let Some(remedy) = &c.remedy {
        row.remedies = vec![remedy.clone()];
    }
    row.confirmed_by = Some(format!("{} {}", c.confirmed_by, c.confirmed_at));
}

#[cfg(test)]
#[path = "common_faults_tests.rs"]
mod tests;
