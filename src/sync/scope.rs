//! Which site a synced row belongs to: the rule that limits an engineer's pull to the sites
//! assigned to them, says which rows leave a laptop when a site is unassigned, and which rows
//! a per-site checksum covers. The core owns the rule; the office server only calls it.
//!
//! Every synced table of the [`registry`](crate::store::registry) has one [`Rule`] (a test proves it, so a new table
//! can neither leak to every engineer nor silently vanish): either **global** (everyone gets
//! every row: the company, engineers, the parts catalogue, stock locations, …) or reached
//! through one or more **arms**, each a SQL join from the row to a site id. A row belongs to
//! every site any arm reaches (a customer with two sites belongs to both); an arm without a
//! site makes the rows it matches global (a stock movement with no work order).
//!
//! The joins read the replica as it is now, so a row follows its parent: a device moved to a
//! lane of another site belongs to that site from then on. Tombstoned rows still belong to
//! their site (a tombstone is a change like any other), and so do tombstoned links (a contract
//! keeps reaching a site it no longer covers, so a work order written under it always finds
//! it).
//!
//! Every table and column name in the SQL built here comes from these constants and the
//! registry, never from the wire; site ids are always bound (as a JSON array).

use crate::store::changes::{self, Logged};
use crate::{Error, Result};
use rusqlite::Connection;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeSet;
use std::sync::OnceLock;

// Checksums and the rows a scope covers are computed from the rules below, in their own file.
pub use super::site_sums::{checksums, rows_in_scope, SiteSum};

/// The sites an engineer may pull: all of them, or a list of site ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Sites(BTreeSet<String>),
}

impl Scope {
    /// `all`, or site ids separated by commas (as `weibao-office engineer add --sites` takes
    /// them); each id must be a UUID.
    pub fn parse(s: &str) -> Result<Scope> {
        let s = s.trim();
        if s == "all" {
            return Ok(Scope::All);
        }
        let mut ids = BTreeSet::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let id = uuid::Uuid::parse_str(part).map_err(|_| {
                Error::invalid(
                    "sites",
                    format!("站点应为 all 或以逗号分隔的站点编号，「{part}」不是编号"),
                    format!(
                        "sites must be 'all' or site ids separated by commas; '{part}' is not an id"
                    ),
                )
            })?;
            ids.insert(id.to_string());
        }
        if ids.is_empty() {
            return Err(Error::invalid(
                "sites",
                "至少指定一个站点，或 all",
                "name at least one site, or all",
            ));
        }
        Ok(Scope::Sites(ids))
    }

    /// The written form: `all`, or the sorted site ids joined by commas.
    pub fn code(&self) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Sites(ids) => ids.iter().cloned().collect::<Vec<_>>().join(","),
        }
    }

    pub fn contains(&self, site: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Sites(ids) => ids.contains(site),
        }
    }
}

/// On the wire: the string `"all"` or an array of site ids.
impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Scope::All => s.serialize_str("all"),
            Scope::Sites(ids) => ids.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Word(String),
            List(BTreeSet<String>),
        }
        match Wire::deserialize(d)? {
            Wire::Word(w) if w == "all" => Ok(Scope::All),
            Wire::Word(w) => Err(serde::de::Error::custom(format!(
                "scope must be \"all\" or a list of site ids, got {w:?}"
            ))),
            Wire::List(ids) => Ok(Scope::Sites(ids)),
        }
    }
}

/// One way from a row to a site: `SELECT {id}, {site} FROM {from} WHERE {cond}` lists the
/// (row id, site id) pairs it makes. `site: None` makes the matched rows global.
#[derive(Debug, Clone, Copy)]
pub struct Arm {
    pub from: &'static str,
    pub id: &'static str,
    pub site: Option<&'static str>,
    pub cond: &'static str,
}

