//! One fault at a time, each where it hurts most: what the laptop and the office hold right
//! after it, and that the next sync finishes the job (then every replica converges).

use crate::checks::converged;
use crate::proxy::Fault;
use crate::world::{Action, World};
use weibao::store::changes;

fn edits(w: &mut World, i: usize, n: u16) {
    w.act(i, &Action::Burst { edits: n }).expect("edits");
}

/// How far the office holds laptop `i`'s changes, and how far the laptop knows it does.
fn held_and_known(w: &mut World, i: usize) -> (i64, i64) {
    let s = w.laptops[i].store();
    let inst = s.installation().to_string();
    let known = weibao::sync::acknowledged(s).expect("acknowledged");
    let office = w.office_store();
    let held = changes::received_through(office.conn(), &inst).expect("received");
    (held, known)
}

#[track_caller]
fn settle_and_check(w: &mut World) {
    let r = w.settle().and_then(|()| converged(w));
    if let Err(e) = r {
        panic!("{e}\nwhat the proxy did:\n{}", w.proxy.log());
    }
}

#[test]
fn a_duplicated_push_changes_nothing() {
    let mut w = World::new();
    edits(&mut w, 0, 3);
    w.proxy.plan([Fault::Duplicate]);
    let sum = w.sync(0, 1).expect("a duplicated push still syncs");
    assert_eq!(sum.acknowledged, 3);
    assert_eq!(held_and_known(&mut w, 0), (3, 3));
    settle_and_check(&mut w);
}

#[test]
fn a_lost_answer_is_pushed_again_and_stored_once() {
    let mut w = World::new();
    edits(&mut w, 0, 3);
    w.proxy.plan([Fault::DropAnswer]);
    let e = w.sync(0, 1).expect_err("the answer was lost");
    assert_eq!(e.kind(), "offline", "{e}");
    assert_eq!(
        held_and_known(&mut w, 0),
        (3, 0),
        "the office stored the push; the laptop cannot know"
    );
    let sum = w.sync(0, 1).expect("the next sync");
    assert_eq!((sum.pushed, sum.acknowledged), (3, 3));
    settle_and_check(&mut w);
}

#[test]
fn a_stale_push_delivered_late_changes_nothing() {
    let mut w = World::new();
    edits(&mut w, 0, 3);
    w.proxy.plan([Fault::Reorder]);
    assert!(w.sync(0, 1).is_err(), "the held push gets no answer");
    assert_eq!(held_and_known(&mut w, 0), (0, 0));
    edits(&mut w, 0, 2);
    w.sync(0, 1).expect("the next sync");
    let log = w.proxy.log();
    assert!(log.contains("delivered late: office answered 200"), "{log}");
    assert_eq!(held_and_known(&mut w, 0), (5, 5));
    settle_and_check(&mut w);
}

#[test]
fn a_push_cut_or_shortened_midway_stores_none_of_it() {
    let mut w = World::new();
    edits(&mut w, 0, 40);
    w.proxy.plan([
        Fault::CutRequest { keep: 500 },
        Fault::TruncateRequest { keep: 500 },
    ]);
    let e = w.sync(0, 1).expect_err("cut mid-upload");
    assert_eq!(e.kind(), "offline", "{e}");
    assert_eq!(held_and_known(&mut w, 0), (0, 0));
    let e = w.sync(0, 1).expect_err("a shortened body");
    assert_eq!(e.kind(), "invalid", "the office refuses it whole: {e}");
    assert_eq!(held_and_known(&mut w, 0), (0, 0));
    w.sync(0, 1).expect("the next sync");
    assert_eq!(held_and_known(&mut w, 0), (40, 40));
    settle_and_check(&mut w);
}

#[test]
fn a_shortened_answer_is_not_trusted() {
    let mut w = World::new();
    edits(&mut w, 1, 5);
    w.sync(1, 1).expect("laptop 1 pushes");
    edits(&mut w, 0, 3);
    // The push's answer, framed as complete; then the pull's, cut mid-download.
    w.proxy.plan([
        Fault::TruncateAnswer { keep: 600 },
        Fault::Pass,
        Fault::CutAnswer { keep: 500 },
    ]);
    let cursor = weibao::sync::pull_cursor(w.laptops[0].store()).expect("cursor");
    assert!(w.sync(0, 1).is_err(), "a shortened push answer");
    assert_eq!(held_and_known(&mut w, 0), (3, 0));
    assert!(w.sync(0, 1).is_err(), "a cut pull answer");
    assert_eq!(held_and_known(&mut w, 0), (3, 3));
    let s = w.laptops[0].store();
    assert_eq!(weibao::sync::pull_cursor(s).expect("cursor"), cursor);
    w.sync(0, 1).expect("the next sync");
    settle_and_check(&mut w);
}

#[test]
fn the_office_restarting_mid_push_loses_nothing() {
    let mut w = World::new();
    edits(&mut w, 0, 700);
    // Two batches: the office restarts while handling the second, and again before the next.
    w.proxy.plan([
        Fault::Pass,
        Fault::Restart { mid: true },
        Fault::Restart { mid: false },
    ]);
    let tries = (0..3).take_while(|_| w.sync(0, 1).is_err()).count();
    assert!(tries < 3, "no sync got through: {}", w.proxy.log());
    assert_eq!(w.office.live().restarts(), 2);
    assert_eq!(held_and_known(&mut w, 0), (700, 700));
    settle_and_check(&mut w);
}

#[test]
fn one_sync_rides_out_a_flaky_link() {
    let mut w = World::new();
    edits(&mut w, 0, 3);
    w.proxy.plan([
        Fault::DropRequest,
        Fault::Gateway {
            status: 503,
            forwarded: true,
        },
    ]);
    // Three attempts per request, backing off 0.5 s then 1 s: one sync is enough.
    let sum = w.sync(0, 3).expect("one sync with retries");
    assert_eq!(sum.acknowledged, 3);
    settle_and_check(&mut w);
}

#[test]
fn an_office_restored_from_a_backup_loses_nothing() {
    let mut w = World::new();
    w.office.live().backup();
    // After the backup: laptop 2 pushes and pulls; laptop 1 pushes, and its pull's answer is
    // lost. Then the office is restored, and laptop 0 pushes into the log positions the lost
    // changes had.
    edits(&mut w, 2, 5);
    w.sync(2, 1).expect("laptop 2 syncs");
    edits(&mut w, 1, 3);
    w.proxy.plan_for("/sync/v1/pull", [Fault::DropAnswer]);
    assert!(w.sync(1, 1).is_err(), "laptop 1's pull answer is lost");
    w.office.live().restore();
    edits(&mut w, 0, 10);
    w.sync(0, 1).expect("laptop 0 syncs");
    assert_eq!(held_and_known(&mut w, 1), (0, 3));
    assert_eq!(held_and_known(&mut w, 2), (0, 5));
    // Laptop 1's cursor is where it was, but the office holds none of what it acknowledged;
    // laptop 2's cursor is not ahead, but its position now holds one of laptop 0's changes.
    // Either way the office is behind the laptop: it sends and fetches everything again.
    for (i, mine) in [(1, 3), (2, 5)] {
        let sum = w.sync(i, 1).expect("the sync after the restore");
        assert_eq!(
            sum.pushed as i64, mine,
            "laptop {i} sends its own changes again"
        );
        assert_eq!(held_and_known(&mut w, i), (mine, mine));
    }
    settle_and_check(&mut w);
}
