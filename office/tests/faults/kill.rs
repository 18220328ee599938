//! SIGKILL on either side: the `weibao` CLI killed at chosen moments of a sync (the proxy
//! stops the request there and tells the test), and a `weibao-office serve` process killed
//! while it applies a push batch. Then a resync finishes the job and every replica converges,
//! nothing doubled, nothing lost.

use crate::blob_support::noisy_png;
use crate::checks::converged;
use crate::harness::weibao_bin;
use crate::proxy::{At, Fault};
use crate::world::{Action, World};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;
use weibao::report::photos::{self, PhotoOwner};
use weibao::store::changes;
use weibao::sync::client::{self, Remote};
use weibao::{Store, SystemClock};

const PUSH: &str = "/sync/v1/push";
const PULL: &str = "/sync/v1/pull";
const STALL_WAIT: Duration = Duration::from_secs(60);

/// Where the client dies: `pass` requests to `path` go through, the next stops at `at`.
/// `ahead`: how many more of the laptop's changes the office then holds than the laptop knows
/// (`None`: the request was already out and may still land).
struct KillPoint {
    what: &'static str,
    path: String,
    pass: usize,
    at: At,
    ahead: Option<i64>,
}

/// Where the CLI is killed, in the order of one sync: records out, records in, then the photo
/// `photo` (6 MB: two chunks) half uploaded, and its chunk stored with the answer lost.
fn client_kills(photo: &str) -> Vec<KillPoint> {
    let blob = format!("/sync/v1/blobs/{photo}");
    let at = |what, path: &str, pass, at, ahead| KillPoint {
        what,
        path: path.to_string(),
        pass,
        at,
        ahead,
    };
    vec![
        at(
            "uploading the second push batch, half of it sent",
            PUSH,
            1,
            At::MidRequest { keep: 500 },
            Some(0),
        ),
        at(
            "with a push batch out of the laptop, not yet at the office (it lands after)",
            PUSH,
            0,
            At::Received,
            None,
        ),
        at(
            "after the office stored a batch, before the laptop heard so",
            PUSH,
            0,
            At::Answered,
            Some(500),
        ),
        at(
            "halfway through downloading a pull",
            PULL,
            0,
            At::MidAnswer { keep: 500 },
            Some(0),
        ),
        // HEAD passes; the first chunk is cut halfway.
        at(
            "halfway through uploading a photo's first chunk",
            &blob,
            1,
            At::MidRequest { keep: 500 },
            Some(0),
        ),
        // HEAD passes (the office says how much it holds); a chunk lands, its answer is lost.
        at(
            "after the office stored a chunk of the photo, before the laptop heard so",
            &blob,
            1,
            At::Answered,
            Some(0),
        ),
    ]
}

fn store_of(db: &std::path::Path) -> Store {
    Store::open(db, std::sync::Arc::new(SystemClock)).expect("open")
}

