//! Keys that must name one record on this laptop are refused with the field named (never a
//! raw SQLite error); lane codes that repeat from site to site are never guessed; an RMA of a
//! unit that was itself a spare comes back under its own spare record.

use crate::support::TestDb;
use weibao::domain::work_order::FaultReportInput;
use weibao::stock::{self, Part};
use weibao::{contracts, devices, org, work_orders, Error, Store};

fn log_len(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT COUNT(*) FROM change_log", [], |r| r.get(0))
        .expect("log")
}

fn refused_naming(
    store: &mut Store,
    field: &str,
    f: impl FnOnce(&mut weibao::store::Tx) -> weibao::Result<()>,
) {
    let before = log_len(store);
    let err: Error = store.write(f).expect_err("duplicate refused");
    assert_eq!(err.kind(), "invalid", "{err}");
    assert_eq!(err.field(), Some(field), "{err}");
    assert!(err.message_zh().contains("已存在"), "{}", err.message_zh());
    assert_eq!(log_len(store), before, "nothing written");
}

#[test]
fn duplicate_contract_number_location_part_code_and_spare_serial_name_their_field() {
    let (_t, mut store) = TestDb::demo();
    let existing = contracts::contracts(&store).expect("contracts").remove(0);
    refused_naming(&mut store, "contract.number", |tx| {
        contracts::add_contract(tx, existing.clone()).map(|_| ())
    });
    refused_naming(&mut store, "location.name", |tx| {
        stock::add_location(tx, stock::LocationKind::Warehouse, "总仓", None).map(|_| ())
    });
    let pad = stock::part(store.conn(), "PAD-BG").expect("part");
    refused_naming(&mut store, "part.code", |tx| {
        stock::add_part(tx, Part { ..pad.clone() }).map(|_| ())
    });
    refused_naming(&mut store, "spare_unit.serial", |tx| {
        stock::receive_unit(tx, "CAM-HK", "CAM-HK-SP002", "总仓", "new").map(|_| ())
    });
}

#[test]
fn a_lane_code_used_at_several_sites_is_refused_with_the_candidates() {
    let (_t, store) = TestDb::demo();
    let err = org::lane(&store, "L01").expect_err("ambiguous");
    assert_eq!(err.field(), Some("lane"));
    assert!(err.message_zh().contains("/L01"), "{}", err.message_zh());
    let one = org::lane(&store, "咸阳/L01").expect("site/code picks one");
    assert!(one.site_name.contains("咸阳"));
    assert_eq!(org::lane(&store, &one.id).expect("by id").id, one.id);
}

fn open_fault(store: &mut Store, device: &str) -> String {
    store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: device.into(),
                    level: 2,
                    phenomenon: "摄像机无图像".into(),
                    ..Default::default()
                },
            )
        })
        .expect("fault")
        .id
}

#[test]
fn a_spare_that_failed_in_service_returns_from_rma_under_its_own_record() {
    let (_t, mut store) = TestDb::demo();
    let cam = "XA01-L01-CM01";
    let wo = open_fault(&mut store, cam);
    store
        .write(|tx| stock::swap_unit(tx, &wo, "CAM-HK-SP001", "张伟车载库"))
        .expect("first swap");
    // The spare that went in fails too: swapped for another, it goes to the factory itself.
    let wo2 = open_fault(&mut store, cam);
    let rma = store
        .write(|tx| stock::swap_unit(tx, &wo2, "CAM-HK-SP002", "总仓"))
        .expect("second swap");
    assert_eq!(rma.faulty_serial, "CAM-HK-SP001");
    assert_eq!(
        devices::device(&store, cam).expect("cam").serial,
        "CAM-HK-SP002"
    );
    store
        .write(|tx| stock::advance_rma(tx, &rma.id, "at_factory", None))
        .expect("shipped");
    store
        .write(|tx| stock::advance_rma(tx, &rma.id, "returned", Some("总仓")))
        .expect("returned: the RMA can close");
    assert!(stock::open_rmas(&store)
        .expect("rmas")
        .iter()
        .all(|r| r.id != rma.id));
    let (units, unit_id): (i64, String) = store
        .conn()
        .query_row(
            "SELECT COUNT(*), MIN(id) FROM spare_unit WHERE serial = 'CAM-HK-SP001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("units");
    assert_eq!(units, 1, "one spare record per serial");
    let wh = stock::location(store.conn(), "总仓").expect("wh");
    assert_eq!(
        stock::unit_location(store.conn(), &unit_id).expect("where"),
        Some(wh.id)
    );
}
