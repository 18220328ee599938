//! Locations, parts and movements; on-hand quantities as sums over the ledger.

use super::*;
use crate::domain::values::*;
use crate::store::{new_id, Store, Tx};
use crate::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Location {
    pub id: String,
    pub kind: LocationKind,
    pub name: String,
    pub engineer_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Part {
    pub id: String,
    pub code: String,
    pub name: String,
    pub category: PartCategory,
    pub unit: String,
    pub price: Fen,
    pub serialised: bool,
    pub device_type: Option<String>,
}

pub fn add_location(
    tx: &Tx,
    kind: LocationKind,
    name: &str,
    engineer_id: Option<&str>,
) -> Result<Location> {
    let l = Location {
        id: new_id(),
        kind,
        name: required_text("location.name", name, MAX_NAME_CHARS)?,
        engineer_id: engineer_id.map(str::to_string),
    };
    if crate::store::key_taken(tx.conn(), "stock_location", "name", &l.name)? {
        return Err(Error::invalid(
            "location.name",
            format!("库位「{}」已存在", l.name),
            format!("a stock location named '{}' already exists", l.name),
        ));
    }
    tx.insert(
        "stock_location",
        &l.id,
        &[
            ("kind", &kind.code()),
            ("name", &l.name),
            ("engineer_id", &l.engineer_id),
        ],
    )?;
    Ok(l)
}

/// Add a part to the catalogue. `draft.id` is ignored (a new one is made); text fields are
/// validated and the code is upper-cased.
pub fn add_part(tx: &Tx, draft: Part) -> Result<Part> {
    let p = Part {
        id: new_id(),
        code: required_text("part.code", &draft.code, 64)?.to_ascii_uppercase(),
        name: required_text("part.name", &draft.name, MAX_NAME_CHARS)?,
        unit: required_text("part.unit", &draft.unit, 16)?,
        ..draft
    };
    if crate::store::key_taken(tx.conn(), "part", "code", &p.code)? {
        return Err(Error::invalid(
            "part.code",
            format!("备件编码 {} 已存在", p.code),
            format!("part code {} already exists", p.code),
        ));
    }
    let category = p.category;
    tx.insert(
        "part",
        &p.id,
        &[
            ("code", &p.code),
            ("name", &p.name),
            ("category", &category.code()),
            ("unit", &p.unit),
            ("price_fen", &p.price.0),
            ("serialised", &p.serialised),
            ("device_type", &p.device_type),
        ],
    )?;
    Ok(p)
}

pub fn location(conn: &Connection, id_or_name: &str) -> Result<Location> {
    conn.prepare_cached("SELECT id, kind, name, engineer_id FROM stock_location WHERE (id = ?1 OR name = ?1) AND deleted = 0")?
        .query_row([id_or_name],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)),
    )
    .optional()?
    .ok_or_else(|| Error::not_found("location", id_or_name))
    .and_then(|(id, kind, name, engineer_id)| Ok(Location { id, kind: LocationKind::parse(&kind)?, name, engineer_id }))
}

pub fn locations(store: &Store) -> Result<Vec<Location>> {
    let names: Vec<String> = store
        .conn()
        .prepare_cached("SELECT id FROM stock_location WHERE deleted = 0 ORDER BY kind DESC, name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    names.iter().map(|n| location(store.conn(), n)).collect()
}

pub fn part(conn: &Connection, id_or_code: &str) -> Result<Part> {
    let code = id_or_code.trim().to_ascii_uppercase();
    let row = conn
        .prepare_cached("SELECT id, code, name, category, unit, price_fen, serialised, device_type FROM part WHERE (id = ?1 OR code = ?2) AND deleted = 0")?
        .query_row([id_or_code, &code],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, bool>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("part", id_or_code))?;
    Ok(Part {
        id: row.0,
        code: row.1,
        name: row.2,
        category: PartCategory::parse(&row.3)?,
        unit: row.4,
        price: Fen(row.5),
        serialised: row.6,
        device_type: row.7,
    })
}

/// Quantity of a part at a location: the ledger's sum.
pub fn on_hand(conn: &Connection, location_id: &str, part_id: &str) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT COALESCE(SUM(CASE WHEN to_location = ?1 THEN qty ELSE 0 END), 0)
              - COALESCE(SUM(CASE WHEN from_location = ?1 THEN qty ELSE 0 END), 0)
         FROM stock_movement WHERE deleted = 0 AND part_id = ?2 AND (to_location = ?1 OR from_location = ?1)")?
        .query_row([location_id, part_id],
        |r| r.get(0),
    )?)
}

