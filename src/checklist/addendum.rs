//! Correction notes on a completed inspection (补充说明): text, who wrote it, when.
//!
//! A completed inspection is frozen — its answers are what the engineer saw at the lane, and
//! its report may be signed. What is learnt later ("the reading of gate 2 was taken with the
//! wrong clamp") is added beside it, never written over it: a note is an ordinary synced row
//! (`inspection_addendum`, written once), shown in the inspection view under its answers and
//! printed on the inspection's report when one is rendered. Correcting one answer with a new
//! value is [`super::run::addendum`]; a note is for everything else.

use serde::Serialize;

use crate::domain::values::{required_text, MAX_NOTE_CHARS};
use crate::error::{Error, Result};
use crate::store::{new_id, Store};

/// One correction note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: String,
    pub inspection_id: String,
    pub text: String,
    pub engineer_id: String,
    /// The engineer's name, for display.
    pub engineer_name: String,
    /// RFC 3339.
    pub written_at: String,
}

/// Add a correction note to a completed inspection (an open one is simply edited).
pub fn add_note(store: &mut Store, inspection_id: &str, text: &str) -> Result<Note> {
    let text = required_text("addendum.text", text, MAX_NOTE_CHARS)?;
    let engineer = store.current_engineer().to_string();
    store.write(|tx| {
        let st = super::state::load(tx.conn(), inspection_id)?;
        if !st.header.is_completed() {
            return Err(Error::refused(
                "inspection_not_completed",
                "巡检尚未完成，直接修改答案即可，无需补充说明",
                "the inspection is still open: change the answers instead of adding a note",
            ));
        }
        let id = new_id();
        let at = tx.now().to_rfc3339();
        tx.insert(
            "inspection_addendum",
            &id,
            &[
                ("inspection_id", &st.header.id),
                ("text", &text),
                ("engineer_id", &engineer),
                ("written_at", &at),
            ],
        )?;
        Ok(())
    })?;
    notes(store.conn(), inspection_id)?
        .pop()
        .ok_or_else(|| Error::not_found("inspection", inspection_id))
}

/// The notes of an inspection, oldest first.
pub fn notes(conn: &rusqlite::Connection, inspection_id: &str) -> Result<Vec<Note>> {
    let mut st = conn.prepare_cached(
        "SELECT a.id, a.inspection_id, a.text, a.engineer_id, COALESCE(e.name, ''), a.written_at
         FROM inspection_addendum a LEFT JOIN engineer e ON e.id = a.engineer_id
         WHERE a.inspection_id = ?1 AND a.deleted = 0
         ORDER BY julianday(a.written_at), a.hlc",
    )?;
    let rows = st.query_map([inspection_id], |r| {
        Ok(Note {
            id: r.get(0)?,
            inspection_id: r.get(1)?,
            text: r.get(2)?,
            engineer_id: r.get(3)?,
            engineer_name: r.get(4)?,
            written_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