#[derive(Debug)]
pub enum Reach {
    /// Every engineer gets every row.
    Global,
    /// The sites the arms reach (a row reached by none belongs to no site: only `all` gets it).
    Sites(&'static [Arm]),
}

/// How the rows of one synced table reach a site.
#[derive(Debug)]
pub struct Rule {
    pub table: &'static str,
    /// In words, for the documentation and messages.
    pub how: &'static str,
    pub reach: Reach,
}

const fn arm(from: &'static str, id: &'static str, site: &'static str) -> Arm {
    Arm {
        from,
        id,
        site: Some(site),
        cond: "1",
    }
}

const fn global(table: &'static str) -> Rule {
    Rule {
        table,
        how: "global",
        reach: Reach::Global,
    }
}

const fn sites(table: &'static str, how: &'static str, arms: &'static [Arm]) -> Rule {
    Rule {
        table,
        how,
        reach: Reach::Sites(arms),
    }
}

// The arms. `{T}` in `from` stands for the rule's table, aliased `t`.
const ITSELF: &[Arm] = &[arm("{T} t", "t.id", "t.id")];
const ITS_SITE: &[Arm] = &[arm("{T} t", "t.id", "t.site_id")];
const VIA_LANE: &[Arm] = &[arm(
    "{T} t JOIN lane l ON l.id = t.lane_id",
    "t.id",
    "l.site_id",
)];
const VIA_WORK_ORDER: &[Arm] = &[arm(
    "{T} t JOIN work_order w ON w.id = t.work_order_id JOIN lane l ON l.id = w.lane_id",
    "t.id",
    "l.site_id",
)];
const VIA_DEVICE: &[Arm] = &[arm(
    "{T} t JOIN device d ON d.id = t.device_id JOIN lane l ON l.id = d.lane_id",
    "t.id",
    "l.site_id",
)];
const VIA_INSPECTION: &[Arm] = &[arm(
    "{T} t JOIN inspection i ON i.id = t.inspection_id JOIN lane l ON l.id = i.lane_id",
    "t.id",
    "l.site_id",
)];
const VIA_RMA: &[Arm] = &[arm(
    "{T} t JOIN rma r ON r.id = t.rma_id JOIN device d ON d.id = r.device_id \
     JOIN lane l ON l.id = d.lane_id",
    "t.id",
    "l.site_id",
)];
/// A customer's own sites, and the sites its contracts cover (a contract must find its
/// customer wherever it arrives).
const CUSTOMER: &[Arm] = &[
    arm("site s", "s.customer_id", "s.id"),
    arm(
        "contract k JOIN contract_site cs ON cs.contract_id = k.id",
        "k.customer_id",
        "cs.site_id",
    ),
];
const CONTACT: &[Arm] = &[
    arm(
        "{T} t JOIN site s ON s.customer_id = t.customer_id",
        "t.id",
        "s.id",
    ),
    arm(
        "{T} t JOIN contract k ON k.customer_id = t.customer_id \
         JOIN contract_site cs ON cs.contract_id = k.id",
        "t.id",
        "cs.site_id",
    ),
];
const CONTRACT: &[Arm] = &[arm("contract_site cs", "cs.contract_id", "cs.site_id")];
/// A movement with a work order follows its site (it refers to the work order); one without
/// (a receipt, a transfer between stores) changes only shared stock: everyone's.
const STOCK_MOVEMENT: &[Arm] = &[
    Arm {
        from: "{T} t",
        id: "t.id",
        site: None,
        cond: "t.work_order_id IS NULL",
    },
    VIA_WORK_ORDER[0],
];
const PHOTO: &[Arm] = &[VIA_WORK_ORDER[0], VIA_INSPECTION[0]];
/// A status report of one site belongs to that site; one of the whole customer to every site
/// of the customer and every site its contracts cover (as the customer itself does), so each
/// laptop holding any of the customer's sites gets the reports it is shown alongside.
const STATUS_REPORT: &[Arm] = &[
    Arm {
        from: "{T} t",
        id: "t.id",
        site: Some("t.site_id"),
        cond: "t.site_id IS NOT NULL",
    },
    Arm {
        from: "{T} t JOIN site s ON s.customer_id = t.customer_id",
        id: "t.id",
        site: Some("s.id"),
        cond: "t.site_id IS NULL",
    },
    Arm {
        from: "{T} t JOIN contract k ON k.customer_id = t.customer_id \
               JOIN contract_site cs ON cs.contract_id = k.id",
        id: "t.id",
        site: Some("cs.site_id"),
        cond: "t.site_id IS NULL",
    },
];

/// The rule of every synced table, in registry order.
pub static RULES: &[Rule] = &[
    global("company"),
    global("engineer"),
    sites(
        "customer",
        "its sites, and the sites its contracts cover",
        CUSTOMER,
    ),
    sites("contact", "customer → its sites", CONTACT),
    sites("site", "itself", ITSELF),
    sites("lane", "its site", ITS_SITE),
    sites("device", "lane → site", VIA_LANE),
    sites("contract", "the sites it covers (contract_site)", CONTRACT),
    sites("contract_site", "its site", ITS_SITE),
    global("engineer_key"),
    sites("work_order", "lane → site", VIA_LANE),
    sites(
        "work_order_event",
        "work order → lane → site",
        VIA_WORK_ORDER,
    ),
    sites("fault_report", "work order → lane → site", VIA_WORK_ORDER),
    sites("service_record", "work order → lane → site", VIA_WORK_ORDER),
    sites("sla_pause", "work order → lane → site", VIA_WORK_ORDER),
    sites("device_event", "device → lane → site", VIA_DEVICE),
    sites("archive_access", "device → lane → site", VIA_DEVICE),
    global("stock_location"),
    global("part"),
    global("spare_unit"),
    sites(
        "stock_movement",
        "work order → lane → site; global without a work order",
        STOCK_MOVEMENT,
    ),
    sites("rma", "device → lane → site", VIA_DEVICE),
    sites("rma_event", "RMA → device → lane → site", VIA_RMA),
    sites("inspection", "lane → site", VIA_LANE),
    sites(
        "inspection_item",
        "inspection → lane → site",
        VIA_INSPECTION,
    ),
    sites(
        "inspection_answer",
        "inspection → lane → site",
        VIA_INSPECTION,
    ),
    sites(
        "inspection_fault",
        "inspection → lane → site",
        VIA_INSPECTION,
    ),
    sites("photo", "work order or inspection → lane → site", PHOTO),
    sites(
        "customer_signature",
        "work order → lane → site",
        VIA_WORK_ORDER,
    ),
    sites(
        "phone_confirmation",
        "work order → lane → site",
        VIA_WORK_ORDER,
    ),
    sites("report", "work order → lane → site", VIA_WORK_ORDER),
    sites(
        "inspection_work_order",
        "inspection → lane → site",
        VIA_INSPECTION,
    ),
    sites(
        "inspection_addendum",
        "inspection → lane → site",
        VIA_INSPECTION,
    ),
    sites(
        "work_order_billing",
        "work order → lane → site",
        VIA_WORK_ORDER,
    ),
    sites(
        "billing_consent",
        "work order → lane → site",
        VIA_WORK_ORDER,
    ),
    sites(
        "work_order_resolution",
        "work order → lane → site",
        VIA_WORK_ORDER,
    ),
    sites(
        "status_report",
        "its site; for the whole customer, the customer's sites and its contracts' sites",
        STATUS_REPORT,
    ),
    global("conflict_resolution"),
    // The service company's wording for every customer: each laptop keeps the whole table to
    // look a phenomenon up at the lane.
    global("common_fault"),
    // Checklist templates office staff add or retire: every laptop may start any of them.
    global("checklist_template"),
    // Like the locations and parts they refer to: a van's engineer sees the warehouse's too.
    global("stock_minimum"),
    // A complaint goes where its customer goes (the laptops of the customer's sites).
    sites(
        "complaint",
        "customer → its sites and its contracts' sites",
        CONTACT,
    ),
    // A paper archive loan belongs to the site whose archive it is.
    sites("paper_loan", "its site", ITS_SITE),
    // A 回访 call goes where its customer goes, like a complaint: the engineer at the customer's
    // sites may read how the customer judged the visit.
    sites(
        "follow_up_call",
        "customer → its sites and its contracts' sites",
        CONTACT,
    ),
];

/// The rule of `table`, if it has one (every registry table does).
pub fn rule(table: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.table == table)
}