/// A user's request to move stock. Which of `from`/`to` are needed depends on `kind`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MovementInput {
    pub kind: String,
    pub part: String,
    pub qty: i64,
    pub from: Option<String>,
    pub to: Option<String>,
    pub work_order_id: Option<String>,
    pub unit_id: Option<String>,
    pub condition: Option<String>,
    pub note: Option<String>,
}

/// A movement as a form sends it: the quantity as typed (text or a JSON number, whole or
/// not), checked by the core like every other field.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MovementForm {
    pub kind: String,
    pub part: String,
    pub qty: crate::domain::number::Typed,
    pub from: Option<String>,
    pub to: Option<String>,
    pub work_order_id: Option<String>,
    pub unit_id: Option<String>,
    pub condition: Option<String>,
    pub note: Option<String>,
}

impl MovementForm {
    /// The movement it asks for, or why the quantity is not one (`movement.qty`).
    pub fn input(self) -> Result<MovementInput> {
        let qty = Quantity::parse("movement.qty", &self.qty)?.get();
        Ok(MovementInput {
            kind: self.kind,
            part: self.part,
            qty,
            from: self.from,
            to: self.to,
            work_order_id: self.work_order_id,
            unit_id: self.unit_id,
            condition: self.condition,
            note: self.note,
        })
    }
}

/// [`record_movement`] from a form.
pub fn record_form(tx: &Tx, form: MovementForm) -> Result<Movement> {
    record_movement(tx, &form.input()?)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Movement {
    pub id: String,
    pub kind: MovementKind,
    pub part_id: String,
    pub qty: i64,
    pub from_location: Option<String>,
    pub to_location: Option<String>,
    pub work_order_id: Option<String>,
    pub unit_id: Option<String>,
    pub condition: PartCondition,
    pub at: String,
    pub note: Option<String>,
}

/// Record one movement, refusing any that would take a location below zero.
pub fn record_movement(tx: &Tx, input: &MovementInput) -> Result<Movement> {
    let kind = MovementKind::parse(&input.kind)?;
    let qty = Quantity::new("movement.qty", input.qty)?;
    let part = part(tx.conn(), &input.part)?;
    let loc = |field: &str, v: &Option<String>| -> Result<Option<Location>> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => location(tx.conn(), s).map(Some).map_err(|_| {
                Error::invalid(
                    field,
                    format!("未知库位「{}」", clip(s)),
                    format!("unknown location '{}'", clip(s)),
                )
            }),
        }
    };
    let from = loc("movement.from", &input.from)?;
    let to = loc("movement.to", &input.to)?;
    let need = |ok: bool, field: &str, zh: &str, en: &str| {
        if ok {
            Ok(())
        } else {
            Err(Error::invalid(field, zh, en))
        }
    };
    match kind {
        MovementKind::Receive => need(
            from.is_none() && to.is_some(),
            "movement.to",
            "入库需要目标库位且不能有来源库位",
            "receive needs a destination and no source",
        )?,
        MovementKind::Issue => {
            need(
                from.is_some() && to.is_none(),
                "movement.from",
                "领用需要来源库位",
                "issue needs a source location",
            )?;
            need(
                input.work_order_id.is_some(),
                "movement.work_order_id",
                "领用必须关联工单",
                "issue needs a work order",
            )?;
        }
        MovementKind::Return => need(
            to.is_some(),
            "movement.to",
            "退回需要目标库位",
            "return needs a destination",
        )?,
        MovementKind::Transfer => {
            need(
                from.is_some() && to.is_some(),
                "movement.to",
                "调拨需要来源和目标库位",
                "transfer needs a source and a destination",
            )?;
            need(
                from.as_ref().map(|l| &l.id) != to.as_ref().map(|l| &l.id),
                "movement.to",
                "调拨的来源和目标不能相同",
                "transfer source and destination must differ",
            )?;
        }
        MovementKind::Adjust => need(
            from.is_some() != to.is_some(),
            "movement.from",
            "盘点调整需要且只需要一个库位（盘盈填目标，盘亏填来源）",
            "an adjustment names exactly one location (to for a gain, from for a loss)",
        )?,
    }
    if let Some(wo) = &input.work_order_id {
        crate::work_orders::ensure_editable(tx.conn(), wo)?;
    }
    if let Some(src) = &from {
        let have = on_hand(tx.conn(), &src.id, &part.id)?;
        if have < qty.get() {
            return Err(Error::InsufficientStock {
                part: part.name.clone(),
                location: src.name.clone(),
                on_hand: have,
                requested: qty.get(),
            });
        }
    }
    let condition = match input.condition.as_deref() {
        // A serialised unit keeps the condition it came into stock with: a unit back from
        // repair (RMA) is refurbished wherever it goes next, never printed as new.
        None | Some("") => match &input.unit_id {
            Some(unit) => unit_condition(tx.conn(), unit)?,
            None => PartCondition::New,
        },
        Some(c) => PartCondition::parse(c)?,
    };
    let m = Movement {
        id: new_id(),
        kind,
        part_id: part.id.clone(),
        qty: qty.get(),
        from_location: from.map(|l| l.id),
        to_location: to.map(|l| l.id),
        work_order_id: input.work_order_id.clone(),
        unit_id: input.unit_id.clone(),
        condition,
        at: tx.now().to_rfc3339(),
        note: optional_text("movement.note", input.note.as_deref(), MAX_NOTE_CHARS)?,
    };
    tx.insert(
        "stock_movement",
        &m.id,
        &[
            ("kind", &kind.code()),
            ("part_id", &m.part_id),
            ("qty", &m.qty),
            ("from_location", &m.from_location),
            ("to_location", &m.to_location),
            ("work_order_id", &m.work_order_id),
            ("unit_id", &m.unit_id),
            ("condition", &condition.code()),
            ("at", &m.at),
            ("note", &m.note),
        ],
    )?;
    if kind == MovementKind::Issue {
        if let Some(wo) = &m.work_order_id {
            let dev: Option<String> = tx
                .conn()
                .prepare_cached("SELECT device_id FROM work_order WHERE id = ?1")?
                .query_row([wo], |r| r.get(0))
                .optional()?
                .flatten();
            if let Some(dev) = dev {
                crate::devices::add_event(
                    tx,
                    &dev,
                    "part",
                    &format!("更换/使用备件：{} × {}{}", part.name, m.qty, part.unit),
                    Some(wo),
                )?;
            }
        }
    }
    Ok(m)
}

