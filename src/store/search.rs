//! Device search: by exact code, serial, model, site, or free text (FTS5 trigram).

use super::Store;
use crate::Result;
use rusqlite::OptionalExtension;
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

/// A LIKE pattern matching `text` anywhere, with `%`, `_` and `\\` in the user's text taken
/// literally (use with `ESCAPE '\\'`): a search for `%` finds a percent sign, not every row.
pub fn like_contains(text: &str) -> String {
    format!("%{}%", like_escape(text))
}

/// `text` with LIKE's wildcards and the escape character escaped (for `ESCAPE '\\'`).
pub fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn search_devices(store: &Store, q: &DeviceQuery) -> Result<Vec<DeviceHit>> {
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let limit = q.limit.unwrap_or(50).clamp(1, 1000);
    // Trigram FTS needs 3+ characters; shorter text falls back to a LIKE scan.
    let (fts, like) = match text {
        Some(t) if t.chars().count() >= 3 => (Some(fts_phrase(t)), None),
        Some(t) => (None, Some(like_contains(t))),
        None => (None, None),
    };
    let code = q.code.as_deref().map(|c| c.trim().to_ascii_uppercase());
    // Only the filters given become SQL: `?n IS NULL OR …` would stop SQLite from using the
    // unique index on code or the FTS index. Every clause is a literal; values are bound.
    let mut clauses: Vec<&str> = vec!["d.deleted = 0"];
    let mut params: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    // Free text drives the query from the FTS index (CROSS JOIN fixes that loop order), so a
    // rare serial costs one index probe, not a walk over every device.
    // Free text returns the first `limit` matches in index order (so a common word stops after
    // `limit` rows instead of sorting every match); they are then shown sorted by code.
    let ordered = fts.is_none() && like.is_none();
    let from = match (fts, like) {
        (Some(f), _) => {
            params.push(Box::new(f));
            "(SELECT device_id FROM device_fts WHERE device_fts MATCH ?) m CROSS JOIN device_now d ON d.id = m.device_id"
        }
        (None, Some(l)) => {
            params.push(Box::new(l));
            "(SELECT device_id FROM device_fts WHERE body LIKE ? ESCAPE '\\') m CROSS JOIN device_now d ON d.id = m.device_id"
        }
        (None, None) => "device_now d",
    };
    let mut add = |clause: &'static str, v: Option<String>| {
        if let Some(v) = v {
            clauses.push(clause);
            params.push(Box::new(v));
        }
    };
    add("d.code = ?", code);
    add(
        "d.model LIKE ? ESCAPE '\\'",
        q.model.as_deref().map(like_contains),
    );
    // A unit is found by its serial now or by one it had before a swap (the archive's and
    // every swap's serial are indexed), and shown with the serial it has now.
    if let Some(serial) = q.serial.as_deref().map(|s| s.trim().to_string()) {
        clauses.push(
            "d.id IN (SELECT id FROM device WHERE serial = ? UNION SELECT device_id FROM device_event WHERE serial = ?)",
        );
        params.push(Box::new(serial.clone()));
        params.push(Box::new(serial));
    }
    if let Some(site) = q.site.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        clauses.push("(s.name LIKE ? ESCAPE '\\' OR s.id = ?)");
        params.push(Box::new(like_contains(site)));
        params.push(Box::new(site.to_string()));
    }
    params.push(Box::new(limit));
    let sql = format!(
        "SELECT d.id, d.code, d.device_type, COALESCE(t.zh, d.device_type), d.model, d.serial, d.status, s.name, l.name, l.id
         FROM {from} JOIN lane l ON l.id = d.lane_id JOIN site s ON s.id = l.site_id
         LEFT JOIN device_type_label t ON t.code = d.device_type
         WHERE {} {} LIMIT ?",
        clauses.join(" AND "),
        if ordered { "ORDER BY d.code" } else { "" }
    );
    let mut st = store.conn().prepare_cached(&sql)?;
    let rows = st.query_map(rusqlite::params_from_iter(params.iter()), |r| {
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
    })?;
    let mut hits: Vec<DeviceHit> = rows.collect::<rusqlite::Result<_>>()?;
    hits.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(hits)
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
            "SELECT DISTINCT work_order_id FROM note_fts WHERE body LIKE ?1 ESCAPE '\\' LIMIT ?2",
        )?;
        for r in st.query_map(rusqlite::params![like_contains(t), limit], |r| r.get(0))? {
            out.push(r?);
        }
    }
    Ok(out)
}

