//! Gathering what a bill depends on from the store: the fault day, the device's warranty, the
//! contract covering the site, the parts used at cost, earlier repairs of the device.

use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension};

use super::rules::{Cover, PartUse, Situation, DEFAULT_FIRST_YEAR, DEFAULT_LATER_YEARS};
use super::Stored;
use crate::domain::contract::Contract;
use crate::domain::values::Fen;
use crate::stock::PartCategory;
use crate::work_orders::WorkOrderSummary;
use crate::Result;

fn site_of(conn: &Connection, lane_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT site_id FROM lane WHERE id = ?1", [lane_id], |r| {
            r.get(0)
        })
        .optional()?)
}

fn rates(c: &Contract) -> (Fen, Fen) {
    let first = if c.billing.labour_per_day.0 > 0 {
        c.billing.labour_per_day
    } else {
        DEFAULT_FIRST_YEAR
    };
    (
        first,
        c.billing
            .labour_per_day_later
            .unwrap_or(DEFAULT_LATER_YEARS),
    )
}

/// The site's most recently ended contract, for its rates once no contract covers the day.
fn latest_contract(conn: &Connection, site_id: &str) -> Result<Option<Contract>> {
    let id: Option<String> = conn
        .query_row(
            "SELECT c.id FROM contract c JOIN contract_site cs ON cs.contract_id = c.id
             WHERE cs.site_id = ?1 AND cs.deleted = 0 AND c.deleted = 0
             ORDER BY c.end_date DESC LIMIT 1",
            [site_id],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| crate::contracts::contract_in(conn, &id))
        .transpose()
}

fn parts(conn: &Connection, work_order_id: &str) -> Result<Vec<PartUse>> {
    let mut st = conn.prepare(
        "SELECT p.code, p.name, p.category, SUM(m.qty), p.price_fen FROM stock_movement m
         JOIN part p ON p.id = m.part_id
         WHERE m.work_order_id = ?1 AND m.kind = 'issue' AND m.deleted = 0
         GROUP BY p.id ORDER BY p.code",
    )?;
    let rows = st.query_map([work_order_id], |r| {
        let category: String = r.get(2)?;
        Ok(PartUse {
            code: r.get(0)?,
            name: r.get(1)?,
            // An unknown category (a newer version's) bills as an ordinary part.
            category: PartCategory::parse(&category).unwrap_or(PartCategory::Main),
            qty: r.get(3)?,
            unit_cost: Fen(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Everything [`super::rules::quote`] needs for work order `wo`.
pub(super) fn situation(
    conn: &Connection,
    wo: &WorkOrderSummary,
    stored: &Stored,
) -> Result<Situation> {
    let fault_time: Option<String> = conn
        .query_row(
            "SELECT fault_time FROM fault_report WHERE work_order_id = ?1 AND deleted = 0",
            [&wo.id],
            |r| r.get(0),
        )
        .optional()?;
    let fault_day = fault_time
        .as_deref()
        .and_then(super::fault_day)
        .or_else(|| super::fault_day(&wo.reported_at))
        .unwrap_or_default();
    let mut s = situation_of(
        conn,
        wo.device_id.as_deref(),
        &wo.lane_id,
        fault_day,
        stored,
    )?;
    s.parts = parts(conn, &wo.id)?;
    Ok(s)
}

/// What a bill for a job on `device_id` at `lane_id` on `fault_day` would depend on, before
/// any part is used: also what the office tells a caller before a work order exists.
pub(super) fn situation_of(
    conn: &Connection,
    device_id: Option<&str>,
    lane_id: &str,
    fault_day: NaiveDate,
    stored: &Stored,
) -> Result<Situation> {
    let warranty_end: Option<NaiveDate> = match device_id {
        Some(d) => conn
            .query_row("SELECT warranty_end FROM device WHERE id = ?1", [d], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten()
            .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
        None => None,
    };
    let site = site_of(conn, lane_id)?;
    let covering = match &site {
        Some(s) => crate::contracts::contract_for_site(conn, s, fault_day)?,
        None => None,
    };
    let rates_from = match (&covering, &site) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(s)) => latest_contract(conn, s)?,
        (None, None) => None,
    };
    Ok(Situation {
        fault_day,
        warranty_end,
        contract: covering.as_ref().map(|c| {
            let (first, later) = rates(c);
            Cover {
                number: c.number.clone(),
                start: c.start_date,
                end: c.end_date,
                labour_first_year: first,
                labour_later_years: later,
            }
        }),
        rates: rates_from
            .as_ref()
            .map_or((DEFAULT_FIRST_YEAR, DEFAULT_LATER_YEARS), rates),
        cause: stored.cause,
        parts: Vec::new(),
        labour_half_days: stored.labour_half_days,
        travel: Fen(stored.travel_fen),
        survey: Fen(stored.survey_fen),
    })
}

/// Whether a refurbished part or unit was issued to the job.
pub(super) fn refurbished_used(conn: &Connection, work_order_id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM stock_movement WHERE work_order_id = ?1 AND kind = 'issue'
           AND condition = 'refurbished' AND deleted = 0)",
        [work_order_id],
        |r| r.get(0),
    )?)
}

/// Fault repairs of a device reported within a year before `day`, the one on that day
/// included ("the same fault repaired three times → replace with new").
pub(super) fn repairs_within_a_year(
    conn: &Connection,
    device: &str,
    day: NaiveDate,
) -> Result<i64> {
    let since = day - Duration::days(365);
    let mut st = conn.prepare(
        "SELECT reported_at FROM work_order WHERE device_id = ?1 AND deleted = 0
           AND kind IN ('fault_repair', 'emergency')",
    )?;
    let days: Vec<String> = st
        .query_map([device], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let n = days
        .iter()
        .filter_map(|t| super::fault_day(t))
        .filter(|d| *d > since && *d <= day)
        .count();
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}
