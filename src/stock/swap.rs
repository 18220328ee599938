//! 备机 (serialised spare units) and RMA: a spare goes out to the lane in place of a faulty
//! unit, which is sent back for repair and tracked until it returns.

use super::ledger::{part, record_movement, MovementInput};
use crate::devices;
use crate::domain::values::*;
use crate::store::{new_id, Store, Tx};
use crate::{Error, Result};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpareUnit {
    pub id: String,
    pub part_id: String,
    pub serial: String,
}

/// Receive a new serialised spare unit into a location.
pub fn receive_unit(
    tx: &Tx,
    part_code: &str,
    serial: &str,
    location: &str,
    condition: &str,
) -> Result<SpareUnit> {
    let p = part(tx.conn(), part_code)?;
    if !p.serialised {
        return Err(Error::invalid(
            "spare_unit.part",
            format!("{} 不是按序列号管理的备机", p.name),
            format!("{} is not a serialised part", p.name),
        ));
    }
    let serial = required_text("spare_unit.serial", serial, MAX_NAME_CHARS)?;
    let taken: Option<String> = tx
        .conn()
        .query_row(
            "SELECT id FROM spare_unit WHERE serial = ?1 AND deleted = 0",
            [&serial],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(Error::invalid(
            "spare_unit.serial",
            format!("备机序列号 {serial} 已存在"),
            format!("a spare unit with serial {serial} already exists"),
        ));
    }
    let u = SpareUnit {
        id: new_id(),
        part_id: p.id.clone(),
        serial,
    };
    tx.insert(
        "spare_unit",
        &u.id,
        &[("part_id", &u.part_id), ("serial", &u.serial)],
    )?;
    record_movement(
        tx,
        &MovementInput {
            kind: "receive".into(),
            part: p.id,
            qty: 1,
            to: Some(location.into()),
            unit_id: Some(u.id.clone()),
            condition: Some(condition.into()),
            ..Default::default()
        },
    )?;
    Ok(u)
}

