//! The office's dispatch board: the work order nearest to breaching its contract first, and
//! dispatch (assign, reassign) with its refusals.

use crate::support::TestDb;
use chrono::Duration;
use weibao::dispatch::dispatch;
use weibao::domain::work_order::{FaultReportInput, WorkOrderState};
use weibao::store::changes;
use weibao::views::board::{board, candidates, BoardRow};
use weibao::views::sla::SlaStatus;
use weibao::{org, work_orders, Store};

fn rank(r: &BoardRow) -> u8 {
    match r.urgency {
        Some(SlaStatus::Breached) => 0,
        Some(SlaStatus::AtRisk) => 1,
        Some(SlaStatus::OnTime) => 2,
        Some(SlaStatus::Paused) => 3,
        _ => 4,
    }
}

fn assert_ordered(rows: &[BoardRow]) {
    for w in rows.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(rank(a) <= rank(b), "{:?} before {:?}", a.urgency, b.urgency);
        if rank(a) == rank(b) {
            if let (Some(x), Some(y)) = (&a.urgent_deadline, &b.urgent_deadline) {
                assert!(
                    x <= y,
                    "same urgency: the earlier deadline first ({x} > {y})"
                );
            }
        }
    }
}

fn report(store: &mut Store, device: &str, level: i64) -> String {
    store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: device.into(),
                    level,
                    phenomenon: "来电报障".into(),
                    ..Default::default()
                },
            )
        })
        .expect("fault")
        .id
}

#[test]
fn the_board_puts_the_work_order_nearest_to_breach_first() {
    let (t, mut store) = TestDb::demo();
    let rows = board(&store).expect("board");
    assert!(!rows.is_empty());
    assert_ordered(&rows);
    assert!(rows
        .iter()
        .all(|r| !r.site_name.is_empty() && !r.lane_code.is_empty()));

    // A new level-1 fault: its 30-minute response clock soon leads the board, and once past
    // it, it is the overdue one at the top.
    let wo = report(&mut store, "XA02-L01-BG01", 1);
    t.clock.advance(Duration::minutes(25));
    let rows = board(&store).expect("board");
    assert_ordered(&rows);
    let mine = rows
        .iter()
        .find(|r| r.row.summary.id == wo)
        .expect("on the board");
    assert_eq!(
        mine.urgency,
        Some(SlaStatus::AtRisk),
        "5 of 30 minutes left"
    );
    t.clock.advance(Duration::minutes(10));
    let rows = board(&store).expect("board");
    assert_ordered(&rows);
    let first_breached = rows
        .iter()
        .position(|r| r.row.summary.id == wo)
        .expect("on the board");
    assert_eq!(rows[first_breached].urgency, Some(SlaStatus::Breached));
    assert!(
        rows[..first_breached]
            .iter()
            .all(|r| r.urgency == Some(SlaStatus::Breached)),
        "only work orders overdue longer come before it"
    );
}

#[test]
fn dispatch_assigns_a_new_fault_and_reassigns_without_moving_a_clock() {
    let (_t, mut store) = TestDb::demo();
    let engineers = org::engineers(&store).expect("engineers");
    let (zhang, li) = (engineers[0].id.clone(), engineers[1].id.clone());
    let wo = report(&mut store, "XA02-L01-BG01", 2);
    let before = candidates(&store, None).expect("candidates");
    let load = |c: &[weibao::views::board::Candidate], id: &str| {
        c.iter()
            .find(|x| x.id == id)
            .map(|x| x.open_load)
            .expect("engineer")
    };

    let s = store
        .write(|tx| dispatch(tx, &wo, &li, None))
        .expect("assign");
    assert_eq!(
        (s.state, s.assignee_id.as_deref()),
        (WorkOrderState::Assigned, Some(li.as_str()))
    );
    let after = candidates(&store, None).expect("candidates");
    assert_eq!(load(&after, &li), load(&before, &li) + 1);
    assert!(
        after.windows(2).all(|w| w[0].open_load <= w[1].open_load),
        "least loaded first"
    );

    store
        .write(|tx| work_orders::advance(tx, &wo, WorkOrderState::Responded, None, None))
        .expect("responded");
    let clocks_before = board(&store).expect("board");
    let s = store
        .write(|tx| dispatch(tx, &wo, &zhang, None))
        .expect("reassign");
    assert_eq!(
        (s.state, s.assignee_id.as_deref()),
        (WorkOrderState::Responded, Some(zhang.as_str()))
    );
    let clocks_after = board(&store).expect("board");
    let deadline = |rows: &[BoardRow]| {
        rows.iter()
            .find(|r| r.row.summary.id == wo)
            .map(|r| r.urgent_deadline.clone())
    };
    assert_eq!(
        deadline(&clocks_before),
        deadline(&clocks_after),
        "no clock moved"
    );
    let row = clocks_after
        .iter()
        .find(|r| r.row.summary.id == wo)
        .expect("row");
    assert_eq!(
        row.assignee_name.as_deref(),
        Some(engineers[0].name.as_str())
    );
}

