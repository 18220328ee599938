//! Issue 12, core part: what a newcomer met in the field app — an inspection that stayed
//! editable, completing with failed items that asked nothing, starting an inspection already in
//! progress, numbers and phones as Chinese users type them, signing before the service record.

use crate::checklist_run::{answer_rest_passing, demo_lane};
use crate::support::TestDb;
use weibao::checklist::addendum;
use weibao::checklist::run::{self, Given, OnFailed};
use weibao::checklist::Library;
use weibao::domain::number::Typed;
use weibao::report::signature;
use weibao::stock::{self, MovementForm};
use weibao::views::inspection as view;

fn fail_the_boom(store: &mut weibao::Store, id: &str, gate: &str) -> String {
    let boom = format!("gate.boom@{gate}");
    run::answer(store, id, &boom, &Given::text("damaged"), None).expect("boom fails");
    let photo = format!("gate.boom_photo@{gate}");
    let hash = store.blobs().put(b"cracked boom").expect("blob");
    run::answer(store, id, &photo, &Given::text(hash), None).expect("photo");
    boom
}

#[test]
fn completing_with_a_failed_item_asks_whether_to_open_its_fault() {
    let (_t, mut store) = TestDb::demo();
    let lib = Library::shipped().expect("templates");
    let (lane, gate) = demo_lane(&store);
    let q = lib.get("quarterly_lane").expect("q");
    let id = run::start(&mut store, q, &lane).expect("start").header.id;
    let boom = fail_the_boom(&mut store, &id, &gate);
    answer_rest_passing(&mut store, &id, &[]);

    // Asked: refused, naming the item in words, and the view lists it for the question.
    let err = run::complete_with(&mut store, &id, OnFailed::Ask).expect_err("asks first");
    assert_eq!(err.kind(), "faults_not_opened");
    assert!(err.message_zh().contains("挡杆"), "{}", err.message_zh());
    assert!(!err.to_string().contains(&boom), "no raw key: {err}");
    let v = view::view(&store, &id).expect("view");
    assert!(v.editable, "nothing was frozen");
    assert_eq!(v.unopened_faults.len(), 1);
    assert_eq!(v.unopened_faults[0].key, boom);

    // "Open their faults": completed and the fault opened in the same action.
    let done = run::complete_with(&mut store, &id, OnFailed::OpenFaults).expect("complete");
    assert!(done.failures[0].work_order_id.is_some());
    let v = view::view(&store, &id).expect("view");
    assert!(!v.editable && v.unopened_faults.is_empty());

    // Read-only now: a later answer is refused in plain words, with the way out.
    let key = format!("gate.open_time@{gate}");
    let err = run::answer(&mut store, &id, &key, &Given::text("2.0"), None).expect_err("frozen");
    assert_eq!(err.kind(), "immutable");
    assert!(
        err.message_zh().contains("补充说明"),
        "{}",
        err.message_zh()
    );
    assert!(
        !err.message_zh().contains(&id),
        "no uuid: {}",
        err.message_zh()
    );
    assert!(err.to_string().contains("addendum"), "{err}");

    // A correction note: text, who, when, shown in the view.
    assert_eq!(
        addendum::add_note(&mut store, &id, "  ")
            .expect_err("empty")
            .field(),
        Some("addendum.text")
    );
    let note = addendum::add_note(&mut store, &id, "开闸时间用秒表复测为 2.1 s").expect("note");
    assert_eq!(note.engineer_id, store.current_engineer());
    assert!(!note.engineer_name.is_empty());
    let v = view::view(&store, &id).expect("view");
    assert_eq!(v.addenda.len(), 1);
    assert_eq!(v.addenda[0].note, note);
    // Its time as people read it: China time to the minute, not the stored RFC 3339.
    let shown = &v.addenda[0].written_at_text;
    assert!(
        shown.len() == "2026-06-02 09:30".len() && !shown.contains('T'),
        "{shown}"
    );
    assert_eq!(
        run::detail(&store, &id).expect("detail").addenda,
        vec![note]
    );
}

#[test]
fn completing_anyway_keeps_the_failure_without_a_fault() {
    let (_t, mut store) = TestDb::demo();
    let lib = Library::shipped().expect("templates");
    let (lane, gate) = demo_lane(&store);
    let id = run::start(&mut store, lib.get("quarterly_lane").expect("q"), &lane)
        .expect("start")
        .header
        .id;
    fail_the_boom(&mut store, &id, &gate);
    answer_rest_passing(&mut store, &id, &[]);
    let done = run::complete_with(&mut store, &id, OnFailed::Keep).expect("anyway");
    assert!(done.failures[0].work_order_id.is_none());
    // A note on an open inspection is refused: answers are edited instead.
    let other = run::start(&mut store, lib.get("quarterly_lane").expect("q"), &lane)
        .expect("a new one")
        .header
        .id;
    assert_eq!(
        addendum::add_note(&mut store, &other, "x")
            .expect_err("still open")
            .kind(),
        "inspection_not_completed"
    );
}

