//! The core in the domain's words: a level-一级 barrier-gate fault from report to resolution.

use crate::support::TestDb;
use chrono::Duration;
use weibao::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use weibao::stock::{self, MovementInput};
use weibao::store::changes;
use weibao::{devices, work_orders};

#[test]
fn level_one_barrier_fault_is_repaired_with_a_buffer_pad_from_the_van() {
    let (t, mut store) = TestDb::demo();
    let gate = "XA01-L03-BG01";
    let pads_before = {
        let part = stock::part(store.conn(), "PAD-BG").unwrap();
        let van = stock::location(store.conn(), "张伟车载库").unwrap();
        stock::on_hand(store.conn(), &van.id, &part.id).unwrap()
    };

    // 报障: the office records a 一级 fault at Monday 10:00.
    let wo = store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: gate.into(),
                    level: 1,
                    phenomenon: "道闸落杆撞击异响，缓冲垫破裂，无法正常抬杆".into(),
                    contact_name: Some("陈建国".into()),
                    contact_phone: Some("029-86366001".into()),
                    taken_by: Some("客服中心 周敏".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(wo.state, WorkOrderState::Reported);
    assert_eq!(wo.level, Some(1));
    // 5×8 contract: 30 service minutes → 10:30 China time; 24 service hours from Monday 10:00
    // (8 h left Monday, 9 h Tuesday, 7 h Wednesday) → Wednesday 16:00 China time.
    assert_eq!(wo.respond_by.as_deref(), Some("2026-11-23T02:30:00+00:00"));
    assert_eq!(wo.on_site_by.as_deref(), Some("2026-11-25T08:00:00+00:00"));
    assert_eq!(
        devices::device(&store, gate).unwrap().status.code(),
        "faulty"
    );

    let step = |store: &mut weibao::Store, to: WorkOrderState, mins: i64| {
        t.clock.advance(Duration::minutes(mins));
        store
            .write(|tx| work_orders::advance(tx, &wo.id, to, None, None))
            .unwrap()
    };
    step(&mut store, WorkOrderState::Assigned, 5);
    step(&mut store, WorkOrderState::Responded, 10);
    step(&mut store, WorkOrderState::OnSite, 120);

    // The engineer takes a buffer pad from the van and records the service.
    store
        .write(|tx| {
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "issue".into(),
                    part: "PAD-BG".into(),
                    qty: 1,
                    from: Some("张伟车载库".into()),
                    work_order_id: Some(wo.id.clone()),
                    ..Default::default()
                },
            )?;
            work_orders::record_service(
                tx,
                &wo.id,
                &ServiceRecordInput {
                    found_state: "挡杆落杆时撞击底座，缓冲垫开裂脱落".into(),
                    process: "更换道闸缓冲垫，调整落杆限位，测试抬落杆 20 次正常".into(),
                    analysis: Some("缓冲垫老化开裂（易损件）".into()),
                    customer_feedback: Some("已恢复通行".into()),
                    satisfaction: Some(5),
                    backup_restore: None,
                },
            )
        })
        .unwrap();
    let resolved = step(&mut store, WorkOrderState::Resolved, 40);
    assert_eq!(resolved.state, WorkOrderState::Resolved);

    // The device history tells the story; the van has one pad fewer.
    let dev = devices::device(&store, gate).unwrap();
    assert_eq!(dev.status.code(), "normal");
    let history = devices::history(&store, &dev.id).unwrap();
    let kinds: Vec<&str> = history.iter().map(|h| h.kind.as_str()).collect();
    for k in ["archived", "fault", "part", "resolved"] {
        assert!(kinds.contains(&k), "history lacks {k}: {kinds:?}");
    }
    assert!(history.iter().any(|h| h.summary.contains("道闸缓冲垫")));
    let van = stock::location(store.conn(), "张伟车载库").unwrap();
    let pad = stock::part(store.conn(), "PAD-BG").unwrap();
    assert_eq!(
        stock::on_hand(store.conn(), &van.id, &pad.id).unwrap(),
        pads_before - 1
    );
    let detail = work_orders::detail(&store, &wo.id).unwrap();
    assert_eq!(detail.parts.len(), 1);
    assert_eq!(
        detail.transitions.len(),
        5,
        "reported + 4 transitions, each timestamped"
    );
    assert_eq!(
        detail.transitions[3].at,
        (crate::support::monday_10am() + Duration::minutes(135)).to_rfc3339()
    );

    // Every change went to the change log, in the same transactions.
    let entries = changes::since(store.conn(), 0, 1_000_000).unwrap();
    assert!(entries.iter().any(|e| e.change.table == "stock_movement"));
    assert!(
        entries
            .iter()
            .any(|e| e.change.table == "work_order_event"
                && e.change.fields["to_state"] == "resolved")
    );
}

