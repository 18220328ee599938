//! The work-order screen's rules, on a small world whose clock the test moves.

use super::*;
use crate::views::fixture::{reported_at, world, World};
use crate::views::sla::SlaStatus;
use chrono::Duration;

/// Move the clock to `hours` after the report and take the next step there.
fn step_at(w: &mut World, minutes: i64, to: &str) -> WorkOrderView {
    w.clock.set(reported_at() + Duration::minutes(minutes));
    advance(&mut w.store, &w.work_order, to, None).expect("the next step is taken")
}

fn status(c: &Option<SlaClock>) -> SlaStatus {
    c.as_ref().expect("the contract sets this deadline").status
}

#[test]
fn on_site_before_deadline_is_met_not_overdue() {
    let mut w = world();
    step_at(&mut w, 5, "assigned");
    step_at(&mut w, 10, "responded");
    step_at(&mut w, 20 * 60, "on_site");
    // Two days later the 36-hour arrival deadline has long passed: the engineer was on time.
    w.clock.set(reported_at() + Duration::hours(48));
    let v = view(&w.store, &w.work_order).expect("view");
    assert_eq!(status(&v.row.respond), SlaStatus::Met);
    assert_eq!(status(&v.row.on_site), SlaStatus::Met);
    let on_site = v.row.on_site.as_ref().expect("on-site clock");
    assert_eq!(on_site.done_at_text.as_deref(), Some("2026-06-02 06:00"));
}

#[test]
fn nobody_on_site_after_the_deadline_is_breached() {
    let mut w = world();
    step_at(&mut w, 5, "assigned");
    step_at(&mut w, 10, "responded");
    w.clock.set(reported_at() + Duration::hours(37));
    let v = view(&w.store, &w.work_order).expect("view");
    assert_eq!(status(&v.row.respond), SlaStatus::Met);
    assert_eq!(status(&v.row.on_site), SlaStatus::Breached);
}

#[test]
fn arriving_late_stays_breached_after_arrival() {
    let mut w = world();
    step_at(&mut w, 5, "assigned");
    step_at(&mut w, 45, "responded");
    step_at(&mut w, 40 * 60, "on_site");
    let v = view(&w.store, &w.work_order).expect("view");
    assert_eq!(status(&v.row.respond), SlaStatus::Breached);
    assert_eq!(status(&v.row.on_site), SlaStatus::Breached);
}

#[test]
fn unanswered_fault_near_its_response_deadline_is_at_risk_in_every_list() {
    let w = world();
    w.clock.set(reported_at() + Duration::minutes(25));
    let rows = list(&w.store, None, None, true).expect("list");
    let row = rows
        .iter()
        .find(|r| r.summary.id == w.work_order)
        .expect("the open work order is listed");
    assert_eq!(status(&row.respond), SlaStatus::AtRisk);
    assert_eq!(status(&row.on_site), SlaStatus::OnTime);
}

#[test]
fn times_read_in_china_time() {
    let w = world();
    let v = view(&w.store, &w.work_order).expect("view");
    assert_eq!(v.row.reported_at_text, "2026-06-01 10:00");
    let respond = v.row.respond.as_ref().expect("respond clock");
    assert_eq!(respond.deadline_text, "2026-06-01 10:30");
    assert_eq!(v.transitions[0].at_text, "2026-06-01 10:00");
}

#[test]
fn a_new_fault_offers_assignment_and_no_signature() {
    let w = world();
    let v = view(&w.store, &w.work_order).expect("view");
    assert_eq!(v.next_steps, vec![WorkOrderState::Assigned]);
    assert!(v.editable);
    assert!(!v.can_sign);
    assert!(!v.has_report);
}

#[test]
fn resolved_work_order_asks_for_the_customer_not_a_button() {
    let mut w = world();
    for (m, to) in [(5, "assigned"), (10, "responded"), (60, "on_site")] {
        step_at(&mut w, m, to);
    }
    let v = step_at(&mut w, 120, "resolved");
    assert!(
        v.next_steps.is_empty(),
        "customer_signed is not a plain step"
    );
    assert!(v.editable);
    // Resolved, but the service record is not written: the screen asks for it before the
    // signature pad, naming it in words.
    assert!(!v.can_sign);
    assert!(v.can_refuse);
    assert_eq!(v.missing, vec!["service.found_state", "service.process"]);
    assert_eq!(v.missing_labels[0].zh, "现场情况");
    assert_eq!(v.missing_labels[1].en, "repair process");
    let id = w.work_order.clone();
    let record = ServiceRecordInput {
        found_state: "读卡器指示灯不亮".into(),
        process: "更换读卡模块".into(),
        ..Default::default()
    };
    save_service(&mut w.store, &id, &record).expect("saved");
    let v = view(&w.store, &id).expect("view");
    assert!(v.can_sign, "nothing missing: the customer may sign now");
    assert!(v.missing.is_empty() && v.missing_labels.is_empty());
}

#[test]
fn signed_work_order_is_not_editable_and_offers_no_steps() {
    let mut w = world();
    for (m, to) in [
        (5, "assigned"),
        (10, "responded"),
        (60, "on_site"),
        (120, "resolved"),
    ] {
        step_at(&mut w, m, to);
    }
    let id = w.work_order.clone();
    w.store
        .write(|tx| work_orders::record_customer_signed(tx, &id, None))
        .expect("signed");
    let v = view(&w.store, &id).expect("view");
    assert!(!v.editable);
    assert!(v.next_steps.is_empty());
    assert!(!v.can_sign);
    assert!(v.has_report);
}

#[test]
fn service_record_is_a_draft_until_both_required_fields_are_typed() {
    let mut w = world();
    let id = w.work_order.clone();
    let before = view(&w.store, &id).expect("view");
    assert_eq!(
        before.missing,
        vec!["service.found_state", "service.process"]
    );

    let half = ServiceRecordInput {
        found_state: "读卡器指示灯不亮".into(),
        process: "  ".into(),
        ..Default::default()
    };
    let draft = save_service(&mut w.store, &id, &half).expect("draft");
    assert!(
        draft.saved.is_none(),
        "nothing stored while a field is blank"
    );
    assert_eq!(draft.missing, vec!["service.process"]);
    assert!(view(&w.store, &id).expect("view").service_record.is_none());

    let whole = ServiceRecordInput {
        process: "更换读卡模块，测试刷卡 10 次正常".into(),
        ..half
    };
    let saved = save_service(&mut w.store, &id, &whole).expect("saved");
    assert!(saved.saved.is_some());
    assert!(saved.missing.is_empty());
    assert!(view(&w.store, &id).expect("view").missing.is_empty());
}

#[test]
fn an_unknown_step_names_the_field() {
    let mut w = world();
    let id = w.work_order.clone();
    let e = advance(&mut w.store, &id, "teleported", None).expect_err("refused");
    assert_eq!(e.field(), Some("work_order.state"));
}
