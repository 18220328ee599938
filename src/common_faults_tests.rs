//! The technical lead confirms the common faults table: a repair's own words become the lead's,
//! a noisy row is hidden, a known fault is added before anyone meets it, and a laptop's edit of
//! the table is refused by the office.

use super::*;
use crate::domain::work_order::{ServiceRecordInput, WorkOrderState};
use crate::stats::{self, Scope};
use crate::views::fixture::{world, World};
use crate::work_orders;

const PHENOMENON: &str = "读卡器不能读取 IC 卡，车辆无法正常通关"; // the fixture's fault, on its gate

fn resolved(w: &mut World) {
    let wo = w.work_order.clone();
    w.store
        .write(|tx| {
            for to in [
                WorkOrderState::Assigned,
                WorkOrderState::Responded,
                WorkOrderState::OnSite,
            ] {
                work_orders::advance(tx, &wo, to, None, None)?;
            }
            work_orders::record_service(
                tx,
                &wo,
                &ServiceRecordInput {
                    found_state: "落杆不到位".into(),
                    process: "换了个垫子，调了下限位".into(),
                    analysis: Some("垫子坏了".into()),
                    customer_feedback: None,
                    satisfaction: None,
                    backup_restore: None,
                },
            )?;
            work_orders::advance(tx, &wo, WorkOrderState::Resolved, None, None)
        })
        .expect("resolved");
}

fn table(w: &World) -> Vec<crate::stats::CommonFault> {
    let scope = Scope::quarter("西安海关", None, "2026Q2").expect("scope");
    stats::common_faults(&w.store, &scope).expect("table")
}

fn input(cause: Option<&str>, remedy: Option<&str>) -> CurateInput {
    CurateInput {
        device_type: "道闸".into(),
        phenomenon: format!("  {PHENOMENON} "),
        cause: cause.map(str::to_string),
        remedy: remedy.map(str::to_string),
        hidden: false,
        by: "李工".into(),
    }
}

fn count_rows(w: &World) -> i64 {
    w.store
        .conn()
        .query_row("SELECT COUNT(*) FROM common_fault", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn the_leads_wording_replaces_the_engineers_and_the_count_stays_the_records() {
    let mut w = world();
    resolved(&mut w);
    let before = table(&w);
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].device_type, "barrier_gate");
    assert_eq!(before[0].causes, vec!["垫子坏了".to_string()]);
    assert_eq!(before[0].confirmed_by, None);

    let c = w
        .store
        .write(|tx| {
            curate(
                tx,
                &input(
                    Some("落杆缓冲垫老化开裂"),
                    Some("更换缓冲垫并重新调整落杆限位"),
                ),
            )
        })
        .expect("confirmed");
    assert_eq!(c.phenomenon, PHENOMENON, "white space made one");
    let after = table(&w);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].causes, vec!["落杆缓冲垫老化开裂".to_string()]);
    assert_eq!(
        after[0].remedies,
        vec!["更换缓冲垫并重新调整落杆限位".to_string()]
    );
    assert_eq!(after[0].count, 1);
    assert!(
        after[0]
            .confirmed_by
            .as_deref()
            .is_some_and(|b| b.starts_with("李工 2026-06-01")),
        "{:?}",
        after[0].confirmed_by
    );

    // Confirming again rewords the same row (one record, merged field by field).
    w.store
        .write(|tx| curate(tx, &input(None, Some("更换缓冲垫"))))
        .expect("reworded");
    assert_eq!(count_rows(&w), 1);
    let again = table(&w);
    assert_eq!(
        again[0].causes,
        vec!["垫子坏了".to_string()],
        "cause left to the records"
    );
    assert_eq!(again[0].remedies, vec!["更换缓冲垫".to_string()]);
}

#[test]
fn a_hidden_row_leaves_the_table_and_a_known_fault_joins_it_with_count_zero() {
    let mut w = world();
    resolved(&mut w);
    w.store
        .write(|tx| {
            curate(
                tx,
                &CurateInput {
                    hidden: true,
                    ..input(None, None)
                },
            )?;
            curate(
                tx,
                &CurateInput {
                    device_type: "card_reader".into(),
                    phenomenon: "读卡器读卡距离变短".into(),
                    cause: Some("天线受潮".into()),
                    remedy: Some("烘干并做防水处理".into()),
                    hidden: false,
                    by: "李工".into(),
                },
            )
        })
        .expect("curated");
    let t = table(&w);
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(t[0].phenomenon, "读卡器读卡距离变短");
    assert_eq!(t[0].count, 0);
    assert_eq!(t[0].device_type_zh, "IC读卡器");
}

#[test]
fn bad_confirmations_name_their_field_and_store_nothing() {
    let mut w = world();
    for (bad, field) in [
        (
            CurateInput {
                device_type: "飞碟".into(),
                ..input(Some("x"), None)
            },
            "common_fault.device_type",
        ),
        (
            CurateInput {
                phenomenon: "   ".into(),
                ..input(Some("x"), None)
            },
            "common_fault.phenomenon",
        ),
        (
            CurateInput {
                by: "".into(),
                ..input(Some("x"), None)
            },
            "common_fault.confirmed_by",
        ),
        (
            CurateInput {
                remedy: Some("长".repeat(MAX_NOTE_CHARS + 1)),
                ..input(Some("x"), None)
            },
            "common_fault.remedy",
        ),
    ] {
        let e = w.store.write(|tx| curate(tx, &bad)).expect_err("refused");
        assert_eq!(e.field(), Some(field), "{e}");
    }
    assert_eq!(count_rows(&w), 0);
}

#[test]
fn the_office_refuses_a_laptops_edit_of_the_table() {
    let mut w = world();
    w.store
        .write(|tx| curate(tx, &input(Some("缓冲垫开裂"), None)))
        .expect("written here");
    let logged = crate::store::changes::since(w.store.conn(), 0, 10_000).expect("log");
    let changes: Vec<_> = logged.into_iter().map(|l| l.change).collect();
    let me = changes
        .iter()
        .find(|c| c.table == "engineer")
        .map(|c| c.row_id.clone())
        .expect("the engineer");
    let refused = crate::sync::vet::vet(w.store.conn(), &changes, &me).expect("vetted");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].table, "common_fault");
    assert!(refused[0].reason_en.contains("technical lead"));
}
