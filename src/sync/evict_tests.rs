//! Eviction on a laptop that received the demo from an office replica: rows go with their
//! bookkeeping, index entries and other origins' log entries; unsent work stays with what it
//! refers to, and goes once acknowledged.

use super::*;
use crate::domain::work_order::FaultReportInput;
use crate::store::changes;
use crate::sync::scope::Scope;
use crate::SystemClock;
use std::sync::Arc;

struct Pair {
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    office: Store,
    laptop: Store,
}

/// The demo made on an "office" store and applied to an empty laptop.
fn pair() -> Pair {
    let (a, b) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let mut office = Store::open(&a.path().join("o.db"), Arc::new(SystemClock)).expect("office");
    crate::demo::load(&mut office, None, &mut |_, _| {}).expect("demo");
    let mut laptop = Store::open(&b.path().join("l.db"), Arc::new(SystemClock)).expect("laptop");
    let all: Vec<_> = changes::since(office.conn(), 0, i64::MAX)
        .expect("log")
        .into_iter()
        .map(|l| l.change)
        .collect();
    laptop.apply_remote(&all).expect("apply");
    Pair {
        _dirs: (a, b),
        office,
        laptop,
    }
}

/// How many synced rows a store holds.
fn rows(store: &Store) -> usize {
    registry::TABLES
        .iter()
        .map(|t| {
            store
                .conn()
                .query_row(&format!("SELECT COUNT(*) FROM {}", t.name), [], |r| {
                    r.get::<_, i64>(0)
                })
                .expect("count")
        })
        .sum::<i64>()
        .try_into()
        .unwrap_or(usize::MAX)
}

fn one(store: &Store, sql: &str, arg: &str) -> i64 {
    store
        .conn()
        .query_row(sql, [arg], |r| r.get(0))
        .expect("query")
}

const DEVICES_AT: &str = "SELECT COUNT(*) FROM device d JOIN lane l ON l.id = d.lane_id
                          JOIN site s ON s.id = l.site_id WHERE s.name = ?1";
const XA01: &str = "西安综合保税区卡口";
const XY01: &str = "咸阳机场货运卡口";

fn only(store: &Store, name: &str) -> Scope {
    let id: String = store
        .conn()
        .query_row("SELECT id FROM site WHERE name = ?1", [name], |r| r.get(0))
        .expect("site");
    Scope::Sites([id].into())
}

fn device_at(store: &Store, name: &str) -> String {
    store
        .conn()
        .query_row(
            "SELECT d.id FROM device d JOIN lane l ON l.id = d.lane_id JOIN site s
             ON s.id = l.site_id WHERE s.name = ?1 ORDER BY d.code LIMIT 1",
            [name],
            |r| r.get(0),
        )
        .expect("device")
}

#[test]
fn evicted_rows_take_their_bookkeeping_and_index_entries_but_not_own_log_entries() {
    let Pair {
        _dirs,
        office,
        mut laptop,
    } = pair();
    let d = device_at(&laptop, XY01);
    laptop
        .write(|tx| tx.update("device", &d, &[("notes", &"已更换电源")]))
        .expect("edit");
    crate::sync::set_acknowledged(&mut laptop, 1).expect("acked");
    let xa01 = one(&laptop, DEVICES_AT, XA01);
    assert!(
        one(
            &laptop,
            "SELECT COUNT(*) FROM device_fts WHERE device_id = ?1",
            &d
        ) > 0
    );

    let scope = only(&laptop, XA01);
    let ev = out_of_scope(&mut laptop, &scope).expect("evict");
    let share = scope::rows_in_scope(office.conn(), &scope).expect("share");
    assert_eq!(
        rows(&laptop),
        share.len(),
        "exactly the office's share is left"
    );
    assert_eq!(ev.kept, 0);
    assert!(ev.rows > 0);
    assert_eq!(one(&laptop, DEVICES_AT, XY01), 0);
    assert_eq!(one(&laptop, DEVICES_AT, XA01), xa01);
    for sql in [
        "SELECT COUNT(*) FROM device_fts WHERE device_id = ?1",
        "SELECT COUNT(*) FROM field_clock WHERE row_id = ?1",
        "SELECT COUNT(*) FROM field_history WHERE row_id = ?1",
    ] {
        assert_eq!(one(&laptop, sql, &d), 0, "{sql}");
    }
    // Other origins' entries for evicted rows are gone; this laptop's own stays (seq 1).
    let logged: Vec<(String, String)> = laptop
        .conn()
        .prepare("SELECT tbl, row_id FROM change_log WHERE origin <> ?1")
        .expect("sql")
        .query_map([laptop.installation()], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert!(logged.iter().all(|k| share.contains(k)));
    assert_eq!(
        one(
            &laptop,
            "SELECT COUNT(*) FROM change_log WHERE origin = ?1",
            laptop.installation()
        ),
        1
    );
    assert_eq!(
        changes::last_seq(laptop.conn(), laptop.installation()).expect("seq"),
        1
    );
    // Nothing to do a second time.
    assert_eq!(
        out_of_scope(&mut laptop, &scope).expect("again"),
        Evicted::default()
    );
}

#[test]
fn unsent_work_keeps_its_row_and_what_it_refers_to_until_acknowledged() {
    let Pair {
        _dirs,
        office,
        mut laptop,
    } = pair();
    let d = device_at(&laptop, XY01);
    let wo = laptop
        .write(|tx| {
            crate::work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: d.clone(),
                    level: 2,
                    fault_time: None,
                    phenomenon: "读卡器无响应".into(),
                    location: None,
                    contact_name: None,
                    contact_phone: None,
                    taken_by: None,
                    kind: None,
                    channel: None,
                },
            )
        })
        .expect("report");
    let xy01 = only(&laptop, XY01).code();
    assert!(pending_in(&laptop, &xy01).expect("pending") > 0);
    let xa01 = only(&laptop, XA01);

    let ev = out_of_scope(&mut laptop, &xa01).expect("evict");
    assert!(ev.rows > 0 && ev.kept > 0, "{ev:?}");
    assert_eq!(
        one(
            &laptop,
            "SELECT COUNT(*) FROM work_order WHERE id = ?1",
            &wo.id
        ),
        1
    );
    assert_eq!(
        one(&laptop, DEVICES_AT, XY01),
        1,
        "the work order's device only"
    );
    assert_eq!(
        one(&laptop, "SELECT COUNT(*) FROM site WHERE id = ?1", &xy01),
        1
    );
    assert_eq!(
        one(&laptop, "SELECT COUNT(*) FROM device WHERE id = ?1", &d),
        1
    );

    let last = changes::last_seq(laptop.conn(), laptop.installation()).expect("seq");
    crate::sync::set_acknowledged(&mut laptop, last).expect("acked");
    let ev = out_of_scope(&mut laptop, &xa01).expect("evict again");
    assert_eq!(ev.kept, 0);
    assert_eq!(
        one(
            &laptop,
            "SELECT COUNT(*) FROM work_order WHERE id = ?1",
            &wo.id
        ),
        0
    );
    assert_eq!(
        one(&laptop, "SELECT COUNT(*) FROM site WHERE id = ?1", &xy01),
        0
    );
    assert_eq!(crate::sync::pending(&laptop).expect("pending"), 0);
    let share = scope::rows_in_scope(office.conn(), &xa01).expect("share");
    assert_eq!(rows(&laptop), share.len(), "nothing of XY01 is left behind");
}
