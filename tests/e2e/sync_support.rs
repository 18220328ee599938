//! Shared helpers of the sync tests: replicas as real SQLite files, exchange through change-set
//! files, and the dump that says whether two replicas are identical.
//!
//! "Identical" means: every synced table of the registry, all rows with every column (the sync
//! columns `hlc`, `author`, `author_device`, `created_*` and `deleted` included), sorted by id;
//! and the merge's own bookkeeping `field_history`, `field_clock` and `sync_conflict`.

use crate::support::{monday_10am, TestDb};
use rusqlite::types::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use weibao::store::apply::ApplyReport;
use weibao::store::changes::{self, Change};
use weibao::store::{changeset, registry};
use weibao::{FakeClock, Store};

pub type Dump = BTreeMap<String, Vec<Vec<Value>>>;

/// The merge bookkeeping that must also be equal, with the order its rows are compared in.
const BOOKKEEPING: &[(&str, &str)] = &[
    ("field_history", "tbl, row_id, field, hlc"),
    ("field_clock", "tbl, row_id, field"),
    ("sync_conflict", "tbl, row_id, hlc"),
];

/// Every synced row and the merge bookkeeping of a replica (see the module comment).
pub fn dump(store: &Store) -> Dump {
    let conn = store.conn();
    let mut out = Dump::new();
    let mut read = |name: &str, order: &str| {
        let mut st = conn
            .prepare(&format!("SELECT * FROM {name} ORDER BY {order}"))
            .unwrap_or_else(|e| panic!("dump {name}: {e}"));
        let n = st.column_count();
        let mut header: Vec<Value> = Vec::with_capacity(n);
        for i in 0..n {
            header.push(Value::Text(st.column_name(i).expect("name").to_string()));
        }
        let mut rows = vec![header];
        let mut q = st.query([]).expect("query");
        while let Some(r) = q.next().expect("row") {
            rows.push(
                (0..n)
                    .map(|i| r.get::<_, Value>(i).expect("value"))
                    .collect(),
            );
        }
        out.insert(name.to_string(), rows);
    };
    for t in registry::TABLES {
        read(t.name, "id");
    }
    for (name, order) in BOOKKEEPING {
        read(name, order);
    }
    out
}

