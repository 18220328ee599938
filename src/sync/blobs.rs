//! Blobs (photos, signatures, report PDFs) between laptops and the office, separately from the
//! records that name them (`docs/sync.md`, "Blobs"). Records travel in the change log; a blob
//! travels by its SHA-256 after them, so a record can arrive first: it then shows "photo
//! pending" ([`pending`], [`BlobKind::pending`]) until its file does.
//!
//! This module is the rules and the client's state; the HTTP of it is [`transfer`]:
//! - which blobs records name ([`referenced`]) and which of those are not here ([`pending`]);
//! - which local blobs the office may still lack ([`unsent`]): every blob file here that was
//!   not yet sent to (or received from) the office. Remembered per blob in local-only `meta`
//!   keys (`sync_blob_sent/<sha256>`), not in a new table: a migration would bump the schema
//!   version every laptop and the office must share, for what is a cache — losing it only costs
//!   one `HEAD` per blob;
//! - blobs the office refused (too large, …), each with its reason ([`set_aside_list`], keys
//!   `sync_blob_set_aside/<sha256>`): tried again at the next sync, never blocking the others.

pub mod transfer;

use crate::store::blobs::{is_sha256, BlobKind};
use crate::store::Store;
use crate::{Error, Result};
use serde::Serialize;

/// The most bytes one upload chunk (`PUT` body) carries; the office refuses bigger ones.
pub const CHUNK: usize = 4 * 1024 * 1024;
/// Where a chunk starts (`PUT`), or how much of a partial upload the office holds (`HEAD` 404).
pub const OFFSET_HEADER: &str = "weibao-upload-offset";
/// The whole blob's length (`PUT`).
pub const LENGTH_HEADER: &str = "weibao-upload-length";
/// The office's per-blob limit in bytes (on `HEAD` answers), so a client never sends a blob
/// that would be refused.
pub const MAX_BLOB_HEADER: &str = "weibao-max-blob";
/// The largest blob a client downloads (far above any photo or report).
pub const MAX_DOWNLOAD: u64 = 2 * 1024 * 1024 * 1024;

/// The answer to a `PUT` chunk: how much of the blob the office now holds, and whether the
/// whole arrived, matched its SHA-256 and is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PutAnswer {
    pub offset: u64,
    pub complete: bool,
}

const SENT: &str = "sync_blob_sent/";
const SET_ASIDE: &str = "sync_blob_set_aside/";

/// One record's reference to a blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlobRef {
    pub sha256: String,
    pub kind: BlobKind,
    /// The table and id of the record that names it.
    pub table: String,
    pub record_id: String,
}

/// Every blob named by a live record: photo originals and report copies, the customer's
/// signature, signed report PDFs (service reports and quarterly status reports), and photos
/// inside inspection answers. Ids that are not [`is_sha256`] (a damaged record from elsewhere)
/// never reach a path and are left out.
const REFERENCED: &str = "
    SELECT original_sha256, 'photo', 'photo', id FROM photo WHERE deleted = 0
    UNION ALL
    SELECT report_sha256, 'photo', 'photo', id FROM photo WHERE deleted = 0
    UNION ALL
    SELECT png_sha256, 'signature', 'customer_signature', id
      FROM customer_signature WHERE deleted = 0 AND png_sha256 IS NOT NULL
    UNION ALL
    SELECT sha256, 'report', 'report', id FROM report WHERE deleted = 0
    UNION ALL
    SELECT sha256, 'report', 'status_report', id FROM status_report WHERE deleted = 0
    UNION ALL
    SELECT j.value, 'photo', 'inspection_answer', a.id
      FROM inspection_answer a,
           json_each(CASE WHEN json_valid(a.value)
                          THEN CASE WHEN json_extract(a.value, '$.kind') = 'photo'
                                    THEN a.value ELSE '{}' END
                          ELSE '{}' END, '$.value') j
     WHERE a.deleted = 0 AND j.type = 'text'";

