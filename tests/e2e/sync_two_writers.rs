//! Two processes writing one database at once (the desktop app and the CLI on one laptop):
//! every change's stamp is above every stamp committed before it, and neither process ever
//! shows "database is locked" to its user.

use crate::support::{weibao_bin, TestDb};
use std::process::{Command, Stdio};

#[test]
fn sync_two_processes_writing_one_file_stamp_in_commit_order() {
    let (t, store) = TestDb::demo();
    let before: i64 = store
        .conn()
        .query_row("SELECT MAX(seq) FROM change_log", [], |r| r.get(0))
        .expect("log");
    drop(store);
    let writers: Vec<_> = (0..2)
        .map(|_| {
            Command::new(weibao_bin())
                .args([
                    "--db",
                    t.path.to_str().expect("utf-8 path"),
                    "torture",
                    "--writes",
                    "300",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn weibao")
        })
        .collect();
    for w in writers {
        let out = w.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a writer failed: {err}");
        assert!(!err.contains("locked"), "a user saw: {err}");
    }
    let store = t.open();
    let mut st = store
        .conn()
        .prepare("SELECT hlc FROM change_log WHERE seq > ?1 ORDER BY seq")
        .expect("query");
    let stamps: Vec<String> = st
        .query_map([before], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("stamps");
    // 600 actions × (a stock movement + a history line)
    assert_eq!(stamps.len(), 1200);
    for pair in stamps.windows(2) {
        assert!(
            pair[0] < pair[1],
            "stamp {} committed after {}",
            pair[1],
            pair[0]
        );
    }
    let last: String = store
        .conn()
        .query_row("SELECT value FROM meta WHERE key = 'hlc_last'", [], |r| {
            r.get(0)
        })
        .expect("hlc_last");
    assert_eq!(Some(&last), stamps.last());
}
