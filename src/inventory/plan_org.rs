//! Checking customer, site and lane rows, and finding the parents other rows name: first
//! among the rows of this import, then in the store. A name two stored rows share is refused
//! as ambiguous rather than guessed.

use super::columns::Field;
use super::plan::{
    child_ref, decide, lane_key, Check, CustomerRow, Item, LaneRow, Ref, RowCheck, SiteRow,
};
use crate::domain::values::MAX_NAME_CHARS;

impl Check {
    pub(super) fn customer(&mut self, r: &mut RowCheck) {
        let name = r.required(Field::CustomerName, "customer.name", MAX_NAME_CHARS);
        let address = r.optional(Field::Address, "customer.address", MAX_NAME_CHARS);
        let Some(name) = name else { return };
        if let Some((_, first)) = self.customer_keys.get(&name) {
            let first = first.clone();
            r.problem(
                Field::CustomerName,
                format!("客户「{name}」重复，已在 {first} 出现"),
                format!("customer '{name}' is given twice, first at {first}"),
            );
            return;
        }
        let stored = match self.stored.customers.get(&name).map(Vec::as_slice) {
            None | Some([]) => None,
            Some([one]) => Some(one.clone()),
            Some(many) => {
                r.problem(
                    Field::CustomerName,
                    format!(
                        "库中有 {} 个名为「{name}」的客户，无法确定是哪一个",
                        many.len()
                    ),
                    format!(
                        "{} stored customers are named '{name}'; cannot tell which",
                        many.len()
                    ),
                );
                None
            }
        };
        let ok = r.errors.is_empty();
        let key = if !ok {
            stored
                .as_ref()
                .map_or(Ref::Broken, |(id, _)| Ref::Id(id.clone()))
        } else {
            let changed = match (&stored, &address) {
                (Some((_, now)), Some(new)) => now != new,
                _ => false,
            };
            let (action, id) = decide(stored.map(|(id, _)| id), changed);
            let index = self.plan.customers.len();
            let key = child_ref(action, id.as_ref(), index);
            self.plan.customers.push(Item {
                action,
                id,
                table: r.t,
                row: r.row.number,
                data: CustomerRow {
                    name: name.clone(),
                    address: address.flatten(),
                },
            });
            key
        };
        self.customer_keys.insert(name, (key, r.at()));
    }

    /// The customer a row names, from this import or the store.
    pub(super) fn customer_ref(&self, r: &mut RowCheck) -> Option<Ref> {
        let name = r.required(Field::CustomerName, "customer.name", MAX_NAME_CHARS)?;
        if let Some((key, _)) = self.customer_keys.get(&name) {
            return Some(key.clone());
        }
        match self.stored.customers.get(&name).map(Vec::as_slice) {
            Some([one]) => Some(Ref::Id(one.0.clone())),
            Some(many) if many.len() > 1 => {
                r.problem(
                    Field::CustomerName,
                    format!(
                        "库中有 {} 个名为「{name}」的客户，无法确定是哪一个",
                        many.len()
                    ),
                    format!(
                        "{} stored customers are named '{name}'; cannot tell which",
                        many.len()
                    ),
                );
                None
            }
            _ => {
                r.problem(
                    Field::CustomerName,
                    format!("客户「{name}」不存在（库中没有，本次导入中也没有）"),
                    format!("no customer '{name}' (neither stored nor in this import)"),
                );
                None
            }
        }
    }

    /// A site of `customer` by name, from this import or the store.
    pub(super) fn find_site(&self, customer: &Ref, name: &str) -> Result<Ref, usize> {
        if let Some((key, _)) = self.site_keys.get(&(customer.clone(), name.to_string())) {
            return Ok(key.clone());
        }
        let Ref::Id(cid) = customer else {
            return Err(0);
        };
        match self
            .stored
            .sites
            .get(&(cid.clone(), name.to_string()))
            .map(Vec::as_slice)
        {
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
            let first = first.clone();
            r.problem(
                Field::SiteName,
                format!("站点「{name}」重复，已在 {first} 出现"),
                format!("site '{name}' is given twice for this customer, first at {first}"),
            );
            return;
        }
        let stored = match &customer {
            Ref::Id(cid) => match self.stored.sites.get(&(cid.clone(), name.clone())) {
                Some(v) if v.len() > 1 => {
                    r.problem(
                        Field::SiteName,
                        format!(
                            "该客户有 {} 个名为「{name}」的站点，无法确定是哪一个",
                            v.len()
                        ),
                        format!(
                            "the customer has {} sites named '{name}'; cannot tell which",
                            v.len()
                        ),
                    );
                    None
                }
                Some(v) => v.first().cloned(),
                None => None,
            },
            _ => None,
        };
        let key = if !r.errors.is_empty() || customer == Ref::Broken {
            stored
                .as_ref()
                .map_or(Ref::Broken, |(id, _)| Ref::Id(id.clone()))
        } else {
            let changed = match (&stored, &address) {
                (Some((_, now)), Some(new)) => now != new,
                _ => false,
            };
            let (action, id) = decide(stored.map(|(id, _)| id), changed);
            let index = self.plan.sites.len();
            let key = child_ref(action, id.as_ref(), index);
            self.plan.sites.push(Item {
                action,
                id,
                table: r.t,
                row: r.row.number,
                data: SiteRow {
                    customer,
                    name,
                    address: address.flatten(),
                },
            });
            key
        };
        self.site_keys.insert(k, (key, r.at()));
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
            let first = first.clone();
            r.problem(
                Field::LaneCode,
                format!("车道「{code}」重复，已在 {first} 出现"),
                format!("lane '{code}' is given twice for this site, first at {first}"),
            );
            return;
        }
        let stored = match &site {
            Ref::Id(sid) => self
                .stored
                .lanes
                .get(&(sid.clone(), lane_key(&code)))
                .and_then(|v| v.first().cloned()),
            _ => None,
        };
        let key = if !r.errors.is_empty() || site == Ref::Broken {
            stored
                .as_ref()
                .map_or(Ref::Broken, |(id, _)| Ref::Id(id.clone()))
        } else {
            let changed = stored.as_ref().is_some_and(|(_, now)| *now != name);
            let (action, id) = decide(stored.map(|(id, _)| id), changed);
            let index = self.plan.lanes.len();
            let key = child_ref(action, id.as_ref(), index);
            self.plan.lanes.push(Item {
                action,
                id,
                table: r.t,
                row: r.row.number,
                data: LaneRow { site, code, name },
            });
            key
        };
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
        if let Ref::Id(sid) = &site {
            if let Some((id, _)) = self
                .stored
                .lanes
                .get(&(sid.clone(), lane_key(&code)))
                .and_then(|v| v.first())
            {
                return Some(Ref::Id(id.clone()));
            }
        }
        r.problem(
            Field::LaneCode,
            format!("该站点没有编号为「{code}」的车道（库中没有，本次导入中也没有）"),
            format!("the site has no lane '{code}' (neither stored nor in this import)"),
        );
        None
    }
}
