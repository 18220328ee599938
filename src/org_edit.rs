//! Correcting the archive by hand at the office (档案维护): a customer's or site's address, a
//! lane's name, and contracts made and corrected one at a time, beside the inventory import
//! that does the same in bulk ([`crate::inventory`]).
//!
//! Names that people find things by stay as they are: a customer's and a site's name (the
//! import and the intake match on them), a lane's code (device codes are built from it), a
//! contract's number and its customer. Everything else goes through the same rules as the
//! import: [`Contract::validated`], known service calendars, covered sites that exist. A
//! correction writes only the fields that differ, so their history says who changed what.
//! A contract's terms (fault levels, SLA limits, billing) are edited as one document by
//! [`crate::contract_terms`]; a new contract starts from the seed contract's terms, as an
//! imported one does.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::contracts::{add_contract, contract_in, update_contract};
use crate::domain::contract::Contract;
use crate::domain::org::{Customer, Lane, Site};
use crate::domain::values::{parse_date, Fen};
use crate::inventory::columns;
use crate::setup::by_id_or_name;
use crate::store::Store;
use crate::{org, Error, Result};

/// What may change of a customer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomerEdit {
    pub address: Option<String>,
}

/// What may change of a site.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SiteEdit {
    pub address: Option<String>,
}

/// What may change of a lane.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LaneEdit {
    pub name: String,
}

/// The contract form: what the inventory's contract sheet has, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContractForm {
    pub number: String,
    /// Id or exact name.
    pub customer_id: String,
    pub name: String,
    /// YYYY-MM-DD.
    pub start_date: String,
    pub end_date: String,
    /// In yuan, as on the contract (`288000`, `28.8万` is not accepted: the import's rule).
    #[serde(default)]
    pub fee_yuan: String,
    /// `5x8`, `7x24` or their Chinese labels, as the import reads them.
    #[serde(default)]
    pub calendar: String,
    /// Ids of the sites the contract covers.
    #[serde(default)]
    pub site_ids: Vec<String>,
}

/// A contract as the office's list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ContractRow {
    pub id: String,
    pub number: String,
    pub customer_id: String,
    pub customer_name: String,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub fee_fen: i64,
    pub calendar: String,
    pub site_ids: Vec<String>,
    pub site_names: Vec<String>,
}

/// What a correction changed (the record's own field names: `name`, `end_date`, `sites`…),
/// and the same named for people.
#[derive(Debug, Clone, Serialize)]
pub struct Edited<T> {
    pub record: T,
    pub changed: Vec<&'static str>,
    pub changed_zh: Vec<String>,
    pub changed_en: Vec<String>,
}

impl<T> Edited<T> {
    /// `changed` of a `table` record, with each field's label (`contract.fee` for the stored
    /// `fee_fen`).
    fn new(table: &str, record: T, changed: Vec<&'static str>) -> Self {
        let key = |f: &str| format!("{table}.{}", f.strip_suffix("_fen").unwrap_or(f));
        Edited {
            changed_zh: changed
                .iter()
                .map(|f| crate::fields::label(&key(f), crate::Lang::Zh))
                .collect(),
            changed_en: changed
                .iter()
                .map(|f| crate::fields::label(&key(f), crate::Lang::En))
                .collect(),
            record,
            changed,
        }
    }
}

fn live_row<T>(
    store: &Store,
    sql: &str,
    id: &str,
    what: &'static str,
    map: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    use rusqlite::OptionalExtension;
    store
        .conn()
        .prepare_cached(sql)?
        .query_row([id], map)
        .optional()?
        .ok_or_else(|| Error::not_found(what, id))
}

fn customer(store: &Store, id: &str) -> Result<Customer> {
    live_row(
        store,
        "SELECT id, name, address FROM customer WHERE id = ?1 AND deleted = 0",
        id,
        "customer",
        |r| {
            Ok(Customer {
                id: r.get(0)?,
                name: r.get(1)?,
                address: r.get(2)?,
            })
        },
    )
}

fn site(store: &Store, id: &str) -> Result<Site> {
    live_row(
        store,
        "SELECT id, customer_id, name, address FROM site WHERE id = ?1 AND deleted = 0",
        id,
        "site",
        |r| {
            Ok(Site {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                name: r.get(2)?,
                address: r.get(3)?,
            })
        },
    )
}

fn lane(store: &Store, id: &str) -> Result<Lane> {
    live_row(
        store,
        "SELECT id, site_id, name, code FROM lane WHERE id = ?1 AND deleted = 0",
        id,
        "lane",
        |r| {
            Ok(Lane {
                id: r.get(0)?,
                site_id: r.get(1)?,
                name: r.get(2)?,
                code: r.get(3)?,
            })
        },
    )
}

/// Correct a customer's address.
pub fn edit_customer(store: &mut Store, id: &str, e: &CustomerEdit) -> Result<Edited<Customer>> {
    let before = customer(store, id)?;
    store.write(|tx| org::set_customer_address(tx, &before.id, e.address.as_deref()))?;
    let record = customer(store, id)?;
    let changed = if record.address != before.address {
        vec!["address"]
    } else {
        Vec::new()
    };
    Ok(Edited::new("customer", record, changed))
}

/// Correct a site's address.
pub fn edit_site(store: &mut Store, id: &str, e: &SiteEdit) -> Result<Edited<Site>> {
    let before = site(store, id)?;
    store.write(|tx| org::set_site_address(tx, &before.id, e.address.as_deref()))?;
    let record = site(store, id)?;
    let changed = if record.address != before.address {
        vec!["address"]
    } else {
        Vec::new()
    };
    Ok(Edited::new("site", record, changed))
}

