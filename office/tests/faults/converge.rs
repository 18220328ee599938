//! The property: whatever the network and the office's restarts do to the requests of a few
//! laptops editing and syncing, once every laptop has synced twice without faults, every
//! replica equals the office record by record, no change is doubled and none is lost.
//! `FAULT_CASES` (or `PROPTEST_CASES`) sets the number of cases (200 by default),
//! `PROPTEST_RNG_SEED` replays a run.

use crate::checks::converged;
use crate::proxy::Fault;
use crate::world::{Action, World, LAPTOPS};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[derive(Debug, Clone)]
enum Step {
    Do(usize, Action),
    /// The engineer syncs; a sync the faults break is tried again, up to three times.
    Sync(usize),
    /// Every engineer syncs at the same moment (once).
    SyncAll,
    /// The office takes a backup (a later `Fault::Restore` goes back to it).
    Backup,
}

const WORDS: [&str; 4] = ["甲", "乙", "丙", "x"];

fn action() -> impl Strategy<Value = Action> {
    let word = prop::sample::select(&WORDS[..]);
    prop_oneof![
        8 => (0..3usize, 0..3usize, word.clone())
            .prop_map(|(dev, field, word)| Action::EditDevice { dev, field, word }),
        2 => word.clone().prop_map(|name| Action::AddContact { name }),
        4 => (0..12usize, any::<bool>()).prop_map(|(pick, fail)| Action::Answer { pick, fail }),
        2 => (0..4usize).prop_map(|pick| Action::Photo { pick }),
        2 => (0..3usize).prop_map(|dev| Action::ReportFault { dev }),
        4 => (0..4usize).prop_map(|wo| Action::Advance { wo }),
        4 => (0..4usize, 0..3usize).prop_map(|(wo, van)| Action::Issue { wo, van }),
        2 => (0..3usize, 0..3usize).prop_map(|(from, to)| Action::Transfer { from, to }),
        2 => (0..4usize, word).prop_map(|(wo, word)| Action::Service { wo, word }),
        // Past one push batch (500): about one case in six has one; each costs ~1 s.
        1 => (480u16..530).prop_map(|edits| Action::Burst { edits }),
    ]
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        3 => (0..LAPTOPS, action()).prop_map(|(i, a)| Step::Do(i, a)),
        2 => (0..LAPTOPS).prop_map(Step::Sync),
        1 => Just(Step::SyncAll),
        1 => Just(Step::Backup),
    ];
    prop::collection::vec(step, 4..16)
}

fn fault() -> impl Strategy<Value = Fault> {
    let keep = 0u16..1000;
    prop_oneof![
        3 => Just(Fault::Pass),
        2 => Just(Fault::DropRequest),
        2 => Just(Fault::DropAnswer),
        2 => Just(Fault::Duplicate),
        1 => (0u16..30, 0u16..30)
            .prop_map(|(before_ms, after_ms)| Fault::Delay { before_ms, after_ms }),
        2 => Just(Fault::Reorder),
        1 => keep.clone().prop_map(|keep| Fault::CutRequest { keep }),
        1 => keep.clone().prop_map(|keep| Fault::TruncateRequest { keep }),
        1 => keep.clone().prop_map(|keep| Fault::CutAnswer { keep }),
        1 => keep.prop_map(|keep| Fault::TruncateAnswer { keep }),
        1 => (prop::sample::select(&[500u16, 502, 503][..]), any::<bool>())
            .prop_map(|(status, forwarded)| Fault::Gateway { status, forwarded }),
        2 => any::<bool>().prop_map(|mid| Fault::Restart { mid }),
        1 => Just(Fault::Restore),
    ]
}

/// One fault per request in arrival order (then plain forwarding).
fn faults() -> impl Strategy<Value = Vec<Fault>> {
    prop::collection::vec(fault(), 0..24)
}

#[derive(Default)]
struct Tally {
    syncs: AtomicUsize,
    broken: AtomicUsize,
    restarts: AtomicUsize,
    restores: AtomicUsize,
}

