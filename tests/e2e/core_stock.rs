//! Spare stock as a ledger: refusals, atomic transfers, 备机 swaps tracked as RMA.

use crate::support::TestDb;
use weibao::domain::work_order::FaultReportInput;
use weibao::stock::{self, MovementInput};
use weibao::{devices, work_orders};

fn on_hand(store: &weibao::Store, loc: &str, part: &str) -> i64 {
    let l = stock::location(store.conn(), loc).unwrap();
    let p = stock::part(store.conn(), part).unwrap();
    stock::on_hand(store.conn(), &l.id, &p.id).unwrap()
}

fn open_fault(store: &mut weibao::Store, device: &str) -> String {
    store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: device.into(),
                    level: 2,
                    phenomenon: "测试故障".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap()
        .id
}

#[test]
fn issuing_more_than_on_hand_is_refused_and_nothing_is_written() {
    let (_t, mut store) = TestDb::demo();
    let wo = open_fault(&mut store, "XA01-L01-BG01");
    let outbox_before = weibao::store::changes::since(store.conn(), 0, i64::MAX)
        .unwrap()
        .len();
    let err = store
        .write(|tx| {
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "issue".into(),
                    part: "ARM-4M".into(),
                    qty: 5,
                    from: Some("张伟车载库".into()),
                    work_order_id: Some(wo.clone()),
                    ..Default::default()
                },
            )
        })
        .unwrap_err();
    assert_eq!(err.kind(), "insufficient_stock");
    assert!(
        err.message_zh().contains("现有 4") && err.message_zh().contains("需要 5"),
        "{}",
        err.message_zh()
    );
    assert_eq!(on_hand(&store, "张伟车载库", "ARM-4M"), 4);
    assert_eq!(
        weibao::store::changes::since(store.conn(), 0, i64::MAX)
            .unwrap()
            .len(),
        outbox_before
    );
}