/// Rename a lane (its code stays).
pub fn edit_lane(store: &mut Store, id: &str, e: &LaneEdit) -> Result<Edited<Lane>> {
    let before = lane(store, id)?;
    store.write(|tx| org::rename_lane(tx, &before.id, &e.name))?;
    let record = lane(store, id)?;
    let changed = if record.name != before.name {
        vec!["name"]
    } else {
        Vec::new()
    };
    Ok(Edited::new("lane", record, changed))
}

/// Every live contract, by number, with its customer's and sites' names.
pub fn contracts(store: &Store) -> Result<Vec<ContractRow>> {
    let conn = store.conn();
    let mut rows = Vec::new();
    for c in crate::contracts::all_in(conn)? {
        let customer_name: String = conn
            .prepare_cached("SELECT name FROM customer WHERE id = ?1")?
            .query_row([&c.customer_id], |r| r.get(0))?;
        let mut site_names = Vec::new();
        for s in &c.site_ids {
            site_names.push(
                conn.prepare_cached("SELECT name FROM site WHERE id = ?1")?
                    .query_row([s], |r| r.get::<_, String>(0))?,
            );
        }
        rows.push(ContractRow {
            id: c.id,
            number: c.number,
            customer_id: c.customer_id,
            customer_name,
            name: c.name,
            start_date: c.start_date,
            end_date: c.end_date,
            fee_fen: c.fee.0,
            calendar: c.calendar.code().to_string(),
            site_ids: c.site_ids,
            site_names,
        });
    }
    Ok(rows)
}

/// The form's fields read onto `c` (a new contract's defaults or the stored one).
fn apply_form(store: &Store, mut c: Contract, f: &ContractForm) -> Result<Contract> {
    c.name = f.name.trim().to_string();
    c.start_date = parse_date("contract.start_date", &f.start_date)?;
    c.end_date = parse_date("contract.end_date", &f.end_date)?;
    let fee: String = f
        .fee_yuan
        .chars()
        .filter(|ch| !matches!(ch, ',' | '，'))
        .collect();
    c.fee = if fee.trim().is_empty() {
        Fen(0)
    } else {
        Fen::parse_yuan("contract.fee", &fee)?
    };
    if !f.calendar.trim().is_empty() {
        c.calendar = columns::calendar(&f.calendar)?;
    }
    let mut sites = Vec::new();
    for s in &f.site_ids {
        let id = by_id_or_name(store, "site", "contract.sites", s).map_err(|_| {
            Error::invalid(
                "contract.sites",
                format!("没有站点「{}」", s.trim()),
                format!("no site '{}'", s.trim()),
            )
        })?;
        if !sites.contains(&id) {
            sites.push(id);
        }
    }
    c.site_ids = sites;
    c.validated()
}

/// Make a contract by hand, with the seed contract's terms to edit next.
pub fn create_contract(store: &mut Store, f: &ContractForm) -> Result<Contract> {
    let customer_id = by_id_or_name(store, "customer", "contract.customer_id", &f.customer_id)
        .map_err(|_| {
            Error::invalid(
                "contract.customer_id",
                "请选择合同的客户",
                "choose the contract's customer",
            )
        })?;
    let today = crate::checklist::schedule::local_day(store.now());
    let mut c = crate::inventory::plan_contract::new_contract(today);
    c.number = f.number.trim().to_string();
    c.customer_id = customer_id;
    let c = apply_form(store, c, f)?;
    store.write(|tx| add_contract(tx, c.clone()))
}

/// Correct a contract's name, period, fee, hours and covered sites. Its number and customer
/// are what it is known by: a different one in the form is refused, naming the field.
pub fn edit_contract(
    store: &mut Store,
    number: &str,
    f: &ContractForm,
) -> Result<Edited<Contract>> {
    let stored = contract_in(store.conn(), number.trim())?;
    if !f.number.trim().is_empty() && f.number.trim() != stored.number {
        return Err(Error::invalid(
            "contract.number",
            format!("合同编号 {} 不能更改", stored.number),
            format!("contract number {} cannot change", stored.number),
        ));
    }
    if !f.customer_id.trim().is_empty() {
        let named = by_id_or_name(store, "customer", "contract.customer_id", &f.customer_id).ok();
        if named.as_deref() != Some(stored.customer_id.as_str()) {
            return Err(Error::invalid(
                "contract.customer_id",
                "合同的客户不能更改：请为新客户另立合同",
                "a contract's customer cannot change: make a new contract for the other customer",
            ));
        }
    }
    let id = stored.id.clone();
    let c = apply_form(store, stored, f)?;
    let changed = store.write(|tx| update_contract(tx, c))?;
    Ok(Edited::new(
        "contract",
        contract_in(store.conn(), &id)?,
        changed,
    ))
}

/// Save a contract's terms from the TOML document a person edited ([`crate::contract_terms`]);
/// the record answered is the document as now stored.
pub fn set_terms(store: &mut Store, number: &str, text: &str) -> Result<Edited<String>> {
    let changed = store.write(|tx| crate::contract_terms::set(tx, number, text))?;
    let now = crate::contract_terms::to_toml(store.conn(), number)?;
    Ok(Edited::new("contract", now, changed))
}

#[cfg(test)]
#[path = "org_edit_tests.rs"]
mod tests;
