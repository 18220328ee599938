//! Complaints (客户服务投诉处理记录表): the answer due by the second working day in the
//! hotline's calendar, every field of the form through registration, answer, correction and
//! closing, and the refusals that leave nothing written.

use crate::support::TestDb;
use chrono::{DateTime, Duration, Utc};
use weibao::complaints::{self, ComplaintState, ComplaintStep, NewComplaint};
use weibao::sla::SlaStatus;
use weibao::store::changes;

fn cst(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{s}:00+08:00"))
        .expect("time")
        .with_timezone(&Utc)
}

#[test]
fn the_answer_is_due_by_the_close_of_the_second_working_day() {
    for (received, due, why) in [
        (
            "2026-11-23T10:00",
            "2026-11-25T18:00",
            "Monday: Wednesday evening",
        ),
        (
            "2026-11-27T17:55",
            "2026-12-01T18:00",
            "Friday: over the weekend to Tuesday",
        ),
        (
            "2026-11-28T11:00",
            "2026-12-01T18:00",
            "a Saturday call counts from Monday",
        ),
        (
            "2026-09-30T10:00",
            "2026-10-09T18:00",
            "the eve of National Day: after the week off",
        ),
        (
            "2026-10-08T09:00",
            "2026-10-10T18:00",
            "the make-up Saturday is a working day",
        ),
    ] {
        assert_eq!(
            complaints::answer_by(cst(received)).expect("due"),
            cst(due),
            "{why}"
        );
    }
}

fn form() -> NewComplaint {
    NewComplaint {
        customer: "西安海关".into(),
        project: Some("西安综合保税区卡口维保".into()),
        complainant: "陈建国".into(),
        phone: Some("029-86366001".into()),
        content: "工程师两次上门仍未修好道闸，要求更换整机".into(),
        taken_by: "王芳".into(),
    }
}

#[test]
fn a_complaint_goes_from_received_to_closed_within_its_clock() {
    let (t, mut store) = TestDb::demo();
    let c = store
        .write(|tx| complaints::register(tx, &form()))
        .expect("register");
    assert!(
        c.number.starts_with("TS-2026-") && c.number.ends_with("0001"),
        "{}",
        c.number
    );
    assert_eq!(
        (c.state, c.answer_status),
        (ComplaintState::Received, SlaStatus::OnTime)
    );
    let second = store
        .write(|tx| complaints::register(tx, &form()))
        .expect("second");
    assert!(second.number.ends_with("0002"));

    // A day and a half later the answer is at risk; then it is given.
    t.clock.advance(Duration::hours(36));
    assert_eq!(
        complaints::complaint(&store, &c.number)
            .expect("c")
            .answer_status,
        SlaStatus::AtRisk
    );
    let answered = store
        .write(|tx| {
            complaints::record(
                tx,
                &c.number,
                &ComplaintStep {
                    investigation: Some("缓冲垫型号不符导致反复损坏".into()),
                    initial_action: Some("更换为原厂缓冲垫并复查限位".into()),
                    ..Default::default()
                },
            )
        })
        .expect("answer");
    assert_eq!(
        (answered.state, answered.answer_status),
        (ComplaintState::Answered, SlaStatus::Met)
    );

    // Closing before the correction names what is missing, and writes nothing.
    let before = changes::since(store.conn(), 0, i64::MAX)
        .expect("log")
        .len();
    let err = store
        .write(|tx| {
            complaints::record(
                tx,
                &c.number,
                &ComplaintStep {
                    customer_opinion: Some("满意".into()),
                    satisfaction: Some(5),
                    summary: Some("已解决".into()),
                    ..Default::default()
                },
            )
        })
        .expect_err("no correction yet");
    assert_eq!(err.field(), Some("complaint.correction"));
    assert_eq!(
        changes::since(store.conn(), 0, i64::MAX)
            .expect("log")
            .len(),
        before
    );

    store
        .write(|tx| {
            complaints::record(
                tx,
                &c.number,
                &ComplaintStep {
                    handled_by: Some("张伟（工程部）".into()),
                    correction: Some("更换原厂缓冲垫，调整限位开关，连续抬落杆 50 次正常".into()),
                    ..Default::default()
                },
            )
        })
        .expect("corrected");
    let err = store
        .write(|tx| {
            complaints::record(
                tx,
                &c.number,
                &ComplaintStep {
                    customer_opinion: Some("满意".into()),
                    satisfaction: Some(6),
                    summary: Some("已解决".into()),
                    ..Default::default()
                },
            )
        })
        .expect_err("satisfaction 6");
    assert_eq!(err.field(), Some("complaint.satisfaction"));
    let closed = store
        .write(|tx| {
            complaints::record(
                tx,
                &c.number,
                &ComplaintStep {
                    customer_opinion: Some("处理及时，满意".into()),
                    satisfaction: Some(5),
                    summary: Some("配件型号错误；已建立配件核对要求".into()),
                    ..Default::default()
                },
            )
        })
        .expect("closed");
    assert_eq!(closed.state, ComplaintState::Closed);
    for (field, value) in [
        (&closed.project, "西安综合保税区卡口维保"),
        (&closed.handled_by, "张伟（工程部）"),
        (&closed.customer_opinion, "处理及时，满意"),
        (&closed.summary, "配件型号错误；已建立配件核对要求"),
    ] {
        assert_eq!(field.as_deref(), Some(value));
    }
    assert!(
        closed.answered_at.is_some()
            && closed.completed_at.is_some()
            && closed.feedback_at.is_some()
    );
    let err = store
        .write(|tx| complaints::record(tx, &c.number, &ComplaintStep::default()))
        .expect_err("closed");
    assert_eq!(err.kind(), "complaint_closed");
    // Open ones first.
    let list = complaints::list(&store).expect("list");
    assert_eq!(list[0].number, second.number);
}

#[test]
fn an_unanswered_complaint_past_its_day_is_overdue_and_bad_fields_are_named() {
    let (t, mut store) = TestDb::demo();
    for (mut f, field) in [
        (
            NewComplaint {
                customer: "没有这个客户".into(),
                ..form()
            },
            "complaint.customer",
        ),
        (
            NewComplaint {
                content: " ".into(),
                ..form()
            },
            "complaint.content",
        ),
        (
            NewComplaint {
                complainant: String::new(),
                ..form()
            },
            "complaint.complainant",
        ),
        (
            NewComplaint {
                phone: Some("电话".into()),
                ..form()
            },
            "complaint.phone",
        ),
    ] {
        f.taken_by = "王芳".into();
        let err = store
            .write(|tx| complaints::register(tx, &f))
            .expect_err(field);
        assert_eq!(err.field(), Some(field));
    }
    assert!(
        complaints::list(&store).expect("list").is_empty(),
        "nothing stored"
    );
    let c = store
        .write(|tx| complaints::register(tx, &form()))
        .expect("register");
    t.clock.advance(Duration::days(6));
    let late = complaints::complaint(&store, &c.id).expect("c");
    assert_eq!(late.answer_status, SlaStatus::Breached);
}
