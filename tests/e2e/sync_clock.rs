//! A laptop whose wall clock jumps years ahead (a dead CMOS battery, a bad NTP answer) and
//! back: nothing is lost on the laptop, and at the office the far-future changes are held and
//! listed, not applied and not lost, until a person accepts them.

use crate::sync_support::*;
use chrono::Duration;
use weibao::conflicts;
use weibao::Store;

fn device_id(s: &Store, code: &str) -> String {
    scalar(s, "SELECT id FROM device WHERE code = ?1", code)
}

fn set_notes(s: &mut Store, id: &str, v: &str) {
    s.write(|tx| tx.update("device", id, &[("notes", &v)]))
        .expect("edit device");
}

fn notes(s: &Store, id: &str) -> String {
    scalar(s, "SELECT notes FROM device WHERE id = ?1", id)
}

#[test]
fn sync_clock_jumping_years_ahead_loses_nothing_and_is_held_at_the_office() {
    let mut office = demo_replica();
    office
        .store
        .set_max_skew(Duration::hours(24))
        .expect("24 h is a valid skew");
    let mut laptop = replica_from(&office.store, None);
    let gate = device_id(&office.store, "XA01-L02-BG01");
    let cursor = weibao::store::changes::last_seq(laptop.store.conn(), laptop.store.installation())
        .expect("seq");
    assert_eq!(cursor, 0, "the laptop has made nothing yet");

    // Before the jump: an ordinary edit.
    laptop.clock().advance(Duration::minutes(10));
    laptop
        .store
        .write(|tx| tx.update("device", &gate, &[("position", &"车道出口侧 2 号岛")]))
        .expect("edit before the jump");
    // The wall clock jumps five years ahead; an edit; it jumps back; another edit.
    let now = laptop.store.now();
    laptop.clock().set(now + Duration::days(5 * 365));
    set_notes(&mut laptop.store, &gate, "五年后的说明");
    laptop.clock().set(now + Duration::minutes(5));
    set_notes(&mut laptop.store, &gate, "时钟恢复后的说明");

    // On the laptop: both changes logged, the later edit in force (its stamp is after the
    // far-future one, the clock never ran backwards), the other kept in the history.
    let mine: Vec<_> = all_changes(&laptop.store)
        .into_iter()
        .filter(|c| c.origin == laptop.store.installation())
        .collect();
    assert_eq!(mine.len(), 3, "{mine:?}");
    assert!(
        mine[0].hlc < mine[1].hlc && mine[1].hlc < mine[2].hlc,
        "{mine:?}"
    );
    assert_eq!(notes(&laptop.store, &gate), "时钟恢复后的说明");
    let kept: i64 = scalar(
        &laptop.store,
        "SELECT COUNT(*) FROM field_history WHERE row_id = ?1 AND field = 'notes'
         AND value = '\"五年后的说明\"'",
        &gate,
    );
    assert_eq!(kept, 1, "the far-future value is kept in the history");

    // At the office (24 h skew allowed): the first edit applies, the two far-future ones wait.
    let before_notes = notes_or_null(&office.store, &gate);
    let report = exchange(&laptop.store, &mut office.store);
    assert_eq!(report.applied, 1, "{report:?}");
    assert_eq!(report.held, 2, "{report:?}");
    let pos: String = scalar(
        &office.store,
        "SELECT position FROM device WHERE id = ?1",
        &gate,
    );
    assert_eq!(pos, "车道出口侧 2 号岛");
    assert_eq!(
        notes_or_null(&office.store, &gate),
        before_notes,
        "not applied yet"
    );
    let skewed: Vec<_> = conflicts::list(&office.store, false)
        .expect("conflicts")
        .into_iter()
        .filter(|c| c.kind == "clock_skew")
        .collect();
    assert_eq!(skewed.len(), 2, "{skewed:?}");
    let far_year = (now + Duration::days(5 * 365)).format("%Y").to_string();
    for (c, change) in skewed.iter().zip(&mine[1..]) {
        assert_eq!(
            c.key,
            format!("clock_skew/{}/{}", change.origin, change.seq),
            "{c:?}"
        );
        assert!(
            c.message_en.contains(&far_year),
            "names the stamp: {}",
            c.message_en
        );
        assert!(c.message_en.contains("far ahead"), "{}", c.message_en);
        assert_eq!(c.records, vec![change.origin.clone()]);
    }
    // Importing again changes nothing and loses nothing: still held.
    let again = exchange(&laptop.store, &mut office.store);
    assert_eq!((again.applied, again.held), (0, 2), "{again:?}");

    // A person accepts them: they apply, and the replicas become identical.
    for c in &skewed {
        conflicts::resolve(&mut office.store, &c.key, "已核实：该电脑 CMOS 电池失效")
            .expect("resolve");
    }
    let held: i64 = value(&office.store, "SELECT COUNT(*) FROM held_change");
    assert_eq!(held, 0);
    assert_eq!(notes(&office.store, &gate), "时钟恢复后的说明");
    assert!(
        !conflicts::list(&office.store, false)
            .expect("conflicts")
            .iter()
            .any(|c| c.kind == "clock_skew"),
        "resolved"
    );
    exchange(&office.store, &mut laptop.store);
    assert_identical(
        &office.store,
        &laptop.store,
        "office and laptop after release",
    );
}