/// Bring the search index in step with a changed row. Local writes and applied remote changes
/// both come here (through the merge), so the index never depends on which replica wrote.
pub fn reindex(conn: &rusqlite::Connection, table: &str, id: &str) -> Result<()> {
    match table {
        "device" => reindex_device(conn, id),
        "device_event" => {
            let device: Option<String> = conn
                .prepare_cached(
                    "SELECT device_id FROM device_event WHERE id = ?1 AND serial IS NOT NULL",
                )?
                .query_row([id], |r| r.get(0))
                .optional()?;
            match device {
                Some(d) => reindex_device(conn, &d),
                None => Ok(()),
            }
        }
        "lane" => reindex_devices_where(conn, "SELECT id FROM device WHERE lane_id = ?1", id),
        "site" => reindex_devices_where(
            conn,
            "SELECT d.id FROM device d JOIN lane l ON l.id = d.lane_id WHERE l.site_id = ?1",
            id,
        ),
        "fault_report" | "service_record" => reindex_notes(conn, table, id),
        _ => Ok(()),
    }
}

/// Drop the index entry of a record that left this replica (evicted with its site, see
/// `sync::evict`); the record itself is already gone or about to go.
pub(crate) fn forget(conn: &rusqlite::Connection, table: &str, id: &str) -> Result<()> {
    let index = match table {
        "device" => "device_fts",
        "fault_report" | "service_record" => "note_fts",
        _ => return Ok(()),
    };
    conn.prepare_cached(&format!("DELETE FROM {index} WHERE rowid = ?1"))?
        .execute([fts_rowid(table, id)])?;
    Ok(())
}

fn reindex_devices_where(conn: &rusqlite::Connection, sql: &str, id: &str) -> Result<()> {
    let ids: Vec<String> = conn
        .prepare_cached(sql)?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for d in ids {
        reindex_device(conn, &d)?;
    }
    Ok(())
}

/// The index row of a record: a 63-bit hash of what it indexes, so replacing it is a lookup by
/// rowid, not a scan of the whole index (`device_id` is an unindexed column), and it does not
/// depend on the record's own rowid (which VACUUM may renumber).
fn fts_rowid(kind: &str, id: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let h = Sha256::new()
        .chain_update(kind)
        .chain_update(b"/")
        .chain_update(id)
        .finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&h[..8]);
    i64::from_le_bytes(b) & i64::MAX
}

fn reindex_device(conn: &rusqlite::Connection, id: &str) -> Result<()> {
    let rowid = fts_rowid("device", id);
    conn.prepare_cached("DELETE FROM device_fts WHERE rowid = ?1")?
        .execute([rowid])?;
    conn.prepare_cached(
        "INSERT INTO device_fts(rowid, device_id, body)
         SELECT ?2, d.id, d.code || ' ' || d.serial || ' ' || d.model || ' ' || d.manufacturer
            || ' ' || COALESCE(d.position, '') || ' ' || COALESCE(d.notes, '') || ' '
            || COALESCE((SELECT zh || ' ' || en FROM device_type_label WHERE code = d.device_type), '')
            || ' ' || COALESCE((SELECT s.name || ' ' || l.name || ' ' || l.code FROM lane l
                JOIN site s ON s.id = l.site_id WHERE l.id = d.lane_id), '')
            || COALESCE((SELECT ' ' || group_concat(e.serial, ' ') FROM device_event e
                WHERE e.device_id = d.id AND e.serial IS NOT NULL), '')
         FROM device d WHERE d.id = ?1 AND d.deleted = 0",
    )?
    .execute(rusqlite::params![id, rowid])?;
    Ok(())
}

fn reindex_notes(conn: &rusqlite::Connection, table: &str, id: &str) -> Result<()> {
    let rowid = fts_rowid(table, id);
    let (wo, body): (String, Option<String>) = match table {
        "fault_report" => conn
            .prepare_cached(
                "SELECT work_order_id, CASE WHEN deleted = 0 THEN phenomenon || ' '
                    || COALESCE(location, '') || ' ' || COALESCE(result, '') END
                 FROM fault_report WHERE id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?,
        _ => conn
            .prepare_cached(
                "SELECT work_order_id, CASE WHEN deleted = 0 THEN found_state || ' '
                    || process || ' ' || COALESCE(analysis, '') || ' ' || COALESCE(customer_feedback, '') END
                 FROM service_record WHERE id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?,
    };
    conn.prepare_cached("DELETE FROM note_fts WHERE rowid = ?1")?
        .execute([rowid])?;
    if let Some(body) = body {
        conn.prepare_cached(
            "INSERT INTO note_fts(rowid, work_order_id, source, body) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(rusqlite::params![rowid, wo, table, body])?;
    }
    Ok(())
}
