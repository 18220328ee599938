//! Sync benchmark: prints figures, asserts nothing.
//!
//! - apply 100 000 remote changes (history lines: append-only events; then device edits:
//!   per-field merges) to a replica, against a raw SQLite loop writing the same rows in one
//!   transaction on the same disk in the same run;
//! - the write overhead of one user action: `Store::write` (registry-built change, own HLC
//!   tick, merge, change log, fsync) against the same rows written by hand with a JSON payload
//!   row (what the store did before the registry), p50/p99.
//!
//! Run: `cargo bench --bench sync` (`WEIBAO_BENCH_CHANGES` sets the count).

use std::sync::Arc;
use std::time::{Duration, Instant};
use weibao::stock::{self, MovementInput};
use weibao::store::changes::{self, Change};
use weibao::{Store, SystemClock};

#[path = "common/stats.rs"]
mod stats;
use stats::report;

fn main() {
    let n: usize = std::env::var("WEIBAO_BENCH_CHANGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(SystemClock);

    // The source laptop: the demo, then n history lines and n device edits.
    let mut src = Store::open(&dir.path().join("src.db"), clock.clone()).expect("open");
    weibao::demo::load(&mut src, None, &mut |_, _| {}).expect("demo");
    let devices: Vec<String> = {
        let mut st = src
            .conn()
            .prepare("SELECT id FROM device ORDER BY code")
            .expect("sql");
        st.query_map([], |r| r.get(0))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let seed_until: i64 = src
        .conn()
        .query_row("SELECT MAX(seq) FROM change_log", [], |r| r.get(0))
        .expect("seq");
    for chunk in 0..n.div_ceil(1000) {
        src.write(|tx| {
            for i in chunk * 1000..((chunk + 1) * 1000).min(n) {
                let d = &devices[i % devices.len()];
                weibao::devices::add_event(tx, d, "note", &format!("巡检备注 {i}"), None)?;
            }
            Ok(())
        })
        .expect("events");
    }
    let events_until: i64 = src
        .conn()
        .query_row("SELECT MAX(seq) FROM change_log", [], |r| r.get(0))
        .expect("seq");
    for chunk in 0..n.div_ceil(1000) {
        src.write(|tx| {
            for i in chunk * 1000..((chunk + 1) * 1000).min(n) {
                let d = &devices[i % devices.len()];
                tx.update("device", d, &[("notes", &format!("现场备注 {i}"))])?;
            }
            Ok(())
        })
        .expect("edits");
    }
    let all = changes::since(src.conn(), 0, i64::MAX).expect("log");
    let seed: Vec<Change> = all
        .iter()
        .filter(|l| l.local_seq <= seed_until)
        .map(|l| l.change.clone())
        .collect();
    let events: Vec<Change> = all
        .iter()
        .filter(|l| l.local_seq > seed_until && l.local_seq <= events_until)
        .map(|l| l.change.clone())
        .collect();
    let edits: Vec<Change> = all
        .iter()
        .filter(|l| l.local_seq > events_until)
        .map(|l| l.change.clone())
        .collect();
    println!(
        "source: demo ({} changes), {} history lines, {} device edits",
        seed.len(),
        events.len(),
        edits.len()
    );

    // The replica: the demo by sync, then the two batches.
    let mut dst = Store::open(&dir.path().join("dst.db"), clock.clone()).expect("open");
    dst.apply_remote(&seed).expect("seed");
    let t = Instant::now();
    for batch in events.chunks(10_000) {
        dst.apply_remote(batch).expect("apply events");
    }
    let apply_events = t.elapsed();
    let t = Instant::now();
    for batch in edits.chunks(10_000) {
        dst.apply_remote(batch).expect("apply edits");
    }
    let apply_edits = t.elapsed();

    // Raw SQLite: the same rows on a copy of the seeded replica, one prepared statement per
    // row, one transaction per 10 000 rows, same pragmas (WAL, synchronous=FULL).
    let raw_path = dir.path().join("raw.db");
    dst.conn()
        .execute("VACUUM INTO ?1", [raw_path.to_str().expect("utf-8")])
        .ok();
    let mut raw = rusqlite::Connection::open(&raw_path).expect("raw");
    raw.pragma_update(None, "journal_mode", "WAL").expect("wal");
    raw.pragma_update(None, "synchronous", "FULL")
        .expect("full");
    raw.execute_batch(
        "DELETE FROM device_event WHERE kind = 'note'; UPDATE device SET notes = NULL;",
    )
    .expect("reset");
    let t = Instant::now();
    for batch in events.chunks(10_000) {
        let tx = raw.transaction().expect("tx");
        {
            let mut st = tx
                .prepare(
                    "INSERT INTO device_event(id, hlc, author, author_device, created_hlc, created_by,
                        created_device, device_id, at, kind, summary) VALUES (?1, ?2, ?3, ?4, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .expect("prepare");
            for c in batch {
                let f = |k: &str| {
                    c.fields
                        .get(k)
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_string()
                };
                st.execute(rusqlite::params![
                    c.row_id,
                    c.hlc,
                    c.author,
                    c.origin,
                    f("device_id"),
                    f("at"),
                    f("kind"),
                    f("summary")
                ])
                .expect("insert");
            }
        }
        tx.commit().expect("commit");
    }
    let raw_events = t.elapsed();
    let t = Instant::now();
    for batch in edits.chunks(10_000) {
        let tx = raw.transaction().expect("tx");
        {
            let mut st = tx
                .prepare("UPDATE device SET notes = ?2, hlc = ?3 WHERE id = ?1")
                .expect("prepare");
            for c in batch {
                let notes = c.fields.get("notes").and_then(|v| v.as_str()).unwrap_or("");
                st.execute(rusqlite::params![c.row_id, notes, c.hlc])
                    .expect("update");
            }
        }
        tx.commit().expect("commit");
    }
    let raw_edits = t.elapsed();
    let rate = |k: usize, d: Duration| k as f64 / d.as_secs_f64();
    for (name, k, a, r) in [
        (
            "history lines (events)",
            events.len(),
            apply_events,
            raw_events,
        ),
        (
            "device edits (per-field merge)",
            edits.len(),
            apply_edits,
            raw_edits,
        ),
    ] {
        println!(
            "apply {k} {name:<32} {:>9.0} changes/s ({:.2} s); raw SQLite {:>9.0} rows/s ({:.2} s); apply = {:.0} % of raw",
            rate(k, a),
            a.as_secs_f64(),
            rate(k, r),
            r.as_secs_f64(),
            100.0 * r.as_secs_f64() / a.as_secs_f64()
        );
    }

    // One user action: a stock movement + a history line, durable.
    let mut now = Vec::new();
    for i in 0..500 {
        let t = Instant::now();
        src.write(|tx| {
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "receive".into(),
                    part: "PAD-BG".into(),
                    qty: 1,
                    to: Some("总仓".into()),
                    note: Some(format!("bench {i}")),
                    ..Default::default()
                },
            )?;
            weibao::devices::add_event(tx, &devices[0], "note", &format!("bench {i}"), None)
        })
        .expect("action");
        now.push(t.elapsed());
    }
    report("user action via Store::write (registry, merge, log)", now);
    // The same two rows and a hand-made JSON payload row each, as the store wrote before.
    let mut conn = rusqlite::Connection::open(dir.path().join("src.db")).expect("conn");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("full");
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS outbox_before (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT,
         row_id TEXT, op TEXT, hlc TEXT, author TEXT, author_device TEXT, payload TEXT)",
    )
    .expect("outbox");
    let (part, loc): (String, String) = conn
        .query_row(
            "SELECT (SELECT id FROM part WHERE code = 'PAD-BG'), (SELECT id FROM stock_location WHERE name = '总仓')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("ids");
    let mut before = Vec::new();
    for i in 0..500 {
        let t = Instant::now();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .expect("tx");
        let hlc = format!("{:016x}-0", i);
        let (m, e) = (weibao::store::new_id(), weibao::store::new_id());
        tx.execute(
            "INSERT INTO stock_movement(id, hlc, author, author_device, created_hlc, created_by, created_device,
               kind, part_id, qty, to_location, at, note) VALUES (?1, ?2, 'e', 'd', ?2, 'e', 'd', 'receive', ?3, 1, ?4, ?5, ?6)",
            rusqlite::params![m, hlc, part, loc, "2026-12-01T00:00:00Z", format!("bench {i}")],
        )
        .expect("row");
        tx.execute(
            "INSERT INTO outbox_before(entity, row_id, op, hlc, author, author_device, payload) VALUES ('stock_movement', ?1, 'insert', ?2, 'e', 'd', ?3)",
            rusqlite::params![m, hlc, serde_json::json!({"id": m, "qty": 1, "note": format!("bench {i}")}).to_string()],
        )
        .expect("payload");
        tx.execute(
            "INSERT INTO device_event(id, hlc, author, author_device, created_hlc, created_by, created_device,
               device_id, at, kind, summary) VALUES (?1, ?2, 'e', 'd', ?2, 'e', 'd', ?3, ?4, 'note', ?5)",
            rusqlite::params![e, hlc, devices[0], "2026-12-01T00:00:00Z", format!("bench {i}")],
        )
        .expect("row");
        tx.execute(
            "INSERT INTO outbox_before(entity, row_id, op, hlc, author, author_device, payload) VALUES ('device_event', ?1, 'insert', ?2, 'e', 'd', ?3)",
            rusqlite::params![e, hlc, serde_json::json!({"id": e, "summary": format!("bench {i}")}).to_string()],
        )
        .expect("payload");
        tx.commit().expect("commit");
        before.push(t.elapsed());
    }
    report("same rows by hand + JSON payload rows, no rules", before);
}
