//! Contract rules benchmark: prints figures, asserts nothing.
//!
//! On the demo data plus N fault work orders of one customer spread over a quarter (default
//! 2 000; set `WEIBAO_BENCH_FAULTS`), each taken through respond → on site → resolved with a
//! part issued to some:
//! - one work order's SLA clocks (`sla::for_work_order`: read its records, count five deadlines
//!   in the contract's calendars), p50/p99 — what Today and the dispatch board pay per row;
//! - a deadline counted across the National Day holidays in the 5×8 calendar, p50/p99;
//! - the customer's quarterly statistics (every clock of every fault), and the workbook export
//!   (statistics, fault register, common faults), each timed whole.
//!
//! Run: `cargo bench --bench contract_rules`

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use weibao::domain::work_order::{FaultReportInput, WorkOrderState};
use weibao::stats::{self, Scope};
use weibao::{FakeClock, Store};

#[path = "common/stats.rs"]
mod bench_stats;
use bench_stats::report;

fn main() {
    let n: usize = std::env::var("WEIBAO_BENCH_FAULTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    // Monday 2026-10-12 09:00 China time: the quarter's faults are reported from here on.
    let start = Utc
        .with_ymd_and_hms(2026, 10, 12, 1, 0, 0)
        .single()
        .expect("time");
    let clock = Arc::new(FakeClock::new(start));
    let mut store = Store::open(&path, clock.clone()).expect("open");
    weibao::demo::load(&mut store, None, &mut |_, _| {}).expect("demo");
    let devices: Vec<String> = store
        .conn()
        .prepare(
            "SELECT d.id FROM device d JOIN lane l ON l.id = d.lane_id JOIN site s
               ON s.id = l.site_id JOIN customer c ON c.id = s.customer_id
             WHERE c.name = '西安海关' ORDER BY d.code",
        )
        .expect("sql")
        .query_map([], |r| r.get(0))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("rows");
    let t = Instant::now();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        // Spread over ~70 days: one fault every 50 minutes.
        clock.set(start + chrono::Duration::minutes(50 * i as i64));
        let id = store
            .write(|tx| {
                let wo = weibao::work_orders::report_fault(
                    tx,
                    &FaultReportInput {
                        device_id: devices[i % devices.len()].clone(),
                        level: (i % 4 + 1) as i64,
                        phenomenon: format!("故障现象 {}", i % 40),
                        ..Default::default()
                    },
                )?;
                for to in [
                    WorkOrderState::Assigned,
                    WorkOrderState::Responded,
                    WorkOrderState::OnSite,
                    WorkOrderState::Resolved,
                ]
                .iter()
                .take(i % 5)
                {
                    weibao::work_orders::advance(tx, &wo.id, *to, None, None)?;
                }
                Ok(wo.id)
            })
            .expect("fault");
        ids.push(id);
    }
    println!(
        "{n} faults of 西安海关 written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    clock.set(start + chrono::Duration::days(75));

    let mut clocks = Vec::new();
    for id in ids.iter().step_by((n / 1000).max(1)) {
        let t = Instant::now();
        let c = weibao::sla::for_work_order(&store, id).expect("clocks");
        clocks.push(t.elapsed());
        std::hint::black_box(c);
    }
    report("sla clocks of one work order", clocks);

    let set = weibao::calendar::active();
    let cal = set.get_or_builtin("5x8").expect("5x8");
    let counter = weibao::calendar::count::Counter {
        set: &set,
        calendar: &cal,
        extra_off: &[],
    };
    let eve = Utc
        .with_ymd_and_hms(2026, 9, 30, 9, 50, 0)
        .single()
        .expect("time");
    let mut due = Vec::new();
    for i in 0..1000 {
        let t = Instant::now();
        let d = counter.add(eve, 30 + i % 2000, &[]);
        due.push(t.elapsed());
        std::hint::black_box(d);
    }
    report("5x8 deadline across National Day", due);

    let scope = Scope::quarter("西安海关", None, "2026Q4").expect("scope");
    let t = Instant::now();
    let s = stats::stats(&store, &scope).expect("stats");
    let took = t.elapsed();
    println!(
        "quarterly statistics: {} faults, {} clocks judged in {:.0} ms",
        s.faults,
        s.sla_hits.iter().map(|h| h.judged).sum::<i64>(),
        ms(took)
    );
    let out = dir.path().join("q4.xlsx");
    let t = Instant::now();
    let sum = stats::export(&store, &scope, &out, None).expect("export");
    println!(
        "workbook export: {} faults in the register, {} common faults in {:.0} ms ({} KB)",
        sum.faults,
        sum.common_faults,
        ms(t.elapsed()),
        std::fs::metadata(&out).map(|m| m.len() / 1024).unwrap_or(0)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
