//! The quarterly statistics of the demo customer 西安海关, each figure worked out by hand from
//! what the demo records (src/demo): the demo is loaded on Monday 2026-11-23 10:00 China time.
//!
//! - Three open faults (src/demo/catalog.rs OPEN_FAULTS), reported at 10:00 and moved at once:
//!   XA01-L01-BG01 level 1 → assigned; XA01-L02-CR01 level 2 → reported; XA02-L04-LP01 level 3
//!   → on site (so responded and arrived 0 minutes after the report).
//! - The demo repair (src/demo/reports.rs) on XA01-L03-BG01, level 2, reported on Sunday
//!   08:30: responded 22 min later (8 + 14), on site after 117 (+ 95), resolved 66 after
//!   arrival (20 + 3 photos × 12 + 10), two buffer pads (PAD-BG) issued.
//! - The demo's quarterly inspection of lane XA01-L02 on Sunday.

use crate::support::TestDb;
use chrono::Duration;
use weibao::stats::{self, Scope};

#[test]
fn the_demo_customers_quarter_equals_the_figures_worked_by_hand() {
    let (t, _) = TestDb::demo();
    // Statistics read on Tuesday 2026-11-24 10:00, a day after the faults were reported.
    t.clock.advance(Duration::days(1));
    let store = t.open();
    let s = stats::stats(
        &store,
        &Scope::quarter("西安海关", None, "2026Q4").expect("scope"),
    )
    .expect("stats");
    assert_eq!(s.customer, "西安海关");
    assert_eq!(s.faults, 4);
    let counts = |v: &[weibao::stats::Count]| -> Vec<(String, i64)> {
        v.iter().map(|c| (c.key.clone(), c.count)).collect()
    };
    assert_eq!(
        counts(&s.by_level),
        vec![("2".into(), 2), ("1".into(), 1), ("3".into(), 1)]
    );
    assert_eq!(
        counts(&s.by_device_type),
        vec![
            ("barrier_gate".into(), 2),
            ("card_reader".into(), 1),
            ("loop_detector".into(), 1)
        ]
    );
    assert_eq!(counts(&s.by_cause), vec![("unrecorded".into(), 4)]);
    // Responded: the repair after 22 min, the loop detector at once → (22 + 0) / 2 = 11.
    assert_eq!(s.mean_respond_minutes, Some(11));
    // Arrived: 117 and 0 → 58 (whole minutes, rounded down).
    assert_eq!(s.mean_arrive_minutes, Some(58));
    // Only the repair was resolved: 66 minutes after arrival.
    assert_eq!(s.mean_repair_minutes, Some(66));
    // The clocks on Tuesday 10:00 (5×8 hotline 9:00–18:00, the seed's 7×24 clocks):
    // - response (30 hotline minutes): the repair (Sunday 08:30, due Monday 09:30, answered
    //   Sunday 08:52) and the loop detector kept; the gate and the reader, reported Monday
    //   10:00 and never answered, overdue since 10:30 → 2 of 4.
    // - on site: the repair and the loop detector arrived in time; the gate (24 hotline hours,
    //   due Wednesday 16:00) and the reader (36) are still running → 2 of 2.
    // - repair (8 h after arrival): the repair in 66 min; the loop detector on site since
    //   Monday 10:00, unresolved past 18:00 → 1 of 2.
    // - part (28 h) and spare unit (48 h) from the report, 7×24: the repair solved in time;
    //   the three open faults are past 28 h only on Tuesday 14:00, and 48 h on Wednesday, so
    //   they are still running → 1 of 1 each.
    let hits: Vec<(&str, i64, i64)> = s
        .sla_hits
        .iter()
        .map(|h| (h.clock.as_str(), h.kept, h.judged))
        .collect();
    assert_eq!(
        hits,
        vec![
            ("response", 2, 4),
            ("on_site", 2, 2),
            ("repair", 1, 2),
            ("part", 1, 1),
            ("spare_unit", 1, 1),
        ]
    );
    // Inspections: 8 lanes (2 sites × 4) under the 2026 contract, four windows a year closing
    // 04-01, 07-01, 10-01 and at the contract's end 12-31; two of them close in Q4 → 16 due.
    // Done: the demo's one inspection of XA01-L02 on Sunday, credited to the window closing
    // 12-31 (the one that closes 10-01 had nothing and stays missed).
    assert_eq!((s.inspections_due, s.inspections_done), (16, 1));
    assert!(s.recurring.is_empty(), "no device failed twice");
    let parts: Vec<(&str, i64)> = s.parts.iter().map(|p| (p.code.as_str(), p.qty)).collect();
    assert_eq!(parts, vec![("PAD-BG", 2)]);
}
