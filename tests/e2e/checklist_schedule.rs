//! Issue 4, must show: the inspection schedule on the demo contracts, checked against dates
//! computed by hand.
//!
//! Demo contracts (clock: Monday 2026-11-23): both run 2026-01-01 … 2026-12-31 with 4
//! inspections a year; HT-2026-002 also asks for one every 14 days in the first 3 months.
//!
//! HT-2026-001, quarterly from 01-01: 04-01, 07-01, 10-01; 2027-01-01 is past the end, so the
//! last quarter closes on the end date 12-31.
//! HT-2026-002, early phase to 04-01: 01-15, 01-29, 02-12, 02-26, 03-12, 03-26 (04-09 is past
//! 04-01); then the quarterly dates after the early phase: 07-01, 10-01, 12-31.

use crate::support::TestDb;
use chrono::{NaiveDate, TimeZone, Utc};
use weibao::checklist::run::{self, Given};
use weibao::checklist::schedule::{self, SlotStatus};
use weibao::checklist::validate;
use weibao::contracts;
use weibao::domain::contract::{Contract, EarlyInspections};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn ds(list: &[&str]) -> Vec<NaiveDate> {
    list.iter().map(|s| d(s)).collect()
}

#[test]
fn due_dates_of_the_demo_contracts() {
    let (_t, store) = TestDb::demo();
    let c1 = contracts::contract(&store, "HT-2026-001").expect("c1");
    let c2 = contracts::contract(&store, "HT-2026-002").expect("c2");
    assert_eq!(
        schedule::due_dates(&c1),
        ds(&["2026-04-01", "2026-07-01", "2026-10-01", "2026-12-31"])
    );
    assert_eq!(
        schedule::due_dates(&c2),
        ds(&[
            "2026-01-15",
            "2026-01-29",
            "2026-02-12",
            "2026-02-26",
            "2026-03-12",
            "2026-03-26",
            "2026-07-01",
            "2026-10-01",
            "2026-12-31"
        ])
    );
}

#[test]
fn month_ends_do_not_drift_and_odd_counts_use_days() {
    let (_t, store) = TestDb::demo();
    let base = contracts::contract(&store, "HT-2026-001").expect("c1");
    // Starts on Jan 31, monthly (12 a year): Feb 28 (clamped), Mar 31, Apr 30 … never drifts
    // to the 28th.
    let monthly = Contract {
        start_date: d("2026-01-31"),
        end_date: d("2026-05-31"),
        inspections_per_year: 12,
        early: None,
        ..base.clone()
    };
    assert_eq!(
        schedule::due_dates(&monthly),
        ds(&["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"])
    );
    // 5 a year: every ⌊365/5⌋ = 73 days from 2026-01-01 → 03-15, 05-27, 08-08, 10-20; the next
    // (2027-01-01) is past the end, so 12-31 closes the year.
    let five = Contract {
        inspections_per_year: 5,
        early: None,
        ..base.clone()
    };
    assert_eq!(
        schedule::due_dates(&five),
        ds(&[
            "2026-03-15",
            "2026-05-27",
            "2026-08-08",
            "2026-10-20",
            "2026-12-31"
        ])
    );
    // A dense early phase of 30 days within a 2-month contract.
    let short = Contract {
        start_date: d("2026-03-01"),
        end_date: d("2026-04-30"),
        early: Some(EarlyInspections {
            first_months: 6,
            every_days: 30,
        }),
        ..base
    };
    assert_eq!(
        schedule::due_dates(&short),
        ds(&["2026-03-31", "2026-04-30"])
    );
}

