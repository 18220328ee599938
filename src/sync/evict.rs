//! Rows leaving a laptop: when sites leave an engineer's scope, and before a site is fetched
//! whole again. This is local eviction, not deletion: no change is written (the office and
//! every other laptop keep the rows), the rows simply stop being on this laptop.
//!
//! - **Which rows**: every row that belongs (by [`super::scope::RULES`]) only to sites being
//!   dropped; a row that also belongs to a site that stays (a customer with two sites), or that
//!   is global, stays.
//! - **Never unsent work**: a row with one of this installation's own changes after the one the
//!   office acknowledged ([`super::acknowledged`]) stays, and so does every row a staying row
//!   refers to (its work order, lane, site, …; found through the schema's foreign keys), so a
//!   kept row never points at nothing. Once pushed and acknowledged, the next sync evicts them.
//! - **Their bookkeeping goes with them**: other installations' change-log entries for the
//!   rows, their field clocks and history, kept event versions, held changes and search index
//!   entries. Dropping the change-log entries matters: `apply_remote` skips a change whose
//!   (origin, seq) is logged, so a site assigned again could not come back whole otherwise.
//!   This installation's own entries stay: they are its outbox and its sequence numbers (the
//!   next change must never reuse one), and a site fetched whole merges them once more
//!   ([`crate::Store::apply_refetched`]).
//! - Photo and PDF bytes in the blob folder are not removed here.

use super::scope::{self, Reach, RULES};
use crate::store::registry::{self, TABLES};
use crate::store::{search, Store};
use crate::Result;
use rusqlite::Connection;
use serde::Serialize;

/// What an eviction did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evicted {
    /// Rows that left this laptop.
    pub rows: usize,
    /// Rows of the dropped sites kept because they (or rows referring to them) have unsent
    /// changes of this installation.
    pub kept: usize,
}

/// Local-only `meta` key: the rows an eviction kept back for unsent work, as a JSON array of
/// `[table, id]`. They are candidates again at the next eviction, even if what made them
/// belong to a dropped site went meanwhile (a kept work order keeps its contract, whose link
/// to the site was evicted): otherwise they would belong to no site and stay forever.
const OWED: &str = "sync_evict_kept";

/// Evict the rows of every site this laptop holds that is not in `scope`, and the rows kept
/// back last time whose unsent work has since been acknowledged.
pub fn out_of_scope(store: &mut Store, scope: &scope::Scope) -> Result<Evicted> {
    let owed = owed(store)?;
    let drop: Vec<String> = match scope {
        scope::Scope::All => Vec::new(),
        scope::Scope::Sites(_) => scope::local_sites(store.conn(), &scope::Scope::All)?
            .into_iter()
            .filter(|s| !scope.contains(s))
            .collect(),
    };
    if drop.is_empty() && owed.is_empty() {
        return Ok(Evicted::default());
    }
    let me = store.installation().to_string();
    let acked = super::acknowledged(store)?;
    let all = *scope == scope::Scope::All;
    store.write(|tx| {
        let conn = tx.conn();
        let (ev, kept) = if all {
            (Evicted::default(), Vec::new())
        } else {
            within(conn, &me, acked, &drop, &owed)?
        };
        let json = serde_json::to_string(&kept)
            .map_err(|e| crate::Error::Migration(format!("meta.{OWED}: {e}")))?;
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [OWED, json.as_str()],
        )?;
        Ok(ev)
    })
}

fn owed(store: &Store) -> Result<Vec<(String, String)>> {
    match crate::store::meta_get(store.conn(), OWED)? {
        None => Ok(Vec::new()),
        Some(v) => serde_json::from_str(&v)
            .map_err(|_| crate::Error::Migration(format!("meta.{OWED} is damaged: {v:?}"))),
    }
}

