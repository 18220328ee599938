//! The end-of-case checks of the convergence property: nothing any change wrote is lost,
//! every work order is at its furthest step, every negative stock balance is listed.

use super::Seed;
use crate::sync_support::scalar;
use proptest::test_runner::TestCaseError;
use proptest::{prop_assert, prop_assert_eq};
use rusqlite::types::Value;
use weibao::domain::work_order::WorkOrderState;
use weibao::store::changes::{self, Change};
use weibao::store::merge;
use weibao::store::registry::{self, Merge};
use weibao::{conflicts, Store};

/// Every value a logged change wrote is in force or kept (field history / event conflicts).
pub(super) fn nothing_lost(s: &Store, who: usize) -> Result<(), TestCaseError> {
    let conn = s.conn();
    for l in changes::since(conn, 0, i64::MAX).map_err(|e| TestCaseError::fail(e.to_string()))? {
        let c: Change = l.change;
        let t = registry::table(&c.table).expect("registered");
        match t.merge {
            Merge::Record => {
                for (field, v) in &c.fields {
                    let current: Value = conn
                        .query_row(
                            &format!("SELECT {field} FROM {} WHERE id = ?1", t.name),
                            [&c.row_id],
                            |r| r.get(0),
                        )
                        .map_err(|e| {
                            TestCaseError::fail(format!("{} {}: {e}", c.table, c.row_id))
                        })?;
                    if &merge::value_json(&current) == v {
                        continue;
                    }
                    let kept: Option<String> = conn
                        .query_row(
                            "SELECT value FROM field_history
                             WHERE tbl = ?1 AND row_id = ?2 AND field = ?3 AND hlc = ?4",
                            [&c.table, &c.row_id, field, &c.hlc],
                            |r| r.get(0),
                        )
                        .ok();
                    let want = v.to_string();
                    prop_assert_eq!(
                        kept.as_deref(),
                        Some(want.as_str()),
                        "replica {}: {}.{} of {} written by {}/{} at {} is neither in force ({:?}) nor in the history",
                        who, c.table, field, c.row_id, c.origin, c.seq, c.hlc, current
                    );
                }
            }
            Merge::Event | Merge::Ledger => {
                let hlc: String = conn
                    .query_row(
                        &format!("SELECT created_hlc FROM {} WHERE id = ?1", t.name),
                        [&c.row_id],
                        |r| r.get(0),
                    )
                    .map_err(|e| {
                        TestCaseError::fail(format!("{} {} missing: {e}", c.table, c.row_id))
                    })?;
                if hlc == c.hlc {
                    continue;
                }
                let same: bool = {
                    let cols: Vec<&str> = c.fields.keys().map(String::as_str).collect();
                    let row: Vec<Value> = conn
                        .query_row(
                            &format!("SELECT {} FROM {} WHERE id = ?1", cols.join(", "), t.name),
                            [&c.row_id],
                            |r| (0..cols.len()).map(|k| r.get::<_, Value>(k)).collect(),
                        )
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    cols.iter()
                        .zip(&row)
                        .all(|(k, v)| c.fields.get(*k) == Some(&merge::value_json(v)))
                };
                let listed: bool = conn
                    .query_row(
                        "SELECT COUNT(*) > 0 FROM sync_conflict WHERE tbl = ?1 AND row_id = ?2 AND hlc = ?3",
                        [&c.table, &c.row_id, &c.hlc],
                        |r| r.get(0),
                    )
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(
                    same || listed,
                    "replica {}: event {} {} by {}/{} is neither in force nor kept",
                    who,
                    c.table,
                    c.row_id,
                    c.origin,
                    c.seq
                );
            }
        }
    }
    Ok(())
}

/// A work order's state is the furthest step among its events, whatever order they arrived in
/// (never moved back by a merge).
pub(super) fn furthest_state(s: &Store, seed: &Seed, who: usize) -> Result<(), TestCaseError> {
    for wo in &seed.work_orders {
        let mut st = s
            .conn()
            .prepare(
                "SELECT to_state FROM work_order_event WHERE work_order_id = ?1 AND deleted = 0",
            )
            .expect("events");
        let furthest = st
            .query_map([wo], |r| r.get::<_, String>(0))
            .expect("query")
            .map(|t| WorkOrderState::parse(&t.expect("row")).expect("a state"))
            .max_by_key(|st| st.step())
            .unwrap_or(WorkOrderState::Reported);
        let state: String = scalar(s, "SELECT state FROM work_order_now WHERE id = ?1", wo);
        prop_assert_eq!(
            state.as_str(),
            furthest.code(),
            "replica {}: work order {} is not at its furthest step",
            who,
            wo
        );
    }
    Ok(())
}

/// Every negative balance of the ledger is a listed conflict.
pub(super) fn negatives_listed(s: &Store, who: usize) -> Result<(), TestCaseError> {
    let mut st = s
        .conn()
        .prepare(
            "SELECT loc, part_id, SUM(d) FROM (
                SELECT to_location AS loc, part_id, qty AS d FROM stock_movement WHERE to_location IS NOT NULL AND deleted = 0
                UNION ALL
                SELECT from_location, part_id, -qty FROM stock_movement WHERE from_location IS NOT NULL AND deleted = 0)
             GROUP BY loc, part_id HAVING SUM(d) < 0",
        )
        .expect("balances");
    let negative: Vec<(String, String, i64)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let listed: Vec<String> = conflicts::list(s, true)
        .map_err(|e| TestCaseError::fail(e.to_string()))?
        .into_iter()
        .map(|c| c.key)
        .collect();
    for (loc, part, n) in negative {
        let key = format!("negative_stock/{loc}/{part}");
        prop_assert!(
            listed.contains(&key),
            "replica {}: {} is {} but not listed",
            who,
            key,
            n
        );
    }
    Ok(())
}
