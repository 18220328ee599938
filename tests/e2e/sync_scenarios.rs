//! Two and three replicas sharing the demo as their seed, each with its own clock, working
//! offline and then exchanging change sets in both orders: what the domain says must happen
//! to each kind of clash, and every replica identical afterwards.

use crate::report_support::resolved_repair;
use crate::sync_support::*;
use chrono::Duration;
use weibao::conflicts;
use weibao::domain::work_order::WorkOrderState;
use weibao::report::{finalise, signature, ReportAssets};
use weibao::stock::{self, MovementInput};
use weibao::store::changes::Change;
use weibao::store::{changeset, hlc, new_id};
use weibao::{work_orders, Lang, Store};

/// The office (A, the demo seed) and two engineers' laptops made from it: B writes as the
/// demo's first engineer (张伟), C as the second.
struct Three {
    a: Replica,
    b: Replica,
    c: Replica,
}

fn three() -> Three {
    let a = demo_replica();
    let first = a.store.current_engineer().to_string();
    let second = weibao::org::engineers(&a.store)
        .expect("engineers")
        .into_iter()
        .find(|e| e.id != first)
        .expect("a second engineer")
        .id;
    let b = replica_from(&a.store, None);
    let c = replica_from(&a.store, Some(&second));
    assert_identical(&a.store, &b.store, "B seeded from A");
    assert_identical(&a.store, &c.store, "C seeded from A");
    Three { a, b, c }
}

/// B's and C's offline work meets: C gets B's file, B gets C's, and the office gets C's file
/// before B's (the other order). Then all three must be identical.
fn cross(t: &mut Three) {
    let (_d1, fb) = changes_file("b");
    let (_d2, fc) = changes_file("c");
    changeset::export(&t.b.store, 0, &fb).expect("export B");
    changeset::export(&t.c.store, 0, &fc).expect("export C");
    changeset::import(&mut t.c.store, &fb).expect("B → C");
    changeset::import(&mut t.b.store, &fc).expect("C → B");
    changeset::import(&mut t.a.store, &fc).expect("C → A");
    changeset::import(&mut t.a.store, &fb).expect("B → A");
    assert_identical(&t.b.store, &t.c.store, "B and C after the exchange");
    assert_identical(&t.a.store, &t.b.store, "A and B after the exchange");
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        let held: i64 = value(s, "SELECT COUNT(*) FROM held_change");
        assert_eq!(held, 0, "nothing held");
    }
}

fn device_id(s: &Store, code: &str) -> String {
    scalar(s, "SELECT id FROM device WHERE code = ?1", code)
}

fn set_device(s: &mut Store, id: &str, field: &'static str, v: &str) {
    s.write(|tx| tx.update("device", id, &[(field, &v)]))
        .expect("edit device");
}

fn kinds(s: &Store) -> Vec<(String, &'static str)> {
    conflicts::list(s, false)
        .expect("conflicts")
        .into_iter()
        .map(|c| (c.key, c.kind))
        .collect()
}

#[test]
fn sync_two_engineers_edit_different_fields_of_one_device_and_both_edits_are_kept() {
    let mut t = three();
    let gate = device_id(&t.a.store, "XA02-L01-BG01");
    t.b.clock().advance(Duration::minutes(5));
    set_device(&mut t.b.store, &gate, "notes", "缓冲垫已老化，下次巡检更换");
    t.c.clock().advance(Duration::minutes(3));
    set_device(
        &mut t.c.store,
        &gate,
        "position",
        "车道出口侧（已移至岗亭旁）",
    );
    cross(&mut t);
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        let notes: String = scalar(s, "SELECT notes FROM device WHERE id = ?1", &gate);
        let pos: String = scalar(s, "SELECT position FROM device WHERE id = ?1", &gate);
        assert_eq!(notes, "缓冲垫已老化，下次巡检更换");
        assert_eq!(pos, "车道出口侧（已移至岗亭旁）");
        assert!(kinds(s).is_empty(), "no conflict: {:?}", kinds(s));
    }
}

