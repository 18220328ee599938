//! Checking customer, site and lane rows, and finding the parents other rows name: first
//! among the rows of this import, then in the store. A key two stored rows share is refused
//! as ambiguous rather than guessed.

use super::columns::Field;
use super::plan::{lane_key, settle, Check, CustomerRow, LaneRow, Ref, RowCheck, SiteRow};
use crate::domain::values::MAX_NAME_CHARS;

/// What a key names, for messages: (Chinese, English, English plural).
type What = (&'static str, &'static str, &'static str);
const CUSTOMER: What = ("客户", "customer", "customers");
const SITE: What = ("站点", "site", "sites");
const LANE: What = ("车道", "lane", "lanes");

impl RowCheck<'_> {
    /// The one stored row among those sharing a key: `Ok(None)` when there is none, `Err`
    /// (reported) when there are several.
    fn the_one<'a, T>(
        &mut self,
        field: Field,
        rows: Option<&'a Vec<T>>,
        name: &str,
        what: What,
    ) -> Result<Option<&'a T>, ()> {
        match rows.map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([one]) => Ok(Some(one)),
            Some(many) => {
                let n = many.len();
                self.problem(
                    field,
                    format!("库中有 {n} 个「{name}」{}，无法确定是哪一个", what.0),
                    format!(
                        "{n} stored {} are called '{name}'; cannot tell which",
                        what.2
                    ),
                );
                Err(())
            }
        }
    }

    /// A key given twice in this import.
    fn twice(&mut self, field: Field, name: &str, what: What, first: &str) {
        self.problem(
            field,
            format!("{}「{name}」重复，已在 {first} 出现", what.0),
            format!("{} '{name}' is given twice, first at {first}", what.1),
        );
    }

    fn unknown(&mut self, field: Field, name: &str, what: What) {
        self.problem(
            field,
            format!("{}「{name}」不存在（库中没有，本次导入中也没有）", what.0),
            format!("no {} '{name}' (neither stored nor in this import)", what.1),
        );
    }
}

impl Check {
    pub(super) fn customer(&mut self, r: &mut RowCheck) {
        let name = r.required(Field::CustomerName, "customer.name", MAX_NAME_CHARS);
        let address = r.optional(Field::Address, "customer.address", MAX_NAME_CHARS);
        let Some(name) = name else { return };
        if let Some((_, first)) = self.customer_keys.get(&name) {
            return r.twice(Field::CustomerName, &name, CUSTOMER, &first.clone());
        }
        let rows = self.stored.customers.get(&name);
        let stored = r
            .the_one(Field::CustomerName, rows, &name, CUSTOMER)
            .ok()
            .flatten()
            .cloned();
        let changed = matches!((&stored, &address), (Some((_, now)), Some(new)) if now != new);
        let ok = r.errors.is_empty();
        let data = CustomerRow {
            name: name.clone(),
            address: address.flatten(),
        };
        let id = stored.map(|(id, _)| id);
        let key = settle(&mut self.plan.customers, r, ok, id, changed, data);
        self.customer_keys.insert(name, (key, r.at()));
    }

    /// The customer a row names, from this import or the store.
    pub(super) fn customer_ref(&self, r: &mut RowCheck) -> Option<Ref> {
        let name = r.required(Field::CustomerName, "customer.name", MAX_NAME_CHARS)?;
        if let Some((key, _)) = self.customer_keys.get(&name) {
            return Some(key.clone());
        }
        let rows = self.stored.customers.get(&name);
        match r.the_one(Field::CustomerName, rows, &name, CUSTOMER) {
            Ok(Some((id, _))) => Some(Ref::Id(id.clone())),
            Ok(None) => {
                r.unknown(Field::CustomerName, &name, CUSTOMER);
                None
            }
            Err(()) => None,
        }
    }

    /// A site of `customer` by name, from this import or the store; `Err(n)`: `n` stored
    /// sites share the name (0: none).
    pub(super) fn find_site(&self, customer: &Ref, name: &str) -> Result<Ref, usize> {
        if let Some((key, _)) = self.site_keys.get(&(customer.clone(), name.to_string())) {
            return Ok(key.clone());
        }
        let Ref::Id(cid) = customer else {
            return Err(0);
        };
        let rows = self.stored.sites.get(&(cid.clone(), name.to_string()));
        match rows.map(Vec::as_slice) {
            Some([one]) => Ok(Ref::Id(one.0.clone())),
            Some(many) => Err(many.len()),
            None => Err(0),
        }
    }

