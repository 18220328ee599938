//! Company, engineers, customers, contacts, sites and lanes in the store.

use crate::domain::org::*;
use crate::domain::values::{optional_text, required_text, Phone, MAX_NAME_CHARS};
use crate::store::{new_id, Store, Tx};
use crate::{Error, Result};
use rusqlite::OptionalExtension;
use serde::Serialize;

pub fn add_company(
    tx: &Tx,
    name: &str,
    address: Option<&str>,
    phone: Option<&str>,
) -> Result<Company> {
    let c = Company {
        id: new_id(),
        name: required_text("company.name", name, MAX_NAME_CHARS)?,
        address: optional_text("company.address", address, MAX_NAME_CHARS)?,
        phone: phone
            .map(|p| Phone::parse("company.phone", p))
            .transpose()?,
    };
    let phone = c.phone.as_ref().map(|p| p.as_str());
    tx.insert(
        "company",
        &c.id,
        &[
            ("name", &c.name),
            ("address", &c.address),
            ("phone", &phone),
        ],
    )?;
    Ok(c)
}

pub fn add_engineer(
    tx: &Tx,
    company_id: &str,
    name: &str,
    phone: Option<&str>,
    prefix: &str,
) -> Result<Engineer> {
    let e = Engineer::new(new_id(), company_id, name, phone, prefix)?;
    let phone = e.phone.as_ref().map(|p| p.as_str());
    tx.insert(
        "engineer",
        &e.id,
        &[
            ("company_id", &e.company_id),
            ("name", &e.name),
            ("phone", &phone),
            ("report_prefix", &e.report_prefix),
        ],
    )?;
    Ok(e)
}

pub fn add_customer(tx: &Tx, name: &str, address: Option<&str>) -> Result<Customer> {
    let c = Customer {
        id: new_id(),
        name: required_text("customer.name", name, MAX_NAME_CHARS)?,
        address: optional_text("customer.address", address, MAX_NAME_CHARS)?,
    };
    tx.insert(
        "customer",
        &c.id,
        &[("name", &c.name), ("address", &c.address)],
    )?;
    Ok(c)
}

pub fn add_contact(
    tx: &Tx,
    customer_id: &str,
    name: &str,
    phone: &str,
    role: Option<&str>,
) -> Result<Contact> {
    let c = Contact::new(new_id(), customer_id, name, phone, role)?;
    tx.insert(
        "contact",
        &c.id,
        &[
            ("customer_id", &c.customer_id),
            ("name", &c.name),
            ("phone", &c.phone.as_str()),
            ("role", &c.role),
        ],
    )?;
    Ok(c)
}

pub fn add_site(tx: &Tx, customer_id: &str, name: &str, address: Option<&str>) -> Result<Site> {
    let s = Site {
        id: new_id(),
        customer_id: customer_id.to_string(),
        name: required_text("site.name", name, MAX_NAME_CHARS)?,
        address: optional_text("site.address", address, MAX_NAME_CHARS)?,
    };
    tx.insert(
        "site",
        &s.id,
        &[
            ("customer_id", &s.customer_id),
            ("name", &s.name),
            ("address", &s.address),
        ],
    )?;
    Ok(s)
}

pub fn add_lane(tx: &Tx, site_id: &str, name: &str, code: &str) -> Result<Lane> {
    let l = Lane {
        id: new_id(),
        site_id: site_id.to_string(),
        name: required_text("lane.name", name, MAX_NAME_CHARS)?,
        code: required_text("lane.code", code, 16)?,
    };
    tx.insert(
        "lane",
        &l.id,
        &[
            ("site_id", &l.site_id),
            ("name", &l.name),
            ("code", &l.code),
        ],
    )?;
    Ok(l)
}

/// Correct a customer's address (its name is how the office finds it, so it stays). Writes
/// nothing when the address is already this.
pub fn set_customer_address(tx: &Tx, id: &str, address: Option<&str>) -> Result<()> {
    let address = optional_text("customer.address", address, MAX_NAME_CHARS)?;
    tx.update("customer", id, &[("address", &address)])
}

/// Correct a site's address; nothing is written when it is already this.
pub fn set_site_address(tx: &Tx, id: &str, address: Option<&str>) -> Result<()> {
    let address = optional_text("site.address", address, MAX_NAME_CHARS)?;
    tx.update("site", id, &[("address", &address)])
}

/// Rename a lane (its code stays: device codes and the office's lists use it).
pub fn rename_lane(tx: &Tx, id: &str, name: &str) -> Result<()> {
    let name = required_text("lane.name", name, MAX_NAME_CHARS)?;
    tx.update("lane", id, &[("name", &name)])
}

