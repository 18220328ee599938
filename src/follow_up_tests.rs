//! 回访 in the small world of the view tests (西安海关 under a contract for 2026, one fault on
//! its barrier gate), on a clock that moves only when told.

use super::*;
use crate::views::fixture::{world, World};
use chrono::TimeZone;

/// An instant given as China wall time `YYYY-MM-DD HH:MM`.
fn cst(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time");
    chrono::FixedOffset::east_opt(8 * 3600)
        .expect("offset")
        .from_local_datetime(&naive)
        .single()
        .expect("instant")
        .with_timezone(&Utc)
}

/// Close the world's work order at `at` (China time). The state is the furthest step among the
/// events, so the closing event alone stands for the review that led to it.
fn close_at(w: &mut World, at: &str) {
    w.clock.set(cst(at));
    let wo = w.work_order.clone();
    w.store
        .write(|tx| {
            crate::work_orders::add_event(
                tx,
                &wo,
                Some(WorkOrderState::CustomerSigned),
                WorkOrderState::Closed,
                Some("审核结案"),
            )
        })
        .expect("closed");
}

fn after_wo(wo: &str, reached: bool, satisfaction: Option<i64>) -> NewCall {
    NewCall {
        kind: CallKind::WorkOrder,
        work_order: Some(wo.to_string()),
        customer: None,
        month: None,
        called_at: None,
        called_by: "王芳".into(),
        person: Some("陈建国".into()),
        phone: Some("029-86366001".into()),
        reached,
        satisfaction,
        comments: Some("道闸已恢复正常".into()),
    }
}

fn monthly(customer: &str, reached: bool) -> NewCall {
    NewCall {
        kind: CallKind::Monthly,
        work_order: None,
        customer: Some(customer.into()),
        month: None,
        called_at: None,
        called_by: "王芳".into(),
        person: Some("陈建国".into()),
        phone: None,
        reached,
        satisfaction: None,
        comments: None,
    }
}

