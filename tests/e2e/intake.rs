//! Fault intake's lookups: the caller by the digits of their number, the device by code,
//! serial or label text, and whether the visit will be billable by the quote's own rule.

use crate::support::TestDb;
use weibao::{devices, intake};

#[test]
fn the_caller_is_found_by_the_last_digits_of_their_number_however_it_is_typed() {
    let (_t, store) = TestDb::demo();
    for typed in [
        "6001",
        "8636 6001",
        "029-86366001",
        "+86 029 8636 6001",
        "６００１",
    ] {
        let found = intake::find_caller(&store, typed).expect(typed);
        assert_eq!(found.len(), 1, "{typed}: {found:?}");
        assert_eq!(found[0].customer_name, "西安海关");
        assert!(!found[0].sites.is_empty());
    }
    assert!(intake::find_caller(&store, "99999999")
        .expect("none")
        .is_empty());
    for short in ["", "60", "六零零一", "abc"] {
        let err = intake::find_caller(&store, short).expect_err(short);
        assert_eq!(err.field(), Some("intake.phone"), "{short}");
    }
}

#[test]
fn a_visit_is_billable_only_where_the_quote_would_charge_for_it() {
    let (_t, mut store) = TestDb::demo();
    let under = intake::device_for_call(&store, "XA01-L01-BG01").expect("device");
    assert!(under.contract.is_some() && !under.billable, "{under:?}");
    assert_eq!(under.levels.len(), 4);

    // The same gate, its warranty long over, at a site whose contract is not yet in force:
    // billable, and said so.
    let gate = devices::device(&store, "XA01-L01-BG01").expect("gate");
    store
        .write(|tx| {
            tx.update(
                "contract",
                &under_contract_id(tx.conn()),
                &[("start_date", &"2030-01-01")],
            )
        })
        .expect("move the contract's start");
    store
        .write(|tx| {
            tx.update(
                "device",
                &gate.id,
                &[
                    ("install_date", &"2015-01-01"),
                    ("warranty_end", &"2016-01-01"),
                ],
            )
        })
        .expect("warranty over");
    let out = intake::device_for_call(&store, &gate.serial).expect("by serial");
    assert_eq!(out.device.code.as_str(), "XA01-L01-BG01");
    assert!(
        out.contract.is_none() && out.billable && !out.in_warranty,
        "{out:?}"
    );
    assert!(out.note_zh.as_deref().is_some_and(|n| n.contains("收费")));

    let err = intake::device_for_call(&store, "NO-SUCH-DEVICE").expect_err("unknown");
    assert_eq!(err.field(), Some("intake.device"));
}

fn under_contract_id(conn: &rusqlite::Connection) -> String {
    conn.query_row(
        "SELECT cs.contract_id FROM contract_site cs JOIN site s ON s.id = cs.site_id
         JOIN lane l ON l.site_id = s.id JOIN device d ON d.lane_id = l.id
         WHERE d.code = 'XA01-L01-BG01' LIMIT 1",
        [],
        |r| r.get(0),
    )
    .expect("the gate's contract")
}
