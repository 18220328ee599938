//! Photos taken at the lane, into the blob store. Owned by the desktop-app issue (6).
//!
//! The photo module (`crate::media`) validates and derives; this puts the results where the
//! rest of the core finds them: the original and its report-size copy as content-addressed
//! blobs. The original's hash is what an inspection answer or a work order refers to.

use super::Store;
use crate::checklist::run::{self, Ack, Given};
use crate::checklist::{state, AnswerValue};
use crate::{Error, Result};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct StoredPhoto {
    /// sha256 of the original file (its blob address).
    pub sha256: String,
    /// sha256 of the upright, metadata-free report copy (also a blob).
    pub report_sha256: String,
    pub width: u32,
    pub height: u32,
    /// When the camera says it was taken (camera local time), if it says.
    pub taken_at: Option<String>,
}

/// Validate a photo file's bytes and store the original and its report copy.
pub fn store_photo(store: &Store, bytes: &[u8], field: &str) -> Result<StoredPhoto> {
    let p = crate::media::import_photo(bytes, field)?;
    let sha256 = store.blobs().put(bytes)?;
    let report_sha256 = store.blobs().put(&p.report_jpeg)?;
    Ok(StoredPhoto {
        sha256,
        report_sha256,
        width: p.width,
        height: p.height,
        taken_at: p
            .taken_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
    })
}

/// Add a photo to a photo item of an open inspection: the item's answer becomes the photos it
/// had plus this one (the same photo twice counts once). One transaction, like any answer.
pub fn add_to_inspection(
    store: &mut Store,
    inspection_id: &str,
    item_ref: &str,
    bytes: &[u8],
) -> Result<Ack> {
    let photo = store_photo(store, bytes, "photo")?;
    let st = state::load(store.conn(), inspection_id)?;
    let inst = st.find(store.conn(), item_ref)?;
    let mut hashes = match st.effective(&inst.id).map(|a| &a.value) {
        Some(AnswerValue::Photo(h)) => h.clone(),
        Some(_) => {
            return Err(Error::invalid(
                "photo",
                "本项不是照片项",
                "this item does not take photos",
            ))
        }
        None => Vec::new(),
    };
    if !hashes.contains(&photo.sha256) {
        hashes.push(photo.sha256);
    }
    let key = inst.key.clone();
    run::answer(
        store,
        inspection_id,
        &key,
        &Given::Value(AnswerValue::Photo(hashes)),
        None,
    )
}
