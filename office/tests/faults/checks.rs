//! What "converged, nothing duplicated, nothing lost" means, checked after the fault-free
//! rounds: every laptop equals the office record by record; every change a laptop wrote is on
//! the office exactly once with the same content, and its values are in force or kept in the
//! history; every stock movement a laptop recorded is on the office, and no other appeared;
//! nothing is held or left to send.

use crate::dump::{dump, first_difference};
use crate::world::World;
use rusqlite::types::Value;
use weibao::store::changes::{self, Change};
use weibao::store::merge;
use weibao::store::registry::{self, Merge};
use weibao::Store;

type Check = Result<(), String>;

fn count(s: &Store, sql: &str) -> Result<i64, String> {
    count_of(s, sql, &[])
}

fn count_of(s: &Store, sql: &str, p: &[&str]) -> Result<i64, String> {
    s.conn()
        .query_row(sql, rusqlite::params_from_iter(p), |r| r.get(0))
        .map_err(|e| format!("{sql}: {e}"))
}

fn fail(e: impl std::fmt::Display) -> String {
    e.to_string()
}

pub fn converged(w: &mut World) -> Check {
    let office = w.office_store();
    let office_dump = dump(&office);
    let last = changes::last_position(office.conn()).map_err(fail)?;
    bookkeeping_clean(&office, "the office")?;
    for i in 0..w.laptops.len() {
        let s = w.laptops[i].store();
        bookkeeping_clean(s, &format!("laptop {i}"))?;
        let pending = weibao::sync::pending(s).map_err(fail)?;
        let cursor = weibao::sync::pull_cursor(s).map_err(fail)?;
        if pending != 0 || cursor != last {
            return Err(format!(
                "laptop {i}: {pending} changes still to push, cursor {cursor} (office at {last})"
            ));
        }
        each_change_once(s, &office, i)?;
        if let Some(d) = first_difference(&office_dump, &dump(s)) {
            return Err(format!("the office and laptop {i} differ: {d}"));
        }
    }
    nothing_lost(&office)?;
    photos_arrived(w, &office)?;
    movements_once(w, &office)
}

/// Every photo a laptop took is on the office whole, and no laptop waits for a file or has
/// one left to send.
fn photos_arrived(w: &mut World, office: &Store) -> Check {
    for sha in &w.photos {
        let got = office
            .blobs()
            .get(sha)
            .map_err(|e| format!("photo {sha}: {e}"))?;
        if weibao::store::blobs::sha256_hex(&got) != *sha {
            return Err(format!("photo {sha} on the office does not match its hash"));
        }
    }
    for i in 0..w.laptops.len() {
        let s = w.laptops[i].store();
        let pending = weibao::sync::blobs::pending(s).map_err(fail)?;
        let unsent = weibao::sync::blobs::unsent(s).map_err(fail)?;
        if !pending.is_empty() || !unsent.is_empty() {
            return Err(format!(
                "laptop {i}: {} photos pending, {} not sent",
                pending.len(),
                unsent.len()
            ));
        }
    }
    Ok(())
}

/// No change held for a parent, no (origin, seq) twice in the change log.
fn bookkeeping_clean(s: &Store, who: &str) -> Check {
    let held = count(s, "SELECT COUNT(*) FROM held_change")?;
    let doubled = count(
        s,
        "SELECT COUNT(*) FROM (SELECT 1 FROM change_log GROUP BY origin, origin_seq HAVING COUNT(*) > 1)",
    )?;
    match (held, doubled) {
        (0, 0) => Ok(()),
        _ => Err(format!(
            "{who}: {held} changes held, {doubled} (origin, seq) logged twice"
        )),
    }
}