    /// The site a row names (customer, then site name).
    pub(super) fn site_ref(&self, r: &mut RowCheck) -> Option<Ref> {
        let customer = self.customer_ref(r);
        let name = r.required(Field::SiteName, "site.name", MAX_NAME_CHARS)?;
        let customer = customer?;
        if customer == Ref::Broken {
            return Some(Ref::Broken);
        }
        match self.find_site(&customer, &name) {
            Ok(site) => Some(site),
            Err(n) if n > 1 => {
                r.problem(
                    Field::SiteName,
                    format!("该客户有 {n} 个名为「{name}」的站点，无法确定是哪一个"),
                    format!("the customer has {n} sites named '{name}'; cannot tell which"),
                );
                None
            }
            Err(_) => {
                r.problem(
                    Field::SiteName,
                    format!("该客户没有名为「{name}」的站点（库中没有，本次导入中也没有）"),
                    format!(
                        "the customer has no site '{name}' (neither stored nor in this import)"
                    ),
                );
                None
            }
        }
    }

    pub(super) fn site(&mut self, r: &mut RowCheck) {
        let customer = self.customer_ref(r);
        let name = r.required(Field::SiteName, "site.name", MAX_NAME_CHARS);
        let address = r.optional(Field::Address, "site.address", MAX_NAME_CHARS);
        let (Some(customer), Some(name)) = (customer, name) else {
            return;
        };
        let k = (customer.clone(), name.clone());
        if let Some((_, first)) = self.site_keys.get(&k) {
            return r.twice(Field::SiteName, &name, SITE, &first.clone());
        }
        let stored = match &customer {
            Ref::Id(cid) => {
                let rows = self.stored.sites.get(&(cid.clone(), name.clone()));
                r.the_one(Field::SiteName, rows, &name, SITE)
                    .ok()
                    .flatten()
                    .cloned()
            }
            _ => None,
        };
        let changed = matches!((&stored, &address), (Some((_, now)), Some(new)) if now != new);
        let ok = r.errors.is_empty() && customer != Ref::Broken;
        let data = SiteRow {
            customer,
            name,
            address: address.flatten(),
        };
        let id = stored.map(|(id, _)| id);
        let key = settle(&mut self.plan.sites, r, ok, id, changed, data);
        self.site_keys.insert(k, (key, r.at()));
    }

    /// The stored lane of a site with a code (`Err`: several, reported).
    fn stored_lane(
        &self,
        r: &mut RowCheck,
        site: &Ref,
        code: &str,
    ) -> Result<Option<(String, String)>, ()> {
        let Ref::Id(sid) = site else { return Ok(None) };
        let rows = self.stored.lanes.get(&(sid.clone(), lane_key(code)));
        Ok(r.the_one(Field::LaneCode, rows, code, LANE)?.cloned())
    }

    pub(super) fn lane(&mut self, r: &mut RowCheck) {
        let site = self.site_ref(r);
        let code = r.required(Field::LaneCode, "lane.code", 16);
        let name = r.required(Field::LaneName, "lane.name", MAX_NAME_CHARS);
        let (Some(site), Some(code), Some(name)) = (site, code, name) else {
            return;
        };
        let k = (site.clone(), lane_key(&code));
        if let Some((_, first)) = self.lane_keys.get(&k) {
            return r.twice(Field::LaneCode, &code, LANE, &first.clone());
        }
        let stored = self.stored_lane(r, &site, &code).ok().flatten();
        let changed = stored.as_ref().is_some_and(|(_, now)| *now != name);
        let ok = r.errors.is_empty() && site != Ref::Broken;
        let id = stored.map(|(id, _)| id);
        let data = LaneRow { site, code, name };
        let key = settle(&mut self.plan.lanes, r, ok, id, changed, data);
        self.lane_keys.insert(k, (key, r.at()));
    }

    /// The lane a row names (customer, site, lane code).
    pub(super) fn lane_ref(&self, r: &mut RowCheck) -> Option<Ref> {
        let site = self.site_ref(r);
        let code = r.required(Field::LaneCode, "lane.code", 16)?;
        let site = site?;
        if site == Ref::Broken {
            return Some(Ref::Broken);
        }
        if let Some((key, _)) = self.lane_keys.get(&(site.clone(), lane_key(&code))) {
            return Some(key.clone());
        }
        match self.stored_lane(r, &site, &code) {
            Ok(Some((id, _))) => Some(Ref::Id(id)),
            Ok(None) => {
                r.problem(
                    Field::LaneCode,
                    format!("该站点没有编号为「{code}」的车道（库中没有，本次导入中也没有）"),
                    format!("the site has no lane '{code}' (neither stored nor in this import)"),
                );
                None
            }
            Err(()) => None,
        }
    }
}
