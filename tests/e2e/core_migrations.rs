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