#[test]
fn transfer_moves_stock_between_locations_atomically() {
    let (_t, mut store) = TestDb::demo();
    let (wh, van) = (
        on_hand(&store, "总仓", "TUBE-FL"),
        on_hand(&store, "李娜车载库", "TUBE-FL"),
    );
    store
        .write(|tx| {
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "transfer".into(),
                    part: "TUBE-FL".into(),
                    qty: 10,
                    from: Some("总仓".into()),
                    to: Some("李娜车载库".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(on_hand(&store, "总仓", "TUBE-FL"), wh - 10);
    assert_eq!(on_hand(&store, "李娜车载库", "TUBE-FL"), van + 10);

    // A user action that fails halfway (second movement refused) leaves no trace of the first.
    let err = store
        .write(|tx| {
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "transfer".into(),
                    part: "TUBE-FL".into(),
                    qty: 1,
                    from: Some("总仓".into()),
                    to: Some("张伟车载库".into()),
                    ..Default::default()
                },
            )?;
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "transfer".into(),
                    part: "TUBE-FL".into(),
                    qty: 999,
                    from: Some("李娜车载库".into()),
                    to: Some("总仓".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap_err();
    assert_eq!(err.kind(), "insufficient_stock");
    assert_eq!(on_hand(&store, "总仓", "TUBE-FL"), wh - 10);
    assert_eq!(on_hand(&store, "张伟车载库", "TUBE-FL"), 4);
    // The quantity is a sum over the ledger, never a stored number.
    let movements = stock::movements_at(&store, "李娜车载库", 100).unwrap();
    let total: i64 = movements
        .iter()
        .filter(|m| m.part_id == stock::part(store.conn(), "TUBE-FL").unwrap().id)
        .map(|m| m.qty)
        .sum();
    assert_eq!(total, van + 10);
}

#[test]
fn spare_unit_swap_leaves_the_faulty_unit_tracked_as_rma_until_it_returns() {
    let (_t, mut store) = TestDb::demo();
    let cam = "XA01-L01-CM01";
    let faulty_serial = devices::device(&store, cam).unwrap().serial;
    let wo = open_fault(&mut store, cam);
    let rma = store
        .write(|tx| stock::swap_unit(tx, &wo, "CAM-HK-SP001", "张伟车载库"))
        .unwrap();
    assert_eq!(rma.faulty_serial, faulty_serial);
    assert_eq!(rma.status, "awaiting_shipment");
    assert_eq!(devices::device(&store, cam).unwrap().serial, "CAM-HK-SP001");
    assert_eq!(on_hand(&store, "张伟车载库", "CAM-HK"), 0);
    let open = stock::open_rmas(&store).unwrap();
    assert_eq!(open.len(), 1);
    let dev_id = devices::device(&store, cam).unwrap().id;
    assert!(devices::history(&store, &dev_id)
        .unwrap()
        .iter()
        .any(|h| h.kind == "swap" && h.summary.contains(&faulty_serial)));

    // The same spare cannot go out twice.
    let wo2 = open_fault(&mut store, "XA01-L01-CM02");
    let err = store
        .write(|tx| stock::swap_unit(tx, &wo2, "CAM-HK-SP001", "张伟车载库"))
        .unwrap_err();
    assert_eq!(err.kind(), "insufficient_stock");

    // Shipped, repaired, back in the warehouse as a refurbished spare.
    let err = store
        .write(|tx| stock::advance_rma(tx, &rma.id, "returned", Some("总仓")))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        "illegal_transition",
        "cannot return before shipping"
    );
    store
        .write(|tx| stock::advance_rma(tx, &rma.id, "at_factory", None))
        .unwrap();
    let wh_before = on_hand(&store, "总仓", "CAM-HK");
    store
        .write(|tx| stock::advance_rma(tx, &rma.id, "returned", Some("总仓")))
        .unwrap();
    assert!(stock::open_rmas(&store).unwrap().is_empty());
    assert_eq!(on_hand(&store, "总仓", "CAM-HK"), wh_before + 1);

    // Swapped in again from the warehouse: it goes in as the refurbished unit it is, not as
    // new, and the customer must agree to a refurbished part in writing.
    let wo3 = open_fault(&mut store, "XA01-L01-CM02");
    store
        .write(|tx| stock::swap_unit(tx, &wo3, &faulty_serial, "总仓"))
        .unwrap();
    let used = stock::parts_used(store.conn(), &wo3).unwrap();
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].condition, "refurbished", "{used:?}");
    let bill = weibao::billing::view(&store, &wo3).unwrap();
    assert!(bill.refurbished_parts && bill.needs_consent);
}

#[test]
fn a_loan_unit_is_taken_back_once_the_original_returns_from_repair() {
    let (_t, mut store) = TestDb::demo();
    let cam = "XA01-L01-CM01";
    let own = devices::device(&store, cam).unwrap().serial;
    let wo = open_fault(&mut store, cam);
    let rma = store
        .write(|tx| stock::swap_unit(tx, &wo, "CAM-HK-SP001", "张伟车载库"))
        .unwrap();
    let back = open_fault(&mut store, cam);
    // Not before the original is back from the factory.
    let err = store
        .write(|tx| stock::take_back_loan(tx, &back, &own, "总仓", "张伟车载库"))
        .unwrap_err();
    assert_eq!(err.kind(), "original_not_back");
    for status in ["at_factory", "returned"] {
        store
            .write(|tx| stock::advance_rma(tx, &rma.id, status, Some("总仓")))
            .unwrap();
    }
    let van_before = on_hand(&store, "张伟车载库", "CAM-HK");
    let err = store
        .write(|tx| stock::take_back_loan(tx, &back, "NO-SUCH-SN", "总仓", "张伟车载库"))
        .unwrap_err();
    assert_eq!(err.kind(), "not_found");
    store
        .write(|tx| stock::take_back_loan(tx, &back, &own, "总仓", "张伟车载库"))
        .unwrap();
    // The device holds its own unit again (issued as refurbished); the loan is back in the van.
    assert_eq!(devices::device(&store, cam).unwrap().serial, own);
    assert_eq!(on_hand(&store, "张伟车载库", "CAM-HK"), van_before + 1);
    let used = stock::parts_used(store.conn(), &back).unwrap();
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].condition, "refurbished");
    let dev_id = devices::device(&store, cam).unwrap().id;
    assert!(devices::history(&store, &dev_id)
        .unwrap()
        .iter()
        .any(|h| h.summary.contains("取回借用备机 SN CAM-HK-SP001")));
    // Twice is refused: the loan is no longer in the device.
    let again = open_fault(&mut store, cam);
    let err = store
        .write(|tx| stock::take_back_loan(tx, &again, &own, "总仓", "张伟车载库"))
        .unwrap_err();
    assert_eq!(err.kind(), "loan_not_installed");
}
