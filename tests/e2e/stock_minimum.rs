//! Minimum stock per part per location: the van warns before the last buffer pad goes, on
//! Today, on the stock screen and at the command line; a bad minimum names its field and
//! writes nothing; two laptops setting one minimum offline end with the later value.

use crate::support::{weibao_at as weibao, TestDb};
use crate::sync_support::*;
use chrono::Duration;
use weibao::domain::work_order::FaultReportInput;
use weibao::stock::{self, MovementInput};
use weibao::store::changes;
use weibao::{views, work_orders, Store};

const VAN: &str = "张伟车载库";
const PAD: &str = "PAD-BG";

fn issue_pads(store: &mut Store, qty: i64) {
    let wo = store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: "XA01-L01-BG01".into(),
                    level: 2,
                    phenomenon: "道闸落杆撞车，缓冲垫开裂".into(),
                    ..Default::default()
                },
            )
        })
        .expect("fault")
        .id;
    store
        .write(|tx| {
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "issue".into(),
                    part: PAD.into(),
                    qty,
                    from: Some(VAN.into()),
                    work_order_id: Some(wo.clone()),
                    ..Default::default()
                },
            )
        })
        .expect("issue pads");
}

fn pad_line(store: &Store, location: &str) -> stock::StockLine {
    stock::stock_at(store, location)
        .expect("stock")
        .into_iter()
        .find(|l| l.part_code == PAD)
        .expect("the pad line")
}

fn outbox(store: &Store) -> usize {
    changes::since(store.conn(), 0, i64::MAX)
        .expect("changes")
        .len()
}

#[test]
fn a_van_warns_before_the_last_buffer_pad_goes() {
    let (_t, mut store) = TestDb::demo();
    // The demo's van holds 2 pads (its repairs used the rest) against a minimum of 2: at the
    // minimum, not below it, so nothing to say yet.
    let line = pad_line(&store, VAN);
    assert_eq!((line.on_hand, line.minimum, line.low), (2, Some(2), false));
    assert!(views::today::today(&store)
        .expect("today")
        .low_stock
        .is_empty());

    issue_pads(&mut store, 1);
    let line = pad_line(&store, VAN);
    assert_eq!((line.on_hand, line.low), (1, true));
    let today = views::today::today(&store).expect("today");
    let warned: Vec<_> = today
        .low_stock
        .iter()
        .map(|l| {
            (
                l.at.location_name.as_str(),
                l.at.part_code.as_str(),
                l.on_hand,
                l.shortfall,
            )
        })
        .collect();
    assert_eq!(
        warned,
        [(VAN, PAD, 1, 1)],
        "Today warns while the last pad is still in the van"
    );
}

#[test]
fn today_warns_of_the_engineers_own_van_only_and_the_stock_screen_of_any() {
    let (_t, store) = TestDb::demo();
    // 李娜's van starts with 2 pads against 3: low, but not 张伟's concern on his Today.
    let other = pad_line(&store, "李娜车载库");
    assert!(other.low);
    assert!(views::today::today(&store)
        .expect("today")
        .low_stock
        .is_empty());
    let everywhere = stock::low_stock(store.conn(), None).expect("low");
    assert_eq!(everywhere.len(), 1, "{everywhere:?}");
    assert_eq!(everywhere[0].at.location_name, "李娜车载库");
}

#[test]
fn a_part_with_a_minimum_and_none_on_hand_still_shows_on_the_stock_screen() {
    let (_t, mut store) = TestDb::demo();
    // 李娜's van never held a spare camera; once it has a minimum it shows, at 0 and low.
    let lina = "李娜车载库";
    assert!(stock::stock_at(&store, lina)
        .expect("stock")
        .iter()
        .all(|l| l.part_code != "CAM-HK"));
    store
        .write(|tx| stock::set_minimum(tx, lina, "CAM-HK", 1))
        .expect("minimum");
    let lines = stock::stock_at(&store, lina).expect("stock");
    let cam = lines
        .iter()
        .find(|l| l.part_code == "CAM-HK")
        .expect("the camera line");
    assert_eq!((cam.on_hand, cam.minimum, cam.low), (0, Some(1), true));
    // The work order's offer keeps to parts on hand.
    let offer = stock::stock_for_device(&store, lina, "XA01-L01-CM01").expect("offer");
    assert!(offer.iter().all(|l| l.on_hand > 0), "{offer:?}");
}