fn run_case(steps: &[Step], faults: &[Fault], tally: &Tally) -> Result<(), TestCaseError> {
    let mut w = World::new();
    w.proxy.plan(faults.iter().copied());
    let fail = |w: &World, e: String| {
        TestCaseError::fail(format!("{e}\nwhat the proxy did:\n{}", w.proxy.log()))
    };
    for step in steps {
        match step {
            Step::Do(i, a) => w.act(*i, a).map_err(|e| fail(&w, e))?,
            Step::Sync(i) => {
                for _ in 0..3 {
                    let before = Before::now(&w);
                    let r = w.sync(*i, 1);
                    if judge(&mut w, *i, r, &before, tally).map_err(|e| fail(&w, e))? {
                        break;
                    }
                }
            }
            Step::Backup => w.office.live().backup(),
            Step::SyncAll => {
                let before = Before::now(&w);
                for (i, r) in w.sync_all().into_iter().enumerate() {
                    judge(&mut w, i, r, &before, tally).map_err(|e| fail(&w, e))?;
                }
            }
        }
    }
    w.settle().map_err(|e| fail(&w, e))?;
    converged(&mut w).map_err(|e| fail(&w, e))?;
    let o = w.office.live();
    tally.restarts.fetch_add(o.restarts(), Ordering::Relaxed);
    tally.restores.fetch_add(o.restores(), Ordering::Relaxed);
    Ok(())
}

/// What the faults had done before a sync, to explain how it failed.
struct Before {
    truncated: usize,
    restores: usize,
}

impl Before {
    fn now(w: &World) -> Before {
        Before {
            truncated: w.proxy.truncated(),
            restores: w.office.live().restores(),
        }
    }
}

/// Whether laptop `i`'s sync went through (then nothing of its own waits to be pushed), or
/// failed as the faults explain: no answer (`offline`); the office refusing a body a middlebox
/// shortened (`invalid`, only after a truncation); the office found behind the laptop again
/// after the sync had started over once (`cursor_ahead`, only if it went back to a backup
/// during the sync: the client starts over once per sync, the next sync goes on). Anything
/// else fails the case.
fn judge(
    w: &mut World,
    i: usize,
    r: weibao::Result<weibao::sync::client::Summary>,
    before: &Before,
    tally: &Tally,
) -> Result<bool, String> {
    tally.syncs.fetch_add(1, Ordering::Relaxed);
    let explained = |kind: &str| match kind {
        "offline" => true,
        "invalid" => w.proxy.truncated() > before.truncated,
        "cursor_ahead" => w.office.live().restores() > before.restores,
        _ => false,
    };
    match r {
        Ok(_) => {
            let pending = weibao::sync::pending(w.laptops[i].store()).map_err(|e| e.to_string())?;
            match pending {
                0 => Ok(true),
                n => Err(format!("laptop {i} synced but {n} changes wait")),
            }
        }
        Err(e) if explained(e.kind()) => {
            tally.broken.fetch_add(1, Ordering::Relaxed);
            Ok(false)
        }
        Err(e) => Err(format!(
            "laptop {i}: a sync failed as no fault explains: {e}"
        )),
    }
}

fn env_num(names: &[&str]) -> Option<u64> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().and_then(|v| v.trim().parse().ok()))
}

#[test]
fn laptops_converge_through_a_lossy_network() {
    let cases = env_num(&["FAULT_CASES", "PROPTEST_CASES"]).unwrap_or(200) as u32;
    let seed = env_num(&["PROPTEST_RNG_SEED"]).unwrap_or_else(rand::random);
    let started = Instant::now();
    // Held for the whole run: every case copies it.
    let _seed = crate::world::seed();
    let seeded = started.elapsed();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        // Shrinking a failure re-runs cases: bounded so a red CI run still ends.
        max_shrink_time: 120_000,
        ..Config::default()
    });
    let tally = Tally::default();
    let runs = AtomicUsize::new(0);
    let result = runner.run(&(steps(), faults()), |(steps, faults)| {
        let n = runs.fetch_add(1, Ordering::Relaxed) + 1;
        if n.checked_rem(100) == Some(0) {
            eprintln!("faults: {n} runs, {:.1?}", started.elapsed());
        }
        let r = run_case(&steps, &faults, &tally);
        if r.is_err() {
            eprintln!("faults: run {n} failed (seed {seed})");
        }
        r
    });
    eprintln!(
        "faults: {cases} cases ({} runs) in {:.1?} (seed {seed}, built in {seeded:.1?}): {} syncs, {} broken by faults, {} office restarts ({} from a backup)",
        runs.load(Ordering::Relaxed),
        started.elapsed(),
        tally.syncs.load(Ordering::Relaxed),
        tally.broken.load(Ordering::Relaxed),
        tally.restarts.load(Ordering::Relaxed),
        tally.restores.load(Ordering::Relaxed),
    );
    if let Err(e) = result {
        panic!(
            "{e}\nreplay: PROPTEST_RNG_SEED={seed} FAULT_CASES={cases} \
             cargo nextest run -p weibao-office --test faults laptops_converge"
        );
    }
}