fn from_of(rule: &Rule, a: &Arm) -> String {
    a.from.replace("{T}", rule.table)
}

/// `SELECT id, site` pairs of every row of a site-reached table (`'*'` for a global arm).
pub(crate) fn pairs_sql(rule: &Rule, arms: &[Arm]) -> String {
    arms.iter()
        .map(|a| {
            format!(
                "SELECT {} AS id, {} AS site FROM {} WHERE {}",
                a.id,
                a.site.unwrap_or("'*'"),
                from_of(rule, a),
                a.cond
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Whether the row a change-log entry `c` names passes `site_test` (SQL over the arm's site
/// expression); global rows pass when `global` is true. Unknown tables never pass.
fn row_filter(global: bool, site_test: impl Fn(&str) -> String) -> String {
    let mut sql = String::from("CASE c.tbl");
    for rule in RULES {
        let cond = match &rule.reach {
            Reach::Global => (if global { "1" } else { "0" }).to_string(),
            Reach::Sites(arms) => arms
                .iter()
                .filter(|a| global || a.site.is_some())
                .map(|a| {
                    let test = a.site.map_or("1".to_string(), &site_test);
                    format!(
                        "EXISTS (SELECT 1 FROM {} WHERE {} AND {} = c.row_id AND {test})",
                        from_of(rule, a),
                        a.cond,
                        a.id
                    )
                })
                .collect::<Vec<_>>()
                .join(" OR "),
        };
        let cond = if cond.is_empty() { "0".into() } else { cond };
        sql.push_str(&format!(" WHEN '{}' THEN ({cond})", rule.table));
    }
    sql.push_str(" ELSE 0 END");
    sql
}

const LOGGED: &str = "SELECT c.seq, c.origin, c.origin_seq, c.tbl, c.row_id, c.op, c.hlc, \
                      c.author, c.fields FROM change_log c";

/// Changes whose row is in one of `:sites` (a JSON array) or global.
fn in_scope_query() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "{LOGGED} WHERE c.seq > :after AND c.seq <= :upto AND c.origin <> :except AND ({})
             ORDER BY c.seq LIMIT :limit",
            row_filter(true, |s| format!(
                "{s} IN (SELECT value FROM json_each(:sites))"
            ))
        )
    })
}

/// Changes whose row belongs to the site `:site` (every origin).
fn site_query() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "{LOGGED} WHERE c.seq > :after AND c.seq <= :upto AND ({})
             ORDER BY c.seq LIMIT :limit",
            row_filter(false, |s| format!("{s} = :site"))
        )
    })
}

