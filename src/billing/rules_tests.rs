//! The seeds' billing examples, one situation each.

use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn gate_motor(qty: i64) -> PartUse {
    PartUse {
        code: "MOT-BG".into(),
        name: "道闸电机".into(),
        category: PartCategory::Main,
        qty,
        unit_cost: Fen(120_000),
    }
}

fn buffer_pad() -> PartUse {
    PartUse {
        code: "PAD-BG".into(),
        name: "缓冲垫".into(),
        category: PartCategory::Vulnerable,
        qty: 2,
        unit_cost: Fen(3_500),
    }
}

fn contract_2026() -> Cover {
    Cover {
        number: "WB-2026-001".into(),
        start: day("2026-01-01"),
        end: day("2026-12-31"),
        labour_first_year: DEFAULT_FIRST_YEAR,
        labour_later_years: DEFAULT_LATER_YEARS,
    }
}

/// A gate whose warranty ends 2026-06-30, a fault on `fault_day`, one day of labour.
fn gate(fault_day: &str, cause: Option<FaultCause>, contract: Option<Cover>) -> Situation {
    Situation {
        fault_day: day(fault_day),
        warranty_end: Some(day("2026-06-30")),
        contract,
        rates: (DEFAULT_FIRST_YEAR, DEFAULT_LATER_YEARS),
        cause,
        parts: vec![gate_motor(1)],
        labour_half_days: 2,
        travel: Fen(0),
        survey: Fen(0),
    }
}

fn billable(q: &Quote, kind: LineKind) -> bool {
    q.lines
        .iter()
        .find(|l| l.kind == kind)
        .map(|l| l.billable)
        .expect("line present")
}

#[test]
fn a_natural_failure_in_warranty_is_free() {
    let q = quote(&gate("2026-05-10", Some(FaultCause::NaturalWear), None)).unwrap();
    assert!(q.basis.in_warranty);
    assert!(q.lines.iter().all(|l| !l.billable), "{q:?}");
    assert_eq!(q.total_fen, 0);
}

#[test]
fn human_damage_in_warranty_bills_parts_and_labour() {
    let q = quote(&gate("2026-05-10", Some(FaultCause::HumanDamage), None)).unwrap();
    assert!(billable(&q, LineKind::Part) && billable(&q, LineKind::Labour));
    // 1 motor at cost + 1 person-day at the first-year rate.
    assert_eq!(q.total_fen, 120_000 + 50_000);
    assert!(q.lines[0].reason_zh.contains("人为损坏"), "{q:?}");
}

#[test]
fn labour_is_500_a_day_in_the_first_year_after_warranty_and_750_later() {
    let first = quote(&gate("2027-03-01", Some(FaultCause::NaturalWear), None)).unwrap();
    assert_eq!(first.basis.years_after_warranty, Some(0));
    let labour = first
        .lines
        .iter()
        .find(|l| l.kind == LineKind::Labour)
        .unwrap();
    assert_eq!((labour.amount_fen, labour.billable), (50_000, true));
    assert!(labour.reason_zh.contains("第 1 年"), "{labour:?}");

    let later = quote(&gate("2028-03-01", Some(FaultCause::NaturalWear), None)).unwrap();
    assert_eq!(later.basis.years_after_warranty, Some(1));
    let labour = later
        .lines
        .iter()
        .find(|l| l.kind == LineKind::Labour)
        .unwrap();
    assert_eq!(labour.amount_fen, 75_000);
    // The year boundary: the 365th day after warranty is still the first year.
    let edge = quote(&gate("2027-06-30", Some(FaultCause::NaturalWear), None)).unwrap();
    assert_eq!(edge.basis.years_after_warranty, Some(0));
    let next = quote(&gate("2027-07-01", Some(FaultCause::NaturalWear), None)).unwrap();
    assert_eq!(next.basis.years_after_warranty, Some(1));
}

#[test]
fn a_maintenance_contract_keeps_a_natural_failure_free_after_warranty() {
    let q = quote(&gate(
        "2026-10-01",
        Some(FaultCause::NaturalWear),
        Some(contract_2026()),
    ))
    .unwrap();
    assert!(!q.basis.in_warranty);
    assert_eq!(q.basis.contract_number.as_deref(), Some("WB-2026-001"));
    assert_eq!(q.total_fen, 0);
}

#[test]
fn a_loop_broken_by_ground_subsidence_is_billed_with_survey_and_travel() {
    let mut s = gate(
        "2026-10-01",
        Some(FaultCause::GroundSubsidence),
        Some(contract_2026()),
    );
    s.parts = vec![PartUse {
        code: "LOOP-2x1".into(),
        name: "地感线圈".into(),
        category: PartCategory::Main,
        qty: 1,
        unit_cost: Fen(45_000),
    }];
    s.travel = Fen(20_000);
    s.survey = Fen(30_000);
    let q = quote(&s).unwrap();
    assert!(q.lines.iter().all(|l| l.billable), "{q:?}");
    assert_eq!(q.total_fen, 45_000 + 50_000 + 20_000 + 30_000);
}

#[test]
fn a_consumable_buffer_pad_is_billed_even_when_the_repair_is_free() {
    let mut s = gate(
        "2026-05-10",
        Some(FaultCause::NaturalWear),
        Some(contract_2026()),
    );
    s.parts = vec![gate_motor(1), buffer_pad()];
    let q = quote(&s).unwrap();
    let pad = q.lines.iter().find(|l| l.label.contains("PAD-BG")).unwrap();
    assert!(pad.billable && pad.reason_zh.contains("易损件"), "{pad:?}");
    assert!(!billable(&q, LineKind::Labour));
    assert_eq!(q.total_fen, 2 * 3_500);
}

#[test]
fn an_unrecorded_cause_is_quoted_as_a_natural_failure_and_says_so() {
    let q = quote(&gate("2026-05-10", None, None)).unwrap();
    assert_eq!(q.basis.cause, FaultCause::NaturalWear);
    assert!(!q.basis.cause_recorded);
}

#[test]
fn service_after_the_contract_ended_is_billed() {
    let q = quote(&gate(
        "2026-05-10",
        Some(FaultCause::AfterContractEnd),
        Some(contract_2026()),
    ))
    .unwrap();
    assert!(q.total_fen > 0);
}

#[test]
fn amounts_that_overflow_are_refused_naming_the_field() {
    let mut s = gate("2027-03-01", Some(FaultCause::HumanDamage), None);
    s.parts = vec![PartUse {
        unit_cost: Fen(i64::MAX),
        ..gate_motor(2)
    }];
    let e = quote(&s).unwrap_err();
    assert_eq!(e.field(), Some("billing.parts"));
}
