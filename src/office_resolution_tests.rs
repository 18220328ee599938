//! A fault fixed on the phone from the office, in the small world of the view tests (西安海关's
//! card reader fault on XA01-L01-BG01, reported and not yet dispatched).

use super::*;
use crate::report::signature::Confirmation;
use crate::views::fixture::{world, World};

const DISPATCHER: &str = "李客服";

/// One field of the call made wrong.
type Spoil = fn(&mut OfficeResolutionInput);

fn call() -> OfficeResolutionInput {
    OfficeResolutionInput {
        method: "phone".into(),
        found_state: "读卡器指示灯常亮，刷卡无反应".into(),
        process: "电话指导值班员重启读卡器电源，刷卡恢复正常".into(),
        analysis: Some("读卡器程序假死".into()),
        confirmer: "王值班".into(),
        confirmer_phone: "13800138000".into(),
    }
}

fn resolve_as_dispatcher(w: &mut World, input: &OfficeResolutionInput) -> Result<StoredReport> {
    let assets = ReportAssets::locate().expect("report assets");
    let wo = w.work_order.clone();
    w.store
        .with_author(DISPATCHER, |s| resolve(s, &assets, &wo, input, Lang::Zh))
}

fn changes(w: &World) -> i64 {
    w.store
        .conn()
        .query_row("SELECT COUNT(*) FROM change_log", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_call_that_fixes_the_reader_ends_with_a_centre_signed_report_and_no_engineer_sent() {
    let mut w = world();
    let report = resolve_as_dispatcher(&mut w, &call()).expect("resolved at the office");

    assert!(report.number.starts_with("KF-"), "{}", report.number);
    let centre = crate::service_centre::ensure(&mut w.store).expect("centre");
    assert_eq!(report.engineer_id, centre, "signed in the centre's name");
    let wo = work_orders::summary_in(w.store.conn(), &w.work_order).expect("wo");
    assert_eq!(wo.state, WorkOrderState::CustomerSigned);
    assert_eq!(wo.assignee_id.as_deref(), Some(centre.as_str()));

    let how = crate::resolution::of(w.store.conn(), &wo.id)
        .expect("read")
        .expect("resolved remotely");
    assert_eq!(how.method, RemoteMethod::Phone);
    match signature::current(w.store.conn(), &wo.id).expect("read") {
        Some(Confirmation::ByPhone {
            confirmer,
            phone,
            recorded_by,
            ..
        }) => assert_eq!(
            (confirmer.as_str(), phone.as_str(), recorded_by.as_str()),
            ("王值班", "13800138000", DISPATCHER)
        ),
        other => panic!("expected a phone confirmation, got {other:?}"),
    }

    // The signed file verifies, and the report says who confirmed on which number.
    let pdf = crate::report::finalise::pdf_of(&w.store, &report).expect("pdf");
    let check = crate::report::verify::verify_file(&pdf, None).expect("verify");
    assert!(check.signature.valid, "{:?}", check.signature);
    let doc = crate::report::build::build(
        &w.store,
        &wo.id,
        &crate::report::build::BuildInput {
            number: &report.number,
            lang: Lang::Zh,
            engineer_id: &centre,
            logo_png: None,
        },
    );
    let doc = match doc {
        Ok(d) => d,
        Err(e) => panic!("build: {e}"),
    };
    assert!(matches!(
        doc.signature,
        crate::report::render::CustomerSignature::ByPhone { .. }
    ));
}

#[test]
fn each_missing_or_wrong_field_is_named_and_nothing_is_written() {
    let mut w = world();
    let before = changes(&w);
    let cases: [(&str, Spoil); 5] = [
        ("resolution.method", |i| i.method = "fax".into()),
        ("service.found_state", |i| i.found_state = " ".into()),
        ("service.process", |i| i.process = String::new()),
        ("phone_confirmation.confirmer", |i| i.confirmer = "".into()),
        ("phone_confirmation.phone", |i| {
            i.confirmer_phone = "call me".into()
        }),
    ];
    for (field, spoil) in cases {
        let mut input = call();
        spoil(&mut input);
        let err = resolve_as_dispatcher(&mut w, &input).expect_err(field);
        assert_eq!(err.field(), Some(field), "{err}");
    }
    assert_eq!(changes(&w), before, "nothing written by a refused request");
    let wo = work_orders::summary_in(w.store.conn(), &w.work_order).expect("wo");
    assert_eq!(wo.state, WorkOrderState::Reported);
}

#[test]
fn an_engineer_on_site_means_the_office_can_no_longer_resolve_it_on_the_phone() {
    let mut w = world();
    let wo = w.work_order.clone();
    w.advance(&[
        WorkOrderState::Assigned,
        WorkOrderState::Responded,
        WorkOrderState::OnSite,
    ]);
    let err = resolve_as_dispatcher(&mut w, &call()).expect_err("on site");
    assert_eq!(err.kind(), "not_resolvable_at_office");

    // Resolved there, the customer signs there: a phone confirmation is refused.
    w.advance(&[WorkOrderState::Resolved]);
    w.record_service("读卡器死机", "更换读卡器");
    let err = signature::confirm_by_phone(&mut w.store, &wo, "王值班", "13800138000")
        .expect_err("visit needs the pad");
    assert_eq!(err.kind(), "confirmation_needs_signature");
}

#[test]
fn an_engineer_already_dispatched_hands_it_to_the_centre_when_the_call_fixes_it() {
    let mut w = world();
    let wo = w.work_order.clone();
    let engineer = w.store.current_engineer().to_string();
    w.store
        .write(|tx| crate::dispatch::dispatch(tx, &wo, &engineer, None).map(|_| ()))
        .expect("dispatched");
    resolve_as_dispatcher(&mut w, &call()).expect("resolved");
    let now = work_orders::summary_in(w.store.conn(), &wo).expect("wo");
    assert_ne!(now.assignee_id.as_deref(), Some(engineer.as_str()));
    assert_eq!(now.state, WorkOrderState::CustomerSigned);
}

#[test]
fn a_stop_before_the_report_is_finished_by_the_same_request_again() {
    let mut w = world();
    let wo = w.work_order.clone();
    // What the first transaction leaves when the office stops before signing.
    let centre = crate::service_centre::ensure(&mut w.store).expect("centre");
    w.store
        .with_author(DISPATCHER, |s| {
            s.write(|tx| {
                crate::dispatch::dispatch(tx, &wo, &centre, None)?;
                work_orders::advance(tx, &wo, WorkOrderState::Responded, None, None)?;
                crate::resolution::resolve_remotely(tx, &wo, "phone", &call().process)?;
                work_orders::record_service(
                    tx,
                    &wo,
                    &ServiceRecordInput {
                        found_state: call().found_state,
                        process: call().process,
                        ..Default::default()
                    },
                )?;
                signature::confirm_by_phone_in(tx, &wo, "王值班", "13800138000").map(|_| ())
            })
        })
        .expect("first step");
    let events = |w: &World| -> i64 {
        w.store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM work_order_event WHERE work_order_id = ?1",
                [&w.work_order],
                |r| r.get(0),
            )
            .expect("events")
    };
    let before = events(&w);
    let report = resolve_as_dispatcher(&mut w, &call()).expect("finished");
    assert!(report.number.starts_with("KF-"));
    assert_eq!(events(&w), before + 1, "only the signing step added");
    // And once signed, a third request is refused as final, not signed twice.
    let err = resolve_as_dispatcher(&mut w, &call()).expect_err("signed");
    assert_eq!(err.kind(), "immutable");
}

#[test]
fn a_phone_confirmation_replaces_an_earlier_refusal_and_only_one_is_in_force() {
    let mut w = world();
    let wo = w.work_order.clone();
    w.advance(&[WorkOrderState::Assigned, WorkOrderState::Responded]);
    w.store
        .write(|tx| {
            crate::resolution::resolve_remotely(tx, &wo, "remote", "远程重启识别服务").map(|_| ())
        })
        .expect("resolved remotely");
    w.record_service("识别服务无响应", "远程重启识别服务");
    signature::refuse(&mut w.store, &wo, "值班员无权签字").expect("refused");
    signature::confirm_by_phone(&mut w.store, &wo, "科长 刘", "029-88886666").expect("phoned");
    assert!(matches!(
        signature::current(w.store.conn(), &wo).expect("read"),
        Some(Confirmation::ByPhone { .. })
    ));
    let live: i64 = w
        .store
        .conn()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM customer_signature WHERE work_order_id = ?1 AND deleted = 0)
                  + (SELECT COUNT(*) FROM phone_confirmation WHERE work_order_id = ?1 AND deleted = 0)",
            [&wo],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(live, 1);
}
