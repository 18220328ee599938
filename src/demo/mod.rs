//! Demo data: a realistic data set in Chinese for trying weibao and for benchmarks.
//!
//! `load` builds one service company, 3 customers, 5 sites, 20 lanes and ~300 devices,
//! 2 contracts (5×8 with holidays and 7×24) using the seed contract's fault-level table, a
//! warehouse and 2 vans with stock, and open faults at several levels. With `scale = Some(n)`
//! it makes n devices and ~10×n history rows instead, for benchmarks. Deterministic: the same
//! seed gives the same codes, serials and dates.

pub mod big_template;
pub mod catalog;
pub mod reports;

use crate::domain::contract::*;
use crate::domain::device::{DeviceInput, DeviceType};
use crate::domain::values::{FaultLevel, Fen};
use crate::domain::work_order::{FaultReportInput, WorkOrderState};
use crate::stock::{self, LocationKind, MovementInput, PartCategory};
use crate::store::{Store, Tx};
use crate::{devices, org, work_orders};
use crate::{Error, Result};
use catalog::*;
use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

/// What `load` made, for the CLI to print and tests to use.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DemoSummary {
    pub engineer_id: String,
    pub customers: usize,
    pub sites: usize,
    pub lanes: usize,
    pub devices: usize,
    pub history_rows: usize,
    pub contracts: usize,
    pub open_work_orders: usize,
    pub warehouse: String,
    pub vans: Vec<String>,
}

/// The most devices `--scale` makes: a million devices with ~10 M history rows is ~10× the
/// largest customer imaginable and a few GB on disk; past that a typo (`99999999999`) would
/// fill the disk before anyone noticed.
pub const MAX_SCALE: usize = 1_000_000;