#[test]
fn zero_clears_the_minimum_and_its_warning() {
    let (_t, mut store) = TestDb::demo();
    assert!(pad_line(&store, "李娜车载库").low);
    let m = store
        .write(|tx| stock::set_minimum(tx, "李娜车载库", PAD, 0))
        .expect("clear");
    assert_eq!(m.minimum, 0);
    let line = pad_line(&store, "李娜车载库");
    assert_eq!((line.minimum, line.low), (None, false));
    assert!(stock::low_stock(store.conn(), None)
        .expect("low")
        .is_empty());
    assert!(stock::minimums(store.conn(), Some("李娜车载库"))
        .expect("minimums")
        .is_empty());
}

#[test]
fn a_bad_minimum_names_its_field_and_nothing_is_written() {
    let (_t, mut store) = TestDb::demo();
    let before = outbox(&store);
    for typed in ["-1", "1.5", "三", "", "100001", "99999999999999999999"] {
        let err = stock::parse_minimum(typed).expect_err(typed);
        assert_eq!(err.kind(), "invalid", "{typed}");
        assert_eq!(err.field(), Some("stock_minimum.minimum"), "{typed}");
        assert!(
            err.message_zh().contains("最低库存"),
            "{}",
            err.message_zh()
        );
    }
    let err = store
        .write(|tx| stock::set_minimum(tx, VAN, PAD, -3))
        .expect_err("negative");
    assert_eq!(err.field(), Some("stock_minimum.minimum"));
    let err = store
        .write(|tx| stock::set_minimum(tx, VAN, "NO-SUCH-PART", 2))
        .expect_err("unknown part");
    assert_eq!(err.kind(), "not_found");
    let err = store
        .write(|tx| stock::set_minimum(tx, "无此库位", PAD, 2))
        .expect_err("unknown location");
    assert_eq!(err.kind(), "not_found");
    assert_eq!(outbox(&store), before, "nothing written");
    assert_eq!(
        pad_line(&store, VAN).minimum,
        Some(2),
        "the old minimum stays"
    );
}

#[test]
fn two_laptops_set_one_minimum_offline_and_the_later_value_wins_everywhere() {
    let office = demo_replica();
    let mut b = replica_from(&office.store, None);
    let mut c = replica_from(&office.store, None);
    b.clock().advance(Duration::minutes(5));
    c.clock().advance(Duration::minutes(9));
    b.store
        .write(|tx| stock::set_minimum(tx, VAN, PAD, 5))
        .expect("B");
    c.store
        .write(|tx| stock::set_minimum(tx, VAN, PAD, 4))
        .expect("C, later");
    let mut office = office;
    exchange(&b.store, &mut c.store);
    exchange(&c.store, &mut b.store);
    exchange(&c.store, &mut office.store);
    exchange(&b.store, &mut office.store);
    for s in [&office.store, &b.store, &c.store] {
        assert_eq!(pad_line(s, VAN).minimum, Some(4), "C's later value");
        let rows: i64 = value(s, "SELECT COUNT(*) FROM stock_minimum");
        assert_eq!(rows, 3, "one row per location and part, not one per laptop");
    }
    assert_identical(&office.store, &b.store, "office and B");
    assert_identical(&b.store, &c.store, "B and C");
}

#[test]
fn the_cli_sets_a_minimum_warns_on_the_move_that_crosses_it_and_lists_the_low() {
    let (t, store) = TestDb::demo();
    drop(store);
    let db = t.path.as_path();
    let out = weibao(db, &["stock", "minimum", VAN, PAD, "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("最低库存：2"), "{text}");
    assert!(
        !text.contains("低于最低库存"),
        "2 on hand is not below 2: {text}"
    );

    let out = weibao(
        db,
        &[
            "stock", "move", "--kind", "transfer", "--part", PAD, "--qty", "1", "--from", VAN,
            "--to", "总仓",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("低于最低库存：张伟车载库 道闸缓冲垫 现有 1 个，最低 2，需补 1"),
        "{text}"
    );

    let out = weibao(db, &["stock", "low"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(VAN) && text.contains("李娜车载库"), "{text}");

    let out = weibao(db, &["stock", "show", VAN]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("需补货"));

    let out = weibao(db, &["stock", "minimum", VAN, PAD, "-2"]);
    assert_eq!(out.status.code(), Some(1), "bad input exits 1");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("最低库存"), "{err}");
    let out = weibao(db, &["--json", "stock", "low", VAN]);
    let low: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        low[0]["minimum"], 2,
        "the refused -2 changed nothing: {low}"
    );
}