#[test]
fn sync_two_engineers_edit_the_same_field_and_the_later_stamp_wins_everywhere() {
    let mut t = three();
    let gate = device_id(&t.a.store, "XA02-L01-BG01");
    // C edits first on its clock but B's edit is stamped later: B wins everywhere.
    t.c.clock().advance(Duration::minutes(5));
    set_device(&mut t.c.store, &gate, "notes", "C：限位开关松动");
    t.b.clock().advance(Duration::minutes(9));
    set_device(&mut t.b.store, &gate, "notes", "B：限位开关已紧固");
    cross(&mut t);
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        let notes: String = scalar(s, "SELECT notes FROM device WHERE id = ?1", &gate);
        assert_eq!(notes, "B：限位开关已紧固");
        let kept: i64 = scalar(
            s,
            "SELECT COUNT(*) FROM field_history WHERE tbl = 'device' AND row_id = ?1
             AND field = 'notes' AND value = '\"C：限位开关松动\"'",
            &gate,
        );
        assert_eq!(kept, 1, "the losing value is in the field history");
        let by: String = scalar(s, "SELECT author FROM device WHERE id = ?1", &gate);
        assert_eq!(
            by,
            t.b.store.current_engineer(),
            "the row's last writer is B's"
        );
    }
}

#[test]
fn sync_two_vans_issue_the_last_pads_both_kept_and_negative_stock_listed() {
    let mut t = three();
    let part = stock::part(t.a.store.conn(), "PAD-BG").expect("part");
    let van = stock::location(t.a.store.conn(), "张伟车载库").expect("van");
    let on_hand = stock::on_hand(t.a.store.conn(), &van.id, &part.id).expect("on hand");
    assert!(on_hand > 0, "the van has pads");
    let wo: String = value(
        &t.a.store,
        "SELECT id FROM work_order_now WHERE state = 'on_site' ORDER BY id LIMIT 1",
    );
    let issue = |s: &mut Store| {
        s.write(|tx| {
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "issue".into(),
                    part: "PAD-BG".into(),
                    qty: on_hand,
                    from: Some("张伟车载库".into()),
                    work_order_id: Some(wo.clone()),
                    ..Default::default()
                },
            )
        })
        .expect("issue the last pads")
        .id
    };
    t.b.clock().advance(Duration::minutes(10));
    let mb = issue(&mut t.b.store);
    t.c.clock().advance(Duration::minutes(12));
    let mc = issue(&mut t.c.store);
    cross(&mut t);
    let key = format!("negative_stock/{}/{}", van.id, part.id);
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        for m in [&mb, &mc] {
            let n: i64 = scalar(s, "SELECT COUNT(*) FROM stock_movement WHERE id = ?1", m);
            assert_eq!(n, 1, "both movements kept");
        }
        assert_eq!(
            stock::on_hand(s.conn(), &van.id, &part.id).expect("on hand"),
            -on_hand
        );
        let listed = conflicts::list(s, false).expect("conflicts");
        let c = listed
            .iter()
            .find(|c| c.key == key)
            .unwrap_or_else(|| panic!("negative stock listed: {listed:?}"));
        assert_eq!(c.kind, "negative_stock");
        assert!(
            c.message.contains(&format!("{}", -on_hand)),
            "{}",
            c.message
        );
    }

    // The office resolves it; once exchanged it is resolved everywhere.
    conflicts::resolve(&mut t.a.store, &key, "已清点：实物 0 个，补录调整").expect("resolve");
    assert!(!kinds(&t.a.store).iter().any(|(k, _)| k == &key));
    let fa = {
        let (d, f) = changes_file("a");
        changeset::export(&t.a.store, 0, &f).expect("export A");
        (d, f)
    };
    changeset::import(&mut t.c.store, &fa.1).expect("A → C");
    exchange(&t.c.store, &mut t.b.store);
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        assert!(
            !kinds(s).iter().any(|(k, _)| k == &key),
            "resolved everywhere: {:?}",
            kinds(s)
        );
        let all = conflicts::list(s, true).expect("all conflicts");
        let c = all
            .iter()
            .find(|c| c.key == key)
            .expect("still listed with all");
        let res = c.resolution.as_deref().expect("resolution");
        assert!(res.contains("补录调整"), "{res}");
    }
    assert_identical(&t.a.store, &t.b.store, "A and B after the resolution");
    assert_identical(&t.a.store, &t.c.store, "A and C after the resolution");
}