/// How many log positions one filtered page may scan, in pages: a page filtered to few or no
/// changes still ends in bounded time, and its cursor still advances.
const SCAN_PAGES: i64 = 20;

/// One page of the office's change log for a client.
#[derive(Debug, Clone)]
pub struct Page {
    pub changes: Vec<Logged>,
    /// The cursor to send next (the last position this page covered).
    pub next: i64,
    /// Whether positions after `next` remain.
    pub more: bool,
}

fn page(
    conn: &Connection,
    sql: &str,
    after: i64,
    limit: i64,
    params: &[(&str, &dyn rusqlite::ToSql)],
) -> Result<Page> {
    let last = changes::last_position(conn)?;
    let upto = last.min(after.saturating_add(limit.saturating_mul(SCAN_PAGES)));
    let mut all: Vec<(&str, &dyn rusqlite::ToSql)> =
        vec![(":after", &after), (":upto", &upto), (":limit", &limit)];
    all.extend_from_slice(params);
    let rows = changes::read_logged(conn, sql, all.as_slice())?;
    let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= limit;
    let next = match rows.last() {
        Some(l) if full => l.local_seq,
        _ => upto.max(after),
    };
    Ok(Page {
        changes: rows,
        next,
        more: next < last,
    })
}

/// What the office sends one installation after cursor `after`: every change but its own
/// whose row is in `scope` or global, at most `limit`, scanning a bounded window of the log.
pub fn pull_page(
    conn: &Connection,
    after: i64,
    except: &str,
    scope: &Scope,
    limit: i64,
) -> Result<Page> {
    match scope {
        Scope::All => {
            let last = changes::last_position(conn)?;
            let rows = changes::since_except(conn, after, except, limit)?;
            let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= limit;
            let next = match rows.last() {
                Some(l) if full => l.local_seq,
                _ => last.max(after),
            };
            Ok(Page {
                changes: rows,
                next,
                more: next < last,
            })
        }
        Scope::Sites(ids) => {
            let sites = json_list(ids.iter());
            page(
                conn,
                in_scope_query(),
                after,
                limit,
                &[(":except", &except), (":sites", &sites)],
            )
        }
    }
}

/// Every change (of every origin, the caller's own included) to the rows of one site after
/// `after`: what a client applies to have that site whole.
pub fn site_page(conn: &Connection, site: &str, after: i64, limit: i64) -> Result<Page> {
    page(conn, site_query(), after, limit, &[(":site", &site)])
}

pub(crate) fn json_list<'a>(ids: impl Iterator<Item = &'a String>) -> String {
    serde_json::Value::Array(ids.map(|s| s.clone().into()).collect()).to_string()
}

/// The ids of the sites in `scope` that this replica has (all of its sites for `all`).
pub fn local_sites(conn: &Connection, scope: &Scope) -> Result<Vec<String>> {
    let all: Vec<String> = conn
        .prepare_cached("SELECT id FROM site ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(all.into_iter().filter(|s| scope.contains(s)).collect())
}

#[cfg(test)]
#[path = "scope_tests.rs"]
mod tests;
