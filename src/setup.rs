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
use crate::inventory::columns;
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
    let customer_id = by_id_or_name(store, "customer", "site.customer_id", &form.customer_id)?;
    store.write(|tx| org::add_site(tx, &customer_id, &form.name, form.address.as_deref()))
}

/// A live customer or site named by its id (what the forms send) or by its exact name (what a
/// person types at the command line). Two sites of one name are told apart by id.
pub(crate) fn by_id_or_name(
    store: &Store,
    table: &'static str,
    field: &str,
    reference: &str,
) -> Result<String> {
    let r = reference.trim();
    if r.is_empty() {
        return Err(Error::invalid(field, "请选择", "choose one"));
    }
    if live(store, table, r)? {
        return Ok(r.to_string());
    }
    // `table` is one of this module's constants, never user input.
    let sql = format!("SELECT id FROM {table} WHERE name = ?1 AND deleted = 0 LIMIT 2");
    let mut st = store.conn().prepare(&sql)?;
    let ids: Vec<String> = st
        .query_map([r], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::not_found(table, r)),
        _ => Err(Error::invalid(
            field,
            format!("有多个名为「{r}」的记录，请用编号（id）指明"),
            format!("more than one is named '{r}': give its id"),
        )),
    }
}

/// Create a lane at a live site; its code (`L01`) must be new at that site, since people name
/// lanes by site and code.
pub fn create_lane(store: &mut Store, form: &LaneForm) -> Result<Lane> {
    let site_id = by_id_or_name(store, "site", "lane.site_id", &form.site_id)?;
    let code = form.code.trim();
    let taken: bool = store.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM lane WHERE site_id = ?1 AND code = ?2 AND deleted = 0)",
        rusqlite::params![site_id, code],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::invalid(
            "lane.code",
            format!("该站点已有车道 {code}"),
            format!("this site already has a lane {code}"),
        ));
    }
    store.write(|tx| org::add_lane(tx, &site_id, &form.name, code))
}

/// Create a device archive on a live lane (its code must be new; see [`devices::add_device`]).
///
/// The lane may be named as `org::lane` reads it (id, code, `site/code`), and the type, status
/// and confidentiality by code or by their Chinese or English label (道闸, barrier gate), as the
/// inventory import reads them.
pub fn create_device(store: &mut Store, input: &DeviceInput) -> Result<Device> {
    let input = device_input(store, input)?;
    store.write(|tx| devices::add_device(tx, &input))
}

/// Archive a device found at the lane that no archive knew of: as [`create_device`], with a
/// history line saying it was found there ([`devices::add_found_at_lane`]).
pub fn create_device_found_at_lane(store: &mut Store, input: &DeviceInput) -> Result<Device> {
    let input = device_input(store, input)?;
    store.write(|tx| devices::add_found_at_lane(tx, &input))
}

/// `input` with the lane, type, status and confidentiality as their codes.
fn device_input(store: &Store, input: &DeviceInput) -> Result<DeviceInput> {
    let mut input = input.clone();
    if input.lane_id.trim().is_empty() {
        return Err(Error::invalid("device.lane_id", "请选择", "choose one"));
    }
    input.lane_id = org::lane(store, &input.lane_id)?.id;
    input.device_type = columns::device_type(&input.device_type)?.code().to_string();
    if let Some(v) = input.status.as_deref().filter(|v| !v.trim().is_empty()) {
        input.status = Some(columns::device_status(v)?.code().to_string());
    }
    if let Some(v) = input
        .confidentiality
        .as_deref()
        .filter(|v| !v.trim().is_empty())
    {
        input.confidentiality = Some(columns::confidentiality(v)?.code().to_string());
    }
    Ok(input)
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

    #[test]
    fn at_the_command_line_records_are_named_as_people_name_them() {
        let (_d, mut s) = empty();
        let form = |name: &str| CustomerForm {
            name: name.into(),
            ..Default::default()
        };
        create_customer(&mut s, &form("渭南物流园")).expect("customer");
        let site = create_site(
            &mut s,
            &SiteForm {
                customer_id: " 渭南物流园 ".into(),
                name: "渭南物流园卡口".into(),
                address: None,
            },
        )
        .expect("a customer by its name");
        let lane = create_lane(
            &mut s,
            &LaneForm {
                site_id: "渭南物流园卡口".into(),
                name: "1 号进口车道".into(),
                code: "L01".into(),
            },
        )
        .expect("a site by its name");
        assert_eq!(lane.site_id, site.id);
        let dev = create_device(
            &mut s,
            &DeviceInput {
                code: "WN01-L01-BG01".into(),
                device_type: "道闸".into(),
                status: Some("运行正常".into()),
                model: "JSDZ0601".into(),
                manufacturer: "捷顺".into(),
                serial: "JS2401".into(),
                lane_id: "渭南物流园卡口/L01".into(),
                ..Default::default()
            },
        )
        .expect("a lane by site/code and the type by its Chinese label");
        assert_eq!(dev.lane_id, lane.id);
        assert_eq!(dev.device_type.code(), "barrier_gate");

        // Nothing chosen in a form names the field; a name used twice asks for the id.
        let e = create_site(&mut s, &SiteForm::default()).expect_err("no customer chosen");
        assert_eq!(e.field(), Some("site.customer_id"));
        let e = create_device(&mut s, &DeviceInput::default()).expect_err("no lane chosen");
        assert_eq!(e.field(), Some("device.lane_id"));
        let second = create_customer(&mut s, &form("第二客户"))
            .expect("customer")
            .id;
        create_site(
            &mut s,
            &SiteForm {
                customer_id: second,
                name: "渭南物流园卡口".into(),
                address: None,
            },
        )
        .expect("the same site name at another customer");
        let e = create_lane(
            &mut s,
            &LaneForm {
                site_id: "渭南物流园卡口".into(),
                name: "2".into(),
                code: "L02".into(),
            },
        )
        .expect_err("two sites of that name");
        assert_eq!(e.field(), Some("lane.site_id"));
        let e = create_device(
            &mut s,
            &DeviceInput {
                device_type: "风扇".into(),
                lane_id: lane.id.clone(),
                ..Default::default()
            },
        )
        .expect_err("unknown type");
        assert!(e.to_string().contains("风扇"), "{e}");
    }
}
