//! Issue 4, must show: completing with required items missing is refused and names them; an
//! answer to an item of another inspection, a number with text in it, a choice not offered:
//! each a clear error — and none of them changes what was stored.

use crate::checklist_run::{answer_rest_passing, demo_lane};
use crate::support::TestDb;
use weibao::checklist::run::{self, Given};
use weibao::checklist::{validate, Library};
use weibao::Error;

fn quarterly(store: &mut weibao::Store, lane: &str) -> String {
    let lib = Library::shipped().expect("templates");
    run::start(store, lib.get("quarterly_lane").expect("q"), lane)
        .expect("start")
        .header
        .id
}

fn answers(store: &weibao::Store) -> i64 {
    store
        .conn()
        .query_row("SELECT COUNT(*) FROM inspection_answer", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn completion_with_required_items_missing_is_refused_and_names_them() {
    let (_t, mut store) = TestDb::demo();
    let (lane, gate) = demo_lane(&store);
    let id = quarterly(&mut store, &lane);
    let open_time = format!("gate.open_time@{gate}");
    answer_rest_passing(&mut store, &id, &["lane.pass_rate", &open_time]);

    let err = run::complete(&mut store, &id).unwrap_err();
    assert_eq!(err.kind(), "inspection_incomplete");
    let en = err.to_string();
    assert!(en.starts_with("2 required items are unanswered"), "{en}");
    // Named by their labels in English (with the device), never by raw item keys.
    let d = run::detail(&store, &id).expect("detail");
    for key in ["lane.pass_rate", open_time.as_str()] {
        let item = d.items.iter().find(|i| i.key == key).expect("item");
        let label = item.label_en.as_deref().unwrap_or(&item.label_zh);
        assert!(en.contains(label), "{en} names {label}");
        assert!(!en.contains(key), "{en} shows no raw key {key}");
    }
    let zh = err.message_zh();
    assert!(zh.contains("测试通过率") && zh.contains("开闸时间"), "{zh}");
    // Still open: nothing was frozen.
    let p = run::progress(&store, &id).expect("progress");
    assert_eq!(p.missing.len(), 2);
    assert!(run::detail(&store, &id)
        .expect("d")
        .header
        .completed_at
        .is_none());

    run::answer(
        &mut store,
        &id,
        "lane.pass_rate",
        &Given::text("99.5"),
        None,
    )
    .expect("rate");
    run::answer(&mut store, &id, &open_time, &Given::text("2.1"), None).expect("time");
    run::complete(&mut store, &id).expect("now complete");
}

#[test]
fn bad_answers_are_clear_errors_and_store_nothing() {
    let (_t, mut store) = TestDb::demo();
    let lanes = weibao::org::lanes(&store, None).expect("lanes");
    let (lane, gate) = demo_lane(&store);
    let a = quarterly(&mut store, &lane);
    let b = quarterly(&mut store, &lanes[1].id);
    let before = answers(&store);

    // An item of another inspection, by its id.
    let b_item = run::detail(&store, &b).expect("b").items[0].id.clone();
    let err = run::answer(&mut store, &a, &b_item, &Given::text("pass"), None).unwrap_err();
    assert_eq!(err.kind(), "item_not_in_inspection");
    assert!(err.to_string().contains(&b), "{err}");

    // A number with text in it.
    let current = format!("gate.motor_current@{gate}");
    let err = run::answer(&mut store, &a, &current, &Given::text("1.2A"), None).unwrap_err();
    assert_eq!(err.kind(), "invalid");
    assert_eq!(err.field(), Some("value"));
    assert!(err.to_string().contains("\"1.2A\""), "{err}");

    // A choice not offered.
    let boom = format!("gate.boom@{gate}");
    let err = run::answer(&mut store, &a, &boom, &Given::text("wobbly"), None).unwrap_err();
    assert_eq!(err.kind(), "invalid");
    assert!(
        err.to_string()
            .contains("offered: intact, scratched, damaged, missing"),
        "{err}"
    );

    // Neither an unknown item, nor an inspection that does not exist.
    let err = run::answer(&mut store, &a, "gate.wings@X", &Given::text("pass"), None).unwrap_err();
    assert!(
        matches!(err, Error::NotFound { entity: "item", .. }),
        "{err}"
    );
    let err = run::answer(&mut store, "nope", "lane.advice", &Given::text("x"), None).unwrap_err();
    assert!(matches!(
        err,
        Error::NotFound {
            entity: "inspection",
            ..
        }
    ));

    // A photo that is not in the blob store; a verdict that is not one.
    let err = run::answer(
        &mut store,
        &a,
        "lane.overview_photo",
        &Given::text("ab".repeat(32)),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { entity: "blob", .. }),
        "{err}"
    );
    let err = run::answer(
        &mut store,
        &a,
        "lane.weatherproof",
        &Given::text("ok-ish"),
        None,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "invalid");

    // An item whose condition does not hold is not asked.
    let photo = format!("gate.boom_photo@{gate}");
    let hash = store.blobs().put(b"x").expect("blob");
    let err = run::answer(&mut store, &a, &photo, &Given::text(hash), None).unwrap_err();
    assert_eq!(err.kind(), "item_not_shown");

    assert_eq!(answers(&store), before, "no bad answer was stored");

    // Starting the quarterly inspection of that lane again opens the one in progress.
    let lib = Library::shipped().expect("templates");
    let again = run::start(&mut store, lib.get("quarterly_lane").expect("q"), &lane)
        .expect("resumes the open inspection");
    assert!(again.resumed);
    assert_eq!(again.header.id, a);
}

#[test]
fn template_edited_without_version_bump_is_refused_and_past_inspections_keep_their_questions() {
    let (_t, mut store) = TestDb::demo();
    let (lane, gate) = demo_lane(&store);
    let text = weibao::checklist::SHIPPED[1].1;
    let v1 = validate::parse(text, "quarterly.toml").expect("v1");
    let id = run::start(&mut store, &v1, &lane).expect("start").header.id;
    answer_rest_passing(&mut store, &id, &[]);
    run::complete(&mut store, &id).expect("complete");

    // Office staff tighten the opening time limit but forget to raise the version.
    let edited = text.replace("max = 3.0", "max = 2.0");
    let same_version = validate::parse(&edited, "quarterly.toml").expect("edited");
    assert_ne!(same_version.sha256, v1.sha256);
    let err = run::start(&mut store, &same_version, &lane).unwrap_err();
    assert_eq!(err.kind(), "template_version_reused");

    // A comment-only edit is the same template.
    let commented = text.replace("# 定期巡检（季度）", "# 定期巡检（季度，已审阅）");
    assert_eq!(
        validate::parse(&commented, "q.toml").expect("c").sha256,
        v1.sha256
    );

    // With the version raised it is accepted, and the past inspection still asks 0.3–3.0 s.
    let bumped = edited.replace(
        &format!("version = {}", v1.version),
        &format!("version = {}", v1.version + 1),
    );
    let v2 = validate::parse(&bumped, "quarterly.toml").expect("v2");
    let new_id = run::start(&mut store, &v2, &lane)
        .expect("v2 starts")
        .header
        .id;
    let range_of = |store: &weibao::Store, id: &str| {
        run::detail(store, id)
            .expect("detail")
            .items
            .into_iter()
            .find(|i| i.key == format!("gate.open_time@{gate}"))
            .and_then(|i| i.range)
    };
    assert_eq!(range_of(&store, &id), Some((Some(0.3), Some(3.0))));
    assert_eq!(range_of(&store, &new_id), Some((Some(0.3), Some(2.0))));
}
