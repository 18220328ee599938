//! Reading a status report's model from the store: the customer and its sites in scope, every
//! device with its period (faults, repairs, parts, inspections), a summary per site and the
//! advice of [`super::advice`].
//!
//! Everything is counted in China time, as the statistics are: a fault belongs to the period
//! its report falls in, a repair to the period its resolution falls in, downtime runs from the
//! report to the resolution (or to the report's day while still open), clipped to the period.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::advice::{self, Facts};
use super::{DeviceStatus, FailedItem, PartUsed, SiteStatus, StatusReport};
use crate::checklist::schedule::local_day;
use crate::checklist::state;
use crate::domain::device::{DeviceStatus as Status, DeviceType};
use crate::stats::Scope;
use crate::store::Store;
use crate::views::time;
use crate::{billing, Error, Result};

/// An id with the name people know it by.
type Named = (String, String);

/// Build the status report of `scope` as the current engineer, at the store's clock.
///
/// Refused, naming the field: a customer or site that is not there (`customer`, `site`), a
/// period that has not begun (`status_report.from`), and a scope with no devices
/// (`status_report.customer` / `status_report.site`) — an empty report is not worth a number.
pub fn build(store: &Store, scope: &Scope) -> Result<StatusReport> {
    let conn = store.conn();
    let (customer, site) = scope.resolve(conn)?;
    let now = store.now();
    let today = local_day(now);
    if scope.from > today {
        return Err(Error::invalid(
            "status_report.from",
            format!(
                "报告期间自 {} 开始，尚未到来（今天是 {today}）：只能报告已经开始的期间",
                scope.from
            ),
            format!(
                "the period starts {}, after today ({today}): only a period that has begun can be reported",
                scope.from
            ),
        ));
    }
    let as_of = scope.to.min(today);
    let window = Window::new(scope.from, as_of, now);
    let engineer_id = store.current_engineer().to_string();
    let (engineer, company): (String, String) = conn
        .query_row(
            "SELECT e.name, c.name FROM engineer e JOIN company c ON c.id = e.company_id
             WHERE e.id = ?1",
            [&engineer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("engineer", &engineer_id))?;
    let contact: Option<(String, String)> = conn
        .query_row(
            "SELECT name, phone FROM contact WHERE customer_id = ?1 AND deleted = 0
             ORDER BY hlc LIMIT 1",
            [&customer.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let contracts: Vec<String> = conn
        .prepare(
            "SELECT number FROM contract WHERE customer_id = ?1 AND deleted = 0
               AND start_date <= ?3 AND end_date >= ?2 ORDER BY number",
        )?
        .query_map(
            rusqlite::params![customer.0, scope.from.to_string(), scope.to.to_string()],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    let site_list: Vec<Named> = match &site {
        Some(s) => vec![s.clone()],
        None => conn
            .prepare("SELECT id, name FROM site WHERE customer_id = ?1 AND deleted = 0 ORDER BY name, id")?
            .query_map([&customer.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?,
    };
    let mut sites = Vec::new();
    let mut all_advice = Vec::new();
    for (id, name) in site_list {
        let (s, mut adv) = site_status(conn, &id, &name, &window, as_of)?;
        if !s.devices.is_empty() {
            sites.push(s);
            all_advice.append(&mut adv);
        }
    }
    if sites.is_empty() {
        return Err(match &site {
            Some((_, name)) => Error::invalid(
                "status_report.site",
                format!("站点「{name}」没有登记任何设备，无法出具设备运行状态报告"),
                format!("site '{name}' has no devices on record: there is nothing to report on"),
            ),
            None => Error::invalid(
                "status_report.customer",
                format!(
                    "客户「{}」名下没有登记任何设备，无法出具设备运行状态报告",
                    customer.1
                ),
                format!(
                    "customer '{}' has no devices on record: there is nothing to report on",
                    customer.1
                ),
            ),
        });
    }
    all_advice
        .sort_by(|a, b| (a.rule, &a.site, &a.device_code).cmp(&(b.rule, &b.site, &b.device_code)));
    Ok(StatusReport {
        customer_id: customer.0,
        customer: customer.1,
        contact: contact.as_ref().map(|c| c.0.clone()),
        phone: contact.map(|c| c.1),
        site,
        from: scope.from,
        to: scope.to,
        as_of,
        quarter: quarter_of(scope.from, scope.to),
        contracts,
        company,
        engineer_id,
        engineer,
        sites,
        advice: all_advice,
    })
}

/// `2026Q4` when `from..=to` is exactly that calendar quarter.
pub(super) fn quarter_of(from: NaiveDate, to: NaiveDate) -> Option<String> {
    use chrono::Datelike;
    let q = (from.month() - 1) / 3 + 1;
    let scope = Scope::quarter("", None, &format!("{}Q{q}", from.year())).ok()?;
    (scope.from == from && scope.to == to).then(|| format!("{}Q{q}", from.year()))
}

/// The instants a period covers: from its first day's midnight in China to the end of the
/// report's day, or now while that day is today.
struct Window {
    from: NaiveDate,
    to: NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Window {
    fn new(from: NaiveDate, as_of: NaiveDate, now: DateTime<Utc>) -> Self {
        let midnight = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc() - Duration::hours(8))
                .unwrap_or(now)
        };
        let start = midnight(from);
        let end = as_of.succ_opt().map_or(now, midnight).min(now).max(start);
        Window {
            from,
            to: as_of,
            start,
            end,
        }
    }

    fn contains(&self, t: DateTime<Utc>) -> bool {
        let d = local_day(t);
        self.from <= d && d <= self.to
    }

    fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    /// Minutes of `[a, b)` inside the window.
    fn overlap(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        let (a, b) = (a.max(self.start), b.min(self.end));
        (b - a).num_minutes().max(0)
    }
}

/// A fault work order of a device.
struct Fault {
    device_id: String,
    level: Option<i64>,
    reported: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
}

type DeviceRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

fn site_status(
    conn: &Connection,
    site_id: &str,
    site_name: &str,
    w: &Window,
    as_of: NaiveDate,
) -> Result<(SiteStatus, Vec<advice::Advice>)> {
    let rows: Vec<DeviceRow> = conn
        .prepare(
            "SELECT d.id, d.code, d.device_type, d.model, d.manufacturer, d.manufacture_date,
                    d.install_date, d.warranty_end, d.status, l.code, l.name
             FROM device_now d JOIN lane l ON l.id = d.lane_id
             WHERE l.site_id = ?1 AND d.deleted = 0 AND l.deleted = 0 ORDER BY d.code",
        )?
        .query_map([site_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let faults = faults(conn, site_id)?;
    let parts = parts(conn, site_id, w)?;
    let (inspections, last) = inspections(conn, site_id, w)?;
    let date = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    let mut devices = Vec::new();
    let mut out_advice = Vec::new();
    for (id, code, dtype, model, maker, made, installed, warranty, status, lane_code, lane_name) in
        rows
    {
        let mine: Vec<&Fault> = faults.iter().filter(|f| f.device_id == id).collect();
        let mut levels: BTreeMap<u8, i64> = BTreeMap::new();
        let mut n_faults = 0;
        let mut repairs = 0;
        let mut downtime = 0;
        for f in &mine {
            if w.contains(f.reported) {
                n_faults += 1;
                let lv = f.level.and_then(|l| u8::try_from(l).ok()).unwrap_or(0);
                *levels.entry(lv).or_default() += 1;
            }
            if f.resolved.is_some_and(|t| w.contains(t)) {
                repairs += 1;
            }
            downtime += w.overlap(f.reported, f.resolved.unwrap_or(w.end));
        }
        let failed_items = match last.get(&id) {
            Some((done, items)) => {
                let fixed_since = mine.iter().any(|f| f.resolved.is_some_and(|t| t > *done));
                items
                    .iter()
                    .map(|(zh, en)| FailedItem {
                        label_zh: zh.clone(),
                        label_en: en.clone(),
                        open: !fixed_since,
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let t = DeviceType::parse(&dtype).ok();
        let st = Status::parse(&status).ok();
        let faults_in_year = billing::repairs_within_a_year(conn, &id, as_of)?;
        let d = DeviceStatus {
            type_zh: t.map_or(dtype.clone(), |t| t.label_zh().to_string()),
            type_en: t.map_or(dtype.clone(), |t| t.label_en().to_string()),
            status_zh: st.map_or(status.clone(), |s| s.label_zh().to_string()),
            status_en: st.map_or(status.clone(), |s| s.label_en().to_string()),
            faults: n_faults,
            levels: levels.into_iter().collect(),
            repairs,
            parts: parts.get(&id).cloned().unwrap_or_default(),
            inspections: inspections.get(&id).copied().unwrap_or(0),
            failed_items,
            downtime_minutes: downtime,
            faults_in_year,
            installed: date(&installed),
            warranty_end: date(&warranty),
            id,
            code,
            device_type: dtype,
            model,
            manufacturer: maker,
            lane_code,
            lane_name,
            status,
        };
        let facts = Facts {
            code: d.code.clone(),
            site: site_name.to_string(),
            device_type: t,
            installed: d.installed,
            manufactured: date(&made),
            warranty_end: d.warranty_end,
            faults_in_year,
            open_failures: d
                .failed_items
                .iter()
                .filter(|i| i.open)
                .map(|i| (i.label_zh.clone(), i.label_en.clone()))
                .collect(),
        };
        out_advice.extend(advice::for_device(&facts, as_of));
        devices.push(d);
    }
    let n = i64::try_from(devices.len()).unwrap_or(i64::MAX);
    let downtime: i64 = devices.iter().map(|d| d.downtime_minutes).sum();
    let capacity = n.saturating_mul(w.minutes());
    let availability_bp = if capacity > 0 {
        10_000 - (downtime.min(capacity).saturating_mul(10_000) + capacity - 1) / capacity
    } else {
        10_000
    };
    out_advice.extend(advice::for_site(site_name, availability_bp, downtime));
    let site_inspections: i64 = count_site_inspections(conn, site_id, w)?;
    Ok((
        SiteStatus {
            id: site_id.to_string(),
            name: site_name.to_string(),
            faults: devices.iter().map(|d| d.faults).sum(),
            repairs: devices.iter().map(|d| d.repairs).sum(),
            inspections: site_inspections,
            downtime_minutes: downtime,
            availability_bp,
            devices,
        },
        out_advice,
    ))
}

/// Every fault repair and emergency of the site's devices (any time: the year's count and
/// open faults reach before the period).
fn faults(conn: &Connection, site_id: &str) -> Result<Vec<Fault>> {
    let mut st = conn.prepare(
        "SELECT w.device_id, w.level, w.reported_at, w.resolved_at
         FROM work_order_now w JOIN lane l ON l.id = w.lane_id
         WHERE l.site_id = ?1 AND w.deleted = 0 AND w.device_id IS NOT NULL
           AND w.kind IN ('fault_repair', 'emergency')",
    )?;
    let rows: Vec<(String, Option<i64>, String, Option<String>)> = st
        .query_map([site_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        // A report time that is not a time (a damaged record) cannot be placed in a period.
        .filter_map(|(device_id, level, reported, resolved)| {
            Some(Fault {
                device_id,
                level,
                reported: time::parse(&reported)?,
                resolved: resolved.as_deref().and_then(time::parse),
            })
        })
        .collect())
}

/// Parts issued in the period to work orders of the site's devices, per device.
fn parts(conn: &Connection, site_id: &str, w: &Window) -> Result<HashMap<String, Vec<PartUsed>>> {
    let mut st = conn.prepare(
        "SELECT wo.device_id, p.code, p.name, m.qty, m.at FROM stock_movement m
         JOIN part p ON p.id = m.part_id JOIN work_order wo ON wo.id = m.work_order_id
         JOIN lane l ON l.id = wo.lane_id
         WHERE l.site_id = ?1 AND m.kind = 'issue' AND m.deleted = 0 AND wo.device_id IS NOT NULL
         ORDER BY p.code",
    )?;
    let rows: Vec<(String, String, String, i64, String)> = st
        .query_map([site_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out: HashMap<String, Vec<PartUsed>> = HashMap::new();
    for (device, code, name, qty, at) in rows {
        if !time::parse(&at).is_some_and(|t| w.contains(t)) {
            continue;
        }
        let list = out.entry(device).or_default();
        match list.iter_mut().find(|p| p.code == code) {
            Some(p) => p.qty = p.qty.saturating_add(qty),
            None => list.push(PartUsed { code, name, qty }),
        }
    }
    Ok(out)
}

/// Completed inspections of the site's lanes, oldest first: (id, completed).
fn completed_inspections(
    conn: &Connection,
    site_id: &str,
    w: &Window,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    let rows: Vec<(String, String)> = conn
        .prepare(
            "SELECT i.id, i.completed_at FROM inspection i JOIN lane l ON l.id = i.lane_id
             WHERE l.site_id = ?1 AND i.deleted = 0 AND i.completed_at IS NOT NULL
             ORDER BY i.completed_at, i.id",
        )?
        .query_map([site_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at)| Some((id, time::parse(&at)?)))
        .filter(|(_, at)| local_day(*at) <= w.to)
        .collect())
}

fn count_site_inspections(conn: &Connection, site_id: &str, w: &Window) -> Result<i64> {
    let n = completed_inspections(conn, site_id, w)?
        .into_iter()
        .filter(|(_, at)| w.contains(*at))
        .count();
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Failed items of a device's last inspection: (completed at, [(label zh, label en)]).
type LastInspection = (DateTime<Utc>, Vec<(String, String)>);

/// Per device: how many completed inspections in the period covered it, and its last
/// inspection up to the report's day with the items it failed there (a correction after
/// completion counts over the answer recorded).
fn inspections(
    conn: &Connection,
    site_id: &str,
    w: &Window,
) -> Result<(HashMap<String, i64>, HashMap<String, LastInspection>)> {
    let mut in_period: HashMap<String, i64> = HashMap::new();
    let mut last: HashMap<String, LastInspection> = HashMap::new();
    for (id, done) in completed_inspections(conn, site_id, w)? {
        let st = state::load(conn, &id)?;
        let mut covered: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for item in &st.items {
            let Some(device) = &item.device_id else {
                continue;
            };
            let failures = covered.entry(device.clone()).or_default();
            let answer = st.corrections.get(&item.id).or(st.recorded.get(&item.id));
            if answer.is_some_and(|a| a.failed) {
                let en = item
                    .item
                    .label_en
                    .clone()
                    .unwrap_or_else(|| item.item.label_zh.clone());
                failures.push((item.item.label_zh.clone(), en));
            }
        }
        for (device, failures) in covered {
            if w.contains(done) {
                *in_period.entry(device.clone()).or_default() += 1;
            }
            // Oldest first, so the last one written is the latest inspection.
            last.insert(device, (done, failures));
        }
    }
    Ok((in_period, last))
}
