//! The Rust half of schema 4 (sync-ready store), run inside the migration's transaction:
//! created stamps on every synced table, RMA progress as events, the search index rebuilt by
//! the core's one indexing function, and the change log written from the rows themselves.

use crate::store::changes::{self, Change, Fields, Op};
use crate::store::merge::value_json;
use crate::store::registry::{self, TABLES};
use rusqlite::types::Value;
use rusqlite::Transaction;
use rusqlite_migration::{HookError, HookResult};

/// Whether a table exists yet: the registry is today's schema, and this hook runs at version 4,
/// before later migrations created their tables (`inspection_addendum`), which get these
/// columns in their own `CREATE TABLE`.
fn exists(tx: &Transaction, table: &str) -> rusqlite::Result<bool> {
    tx.query_row(
        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )
}

pub fn sync_ready(tx: &Transaction) -> HookResult {
    for t in TABLES {
        if !exists(tx, t.name)? {
            continue;
        }
        // conflict_resolution and rma_event were created by this migration with created_hlc
        for col in ["created_hlc", "created_by", "created_device"] {
            let has: bool = tx.query_row(
                &format!(
                    "SELECT COUNT(*) > 0 FROM pragma_table_info('{}') WHERE name = ?1",
                    t.name
                ),
                [col],
                |r| r.get(0),
            )?;
            if !has {
                tx.execute_batch(&format!(
                    "ALTER TABLE {} ADD COLUMN {col} TEXT NOT NULL DEFAULT ''",
                    t.name
                ))?;
            }
        }
        tx.execute_batch(&format!(
            "UPDATE {} SET created_hlc = hlc, created_by = author, created_device = author_device",
            t.name
        ))?;
    }
    rma_events(tx)?;
    reindex(tx)?;
    change_log(tx)
}

/// Each RMA's stored status becomes the events that derive it.
fn rma_events(tx: &Transaction) -> HookResult {
    let rows: Vec<(String, String, Option<String>, String, String, String)> = tx
        .prepare(
            "SELECT id, status, returned_at, hlc, author, author_device FROM rma_status_backfill",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, status, returned_at, hlc, author, device) in rows {
        let steps: &[(&str, i64)] = match status.as_str() {
            "at_factory" => &[("at_factory", 1)],
            "returned" => &[("at_factory", 1), ("returned", 2)],
            _ => &[],
        };
        for (s, step) in steps {
            let at = returned_at.clone().unwrap_or_default();
            tx.execute(
                "INSERT INTO rma_event(id, hlc, author, author_device, created_hlc, created_by,
                    created_device, rma_id, status, step, at)
                 VALUES (?1, ?2, ?3, ?4, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![crate::store::new_id(), hlc, author, device, id, s, step, at],
            )?;
        }
    }
    tx.execute_batch("DROP TABLE rma_status_backfill")?;
    Ok(())
}

fn reindex(tx: &Transaction) -> HookResult {
    tx.execute_batch("DELETE FROM device_fts; DELETE FROM note_fts;")?;
    for table in ["device", "fault_report", "service_record"] {
        let ids: Vec<String> = tx
            .prepare(&format!("SELECT id FROM {table}"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            crate::store::search::reindex(tx, table, &id).map_err(hook)?;
        }
    }
    Ok(())
}

fn hook(e: crate::Error) -> HookError {
    HookError::Hook(e.to_string())
}

/// One insert change per row (and a delete change per tombstone), stamped as the row is, in
/// registry order so parents replay before children.
fn change_log(tx: &Transaction) -> HookResult {
    let origin = match crate::store::meta_get(tx, "installation_id").map_err(hook)? {
        Some(id) => id,
        None => {
            let id = crate::store::new_id();
            tx.execute(
                "INSERT INTO meta(key, value) VALUES ('installation_id', ?1)",
                [&id],
            )?;
            id
        }
    };
    let mut seq: i64 = 0;
    let mut tombstoned = Vec::new();
    for t in TABLES {
        if !exists(tx, t.name)? {
            continue;
        }
        // The registry is today's schema; this runs at version 4, before later migrations
        // added columns (`photo.taken_at_raw`), so only the columns the table has now.
        let present: Vec<String> = tx
            .prepare(&format!("SELECT name FROM pragma_table_info('{}')", t.name))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let names: Vec<&str> = t
            .columns
            .iter()
            .map(|c| c.name)
            .filter(|n| present.iter().any(|p| p == n))
            .collect();
        let sql = format!(
            "SELECT id, created_hlc, created_by, hlc, author, deleted, {} FROM {} ORDER BY created_hlc, id",
            names.join(", "),
            t.name
        );
        let mut st = tx.prepare(&sql)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let mut fields = Fields::new();
            for (i, name) in names.iter().enumerate() {
                fields.insert((*name).to_string(), value_json(&r.get::<_, Value>(i + 6)?));
            }
            let deleted = r.get::<_, i64>(5)? != 0 && t.merge == registry::Merge::Record;
            let mut created: String = r.get(1)?;
            if deleted {
                // The tombstone carries the row's stamp; its insert must come just before it,
                // exactly as a replay will see them.
                created = earlier(&created);
                tombstoned.push((
                    t.name,
                    id.clone(),
                    created.clone(),
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ));
            }
            seq += 1;
            changes::log(
                tx,
                &Change {
                    origin: origin.clone(),
                    seq,
                    table: t.name.to_string(),
                    row_id: id.clone(),
                    op: Op::Insert,
                    hlc: created,
                    author: r.get(2)?,
                    fields,
                },
            )
            .map_err(hook)?;
            if deleted {
                let mut del = Fields::new();
                del.insert("deleted".into(), 1.into());
                seq += 1;
                changes::log(
                    tx,
                    &Change {
                        origin: origin.clone(),
                        seq,
                        table: t.name.to_string(),
                        row_id: id,
                        op: Op::Delete,
                        hlc: r.get(3)?,
                        author: r.get(4)?,
                        fields: del,
                    },
                )
                .map_err(hook)?;
            }
        }
    }
    for (table, id, created, created_by, hlc, author) in tombstoned {
        tx.execute(
            &format!("UPDATE {table} SET created_hlc = ?2 WHERE id = ?1"),
            rusqlite::params![id, created],
        )?;
        tx.execute(
            "INSERT INTO field_clock(tbl, row_id, field, hlc, author, device)
             VALUES (?1, ?2, 'deleted', ?3, ?4, ?5)",
            rusqlite::params![table, id, hlc, author, origin],
        )?;
        tx.execute(
            "INSERT INTO field_history(tbl, row_id, field, hlc, author, device, value)
             VALUES (?1, ?2, 'deleted', ?3, ?4, ?5, '0')",
            rusqlite::params![table, id, created, created_by, origin],
        )?;
    }
    Ok(())
}

/// The stamp one tick before `stamp` (same installation).
fn earlier(stamp: &str) -> String {
    match (crate::store::hlc::parse_time(stamp), stamp.split_once('-')) {
        (Some(t), Some((_, id))) => crate::store::hlc::stamp(t.saturating_sub(1), id),
        _ => stamp.to_string(),
    }
}