#[test]
fn sync_two_laptops_finalise_the_same_work_order_both_reports_kept_and_listed() {
    let mut t = three();
    let wo = resolved_repair(&mut t.a.store, "XY01-L01-CM03");
    exchange(&t.a.store, &mut t.b.store);
    exchange(&t.a.store, &mut t.c.store);
    let assets = ReportAssets::locate().expect("assets");
    let sign = |s: &mut Store, variant: u32| {
        signature::capture(
            s,
            &wo,
            &weibao::demo::reports::demo_signature(variant),
            "刘晓燕",
        )
        .expect("signature");
        finalise::finalise(s, &assets, &wo, Lang::Zh)
            .expect("finalise")
            .id
    };
    t.b.clock().advance(Duration::minutes(30));
    let rb = sign(&mut t.b.store, 1);
    t.c.clock().advance(Duration::minutes(40));
    let rc = sign(&mut t.c.store, 2);
    cross(&mut t);
    let key = format!("two_reports/{wo}");
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        for r in [&rb, &rc] {
            let n: i64 = scalar(s, "SELECT COUNT(*) FROM report WHERE id = ?1", r);
            assert_eq!(n, 1, "both signed reports kept");
        }
        let listed = kinds(s);
        assert!(
            listed.contains(&(key.clone(), "two_signed_reports")),
            "{listed:?}"
        );
        let state: String = scalar(s, "SELECT state FROM work_order_now WHERE id = ?1", &wo);
        assert_eq!(state, "customer_signed");
        // The report in force is the same on every replica (the earlier one).
        let sha: String = scalar(
            s,
            "SELECT report_sha256 FROM work_order_now WHERE id = ?1",
            &wo,
        );
        let first: String = scalar(s, "SELECT sha256 FROM report WHERE id = ?1", &rb);
        assert_eq!(sha, first);
    }
}

#[test]
fn sync_a_work_order_never_moves_back_whatever_the_import_order() {
    let mut t = three();
    let wo: String = value(
        &t.a.store,
        "SELECT id FROM work_order_now WHERE state = 'responded' ORDER BY id LIMIT 1",
    );
    let dev: String = scalar(
        &t.a.store,
        "SELECT device_id FROM work_order WHERE id = ?1",
        &wo,
    );
    // B only gets as far as on site; C goes on site and resolves it.
    t.b.clock().advance(Duration::minutes(20));
    t.b.store
        .write(|tx| work_orders::advance(tx, &wo, WorkOrderState::OnSite, None, None))
        .expect("B on site");
    t.c.clock().advance(Duration::minutes(25));
    for to in [WorkOrderState::OnSite, WorkOrderState::Resolved] {
        t.c.clock().advance(Duration::minutes(30));
        t.c.store
            .write(|tx| work_orders::advance(tx, &wo, to, None, None))
            .expect("C advances");
    }
    // The office sees C's file first and B's after; C sees B's after its own resolution.
    cross(&mut t);
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        let state: String = scalar(s, "SELECT state FROM work_order_now WHERE id = ?1", &wo);
        assert_eq!(state, "resolved", "never backwards");
        let status: String = scalar(s, "SELECT status FROM device_now WHERE id = ?1", &dev);
        assert_eq!(status, "normal");
    }
    // B can now go on from resolved (its own state follows the merge).
    let d = work_orders::detail(&t.b.store, &wo).expect("detail");
    assert_eq!(d.summary.state, WorkOrderState::Resolved);
}

