//! The counting behind [`super::stats`] and [`super::common_faults`].

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::{ClockHits, CommonFault, Count, PartCount, Recurring, Scope, Stats};
use crate::checklist::schedule::{self, local_day, SlotStatus};
use crate::domain::device::DeviceType;
use crate::store::Store;
use crate::views::time;
use crate::{billing, sla, Result};

use super::Named;

/// The customer's id and name and the site a scope names ([`Scope::resolve`]).
fn resolve(conn: &Connection, scope: &Scope) -> Result<(String, String, Option<Named>)> {
    let (customer, site) = scope.resolve(conn)?;
    Ok((customer.0, customer.1, site))
}

/// The name of the scope's customer (named by id or name).
pub(super) fn customer_name(conn: &Connection, scope: &Scope) -> Result<String> {
    Ok(resolve(conn, scope)?.1)
}

/// A fault work order of the scope, with the times of its steps.
struct Fault {
    id: String,
    level: Option<i64>,
    device_code: Option<String>,
    device_type: Option<String>,
    reported: DateTime<Utc>,
    responded: Option<DateTime<Utc>>,
    on_site: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
}

fn parse(t: Option<String>) -> Option<DateTime<Utc>> {
    t.as_deref().and_then(time::parse)
}

/// Every fault repair and emergency of the customer (and site), reported up to `to` — except
/// the faults opened from a baseline inspection's findings: those were there before the
/// service company took the lanes over (§7.9), so they are not its faults of the period, nor
/// its response times ([`crate::checklist::baseline`]). They stay on the devices' records,
/// marked pre-existing.
fn faults(
    conn: &Connection,
    customer: &str,
    site: Option<&str>,
    to: NaiveDate,
) -> Result<Vec<Fault>> {
    let mut st = conn.prepare(&format!(
        "SELECT w.id, w.level, d.code, d.device_type, w.reported_at
         FROM work_order w JOIN lane l ON l.id = w.lane_id JOIN site s ON s.id = l.site_id
         LEFT JOIN device d ON d.id = w.device_id
         WHERE s.customer_id = ?1 AND (?2 IS NULL OR s.id = ?2) AND w.deleted = 0
           AND w.kind IN ('fault_repair', 'emergency') AND NOT {}
         ORDER BY w.reported_at, w.id",
        crate::checklist::baseline::PRE_EXISTING_FAULT_SQL
    ))?;
    type Row = (String, Option<i64>, Option<String>, Option<String>, String);
    let rows: Vec<Row> = st
        .query_map(rusqlite::params![customer, site], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut steps = conn.prepare(
        "SELECT to_state, MIN(at) FROM work_order_event WHERE work_order_id = ?1 AND deleted = 0
         GROUP BY to_state",
    )?;
    let mut out = Vec::new();
    for (id, level, device_code, device_type, reported) in rows {
        // A report time that is not a time (a damaged record) cannot be placed in a period.
        let Some(reported) = time::parse(&reported) else {
            continue;
        };
        if local_day(reported) > to {
            continue;
        }
        let at: BTreeMap<String, String> = steps
            .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        out.push(Fault {
            level,
            device_code,
            device_type,
            reported,
            responded: parse(at.get("responded").cloned()),
            on_site: parse(at.get("on_site").cloned()),
            resolved: parse(at.get("resolved").cloned()),
            id,
        });
    }
    Ok(out)
}

fn type_label(code: Option<&str>) -> (String, String, String) {
    match code.and_then(|c| DeviceType::parse(c).ok()) {
        Some(t) => (t.code().into(), t.label_zh().into(), t.label_en().into()),
        None => ("none".into(), "无设备".into(), "no device".into()),
    }
}

fn counted(map: BTreeMap<String, (String, String, i64)>) -> Vec<Count> {
    let mut v: Vec<Count> = map
        .into_iter()
        .map(|(key, (label_zh, label_en, count))| Count {
            key,
            label_zh,
            label_en,
            count,
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    v
}

fn mean_minutes(spans: &[i64]) -> Option<i64> {
    let n = i64::try_from(spans.len()).ok().filter(|n| *n > 0)?;
    Some(spans.iter().sum::<i64>() / n)
}

/// Count one work order's clocks into `hits` (kept / judged, by clock).
fn hit(clocks: &sla::Clocks, hits: &mut BTreeMap<usize, ClockHits>) {
    for c in &clocks.clocks {
        let order = sla::ClockKind::ALL
            .iter()
            .position(|k| *k == c.kind)
            .unwrap_or(usize::MAX);
        let h = hits.entry(order).or_insert_with(|| ClockHits {
            clock: c.kind.code().into(),
            label_zh: c.kind.label_zh().into(),
            label_en: c.kind.label_en().into(),
            kept: 0,
            judged: 0,
        });
        match c.status {
            sla::SlaStatus::Met => {
                h.kept += 1;
                h.judged += 1;
            }
            sla::SlaStatus::Breached => h.judged += 1,
            sla::SlaStatus::OnTime | sla::SlaStatus::AtRisk | sla::SlaStatus::Paused => {}
        }
    }
}

pub(super) fn stats(store: &Store, scope: &Scope) -> Result<Stats> {
    let conn = store.conn();
    let (customer_id, customer_name, site) = resolve(conn, scope)?;
    let site_id = site.as_ref().map(|s| s.0.as_str());
    let in_period = |d: NaiveDate| scope.from <= d && d <= scope.to;
    let all = faults(conn, &customer_id, site_id, scope.to)?;
    let period: Vec<&Fault> = all
        .iter()
        .filter(|f| in_period(local_day(f.reported)))
        .collect();

    let mut by_type = BTreeMap::new();
    let mut by_level = BTreeMap::new();
    let mut by_cause = BTreeMap::new();
    let mut per_device: BTreeMap<String, (String, i64)> = BTreeMap::new();
    let mut parts: BTreeMap<String, PartCount> = BTreeMap::new();
    let (mut respond, mut arrive, mut repair) = (Vec::new(), Vec::new(), Vec::new());
    let mut hits = BTreeMap::new();
    let calendars = crate::calendar::active();
    let now = store.now();
    let mut parts_st = conn.prepare(
        "SELECT p.code, p.name, SUM(m.qty) FROM stock_movement m JOIN part p ON p.id = m.part_id
         WHERE m.work_order_id = ?1 AND m.kind = 'issue' AND m.deleted = 0 GROUP BY p.id",
    )?;
    for f in &period {
        let (key, zh, en) = type_label(f.device_type.as_deref());
        by_type.entry(key).or_insert((zh.clone(), en, 0)).2 += 1;
        let lv = f.level.unwrap_or(0);
        by_level
            .entry(format!("{lv}"))
            .or_insert((format!("{lv}级"), format!("level {lv}"), 0))
            .2 += 1;
        let cause = billing::stored(conn, &f.id)?.cause;
        let (ck, czh, cen) = match cause {
            Some(c) => (c.code(), c.label_zh(), c.label_en()),
            None => ("unrecorded", "未记录", "not recorded"),
        };
        by_cause
            .entry(ck.to_string())
            .or_insert((czh.to_string(), cen.to_string(), 0))
            .2 += 1;
        if let Some(code) = &f.device_code {
            per_device.entry(code.clone()).or_insert((zh, 0)).1 += 1;
        }
        if let Some(at) = f.responded {
            respond.push((at - f.reported).num_minutes());
        }
        if let Some(at) = f.on_site {
            arrive.push((at - f.reported).num_minutes());
            if let Some(done) = f.resolved {
                repair.push((done - at).num_minutes());
            }
        }
        if let Some(rec) = sla::records::read(conn, &f.id)? {
            hit(&sla::clocks(&rec, &calendars, now), &mut hits);
        }
        let used: Vec<(String, String, i64)> = parts_st
            .query_map([&f.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (code, name, qty) in used {
            let e = parts
                .entry(code.clone())
                .or_insert(PartCount { code, name, qty: 0 });
            e.qty = e.qty.saturating_add(qty);
        }
    }
    let mut recurring: Vec<Recurring> = per_device
        .into_iter()
        .filter(|(_, (_, n))| *n > 1)
        .map(|(device_code, (device_type_zh, faults))| Recurring {
            device_code,
            device_type_zh,
            faults,
        })
        .collect();
    recurring.sort_by(|a, b| {
        b.faults
            .cmp(&a.faults)
            .then(a.device_code.cmp(&b.device_code))
    });
    let (inspections_due, inspections_done) = inspections(store, &customer_id, site_id, scope)?;
    Ok(Stats {
        customer: customer_name,
        site: site.map(|s| s.1),
        from: scope.from,
        to: scope.to,
        inspections_due,
        inspections_done,
        faults: i64::try_from(period.len()).unwrap_or(i64::MAX),
        by_device_type: counted(by_type),
        by_level: counted(by_level),
        by_cause: counted(by_cause),
        mean_respond_minutes: mean_minutes(&respond),
        mean_arrive_minutes: mean_minutes(&arrive),
        mean_repair_minutes: mean_minutes(&repair),
        sla_hits: hits.into_values().collect(),
        recurring,
        parts: parts.into_values().collect(),
    })
}

/// Inspection windows of the customer's contracts that close in the period, and how many of
/// them the schedule credits with a completed inspection.
fn inspections(
    store: &Store,
    customer: &str,
    site: Option<&str>,
    scope: &Scope,
) -> Result<(i64, i64)> {
    let contracts: Vec<String> = store
        .conn()
        .prepare(
            "SELECT id FROM contract WHERE customer_id = ?1 AND deleted = 0
               AND start_date <= ?3 AND end_date >= ?2",
        )?
        .query_map(rusqlite::params![customer, scope.from, scope.to], |r| {
            r.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    let (mut due, mut done) = (0, 0);
    for c in contracts {
        for lane in schedule::schedule(store, Some(&c))? {
            if site.is_some_and(|s| s != lane.site_id) {
                continue;
            }
            for slot in lane
                .slots
                .iter()
                .filter(|s| scope.from <= s.due && s.due <= scope.to)
            {
                due += 1;
                if matches!(slot.status, SlotStatus::Done | SlotStatus::DoneLate) {
                    done += 1;
                }
            }
        }
    }
    Ok((due, done))
}

pub(super) fn common_faults(store: &Store, scope: &Scope) -> Result<Vec<CommonFault>> {
    let conn = store.conn();
    let (customer_id, _, site) = resolve(conn, scope)?;
    let all = faults(
        conn,
        &customer_id,
        site.as_ref().map(|s| s.0.as_str()),
        scope.to,
    )?;
    let mut rec = conn.prepare(
        "SELECT f.phenomenon, r.process, r.analysis FROM fault_report f
         LEFT JOIN service_record r ON r.work_order_id = f.work_order_id AND r.deleted = 0
         WHERE f.work_order_id = ?1 AND f.deleted = 0",
    )?;
    let mut groups: BTreeMap<(String, String), CommonFault> = BTreeMap::new();
    for f in all.iter().filter(|f| f.resolved.is_some()) {
        let Some((phenomenon, process, analysis)) = rec
            .query_row([&f.id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .optional()?
        else {
            continue;
        };
        let key_text = crate::common_faults::normalised(&phenomenon);
        let (type_code, type_zh, _) = type_label(f.device_type.as_deref());
        let g = groups
            .entry((type_code.clone(), key_text.clone()))
            .or_insert_with(|| CommonFault {
                device_type: type_code,
                device_type_zh: type_zh,
                phenomenon: key_text,
                causes: Vec::new(),
                remedies: Vec::new(),
                count: 0,
                confirmed_by: None,
            });
        g.count += 1;
        let cause = billing::stored(conn, &f.id)?
            .cause
            .map(|c| c.label_zh().to_string());
        for c in analysis.into_iter().chain(cause) {
            if !c.trim().is_empty() && !g.causes.contains(&c) {
                g.causes.push(c);
            }
        }
        if let Some(p) = process.filter(|p| !p.trim().is_empty() && !g.remedies.contains(p)) {
            g.remedies.push(p);
        }
    }
    let mut out: Vec<CommonFault> = groups.into_values().collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.phenomenon.cmp(&b.phenomenon)));
    Ok(out)
}
