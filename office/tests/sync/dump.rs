//! Every synced row and the merge bookkeeping of a replica, to compare replicas record by
//! record (the same dump as tests/e2e/sync_support.rs in the core).

use rusqlite::types::Value;
use std::collections::BTreeMap;
use weibao::store::registry;
use weibao::Store;

pub type Dump = BTreeMap<String, Vec<Vec<Value>>>;

const BOOKKEEPING: &[(&str, &str)] = &[
    ("field_history", "tbl, row_id, field, hlc"),
    ("field_clock", "tbl, row_id, field"),
    ("sync_conflict", "tbl, row_id, hlc"),
];

pub fn dump(store: &Store) -> Dump {
    let conn = store.conn();
    let mut out = Dump::new();
    let mut read = |name: &str, order: &str| {
        let mut st = conn
            .prepare(&format!("SELECT * FROM {name} ORDER BY {order}"))
            .unwrap_or_else(|e| panic!("dump {name}: {e}"));
        let n = st.column_count();
        let header: Vec<Value> = (0..n)
            .map(|i| Value::Text(st.column_name(i).expect("name").to_string()))
            .collect();
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

/// The first difference between two dumps, readable; `None` if they are equal.
pub fn first_difference(a: &Dump, b: &Dump) -> Option<String> {
    for (table, rows_a) in a {
        let Some(rows_b) = b.get(table) else {
            return Some(format!("no table {table} on the right"));
        };
        if rows_a == rows_b {
            continue;
        }
        let header = &rows_a[0];
        for i in 1..rows_a.len().max(rows_b.len()) {
            let (x, y) = (rows_a.get(i), rows_b.get(i));
            if x != y {
                return Some(format!(
                    "{table} ({} rows left, {} right), row {i}:\n  columns {header:?}\n  left:  {x:?}\n  right: {y:?}",
                    rows_a.len() - 1,
                    rows_b.len() - 1
                ));
            }
        }
    }
    None
}

#[track_caller]
pub fn assert_same(a: &Dump, b: &Dump, what: &str) {
    if let Some(d) = first_difference(a, b) {
        panic!("{what}: replicas differ: {d}");
    }
}