/// One line of a location's stock.
#[derive(Debug, Clone, Serialize)]
pub struct StockLine {
    pub part_id: String,
    pub part_code: String,
    pub part_name: String,
    pub category: String,
    pub unit: String,
    pub on_hand: i64,
    /// The device type the part fits (`barrier_gate`, …), or `None` for a generic part.
    pub device_type: Option<String>,
    /// The minimum set for this part here ([`super::minimum`]), if any.
    pub minimum: Option<i64>,
    /// Fewer on hand than the minimum: restock.
    pub low: bool,
}

pub fn stock_at(store: &Store, location_id_or_name: &str) -> Result<Vec<StockLine>> {
    let loc = location(store.conn(), location_id_or_name)?;
    lines(store.conn(), &loc.id, None)
}

/// The parts at a location that fit a device: those made for its type, and generic ones
/// (no type). What the work-order screen offers, so a camera repair is not offered gate pads.
pub fn stock_for_device(
    store: &Store,
    location_id_or_name: &str,
    device_id_or_code: &str,
) -> Result<Vec<StockLine>> {
    let loc = location(store.conn(), location_id_or_name)?;
    let device_type: String = store
        .conn()
        .prepare_cached(
            "SELECT device_type FROM device WHERE (id = ?1 OR code = ?1) AND deleted = 0",
        )?
        .query_row([device_id_or_code], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("device", device_id_or_code))?;
    lines(store.conn(), &loc.id, Some(&device_type))
}

