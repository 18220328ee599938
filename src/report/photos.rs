//! Evidence photos (拍照取证) attached to a work order or an inspection.
//!
//! Attaching is all-or-nothing: the file is validated and its report-size copy made first
//! (`media::import_photo`, the slow part, outside any transaction); then both the original and
//! the copy are written as content-addressed blobs (fsynced, renamed into place); only then is
//! the `photo` row committed, together with the `blob` rows that say the files are there. A bad
//! image is refused before anything is written, and a crash between the blob writes and the
//! commit leaves at most an unreferenced blob, never a row pointing at a missing file.

use chrono::NaiveDateTime;
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::common::register_blob;
use crate::checklist::run::{self, Given};
use crate::checklist::{state, AnswerValue, ItemKind};
use crate::domain::values::{optional_text, MAX_NAME_CHARS};
use crate::store::{new_id, Store};
use crate::work_orders;
use crate::{Error, Result};

/// What a photo is evidence for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoOwner {
    WorkOrder(String),
    /// An inspection as a whole, or one of its photo items (by key, e.g.
    /// `lane.overview_photo`, or row id). A photo on a photo item also becomes (part of) that
    /// item's answer.
    Inspection {
        inspection_id: String,
        item: Option<String>,
    },
}

/// A stored photo.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Photo {
    pub id: String,
    pub work_order_id: Option<String>,
    pub inspection_id: Option<String>,
    pub inspection_item_id: Option<String>,
    /// Blob address of the camera original, kept untouched.
    pub original_sha256: String,
    /// Blob address of the report copy (≤ 1600 px JPEG, upright, no metadata).
    pub report_sha256: String,
    pub width: u32,
    pub height: u32,
    pub caption: String,
    /// Capture time from EXIF (camera local time), if recorded and plausible.
    pub taken_at: Option<NaiveDateTime>,
    /// What the camera wrote as the capture time when it was not a plausible date (e.g. a
    /// 2099 clock): kept as written (column `taken_at_raw`), flagged, never used as the
    /// photo's time (`taken_at` stays empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taken_at_implausible: Option<String>,
    pub gps: Option<(f64, f64)>,
    pub added_at: String,
}

const TAKEN_FMT: &str = "%Y-%m-%d %H:%M:%S";

/// A photo file's bytes, refused unread (naming `field` and the path) when it is larger than
/// [`crate::media::MAX_PHOTO_BYTES`] or cannot be read.
pub fn read_photo_file(field: &str, path: &std::path::Path) -> Result<Vec<u8>> {
    let limit = u64::try_from(crate::media::MAX_PHOTO_BYTES).unwrap_or(u64::MAX);
    crate::files::read_bounded(field, path, limit)
}

/// Attach a photo file's bytes to `owner`. Refuses a work order the customer has signed, an
/// unknown owner, and any file that is not a whole, sound JPEG/PNG within the size limits (kind
/// `invalid`, field `photo`), storing nothing in those cases. An implausible EXIF capture time
/// is not stored; the returned photo carries it in `taken_at_implausible`.
pub fn attach(
    store: &mut Store,
    owner: &PhotoOwner,
    bytes: &[u8],
    caption: Option<&str>,
) -> Result<Photo> {
    let caption = optional_text("photo.caption", caption, MAX_NAME_CHARS)?;
    // Cheap checks first, so a wrong id is reported before a 12 MP decode.
    let target = resolve(store, owner)?;
    let p = crate::media::import_photo(bytes, "photo")?;
    let caption = caption.unwrap_or_else(|| target.default_caption.clone());
    let taken_at = p.taken_at.map(|t| t.format(TAKEN_FMT).to_string());
    let (lat, lon) = (p.gps.map(|g| g.0), p.gps.map(|g| g.1));
    let blobs: [&[u8]; 2] = [bytes, &p.report_jpeg];
    let photo = store.write_with_blobs(&blobs, |tx, shas| {
        let (original, copy) = (&shas[0], &shas[1]);
        // Re-check inside the transaction: the work order may have been signed meanwhile.
        let target = resolve_in(tx.conn(), owner)?;
        register_blob(tx, original, bytes.len(), p.mime)?;
        register_blob(tx, copy, p.report_jpeg.len(), "image/jpeg")?;
        let id = new_id();
        let added_at = tx.now().to_rfc3339();
        let photo = Photo {
            id: id.clone(),
            work_order_id: target.work_order_id.clone(),
            inspection_id: target.inspection_id.clone(),
            inspection_item_id: target.item_row.clone(),
            original_sha256: original.clone(),
            report_sha256: copy.clone(),
            width: p.width,
            height: p.height,
            caption: caption.clone(),
            taken_at: p.taken_at,
            taken_at_implausible: p
                .taken_at_implausible
                .then(|| p.taken_at_raw.clone())
                .flatten(),
            gps: p.gps,
            added_at: added_at.clone(),
        };
        tx.insert(
            "photo",
            &id,
            &[
                ("work_order_id", &photo.work_order_id),
                ("inspection_id", &photo.inspection_id),
                ("inspection_item_id", &photo.inspection_item_id),
                ("original_sha256", &original),
                ("original_mime", &p.mime),
                ("report_sha256", &copy),
                ("width", &p.width),
                ("height", &p.height),
                ("caption", &caption),
                ("taken_at", &taken_at),
                ("gps_lat", &lat),
                ("gps_lon", &lon),
                ("added_at", &added_at),
                ("taken_at_raw", &photo.taken_at_implausible),
            ],
        )?;
        Ok(photo)
    })?;
    // A photo item's answer is the list of its photos. Answers are the checklist's own
    // transaction; if this second step fails, the photo stays on record for the inspection
    // (shown in its report) and the engineer simply answers the item again.
    if let (PhotoOwner::Inspection { inspection_id, .. }, Some(key)) = (owner, &target.item_key) {
        let st = state::load(store.conn(), inspection_id)?;
        let inst = st.find(store.conn(), key)?;
        let mut hashes = match st.effective(&inst.id).map(|a| &a.value) {
            Some(AnswerValue::Photo(h)) => h.clone(),
            _ => Vec::new(),
        };
        // Photos of this item kept while it still had fewer than its minimum (each photo is
        // added on its own, so an item wanting two is below it after the first).
        if let Some(row) = &target.item_row {
            let mut st = store.conn().prepare(
                "SELECT original_sha256 FROM photo
                 WHERE inspection_item_id = ?1 AND deleted = 0 ORDER BY added_at, id",
            )?;
            let kept = st.query_map([row], |r| r.get::<_, String>(0))?;
            for h in kept {
                let h = h?;
                if !hashes.contains(&h) {
                    hashes.push(h);
                }
            }
        }
        if !hashes.contains(&photo.original_sha256) {
            hashes.push(photo.original_sha256.clone());
        }
        // Below the item's minimum the photo is kept and the item stays unanswered (completing
        // still names it); the photo that reaches the minimum answers it with all of them.
        if let ItemKind::Photo { min_count } = &inst.item.spec {
            if u32::try_from(hashes.len()).unwrap_or(u32::MAX) < *min_count {
                return Ok(photo);
            }
        }
        run::answer(
            store,
            inspection_id,
            key,
            &Given::Value(AnswerValue::Photo(hashes)),
            None,
        )?;
    }
    Ok(photo)
}

