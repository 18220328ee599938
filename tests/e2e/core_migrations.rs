//! Migrations: an old database upgrades with its data; a newer one is refused untouched.

use crate::support::TestDb;
use rusqlite::Connection;
use weibao::store::{migrations, schema_version};

#[test]
fn database_made_by_the_first_schema_upgrades_with_its_data() {
    let t = TestDb::new();
    {
        let mut conn = Connection::open(&t.path).unwrap();
        migrations::up_to(1).to_latest(&mut conn).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), 1);
        conn.execute_batch(
            "INSERT INTO company VALUES ('c1', '0000000000000001-x', 'e', 'd', 0, '西安明通电子科技有限公司', NULL, NULL);
             INSERT INTO customer VALUES ('k1', '0000000000000001-x', 'e', 'd', 0, '西安海关', NULL);
             INSERT INTO site VALUES ('s1', '0000000000000001-x', 'e', 'd', 0, 'k1', '西安综合保税区卡口', NULL);
             INSERT INTO lane VALUES ('l1', '0000000000000001-x', 'e', 'd', 0, 's1', '1号进口车道', 'L01');
             INSERT INTO device (id, hlc, author, author_device, code, device_type, model, manufacturer, serial, status, lane_id, confidentiality)
               VALUES ('d1', '0000000000000001-x', 'e', 'd', 'XA01-L01-BG01', 'barrier_gate', 'JSDZ0601', '捷顺', 'JS1', 'normal', 'l1', 'internal');",
        )
        .unwrap();
    }
    let store = t.open();
    assert_eq!(
        schema_version(store.conn()).unwrap(),
        migrations::latest_version()
    );
    let d = weibao::devices::device(&store, "XA01-L01-BG01").unwrap();
    assert_eq!(d.model, "JSDZ0601");
    // FTS built by the first schema still answers.
    let hits = weibao::store::search::search_devices(
        &store,
        &weibao::store::search::DeviceQuery {
            text: Some("JSDZ".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(hits.len(), 1);
}

#[test]
fn database_from_a_newer_weibao_is_refused_and_left_untouched() {
    let t = TestDb::new();
    drop(t.open());
    let newer = migrations::latest_version() + 1;
    {
        let conn = Connection::open(&t.path).unwrap();
        conn.pragma_update(None, "user_version", newer).unwrap();
    }
    let bytes_before = std::fs::read(&t.path).unwrap();
    let err = weibao::Store::open(&t.path, t.clock.clone())
        .err()
        .expect("refused");
    assert_eq!(err.kind(), "schema_too_new");
    assert!(err.message_zh().contains("升级"), "{}", err.message_zh());
    assert_eq!(std::fs::read(&t.path).unwrap(), bytes_before);
    let conn = Connection::open(&t.path).unwrap();
    assert_eq!(schema_version(&conn).unwrap(), newer);
}

#[test]
fn a_file_that_is_not_a_database_is_a_clear_error() {
    let t = TestDb::new();
    std::fs::write(
        &t.path,
        b"this is not sqlite, just a text file that happens to be here........",
    )
    .unwrap();
    let err = weibao::Store::open(&t.path, t.clock.clone())
        .err()
        .expect("refused");
    assert_eq!(err.kind(), "storage");
}

#[test]
fn hlc_never_runs_backwards_across_restarts_even_if_the_wall_clock_does() {
    let t = TestDb::new();
    let mut s = t.open();
    s.write(|tx| weibao::org::add_customer(tx, "甲", None))
        .unwrap();
    let last: String = s
        .conn()
        .query_row("SELECT value FROM meta WHERE key = 'hlc_last'", [], |r| {
            r.get(0)
        })
        .unwrap();
    drop(s);
    // Pretend the persisted stamp is a day ahead of the machine's clock (clock set back).
    let ahead = weibao::store::hlc::parse_time(&last).unwrap() + (86_400u64 << 32);
    let forged = format!("{ahead:016x}{}", &last[16..]);
    Connection::open(&t.path)
        .unwrap()
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'hlc_last'",
            [&forged],
        )
        .unwrap();
    let mut s = t.open();
    s.write(|tx| weibao::org::add_customer(tx, "乙", None))
        .unwrap();
    let newest: String = s
        .conn()
        .query_row("SELECT hlc FROM customer WHERE name = '乙'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(newest > forged, "{newest} must sort after {forged}");
}

/// A laptop that used schema 3 (before the store was sync-ready) keeps everything: the
/// work-order state, device status and RMA status it stored become the events they are now
/// derived from, the private key moves to the local-only table, and the change log written
/// from its rows rebuilds an identical replica.
#[test]
fn database_made_by_schema_3_upgrades_to_a_replayable_change_log() {
    use crate::sync_support::{assert_identical, empty_replica, exchange};
    let t = TestDb::new();
    let s = |n: u64| format!("{:016x}-{:032x}", 0x6a00_0000_0000_0000u64 + n, 7u128);
    let id = |n: u32| format!("0190f0e0-0000-7000-8000-{n:012}");
    {
        let mut conn = Connection::open(&t.path).unwrap();
        migrations::up_to(3).to_latest(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('installation_id', ?1)",
            ["0190f0e0-0000-7000-8000-000000000099"],
        )
        .unwrap();
        let rows = [
            format!("INSERT INTO company VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '西安明通电子科技有限公司', NULL, NULL)", id(1), s(1)),
            format!("INSERT INTO engineer VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', '张伟', NULL, 'ZW')", id(2), s(2), id(1)),
            format!("INSERT INTO engineer_key VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', 'CERT', 'abc', '2026-01-01T00:00:00Z', '-----BEGIN PRIVATE KEY-----')", id(3), s(3), id(2)),
            format!("INSERT INTO customer VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '西安海关', NULL)", id(4), s(4)),
            format!("INSERT INTO contact VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 1, '{}', '陈建国', '13800000000', NULL)", id(5), s(50), id(4)),
            format!("INSERT INTO site VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', '西安综合保税区卡口', NULL)", id(6), s(6), id(4)),
            format!("INSERT INTO lane VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', '1号进口车道', 'L01')", id(7), s(7), id(6)),
            format!("INSERT INTO device (id, hlc, author, author_device, code, device_type, model, manufacturer, serial, status, lane_id, confidentiality)
               VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 'XA01-L01-BG01', 'barrier_gate', 'JSDZ0601', '捷顺', 'JS-NEW', 'repairing', '{}', 'internal')", id(8), s(8), id(7)),
            format!("INSERT INTO work_order (id, hlc, author, author_device, kind, state, title, device_id, lane_id, reported_at, on_site_at)
               VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 'fault_repair', 'on_site', '道闸无法抬杆', '{}', '{}', '2026-11-23T02:00:00+00:00', '2026-11-23T04:00:00+00:00')", id(9), s(9), id(8), id(7)),
            format!("INSERT INTO work_order_event VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', NULL, 'reported', '2026-11-23T02:00:00+00:00', NULL)", id(10), s(10), id(9)),
            format!("INSERT INTO work_order_event VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', 'reported', 'assigned', '2026-11-23T02:10:00+00:00', NULL)", id(11), s(11), id(9)),
            format!("INSERT INTO work_order_event VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', 'assigned', 'responded', '2026-11-23T02:20:00+00:00', NULL)", id(12), s(12), id(9)),
            format!("INSERT INTO work_order_event VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', 'responded', 'on_site', '2026-11-23T04:00:00+00:00', NULL)", id(13), s(13), id(9)),
            format!("INSERT INTO device_event VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', '2026-11-23T04:00:00+00:00', 'status', '状态改为「维修中」：工程师到场', '{}')", id(14), s(14), id(8), id(9)),
            format!("INSERT INTO device_event VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', '2026-11-23T04:30:00+00:00', 'swap', '备机替换：故障件 SN JS-OLD 返厂维修（RMA），装上备机 SN JS-NEW', '{}')", id(15), s(15), id(8), id(9)),
            format!("INSERT INTO rma VALUES ('{}', '{}', 'e', '0190f0e0-0000-7000-8000-000000000099', 0, '{}', '{}', 'JS-OLD', NULL, 'returned', '2026-11-23T04:30:00+00:00', '2026-11-30T04:30:00+00:00', NULL)", id(16), s(16), id(9), id(8)),
        ];
        for sql in rows {
            conn.execute_batch(&sql).unwrap();
        }
    }
    let store = t.open();
    assert_eq!(
        schema_version(store.conn()).unwrap(),
        migrations::latest_version()
    );
    let wo = weibao::work_orders::detail(&store, &id(9)).unwrap();
    assert_eq!(wo.summary.state.code(), "on_site");
    let d = weibao::devices::device(&store, "XA01-L01-BG01").unwrap();
    assert_eq!(
        (d.status.code(), d.serial.as_str()),
        ("repairing", "JS-NEW")
    );
    let rma_status: String = store
        .conn()
        .query_row("SELECT status FROM rma_now WHERE id = ?1", [id(16)], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(rma_status, "returned");
    let (secrets, leaked): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM engineer_secret), (SELECT COUNT(*) FROM change_log WHERE fields LIKE '%PRIVATE KEY%')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((secrets, leaked), (1, 0));
    let mut replica = empty_replica();
    let report = exchange(&store, &mut replica.store);
    assert_eq!(report.held, 0, "{report:?}");
    assert_identical(&store, &replica.store, "schema 3 upgraded, then replayed");
}