/// Evict the rows that belong only to the sites `drop` (before fetching a site whole),
/// keeping unsent work and what it refers to.
pub fn sites(store: &mut Store, drop: &[String]) -> Result<Evicted> {
    let me = store.installation().to_string();
    let acked = super::acknowledged(store)?;
    store.write(|tx| Ok(within(tx.conn(), &me, acked, drop, &[])?.0))
}

/// [`sites`] inside the caller's write transaction (`me`: this installation, `acked`: its
/// last acknowledged seq), so a site can be evicted and fetched again in one transaction.
/// `owed` rows are candidates too unless they belong to a site that stays. Returns what was
/// done and the rows kept back.
pub(crate) fn within(
    conn: &Connection,
    me: &str,
    acked: i64,
    drop: &[String],
    owed: &[(String, String)],
) -> Result<(Evicted, Vec<(String, String)>)> {
    let drop = &scope::json_list(drop.iter());
    // Rows go children first, but a foreign key is only checked at commit: if anything
    // still pointed at an evicted row, the whole eviction would roll back.
    conn.execute_batch(
        "PRAGMA defer_foreign_keys = ON;
         CREATE TEMP TABLE IF NOT EXISTS scope_evict
             (tbl TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (tbl, id)) WITHOUT ROWID;
         CREATE TEMP TABLE IF NOT EXISTS scope_candidate
             (tbl TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (tbl, id)) WITHOUT ROWID;
         DELETE FROM temp.scope_evict;
         DELETE FROM temp.scope_candidate;",
    )?;
    candidates(conn, drop, owed)?;
    conn.execute(
        "INSERT INTO temp.scope_candidate SELECT tbl, id FROM temp.scope_evict",
        [],
    )?;
    conn.execute(
        "DELETE FROM temp.scope_evict WHERE (tbl, id) IN
           (SELECT tbl, row_id FROM change_log WHERE origin = ?1 AND origin_seq > ?2)",
        rusqlite::params![me, acked],
    )?;
    keep_referenced(conn)?;
    let kept: Vec<(String, String)> = conn
        .prepare(
            "SELECT tbl, id FROM temp.scope_candidate
             EXCEPT SELECT tbl, id FROM temp.scope_evict ORDER BY 1, 2",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    forget_index(conn)?;
    for table in ["field_clock", "field_history", "sync_conflict"] {
        conn.execute(
            &format!(
                "DELETE FROM {table} WHERE (tbl, row_id) IN (SELECT tbl, id FROM temp.scope_evict)"
            ),
            [],
        )?;
    }
    conn.execute(
        "DELETE FROM change_log WHERE origin <> ?1
           AND (tbl, row_id) IN (SELECT tbl, id FROM temp.scope_evict)",
        [me],
    )?;
    conn.execute(
        "DELETE FROM held_change WHERE
           (json_extract(change, '$.table'), json_extract(change, '$.row_id'))
           IN (SELECT tbl, id FROM temp.scope_evict)",
        [],
    )?;
    let mut rows = 0;
    for t in TABLES.iter().rev() {
        rows += conn.execute(
            &format!(
                "DELETE FROM {0} WHERE id IN (SELECT id FROM temp.scope_evict WHERE tbl = '{0}')",
                t.name
            ),
            [],
        )?;
    }
    conn.execute_batch("DELETE FROM temp.scope_evict; DELETE FROM temp.scope_candidate;")?;
    let ev = Evicted {
        rows,
        kept: kept.len(),
    };
    Ok((ev, kept))
}

/// Own unsent changes to rows of `site` (a site with any is not fetched again: the office's
/// checksum cannot match until they are pushed).
pub fn pending_in(store: &Store, site: &str) -> Result<i64> {
    let conn = store.conn();
    let acked = super::acknowledged(store)?;
    let sites = scope::json_list(std::iter::once(&site.to_string()));
    let mut n = 0;
    for r in RULES {
        let Reach::Sites(arms) = &r.reach else {
            continue;
        };
        n += conn
            .prepare(&format!(
                "SELECT COUNT(*) FROM change_log c WHERE c.origin = ?1 AND c.origin_seq > ?2
                   AND c.tbl = '{}' AND c.row_id IN
                   (SELECT id FROM ({}) WHERE site IN (SELECT value FROM json_each(?3)))",
                r.table,
                scope::pairs_sql(r, arms)
            ))?
            .query_row(
                rusqlite::params![store.installation(), acked, sites],
                |row| row.get::<_, i64>(0),
            )?;
    }
    Ok(n)
}

/// The candidates: every row all of whose sites are in `drop` (a JSON array), and every `owed`
/// row that still exists and belongs to no site outside `drop`.
fn candidates(conn: &Connection, drop: &str, owed: &[(String, String)]) -> Result<()> {
    for r in RULES {
        let Reach::Sites(arms) = &r.reach else {
            continue;
        };
        let pairs = scope::pairs_sql(r, arms);
        conn.execute(
            &format!(
                "INSERT OR IGNORE INTO temp.scope_evict(tbl, id)
                 SELECT '{}', p.id FROM ({pairs}) p GROUP BY p.id
                 HAVING SUM(p.site IN (SELECT value FROM json_each(?1))) = COUNT(*)",
                r.table
            ),
            [drop],
        )?;
        for (_, id) in owed.iter().filter(|(t, _)| t == r.table) {
            conn.execute(
                &format!(
                    "INSERT OR IGNORE INTO temp.scope_evict(tbl, id)
                     SELECT '{0}', t.id FROM {0} t WHERE t.id = ?2 AND NOT EXISTS
                       (SELECT 1 FROM ({pairs}) p WHERE p.id = t.id
                          AND p.site NOT IN (SELECT value FROM json_each(?1)))",
                    r.table
                ),
                [drop, id.as_str()],
            )?;
        }
    }
    Ok(())
}

/// Take back out of the candidates every row that a staying row refers to, until nothing
/// more moves (a kept work-order event keeps its work order, which keeps its lane, …).
/// Returns how many were taken back.
fn keep_referenced(conn: &Connection) -> Result<usize> {
    let links = foreign_keys(conn)?;
    let mut kept = 0;
    loop {
        let mut moved = 0;
        for (child, col, parent) in &links {
            let any: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM temp.scope_evict WHERE tbl = ?1)",
                [parent],
                |r| r.get(0),
            )?;
            if !any {
                continue;
            }
            moved += conn.execute(
                &format!(
                    "DELETE FROM temp.scope_evict WHERE tbl = '{parent}' AND id IN
                       (SELECT x.{col} FROM {child} x WHERE x.{col} IS NOT NULL AND NOT EXISTS
                         (SELECT 1 FROM temp.scope_evict e WHERE e.tbl = '{child}' AND e.id = x.id))"
                ),
                [],
            )?;
        }
        if moved == 0 {
            return Ok(kept);
        }
        kept += moved;
    }
}

/// (child table, column, parent table) of every foreign key between synced tables, read from
/// the schema; every name is checked against the registry before it reaches SQL.
fn foreign_keys(conn: &Connection) -> Result<Vec<(&'static str, &'static str, &'static str)>> {
    let mut out = Vec::new();
    for t in TABLES {
        let mut st = conn.prepare_cached(
            "SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?1) WHERE \"to\" = 'id'",
        )?;
        let fks = st
            .query_map([t.name], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (parent, col) in fks {
            if let (Some(p), Some(c)) = (registry::table(&parent), t.column(&col)) {
                out.push((t.name, c.name, p.name));
            }
        }
    }
    Ok(out)
}

/// Remove the search-index entries of evicted devices and work-order notes.
fn forget_index(conn: &Connection) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT tbl, id FROM temp.scope_evict
         WHERE tbl IN ('device', 'fault_report', 'service_record')",
    )?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (tbl, id) in rows {
        search::forget(conn, &tbl, &id)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "evict_tests.rs"]
mod tests;