/// Every blob reference of live records (see [`REFERENCED`]), in a stable order.
pub fn referenced(conn: &rusqlite::Connection) -> Result<Vec<BlobRef>> {
    let mut st = conn.prepare_cached(&format!("{REFERENCED} ORDER BY 1, 3, 4"))?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (sha256, kind, table, record_id) = row?;
        if !is_sha256(&sha256) {
            continue;
        }
        let kind = match kind.as_str() {
            "photo" => BlobKind::Photo,
            "signature" => BlobKind::Signature,
            "report" => BlobKind::Report,
            _ => BlobKind::File,
        };
        out.push(BlobRef {
            sha256,
            kind,
            table,
            record_id,
        });
    }
    Ok(out)
}

/// "Photo pending": the references whose file is not here yet (a record that arrived before
/// its blob). Empty once every file has arrived.
pub fn pending(store: &Store) -> Result<Vec<BlobRef>> {
    Ok(referenced(store.conn())?
        .into_iter()
        .filter(|r| !store.blobs().has(&r.sha256))
        .collect())
}

/// The distinct blobs of [`pending`] (the same photo named twice is fetched once).
pub fn missing(store: &Store) -> Result<Vec<BlobRef>> {
    let mut out: Vec<BlobRef> = Vec::new();
    for r in pending(store)? {
        if out.last().is_none_or(|l| l.sha256 != r.sha256) {
            out.push(r);
        }
    }
    Ok(out)
}

/// A blob's media type from its first bytes (the core only stores JPEG, PNG and PDF; anything
/// else is `application/octet-stream`), so a blob that arrives before its record is typed too.
pub fn sniff_mime(head: &[u8]) -> &'static str {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if head.starts_with(b"%PDF-") {
        "application/pdf"
    } else {
        "application/octet-stream"
    }
}

/// The media type of a stored blob's file ([`sniff_mime`] of its first bytes).
pub fn mime_of_file(store: &Store, sha256: &str) -> &'static str {
    use std::io::Read;
    let mut head = Vec::with_capacity(8);
    let read = store
        .blobs()
        .path_of(sha256)
        .ok()
        .and_then(|p| std::fs::File::open(p).ok())
        .and_then(|f| f.take(8).read_to_end(&mut head).ok());
    match read {
        Some(_) => sniff_mime(&head),
        None => "application/octet-stream",
    }
}

/// Record that a blob's file is complete here (it was verified and renamed into place first),
/// as the `blob` row a local write makes; `sent` also remembers that the office has it (it came
/// from there). Idempotent.
pub fn register(store: &mut Store, sha256: &str, size: u64, mime: &str, sent: bool) -> Result<()> {
    let size = i64::try_from(size).unwrap_or(i64::MAX);
    store.write(|tx| {
        tx.conn().execute(
            "INSERT OR IGNORE INTO blob (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![sha256, size, mime, tx.now().to_rfc3339()],
        )?;
        if sent {
            mark(tx.conn(), sha256)?;
        }
        Ok(())
    })
}

/// A local blob the office may not have yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsent {
    pub sha256: String,
    pub size: u64,
    pub mime: String,
}

/// Every blob complete here that was neither sent to nor received from the office (set-aside
/// ones included: they are offered again), oldest first.
pub fn unsent(store: &Store) -> Result<Vec<Unsent>> {
    let mut st = store.conn().prepare_cached(
        "SELECT sha256, size, mime FROM blob b
          WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = ?1 || b.sha256)
          ORDER BY rowid",
    )?;
    let rows = st.query_map([SENT], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (sha256, size, mime) = row?;
        if is_sha256(&sha256) {
            let size = u64::try_from(size).unwrap_or(0);
            out.push(Unsent { sha256, size, mime });
        }
    }
    Ok(out)
}

/// The office has this blob: never offer it again (and clear any earlier refusal).
pub fn mark_sent(store: &mut Store, sha256: &str) -> Result<()> {
    store.write(|tx| mark(tx.conn(), sha256))
}

fn mark(conn: &rusqlite::Connection, sha256: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1 || ?2, '1') ON CONFLICT(key) DO NOTHING",
        rusqlite::params![SENT, sha256],
    )?;
    conn.execute(
        "DELETE FROM meta WHERE key = ?1 || ?2",
        rusqlite::params![SET_ASIDE, sha256],
    )?;
    Ok(())
}

/// Forget what was sent (the office was restored from a backup and may have lost blobs): every
/// local blob is offered again at the next sync, each costing one `HEAD` if the office has it.
pub fn forget_sent(store: &mut Store) -> Result<()> {
    store.write(|tx| {
        tx.conn().execute(
            "DELETE FROM meta WHERE key >= ?1 AND key < ?2",
            rusqlite::params![SENT, "sync_blob_sent0"],
        )?;
        Ok(())
    })
}

