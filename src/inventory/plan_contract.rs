//! Checking contract rows. A new contract gets the seed contract's fault-level table, no
//! holidays and four inspections a year unless the row says otherwise; a stored one keeps the
//! terms the file has no column for (level table, holidays, billing, exclusions). The
//! covered sites are the customer's, by name (`客户/站点` for another customer's site).

use super::columns::{self, Field};
use super::plan::{settle, Check, ContractRow, Ref, RowCheck, V};
use super::plan_device::column_of;
use crate::domain::contract::{BillingTerms, Contract, ServiceCalendar};
use crate::domain::values::{parse_date, Fen, MAX_NAME_CHARS};

/// The separators of the covered-sites cell.
const SITE_SEPARATORS: [char; 6] = ['、', ',', '，', ';', '；', '\n'];

pub(crate) fn new_contract(today: chrono::NaiveDate) -> Contract {
    Contract {
        id: String::new(),
        number: String::new(),
        customer_id: String::new(),
        name: String::new(),
        start_date: today,
        end_date: today,
        fee: Fen(0),
        calendar: ServiceCalendar::FiveByEight,
        holidays: Vec::new(),
        levels: Contract::standard_levels(),
        inspections_per_year: 4,
        early: None,
        billing: BillingTerms::default(),
        exclusions: Vec::new(),
        site_ids: Vec::new(),
        // The sheet has no SLA columns: a new contract counts response and arrival in its
        // `calendar` (服务时间) column, as every spreadsheet contract did before.
        sla: crate::domain::sla::SlaTerms::default(),
    }
}

/// The id written in place of a row's parent that this import adds: never a stored id, so a
/// comparison with the stored contract sees the change.
fn placeholder(r: &Ref) -> String {
    match r {
        Ref::Id(id) => id.clone(),
        Ref::New(i) => format!("(new {i})"),
        Ref::Broken => "(broken)".into(),
    }
}

impl RowCheck<'_> {
    fn required_date(&mut self, field: Field, core_field: &str) -> Option<chrono::NaiveDate> {
        match self.date(field, core_field) {
            Some(Some(iso)) => parse_date(core_field, &iso).ok(),
            Some(None) => {
                self.problem(field, "不能为空", "must not be empty");
                None
            }
            None => None,
        }
    }
}

impl Check {
    pub(super) fn contract(&mut self, r: &mut RowCheck) {
        let number = r.required(Field::ContractNumber, "contract.number", 64);
        let customer = self.customer_ref(r);
        let stored = number
            .as_ref()
            .and_then(|n| self.stored.contracts.get(n))
            .cloned();
        let mut c = stored.clone().unwrap_or_else(|| new_contract(self.today));
        if let Some(name) = r.required(Field::ContractName, "contract.name", MAX_NAME_CHARS) {
            c.name = name;
        }
        if let Some(d) = r.required_date(Field::StartDate, "contract.start_date") {
            c.start_date = d;
        }
        if let Some(d) = r.required_date(Field::EndDate, "contract.end_date") {
            c.end_date = d;
        }
        if let Some(t) = r.filled(Field::Fee) {
            let t: String = t.chars().filter(|ch| !matches!(ch, ',' | '，')).collect();
            match Fen::parse_yuan("contract.fee", &t) {
                Ok(f) => c.fee = f,
                Err(e) => r.fail(Field::Fee, e),
            }
        }
        if let Some(t) = r.filled(Field::Calendar) {
            match columns::calendar(&t) {
                Ok(cal) => c.calendar = cal,
                Err(e) => r.fail(Field::Calendar, e),
            }
        }
        match r.cell(Field::InspectionsPerYear) {
            V::Text(t) if t.is_empty() => {}
            V::Text(t) => {
                match crate::domain::number::integer(&t).and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => c.inspections_per_year = n,
                    None => r.problem(
                        Field::InspectionsPerYear,
                        format!("应为 1–52 的整数，收到「{t}」"),
                        format!("must be a whole number 1–52, got '{t}'"),
                    ),
                }
            }
            V::Absent | V::Bad => {}
        }
        let sites = match (&customer, r.cell(Field::Sites)) {
            (Some(cust), V::Text(list)) => self.site_list(r, cust, &list),
            (_, V::Absent) => stored
                .as_ref()
                .map(|s| s.site_ids.iter().cloned().map(Ref::Id).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let Some(number) = number else { return };
        if let Some(first) = self.contract_keys.get(&number) {
            let first = first.clone();
            r.problem(
                Field::ContractNumber,
                format!("合同编号「{number}」重复，已在 {first} 出现"),
                format!("contract number '{number}' is given twice, first at {first}"),
            );
            return;
        }
        self.contract_keys.insert(number.clone(), r.at());
        let Some(customer) = customer else { return };
        let broken = customer == Ref::Broken || sites.contains(&Ref::Broken);
        if !r.errors.is_empty() || broken {
            return;
        }
        c.number = number;
        c.customer_id = placeholder(&customer);
        c.site_ids = sites.iter().map(placeholder).collect();
        let c = match c.validated() {
            Ok(c) => c,
            Err(e) => {
                let field = e
                    .field()
                    .and_then(column_of)
                    .unwrap_or(Field::ContractNumber);
                r.fail(field, e);
                return;
            }
        };
        let changed = stored
            .as_ref()
            .is_some_and(|s| !s.changed_fields(&c).is_empty());
        let data = ContractRow {
            customer,
            sites,
            contract: c,
        };
        settle(
            &mut self.plan.contracts,
            r,
            true,
            stored.map(|s| s.id),
            changed,
            data,
        );
    }

    /// The covered sites named in one cell: the customer's sites by name, or `客户/站点`.
    fn site_list(&self, r: &mut RowCheck, customer: &Ref, list: &str) -> Vec<Ref> {
        let mut out: Vec<Ref> = Vec::new();
        for name in list.split(SITE_SEPARATORS).map(str::trim) {
            if name.is_empty() {
                continue;
            }
            let found = match self.find_site(customer, name) {
                Ok(s) => Some(s),
                Err(n) if n > 1 => {
                    r.problem(
                        Field::Sites,
                        format!("该客户有 {n} 个名为「{name}」的站点，无法确定是哪一个"),
                        format!("the customer has {n} sites named '{name}'; cannot tell which"),
                    );
                    continue;
                }
                Err(_) => name.split_once('/').and_then(|(cust, site)| {
                    let cust = self.customer_named(cust.trim())?;
                    self.find_site(&cust, site.trim()).ok()
                }),
            };
            match found {
                Some(s) if !out.contains(&s) => out.push(s),
                Some(_) => {}
                None => r.problem(
                    Field::Sites,
                    format!("该客户没有名为「{name}」的站点（另一客户的站点请写成「客户/站点」）"),
                    format!(
                        "the customer has no site '{name}' (write CUSTOMER/SITE for another customer's site)"
                    ),
                ),
            }
        }
        out
    }

    /// A customer by name, from this import or (when only one has the name) the store.
    fn customer_named(&self, name: &str) -> Option<Ref> {
        if let Some((key, _)) = self.customer_keys.get(name) {
            return Some(key.clone());
        }
        match self.stored.customers.get(name).map(Vec::as_slice) {
            Some([one]) => Some(Ref::Id(one.0.clone())),
            _ => None,
        }
    }
}
