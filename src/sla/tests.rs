//! The SLA clocks of one work order, from its records, in Asia/Shanghai time: the level table
//! on the hotline, emergencies and their yearly out-of-hours quota, repair after arrival, the
//! 28-hour part and the 48-hour spare unit, and excuses that pause them.

use super::*;
use crate::calendar::count::{instant, local};
use crate::domain::contract::{BillingTerms, Contract, ServiceCalendar};
use crate::domain::sla::SlaTerms;
use crate::domain::values::Fen;
use crate::{Clock, FakeClock};
use chrono::NaiveDate;

fn cst(s: &str) -> DateTime<Utc> {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time");
    instant(t)
}

fn china(t: DateTime<Utc>) -> String {
    local(t).format("%Y-%m-%d %H:%M").to_string()
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a test date")
}

/// The seed contract: 5×8 hotline, the domain's level table, and the seeds' other clocks.
fn contract(calendar: ServiceCalendar, from: &str, to: &str) -> Contract {
    Contract {
        id: "c1".into(),
        number: "HT-2026-001".into(),
        customer_id: "cust".into(),
        name: "电子卡口系统有偿维保合同".into(),
        start_date: day(from),
        end_date: day(to),
        fee: Fen(36_000_000),
        calendar,
        holidays: vec![],
        levels: Contract::standard_levels(),
        inspections_per_year: 4,
        early: None,
        billing: BillingTerms::default(),
        exclusions: vec![],
        site_ids: vec![],
        sla: SlaTerms::seed(),
    }
}

fn five_by_eight() -> Contract {
    contract(ServiceCalendar::FiveByEight, "2026-01-01", "2026-12-31")
}

fn fault(level: u8, reported: &str, c: Contract) -> Records {
    Records::new(
        "wo-1",
        WorkOrderKind::FaultRepair,
        Some(level),
        cst(reported),
        Some(c),
    )
}

fn emergency(reported: &str, c: Contract, earlier: &[&str]) -> Records {
    let mut r = Records::new(
        "wo-9",
        WorkOrderKind::Emergency,
        None,
        cst(reported),
        Some(c),
    );
    r.other_emergencies = earlier
        .iter()
        .enumerate()
        .map(|(i, t)| (cst(t), format!("wo-{i}")))
        .collect();
    r
}

fn set() -> Calendars {
    Calendars::shipped().expect("shipped calendars")
}

fn due(clocks: &Clocks, kind: ClockKind) -> String {
    china(clocks.get(kind).expect("the clock exists").deadline)
}

fn pause(reason: PauseReason, clock: Option<ClockKind>, from: &str, to: Option<&str>) -> Pause {
    Pause {
        id: format!("p-{from}"),
        work_order_id: "wo-1".into(),
        clock,
        reason,
        note: None,
        started_at: cst(from),
        started_by: "e1".into(),
        started_by_name: Some("张伟".into()),
        recorded_at: Some(cst(from)),
        ended_at: to.map(cst),
        ended_by: to.map(|_| "e1".into()),
        ended_by_name: None,
    }
}

