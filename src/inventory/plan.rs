//! Checking every row before anything is written: each row becomes an item of the plan (add,
//! update or unchanged) or one error per bad cell. Parents are found among what is stored and
//! among the rows of this import, so a file can add a customer, its sites, their lanes and
//! devices at once. The plan is then written by [`Plan::apply`] in one transaction.

use super::columns::{Field, Kind};
use super::table::{Cell, Row, Table};
use super::{problem, rejected};
use crate::domain::contract::Contract;
use crate::domain::device::Device;
use crate::domain::values::{optional_text, required_text};
use crate::{contracts, devices, Error, Result};
use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::HashMap;

/// A parent as a row refers to it: stored, added by this import (index into the plan's items
/// of that kind), or a row of this import with errors of its own (already reported; its
/// children are not reported again for it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Ref {
    Id(String),
    New(usize),
    Broken,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    Add,
    Update,
    Unchanged,
}

/// One good row: what it does, where it came from, and what to write.
pub(super) struct Item<T> {
    pub action: Action,
    /// The stored row's id for an update or unchanged row.
    pub id: Option<String>,
    /// Which table and row (for an error while writing, which validation should prevent).
    pub table: usize,
    pub row: u32,
    pub data: T,
}

pub(super) struct CustomerRow {
    pub name: String,
    pub address: Option<String>,
}

pub(super) struct SiteRow {
    pub customer: Ref,
    pub name: String,
    pub address: Option<String>,
}

pub(super) struct LaneRow {
    pub site: Ref,
    pub code: String,
    pub name: String,
}

pub(super) struct DeviceRow {
    pub lane: Ref,
    pub input: crate::domain::device::DeviceInput,
}

pub(super) struct ContractRow {
    pub customer: Ref,
    pub sites: Vec<Ref>,
    pub contract: Contract,
}

#[derive(Default)]
pub(super) struct Plan {
    pub customers: Vec<Item<CustomerRow>>,
    pub sites: Vec<Item<SiteRow>>,
    pub lanes: Vec<Item<LaneRow>>,
    pub devices: Vec<Item<DeviceRow>>,
    pub contracts: Vec<Item<ContractRow>>,
}

/// Stored rows sharing one key: (id, address). Usually one; several is an ambiguity to report.
type Named = Vec<(String, Option<String>)>;

/// What is stored, indexed by natural key.
#[derive(Default)]
pub(super) struct Stored {
    pub customers: HashMap<String, Named>,
    /// By (customer id, site name).
    pub sites: HashMap<(String, String), Named>,
    /// By (site id, upper-case lane code): (id, name).
    pub lanes: HashMap<(String, String), Vec<(String, String)>>,
    pub devices: HashMap<String, Device>,
    pub contracts: HashMap<String, Contract>,
}

impl Stored {
    fn load(conn: &Connection) -> Result<Stored> {
        let mut s = Stored::default();
        let mut st = conn.prepare("SELECT id, name, address FROM customer WHERE deleted = 0")?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        for row in rows {
            let (id, name, address) = row?;
            s.customers.entry(name).or_default().push((id, address));
        }
        let mut st =
            conn.prepare("SELECT id, customer_id, name, address FROM site WHERE deleted = 0")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        for row in rows {
            let (id, customer, name, address): (String, String, String, Option<String>) = row?;
            s.sites
                .entry((customer, name))
                .or_default()
                .push((id, address));
        }
        let mut st = conn.prepare("SELECT id, site_id, code, name FROM lane WHERE deleted = 0")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        for row in rows {
            let (id, site, code, name): (String, String, String, String) = row?;
            s.lanes
                .entry((site, lane_key(&code)))
                .or_default()
                .push((id, name));
        }
        for d in devices::all_in(conn)? {
            s.devices.insert(d.code.as_str().to_string(), d);
        }
        for c in contracts::all_in(conn)? {
            s.contracts.insert(c.number.clone(), c);
        }
        Ok(s)
    }
}

/// Lane codes compare without case, as [`crate::org::lane`] finds them.
pub(super) fn lane_key(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// The checking state: what is stored, the keys seen so far in this import (with the place of
/// their first row), and every problem.
pub(super) struct Check {
    pub stored: Stored,
    pub today: NaiveDate,
    pub plan: Plan,
    pub errors: Vec<Error>,
    pub customer_keys: HashMap<String, (Ref, String)>,
    pub site_keys: HashMap<(Ref, String), (Ref, String)>,
    pub lane_keys: HashMap<(Ref, String), (Ref, String)>,
    pub device_keys: HashMap<String, String>,
    pub contract_keys: HashMap<String, String>,
}

/// A value read from a row's cell.
pub(super) enum V {
    /// The file has no such column: keep what is stored.
    Absent,
    /// The cell is unusable (reported already).
    Bad,
    /// The cell's text, trimmed (may be empty).
    Text(String),
}

/// One row being checked: where it is, and its errors go to the check's list.
pub(super) struct RowCheck<'t> {
    pub table: &'t Table,
    pub t: usize,
    pub row: &'t Row,
    pub errors: Vec<Error>,
}

impl<'t> RowCheck<'t> {
    pub fn at(&self) -> String {
        self.table.at(self.row.number)
    }