fn notes_or_null(s: &Store, id: &str) -> Option<String> {
    scalar(s, "SELECT notes FROM device WHERE id = ?1", id)
}

#[test]
fn sync_clock_an_hour_ahead_applies_normally() {
    let mut office = demo_replica();
    office
        .store
        .set_max_skew(Duration::hours(24))
        .expect("24 h is a valid skew");
    let mut laptop = replica_from(&office.store, None);
    let gate = device_id(&office.store, "XA01-L02-BG01");
    laptop.clock().advance(Duration::hours(1));
    set_notes(&mut laptop.store, &gate, "一小时后的说明");
    let report = exchange(&laptop.store, &mut office.store);
    assert_eq!((report.applied, report.held), (1, 0), "{report:?}");
    assert_eq!(notes(&office.store, &gate), "一小时后的说明");
    assert!(conflicts::list(&office.store, false)
        .expect("conflicts")
        .iter()
        .all(|c| c.kind != "clock_skew"));
    // The office's clock moved past the stamp it saw: its next edit wins although its wall
    // clock is an hour behind the laptop's.
    office.clock().advance(Duration::minutes(1));
    set_notes(&mut office.store, &gate, "办公室随后的说明");
    exchange(&office.store, &mut laptop.store);
    for s in [&office.store, &laptop.store] {
        assert_eq!(notes(s, &gate), "办公室随后的说明");
    }
    assert_identical(&office.store, &laptop.store, "after the exchange");
}

#[test]
fn sync_clock_a_far_future_change_accepted_at_the_office_applies_on_every_replica() {
    let mut office = demo_replica();
    let mut laptop = replica_from(&office.store, None);
    let mut other = replica_from(&office.store, None);
    let gate = device_id(&office.store, "XA01-L02-BG01");
    let now = laptop.store.now();
    laptop.clock().set(now + Duration::days(5 * 365));
    set_notes(&mut laptop.store, &gate, "五年后的说明");
    laptop.clock().set(now + Duration::minutes(5));

    // Both the office and another laptop get the file; both hold the change.
    for s in [&mut office.store, &mut other.store] {
        let r = exchange(&laptop.store, s);
        assert_eq!((r.applied, r.held), (0, 1), "{r:?}");
    }
    let key = conflicts::list(&office.store, false)
        .expect("conflicts")
        .into_iter()
        .find(|c| c.kind == "clock_skew")
        .expect("listed")
        .key;
    conflicts::resolve(&mut office.store, &key, "已核实，接受").expect("resolve");
    assert_eq!(notes(&office.store, &gate), "五年后的说明");

    // The other laptop learns from the office that the change was accepted: it must not keep
    // it held while showing the conflict as resolved.
    exchange(&office.store, &mut other.store);
    let open_there: Vec<String> = conflicts::list(&other.store, false)
        .expect("conflicts")
        .into_iter()
        .map(|c| c.key)
        .collect();
    let held: i64 = value(&other.store, "SELECT COUNT(*) FROM held_change");
    assert!(
        held == 0 || open_there.contains(&key),
        "the change is still held on the other laptop ({held}) but its conflict is no longer listed: {open_there:?}"
    );
    assert_identical(&office.store, &other.store, "office and the other laptop");

    // Accepting the change did not move the other laptop's clock five years ahead: what it
    // writes next is stamped now, and the office applies it without holding it.
    other.clock().advance(Duration::minutes(30));
    set_notes(&mut other.store, &gate, "另一台电脑随后的说明");
    let mine = all_changes(&other.store)
        .into_iter()
        .rfind(|c| c.origin == other.store.installation())
        .expect("the edit");
    let year = weibao::store::hlc::parse_time(&mine.hlc)
        .and_then(weibao::store::hlc::to_datetime)
        .expect("stamp")
        .format("%Y")
        .to_string();
    assert_eq!(
        year,
        now.format("%Y").to_string(),
        "stamped now: {}",
        mine.hlc
    );
    let r = exchange(&other.store, &mut office.store);
    assert_eq!((r.applied, r.held), (1, 0), "{r:?}");
}
