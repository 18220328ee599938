//! Issue 4, must show: the quarterly inspection of a demo lane answered in full with two
//! failures — a cracked boom arm (which then needs a photo) and a motor current out of range —
//! is completed; two faults are opened at the mapped levels on the right devices, and the
//! device histories show them.

use crate::support::TestDb;
use weibao::checklist::run::{self, Given};
use weibao::checklist::state;
use weibao::checklist::template::{AnswerValue, ItemKind};
use weibao::checklist::Library;
use weibao::Store;
use weibao::{devices, work_orders};

/// A passing answer for an item, as an engineer would type it. Photos are stored as blobs.
pub fn passing_answer(store: &Store, kind: &ItemKind, salt: &str) -> String {
    match kind {
        ItemKind::PassFail => "pass".into(),
        ItemKind::YesNo { fail_on } => if *fail_on == Some(true) { "no" } else { "yes" }.into(),
        ItemKind::Number { min, max, .. } | ItemKind::Reading { min, max, .. } => {
            match (min, max) {
                (Some(a), Some(b)) => ((a + b) / 2.0).to_string(),
                (Some(a), None) => (a + 1.0).to_string(),
                (None, Some(b)) => (b - 1.0).to_string(),
                (None, None) => "1".into(),
            }
        }
        ItemKind::Text { .. } => "正常".into(),
        ItemKind::SingleChoice { options } | ItemKind::MultiChoice { options } => options
            .iter()
            .find(|o| !o.fails)
            .map(|o| o.id.clone())
            .unwrap_or_default(),
        ItemKind::Photo { min_count } => (0..(*min_count).max(1))
            .map(|i| {
                store
                    .blobs()
                    .put(format!("photo {salt} {i}").as_bytes())
                    .expect("blob")
            })
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Answers every item that is shown and not yet answered with a passing value, except the
/// keys in `skip`. Returns how many answers were saved.
pub fn answer_rest_passing(store: &mut Store, id: &str, skip: &[&str]) -> usize {
    let mut saved = 0;
    loop {
        let st = state::load(store.conn(), id).expect("load");
        let next = st.items.iter().find(|i| {
            st.shown(i) && st.effective(&i.id).is_none() && !skip.contains(&i.key.as_str())
        });
        let Some(i) = next else { return saved };
        let text = passing_answer(store, &i.item.spec, &i.key);
        let key = i.key.clone();
        run::answer(store, id, &key, &Given::text(text), None)
            .unwrap_or_else(|e| panic!("answer {key}: {e}"));
        saved += 1;
    }
}

/// The first demo lane and its barrier gate's code.
pub fn demo_lane(store: &Store) -> (String, String) {
    let lane = weibao::org::lanes(store, None).expect("lanes")[0].clone();
    let gate = devices::devices_on_lane(store, &lane.id)
        .expect("devices")
        .into_iter()
        .find(|d| d.device_type.code() == "barrier_gate")
        .expect("a barrier gate on the demo lane");
    (lane.id, gate.code.as_str().to_string())
}

#[test]
fn quarterly_inspection_with_two_failures_opens_two_faults() {
    let (_t, mut store) = TestDb::demo();
    let lib = Library::shipped().expect("templates");
    let template = lib.get("quarterly_lane").expect("quarterly");
    let (lane_id, gate) = demo_lane(&store);

    let started = run::start(&mut store, template, &lane_id).expect("start");
    let id = started.header.id.clone();
    assert_eq!(started.header.template_version, template.version);
    assert!(started.items >= 40, "items per device: {}", started.items);
    assert_eq!(started.progress.required_answered, 0);

    // Failure 1: the boom arm is cracked. Its photo item appears and becomes required.
    let boom = format!("gate.boom@{gate}");
    let photo = format!("gate.boom_photo@{gate}");
    let before = run::progress(&store, &id).expect("progress").required;
    let ack = run::answer(&mut store, &id, &boom, &Given::text("damaged"), None).expect("boom");
    assert!(ack.outcome.failed);
    assert_eq!(ack.fault_level, Some(2));
    assert_eq!(
        ack.progress.required,
        before + 1,
        "the photo became required"
    );
    assert!(ack.progress.missing.iter().any(|m| m.key == photo));
    let hash = store
        .blobs()
        .put(b"cracked boom arm, jpeg bytes")
        .expect("blob");
    run::answer(&mut store, &id, &photo, &Given::text(hash), None).expect("photo");

    // Failure 2: the motor draws 3.4 A (allowed 0.5–2.5 A), read with a clamp meter.
    let current = format!("gate.motor_current@{gate}");
    let ack = run::answer(
        &mut store,
        &id,
        &current,
        &Given::Text {
            text: "3.4".into(),
            instrument: Some("FLUKE 376".into()),
        },
        Some("电机发热"),
    )
    .expect("current");
    assert!(ack.outcome.out_of_range && ack.outcome.failed);
    assert_eq!(ack.fault_level, Some(3));

    answer_rest_passing(&mut store, &id, &[]);
    let done = run::complete(&mut store, &id).expect("complete");
    assert!(done.header.completed_at.is_some());
    assert_eq!(done.progress.required, done.progress.required_answered);
    let failed: Vec<&str> = done.failures.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(failed, [boom.as_str(), current.as_str()]);

    // The engineer confirms both: two fault work orders at the mapped levels on the gate.
    let wo1 = run::open_fault(&mut store, &id, &boom, None).expect("fault 1");
    let wo2 = run::open_fault(&mut store, &id, &current, Some("电机电流偏高")).expect("fault 2");
    assert_eq!((wo1.level, wo2.level), (Some(2), Some(3)));
    let gate_dev = devices::device(&store, &gate).expect("gate");
    for wo in [&wo1, &wo2] {
        assert_eq!(wo.device_id.as_deref(), Some(gate_dev.id.as_str()));
        assert_eq!(wo.lane_id, lane_id);
        assert!(wo.on_site_by.is_some(), "SLA deadline from the contract");
        let d = work_orders::detail(&store, &wo.id).expect("detail");
        assert!(d
            .fault_report
            .expect("fault report")
            .phenomenon
            .contains("巡检"));
    }
    // A second confirmation of the same item is refused.
    let again = run::open_fault(&mut store, &id, &boom, None).unwrap_err();
    assert_eq!(again.kind(), "fault_already_open");
    // A passing item cannot become a fault.
    let fine = format!("gate.lubrication@{gate}");
    assert_eq!(
        run::open_fault(&mut store, &id, &fine, None)
            .unwrap_err()
            .kind(),
        "item_not_failed"
    );

    // The gate's history shows the inspection and both faults.
    let history = devices::history(&store, &gate_dev.id).expect("history");
    let faults: Vec<_> = history.iter().filter(|h| h.kind == "fault").collect();
    assert_eq!(faults.len(), 2, "{history:#?}");
    assert!(faults
        .iter()
        .any(|h| h.work_order_id.as_deref() == Some(wo1.id.as_str())));
    assert!(faults
        .iter()
        .any(|h| h.work_order_id.as_deref() == Some(wo2.id.as_str())));
    assert!(history
        .iter()
        .any(|h| h.kind == "inspection" && h.summary.contains("2 项不合格")));

    // The detail shows the work orders beside the failed items, and the out-of-range flag.
    let detail = run::detail(&store, &id).expect("detail");
    let cur = detail
        .items
        .iter()
        .find(|i| i.key == current)
        .expect("item");
    assert!(cur.out_of_range);
    assert_eq!(cur.work_order_id.as_deref(), Some(wo2.id.as_str()));
    assert_eq!(
        cur.answer,
        Some(AnswerValue::Reading {
            value: 3.4,
            instrument: Some("FLUKE 376".into())
        })
    );
}

#[test]
fn completed_inspection_is_frozen_and_corrections_are_addenda() {
    let (_t, mut store) = TestDb::demo();
    let lib = Library::shipped().expect("templates");
    let (lane_id, gate) = demo_lane(&store);
    let id = run::start(&mut store, lib.get("quarterly_lane").expect("q"), &lane_id)
        .expect("start")
        .header
        .id;
    answer_rest_passing(&mut store, &id, &[]);
    run::complete(&mut store, &id).expect("complete");

    let key = format!("gate.open_time@{gate}");
    let err = run::answer(&mut store, &id, &key, &Given::text("2.0"), None).unwrap_err();
    assert_eq!(err.kind(), "immutable");
    assert_eq!(
        run::complete(&mut store, &id).unwrap_err().kind(),
        "immutable"
    );

    let ack = run::addendum(&mut store, &id, &key, &Given::text("3.6"), "秒表读数抄错")
        .expect("addendum");
    assert!(ack.outcome.out_of_range);
    let item = run::detail(&store, &id)
        .expect("detail")
        .items
        .into_iter()
        .find(|i| i.key == key)
        .expect("item");
    // The record as completed is unchanged; the correction stands beside it.
    assert_eq!(item.answer, Some(AnswerValue::Number(1.65)));
    let c = item.correction.expect("correction");
    assert_eq!(c.value, AnswerValue::Number(3.6));
    assert_eq!(c.reason.as_deref(), Some("秒表读数抄错"));
    assert!(item.failed, "the corrected value is the one in force");
    // The correction can now become a fault.
    let wo = run::open_fault(&mut store, &id, &key, None).expect("fault from addendum");
    assert_eq!(wo.level, Some(3));
}