fn lines(
    conn: &Connection,
    location_id: &str,
    device_type: Option<&str>,
) -> Result<Vec<StockLine>> {
    // The stock screen (no device) also lists a part with a minimum and none on hand: that is
    // the line that most needs seeing. The work order's offer keeps to parts on hand.
    let mut st = conn.prepare_cached("SELECT p.id, p.code, p.name, p.category, p.unit,
                COALESCE(SUM(CASE WHEN m.to_location = ?1 THEN m.qty WHEN m.from_location = ?1 THEN -m.qty END), 0) AS q,
                p.device_type, mn.minimum
         FROM part p
         LEFT JOIN stock_movement m ON m.part_id = p.id AND m.deleted = 0 AND (m.to_location = ?1 OR m.from_location = ?1)
         LEFT JOIN stock_minimum mn ON mn.part_id = p.id AND mn.location_id = ?1 AND mn.deleted = 0 AND mn.minimum > 0
         WHERE p.deleted = 0 AND (?2 IS NULL OR p.device_type IS NULL OR p.device_type = ?2)
         GROUP BY p.id HAVING q <> 0 OR (?2 IS NULL AND mn.minimum IS NOT NULL) ORDER BY p.code",
    )?;
    let rows = st.query_map(rusqlite::params![location_id, device_type], |r| {
        let on_hand: i64 = r.get(5)?;
        let minimum: Option<i64> = r.get(7)?;
        Ok(StockLine {
            minimum,
            low: minimum.is_some_and(|m| on_hand < m),
            part_id: r.get(0)?,
            part_code: r.get(1)?,
            part_name: r.get(2)?,
            category: r.get(3)?,
            unit: r.get(4)?,
            on_hand: r.get(5)?,
            device_type: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Movements touching a location, newest first by when they happened (`at`; a movement
/// recorded later for an earlier time, or synced from another laptop, sorts by its time, not
/// by when it was written), then by write order.
pub fn movements_at(store: &Store, location_id_or_name: &str, limit: i64) -> Result<Vec<Movement>> {
    let loc = location(store.conn(), location_id_or_name)?;
    let mut st = store.conn().prepare_cached("SELECT id, kind, part_id, qty, from_location, to_location, work_order_id, unit_id, condition, at, note
         FROM stock_movement WHERE deleted = 0 AND (from_location = ?1 OR to_location = ?1)
         ORDER BY julianday(at) DESC, hlc DESC, id DESC LIMIT ?2",
    )?;
    let rows = st.query_map(rusqlite::params![loc.id, limit], |r| {
        Ok((
            r.get::<_, String>(1)?,
            r.get::<_, String>(8)?,
            Movement {
                id: r.get(0)?,
                kind: MovementKind::Receive,
                part_id: r.get(2)?,
                qty: r.get(3)?,
                from_location: r.get(4)?,
                to_location: r.get(5)?,
                work_order_id: r.get(6)?,
                unit_id: r.get(7)?,
                condition: PartCondition::New,
                at: r.get(9)?,
                note: r.get(10)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, cond, m) = row?;
        out.push(Movement {
            kind: MovementKind::parse(&kind)?,
            condition: PartCondition::parse(&cond)?,
            ..m
        });
    }
    Ok(out)
}

/// A part used on a work order, as the report lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartUse {
    pub part_code: String,
    pub part_name: String,
    pub qty: i64,
    pub unit: String,
    pub condition: String,
    pub unit_serial: Option<String>,
}

/// The condition a unit last came into stock with (new when it never did).
fn unit_condition(conn: &Connection, unit_id: &str) -> Result<PartCondition> {
    let c: Option<String> = conn
        .prepare_cached(
            "SELECT condition FROM stock_movement WHERE unit_id = ?1 AND kind = 'receive'
               AND deleted = 0 ORDER BY hlc DESC, id DESC LIMIT 1",
        )?
        .query_row([unit_id], |r| r.get(0))
        .optional()?;
    Ok(c.and_then(|c| PartCondition::parse(&c).ok())
        .unwrap_or(PartCondition::New))
}

pub fn parts_used(conn: &Connection, work_order_id: &str) -> Result<Vec<PartUse>> {
    let mut st = conn.prepare_cached(
        "SELECT p.code, p.name, m.qty, p.unit, m.condition, u.serial FROM stock_movement m
         JOIN part p ON p.id = m.part_id LEFT JOIN spare_unit u ON u.id = m.unit_id
         WHERE m.work_order_id = ?1 AND m.kind = 'issue' AND m.deleted = 0 ORDER BY m.at",
    )?;
    let rows = st.query_map([work_order_id], |r| {
        Ok(PartUse {
            part_code: r.get(0)?,
            part_name: r.get(1)?,
            qty: r.get(2)?,
            unit: r.get(3)?,
            condition: r.get(4)?,
            unit_serial: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