    pub fn cell(&mut self, field: Field) -> V {
        let Some(i) = self.table.columns.iter().position(|(f, _)| *f == field) else {
            return V::Absent;
        };
        match self.row.cells.get(i) {
            Some(Cell::Text(t)) => V::Text(t.trim().to_string()),
            Some(Cell::TooLong(n)) => {
                let max = super::MAX_CELL_CHARS;
                self.problem(
                    field,
                    format!("单元格过长：{n} 个字符，最多 {max} 个"),
                    format!("the cell is too long: {n} characters, at most {max}"),
                );
                V::Bad
            }
            Some(Cell::ExcelError(e)) => {
                self.problem(
                    field,
                    format!("单元格是 Excel 错误值 {e}"),
                    format!("the cell holds the Excel error value {e}"),
                );
                V::Bad
            }
            None => V::Text(String::new()),
        }
    }

    pub fn problem(&mut self, field: Field, zh: impl Into<String>, en: impl Into<String>) {
        let heading = self.table.heading(field);
        let at = self.at();
        self.errors.push(problem(&at, &heading, zh, en));
    }

    /// A core error about this row, named by the column `field` (whatever field the core
    /// named: the file's reader knows the column, not the core's field).
    pub fn fail(&mut self, field: Field, e: Error) {
        let (zh, en) = match e {
            Error::Invalid { zh, en, .. } => (zh, en),
            other => (other.message_zh(), other.to_string()),
        };
        self.problem(field, zh, en);
    }

    /// A cell that must not be blank: its text, or `None` (absent, bad, or blank and
    /// reported).
    pub fn filled(&mut self, field: Field) -> Option<String> {
        match self.cell(field) {
            V::Text(t) if t.is_empty() => {
                self.problem(field, "不能为空", "must not be empty");
                None
            }
            V::Text(t) => Some(t),
            V::Absent | V::Bad => None,
        }
    }

    /// A required text cell, checked by the core's rule for `core_field`.
    pub fn required(&mut self, field: Field, core_field: &str, max: usize) -> Option<String> {
        match self.cell(field) {
            V::Text(t) => match required_text(core_field, &t, max) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.fail(field, e);
                    None
                }
            },
            V::Absent | V::Bad => None,
        }
    }

    /// An optional text cell: `None` = column absent or cell bad, `Some(None)` = blank.
    pub fn optional(
        &mut self,
        field: Field,
        core_field: &str,
        max: usize,
    ) -> Option<Option<String>> {
        match self.cell(field) {
            V::Text(t) => match optional_text(core_field, Some(&t), max) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.fail(field, e);
                    None
                }
            },
            V::Absent | V::Bad => None,
        }
    }
}

/// Check every table against the store and each other. All problems → one error listing
/// them; otherwise the plan to write.
pub(super) fn build(conn: &Connection, tables: &[Table], today: NaiveDate) -> Result<Plan> {
    let mut c = Check {
        stored: Stored::load(conn)?,
        today,
        plan: Plan::default(),
        errors: Vec::new(),
        customer_keys: HashMap::new(),
        site_keys: HashMap::new(),
        lane_keys: HashMap::new(),
        device_keys: HashMap::new(),
        contract_keys: HashMap::new(),
    };
    for kind in Kind::ALL {
        for (t, table) in tables.iter().enumerate().filter(|(_, t)| t.kind == kind) {
            for row in &table.rows {
                let mut r = RowCheck {
                    table,
                    t,
                    row,
                    errors: Vec::new(),
                };
                match kind {
                    Kind::Customer => c.customer(&mut r),
                    Kind::Site => c.site(&mut r),
                    Kind::Lane => c.lane(&mut r),
                    Kind::Device => c.device(&mut r),
                    Kind::Contract => c.contract(&mut r),
                }
                c.errors.append(&mut r.errors);
            }
        }
    }
    if !c.errors.is_empty() {
        return Err(rejected(c.errors));
    }
    Ok(c.plan)
}

/// Add, update or unchanged, and the stored id.
fn decide(stored: Option<String>, changed: bool) -> (Action, Option<String>) {
    match stored {
        None => (Action::Add, None),
        Some(id) if changed => (Action::Update, Some(id)),
        Some(id) => (Action::Unchanged, Some(id)),
    }
}

/// File a checked row: with no errors (`ok`), an item of `items` (add, update or unchanged)
/// and the ref its children use; with errors, only the ref (the stored row's, or broken).
pub(super) fn settle<T>(
    items: &mut Vec<Item<T>>,
    r: &RowCheck,
    ok: bool,
    stored: Option<String>,
    changed: bool,
    data: T,
) -> Ref {
    if !ok {
        return stored.map_or(Ref::Broken, Ref::Id);
    }
    let (action, id) = decide(stored, changed);
    let key = child_ref(action, id.as_ref(), items.len());
    items.push(Item {
        action,
        id,
        table: r.t,
        row: r.row.number,
        data,
    });
    key
}

/// The ref a row of this import gives its children.
fn child_ref(action: Action, id: Option<&String>, index: usize) -> Ref {
    match (action, id) {
        (Action::Add, _) | (_, None) => Ref::New(index),
        (_, Some(id)) => Ref::Id(id.clone()),
    }
}
