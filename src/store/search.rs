//! Device search: by exact code, serial, model, site, or free text (FTS5 trigram).

use super::Store;
use crate::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DeviceQuery {
    pub code: Option<String>,
    pub serial: Option<String>,
    pub model: Option<String>,
    pub site: Option<String>,
    pub text: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceHit {
    pub id: String,
    pub code: String,
    pub device_type: String,
    pub type_label: String,
    pub model: String,
    pub serial: String,
    pub status: String,
    pub site_name: String,
    pub lane_name: String,
    pub lane_id: String,
}

/// Quote user text as one FTS5 string so operators in it (`AND`, `*`, quotes) are literal.
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

pub fn search_devices(store: &Store, q: &DeviceQuery) -> Result<Vec<DeviceHit>> {
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let limit = q.limit.unwrap_or(50).clamp(1, 1000);
    // Trigram FTS needs 3+ characters; shorter text falls back to a LIKE scan.
    let (fts, like) = match text {
        Some(t) if t.chars().count() >= 3 => (Some(fts_phrase(t)), None),
        Some(t) => (
            None,
            Some(format!("%{}%", t.replace('%', "").replace('_', ""))),
        ),
        None => (None, None),
    };
    let code = q.code.as_deref().map(|c| c.trim().to_ascii_uppercase());
    let mut st = store.conn().prepare_cached(
        "SELECT d.id, d.code, d.device_type, COALESCE(t.zh, d.device_type), d.model, d.serial, d.status, s.name, l.name, l.id
         FROM device d JOIN lane l ON l.id = d.lane_id JOIN site s ON s.id = l.site_id
         LEFT JOIN device_type_label t ON t.code = d.device_type
         WHERE d.deleted = 0
           AND (?1 IS NULL OR d.code = ?1)
           AND (?2 IS NULL OR d.serial = ?2)
           AND (?3 IS NULL OR d.model LIKE '%' || ?3 || '%')
           AND (?4 IS NULL OR s.name LIKE '%' || ?4 || '%' OR s.id = ?4)
           AND (?5 IS NULL OR d.id IN (SELECT device_id FROM device_fts WHERE device_fts MATCH ?5))
           AND (?6 IS NULL OR d.id IN (SELECT device_id FROM device_fts WHERE body LIKE ?6))
         ORDER BY d.code LIMIT ?7",
    )?;
    let rows = st.query_map(
        rusqlite::params![
            code,
            q.serial.as_deref().map(str::trim),
            q.model,
            q.site,
            fts,
            like,
            limit
        ],
        |r| {
            Ok(DeviceHit {
                id: r.get(0)?,
                code: r.get(1)?,
                device_type: r.get(2)?,
                type_label: r.get(3)?,
                model: r.get(4)?,
                serial: r.get(5)?,
                status: r.get(6)?,
                site_name: r.get(7)?,
                lane_name: r.get(8)?,
                lane_id: r.get(9)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Work orders whose fault or service notes contain `text`.
pub fn search_notes(store: &Store, text: &str, limit: i64) -> Result<Vec<String>> {
    let t = text.trim();
    let mut out = Vec::new();
    if t.chars().count() >= 3 {
        let mut st = store.conn().prepare_cached(
            "SELECT DISTINCT work_order_id FROM note_fts WHERE note_fts MATCH ?1 LIMIT ?2",
        )?;
        for r in st.query_map(rusqlite::params![fts_phrase(t), limit], |r| r.get(0))? {
            out.push(r?);
        }
    } else if !t.is_empty() {
        let mut st = store.conn().prepare_cached(
            "SELECT DISTINCT work_order_id FROM note_fts WHERE body LIKE ?1 LIMIT ?2",
        )?;
        for r in st.query_map(rusqlite::params![format!("%{t}%"), limit], |r| r.get(0))? {
            out.push(r?);
        }
    }
    Ok(out)
}
