//! Contracts in the store. The structured terms are one JSON column: they are read and
//! written whole, and their rules live in [`crate::domain::contract`].

use crate::domain::contract::*;
use crate::domain::sla::SlaTerms;
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
    /// Absent in contracts stored before the SLA terms: they read as the default (see
    /// [`crate::domain::sla`]).
    #[serde(default)]
    sla: SlaTerms,
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
        sla: c.sla.clone(),
    };
    serde_json::to_string(&terms)
        .map_err(|e| Error::invalid("contract.terms", e.to_string(), e.to_string()))
}

/// Refuse SLA terms that name a calendar the files in use do not define: its deadlines could
/// not be counted.
fn check_calendars(c: &Contract) -> Result<()> {
    let set = crate::calendar::active();
    for id in c.sla.calendar_ids() {
        if set.get_or_builtin(id).is_none() {
            let known: Vec<&str> = set.calendars().map(|k| k.id.as_str()).collect();
            return Err(Error::invalid(
                "contract.sla",
                format!("未知的服务日历「{id}」，可用：{}", known.join("、")),
                format!(
                    "unknown service calendar {id:?}; known: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Store a new contract (validated) and the sites it covers.
pub fn add_contract(tx: &Tx, mut c: Contract) -> Result<Contract> {
    c.id = new_id();
    let c = c.validated()?;
    check_calendars(&c)?;
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
    check_calendars(&c)?;
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
        let mut st = tx.conn().prepare_cached(
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
        .prepare_cached("SELECT id FROM contract WHERE deleted = 0 ORDER BY number")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| contract_in(conn, id)).collect()
}

pub(crate) fn contract_in(conn: &rusqlite::Connection, id: &str) -> Result<Contract> {
    let row = conn
        .prepare_cached(
            "SELECT id, number, customer_id, name, start_date, end_date, fee_fen, calendar, terms
             FROM contract WHERE (id = ?1 OR number = ?1) AND deleted = 0",
        )?
        .query_row([id], |r| {
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
        })
        .optional()?
        .ok_or_else(|| Error::not_found("contract", id))?;
    let terms: Terms = serde_json::from_str(&row.8).map_err(|e| {
        Error::invalid(
            "contract.terms",
            format!("合同条款损坏：{e}"),
            format!("contract terms are damaged: {e}"),
        )
    })?;
    let mut st = conn.prepare_cached(
        "SELECT site_id FROM contract_site WHERE contract_id = ?1 AND deleted = 0",
    )?;
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
        sla: terms.sla,
    })
}

pub fn contract(store: &Store, id_or_number: &str) -> Result<Contract> {
    contract_in(store.conn(), id_or_number)
}

pub fn contracts(store: &Store) -> Result<Vec<Contract>> {
    let ids: Vec<String> = store
        .conn()
        .prepare_cached("SELECT id FROM contract WHERE deleted = 0 ORDER BY start_date")?
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
        .prepare_cached(
            "SELECT c.id FROM contract c JOIN contract_site cs ON cs.contract_id = c.id
             WHERE cs.site_id = ?1 AND cs.deleted = 0 AND c.deleted = 0
               AND c.start_date <= ?2 AND c.end_date >= ?2
             ORDER BY c.start_date DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![site_id, day], |r| r.get(0))
        .optional()?;
    id.map(|id| contract_in(conn, &id)).transpose()
}

/// One fault level as the fault form offers it: the label, the contract's definition (what
/// counts as this level: 应用系统瘫痪…) and its time limits, so the engineer picks the level
/// the contract means.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LevelChoice {
    pub level: u8,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// The contract's definition, as written in it (Chinese).
    pub definition: String,
    /// An English rendering of the definition where it is one of the standard ones.
    pub definition_en: Option<&'static str>,
    pub response_minutes: i64,
    pub on_site_minutes: i64,
    /// The contract number the terms come from; `None` for the standard table (no contract
    /// covers the lane today).
    pub contract_number: Option<String>,
}

/// English for the definitions of the seed contracts' and the standard fault-level tables.
fn definition_en(zh: &str) -> Option<&'static str> {
    let t: String = zh.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match t.trim_end_matches(['。', '.']) {
        "应用系统瘫痪" => "the application system is down",
        "应用系统无法正常工作" | "系统不能正常工作" => {
            "the application system cannot work normally"
        }
        "局部应用系统异常" | "系统部分异常" => {
            "part of the application system is abnormal"
        }
        "出现事件，但暂时不影响应用系统的运行"
        | "出现事件,但暂时不影响应用系统的运行"
        | "出现事件，尚未影响运行" => "an event occurred, operation not yet affected",
        _ => return None,
    })
}

/// The fault levels for a lane (id or code) with the definitions and limits of the contract
/// covering its site today, or the standard table when none does.
pub fn fault_levels(store: &Store, lane_ref: &str) -> Result<Vec<LevelChoice>> {
    let lane = crate::org::lane(store, lane_ref)?;
    let today = crate::checklist::schedule::local_day(store.now());
    let contract = contract_for_site(store.conn(), &lane.site_id, today)?;
    let (levels, number) = match contract {
        Some(c) => (c.levels.clone(), Some(c.number)),
        None => (Contract::standard_levels(), None),
    };
    Ok(levels
        .into_iter()
        .map(|t| LevelChoice {
            level: t.level.get(),
            label_zh: t.level.label_zh(),
            label_en: t.level.label_en(),
            definition_en: definition_en(&t.definition),
            definition: t.definition,
            response_minutes: t.response_minutes,
            on_site_minutes: t.on_site_minutes,
            contract_number: number.clone(),
        })
        .collect())
}
