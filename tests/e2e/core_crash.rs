//! Crash safety: SIGKILL at random moments during a burst of writes never loses an
//! acknowledged write (outbox included) and never corrupts the file.

use crate::support::{weibao_bin, TestDb};
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn sigkill_during_write_burst_loses_no_acknowledged_write() {
    let (t, store) = TestDb::demo();
    drop(store);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut acked: HashSet<String> = HashSet::new();
    let mut acked_qty: i64 = 0;
    let kills = 200;
    for round in 0..kills {
        let mut child = Command::new(weibao_bin())
            .args(["--db", t.path.to_str().unwrap(), "torture"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn weibao");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut out = String::new();
        if round % 2 == 0 {
            // Anywhere from "still opening the database" to "early in the burst".
            std::thread::sleep(Duration::from_micros(rng.gen_range(500..40_000)));
        } else {
            // Surely mid-burst: after the first acknowledgement, at a random moment.
            stdout.read_line(&mut out).unwrap();
            std::thread::sleep(Duration::from_micros(rng.gen_range(0..20_000)));
        }
        child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
        child.wait().expect("reap");
        stdout.read_to_string(&mut out).unwrap();
        for line in out.lines() {
            // A torn last line was never acknowledged in full.
            let parts: Vec<&str> = line.split(' ').collect();
            if let ["ack", id, qty] = parts[..] {
                if let Ok(q) = qty.parse::<i64>() {
                    if id.len() == 36 && acked.insert(id.to_string()) {
                        acked_qty += q;
                    }
                }
            }
        }

        let store = t.open();
        let check: String = store
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "integrity after kill {round}");
        // Read each side once per round (sets), not one query per acknowledged id.
        let ids = |sql: &str| -> HashSet<String> {
            let mut st = store.conn().prepare(sql).unwrap();
            let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
            rows.map(|r| r.unwrap()).collect()
        };
        let rows = ids("SELECT id FROM stock_movement WHERE note LIKE 'torture %'");
        let outbox = ids("SELECT row_id FROM change_log WHERE tbl = 'stock_movement'");
        let lost_rows = acked.iter().filter(|id| !rows.contains(*id)).count();
        let lost_outbox = acked.iter().filter(|id| !outbox.contains(*id)).count();
        assert_eq!(
            (lost_rows, lost_outbox),
            (0, 0),
            "acknowledged writes lost after kill {round}"
        );
        // The stock total is at least what was acknowledged (a write may commit just before
        // its acknowledgement was printed), and every committed movement has its outbox row.
        let received: i64 = store
            .conn()
            .query_row(
                "SELECT COALESCE(SUM(qty), 0) FROM stock_movement WHERE note LIKE 'torture %'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            received >= acked_qty,
            "round {round}: ledger {received} < acknowledged {acked_qty}"
        );
        let orphans = rows.iter().filter(|id| !outbox.contains(*id)).count();
        assert_eq!(orphans, 0, "a committed row without its outbox entry");
    }
    assert!(
        acked.len() >= kills / 2,
        "every other kill came mid-burst: {} acknowledged writes",
        acked.len()
    );
    eprintln!(
        "{kills} kills, {} acknowledged writes, all present",
        acked.len()
    );
}