#[test]
fn starting_an_inspection_in_progress_opens_it() {
    let (_t, mut store) = TestDb::demo();
    let (lane, _) = demo_lane(&store);
    let first = view::start(&mut store, &lane, "quarterly_lane").expect("start");
    assert!(!first.resumed);
    let again = view::start(&mut store, &lane, "quarterly_lane").expect("resume");
    assert!(again.resumed);
    assert_eq!(again.header.id, first.header.id);
    let json = serde_json::to_value(&again).expect("json");
    assert_eq!(json["resumed"], true);
    assert_eq!(
        json["id"],
        first.header.id.as_str(),
        "the header is flattened"
    );
}

#[test]
fn numbers_typed_with_a_chinese_input_method_are_answers_and_exponents_are_not() {
    let (_t, mut store) = TestDb::demo();
    let lib = Library::shipped().expect("templates");
    let (lane, gate) = demo_lane(&store);
    let id = run::start(&mut store, lib.get("quarterly_lane").expect("q"), &lane)
        .expect("start")
        .header
        .id;
    let current = format!("gate.motor_current@{gate}");
    let ack = run::answer(&mut store, &id, &current, &Given::text("１.８"), None).expect("full");
    assert!(ack.answer_text.contains("1.8"), "{}", ack.answer_text);
    for bad in ["1e3", "NaN", "inf"] {
        let e = run::answer(&mut store, &id, &current, &Given::text(bad), None).expect_err(bad);
        assert_eq!((e.kind(), e.field()), ("invalid", Some("value")));
    }
}

#[test]
fn a_quantity_of_one_and_a_half_is_refused_in_words() {
    let (_t, mut store) = TestDb::demo();
    let form = |qty: Typed| MovementForm {
        kind: "receive".into(),
        part: "PAD-BG".into(),
        qty,
        from: None,
        to: Some("总仓".into()),
        work_order_id: None,
        unit_id: None,
        condition: None,
        note: None,
    };
    // What the desktop shell receives from the form: a JSON number.
    let typed: Typed = serde_json::from_str("1.5").expect("json");
    let e = store
        .write(|tx| stock::record_form(tx, form(typed.clone())))
        .expect_err("1.5");
    assert_eq!(e.kind(), "invalid");
    assert_eq!(e.field(), Some("movement.qty"));
    assert!(
        e.message_zh().starts_with("数量必须是整数"),
        "{}",
        e.message_zh()
    );
    assert!(!e.message_zh().contains("movement.qty"));
    let json = serde_json::to_value(&e).expect("json");
    assert_eq!(json["field"], "movement.qty");
    // Full-width "３" is three.
    let m = store
        .write(|tx| stock::record_form(tx, form(Typed::Text("３".into()))))
        .expect("３");
    assert_eq!(m.qty, 3);
}

#[test]
fn the_customer_signs_only_once_the_service_record_is_written() {
    let (_t, mut store) = TestDb::demo();
    let wo = crate::report_support::resolved_repair(&mut store, "XA02-L01-CM01");
    let v = weibao::views::work_order::view(&store, &wo).expect("view");
    assert!(
        v.can_sign && v.missing.is_empty(),
        "the helper writes the record"
    );

    // A repair resolved without its service record: no signature pad yet.
    let (_t2, mut bare) = TestDb::demo();
    let lane = weibao::org::lanes(&bare, None).expect("lanes")[0]
        .id
        .clone();
    let wo = bare
        .write(|tx| {
            weibao::work_orders::open(
                tx,
                &weibao::work_orders::NewWorkOrder {
                    kind: weibao::domain::work_order::WorkOrderKind::FaultRepair,
                    lane_id: lane.clone(),
                    device_id: None,
                    level: None,
                    title: "道闸不抬杆".into(),
                },
            )
        })
        .expect("open")
        .id;
    for to in ["assigned", "responded", "on_site", "resolved"] {
        weibao::views::work_order::advance(&mut bare, &wo, to, None).expect(to);
    }
    let v = weibao::views::work_order::view(&bare, &wo).expect("view");
    assert!(!v.can_sign && v.can_refuse);
    assert_eq!(v.missing_labels.len(), 2);
    let png = weibao::demo::reports::demo_signature(1);
    let e = signature::capture(&mut bare, &wo, &png, "陈建国").expect_err("record first");
    assert_eq!(e.kind(), "service_record_required");
    assert!(e.message_zh().contains("现场情况"), "{}", e.message_zh());
    assert!(
        signature::current(bare.conn(), &wo)
            .expect("read")
            .is_none(),
        "nothing stored"
    );
}