/// Where a unit is now (its last movement's destination), `None` if it left stock.
pub fn unit_location(conn: &rusqlite::Connection, unit_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT to_location FROM stock_movement WHERE unit_id = ?1 AND deleted = 0 ORDER BY hlc DESC, id DESC LIMIT 1",
            [unit_id],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rma {
    pub id: String,
    pub work_order_id: Option<String>,
    pub device_id: String,
    pub faulty_serial: String,
    pub spare_unit_id: Option<String>,
    pub status: String,
    pub opened_at: String,
    pub returned_at: Option<String>,
}

/// Swap the faulty unit of a work order's device for a spare from `from_location`: the spare
/// is issued to the work order, the device archive takes the spare's serial, and the faulty
/// serial opens an RMA that stays open until the repaired unit comes back.
pub fn swap_unit(
    tx: &Tx,
    work_order_id: &str,
    spare_serial: &str,
    from_location: &str,
) -> Result<Rma> {
    let wo = crate::work_orders::ensure_editable(tx.conn(), work_order_id)?;
    let device_id = wo.device_id.clone().ok_or_else(|| {
        Error::invalid(
            "swap.work_order_id",
            "该工单没有关联设备，无法替换备机",
            "this work order has no device to swap",
        )
    })?;
    let device = devices::device_in(tx.conn(), &device_id)?;
    let unit: SpareUnit = tx
        .conn()
        .query_row(
            "SELECT id, part_id, serial FROM spare_unit WHERE serial = ?1 AND deleted = 0",
            [spare_serial.trim()],
            |r| {
                Ok(SpareUnit {
                    id: r.get(0)?,
                    part_id: r.get(1)?,
                    serial: r.get(2)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("spare_unit", spare_serial))?;
    let loc = super::ledger::location(tx.conn(), from_location)?;
    if unit_location(tx.conn(), &unit.id)?.as_deref() != Some(loc.id.as_str()) {
        return Err(Error::InsufficientStock {
            part: format!("备机 {}", unit.serial),
            location: loc.name,
            on_hand: 0,
            requested: 1,
        });
    }
    record_movement(
        tx,
        &MovementInput {
            kind: "issue".into(),
            part: unit.part_id.clone(),
            qty: 1,
            from: Some(loc.id.clone()),
            work_order_id: Some(wo.id.clone()),
            unit_id: Some(unit.id.clone()),
            note: Some(format!("备机替换 {}", device.code)),
            ..Default::default()
        },
    )?;
    let rma = Rma {
        id: new_id(),
        work_order_id: Some(wo.id.clone()),
        device_id: device.id.clone(),
        faulty_serial: device.serial.clone(),
        spare_unit_id: Some(unit.id.clone()),
        status: "awaiting_shipment".into(),
        opened_at: tx.now().to_rfc3339(),
        returned_at: None,
    };
    tx.insert(
        "rma",
        &rma.id,
        &[
            ("work_order_id", &rma.work_order_id),
            ("device_id", &rma.device_id),
            ("faulty_serial", &rma.faulty_serial),
            ("spare_unit_id", &rma.spare_unit_id),
            ("opened_at", &rma.opened_at),
        ],
    )?;
    devices::set_serial(
        tx,
        &device.id,
        &unit.serial,
        &format!(
            "备机替换：故障件 SN {} 返厂维修（RMA），装上备机 SN {}",
            device.serial, unit.serial
        ),
        Some(&wo.id),
    )?;
    Ok(rma)
}

/// Take back a loan unit (借用备机): the device's own unit is back from repair (its RMA is
/// `returned` and the unit is in `from_location`), so it goes back into the device and the spare
/// that stood in for it returns to `to_location`, in the condition it went out in. Refused while
/// the original is not back, or when the spare is no longer what the device holds.
pub fn take_back_loan(
    tx: &Tx,
    work_order_id: &str,
    original_serial: &str,
    from_location: &str,
    to_location: &str,
) -> Result<Rma> {
    let wo = crate::work_orders::ensure_editable(tx.conn(), work_order_id)?;
    let device_id = wo.device_id.clone().ok_or_else(|| {
        Error::invalid(
            "swap.work_order_id",
            "该工单没有关联设备，无法换回原设备",
            "this work order has no device to swap back",
        )
    })?;
    let device = devices::device_in(tx.conn(), &device_id)?;
    let original = original_serial.trim();
    let rma_id: String = tx
        .conn()
        .query_row(
            "SELECT id FROM rma WHERE device_id = ?1 AND faulty_serial = ?2 AND deleted = 0
             ORDER BY opened_at DESC LIMIT 1",
            [&device.id, original],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("rma", original))?;
    let rma = rma_in(tx.conn(), &rma_id)?;
    if rma.status != "returned" {
        return Err(Error::refused(
            "original_not_back",
            format!("原设备 SN {original} 尚未修复返回（返厂状态：{}），借用备机暂不能取回", rma.status),
            format!("the original unit SN {original} is not back from repair yet ({}): the loan unit stays", rma.status),
        ));
    }
    let loan: SpareUnit = match &rma.spare_unit_id {
        Some(u) => tx.conn().query_row(
            "SELECT id, part_id, serial FROM spare_unit WHERE id = ?1",
            [u],
            |r| {
                Ok(SpareUnit {
                    id: r.get(0)?,
                    part_id: r.get(1)?,
                    serial: r.get(2)?,
                })
            },
        )?,
        None => return Err(Error::not_found("spare_unit", original)),
    };
    if device.serial != loan.serial {
        return Err(Error::refused(
            "loan_not_installed",
            format!(
                "设备 {} 现装的是 SN {}，不是借用备机 SN {}",
                device.code, device.serial, loan.serial
            ),
            format!(
                "device {} now holds SN {}, not the loan unit SN {}",
                device.code, device.serial, loan.serial
            ),
        ));
    }
    let own: String = tx
        .conn()
        .query_row(
            "SELECT id FROM spare_unit WHERE serial = ?1 AND deleted = 0",
            [original],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("spare_unit", original))?;
    let from = super::ledger::location(tx.conn(), from_location)?;
    if unit_location(tx.conn(), &own)?.as_deref() != Some(from.id.as_str()) {
        return Err(Error::InsufficientStock {
            part: format!("原设备 {original}"),
            location: from.name,
            on_hand: 0,
            requested: 1,
        });
    }
    let to = super::ledger::location(tx.conn(), to_location)?;
    for (kind, unit, src, dst) in [
        ("issue", &own, Some(from.id.clone()), None),
        ("receive", &loan.id, None, Some(to.id.clone())),
    ] {
        record_movement(
            tx,
            &MovementInput {
                kind: kind.into(),
                part: loan.part_id.clone(),
                qty: 1,
                from: src,
                to: dst,
                work_order_id: (kind == "issue").then(|| wo.id.clone()),
                unit_id: Some(unit.clone()),
                note: Some(format!("取回借用备机 {}", device.code)),
                ..Default::default()
            },
        )?;
    }
    devices::set_serial(
        tx,
        &device.id,
        original,
        &format!(
            "取回借用备机 SN {}，装回修复的原设备 SN {original}",
            loan.serial
        ),
        Some(&wo.id),
    )?;
    Ok(rma)
}

/// Move an RMA along: `at_factory` when shipped, `returned` when the repaired unit is back —
/// it then enters `to_location` as a refurbished spare unit.
pub fn advance_rma(tx: &Tx, rma_id: &str, status: &str, to_location: Option<&str>) -> Result<Rma> {
    let mut rma = rma_in(tx.conn(), rma_id)?;
    let allowed = matches!(
        (rma.status.as_str(), status),
        ("awaiting_shipment", "at_factory") | ("at_factory", "returned")
    );
    if !allowed {
        return Err(Error::IllegalTransition {
            id: rma.id.clone(),
            from: rma.status.clone(),
            to: status.to_string(),
        });
    }
    rma.status = status.to_string();
    let step: i64 = if status == "returned" { 2 } else { 1 };
    if status == "returned" {
        let loc = to_location.ok_or_else(|| {
            Error::invalid(
                "rma.to_location",
                "返厂件返回需要入库库位",
                "a returned unit needs a location",
            )
        })?;
        rma.returned_at = Some(tx.now().to_rfc3339());
        let part_id: Option<String> = match &rma.spare_unit_id {
            Some(u) => tx
                .conn()
                .query_row("SELECT part_id FROM spare_unit WHERE id = ?1", [u], |r| {
                    r.get(0)
                })
                .optional()?,
            None => None,
        };
        if let Some(p) = part_id {
            return_unit(tx, &p, &rma.faulty_serial, loc)?;
        }
    }
    // The RMA's status is derived from these events, never overwritten.
    tx.insert(
        "rma_event",
        &new_id(),
        &[
            ("rma_id", &rma.id),
            ("status", &rma.status),
            ("step", &step),
            ("at", &tx.now().to_rfc3339()),
            ("note", &None::<String>),
        ],
    )?;
    Ok(rma)
}

/// A repaired unit back from the factory enters stock as a refurbished spare. A unit that was
/// itself a spare once (swapped in earlier, then failed) already has its spare record: it is
/// received again under that record instead of a second one with the same serial.
fn return_unit(tx: &Tx, part_id: &str, serial: &str, location: &str) -> Result<()> {
    let existing: Option<String> = tx
        .conn()
        .query_row(
            "SELECT id FROM spare_unit WHERE serial = ?1 AND part_id = ?2 AND deleted = 0",
            [serial, part_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(unit_id) = existing else {
        receive_unit(tx, part_id, serial, location, "refurbished")?;
        return Ok(());
    };
    record_movement(
        tx,
        &MovementInput {
            kind: "receive".into(),
            part: part_id.to_string(),
            qty: 1,
            to: Some(location.into()),
            unit_id: Some(unit_id),
            condition: Some("refurbished".into()),
            ..Default::default()
        },
    )?;
    Ok(())
}

fn rma_in(conn: &rusqlite::Connection, id: &str) -> Result<Rma> {
    conn.query_row(
        "SELECT id, work_order_id, device_id, faulty_serial, spare_unit_id, status, opened_at, returned_at FROM rma_now WHERE (id = ?1 OR faulty_serial = ?1) AND deleted = 0",
        [id],
        |r| {
            Ok(Rma {
                id: r.get(0)?,
                work_order_id: r.get(1)?,
                device_id: r.get(2)?,
                faulty_serial: r.get(3)?,
                spare_unit_id: r.get(4)?,
                status: r.get(5)?,
                opened_at: r.get(6)?,
                returned_at: r.get(7)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::not_found("rma", id))
}

/// RMAs not yet returned.
pub fn open_rmas(store: &Store) -> Result<Vec<Rma>> {
    let ids: Vec<String> = store
        .conn()
        .prepare(
            "SELECT id FROM rma_now WHERE status <> 'returned' AND deleted = 0 ORDER BY opened_at",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| rma_in(store.conn(), id)).collect()
}