/// A blob the office refused, kept here with its reason; the records that name it synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SetAside {
    pub sha256: String,
    /// The refusal's kind (`too_large`, `hash_mismatch`, `blob_corrupt`, …) and messages.
    pub kind: String,
    pub message: String,
    pub message_en: String,
    pub at: String,
}

/// Set a blob aside with the reason the office (or the local check) gave.
pub fn set_aside(store: &mut Store, sha256: &str, why: &Error) -> Result<SetAside> {
    let entry = SetAside {
        sha256: sha256.to_string(),
        kind: why.kind().to_string(),
        message: why.message_zh(),
        message_en: why.to_string(),
        at: store.now().to_rfc3339(),
    };
    let value = serde_json::to_string(&entry).map_err(|e| Error::Migration(e.to_string()))?;
    store.write(|tx| {
        tx.conn().execute(
            "INSERT INTO meta(key, value) VALUES (?1 || ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            rusqlite::params![SET_ASIDE, sha256, value],
        )?;
        Ok(())
    })?;
    Ok(entry)
}

/// The blobs set aside, each with its reason.
pub fn set_aside_list(store: &Store) -> Result<Vec<SetAside>> {
    let mut st = store
        .conn()
        .prepare_cached("SELECT value FROM meta WHERE key >= ?1 AND key < ?2 ORDER BY key")?;
    let rows = st.query_map(rusqlite::params![SET_ASIDE, "sync_blob_set_aside0"], |r| {
        r.get::<_, String>(0)
    })?;
    let mut out = Vec::new();
    for v in rows {
        let v = v?;
        // A damaged entry is shown as such rather than hiding the blob.
        out.push(serde_json::from_str(&v).unwrap_or_else(|_| SetAside {
            sha256: String::new(),
            kind: "unknown".into(),
            message: v.clone(),
            message_en: v,
            at: String::new(),
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn what_was_sent_is_remembered_and_a_refusal_is_kept_with_its_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store =
            Store::open(&dir.path().join("l.db"), Arc::new(crate::SystemClock)).expect("store");
        let pdf = b"%PDF-1.7 a report".to_vec();
        let sha = store.blobs().put(&pdf).expect("put");
        assert_eq!(mime_of_file(&store, &sha), "application/pdf");
        register(&mut store, &sha, pdf.len() as u64, "application/pdf", false).expect("row");
        let unsent_shas = |s: &Store| -> Vec<String> {
            unsent(s)
                .expect("unsent")
                .into_iter()
                .map(|u| u.sha256)
                .collect()
        };
        assert_eq!(unsent_shas(&store), vec![sha.clone()]);

        let why = Error::refused("too_large", "太大", "too large");
        set_aside(&mut store, &sha, &why).expect("set aside");
        let aside = set_aside_list(&store).expect("list");
        assert_eq!(aside.len(), 1);
        assert_eq!(
            (aside[0].kind.as_str(), aside[0].message_en.as_str()),
            ("too_large", "too large")
        );
        assert_eq!(unsent_shas(&store), vec![sha.clone()], "offered again");

        mark_sent(&mut store, &sha).expect("sent");
        assert!(unsent_shas(&store).is_empty());
        assert!(set_aside_list(&store).expect("list").is_empty());
        // The office was restored from a backup: offer everything again.
        crate::sync::reset_acknowledged(&mut store).expect("reset");
        assert_eq!(unsent_shas(&store), vec![sha]);
        assert!(referenced(store.conn()).expect("refs").is_empty());
        assert!(pending(&store).expect("pending").is_empty());
    }

    #[test]
    fn media_types_come_from_the_first_bytes() {
        assert_eq!(sniff_mime(&[0xFF, 0xD8, 0xFF, 0xE0]), "image/jpeg");
        assert_eq!(sniff_mime(b"\x89PNG\r\n\x1a\n...."), "image/png");
        assert_eq!(sniff_mime(b"%PDF-1.7"), "application/pdf");
        assert_eq!(sniff_mime(b"GIF89a"), "application/octet-stream");
    }
}