fn show(row: &[Value], header: &[Value]) -> String {
    let cell = |v: &Value| match v {
        Value::Null => "NULL".to_string(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => format!("{s:?}"),
        Value::Blob(b) => format!("<{} bytes>", b.len()),
    };
    header
        .iter()
        .zip(row)
        .map(|(h, v)| format!("{}={}", cell(h).trim_matches('"'), cell(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first difference between two dumps, readable; `None` if they are equal.
pub fn first_difference(a: &Dump, b: &Dump, left: &str, right: &str) -> Option<String> {
    for (table, rows_a) in a {
        let Some(rows_b) = b.get(table) else {
            return Some(format!("{right} has no table {table}"));
        };
        if rows_a == rows_b {
            continue;
        }
        let header = &rows_a[0];
        if header != &rows_b[0] {
            return Some(format!(
                "{table}: columns differ: {header:?} vs {:?}",
                rows_b[0]
            ));
        }
        // Rows are sorted by their key (the first column(s)): find the first that differs.
        for i in 1..rows_a.len().max(rows_b.len()) {
            match (rows_a.get(i), rows_b.get(i)) {
                (Some(x), Some(y)) if x == y => continue,
                (Some(x), Some(y)) => {
                    let diff: Vec<String> = header
                        .iter()
                        .zip(x.iter().zip(y))
                        .filter(|(_, (p, q))| p != q)
                        .map(|(h, (p, q))| format!("{h:?}: {left} {p:?} / {right} {q:?}"))
                        .collect();
                    return Some(format!(
                        "{table} ({} rows in {left}, {} in {right}), row {i}:\n  {left}:  {}\n  {right}: {}\n  differing: {}",
                        rows_a.len() - 1,
                        rows_b.len() - 1,
                        show(x, header),
                        show(y, header),
                        diff.join("; ")
                    ));
                }
                (Some(x), None) => {
                    return Some(format!(
                        "{table}: {left} has a row {right} lacks: {}",
                        show(x, header)
                    ))
                }
                (None, Some(y)) => {
                    return Some(format!(
                        "{table}: {right} has a row {left} lacks: {}",
                        show(y, header)
                    ))
                }
                (None, None) => unreachable!(),
            }
        }
    }
    b.keys()
        .find(|k| !a.contains_key(*k))
        .map(|k| format!("{left} has no table {k}"))
}

/// Panic with the first difference unless the two replicas are identical.
#[track_caller]
pub fn assert_identical(a: &Store, b: &Store, what: &str) {
    assert_dumps_equal(&dump(a), &dump(b), what);
}

#[track_caller]
pub fn assert_dumps_equal(a: &Dump, b: &Dump, what: &str) {
    if let Some(d) = first_difference(a, b, "left", "right") {
        panic!("{what}: replicas differ: {d}");
    }
}

/// One replica: its own folder, database and clock.
pub struct Replica {
    pub db: TestDb,
    pub store: Store,
}

impl Replica {
    pub fn clock(&self) -> &Arc<FakeClock> {
        &self.db.clock
    }
}

/// An empty replica (a fresh database) with its own clock at Monday 10:00.
pub fn empty_replica() -> Replica {
    let db = TestDb::new();
    let store = db.open();
    Replica { db, store }
}

/// A replica holding the demo data set, loaded here (the seed every other replica imports).
pub fn demo_replica() -> Replica {
    let (db, store) = TestDb::demo();
    Replica { db, store }
}

/// A new replica made from `seed`'s whole change log, writing as `engineer` (the seed's
/// current engineer when `None`).
pub fn replica_from(seed: &Store, engineer: Option<&str>) -> Replica {
    let mut r = empty_replica();
    let report = exchange(seed, &mut r.store);
    assert_eq!(report.held, 0, "nothing held in a full replay: {report:?}");
    let engineer = engineer.unwrap_or(seed.current_engineer()).to_string();
    r.store
        .set_current_engineer(&engineer)
        .expect("current engineer");
    r
}

/// A temporary file path for a change set.
pub fn changes_file(tag: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join(format!("{tag}.weibao-changes"));
    (dir, p)
}

/// Export `from`'s whole log to a file and import it into `to` (the USB stick).
pub fn exchange(from: &Store, to: &mut Store) -> ApplyReport {
    exchange_since(from, 0, to).0
}

/// Export `from`'s log after `since` to a file and import it into `to`. Returns the report
/// and the new cursor.
pub fn exchange_since(from: &Store, since: i64, to: &mut Store) -> (ApplyReport, i64) {
    let (_dir, file) = changes_file("exchange");
    let ex = changeset::export(from, since, &file).expect("export");
    let report = changeset::import(to, &file).expect("import");
    (report, ex.until)
}

/// Every change in a replica's log.
pub fn all_changes(store: &Store) -> Vec<Change> {
    changes::since(store.conn(), 0, i64::MAX)
        .expect("log")
        .into_iter()
        .map(|l| l.change)
        .collect()
}

/// The text of a file, lossy (for "never contains" checks).
pub fn file_text(p: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(p).expect("read file")).into_owned()
}

/// A scalar from SQL (a literal query of the test).
pub fn scalar<T: rusqlite::types::FromSql>(store: &Store, sql: &str, id: &str) -> T {
    store
        .conn()
        .query_row(sql, [id], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql} [{id}]: {e}"))
}

/// Monday 10:00 plus `minutes`.
pub fn at_minutes(minutes: i64) -> chrono::DateTime<chrono::Utc> {
    monday_10am() + chrono::Duration::minutes(minutes)
}

/// A scalar from a parameterless SQL query (a literal of the test).
pub fn value<T: rusqlite::types::FromSql>(store: &Store, sql: &str) -> T {
    store
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
