//! Starting from an empty database by hand: a customer (with its contact), a site, a lane and
//! a device, one user action each, from the forms of the desktop app or the CLI.
//!
//! A newcomer without an office to enrol with and without an inventory file must not hit a dead
//! end. Each function checks what the form sent (the fields are named in the errors), checks
//! that the parent exists (a site needs a live customer, …) and that codes do not repeat where
//! people tell things apart by them (a lane code within its site), then writes in one
//! transaction through the same `org`/`devices` functions the inventory import and the demo use.

use serde::{Deserialize, Serialize};

use crate::domain::device::{Device, DeviceInput};
use crate::domain::org::{Customer, Lane, Site};
use crate::store::Store;
use crate::{devices, org, Error, Result};

/// The new-customer form: the customer and, optionally, its contact person.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CustomerForm {
    pub name: String,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SiteForm {
    pub customer_id: String,
    pub name: String,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LaneForm {
    pub site_id: String,
    pub name: String,
    pub code: String,
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn live(store: &Store, table: &str, id: &str) -> Result<bool> {
    // `table` is one of this module's constants, never user input.
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1 AND deleted = 0)");
    Ok(store.conn().query_row(&sql, [id], |r| r.get(0))?)
}

/// Every live customer, by name: what the new-site form offers.
pub fn customers(store: &Store) -> Result<Vec<Customer>> {
    let mut st = store
        .conn()
        .prepare("SELECT id, name, address FROM customer WHERE deleted = 0 ORDER BY name")?;
    let rows = st.query_map([], |r| {
        Ok(Customer {
            id: r.get(0)?,
            name: r.get(1)?,
            address: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Create a customer, and its contact when a name or phone is given (then both are needed).
pub fn create_customer(store: &mut Store, form: &CustomerForm) -> Result<Customer> {
    let taken: bool = store.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM customer WHERE name = ?1 AND deleted = 0)",
        [form.name.trim()],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::invalid(
            "customer.name",
            format!("客户「{}」已存在", form.name.trim()),
            format!("customer '{}' already exists", form.name.trim()),
        ));
    }
    let with_contact = !blank(&form.contact_name) || !blank(&form.contact_phone);
    store.write(|tx| {
        let c = org::add_customer(tx, &form.name, form.address.as_deref())?;
        if with_contact {
            org::add_contact(
                tx,
                &c.id,
                form.contact_name.as_deref().unwrap_or_default(),
                form.contact_phone.as_deref().unwrap_or_default(),
                None,
            )?;
        }
        Ok(c)
    })
}

/// Create a site of a live customer.
pub fn create_site(store: &mut Store, form: &SiteForm) -> Result<Site> {
    if !live(store, "customer", &form.customer_id)? {
        return Err(Error::not_found("customer", &form.customer_id));
    }
    store.write(|tx| org::add_site(tx, &form.customer_id, &form.name, form.address.as_deref()))
}

/// Create a lane at a live site; its code (`L01`) must be new at that site, since people name
/// lanes by site and code.
pub fn create_lane(store: &mut Store, form: &LaneForm) -> Result<Lane> {
    if !live(store, "site", &form.site_id)? {
        return Err(Error::not_found("site", &form.site_id));
    }
    let code = form.code.trim();
    let taken: bool = store.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM lane WHERE site_id = ?1 AND code = ?2 AND deleted = 0)",
        rusqlite::params![form.site_id, code],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::invalid(
            "lane.code",
            format!("该站点已有车道 {code}"),
            format!("this site already has a lane {code}"),
        ));
    }
    store.write(|tx| org::add_lane(tx, &form.site_id, &form.name, code))
}

/// Create a device archive on a live lane (its code must be new; see [`devices::add_device`]).
pub fn create_device(store: &mut Store, input: &DeviceInput) -> Result<Device> {
    store.write(|tx| devices::add_device(tx, input))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn empty() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(&dir.path().join("s.db"), Arc::new(crate::SystemClock)).expect("open");
        (dir, s)
    }

    #[test]
    fn a_newcomer_builds_a_lane_with_a_device_by_hand() {
        let (_d, mut s) = empty();
        let c = create_customer(
            &mut s,
            &CustomerForm {
                name: "咸阳海关".into(),
                contact_name: Some("陈建国".into()),
                contact_phone: Some("029-3321 8888".into()),
                ..Default::default()
            },
        )
        .expect("customer");
        let site = create_site(
            &mut s,
            &SiteForm {
                customer_id: c.id.clone(),
                name: "咸阳机场货运卡口".into(),
                address: None,
            },
        )
        .expect("site");
        let lane_form = LaneForm {
            site_id: site.id.clone(),
            name: "1 号车道".into(),
            code: "L01".into(),
        };
        let lane = create_lane(&mut s, &lane_form).expect("lane");
        let again = create_lane(&mut s, &lane_form).expect_err("same code twice");
        assert_eq!(again.field(), Some("lane.code"));
        let dev = create_device(
            &mut s,
            &DeviceInput {
                code: "XY09-L01-BG01".into(),
                device_type: "barrier_gate".into(),
                model: "BG-3000".into(),
                manufacturer: "捷顺".into(),
                serial: "SN0001".into(),
                lane_id: lane.id.clone(),
                ..Default::default()
            },
        )
        .expect("device");
        assert_eq!(dev.lane_id, lane.id);
        let lanes = org::lanes(&s, Some(site.id.as_str())).expect("lanes");
        assert_eq!(lanes[0].device_count, 1);
    }

    #[test]
    fn bad_forms_name_their_field_and_store_nothing() {
        let (_d, mut s) = empty();
        let e = create_customer(&mut s, &CustomerForm::default()).expect_err("no name");
        assert_eq!(e.field(), Some("customer.name"));
        let e = create_customer(
            &mut s,
            &CustomerForm {
                name: "客户".into(),
                contact_name: Some("陈".into()),
                contact_phone: Some("12".into()),
                ..Default::default()
            },
        )
        .expect_err("bad phone");
        assert_eq!(e.field(), Some("contact.phone"));
        let n: i64 = s
            .conn()
            .query_row("SELECT COUNT(*) FROM customer", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 0, "the customer is not half-created");
        let e = create_site(
            &mut s,
            &SiteForm {
                customer_id: "nope".into(),
                name: "站点".into(),
                address: None,
            },
        )
        .expect_err("no customer");
        assert_eq!(e.kind(), "not_found");
        assert_eq!(e.field(), Some("customer"));
    }
}