/// Laptop `i`'s own changes, 1…N without a gap, are on the office exactly so.
fn each_change_once(s: &Store, office: &Store, i: usize) -> Check {
    let inst = s.installation();
    let own = changes::from_origin(s.conn(), inst, 0, i64::MAX).map_err(fail)?;
    let there = changes::from_origin(office.conn(), inst, 0, i64::MAX).map_err(fail)?;
    let wrote = changes::last_seq(s.conn(), inst).map_err(fail)?;
    let received = changes::received_through(office.conn(), inst).map_err(fail)?;
    if own.len() as i64 != wrote || received != wrote || there.len() != own.len() {
        return Err(format!(
            "laptop {i} wrote {wrote} changes ({} logged); the office has {} and acknowledges {received}",
            own.len(),
            there.len()
        ));
    }
    for (k, (a, b)) in own.iter().zip(&there).enumerate() {
        if a.change.seq != k as i64 + 1 || a.change != b.change {
            return Err(format!(
                "laptop {i}, change {}: laptop {:?}\n  office {:?}",
                k + 1,
                a.change,
                b.change
            ));
        }
    }
    Ok(())
}

/// Every value a logged change wrote is in force, or kept in the field history (records), or
/// the event is in force with that content or listed as a conflict (events, ledger).
fn nothing_lost(s: &Store) -> Check {
    let conn = s.conn();
    for l in changes::since(conn, 0, i64::MAX).map_err(fail)? {
        let c: Change = l.change;
        let t = registry::table(&c.table).ok_or_else(|| format!("unknown table {}", c.table))?;
        let cols: Vec<&str> = c.fields.keys().map(String::as_str).collect();
        if cols.is_empty() {
            continue;
        }
        let row: Vec<Value> = conn
            .query_row(
                &format!("SELECT {} FROM {} WHERE id = ?1", cols.join(", "), t.name),
                [&c.row_id],
                |r| (0..cols.len()).map(|k| r.get::<_, Value>(k)).collect(),
            )
            .map_err(|e| format!("{} {} by {}/{}: {e}", c.table, c.row_id, c.origin, c.seq))?;
        let in_force = |k: &str, v: &Value| c.fields.get(k) == Some(&merge::value_json(v));
        match t.merge {
            Merge::Record => {
                for (k, v) in cols.iter().zip(&row) {
                    if in_force(k, v) {
                        continue;
                    }
                    let kept = count_of(
                        s,
                        "SELECT COUNT(*) FROM field_history
                         WHERE tbl = ?1 AND row_id = ?2 AND field = ?3 AND hlc = ?4",
                        &[&c.table, &c.row_id, k, &c.hlc],
                    )?;
                    if kept == 0 {
                        return Err(format!(
                            "lost: {}.{k} of {} written by {}/{} at {} is neither in force ({v:?}) nor in the history",
                            c.table, c.row_id, c.origin, c.seq, c.hlc
                        ));
                    }
                }
            }
            Merge::Event | Merge::Ledger => {
                if cols.iter().zip(&row).all(|(k, v)| in_force(k, v)) {
                    continue;
                }
                let listed = count_of(
                    s,
                    "SELECT COUNT(*) FROM sync_conflict WHERE tbl = ?1 AND row_id = ?2 AND hlc = ?3",
                    &[&c.table, &c.row_id, &c.hlc],
                )?;
                if listed == 0 {
                    return Err(format!(
                        "lost: {} {} by {}/{} is neither in force nor kept",
                        c.table, c.row_id, c.origin, c.seq
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The office holds the seed's movements and each one a laptop recorded, and no other.
fn movements_once(w: &World, office: &Store) -> Check {
    let total = count(office, "SELECT COUNT(*) FROM stock_movement")?;
    let want = w.seed_movements() + w.movements.len() as i64;
    if total != want {
        return Err(format!(
            "the office has {total} stock movements, expected {want} ({} made on laptops)",
            w.movements.len()
        ));
    }
    for id in &w.movements {
        let n = count_of(
            office,
            "SELECT COUNT(*) FROM stock_movement WHERE id = ?1",
            &[id],
        )?;
        if n != 1 {
            return Err(format!("stock movement {id} is on the office {n} times"));
        }
    }
    Ok(())
}
