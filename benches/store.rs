//! Store benchmark: prints figures, asserts nothing.
//!
//! - device lookup by code and by free text among N devices (default 100 000; set
//!   `WEIBAO_BENCH_DEVICES`), p50/p99;
//! - one durable user action (`Store::write`: row + its change-log entry, fsync), p50/p99;
//! - the raw SQLite insert rate on the same disk in the same run, for reference.
//!
//! Run: `cargo bench --bench store`

use std::sync::Arc;
use std::time::Instant;
use weibao::stock::{self, MovementInput};
use weibao::store::search::{search_devices, DeviceQuery};
use weibao::{Store, SystemClock};

#[path = "common/stats.rs"]
mod stats;
use stats::report;

fn main() {
    let n: usize = std::env::var("WEIBAO_BENCH_DEVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path, Arc::new(SystemClock)).expect("open");
    let t = Instant::now();
    let sum = weibao::demo::load(&mut store, Some(n), &mut |_, _| {}).expect("demo");
    let build = t.elapsed();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "demo --scale {n}: {} devices, {} history rows, {} lanes in {:.1} s ({:.0} MB on disk)",
        sum.devices,
        sum.history_rows,
        sum.lanes,
        build.as_secs_f64(),
        size as f64 / 1e6
    );

    let codes: Vec<String> = {
        let mut st = store
            .conn()
            .prepare("SELECT code, serial FROM device ORDER BY random() LIMIT 1000")
            .expect("sql");
        st.query_map([], |r| r.get(0))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let mut by_code = Vec::new();
    for c in &codes {
        let t = Instant::now();
        let hits = search_devices(
            &store,
            &DeviceQuery {
                code: Some(c.clone()),
                ..Default::default()
            },
        )
        .expect("search");
        by_code.push(t.elapsed());
        assert_eq!(hits.len(), 1);
    }
    report("lookup by code (统一编号)", by_code);

    let texts = [
        "JSDZ0601",
        "海康威视",
        "宝鸡物流园北卡口",
        "IPC-610L",
        "读卡器",
        "FJC-D618",
        "泛光灯",
        "洲明科技",
    ];
    let mut by_text = Vec::new();
    for i in 0..400 {
        let q = texts[i % texts.len()];
        let t = Instant::now();
        let hits = search_devices(
            &store,
            &DeviceQuery {
                text: Some(q.into()),
                limit: Some(50),
                ..Default::default()
            },
        )
        .expect("search");
        by_text.push(t.elapsed());
        assert!(!hits.is_empty(), "{q}");
    }
    report("free-text search (FTS5 trigram, top 50)", by_text);

    let mut short = Vec::new();
    for i in 0..50 {
        let q = ["道闸", "工控", "L0", "屏"][i % 4];
        let t = Instant::now();
        let hits = search_devices(
            &store,
            &DeviceQuery {
                text: Some(q.into()),
                limit: Some(50),
                ..Default::default()
            },
        )
        .expect("search");
        short.push(t.elapsed());
        assert!(!hits.is_empty(), "{q}");
    }
    report("short query (<3 chars, LIKE fallback)", short);

    let serial_codes = &codes[..200];
    let mut by_serial = Vec::new();
    for c in serial_codes {
        let serial: String = store
            .conn()
            .query_row("SELECT serial FROM device WHERE code = ?1", [c], |r| {
                r.get(0)
            })
            .expect("serial");
        let t = Instant::now();
        let _ = search_devices(
            &store,
            &DeviceQuery {
                text: Some(serial),
                ..Default::default()
            },
        )
        .expect("search");
        by_serial.push(t.elapsed());
    }
    report("free-text search of a serial number", by_serial);

    let mut writes = Vec::new();
    for i in 0..500 {
        let t = Instant::now();
        store
            .write(|tx| {
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
                )
            })
            .expect("write");
        writes.push(t.elapsed());
    }
    report("one durable user action (row+change log, FULL)", writes);
    drop(store);

    // Raw SQLite on the same disk: the floor any durable write pays.
    let raw = rusqlite::Connection::open(dir.path().join("raw.db")).expect("raw");
    raw.pragma_update(None, "journal_mode", "WAL").expect("wal");
    raw.pragma_update(None, "synchronous", "FULL")
        .expect("sync");
    raw.execute_batch("CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT NOT NULL)")
        .expect("table");
    let k = 500;
    let t = Instant::now();
    for i in 0..k {
        raw.execute(
            "INSERT INTO t VALUES (?1, ?2)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), format!("row {i}")],
        )
        .expect("insert");
    }
    let auto = t.elapsed();
    println!(
        "raw SQLite autocommit insert (WAL, FULL): {:>9.0} rows/s ({:.3} ms each)",
        k as f64 / auto.as_secs_f64(),
        auto.as_secs_f64() * 1e3 / k as f64
    );
    let k = 100_000;
    let t = Instant::now();
    let tx = raw.unchecked_transaction().expect("tx");
    {
        let mut st = tx.prepare("INSERT INTO t VALUES (?1, ?2)").expect("prep");
        for i in 0..k {
            st.execute(rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                format!("row {i}")
            ])
            .expect("insert");
        }
    }
    tx.commit().expect("commit");
    let batch = t.elapsed();
    println!(
        "raw SQLite insert in one transaction:      {:>9.0} rows/s",
        k as f64 / batch.as_secs_f64()
    );
}
