//! Reading confidential archives (查询和借阅管理制度): each read of a non-public archive is
//! logged with who, when and why; a secret one opens only once the reader says why. The log is
//! synced like any event, so the office sees every laptop's reads; an engineer sees their own.

use crate::domain::device::Device;
use crate::domain::values::{optional_text, MAX_NAME_CHARS};
use crate::store::{new_id, Store};
use crate::{Error, Result};
use serde::Serialize;

/// Log a read of `device`'s archive by the current engineer, if its level is logged. A secret
/// archive without a purpose is refused before anything is written.
pub(super) fn log_read(store: &mut Store, device: &Device, purpose: Option<&str>) -> Result<()> {
    let level = device.confidentiality;
    if !level.logged() {
        return Ok(());
    }
    let purpose = optional_text("archive_access.purpose", purpose, MAX_NAME_CHARS)?;
    if purpose.is_none() && level.needs_purpose() {
        return Err(Error::PurposeRequired {
            device: device.code.as_str().to_string(),
            level_zh: level.label_zh(),
            level_en: level.label_en(),
        });
    }
    let dev_id = device.id.clone();
    store.write(|tx| {
        let at = tx.now().to_rfc3339();
        tx.insert(
            "archive_access",
            &new_id(),
            &[("device_id", &dev_id), ("at", &at), ("purpose", &purpose)],
        )
    })
}

/// One read in the access log.
#[derive(Debug, Clone, Serialize)]
pub struct AccessLine {
    pub at: String,
    pub device_id: String,
    pub device_code: String,
    pub device_type: String,
    pub confidentiality: String,
    pub site_name: String,
    pub lane_name: String,
    /// Why it was read; `None` for reads of internal archives, which need no purpose.
    pub purpose: Option<String>,
    /// Who read it: an engineer's name, or the office staff member's (their writes are
    /// authored by name).
    pub reader: String,
}

/// The current engineer's own archive reads, newest first (at most `limit`).
pub fn access_log(store: &Store, limit: usize) -> Result<Vec<AccessLine>> {
    reads(store, Some(store.current_engineer()), limit)
}

/// Everyone's archive reads, newest first (at most `limit`): the office's access log, where the
/// archive keeper sees who read which archive and why (staff under their name, engineers under
/// theirs once their record has synced).
pub fn access_log_all(store: &Store, limit: usize) -> Result<Vec<AccessLine>> {
    reads(store, None, limit)
}

fn reads(store: &Store, reader: Option<&str>, limit: usize) -> Result<Vec<AccessLine>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut st = store.conn().prepare_cached(
        "SELECT a.at, d.id, d.code, d.device_type, d.confidentiality, s.name, l.name, a.purpose,
                a.created_by, e.name
         FROM archive_access a
         JOIN device_now d ON d.id = a.device_id
         JOIN lane l ON l.id = d.lane_id
         JOIN site s ON s.id = l.site_id
         LEFT JOIN engineer e ON e.id = a.created_by
         WHERE (?1 IS NULL OR a.created_by = ?1) AND a.deleted = 0
         ORDER BY a.at DESC, a.hlc DESC LIMIT ?2",
    )?;
    let rows = st.query_map(rusqlite::params![reader, limit], |r| {
        let by: String = r.get(8)?;
        let name: Option<String> = r.get(9)?;
        Ok(AccessLine {
            at: r.get(0)?,
            device_id: r.get(1)?,
            device_code: r.get(2)?,
            device_type: r.get(3)?,
            confidentiality: r.get(4)?,
            site_name: r.get(5)?,
            lane_name: r.get(6)?,
            purpose: r.get(7)?,
            reader: name.unwrap_or(by),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