#[test]
fn sync_an_event_id_reused_with_other_content_is_listed_and_identical_everywhere() {
    let mut t = three();
    // An archive event of the demo, as A logged it.
    let original = all_changes(&t.a.store)
        .into_iter()
        .find(|c| {
            c.table == "device_event"
                && c.fields.get("kind").and_then(|v| v.as_str()) == Some("archived")
        })
        .expect("an archive event in the log");
    let forger = new_id();
    let forged = |seq: i64, hlc: String, summary: &str| -> Change {
        let mut c = original.clone();
        c.origin = forger.clone();
        c.seq = seq;
        c.hlc = hlc;
        c.author = "forger".into();
        c.fields.insert("summary".into(), summary.into());
        c
    };
    let hex = hlc::installation_hex(&forger);
    let created = hlc::parse_time(&original.hlc).expect("stamp");
    // A later version (the original stays in force) reaches B; an earlier one (it takes over
    // everywhere) reaches C.
    let late = forged(
        1,
        hlc::stamp(created + (60 << 32), &hex),
        "篡改的档案说明（较晚）",
    );
    let early = forged(
        2,
        hlc::stamp(created - (3600 << 32), &hex),
        "篡改的档案说明（较早）",
    );
    let rb =
        t.b.store
            .apply_remote(std::slice::from_ref(&late))
            .expect("late");
    assert_eq!(rb.conflicts, 1, "{rb:?}");
    let rc =
        t.c.store
            .apply_remote(&[late.clone(), early.clone()])
            .expect("both");
    assert_eq!(rc.conflicts, 2, "{rc:?}");
    cross(&mut t);
    let summary_in_force = |s: &Store| -> String {
        scalar(
            s,
            "SELECT summary FROM device_event WHERE id = ?1",
            &original.row_id,
        )
    };
    let expected = vec![
        format!("event/device_event/{}/{}", original.row_id, original.hlc),
        format!("event/device_event/{}/{}", original.row_id, late.hlc),
    ];
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        assert_eq!(
            summary_in_force(s),
            "篡改的档案说明（较早）",
            "the earliest stamp is in force"
        );
        let mut listed: Vec<String> = conflicts::list(s, false)
            .expect("conflicts")
            .into_iter()
            .filter(|c| c.kind == "event_content")
            .map(|c| c.key)
            .collect();
        listed.sort();
        let mut want = expected.clone();
        want.sort();
        assert_eq!(listed, want, "both other versions are listed");
    }
}

#[test]
fn sync_two_laptops_write_the_service_record_of_one_work_order_and_it_merges() {
    use weibao::domain::work_order::ServiceRecordInput;
    let mut t = three();
    let wo: String = value(
        &t.a.store,
        "SELECT id FROM work_order_now WHERE state = 'on_site' ORDER BY id LIMIT 1",
    );
    let write = |s: &mut Store, found: &str, sat: Option<i64>| {
        s.write(|tx| {
            work_orders::record_service(
                tx,
                &wo,
                &ServiceRecordInput {
                    found_state: found.into(),
                    process: "更换地感线圈接线端子".into(),
                    analysis: None,
                    customer_feedback: None,
                    satisfaction: sat,
                    backup_restore: None,
                },
            )
        })
        .expect("service record");
    };
    // Both laptops create the record (the same derived id) offline; C's is stamped later.
    t.b.clock().advance(Duration::minutes(10));
    write(&mut t.b.store, "B：线圈接头松动", Some(4));
    t.c.clock().advance(Duration::minutes(15));
    write(&mut t.c.store, "C：线圈接头氧化", None);
    cross(&mut t);
    let id: String = scalar(
        &t.a.store,
        "SELECT id FROM service_record WHERE work_order_id = ?1",
        &wo,
    );
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        let n: i64 = scalar(
            s,
            "SELECT COUNT(*) FROM service_record WHERE work_order_id = ?1",
            &wo,
        );
        assert_eq!(n, 1, "one record, merged");
        let found: String = scalar(
            s,
            "SELECT found_state FROM service_record WHERE id = ?1",
            &id,
        );
        assert_eq!(found, "C：线圈接头氧化", "the later insert wins its fields");
        let kept: i64 = scalar(
            s,
            "SELECT COUNT(*) FROM field_history WHERE row_id = ?1 AND field = 'found_state'
             AND value = '\"B：线圈接头松动\"'",
            &id,
        );
        assert_eq!(kept, 1, "B's value is kept in the history");
    }
}