fn integrity(s: &Store) -> String {
    s.conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

/// How far the office holds `inst`'s changes.
fn office_holds(w: &World, inst: &str) -> i64 {
    changes::received_through(w.office_store().conn(), inst).expect("received")
}

#[test]
fn client_killed_mid_push_resyncs_to_the_same_office() {
    let mut w = World::new();
    // Something for laptop 0 to pull, and three push batches of its own (500, 500, 200).
    w.act(1, &Action::Burst { edits: 300 }).expect("edits");
    w.sync(1, 1).expect("laptop 1 pushes");
    w.act(0, &Action::Burst { edits: 1200 }).expect("edits");
    // A photo of the lane as a 6 MB PNG (two chunks on the wire), taken offline.
    let inspection = w.inspection().to_string();
    let photo = photos::attach(
        w.laptops[0].store(),
        &PhotoOwner::Inspection {
            inspection_id: inspection,
            item: None,
        },
        &noisy_png(1500, 1400),
        Some("车道全景"),
    )
    .expect("a large photo");
    let photo = photo.original_sha256;
    w.photos.push(photo.clone());
    let (db, token) = (w.laptops[0].db.clone(), w.laptops[0].token.clone());
    let inst = w.laptops[0].store().installation().to_string();
    w.laptops[0].store = None;

    let weibao_sync = || {
        Command::new(weibao_bin())
            .arg("--db")
            .arg(&db)
            .args(["sync", "--server", &w.proxy.url, "--token", &token])
            .args(["--attempts", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start weibao sync")
    };
    for kp in client_kills(&photo) {
        let plan = std::iter::repeat_n(Fault::Pass, kp.pass).chain([Fault::Stall(kp.at)]);
        w.proxy.plan_for(&kp.path, plan);
        let mut child = weibao_sync();
        let Some(stalled) = w.proxy.wait_stall(STALL_WAIT) else {
            let _ = child.kill();
            let out = child.wait_with_output().expect("weibao sync");
            panic!(
                "the sync never got {}: {}\n{}",
                kp.what,
                String::from_utf8_lossy(&out.stderr),
                w.proxy.log()
            );
        };
        child.kill().expect("SIGKILL weibao");
        let status = child.wait().expect("reap weibao");
        assert_eq!(status.signal(), Some(9), "{status}");
        w.proxy.release();
        let s = store_of(&db);
        assert_eq!(integrity(&s), "ok");
        let (known, held) = (
            weibao::sync::acknowledged(&s).expect("ack"),
            office_holds(&w, &inst),
        );
        eprintln!(
            "killed {} (#{} {} {}, {:?}): the laptop knows {known} of its changes are stored, the office holds {held}",
            kp.what, stalled.n, stalled.method, stalled.path, stalled.at
        );
        assert!(
            known <= held,
            "the laptop believes more than the office holds"
        );
        if let Some(ahead) = kp.ahead {
            assert_eq!(held - known, ahead, "killed {}", kp.what);
        }
    }

    w.proxy.calm();
    let out = weibao_sync().wait_with_output().expect("weibao sync");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the resync: {stderr}");
    eprintln!("the resync: {}", stderr.trim());
    // 1,200 edits and the photo's record.
    assert_eq!(office_holds(&w, &inst), 1201);
    let r = w.settle().and_then(|()| converged(&mut w));
    if let Err(e) = r {
        panic!("{e}\nwhat the proxy did:\n{}", w.proxy.log());
    }
}

#[test]
fn office_killed_mid_batch_loses_nothing() {
    let mut w = World::with_office_process();
    // How long the office takes over one batch of 500 changes (a fault-free push).
    w.act(0, &Action::Burst { edits: 500 }).expect("edits");
    w.sync(0, 1).expect("a first push");
    let batch = w.proxy.took(PUSH).last().copied().expect("a batch timed");
    // Each laptop then has a batch the office has never seen; the office is killed a
    // fraction of a batch's time after that batch reached it.
    for i in 0..w.laptops.len() {
        w.act(i, &Action::Burst { edits: 600 }).expect("edits");
    }
    for (i, fraction) in [0.3, 0.6, 0.9].into_iter().enumerate() {
        let (db, token) = (w.laptops[i].db.clone(), w.laptops[i].token.clone());
        let inst = w.laptops[i].store().installation().to_string();
        w.laptops[i].store = None;
        let known = weibao::sync::acknowledged(&store_of(&db)).expect("ack");
        let before = office_holds(&w, &inst);
        assert_eq!(before, known, "laptop {i} starts in step with the office");
        w.proxy.plan_for(PUSH, [Fault::Stall(At::Sent)]);
        let url = w.proxy.url.clone();
        let client = std::thread::spawn(move || {
            let remote = Remote::new(&url, &token, 1).expect("remote");
            client::run(&mut store_of(&db), &remote, &mut |_| {})
        });
        let stalled = w.proxy.wait_stall(STALL_WAIT).expect("a push batch");
        let wait = batch.mul_f64(fraction);
        std::thread::sleep(wait);
        w.office.process().kill();
        w.proxy.release();
        let r = client.join().expect("client thread");
        assert!(r.is_err(), "a sync whose office died cannot succeed");
        w.office.process().restart();
        let after = office_holds(&w, &inst);
        assert_eq!(integrity(&w.office_store()), "ok");
        eprintln!(
            "office killed {:.0} ms after batch #{} reached it (a batch takes {:.0} ms): {}",
            wait.as_secs_f64() * 1000.0,
            stalled.n,
            batch.as_secs_f64() * 1000.0,
            if after == before {
                "rolled back"
            } else {
                "committed"
            }
        );
        assert!(
            after == before || after == before + 500,
            "laptop {i}: the office holds {after} of its changes, neither {before} nor {}: a batch was half stored",
            before + 500
        );
    }

    w.proxy.calm();
    let r = w.settle().and_then(|()| converged(&mut w));
    if let Err(e) = r {
        panic!(
            "{e}\nwhat the proxy did:\n{}\noffice log:\n{}",
            w.proxy.log(),
            w.office.process().log()
        );
    }
}
