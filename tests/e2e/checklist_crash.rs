//! Issue 4, must show: answers acknowledged before a SIGKILL are all there after restart.
//!
//! The real CLI (`weibao inspection answer ID --from FILE --json`) saves a long run of answers,
//! printing one JSON line per answer once its transaction committed. The test kills it at
//! random moments, then reopens the database: every acknowledged answer — and its outbox entry,
//! which sync will send — must be there, and the file must pass `integrity_check`.

use crate::support::{weibao_bin, TestDb};
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;
use weibao::checklist::run;
use weibao::checklist::template::ItemKind;
use weibao::checklist::{state, Library};

#[test]
fn answers_acknowledged_before_sigkill_survive() {
    let (t, mut store) = TestDb::demo();
    let lib = Library::shipped().expect("templates");
    let (lane, _) = crate::checklist_run::demo_lane(&store);
    let id = run::start(&mut store, lib.get("quarterly_lane").expect("q"), &lane)
        .expect("start")
        .header
        .id;
    // Every shown, non-photo item with a passing answer, five times over: re-answering an open
    // inspection is allowed, and a long burst gives the kills something to interrupt.
    let st = state::load(store.conn(), &id).expect("load");
    let mut lines = String::new();
    for _ in 0..5 {
        for i in st.items.iter().filter(|i| st.shown(i)) {
            if matches!(i.item.spec, ItemKind::Photo { .. }) {
                continue;
            }
            let v = crate::checklist_run::passing_answer(&store, &i.item.spec, &i.key);
            lines.push_str(&format!("{}={v}\n", i.key));
        }
    }
    let file = t.dir.path().join("answers.txt");
    std::fs::write(&file, lines).expect("write answers");
    drop(store);

    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    let mut acked: HashSet<String> = HashSet::new();
    for round in 0..25 {
        let mut child = Command::new(weibao_bin())
            .args(["--db", t.path.to_str().expect("utf-8 path"), "--json"])
            .args(["inspection", "answer", &id, "--from"])
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn weibao");
        let out = child.stdout.take().expect("stdout");
        // Drain stdout concurrently so the child never blocks on a full pipe.
        let reader = std::thread::spawn(move || {
            BufReader::new(out)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        std::thread::sleep(Duration::from_millis(rng.gen_range(5..120)));
        child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
        child.wait().expect("reap");
        for line in reader.join().expect("reader") {
            // A torn last line does not parse: it was never acknowledged in full.
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                if let Some(a) = v["answer_id"].as_str() {
                    acked.insert(a.to_string());
                }
            }
        }

        let store = t.open();
        let check: String = store
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity");
        assert_eq!(check, "ok", "integrity after kill {round}");
        for a in &acked {
            let (row, outbox): (i64, i64) = store
                .conn()
                .query_row(
                    "SELECT (SELECT COUNT(*) FROM inspection_answer WHERE id = ?1),
                            (SELECT COUNT(*) FROM change_log WHERE tbl = 'inspection_answer' AND row_id = ?1)",
                    [a],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .expect("query");
            assert_eq!(
                (row, outbox),
                (1, 1),
                "acknowledged answer {a} lost after kill {round}"
            );
        }
    }
    assert!(
        acked.len() >= 25,
        "the kills should interrupt a running burst; only {} answers were acknowledged",
        acked.len()
    );
    // The inspection still works after all that.
    let store = t.open();
    let p = run::progress(&store, &id).expect("progress");
    assert!(p.answered > 0);
}