/// Load the demo into an empty store. `progress(done, total)` is called as devices are made.
pub fn load(
    store: &mut Store,
    scale: Option<usize>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoSummary> {
    if let Some(n) = scale.filter(|n| !(1..=MAX_SCALE).contains(n)) {
        return Err(Error::invalid(
            "scale",
            format!("演示规模应为 1 到 {MAX_SCALE} 台设备，收到 {n}"),
            format!("the demo scale must be 1 to {MAX_SCALE} devices, got {n}"),
        ));
    }
    if only_a_profile(store)? {
        return Err(Error::refused(
            "demo_needs_own_database",
            "该数据库已有您本人的工程师档案：演示数据自带一家虚构的公司、工程师（张伟等）和他们签名的报告，\
             载入后这些虚构记录会与您的真实记录混在一起，并同步给办公室。请把演示数据载入单独的数据库\
             （命令行：weibao --db demo.db demo），您的数据库保持空白，可导入台账或手工添加客户、站点、车道和设备",
            "this database holds your own engineer profile: the demo brings a made-up company, its \
             engineers (张伟 and others) and reports they signed, which would mix with your real \
             records and sync to your office. Load the demo into a separate database (CLI: weibao \
             --db demo.db demo) and keep yours empty: import an inventory file or add customers, \
             sites, lanes and devices by hand",
        ));
    }
    if !crate::profile::is_empty(store)? {
        return Err(Error::refused(
            "demo_exists",
            "该数据库已有数据，演示数据只能载入空数据库",
            "this database already has data; demo data only loads into an empty database",
        ));
    }
    let mut rng = StdRng::seed_from_u64(20_261_122);
    let today = store.now().date_naive();
    let mut sum = DemoSummary::default();

    // People and places, and who writes from now on.
    let (engineer_id, lanes) = store.write(|tx| {
        let company = org::add_company(
            tx,
            COMPANY,
            Some("西安市高新区科技路 48 号"),
            Some("029-88886666"),
        )?;
        let mut engineers = Vec::new();
        for (name, phone, prefix) in ENGINEERS {
            engineers.push(org::add_engineer(
                tx,
                &company.id,
                name,
                Some(phone),
                prefix,
            )?);
        }
        let mut lanes = Vec::new();
        for (ci, (cust, addr, contact, phone, sites)) in CUSTOMERS.iter().enumerate() {
            let c = org::add_customer(tx, cust, Some(addr))?;
            org::add_contact(tx, &c.id, contact, phone, Some("设备负责人"))?;
            let mut site_ids = Vec::new();
            for (name, code, address) in sites.iter() {
                let s = org::add_site(tx, &c.id, name, Some(address))?;
                for (lname, lcode) in LANES {
                    let l = org::add_lane(tx, &s.id, lname, lcode)?;
                    lanes.push((l.id, format!("{code}-{lcode}")));
                }
                site_ids.push(s.id);
            }
            if ci < 2 {
                add_demo_contract(tx, ci, &c.id, site_ids, today)?;
            }
        }
        tx.make_current_engineer(&engineers[0].id)?;
        Ok((engineers[0].id.clone(), lanes))
    })?;
    sum.engineer_id = engineer_id.clone();
    sum.customers = CUSTOMERS.len();
    sum.sites = CUSTOMERS.iter().map(|c| c.4.len()).sum();
    sum.contracts = 2;

    // Devices: the standard lane layout, or `scale` devices spread over as many lanes as needed.
    let per_lane: usize = LANE_LAYOUT.iter().map(|l| l.1).sum();
    let total = scale.unwrap_or(lanes.len() * per_lane);
    let extra_history = if scale.is_some() { 9 } else { 0 };
    let mut made = 0;
    let mut lane_no = 0;
    while made < total {
        let batch_end = (made + 2_000).min(total);
        store.write(|tx| {
            while made < batch_end {
                let (lane_id, prefix) = extra_lane(tx, &lanes, lane_no)?;
                for (t, count, abbr, position) in LANE_LAYOUT {
                    for n in 1..=*count {
                        if made >= total {
                            break;
                        }
                        let code = format!("{prefix}-{abbr}{n:02}");
                        let dev =
                            add_demo_device(tx, &mut rng, *t, &code, &lane_id, position, today)?;
                        for k in 0..extra_history {
                            let at = today - Duration::days(90 * (k as i64 + 1));
                            devices::add_event(
                                tx,
                                &dev,
                                "inspection",
                                &format!("{} 季度巡检：正常", at.format("%Y-%m-%d")),
                                None,
                            )?;
                        }
                        made += 1;
                    }
                }
                lane_no += 1;
            }
            Ok(())
        })?;
        progress(made, total);
    }
    sum.devices = made;
    sum.lanes = lane_no.max(lanes.len());
    sum.history_rows = made * (1 + extra_history);

    // Stock and open faults.
    let (warehouse, vans) = store.write(|tx| demo_stock(tx, &engineer_id))?;
    sum.warehouse = warehouse;
    sum.vans = vans;
    if scale.is_none() {
        sum.open_work_orders = demo_faults(store)?;
        reports::load(store)?;
    }
    Ok(sum)
}

/// A database with an own profile (one company, its engineers) and nothing else: the demo is
/// refused there with the way out, not with "already has data".
fn only_a_profile(store: &Store) -> Result<bool> {
    Ok(store.conn().query_row(
        "SELECT (SELECT COUNT(*) FROM company) > 0
            AND NOT EXISTS (SELECT 1 FROM customer) AND NOT EXISTS (SELECT 1 FROM part)
            AND NOT EXISTS (SELECT 1 FROM stock_location)",
        [],
        |r| r.get(0),
    )?)
}

/// The first-start screen's "load demo data": the demo (only into an empty database), used as
/// its first engineer, who gets a report-signing key just as a profile created by hand does
/// ([`crate::profile::create`]), so either way the engineer can sign reports at once.
pub fn load_for_first_start(store: &mut Store) -> Result<DemoSummary> {
    let summary = load(store, None, &mut |_, _| {})?;
    crate::report::keys::ensure(store, &summary.engineer_id)?;
    Ok(summary)
}

/// Lane number `i`: one of the 20 real lanes, or (for --scale) a further lane at a real site.
fn extra_lane(tx: &Tx, lanes: &[(String, String)], i: usize) -> Result<(String, String)> {
    if let Some(l) = lanes.get(i) {
        return Ok(l.clone());
    }
    let base = &lanes[i % lanes.len()].0;
    let site: String =
        tx.conn()
            .query_row("SELECT site_id FROM lane WHERE id = ?1", [base], |r| {
                r.get(0)
            })?;
    let site_code = &lanes[i % lanes.len()].1[..4];
    let code = format!("X{:04}", i);
    let l = org::add_lane(tx, &site, &format!("扩展车道 {i}"), &code)?;
    Ok((l.id, format!("{site_code}-{code}")))
}

fn add_demo_device(
    tx: &Tx,
    rng: &mut StdRng,
    t: DeviceType,
    code: &str,
    lane_id: &str,
    position: &str,
    today: NaiveDate,
) -> Result<String> {
    let options = models(t);
    let (maker, model, sn, warranty_years) = options[rng.gen_range(0..options.len())];
    let made = today - Duration::days(rng.gen_range(400..2_900));
    let installed = made + Duration::days(rng.gen_range(20..200)).min(today - made);
    let warranty_end = installed
        .with_year(installed.year() + warranty_years)
        .unwrap_or(installed);
    let d = devices::add_device(
        tx,
        &DeviceInput {
            code: code.to_string(),
            device_type: t.code().to_string(),
            model: model.to_string(),
            manufacturer: maker.to_string(),
            serial: format!(
                "{sn}{}{:07}",
                made.format("%y%m"),
                rng.gen_range(0..10_000_000)
            ),
            manufacture_date: Some(made.to_string()),
            install_date: Some(installed.to_string()),
            warranty_end: Some(warranty_end.to_string()),
            status: None,
            lane_id: lane_id.to_string(),
            position: Some(position.to_string()),
            confidentiality: Some(
                if t == DeviceType::IndustrialPc {
                    "secret"
                } else {
                    "internal"
                }
                .to_string(),
            ),
            notes: None,
            firmware: None,
        },
    )?;
    Ok(d.id)
}

fn add_demo_contract(
    tx: &Tx,
    which: usize,
    customer_id: &str,
    site_ids: Vec<String>,
    today: NaiveDate,
) -> Result<()> {
    let start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let end = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let five_by_eight = which == 0;
    let c = Contract {
        id: String::new(),
        number: format!("HT-{}-00{}", today.year(), which + 1),
        customer_id: customer_id.to_string(),
        name: if five_by_eight {
            "电子卡口系统有偿维保合同"
        } else {
            "机场货运卡口 7×24 维保合同"
        }
        .to_string(),
        start_date: start,
        end_date: end,
        fee: Fen(if five_by_eight {
            36_000_000
        } else {
            28_800_000
        }),
        calendar: if five_by_eight {
            ServiceCalendar::FiveByEight
        } else {
            ServiceCalendar::SevenByTwentyFour
        },
        holidays: if five_by_eight {
            HOLIDAYS_2026
                .iter()
                .filter_map(|d| d.parse().ok())
                .collect()
        } else {
            vec![]
        },
        levels: Contract::standard_levels(),
        inspections_per_year: 4,
        early: (!five_by_eight).then_some(EarlyInspections {
            first_months: 3,
            every_days: 14,
        }),
        billing: BillingTerms {
            labour_per_day: Fen(50_000),
            labour_per_day_later: Some(Fen(75_000)),
            parts_at_cost: true,
            note: Some("保修期外：配件按成本价，人工第一年 500 元/人/天，以后 750 元/人/天".into()),
        },
        exclusions: vec![
            "人为损坏".into(),
            "不可抗力（台风、地震等）".into(),
            "地面沉降导致地感线圈断裂".into(),
            "易损件".into(),
            "电子地磅".into(),
        ],
        site_ids,
        // Both demo contracts carry the seeds' clocks: repair 8 h after arrival, part 28 h and
        // spare unit 48 h after the report, emergencies 15 min / 24 h, two out of hours a year.
        sla: crate::domain::sla::SlaTerms::seed(),
    };
    crate::contracts::add_contract(tx, c).map(|_| ())
}

fn demo_stock(tx: &Tx, engineer_id: &str) -> Result<(String, Vec<String>)> {
    let wh = stock::add_location(tx, LocationKind::Warehouse, "总仓", None)?;
    let van_a = stock::add_location(tx, LocationKind::Van, "张伟车载库", Some(engineer_id))?;
    let van_b = stock::add_location(tx, LocationKind::Van, "李娜车载库", None)?;
    for (code, name, cat, unit, price, serialised, dtype) in PARTS {
        stock::add_part(
            tx,
            stock::Part {
                id: String::new(),
                code: code.to_string(),
                name: name.to_string(),
                category: PartCategory::parse(cat)?,
                unit: unit.to_string(),
                price: Fen(*price),
                serialised: *serialised,
                device_type: Some(dtype.to_string()),
            },
        )?;
        if *serialised {
            for n in 1..=3 {
                stock::receive_unit(tx, code, &format!("{code}-SP{n:03}"), &wh.name, "new")?;
            }
            let first = format!("{code}-SP001");
            let unit_id: String = tx.conn().query_row(
                "SELECT id FROM spare_unit WHERE serial = ?1",
                [&first],
                |r| r.get(0),
            )?;
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "transfer".into(),
                    part: code.to_string(),
                    qty: 1,
                    from: Some(wh.name.clone()),
                    to: Some(van_a.name.clone()),
                    unit_id: Some(unit_id),
                    ..Default::default()
                },
            )?;
            continue;
        }
        let mv = |kind: &str, qty: i64, from: Option<&str>, to: &str| MovementInput {
            kind: kind.into(),
            part: code.to_string(),
            qty,
            from: from.map(str::to_string),
            to: Some(to.to_string()),
            ..Default::default()
        };
        stock::record_movement(tx, &mv("receive", 40, None, &wh.name))?;
        stock::record_movement(tx, &mv("transfer", 4, Some(&wh.name), &van_a.name))?;
        stock::record_movement(tx, &mv("transfer", 2, Some(&wh.name), &van_b.name))?;
    }
    // Buffer pads go fastest (every crash of a gate arm): 张伟 keeps at least 2 in his van
    // (his next pad warns), 李娜 3 (her van starts below it, so the stock screen has a
    // warning to show), the warehouse 10.
    for (loc, min) in [(&van_a.name, 2), (&van_b.name, 3), (&wh.name, 10)] {
        stock::set_minimum(tx, loc, "PAD-BG", min)?;
    }
    Ok((wh.name, vec![van_a.name, van_b.name]))
}

fn demo_faults(store: &mut Store) -> Result<usize> {
    let sites: Vec<String> = CUSTOMERS
        .iter()
        .flat_map(|c| c.4.iter().map(|s| s.1.to_string()))
        .collect();
    let mut n = 0;
    for (site, suffix, level, phenomenon, state) in OPEN_FAULTS {
        let code = format!("{}-{suffix}", sites[*site]);
        let target = WorkOrderState::parse(state)?;
        store.write(|tx| {
            let wo = work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: code.clone(),
                    level: FaultLevel::new(*level)?.get().into(),
                    phenomenon: phenomenon.to_string(),
                    contact_name: Some(CUSTOMERS[0].2.to_string()),
                    contact_phone: Some(CUSTOMERS[0].3.to_string()),
                    taken_by: Some("客服中心 周敏".into()),
                    ..Default::default()
                },
            )?;
            let mut s = WorkOrderState::Reported;
            while s != target {
                let Some(next) = s.next() else { break };
                work_orders::advance(tx, &wo.id, next, None, None)?;
                s = next;
            }
            Ok(())
        })?;
        n += 1;
    }
    Ok(n)
}
