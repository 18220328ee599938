//! Writing a checked plan: parents first, each row through the core's own function for it
//! (`org::add_site`, `devices::update_device`, …), all in the caller's one transaction.

use super::plan::{Action, Item, Plan, Ref};
use super::table::Table;
use super::{rejected, Counts, ImportSummary};
use crate::store::Tx;
use crate::{contracts, devices, org, Error, Result};

impl Plan {
    pub fn summary(&self) -> ImportSummary {
        fn count<T>(items: &[Item<T>]) -> Counts {
            let mut c = Counts::default();
            for i in items {
                match i.action {
                    Action::Add => c.added += 1,
                    Action::Update => c.updated += 1,
                    Action::Unchanged => c.unchanged += 1,
                }
            }
            c
        }
        ImportSummary {
            customers: count(&self.customers),
            sites: count(&self.sites),
            lanes: count(&self.lanes),
            devices: count(&self.devices),
            contracts: count(&self.contracts),
            ..ImportSummary::default()
        }
    }

    /// Write the plan: parents first, each row through the core's own function for it.
    pub fn apply(&self, tx: &Tx, tables: &[Table]) -> Result<()> {
        let place = |t: usize, row: u32| tables.get(t).map_or_else(String::new, |t| t.at(row));
        let fail = |t: usize, row: u32| move |e: Error| rejected(vec![e.at(place(t, row))]);
        let mut customers = Vec::with_capacity(self.customers.len());
        for i in &self.customers {
            let d = &i.data;
            let id = match (&i.action, &i.id) {
                (Action::Add, _) | (_, None) => {
                    org::add_customer(tx, &d.name, d.address.as_deref())
                        .map_err(fail(i.table, i.row))?
                        .id
                }
                (Action::Update, Some(id)) => {
                    org::set_customer_address(tx, id, d.address.as_deref())
                        .map_err(fail(i.table, i.row))?;
                    id.clone()
                }
                (Action::Unchanged, Some(id)) => id.clone(),
            };
            customers.push(id);
        }
        let mut sites = Vec::with_capacity(self.sites.len());
        for i in &self.sites {
            let d = &i.data;
            let id = match (&i.action, &i.id) {
                (Action::Add, _) | (_, None) => {
                    let customer = resolve(&d.customer, &customers)?;
                    org::add_site(tx, &customer, &d.name, d.address.as_deref())
                        .map_err(fail(i.table, i.row))?
                        .id
                }
                (Action::Update, Some(id)) => {
                    org::set_site_address(tx, id, d.address.as_deref())
                        .map_err(fail(i.table, i.row))?;
                    id.clone()
                }
                (Action::Unchanged, Some(id)) => id.clone(),
            };
            sites.push(id);
        }
        let mut lanes = Vec::with_capacity(self.lanes.len());
        for i in &self.lanes {
            let d = &i.data;
            let id = match (&i.action, &i.id) {
                (Action::Add, _) | (_, None) => {
                    let site = resolve(&d.site, &sites)?;
                    org::add_lane(tx, &site, &d.name, &d.code)
                        .map_err(fail(i.table, i.row))?
                        .id
                }
                (Action::Update, Some(id)) => {
                    org::rename_lane(tx, id, &d.name).map_err(fail(i.table, i.row))?;
                    id.clone()
                }
                (Action::Unchanged, Some(id)) => id.clone(),
            };
            lanes.push(id);
        }
        for i in &self.devices {
            let mut input = i.data.input.clone();
            input.lane_id = resolve(&i.data.lane, &lanes)?;
            match (&i.action, &i.id) {
                (Action::Add, _) | (_, None) => {
                    devices::add_device(tx, &input).map_err(fail(i.table, i.row))?;
                }
                (Action::Update, Some(id)) => {
                    devices::update_device(tx, id, &input).map_err(fail(i.table, i.row))?;
                }
                (Action::Unchanged, Some(_)) => {}
            }
        }
        for i in &self.contracts {
            let mut c = i.data.contract.clone();
            c.customer_id = resolve(&i.data.customer, &customers)?;
            c.site_ids = i
                .data
                .sites
                .iter()
                .map(|s| resolve(s, &sites))
                .collect::<Result<_>>()?;
            match i.action {
                Action::Add => {
                    contracts::add_contract(tx, c).map_err(fail(i.table, i.row))?;
                }
                Action::Update => {
                    contracts::update_contract(tx, c).map_err(fail(i.table, i.row))?;
                }
                Action::Unchanged => {}
            }
        }
        Ok(())
    }
}

/// The id a reference stands for once its parents are written.
fn resolve(r: &Ref, made: &[String]) -> Result<String> {
    match r {
        Ref::Id(id) => Ok(id.clone()),
        Ref::New(i) => made
            .get(*i)
            .cloned()
            .ok_or_else(|| Error::Migration("inventory: a parent row was not written".into())),
        Ref::Broken => Err(Error::Migration(
            "inventory: a row with errors was about to be written".into(),
        )),
    }
}