#[test]
fn slots_credit_the_quarter_an_inspection_falls_in_and_keep_missed_ones_missed() {
    let (_t, store) = TestDb::demo();
    let c1 = contracts::contract(&store, "HT-2026-001").expect("c1");
    // Done 02-10 (Q1), 07-20 (in Q3's window, which opened 07-01: it counts for Q3, and Q2,
    // with nothing in it, is missed), 07-25 (Q3 again: counted once).
    let done = ds(&["2026-07-25", "2026-02-10", "2026-07-20"]);
    let slots = schedule::slots(&c1, &done, d("2026-11-23"));
    let got: Vec<(NaiveDate, SlotStatus, Option<NaiveDate>)> =
        slots.iter().map(|s| (s.due, s.status, s.done_on)).collect();
    assert_eq!(
        got,
        vec![
            (d("2026-04-01"), SlotStatus::Done, Some(d("2026-02-10"))),
            (d("2026-07-01"), SlotStatus::Missed, None),
            (d("2026-10-01"), SlotStatus::Done, Some(d("2026-07-20"))),
            (d("2026-12-31"), SlotStatus::Due, None),
        ]
    );
    // Nothing done at all, seen on 2026-05-01: Q1 missed, Q2 due, the rest upcoming.
    let statuses: Vec<SlotStatus> = schedule::slots(&c1, &[], d("2026-05-01"))
        .iter()
        .map(|s| s.status)
        .collect();
    use SlotStatus::*;
    assert_eq!(statuses, [Missed, Due, Upcoming, Upcoming]);
}

/// A one-item quarterly template: the schedule counts completed quarterly inspections, and
/// this keeps the test about dates rather than about answering 60 questions.
const TINY: &str = r#"id = "tiny_quarterly"
version = 1
kind = "quarterly"
name_zh = "简易季度巡检"

[[section]]
applies_to = "lane"
title_zh = "通道"

  [[section.item]]
  id = "lane.ok"
  kind = "pass_fail"
  label_zh = "通道正常"
  required = true
"#;

#[test]
fn due_and_overdue_per_lane_from_completed_inspections() {
    let (t, mut store) = TestDb::demo();
    let tiny = validate::parse(TINY, "tiny.toml").expect("tiny");
    let c1 = contracts::contract(&store, "HT-2026-001").expect("c1");
    let lanes = schedule::schedule(&store, Some("HT-2026-001")).expect("schedule");
    assert!(!lanes.is_empty());
    assert!(lanes.iter().all(|l| c1.site_ids.contains(&l.site_id)));
    // Lanes the demo data has not inspected yet (it may hold a finished inspection or two).
    let fresh: Vec<String> = lanes
        .iter()
        .filter(|l| l.slots.iter().all(|s| s.done_on.is_none()))
        .map(|l| l.lane_id.clone())
        .collect();
    assert!(
        fresh.len() >= 2,
        "the demo contract covers uninspected lanes"
    );
    let lane = fresh[0].clone();

    // Inspect that lane on 2026-02-10 and 2026-07-20 (10:00 China time = 02:00 UTC); on
    // 2026-09-30 at 23:30 China time, which is still 09-30 at the lane though 15:30 UTC (so
    // still Q3, already done: counted once).
    for (y, m, day, h, min) in [
        (2026, 2, 10, 2, 0),
        (2026, 7, 20, 2, 0),
        (2026, 9, 30, 15, 30),
    ] {
        let at = Utc
            .with_ymd_and_hms(y, m, day, h, min, 0)
            .single()
            .expect("time");
        t.clock.set(at);
        let id = run::start(&mut store, &tiny, &lane)
            .expect("start")
            .header
            .id;
        run::answer(&mut store, &id, "lane.ok", &Given::text("pass"), None).expect("answer");
        run::complete(&mut store, &id).expect("complete");
    }
    // A daily check does not count towards the periodic schedule.
    t.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0)
            .single()
            .expect("t"),
    );
    let daily_text = weibao::checklist::SHIPPED[0].1;
    let daily = validate::parse(daily_text, "daily.toml").expect("daily");
    let id = run::start(&mut store, &daily, &lane)
        .expect("daily")
        .header
        .id;
    crate::checklist_run::answer_rest_passing(&mut store, &id, &[]);
    run::complete(&mut store, &id).expect("daily complete");

    t.clock.set(crate::support::monday_10am()); // 2026-11-23
    let lanes = schedule::schedule(&store, Some("HT-2026-001")).expect("schedule");
    let mine = lanes.iter().find(|l| l.lane_id == lane).expect("lane");
    let got: Vec<(NaiveDate, SlotStatus, Option<NaiveDate>)> = mine
        .slots
        .iter()
        .map(|s| (s.due, s.status, s.done_on))
        .collect();
    assert_eq!(
        got,
        vec![
            (d("2026-04-01"), SlotStatus::Done, Some(d("2026-02-10"))),
            (d("2026-07-01"), SlotStatus::Missed, None),
            (d("2026-10-01"), SlotStatus::Done, Some(d("2026-07-20"))),
            (d("2026-12-31"), SlotStatus::Due, None),
        ]
    );
    assert_eq!(mine.missed(), vec![d("2026-07-01")]);
    assert_eq!(mine.next_open().map(|s| s.due), Some(d("2026-12-31")));
    // Another lane of the same contract, never inspected: three missed, one due; only the due
    // one is open work.
    let other = lanes
        .iter()
        .find(|l| l.lane_id == fresh[1])
        .expect("other lane");
    let open: Vec<(NaiveDate, SlotStatus)> =
        other.slots.iter().map(|s| (s.due, s.status)).collect();
    assert_eq!(
        open,
        vec![
            (d("2026-04-01"), SlotStatus::Missed),
            (d("2026-07-01"), SlotStatus::Missed),
            (d("2026-10-01"), SlotStatus::Missed),
            (d("2026-12-31"), SlotStatus::Due),
        ]
    );
    // Without a contract named: every contract in force today, both demo ones.
    let all = schedule::schedule(&store, None).expect("all");
    assert!(all.iter().any(|l| l.contract_number == "HT-2026-002"));
    assert!(all.len() > lanes.len());
}

