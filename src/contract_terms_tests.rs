//! Editing a contract's terms as a document: the office shortens the repair promise, a typo,
//! a wrong type, an unknown calendar, a level table that makes no sense — and what is stored.

use super::*;
use crate::sla::{self, ClockKind};
use crate::views::fixture::world;

const NUMBER: &str = "HT-2026-001";

fn terms(w: &crate::views::fixture::World) -> String {
    to_toml(w.store.conn(), NUMBER).expect("terms as TOML")
}

fn stored(w: &crate::views::fixture::World) -> Contract {
    contract_in(w.store.conn(), NUMBER).expect("contract")
}

fn refused(w: &mut crate::views::fixture::World, text: &str) -> Error {
    let before = stored(w);
    let e = w
        .store
        .write(|tx| set(tx, NUMBER, text))
        .expect_err("the edit is refused");
    assert_eq!(stored(w), before, "nothing was written");
    e
}

#[test]
fn the_terms_read_back_unchanged_and_say_their_units() {
    let mut w = world();
    let text = terms(&w);
    assert!(
        text.contains("# 合同条款 / contract terms: HT-2026-001"),
        "{text}"
    );
    assert!(text.contains("amounts are in fen"), "{text}");
    assert!(text.contains("[sla.repair]"), "{text}");
    assert!(text.contains("minutes = 480"), "{text}");
    let changed = w
        .store
        .write(|tx| set(tx, NUMBER, &text))
        .expect("saved as it was");
    assert!(changed.is_empty(), "nothing changed: {changed:?}");
}

#[test]
fn the_office_shortens_the_repair_promise_to_six_hours_and_the_clock_follows() {
    let mut w = world();
    let text = terms(&w).replacen("minutes = 480", "minutes = 360", 1);
    let changed = w.store.write(|tx| set(tx, NUMBER, &text)).expect("saved");
    assert_eq!(changed, vec!["terms"]);
    assert_eq!(
        stored(&w).sla.repair.map(|t| t.minutes),
        Some(360),
        "the new limit is stored"
    );
    // The work order arrives at 11:00; its repair clock now runs 6 hours, to 17:00.
    let wo = w.work_order.clone();
    w.clock.advance(chrono::Duration::hours(1));
    for to in [
        crate::domain::work_order::WorkOrderState::Assigned,
        crate::domain::work_order::WorkOrderState::Responded,
        crate::domain::work_order::WorkOrderState::OnSite,
    ] {
        w.store
            .write(|tx| crate::work_orders::advance(tx, &wo, to, None, None))
            .expect("advance");
    }
    let clocks = sla::for_work_order(&w.store, &wo).expect("clocks");
    let repair = clocks.get(ClockKind::Repair).expect("a repair clock");
    assert_eq!(repair.deadline - repair.starts, chrono::Duration::hours(6));
}

#[test]
fn a_hotline_with_its_own_hours_and_a_new_labour_rate_are_stored() {
    let mut w = world();
    let text = terms(&w);
    assert!(text.contains("hotline = \"7x24\""), "{text}");
    let text = text
        .replacen("hotline = \"7x24\"", "hotline = \"5x8-0830\"", 1)
        .replacen("labour_per_day = 50000", "labour_per_day = 60000", 1);
    let changed = w.store.write(|tx| set(tx, NUMBER, &text)).expect("saved");
    assert_eq!(changed, vec!["terms"]);
    let c = stored(&w);
    assert_eq!(c.billing.labour_per_day.0, 60_000);
    assert_eq!(c.hotline_calendar(), "5x8-0830");
    assert_eq!(
        c.calendar,
        ServiceCalendar::SevenByTwentyFour,
        "the column older versions read is kept"
    );
    // Back to plain 5×8: the column follows and no separate hotline is kept.
    let text = terms(&w).replacen("hotline = \"5x8-0830\"", "hotline = \"5x8\"", 1);
    let changed = w.store.write(|tx| set(tx, NUMBER, &text)).expect("saved");
    assert_eq!(changed, vec!["calendar", "terms"]);
    let c = stored(&w);
    assert_eq!(c.calendar, ServiceCalendar::FiveByEight);
    assert_eq!(c.sla.hotline, None);
}

#[test]
fn a_misspelt_key_is_named_with_its_line_and_nothing_changes() {
    let mut w = world();
    let text = terms(&w).replacen("[sla.repair]", "[sla.repiar]", 1);
    let e = refused(&mut w, &text);
    assert_eq!(e.field(), Some("contract.terms"));
    let line = text
        .lines()
        .position(|l| l.contains("repiar"))
        .expect("the line")
        + 1;
    assert!(
        e.to_string().contains("sla.repiar") && e.to_string().contains(&format!("line {line}")),
        "{e}"
    );
    assert!(
        e.message_zh().contains(&format!("第 {line} 行")),
        "{}",
        e.message_zh()
    );
}

#[test]
fn a_limit_written_as_words_or_a_broken_line_is_refused() {
    let mut w = world();
    let words = terms(&w).replacen("minutes = 480", "minutes = \"eight hours\"", 1);
    let e = refused(&mut w, &words);
    assert_eq!(e.field(), Some("contract.terms"));
    assert!(e.to_string().contains("minutes"), "{e}");

    let broken = terms(&w).replacen("minutes = 480", "minutes = = 480", 1);
    let line = broken
        .lines()
        .position(|l| l.contains("= = 480"))
        .expect("the line")
        + 1;
    let e = refused(&mut w, &broken);
    assert!(e.to_string().contains(&format!("line {line}")), "{e}");

    let e = refused(&mut w, "inspections_per_year = 4\n");
    assert_eq!(e.field(), Some("contract.terms"), "{e}");
}

#[test]
fn an_unknown_calendar_or_a_level_table_that_makes_no_sense_is_refused_by_the_contracts_rules() {
    let mut w = world();
    let text = terms(&w).replacen("hotline = \"7x24\"", "hotline = \"9-to-5-on-mars\"", 1);
    let e = refused(&mut w, &text);
    assert_eq!(e.field(), Some("contract.sla"));
    assert!(e.to_string().contains("9-to-5-on-mars"), "{e}");

    // An emergency on site within 10 minutes, before its 15-minute response…
    let text = terms(&w).replacen("on_site_minutes = 1440", "on_site_minutes = 10", 1);
    assert!(
        text.contains("response_minutes = 15\non_site_minutes = 10"),
        "{text}"
    );
    let e = refused(&mut w, &text);
    assert_eq!(e.field(), Some("contract.sla"));
    // …and a level on site before its response.
    let text = terms(&w).replacen("on_site_minutes = 2160", "on_site_minutes = 10", 1);
    let e = refused(&mut w, &text);
    assert_eq!(e.field(), Some("contract.levels"));
}

#[test]
fn an_unknown_contract_is_named() {
    let w = world();
    let e = to_toml(w.store.conn(), "HT-1999-404").expect_err("no such contract");
    assert_eq!(e.kind(), "not_found");
}
