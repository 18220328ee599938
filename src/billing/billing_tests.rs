//! Billing on a stored work order: the quote follows the records, the consent the price.

use super::*;
use crate::domain::values::Fen;
use crate::stock::{self, LocationKind, MovementInput, Part, PartCategory};
use crate::views::fixture::world;

fn input(cause: Option<&str>, days: Option<&str>, travel: Option<&str>) -> BillingInput {
    BillingInput {
        cause: cause.map(str::to_string),
        labour_days: days.map(str::to_string),
        travel_yuan: travel.map(str::to_string),
        survey_yuan: None,
    }
}

/// A van with `qty` of a part at `price` fen, one of which is issued to the work order.
fn use_part(store: &mut Store, wo: &str, code: &str, category: PartCategory, price: i64) {
    store
        .write(|tx| {
            let van = match stock::location(tx.conn(), "张伟车载库") {
                Ok(l) => l,
                Err(_) => stock::add_location(tx, LocationKind::Van, "张伟车载库", None)?,
            };
            let part = stock::add_part(
                tx,
                Part {
                    id: String::new(),
                    code: code.into(),
                    name: format!("{code} 备件"),
                    category,
                    unit: "个".into(),
                    price: Fen(price),
                    serialised: false,
                    device_type: None,
                },
            )?;
            let mv = |kind: &str, from: Option<&str>, to: Option<&str>, wo: Option<&str>| {
                MovementInput {
                    kind: kind.into(),
                    part: part.id.clone(),
                    qty: 1,
                    from: from.map(str::to_string),
                    to: to.map(str::to_string),
                    work_order_id: wo.map(str::to_string),
                    ..Default::default()
                }
            };
            stock::record_movement(tx, &mv("receive", None, Some(&van.id), None))?;
            stock::record_movement(tx, &mv("issue", Some(&van.id), None, Some(wo)))?;
            Ok(())
        })
        .expect("part used");
}

/// A gate motor (1 200 元) used on the work order.
fn motor(w: &mut crate::views::fixture::World) {
    let wo = w.work_order.clone();
    use_part(&mut w.store, &wo, "MOT-BG", PartCategory::Main, 120_000);
}

#[test]
fn a_natural_failure_under_the_contract_is_free_and_needs_no_consent() {
    let mut w = world();
    motor(&mut w);
    let v = set(
        &mut w.store,
        &w.work_order,
        &input(Some("自然故障或老化"), Some("1"), None),
    )
    .unwrap();
    assert_eq!(
        v.quote.basis.contract_number.as_deref(),
        Some("HT-2026-001")
    );
    assert_eq!(v.quote.total_fen, 0);
    assert!(!v.needs_consent);
    let e = consent(&mut w.store, &w.work_order, "王建国", false).unwrap_err();
    assert_eq!(e.kind(), "nothing_to_agree");
}

#[test]
fn human_damage_is_quoted_agreed_and_a_changed_quote_needs_agreeing_again() {
    let mut w = world();
    motor(&mut w);
    let v = set(
        &mut w.store,
        &w.work_order,
        &input(Some("human_damage"), Some("１"), Some("200")),
    )
    .unwrap();
    // Motor 1 200 元 + 1 person-day 500 元 + travel 200 元.
    assert_eq!(v.quote.total_fen, 120_000 + 50_000 + 20_000);
    assert!(v.needs_consent && v.consent.is_none());
    let v = consent(&mut w.store, &w.work_order, "王建国", false).unwrap();
    assert_eq!(v.consent.as_ref().map(|c| c.total_fen), Some(190_000));
    // Half a day more: the customer agreed to another price.
    let v = set(&mut w.store, &w.work_order, &input(None, Some("1.5"), None)).unwrap();
    assert_eq!(
        v.stored.cause,
        Some(FaultCause::HumanDamage),
        "kept when not sent"
    );
    assert_eq!(v.quote.total_fen, 215_000);
    assert!(v.consent.is_none());
    assert_eq!(v.stale_consent.map(|c| c.total_fen), Some(190_000));
}

#[test]
fn bad_quote_inputs_name_their_field_and_store_nothing() {
    let mut w = world();
    let wo = w.work_order.clone();
    for (inp, field) in [
        (input(Some("风吹的"), None, None), "billing.cause"),
        (input(None, Some("1.3"), None), "billing.labour_half_days"),
        (input(None, Some("1e3"), None), "billing.labour_half_days"),
        (input(None, Some("-1"), None), "billing.labour_half_days"),
        (input(None, None, Some("-5")), "billing.travel_fen"),
    ] {
        let e = set(&mut w.store, &wo, &inp).unwrap_err();
        assert_eq!(e.field(), Some(field), "{inp:?}: {e}");
    }
    assert_eq!(stored(w.store.conn(), &wo).unwrap(), Stored::default());
    let e = consent(&mut w.store, &wo, "  ", false).unwrap_err();
    assert_eq!(e.field(), Some("billing.signer"));
}

#[test]
fn a_consumable_is_billed_inside_the_contract() {
    let mut w = world();
    use_part(
        &mut w.store,
        &w.work_order,
        "PAD-BG",
        PartCategory::Vulnerable,
        3_500,
    );
    let v = view(&w.store, &w.work_order).unwrap();
    assert_eq!(v.quote.total_fen, 3_500);
    assert!(v.needs_consent);
}

#[test]
fn the_third_repair_of_a_device_within_a_year_is_flagged() {
    let mut w = world();
    assert_eq!(view(&w.store, &w.work_order).unwrap().repeat_repairs, None);
    for phenomenon in ["道闸不落杆", "道闸不落杆，复发"] {
        w.store
            .write(|tx| {
                crate::work_orders::report_fault(
                    tx,
                    &crate::domain::work_order::FaultReportInput {
                        device_id: "XA01-L01-BG01".into(),
                        level: 3,
                        phenomenon: phenomenon.into(),
                        ..Default::default()
                    },
                )
            })
            .unwrap();
    }
    assert_eq!(
        view(&w.store, &w.work_order).unwrap().repeat_repairs,
        Some(3)
    );
}