pub fn engineer(store: &Store, id: &str) -> Result<Engineer> {
    store
        .conn()
        .query_row(
            "SELECT id, company_id, name, phone, report_prefix FROM engineer WHERE id = ?1 AND deleted = 0",
            [id],
            |r| {
                Ok(Engineer {
                    id: r.get(0)?,
                    company_id: r.get(1)?,
                    name: r.get(2)?,
                    phone: r.get::<_, Option<String>>(3)?.and_then(|p| Phone::parse("engineer.phone", &p).ok()),
                    report_prefix: r.get(4)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("engineer", id))
}

pub fn engineers(store: &Store) -> Result<Vec<Engineer>> {
    let ids: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM engineer WHERE deleted = 0 ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| engineer(store, id)).collect()
}

/// A lane with where it is, as lists and reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct LaneView {
    pub id: String,
    pub name: String,
    pub code: String,
    pub site_id: String,
    pub site_name: String,
    pub customer_id: String,
    pub customer_name: String,
    pub device_count: i64,
}

pub fn lanes(store: &Store, site_id: Option<&str>) -> Result<Vec<LaneView>> {
    let mut st = store.conn().prepare(
        "SELECT l.id, l.name, l.code, s.id, s.name, c.id, c.name,
                (SELECT COUNT(*) FROM device d WHERE d.lane_id = l.id AND d.deleted = 0)
         FROM lane l JOIN site s ON s.id = l.site_id JOIN customer c ON c.id = s.customer_id
         WHERE l.deleted = 0 AND (?1 IS NULL OR s.id = ?1)
         ORDER BY c.name, s.name, l.code",
    )?;
    let rows = st.query_map([site_id], |r| {
        Ok(LaneView {
            id: r.get(0)?,
            name: r.get(1)?,
            code: r.get(2)?,
            site_id: r.get(3)?,
            site_name: r.get(4)?,
            customer_id: r.get(5)?,
            customer_name: r.get(6)?,
            device_count: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A lane by id, or by its code when that names one lane. Lane codes (L01, L02, …) repeat from
/// site to site, so a code shared by several lanes is refused with the candidates listed;
/// `SITE/CODE` (any part of the site's name, then the code) picks one of them.
pub fn lane(store: &Store, id: &str) -> Result<LaneView> {
    let all = lanes(store, None)?;
    let id = id.trim();
    if let Some(l) = all.iter().find(|l| l.id == id) {
        return Ok(l.clone());
    }
    let (site, code) = match id.rsplit_once('/') {
        Some((s, c)) => (Some(s.trim()), c.trim()),
        None => (None, id),
    };
    let found: Vec<&LaneView> = all
        .iter()
        .filter(|l| l.code.eq_ignore_ascii_case(code))
        .filter(|l| site.is_none_or(|s| l.site_name.contains(s)))
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::not_found("lane", id)),
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|l| format!("{}/{}", l.site_name, l.code))
                .collect();
            Err(Error::invalid(
                "lane",
                format!(
                    "车道编号 {code} 不唯一，请写成「站点/车道」：{}",
                    names.join("、")
                ),
                format!(
                    "lane code {code} is used at several sites; write SITE/CODE: {}",
                    names.join(", ")
                ),
            ))
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub id: String,
    pub name: String,
    pub address: Option<String>,
    pub customer_id: String,
    pub customer_name: String,
    pub lane_count: i64,
}

pub fn sites(store: &Store) -> Result<Vec<SiteView>> {
    let mut st = store.conn().prepare(
        "SELECT s.id, s.name, s.address, c.id, c.name,
                (SELECT COUNT(*) FROM lane l WHERE l.site_id = s.id AND l.deleted = 0)
         FROM site s JOIN customer c ON c.id = s.customer_id WHERE s.deleted = 0 ORDER BY c.name, s.name",
    )?;
    let rows = st.query_map([], |r| {
        Ok(SiteView {
            id: r.get(0)?,
            name: r.get(1)?,
            address: r.get(2)?,
            customer_id: r.get(3)?,
            customer_name: r.get(4)?,
            lane_count: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn contacts(store: &Store, customer_id: &str) -> Result<Vec<Contact>> {
    let mut st = store.conn().prepare(
        "SELECT id, customer_id, name, phone, role FROM contact WHERE customer_id = ?1 AND deleted = 0 ORDER BY name",
    )?;
    let rows = st.query_map([customer_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, cid, name, phone, role) = row?;
        out.push(Contact::new(id, &cid, &name, &phone, role.as_deref())?);
    }
    Ok(out)
}