#[test]
fn a_level_1_fault_friday_1750_on_5x8_responds_monday_0920_and_arrives_wednesday() {
    let rec = fault(1, "2026-11-20 17:50", five_by_eight());
    let c = clocks(&rec, &set(), cst("2026-11-20 17:55"));
    assert_eq!(due(&c, ClockKind::Response), "2026-11-23 09:20");
    // 24 hotline hours: 10 minutes on Friday, then Monday 9 h, Tuesday 9 h, Wednesday 5 h 50.
    assert_eq!(due(&c, ClockKind::OnSite), "2026-11-25 14:50");
    let on_site = c.get(ClockKind::OnSite).expect("on site");
    assert_eq!(on_site.calendar.id, "5x8");
    // The part and spare-unit clocks run on 7×24 support from the report.
    assert_eq!(due(&c, ClockKind::Part), "2026-11-21 21:50");
    assert_eq!(due(&c, ClockKind::SpareUnit), "2026-11-22 17:50");
    assert!(
        c.get(ClockKind::Repair).is_none(),
        "repair starts on arrival"
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

/// (case, reported at, earlier emergencies this contract year, response due, on site due,
/// calendar both count in)
type Emergency = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
);

const EMERGENCIES: &[Emergency] = &[
    (
        "an emergency in working hours counts on 7×24",
        "2026-11-23 10:00",
        &["2026-03-07 23:00", "2026-06-01 20:00"],
        "2026-11-23 10:15",
        "2026-11-24 10:00",
        "7x24",
    ),
    (
        "the first out-of-hours emergency of the year is served out of hours",
        "2026-11-21 22:00",
        &[],
        "2026-11-21 22:15",
        "2026-11-22 22:00",
        "7x24",
    ),
    (
        "the second one too",
        "2026-11-21 22:00",
        &["2026-03-07 23:00"],
        "2026-11-21 22:15",
        "2026-11-22 22:00",
        "7x24",
    ),
    (
        "an emergency outside working hours when the year's quota is used up counts on 5×8",
        "2026-11-21 22:00",
        &["2026-03-07 23:00", "2026-06-01 20:00"],
        "2026-11-23 09:15",
        "2026-11-25 15:00",
        "5x8",
    ),
    (
        "emergencies in working hours do not use the out-of-hours quota",
        "2026-11-21 22:00",
        &["2026-03-09 10:00", "2026-06-01 11:00", "2026-07-01 15:00"],
        "2026-11-21 22:15",
        "2026-11-22 22:00",
        "7x24",
    ),
    (
        "later emergencies do not use it either",
        "2026-11-21 22:00",
        &["2026-11-28 23:00", "2026-12-05 23:00"],
        "2026-11-21 22:15",
        "2026-11-22 22:00",
        "7x24",
    ),
];

#[test]
fn emergencies_and_the_yearly_out_of_hours_quota() {
    let set = set();
    for (case, reported, earlier, response, on_site, calendar) in EMERGENCIES {
        let rec = emergency(reported, five_by_eight(), earlier);
        let c = clocks(&rec, &set, cst(reported));
        assert_eq!(&due(&c, ClockKind::Response), response, "{case}");
        assert_eq!(&due(&c, ClockKind::OnSite), on_site, "{case}");
        let r = c.get(ClockKind::Response).expect("response");
        assert_eq!(&r.calendar.id, calendar, "{case}");
        assert_eq!(r.minutes, 15, "{case}: still the emergency limit");
        assert!(r.rule.is_some(), "{case}: the rule is said");
    }
    let used_up = emergency(
        "2026-11-21 22:00",
        five_by_eight(),
        &["2026-03-07 23:00", "2026-06-01 20:00"],
    );
    let c = clocks(&used_up, &set, cst("2026-11-21 22:00"));
    let rule = c.get(ClockKind::OnSite).and_then(|k| k.rule.clone());
    assert!(rule.is_some_and(|r| r.zh.contains("已用完") && r.en.contains("used up")));
}

#[test]
fn the_quota_is_per_contract_year_from_the_start_date() {
    // A contract from 1 July: March and May 2026 belong to its first year, November to its
    // second, which has used none.
    let c = contract(ServiceCalendar::FiveByEight, "2025-07-01", "2027-06-30");
    let rec = emergency(
        "2026-11-21 22:00",
        c,
        &["2026-03-07 23:00", "2026-05-02 23:00"],
    );
    let clocks = clocks(&rec, &set(), cst("2026-11-21 22:00"));
    assert_eq!(due(&clocks, ClockKind::Response), "2026-11-21 22:15");
}

#[test]
fn a_typhoon_pause_stops_the_clocks_and_moves_their_deadlines() {
    let mut rec = fault(1, "2026-11-23 10:00", five_by_eight());
    rec.state = WorkOrderState::Responded;
    rec.responded = Some(cst("2026-11-23 10:10"));
    rec.pauses = vec![pause(
        PauseReason::Typhoon,
        None,
        "2026-11-23 14:00",
        Some("2026-11-24 12:00"),
    )];
    let set = set();
    // While the typhoon lasts the pending clocks are paused; the met one stays met.
    let c = clocks(&rec, &set, cst("2026-11-23 15:00"));
    let on_site = c.get(ClockKind::OnSite).expect("on site");
    assert_eq!(on_site.status, SlaStatus::Paused);
    assert_eq!(
        c.get(ClockKind::Response).map(|k| k.status),
        Some(SlaStatus::Met)
    );
    // Afterwards: 7 counted hotline hours were covered, so Wednesday 16:00 becomes Thursday 14:00.
    let c = clocks(&rec, &set, cst("2026-11-24 13:00"));
    let on_site = c.get(ClockKind::OnSite).expect("on site");
    assert_eq!(china(on_site.unpaused_deadline), "2026-11-25 16:00");
    assert_eq!(china(on_site.deadline), "2026-11-26 14:00");
    assert_eq!(on_site.status, SlaStatus::OnTime);
    assert_eq!(on_site.pauses.len(), 1);
    // The 7×24 part clock lost the typhoon's 22 hours.
    assert_eq!(due(&c, ClockKind::Part), "2026-11-25 12:00");
}

#[test]
fn a_pause_still_running_keeps_moving_the_deadline_until_it_ends() {
    let mut rec = fault(
        2,
        "2026-11-23 10:00",
        contract(
            ServiceCalendar::SevenByTwentyFour,
            "2026-01-01",
            "2026-12-31",
        ),
    );
    rec.pauses = vec![pause(
        PauseReason::RoadClosure,
        Some(ClockKind::OnSite),
        "2026-11-23 12:00",
        None,
    )];
    let set = set();
    let at_13 = clocks(&rec, &set, cst("2026-11-23 13:00"));
    let at_15 = clocks(&rec, &set, cst("2026-11-23 15:00"));
    assert_eq!(due(&at_13, ClockKind::OnSite), "2026-11-24 23:00");
    assert_eq!(due(&at_15, ClockKind::OnSite), "2026-11-25 01:00");
    // A pause for one clock leaves the others alone.
    assert_eq!(due(&at_15, ClockKind::Response), "2026-11-23 10:30");
    assert_eq!(
        at_15.get(ClockKind::Response).map(|k| k.status),
        Some(SlaStatus::Breached)
    );
}

#[test]
fn repair_runs_from_arrival_and_the_part_and_spare_unit_from_the_report() {
    let mut rec = fault(1, "2026-11-23 10:00", five_by_eight());
    rec.state = WorkOrderState::Resolved;
    rec.responded = Some(cst("2026-11-23 10:20"));
    rec.on_site = Some(cst("2026-11-24 10:00"));
    rec.resolved = Some(cst("2026-11-25 11:00"));
    rec.first_part = Some(cst("2026-11-24 15:00"));
    rec.spare_unit = Some(cst("2026-11-25 09:00"));
    let c = clocks(&rec, &set(), cst("2026-11-26 09:00"));
    let status = |k| c.get(k).map(|x| x.status);
    assert_eq!(due(&c, ClockKind::Repair), "2026-11-24 18:00");
    assert_eq!(
        status(ClockKind::Repair),
        Some(SlaStatus::Breached),
        "resolved the next day"
    );
    // A part fitted 29 hours after the report misses the 28-hour limit…
    assert_eq!(status(ClockKind::Part), Some(SlaStatus::Breached));
    // …the spare unit in place after 47 hours meets the 48-hour one.
    assert_eq!(status(ClockKind::SpareUnit), Some(SlaStatus::Met));
    // A customer who was not there from 12:00 to 17:00 pauses the repair clock only.
    rec.pauses = vec![pause(
        PauseReason::CustomerUnavailable,
        Some(ClockKind::Repair),
        "2026-11-24 12:00",
        Some("2026-11-24 17:00"),
    )];
    let c = clocks(&rec, &set(), cst("2026-11-26 09:00"));
    assert_eq!(due(&c, ClockKind::Repair), "2026-11-24 23:00");
    assert_eq!(due(&c, ClockKind::Part), "2026-11-24 14:00");
}

#[test]
fn on_an_830_to_1730_contract_friday_1720_is_answered_monday_0850() {
    let mut c = five_by_eight();
    c.sla.hotline = Some("5x8-0830".into());
    let rec = fault(2, "2026-11-20 17:20", c);
    let clocks = clocks(&rec, &set(), cst("2026-11-20 17:20"));
    assert_eq!(due(&clocks, ClockKind::Response), "2026-11-23 08:50");
    let r = clocks.get(ClockKind::Response).expect("response");
    assert_eq!(r.calendar.id, "5x8-0830");
    // 36 hotline hours of 9 a day: 10 minutes on Friday, then to Thursday 17:20.
    assert_eq!(due(&clocks, ClockKind::OnSite), "2026-11-26 17:20");
}

#[test]
fn a_contract_stored_before_the_sla_terms_has_its_two_old_clocks_only() {
    let mut old = five_by_eight();
    old.sla = SlaTerms::default();
    let rec = fault(2, "2026-11-20 17:50", old.clone());
    let c = clocks(&rec, &set(), cst("2026-11-20 17:50"));
    let kinds: Vec<ClockKind> = c.clocks.iter().map(|k| k.kind).collect();
    assert_eq!(kinds, [ClockKind::Response, ClockKind::OnSite]);
    assert_eq!(due(&c, ClockKind::Response), "2026-11-23 09:20");
    // An emergency under it has no emergency terms: its level's limits apply.
    let mut rec = Records::new(
        "wo-2",
        WorkOrderKind::Emergency,
        Some(1),
        cst("2026-11-21 22:00"),
        Some(old),
    );
    rec.other_emergencies = vec![];
    let c = clocks(&rec, &set(), cst("2026-11-21 22:00"));
    assert_eq!(due(&c, ClockKind::Response), "2026-11-23 09:30");
}

#[test]
fn without_a_contract_or_a_level_there_is_nothing_to_count() {
    let mut rec = fault(1, "2026-11-23 10:00", five_by_eight());
    rec.contract = None;
    assert!(clocks(&rec, &set(), cst("2026-11-23 10:00"))
        .clocks
        .is_empty());
    let mut rec = fault(1, "2026-11-23 10:00", five_by_eight());
    rec.level = None;
    let c = clocks(&rec, &set(), cst("2026-11-23 10:00"));
    assert!(c.get(ClockKind::Response).is_none());
    assert!(
        c.get(ClockKind::Part).is_some(),
        "the part clock needs no level"
    );
}

#[test]
fn a_deadline_in_a_year_without_holiday_data_says_so() {
    let rec = fault(
        3,
        "2026-12-31 17:50",
        contract(ServiceCalendar::FiveByEight, "2026-01-01", "2027-12-31"),
    );
    let c = clocks(&rec, &set(), cst("2026-12-31 17:50"));
    assert_eq!(due(&c, ClockKind::Response), "2027-01-01 09:20");
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c.warnings[0].zh.contains("2027") && c.warnings[0].en.contains("2027"));
}