#[test]
fn an_inspection_completed_today_clears_that_lanes_due_item_on_today() {
    let (t, mut store) = TestDb::demo();
    let tiny = validate::parse(TINY, "tiny.toml").expect("tiny");
    let lanes = schedule::schedule(&store, Some("HT-2026-001")).expect("schedule");
    let lane = lanes
        .iter()
        .find(|l| l.slots.iter().all(|s| s.done_on.is_none()))
        .expect("an uninspected lane")
        .lane_id
        .clone();
    // 2026-05-10, 10:00 China time: Q1 (due 04-01) was missed, Q2 (due 07-01) is open.
    t.clock.set(
        Utc.with_ymd_and_hms(2026, 5, 10, 2, 0, 0)
            .single()
            .expect("t"),
    );
    let on_today = |store: &weibao::store::Store| {
        weibao::today::today(store)
            .expect("today")
            .due
            .into_iter()
            .find(|d| d.lane_id == lane)
    };
    let before = on_today(&store).expect("the lane is due");
    assert_eq!(
        (before.due, before.status),
        (d("2026-07-01"), SlotStatus::Due)
    );
    assert_eq!(before.missed, vec![d("2026-04-01")]);

    let id = run::start(&mut store, &tiny, &lane)
        .expect("start")
        .header
        .id;
    run::answer(&mut store, &id, "lane.ok", &Given::text("pass"), None).expect("answer");
    run::complete(&mut store, &id).expect("complete");

    assert!(
        on_today(&store).is_none(),
        "done this quarter: nothing left to do on Today"
    );
    let mine = schedule::schedule(&store, Some("HT-2026-001")).expect("schedule");
    let mine = mine.iter().find(|l| l.lane_id == lane).expect("lane");
    assert!(mine.next_open().is_none());
    assert_eq!(mine.slots[0].status, SlotStatus::Missed);
    assert_eq!(mine.slots[1].done_on, Some(d("2026-05-10")));
}