#[test]
fn sync_a_tombstone_between_two_creations_of_one_record_ends_the_same_everywhere() {
    use weibao::domain::work_order::ServiceRecordInput;
    let mut t = three();
    let wo: String = value(
        &t.a.store,
        "SELECT id FROM work_order_now WHERE state = 'on_site' ORDER BY id LIMIT 1",
    );
    let write = |s: &mut Store, found: &str| {
        s.write(|tx| {
            work_orders::record_service(
                tx,
                &wo,
                &ServiceRecordInput {
                    found_state: found.into(),
                    process: "更换接线端子".into(),
                    ..Default::default()
                },
            )
        })
        .expect("service record");
    };
    // B writes the record at 10:10; the office gets it and tombstones it at 10:20; C, offline,
    // had written the same record (its id is derived from the work order) at 10:30.
    t.b.clock().advance(Duration::minutes(10));
    write(&mut t.b.store, "B：接头松动");
    exchange(&t.b.store, &mut t.a.store);
    let id: String = scalar(
        &t.a.store,
        "SELECT id FROM service_record WHERE work_order_id = ?1",
        &wo,
    );
    t.a.clock().advance(Duration::minutes(20));
    t.a.store
        .write(|tx| tx.tombstone("service_record", &id))
        .expect("tombstone");
    t.c.clock().advance(Duration::minutes(30));
    write(&mut t.c.store, "C：接头氧化");
    // Every order of arrival: C first gets the office's file (tombstone before B's insert
    // reaches it by relay), B gets C's, and everyone then gets everything.
    exchange(&t.a.store, &mut t.c.store);
    exchange(&t.c.store, &mut t.b.store);
    exchange(&t.b.store, &mut t.a.store);
    exchange(&t.a.store, &mut t.b.store);
    exchange(&t.c.store, &mut t.a.store);
    exchange(&t.a.store, &mut t.c.store);
    assert_identical(&t.a.store, &t.b.store, "A and B");
    assert_identical(&t.a.store, &t.c.store, "A and C");
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        // The latest write is C's creation at 10:30: the record is live with C's content.
        let deleted: i64 = scalar(s, "SELECT deleted FROM service_record WHERE id = ?1", &id);
        assert_eq!(deleted, 0, "C's later creation is in force");
        let found: String = scalar(
            s,
            "SELECT found_state FROM service_record WHERE id = ?1",
            &id,
        );
        assert_eq!(found, "C：接头氧化");
    }
}

/// Each laptop moves one date of a contract, validly where it is made; merged, the dates
/// cross. Nothing is held forever and the replicas stay identical: the crossing is listed for
/// a person, with both earlier dates in the field history.
#[test]
fn sync_two_laptops_move_the_two_dates_of_one_contract_and_the_crossing_is_listed() {
    let mut t = three();
    let (id, start, end): (String, String, String) =
        t.a.store
            .conn()
            .query_row(
                "SELECT id, start_date, end_date FROM contract ORDER BY number LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("a contract");
    assert!(
        start.as_str() < "2026-03-01" && end.as_str() > "2026-06-01",
        "{start}..{end}"
    );
    t.b.clock().advance(Duration::minutes(5));
    t.b.store
        .write(|tx| tx.update("contract", &id, &[("end_date", &"2026-03-01")]))
        .expect("B shortens the contract");
    t.c.clock().advance(Duration::minutes(7));
    t.c.store
        .write(|tx| tx.update("contract", &id, &[("start_date", &"2026-06-01")]))
        .expect("C starts it later");
    cross(&mut t);
    for s in [&t.a.store, &t.b.store, &t.c.store] {
        let listed = kinds(s);
        assert!(
            listed.contains(&(format!("contract_period/{id}"), "contract_period")),
            "{listed:?}"
        );
        let kept: i64 = scalar(
            s,
            "SELECT COUNT(*) FROM field_history WHERE tbl = 'contract' AND row_id = ?1",
            &id,
        );
        assert_eq!(kept, 2, "both earlier dates kept");
    }
}