#[test]
fn a_calendar_missing_from_the_files_counts_as_7x24_with_a_warning() {
    let mut c = five_by_eight();
    c.sla.hotline = Some("gone".into());
    let rec = fault(2, "2026-11-20 17:50", c);
    let clocks = clocks(&rec, &set(), cst("2026-11-20 17:50"));
    assert_eq!(due(&clocks, ClockKind::Response), "2026-11-20 18:20");
    assert!(clocks.warnings.iter().any(|w| w.en.contains("gone")));
}

#[test]
fn a_fake_clock_walks_a_pending_response_from_on_time_to_at_risk_to_breached() {
    let rec = fault(2, "2026-11-23 10:00", five_by_eight());
    let clock = FakeClock::new(cst("2026-11-23 10:05"));
    let status = |clock: &FakeClock| {
        clocks(&rec, &set(), clock.now())
            .get(ClockKind::Response)
            .map(|k| k.status)
    };
    assert_eq!(status(&clock), Some(SlaStatus::OnTime));
    clock.set(cst("2026-11-23 10:25"));
    assert_eq!(status(&clock), Some(SlaStatus::AtRisk));
    clock.set(cst("2026-11-23 10:31"));
    assert_eq!(status(&clock), Some(SlaStatus::Breached));
}

#[test]
fn a_fault_solved_by_phone_keeps_its_on_site_clock_by_the_solution_and_has_no_repair_clock() {
    // Level 3: respond in 30 working minutes, on site within 48 hotline hours.
    let mut rec = fault(3, "2026-11-23 10:00", five_by_eight());
    rec.state = WorkOrderState::Resolved;
    rec.remote = true;
    rec.responded = Some(cst("2026-11-23 10:10"));
    rec.resolved = Some(cst("2026-11-23 11:00"));
    let c = clocks(&rec, &set(), cst("2026-11-30 09:00"));
    let on_site = c.get(ClockKind::OnSite).expect("on site");
    assert_eq!(on_site.status, SlaStatus::Met);
    assert_eq!(on_site.done, Step::Done(Some(cst("2026-11-23 11:00"))));
    assert!(on_site
        .rule
        .as_ref()
        .is_some_and(|n| n.en.contains("no visit needed")));
    assert!(c.get(ClockKind::Repair).is_none(), "nobody arrived");

    // Solved remotely only after the on-site deadline: the promise was not kept.
    rec.resolved = Some(cst("2026-12-03 10:00"));
    let c = clocks(&rec, &set(), cst("2026-12-04 09:00"));
    assert_eq!(
        c.get(ClockKind::OnSite).map(|x| x.status),
        Some(SlaStatus::Breached)
    );
}