/// Where a photo goes, resolved from its owner.
struct Target {
    work_order_id: Option<String>,
    inspection_id: Option<String>,
    item_row: Option<String>,
    /// The item key, when the photo answers a photo item of an open inspection.
    item_key: Option<String>,
    default_caption: String,
}

fn resolve(store: &Store, owner: &PhotoOwner) -> Result<Target> {
    resolve_in(store.conn(), owner)
}

fn resolve_in(conn: &rusqlite::Connection, owner: &PhotoOwner) -> Result<Target> {
    match owner {
        PhotoOwner::WorkOrder(id) => {
            let wo = work_orders::ensure_editable(conn, id)?;
            Ok(Target {
                work_order_id: Some(wo.id),
                inspection_id: None,
                item_row: None,
                item_key: None,
                default_caption: "现场照片".into(),
            })
        }
        PhotoOwner::Inspection {
            inspection_id,
            item,
        } => {
            let st = state::load(conn, inspection_id)?;
            // Once its report is signed, an inspection's evidence is as final as the report.
            let linked: Option<String> = conn
                .query_row(
                    "SELECT work_order_id FROM inspection_work_order WHERE inspection_id = ?1 AND deleted = 0",
                    [&st.header.id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(wo) = &linked {
                work_orders::ensure_editable(conn, wo)?;
            }
            let (item_row, item_key, caption) = match item {
                None => (
                    None,
                    None,
                    format!("{} {}", st.header.name, st.header.lane_name),
                ),
                Some(r) => {
                    let inst = st.find(conn, r)?;
                    if inst.item.spec.name() != "photo" {
                        return Err(Error::invalid(
                            "photo.item",
                            format!("「{}」不是照片项", inst.item.label_zh),
                            format!("item {} does not take photos", inst.key),
                        ));
                    }
                    let key = (!st.header.is_completed()).then(|| inst.key.clone());
                    (Some(inst.id.clone()), key, state::label_with_device(inst))
                }
            };
            Ok(Target {
                work_order_id: None,
                inspection_id: Some(st.header.id.clone()),
                item_row,
                item_key,
                default_caption: caption,
            })
        }
    }
}

/// Photos for a work order and, if it carries an inspection's report, that inspection's, in
/// the order they were added.
pub fn list(
    conn: &rusqlite::Connection,
    work_order_id: &str,
    inspection_id: Option<&str>,
) -> Result<Vec<Photo>> {
    let mut st = conn.prepare_cached(
        "SELECT id, work_order_id, inspection_id, inspection_item_id, original_sha256,
                report_sha256, width, height, caption, taken_at, gps_lat, gps_lon, added_at,
                taken_at_raw
         FROM photo WHERE deleted = 0 AND (work_order_id = ?1 OR (?2 IS NOT NULL AND inspection_id = ?2))
         ORDER BY added_at, id",
    )?;
    let rows = st.query_map(rusqlite::params![work_order_id, inspection_id], |r| {
        let taken: Option<String> = r.get(9)?;
        let lat: Option<f64> = r.get(10)?;
        let lon: Option<f64> = r.get(11)?;
        Ok(Photo {
            id: r.get(0)?,
            work_order_id: r.get(1)?,
            inspection_id: r.get(2)?,
            inspection_item_id: r.get(3)?,
            original_sha256: r.get(4)?,
            report_sha256: r.get(5)?,
            width: r.get(6)?,
            height: r.get(7)?,
            caption: r.get(8)?,
            taken_at: taken.and_then(|t| NaiveDateTime::parse_from_str(&t, TAKEN_FMT).ok()),
            taken_at_implausible: r.get(13)?,
            gps: lat.zip(lon),
            added_at: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