#[test]
fn dispatch_refuses_an_unknown_or_unassigned_engineer_and_a_closed_work_order() {
    let (_t, mut store) = TestDb::demo();
    let engineers = org::engineers(&store).expect("engineers");
    let wo = report(&mut store, "XA02-L01-BG01", 2);
    let outbox = |store: &Store| {
        changes::since(store.conn(), 0, i64::MAX)
            .expect("changes")
            .len()
    };
    let before = outbox(&store);

    let err = store
        .write(|tx| dispatch(tx, &wo, "no-such-engineer", None))
        .expect_err("unknown");
    assert_eq!(err.kind(), "not_found");
    let only_li = [engineers[1].id.clone()];
    let err = store
        .write(|tx| dispatch(tx, &wo, &engineers[0].id, Some(&only_li)))
        .expect_err("not at this site");
    assert_eq!(err.field(), Some("dispatch.engineer"));
    assert!(
        err.message_zh().contains(&engineers[0].name),
        "{}",
        err.message_zh()
    );
    assert_eq!(outbox(&store), before, "nothing written");

    let closed: String = store
        .conn()
        .query_row(
            "SELECT id FROM work_order_now WHERE state IN ('customer_signed', 'closed') LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the demo has a signed work order");
    let err = store
        .write(|tx| dispatch(tx, &closed, &engineers[0].id, None))
        .expect_err("done");
    assert_eq!(err.kind(), "work_order_done");
}

#[test]
fn a_board_page_keeps_the_order_counts_all_it_narrows_and_sends_at_most_its_limit() {
    use weibao::views::board::{page, BoardFilter};
    let (_t, store) = TestDb::demo();
    let all = board(&store).expect("board");
    assert!(all.len() > 2, "the demo has open work orders");
    let p = page(&all, &BoardFilter::default());
    assert_eq!(p.total, all.len());
    let c = &p.counts;
    assert_eq!(
        c.breached + c.at_risk + c.on_time + c.paused + c.none,
        all.len()
    );
    let ids = |rows: &[BoardRow]| {
        rows.iter()
            .map(|r| r.row.summary.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&p.rows), ids(&all), "a page is the board's own order");

    let two = page(
        &all,
        &BoardFilter {
            limit: Some(2),
            ..Default::default()
        },
    );
    assert_eq!((two.rows.len(), two.total), (2, all.len()));
    assert_eq!(ids(&two.rows), ids(&all[..2]), "the most urgent two");
    let none = page(
        &all,
        &BoardFilter {
            limit: Some(0),
            ..Default::default()
        },
    );
    assert_eq!(
        none.rows.len(),
        1,
        "a limit below one still shows the most urgent"
    );

    let site = all[0].site_id.clone();
    let at_site = page(
        &all,
        &BoardFilter {
            site: Some(site.clone()),
            ..Default::default()
        },
    );
    assert!(at_site.rows.iter().all(|r| r.site_id == site));
    assert_eq!(
        at_site.total,
        all.iter().filter(|r| r.site_id == site).count()
    );
    assert!(
        p.sites.iter().any(|(id, _)| *id == site),
        "the site is offered as a filter"
    );

    let unassigned = page(
        &all,
        &BoardFilter {
            engineer: Some("none".into()),
            ..Default::default()
        },
    );
    assert!(unassigned
        .rows
        .iter()
        .all(|r| r.row.summary.assignee_id.is_none()));
    let on_time = page(
        &all,
        &BoardFilter {
            urgency: Some("on_time".into()),
            ..Default::default()
        },
    );
    assert!(on_time
        .rows
        .iter()
        .all(|r| r.urgency == Some(SlaStatus::OnTime)));
    assert_eq!(on_time.total, c.on_time);
}