#[test]
fn illegal_jump_from_reported_to_closed_is_refused() {
    let (_t, mut store) = TestDb::demo();
    let wo = store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: "XY01-L01-BG01".into(),
                    level: 2,
                    phenomenon: "道闸不落杆".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let err = store
        .write(|tx| work_orders::advance(tx, &wo.id, WorkOrderState::Closed, None, None))
        .unwrap_err();
    assert_eq!(err.kind(), "illegal_transition");
    assert!(
        err.message_zh().contains("已报障") && err.message_zh().contains("已关闭"),
        "{}",
        err.message_zh()
    );
    // Nothing moved.
    assert_eq!(
        work_orders::detail(&store, &wo.id).unwrap().summary.state,
        WorkOrderState::Reported
    );
}

#[test]
fn customer_signed_only_through_a_finalised_report_and_then_frozen() {
    let (_t, mut store) = TestDb::demo();
    let wo = store
        .write(|tx| {
            let wo = work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: "XA02-L01-CM01".into(),
                    level: 3,
                    phenomenon: "图像偏色".into(),
                    ..Default::default()
                },
            )?;
            for s in [
                WorkOrderState::Assigned,
                WorkOrderState::Responded,
                WorkOrderState::OnSite,
                WorkOrderState::Resolved,
            ] {
                work_orders::advance(tx, &wo.id, s, None, None)?;
            }
            Ok(wo)
        })
        .unwrap();
    // No shortcut: "a record without the customer's confirmation is invalid".
    let err = store
        .write(|tx| work_orders::advance(tx, &wo.id, WorkOrderState::CustomerSigned, None, None))
        .unwrap_err();
    assert_eq!(err.kind(), "signature_required");

    weibao::report::signature::refuse(&mut store, &wo.id, "负责人不在现场，电话确认已恢复")
        .unwrap();
    let assets = weibao::report::finalise::ReportAssets::locate().unwrap();
    // A repair report needs its service record first.
    let err = weibao::report::finalise::finalise(&mut store, &assets, &wo.id, weibao::Lang::Zh)
        .unwrap_err();
    assert_eq!(err.kind(), "service_record_required");
    store
        .write(|tx| {
            work_orders::record_service(
                tx,
                &wo.id,
                &ServiceRecordInput {
                    found_state: "画面整体偏红".into(),
                    process: "重新校准白平衡，清洁镜头".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    weibao::report::finalise::finalise(&mut store, &assets, &wo.id, weibao::Lang::Zh).unwrap();
    assert_eq!(
        work_orders::detail(&store, &wo.id).unwrap().summary.state,
        WorkOrderState::CustomerSigned
    );
    let err = store
        .write(|tx| {
            work_orders::record_service(
                tx,
                &wo.id,
                &ServiceRecordInput {
                    found_state: "x".into(),
                    process: "y".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap_err();
    assert_eq!(err.kind(), "immutable");
}

#[test]
fn seven_by_24_contract_counts_plain_hours_and_free_text_search_finds_devices() {
    let (_t, mut store) = TestDb::demo();
    let wo = store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: "XY01-L02-PC01".into(),
                    level: 1,
                    phenomenon: "工控机蓝屏死机".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(wo.on_site_by.as_deref(), Some("2026-11-24T02:00:00+00:00"));
    use weibao::store::search::{search_devices, search_notes, DeviceQuery};
    let hits = search_devices(
        &store,
        &DeviceQuery {
            text: Some("咸阳机场货运卡口".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(hits.len(), 50, "one site's 60 devices, limited to 50");
    let hits = search_devices(
        &store,
        &DeviceQuery {
            text: Some("工控机".into()),
            site: Some("宝鸡".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(hits.len(), 8, "8 industrial PCs at the two Baoji sites");
    let code = search_devices(
        &store,
        &DeviceQuery {
            code: Some("xy01-l02-pc01".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(code.len(), 1);
    let by_serial = search_devices(
        &store,
        &DeviceQuery {
            serial: Some(code[0].serial.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(by_serial[0].code, "XY01-L02-PC01");
    assert_eq!(
        search_notes(&store, "蓝屏死机", 10).unwrap(),
        vec![wo.id.clone()]
    );
}