fn stored_calls(w: &World) -> i64 {
    w.store
        .conn()
        .query_row("SELECT COUNT(*) FROM follow_up_call", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_follow_up_is_due_after_a_work_order_closes_and_gone_once_the_customer_is_reached() {
    let mut w = world();
    let wo = w.work_order.clone();
    assert!(
        due_after_work_orders(&w.store).expect("due").is_empty(),
        "nothing is due while the work order is open"
    );
    // Closed on a Friday afternoon: due by Tuesday 18:00, over the weekend.
    close_at(&mut w, "2026-06-05 17:00");
    let due = due_after_work_orders(&w.store).expect("due");
    assert_eq!(due.len(), 1, "{due:?}");
    let d = &due[0];
    assert_eq!(d.work_order_id, w.work_order);
    assert_eq!(
        (d.customer_name.as_str(), d.device_code.as_deref()),
        ("西安海关", Some("XA01-L01-BG01"))
    );
    assert_eq!(d.due, cst("2026-06-09 18:00").to_rfc3339());
    assert_eq!((d.status, d.attempts), (SlaStatus::OnTime, 0));

    // Tuesday morning: at risk. Nobody answers: the attempt is kept, the call still due.
    w.clock.set(cst("2026-06-09 10:00"));
    let attempt = w
        .store
        .write(|tx| record(tx, &after_wo(&wo, false, None)))
        .expect("attempt");
    assert!(!attempt.reached);
    let due = due_after_work_orders(&w.store).expect("due");
    assert_eq!(
        (due.len(), due[0].status, due[0].attempts),
        (1, SlaStatus::AtRisk, 1)
    );
    assert_eq!(
        due[0].last_attempt_at.as_deref(),
        Some(attempt.called_at.as_str())
    );

    // Wednesday: overdue; then the customer is reached and it is gone.
    w.clock.set(cst("2026-06-10 09:30"));
    assert_eq!(
        due_after_work_orders(&w.store).expect("due")[0].status,
        SlaStatus::Breached
    );
    let call = w
        .store
        .write(|tx| record(tx, &after_wo(&wo, true, Some(5))))
        .expect("reached");
    assert_eq!(
        (call.reached, call.satisfaction, call.customer_name.as_str()),
        (true, Some(5), "西安海关")
    );
    assert_eq!(call.called_by, "王芳");
    assert!(due_after_work_orders(&w.store).expect("due").is_empty());
    let calls = calls(&w.store, Some("西安海关")).expect("calls");
    assert_eq!(calls.len(), 2, "the attempt and the call, newest first");
    assert!(calls[0].reached && !calls[1].reached);
}

#[test]
fn the_call_is_due_by_the_second_working_day_across_weekends_and_holidays() {
    for (closed, due, why) in [
        (
            "2026-06-01 10:00",
            "2026-06-03 18:00",
            "Monday: Wednesday evening",
        ),
        (
            "2026-06-05 17:00",
            "2026-06-09 18:00",
            "Friday: over the weekend",
        ),
        (
            "2026-06-06 11:00",
            "2026-06-09 18:00",
            "closed on a Saturday: Monday and Tuesday",
        ),
        (
            "2026-09-30 10:00",
            "2026-10-09 18:00",
            "the eve of National Day: after the week off",
        ),
        (
            "2026-10-08 09:00",
            "2026-10-10 18:00",
            "the make-up Saturday is worked",
        ),
    ] {
        assert_eq!(due_after(cst(closed)).expect("due"), cst(due), "{why}");
    }
    // And the list uses it: closed on the eve of National Day.
    let mut w = world();
    close_at(&mut w, "2026-09-30 10:00");
    w.clock.set(cst("2026-10-08 12:00"));
    let due = due_after_work_orders(&w.store).expect("due");
    assert_eq!(due[0].due, cst("2026-10-09 18:00").to_rfc3339());
    assert_eq!(
        due[0].status,
        SlaStatus::OnTime,
        "the holiday week does not count"
    );
}

#[test]
fn the_monthly_list_has_each_customer_under_contract_until_one_is_reached() {
    let mut w = world();
    // A customer without any contract is never called monthly.
    w.store
        .write(|tx| crate::org::add_customer(tx, "渭南物流公司", None).map(|_| ()))
        .expect("customer");
    let (month, list) = due_monthly(&w.store, None).expect("june");
    assert_eq!(month, "2026-06");
    let names: Vec<&str> = list.iter().map(|m| m.customer_name.as_str()).collect();
    assert_eq!(names, ["西安海关"], "{list:?}");
    assert!(list[0].last_call.is_none());

    // Not reached: still listed, with the attempt; reached: off June's list.
    w.store
        .write(|tx| record(tx, &monthly("西安海关", false)))
        .expect("attempt");
    let (_, list) = due_monthly(&w.store, Some("2026-06")).expect("june");
    assert_eq!((list.len(), list[0].attempts), (1, 1));
    assert!(list[0].last_call.as_ref().is_some_and(|c| !c.reached));
    let call = w
        .store
        .write(|tx| record(tx, &monthly("西安海关", true)))
        .expect("call");
    assert_eq!(call.month.as_deref(), Some("2026-06"));
    assert!(due_monthly(&w.store, Some("2026-06"))
        .expect("june")
        .1
        .is_empty());

    // July is a new month; after the contract ends the customer is not called.
    let (_, july) = due_monthly(&w.store, Some("2026-07")).expect("july");
    assert_eq!(july.len(), 1);
    assert_eq!(
        july[0].last_call.as_ref().map(|c| c.id.as_str()),
        Some(call.id.as_str()),
        "June's call is the last one"
    );
    assert!(due_monthly(&w.store, Some("2027-01"))
        .expect("next year")
        .1
        .is_empty());
    let e = due_monthly(&w.store, Some("2026-13")).expect_err("bad month");
    assert_eq!(e.field(), Some("follow_up.month"));
}

#[test]
fn each_bad_call_is_named_and_nothing_is_stored() {
    let mut w = world();
    let wo = w.work_order.clone();
    // Before it closes, a call about the work order is refused on the work order.
    let e = w
        .store
        .write(|tx| record(tx, &after_wo(&wo, true, Some(4))))
        .expect_err("not closed");
    assert_eq!(e.field(), Some("follow_up.work_order"), "{e}");
    assert!(e.message_zh().contains("尚未结案"), "{}", e.message_zh());

    close_at(&mut w, "2026-06-01 16:00");
    w.clock.set(cst("2026-06-02 10:00"));
    let log = crate::store::changes::since(w.store.conn(), 0, i64::MAX)
        .expect("log")
        .len();
    let cases: Vec<(NewCall, &str)> = vec![
        (after_wo(&wo, true, Some(6)), "follow_up.satisfaction"),
        (after_wo(&wo, true, None), "follow_up.satisfaction"),
        (after_wo(&wo, false, Some(3)), "follow_up.satisfaction"),
        (
            NewCall {
                work_order: Some("  ".into()),
                ..after_wo(&wo, true, Some(5))
            },
            "follow_up.work_order",
        ),
        (
            NewCall {
                work_order: Some("no-such-order".into()),
                ..after_wo(&wo, true, Some(5))
            },
            "follow_up.work_order",
        ),
        (monthly("不存在的客户", true), "follow_up.customer"),
        (monthly("", true), "follow_up.customer"),
        (
            NewCall {
                called_at: Some("2099-01-01 09:00".into()),
                ..after_wo(&wo, true, Some(5))
            },
            "follow_up.called_at",
        ),
        (
            NewCall {
                called_at: Some("2026-06-03 09:00".into()),
                ..after_wo(&wo, true, Some(5))
            },
            "follow_up.called_at",
        ),
        (
            NewCall {
                called_at: Some("2026-06-01 15:00".into()),
                ..after_wo(&wo, true, Some(5))
            },
            "follow_up.called_at",
        ),
        (
            NewCall {
                month: Some("2026-07".into()),
                ..monthly("西安海关", true)
            },
            "follow_up.month",
        ),
        (
            NewCall {
                called_by: " ".into(),
                ..after_wo(&wo, true, Some(5))
            },
            "follow_up.called_by",
        ),
        (
            NewCall {
                phone: Some("call me".into()),
                ..after_wo(&wo, true, Some(5))
            },
            "follow_up.phone",
        ),
    ];
    for (call, field) in cases {
        let e = w.store.write(|tx| record(tx, &call)).expect_err("refused");
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(
            !e.message_zh().is_empty() && !e.to_string().contains(field),
            "named in words: {e}"
        );
    }
    assert_eq!(stored_calls(&w), 0, "nothing stored");
    assert_eq!(
        crate::store::changes::since(w.store.conn(), 0, i64::MAX)
            .expect("log")
            .len(),
        log,
        "nothing logged"
    );
    // The same call, done right, is taken (the work order id as the engineer's laptop has it).
    let ok = w
        .store
        .write(|tx| {
            record(
                tx,
                &NewCall {
                    called_at: Some("2026-06-02 09:15".into()),
                    ..after_wo(&wo, true, Some(4))
                },
            )
        })
        .expect("recorded");
    assert_eq!(ok.work_order_id.as_deref(), Some(wo.as_str()));
    assert_eq!(ok.called_at, cst("2026-06-02 09:15").to_rfc3339());
}

#[test]
fn a_laptop_cannot_push_a_follow_up_call() {
    let mut w = world();
    let wo = w.work_order.clone();
    close_at(&mut w, "2026-06-01 16:00");
    w.store
        .write(|tx| record(tx, &after_wo(&wo, true, Some(5))))
        .expect("recorded");
    let log = crate::store::changes::since(w.store.conn(), 0, i64::MAX).expect("log");
    let call: Vec<_> = log
        .into_iter()
        .map(|l| l.change)
        .filter(|c| c.table == "follow_up_call")
        .collect();
    assert_eq!(call.len(), 1);
    let refused = crate::sync::vet::vet(w.store.conn(), &call, "any-engineer").expect("vetted");
    assert_eq!(refused.len(), 1);
    assert!(refused[0].reason.contains("回访"), "{:?}", refused[0]);
}
