//! Minimum stock (最低库存) per part per location, and the parts below it.
//!
//! The minimum is a level the warehouse keeper or the engineer sets for a van or the warehouse;
//! whether a part is low is never stored but computed from the ledger each time, so two vans
//! issuing the last pads offline both see the warning once their movements merge. One row per
//! location and part, its id derived from both: two laptops setting it offline write the same
//! row, and the later value wins.

use super::ledger::{location, part};
use crate::store::{derived_id, Store, Tx};
use crate::{Error, Result};
use rusqlite::Connection;
use serde::Serialize;

/// A van holds tens of a part at most and a warehouse some thousands; a larger figure is a
/// typing slip (an extra zero, a part code in the wrong box).
pub const MAX_MINIMUM: i64 = 100_000;

/// A part at a location, as the minimum and the warning name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartAt {
    pub location_id: String,
    pub location_name: String,
    pub part_id: String,
    pub part_code: String,
    pub part_name: String,
    pub unit: String,
}

impl PartAt {
    /// From the first six columns of a row: location id and name, part id, code, name, unit.
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Self> {
        Ok(PartAt {
            location_id: r.get(0)?,
            location_name: r.get(1)?,
            part_id: r.get(2)?,
            part_code: r.get(3)?,
            part_name: r.get(4)?,
            unit: r.get(5)?,
        })
    }
}

/// The minimum of one part at one location, as set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Minimum {
    #[serde(flatten)]
    pub at: PartAt,
    /// 0 means "no minimum": nothing is ever low against it.
    pub minimum: i64,
    pub set_at: String,
}

/// A part below its minimum at a location: what Today and the stock screen warn about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LowStock {
    #[serde(flatten)]
    pub at: PartAt,
    pub on_hand: i64,
    pub minimum: i64,
    /// How many to bring to reach the minimum again.
    pub shortfall: i64,
}

/// Read a minimum typed by a person ("3", " 12 "): a whole number from 0 to
/// [`MAX_MINIMUM`], named `stock_minimum.minimum` when it is not.
pub fn parse_minimum(text: &str) -> Result<i64> {
    let t = text.trim();
    let n: i64 = t.parse().map_err(|_| {
        Error::invalid(
            "stock_minimum.minimum",
            format!("最低库存应为 0 到 {MAX_MINIMUM} 的整数，而不是「{t}」"),
            format!("the minimum stock must be a whole number from 0 to {MAX_MINIMUM}, not {t:?}"),
        )
    })?;
    check_minimum(n)
}

fn check_minimum(n: i64) -> Result<i64> {
    if (0..=MAX_MINIMUM).contains(&n) {
        Ok(n)
    } else {
        Err(Error::invalid(
            "stock_minimum.minimum",
            format!("最低库存 {n} 超出范围（0 到 {MAX_MINIMUM}）"),
            format!("the minimum stock {n} is out of range (0 to {MAX_MINIMUM})"),
        ))
    }
}

/// Set the minimum of a part (by id or code) at a location (by id or name). 0 clears it.
/// Refused, with nothing written: an unknown location or part, a number out of range.
pub fn set_minimum(tx: &Tx, location_ref: &str, part_ref: &str, minimum: i64) -> Result<Minimum> {
    let minimum = check_minimum(minimum)?;
    let loc = location(tx.conn(), location_ref)?;
    let p = part(tx.conn(), part_ref)?;
    let id = derived_id("stock_minimum", &format!("{}|{}", loc.id, p.id));
    let at = tx.now().to_rfc3339();
    tx.upsert(
        "stock_minimum",
        &id,
        &[
            ("location_id", &loc.id),
            ("part_id", &p.id),
            ("minimum", &minimum),
            ("set_at", &at),
        ],
    )?;
    Ok(Minimum {
        at: PartAt {
            location_id: loc.id,
            location_name: loc.name,
            part_id: p.id,
            part_code: p.code,
            part_name: p.name,
            unit: p.unit,
        },
        minimum,
        set_at: at,
    })
}

/// Every minimum set above 0, at one location or everywhere, by location and part code.
pub fn minimums(conn: &Connection, location_ref: Option<&str>) -> Result<Vec<Minimum>> {
    let loc = location_ref.map(|l| location(conn, l)).transpose()?;
    let mut st = conn.prepare(
        "SELECT l.id, l.name, p.id, p.code, p.name, p.unit, mn.minimum, mn.set_at
         FROM stock_minimum mn
         JOIN stock_location l ON l.id = mn.location_id AND l.deleted = 0
         JOIN part p ON p.id = mn.part_id AND p.deleted = 0
         WHERE mn.deleted = 0 AND mn.minimum > 0 AND (?1 IS NULL OR l.id = ?1)
         ORDER BY l.name, p.code",
    )?;
    let rows = st.query_map([loc.map(|l| l.id)], |r| {
        Ok(Minimum {
            at: PartAt::from_row(r)?,
            minimum: r.get(6)?,
            set_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The parts below their minimum, at one location or everywhere. A part is low when fewer
/// than the minimum are on hand: with a minimum of 2 the warning comes when the second to last
/// pad goes, before the last one does.
pub fn low_stock(conn: &Connection, location_ref: Option<&str>) -> Result<Vec<LowStock>> {
    let loc = location_ref.map(|l| location(conn, l)).transpose()?;
    let mut st = conn.prepare(
        "SELECT l.id, l.name, p.id, p.code, p.name, p.unit, mn.minimum,
                COALESCE((SELECT SUM(CASE WHEN m.to_location = l.id THEN m.qty ELSE -m.qty END)
                          FROM stock_movement m
                          WHERE m.part_id = p.id AND m.deleted = 0
                            AND (m.to_location = l.id OR m.from_location = l.id)), 0) AS q
         FROM stock_minimum mn
         JOIN stock_location l ON l.id = mn.location_id AND l.deleted = 0
         JOIN part p ON p.id = mn.part_id AND p.deleted = 0
         WHERE mn.deleted = 0 AND mn.minimum > 0 AND (?1 IS NULL OR l.id = ?1)
           AND q < mn.minimum
         ORDER BY l.name, p.code",
    )?;
    let rows = st.query_map([loc.map(|l| l.id)], |r| {
        let minimum: i64 = r.get(6)?;
        let on_hand: i64 = r.get(7)?;
        Ok(LowStock {
            at: PartAt::from_row(r)?,
            on_hand,
            minimum,
            shortfall: minimum.saturating_sub(on_hand),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The parts low in the current engineer's own van(s): the warning on Today.
pub fn low_in_my_van(store: &Store) -> Result<Vec<LowStock>> {
    let me = store.current_engineer();
    let mut low = Vec::new();
    for l in super::ledger::locations(store)? {
        if l.engineer_id.as_deref() == Some(me) {
            low.extend(low_stock(store.conn(), Some(&l.id))?);
        }
    }
    Ok(low)
}
