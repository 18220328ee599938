//! The 报障登记表's own fields: a fault reported by fax with every field, who took it by
//! default, a time before the device existed, the result written after the repair.

use super::*;
use crate::domain::device::DeviceInput;
use crate::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use crate::views::fixture::{world, World};
use crate::{devices, work_orders};

fn count(w: &World, table: &str) -> i64 {
    w.store
        .conn()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

fn fax() -> FaultReportInput {
    FaultReportInput {
        device_id: "XA01-L01-BG01".into(),
        level: 3,
        fault_time: Some("2026-06-01 08:40".into()),
        phenomenon: "道闸落杆后反弹".into(),
        location: Some("1号进口车道 道闸".into()),
        contact_name: Some("陈建国".into()),
        contact_phone: Some("029-86366001".into()),
        channel: Some("传真".into()),
        ..Default::default()
    }
}

#[test]
fn a_fault_reported_by_fax_keeps_every_field_and_is_taken_by_the_engineer_writing_it() {
    let mut w = world();
    let wo = w
        .store
        .write(|tx| work_orders::report_fault(tx, &fax()))
        .expect("reported");
    let d = work_orders::detail(&w.store, &wo.id).expect("detail");
    let f = d.fault_report.expect("the register");
    assert_eq!(f.channel.as_deref(), Some("fax"));
    assert_eq!(f.taken_by.as_deref(), Some("张伟"), "the current engineer");
    assert_eq!(f.location.as_deref(), Some("1号进口车道 道闸"));
    assert_eq!(f.contact_name.as_deref(), Some("陈建国"));
    assert_eq!(
        crate::views::time::china_text(&f.fault_time),
        "2026-06-01 08:40"
    );
    assert_eq!(f.result, None);

    // A dispatcher's name given is kept as given.
    let by_office = w
        .store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    taken_by: Some("客服中心 周敏".into()),
                    channel: Some("phone".into()),
                    ..fax()
                },
            )
        })
        .expect("reported");
    let f = work_orders::detail(&w.store, &by_office.id)
        .expect("detail")
        .fault_report
        .expect("register");
    assert_eq!(f.taken_by.as_deref(), Some("客服中心 周敏"));
    assert_eq!(f.channel.as_deref(), Some("phone"));
}

#[test]
fn a_bad_channel_a_future_time_or_one_before_installation_is_named_and_nothing_is_stored() {
    let mut w = world();
    w.store
        .write(|tx| {
            devices::add_device(
                tx,
                &DeviceInput {
                    code: "XA01-L01-CR01".into(),
                    device_type: "card_reader".into(),
                    model: "CR-100".into(),
                    manufacturer: "捷顺".into(),
                    serial: "CR2605000001".into(),
                    install_date: Some("2026-05-01".into()),
                    lane_id: crate::devices::device_in(tx.conn(), "XA01-L01-BG01")?.lane_id,
                    ..Default::default()
                },
            )
        })
        .expect("a reader installed on 1 May");
    let before = count(&w, "work_order");
    for (input, field) in [
        (
            FaultReportInput {
                channel: Some("信鸽".into()),
                ..fax()
            },
            "fault.channel",
        ),
        (
            FaultReportInput {
                fault_time: Some("2099-01-01 10:00".into()),
                ..fax()
            },
            "fault.fault_time",
        ),
        (
            FaultReportInput {
                device_id: "XA01-L01-CR01".into(),
                fault_time: Some("2026-04-30 10:00".into()),
                ..fax()
            },
            "fault.fault_time",
        ),
    ] {
        let e = w
            .store
            .write(|tx| work_orders::report_fault(tx, &input))
            .expect_err("refused");
        assert_eq!(e.field(), Some(field), "{e}");
    }
    assert_eq!(count(&w, "work_order"), before, "nothing was opened");
}

#[test]
fn the_result_is_suggested_from_the_repair_written_by_the_office_and_frozen_by_the_signature() {
    let mut w = world();
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
                    found_state: "读卡器指示灯不亮".into(),
                    process: "更换读卡器电源适配器".into(),
                    backup_restore: Some("更换前导出读卡器参数，更换后导入并核对".into()),
                    ..Default::default()
                },
            )
        })
        .expect("repaired");
    assert_eq!(
        suggested_result(w.store.conn(), &wo)
            .expect("suggested")
            .as_deref(),
        Some("已修复：更换读卡器电源适配器")
    );
    let d = work_orders::detail(&w.store, &wo).expect("detail");
    assert_eq!(
        d.service_record.and_then(|r| r.backup_restore).as_deref(),
        Some("更换前导出读卡器参数，更换后导入并核对")
    );

    let e = w
        .store
        .write(|tx| set_result(tx, &wo, "  "))
        .expect_err("an empty result");
    assert_eq!(e.field(), Some("fault.result"));
    w.store
        .write(|tx| set_result(tx, &wo, "已修复，车道恢复通行"))
        .expect("written");
    let f = work_orders::detail(&w.store, &wo)
        .expect("detail")
        .fault_report
        .expect("register");
    assert_eq!(f.result.as_deref(), Some("已修复，车道恢复通行"));
}

#[test]
fn a_satisfaction_outside_the_scale_is_named() {
    let mut w = world();
    let wo = w.work_order.clone();
    let e = w
        .store
        .write(|tx| {
            work_orders::record_service(
                tx,
                &wo,
                &ServiceRecordInput {
                    found_state: "x".into(),
                    process: "y".into(),
                    satisfaction: Some(6),
                    ..Default::default()
                },
            )
        })
        .expect_err("6 of 5");
    assert_eq!(e.field(), Some("service.satisfaction"));
    assert_eq!(count(&w, "service_record"), 0);
}
