//! Contracts in the store. The structured terms are one JSON column: they are read and
//! written whole, and their rules live in [`crate::domain::contract`].

use crate::domain::contract::*;
use crate::domain::values::Fen;
use crate::store::{new_id, Store, Tx};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// The parts of a contract kept in its `terms` column.
#[derive(Serialize, Deserialize)]
struct Terms {
    holidays: Vec<NaiveDate>,
    levels: Vec<LevelTerms>,
    inspections_per_year: u32,
    early: Option<EarlyInspections>,
    billing: BillingTerms,
    exclusions: Vec<String>,
}

/// The `terms` column of a contract, as JSON.
fn terms_json(c: &Contract) -> Result<String> {
    let terms = Terms {
        holidays: c.holidays.clone(),
        levels: c.levels.clone(),
        inspections_per_year: c.inspections_per_year,
        early: c.early.clone(),
        billing: c.billing.clone(),
        exclusions: c.exclusions.clone(),
    };
    serde_json::to_string(&terms)
        .map_err(|e| Error::invalid("contract.terms", e.to_string(), e.to_string()))
}

/// Store a new contract (validated) and the sites it covers.
pub fn add_contract(tx: &Tx, mut c: Contract) -> Result<Contract> {
    c.id = new_id();
    let c = c.validated()?;
    let terms = terms_json(&c)?;
    if crate::store::key_taken(tx.conn(), "contract", "number", &c.number)? {
        return Err(Error::invalid(
            "contract.number",
            format!("合同编号 {} 已存在", c.number),
            format!("contract number {} already exists", c.number),
        ));
    }
    tx.insert(
        "contract",
        &c.id,
        &[
            ("number", &c.number),
            ("customer_id", &c.customer_id),
            ("name", &c.name),
            ("start_date", &c.start_date),
            ("end_date", &c.end_date),
            ("fee_fen", &c.fee.0),
            ("calendar", &c.calendar.code()),
            ("terms", &terms),
        ],
    )?;
    for site in &c.site_ids {
        let id = new_id();
        tx.insert(
            "contract_site",
            &id,
            &[("contract_id", &c.id), ("site_id", site)],
        )?;
    }
    Ok(c)
}

/// Correct a stored contract to `c` (same id and number): only the columns that differ are
/// written, and the covered sites become exactly `c.site_ids` (new ones added, dropped ones
/// tombstoned). Returns the changed fields as [`Contract::changed_fields`] names them.
pub fn update_contract(tx: &Tx, c: Contract) -> Result<Vec<&'static str>> {
    let now = contract_in(tx.conn(), &c.id)?;
    let c = c.validated()?;
    if c.number != now.number {
        return Err(Error::invalid(
            "contract.number",
            format!("合同编号 {} 不能改为 {}", now.number, c.number),
            format!(
                "contract number {} cannot change to {}",
                now.number, c.number
            ),
        ));
    }
    let changed = now.changed_fields(&c);
    let terms = terms_json(&c)?;
    let calendar = c.calendar.code();
    let all: [(&'static str, &dyn rusqlite::ToSql); 7] = [
        ("customer_id", &c.customer_id),
        ("name", &c.name),
        ("start_date", &c.start_date),
        ("end_date", &c.end_date),
        ("fee_fen", &c.fee.0),
        ("calendar", &calendar),
        ("terms", &terms),
    ];
    let cols: Vec<(&'static str, &dyn rusqlite::ToSql)> = all
        .into_iter()
        .filter(|(name, _)| changed.contains(name))
        .collect();
    if !cols.is_empty() {
        tx.update("contract", &c.id, &cols)?;
    }
    if changed.contains(&"sites") {
        let mut st = tx.conn().prepare(
            "SELECT id, site_id FROM contract_site WHERE contract_id = ?1 AND deleted = 0",
        )?;
        let rows: Vec<(String, String)> = st
            .query_map([&c.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (row_id, site) in &rows {
            if !c.site_ids.contains(site) {
                tx.tombstone("contract_site", row_id)?;
            }
        }
        let mut added: Vec<&String> = Vec::new();
        for site in &c.site_ids {
            if !rows.iter().any(|(_, s)| s == site) && !added.contains(&site) {
                tx.insert(
                    "contract_site",
                    &new_id(),
                    &[("contract_id", &c.id), ("site_id", site)],
                )?;
                added.push(site);
            }
        }
    }
    Ok(changed)
}

/// Every live contract, by number.
pub(crate) fn all_in(conn: &rusqlite::Connection) -> Result<Vec<Contract>> {
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM contract WHERE deleted = 0 ORDER BY number")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| contract_in(conn, id)).collect()
}

pub(crate) fn contract_in(conn: &rusqlite::Connection, id: &str) -> Result<Contract> {
    let row = conn
        .query_row(
            "SELECT id, number, customer_id, name, start_date, end_date, fee_fen, calendar, terms
             FROM contract WHERE (id = ?1 OR number = ?1) AND deleted = 0",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, NaiveDate>(4)?,
                    r.get::<_, NaiveDate>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("contract", id))?;
    let terms: Terms = serde_json::from_str(&row.8).map_err(|e| {
        Error::invalid(
            "contract.terms",
            format!("合同条款损坏：{e}"),
            format!("contract terms are damaged: {e}"),
        )
    })?;
    let mut st =
        conn.prepare("SELECT site_id FROM contract_site WHERE contract_id = ?1 AND deleted = 0")?;
    let site_ids = st
        .query_map([&row.0], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Contract {
        id: row.0,
        number: row.1,
        customer_id: row.2,
        name: row.3,
        start_date: row.4,
        end_date: row.5,
        fee: Fen(row.6),
        calendar: ServiceCalendar::parse(&row.7)?,
        holidays: terms.holidays,
        levels: terms.levels,
        inspections_per_year: terms.inspections_per_year,
        early: terms.early,
        billing: terms.billing,
        exclusions: terms.exclusions,
        site_ids,
    })
}

pub fn contract(store: &Store, id_or_number: &str) -> Result<Contract> {
    contract_in(store.conn(), id_or_number)
}

pub fn contracts(store: &Store) -> Result<Vec<Contract>> {
    let ids: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM contract WHERE deleted = 0 ORDER BY start_date")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| contract(store, id)).collect()
}

/// The contract covering a site on a day, if any (the newest-starting one wins).
pub(crate) fn contract_for_site(
    conn: &rusqlite::Connection,
    site_id: &str,
    day: NaiveDate,
) -> Result<Option<Contract>> {
    let id: Option<String> = conn
        .query_row(
            "SELECT c.id FROM contract c JOIN contract_site cs ON cs.contract_id = c.id
             WHERE cs.site_id = ?1 AND cs.deleted = 0 AND c.deleted = 0
               AND c.start_date <= ?2 AND c.end_date >= ?2
             ORDER BY c.start_date DESC LIMIT 1",
            rusqlite::params![site_id, day],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| contract_in(conn, &id)).transpose()
}
