//! Convergence, by property: three replicas of one small seed, each with its own clock (which
//! also runs backwards), doing random engineer actions and random partial, repeated or lost
//! exchanges. Once every replica has sent everything to every other, all three are identical,
//! no value any change wrote is lost (it is in force or in the field history), every
//! negative stock balance is listed as a conflict, no change is left held, and every work
//! order is at the furthest step among its events.

mod checks;
mod seed;

use crate::checklist_run::passing_answer;
use crate::support::monday_10am;
use crate::sync_support::*;
use checks::{furthest_state, negatives_listed, nothing_lost};
use chrono::Duration;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use seed::{copy_seed, seed, Rep, Seed, LOCATIONS, SPARES};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use weibao::checklist::run::{self, Given};
use weibao::checklist::state;
use weibao::checklist::template::ItemKind;
use weibao::checklist::Library;
use weibao::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use weibao::report::signature;
use weibao::stock::{self, MovementInput};
use weibao::store::changes;
use weibao::store::{changeset, new_id};
use weibao::{conflicts, work_orders, Error, FakeClock, Store};

#[derive(Debug, Clone)]
enum Action {
    EditDevice {
        dev: usize,
        field: usize,
        value: &'static str,
    },
    AddContact {
        name: &'static str,
    },
    EditContact {
        pick: usize,
        name: &'static str,
    },
    TombstoneContact {
        pick: usize,
    },
    Answer {
        pick: usize,
        fail: bool,
    },
    Advance {
        wo: usize,
    },
    Issue {
        wo: usize,
        van: usize,
    },
    Transfer {
        from: usize,
        to: usize,
    },
    Swap {
        wo: usize,
        unit: usize,
    },
    Service {
        wo: usize,
        text: &'static str,
        satisfaction: Option<u8>,
    },
    Sign {
        wo: usize,
        refuse: bool,
    },
    Clock {
        minutes: i64,
    },
    /// The wall clock jumps days ahead (until the next `Clock` brings it back): what this
    /// replica writes meanwhile, and after (its stamps never run back), is held elsewhere.
    Jump {
        hours: i64,
    },
    Sync {
        to: usize,
        whole: bool,
        twice: bool,
        lost: bool,
    },
}

const FIELDS: [&str; 3] = ["notes", "position", "model"];
const WORDS: [&str; 5] = ["甲", "乙", "丙", "丁", "x"];

fn action() -> impl Strategy<Value = Action> {
    let word = prop::sample::select(&WORDS[..]);
    prop_oneof![
        3 => (0..3usize, 0..3usize, word.clone())
            .prop_map(|(dev, field, value)| Action::EditDevice { dev, field, value }),
        1 => word.clone().prop_map(|name| Action::AddContact { name }),
        1 => (0..4usize, word.clone()).prop_map(|(pick, name)| Action::EditContact { pick, name }),
        1 => (0..4usize).prop_map(|pick| Action::TombstoneContact { pick }),
        2 => (0..12usize, any::<bool>()).prop_map(|(pick, fail)| Action::Answer { pick, fail }),
        3 => (0..2usize).prop_map(|wo| Action::Advance { wo }),
        2 => (0..2usize, 1..3usize).prop_map(|(wo, van)| Action::Issue { wo, van }),
        1 => (0..3usize, 0..3usize).prop_map(|(from, to)| Action::Transfer { from, to }),
        1 => (0..2usize, 0..3usize).prop_map(|(wo, unit)| Action::Swap { wo, unit }),
        2 => (0..2usize, word, prop::option::of(1..=5u8))
            .prop_map(|(wo, text, satisfaction)| Action::Service { wo, text, satisfaction }),
        1 => (0..2usize, any::<bool>()).prop_map(|(wo, refuse)| Action::Sign { wo, refuse }),
        2 => (-180i64..240).prop_map(|minutes| Action::Clock { minutes }),
        1 => (40i64..120).prop_map(|hours| Action::Jump { hours }),
        4 => (0..3usize, any::<bool>(), prop::bool::weighted(0.2), prop::bool::weighted(0.2))
            .prop_map(|(to, whole, twice, lost)| Action::Sync { to, whole, twice, lost }),
    ]
}

fn ops() -> impl Strategy<Value = Vec<(usize, Action)>> {
    prop::collection::vec((0..3usize, action()), 10..30)
}

/// What each replica remembers of each other: `sent[i][j]`, the cursor `i` exports to `j`
/// from (moved on even when the file is then lost); `acked[i][j]`, how far `j` really holds
/// `i`'s log (the final exchange resends everything after it, so lost files are made good).
struct Links {
    sent: [[i64; 3]; 3],
    acked: [[i64; 3]; 3],
}

/// Errors a user can get from an action (refusals), as opposed to a failure of the store.
fn refusal(e: &Error) -> bool {
    match e {
        Error::Storage(_) | Error::Migration(_) | Error::Io(_) => false,
        Error::Invalid { field, .. } => !field.ends_with(".id"),
        _ => true,
    }
}

fn allow<T>(r: weibao::Result<T>, what: &str) -> Result<(), TestCaseError> {
    match r {
        Ok(_) => Ok(()),
        Err(e) if refusal(&e) => Ok(()),
        Err(e) => Err(TestCaseError::fail(format!("{what}: {e:?}"))),
    }
}

fn pick_contact(s: &Store, pick: usize) -> Option<String> {
    let ids: Vec<String> = {
        let mut st = s
            .conn()
            .prepare("SELECT id FROM contact WHERE deleted = 0 ORDER BY id")
            .expect("contacts");
        st.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    };
    (!ids.is_empty()).then(|| ids[pick % ids.len()].clone())
}

/// A scratch folder in memory where there is one (the cases write many small files, each
/// fsync'd), else in the temp dir.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(d) = tempfile::Builder::new()
            .prefix("weibao-sync")
            .tempdir_in(shm)
        {
            return d;
        }
    }
    tempfile::tempdir().expect("temp dir")
}

fn act(
    seed: &Seed,
    reps: &mut [Rep],
    links: &mut Links,
    file: &Path,
    i: usize,
    a: &Action,
) -> Result<(), TestCaseError> {
    let s = &mut reps[i].store;
    match a {
        Action::EditDevice { dev, field, value } => {
            let id = &seed.devices[*dev];
            let f = FIELDS[*field];
            allow(
                s.write(|tx| tx.update("device", id, &[(f, value)])),
                "edit device",
            )
        }
        Action::AddContact { name } => allow(
            s.write(|tx| weibao::org::add_contact(tx, &seed.customer, name, "13800000000", None)),
            "add contact",
        ),
        Action::EditContact { pick, name } => match pick_contact(s, *pick) {
            Some(id) => allow(
                s.write(|tx| tx.update("contact", &id, &[("name", name)])),
                "edit contact",
            ),
            None => Ok(()),
        },
        Action::TombstoneContact { pick } => match pick_contact(s, *pick) {
            Some(id) => allow(
                s.write(|tx| tx.tombstone("contact", &id)),
                "tombstone contact",
            ),
            None => Ok(()),
        },
        Action::Answer { pick, fail } => {
            let st = state::load(s.conn(), &seed.inspection)
                .map_err(|e| TestCaseError::fail(format!("inspection: {e}")))?;
            let items: Vec<_> = st
                .items
                .iter()
                .filter(|i| st.shown(i) && !matches!(i.item.spec, ItemKind::Photo { .. }))
                .collect();
            let item = items[*pick % items.len()];
            let text = match (&item.item.spec, fail) {
                (ItemKind::PassFail, true) => "fail".to_string(),
                (spec, _) => passing_answer(s, spec, &item.key),
            };
            let key = item.key.clone();
            allow(
                run::answer(s, &seed.inspection, &key, &Given::text(text), None),
                "answer",
            )
        }
        Action::Advance { wo } => {
            let id = &seed.work_orders[*wo];
            let state = work_orders::detail(s, id)
                .map_err(|e| TestCaseError::fail(format!("detail: {e}")))?
                .summary
                .state;
            let next = match state {
                WorkOrderState::Reported => WorkOrderState::Assigned,
                WorkOrderState::Assigned => WorkOrderState::Responded,
                WorkOrderState::Responded => WorkOrderState::OnSite,
                WorkOrderState::OnSite => WorkOrderState::Resolved,
                _ => return Ok(()),
            };
            allow(
                s.write(|tx| work_orders::advance(tx, id, next, None, None)),
                "advance",
            )
        }
        Action::Issue { wo, van } => {
            let input = MovementInput {
                kind: "issue".into(),
                part: "PAD-BG".into(),
                qty: 1,
                from: Some(LOCATIONS[*van].into()),
                work_order_id: Some(seed.work_orders[*wo].clone()),
                ..Default::default()
            };
            allow(s.write(|tx| stock::record_movement(tx, &input)), "issue")
        }
        Action::Transfer { from, to } => {
            if from == to {
                return Ok(());
            }
            let input = MovementInput {
                kind: "transfer".into(),
                part: "PAD-BG".into(),
                qty: 1,
                from: Some(LOCATIONS[*from].into()),
                to: Some(LOCATIONS[*to].into()),
                ..Default::default()
            };
            allow(s.write(|tx| stock::record_movement(tx, &input)), "transfer")
        }
        Action::Swap { wo, unit } => {
            let (serial, at) = SPARES[*unit];
            let id = &seed.work_orders[*wo];
            allow(s.write(|tx| stock::swap_unit(tx, id, serial, at)), "swap")
        }
        Action::Service {
            wo,
            text,
            satisfaction,
        } => {
            // The service record's id is derived from its work order: two laptops writing it
            // offline insert the same row.
            let input = ServiceRecordInput {
                found_state: format!("现场{text}"),
                process: format!("处理{text}"),
                analysis: Some((*text).to_string()),
                customer_feedback: None,
                satisfaction: satisfaction.map(i64::from),
                backup_restore: None,
            };
            let id = &seed.work_orders[*wo];
            allow(
                s.write(|tx| work_orders::record_service(tx, id, &input)),
                "service record",
            )
        }
        Action::Sign { wo, refuse } => {
            let id = &seed.work_orders[*wo];
            if *refuse {
                allow(signature::refuse(s, id, "负责人不在现场"), "refuse")
            } else {
                let png = weibao::demo::reports::demo_signature(*wo as u32);
                allow(signature::capture(s, id, &png, "陈建国"), "sign")
            }
        }
        Action::Jump { hours } => {
            // Laptops only: the office's clock (replica 0) is kept right.
            if i != 0 {
                reps[i].clock.set(monday_10am() + Duration::hours(*hours));
            }
            Ok(())
        }
        Action::Clock { minutes } => {
            // Back within ±10 h of the seed's time (from a jump too), so only jumps run more
            // than the 24 h skew bound ahead of another replica.
            let base = monday_10am();
            let next = (weibao::Clock::now(&*reps[i].clock) + Duration::minutes(*minutes))
                .clamp(base - Duration::hours(10), base + Duration::hours(10));
            reps[i].clock.set(next);
            Ok(())
        }
        Action::Sync {
            to,
            whole,
            twice,
            lost,
        } => {
            let j = *to;
            if j == i {
                return Ok(());
            }
            let since = if *whole { 0 } else { links.sent[i][j] };
            let ex = changeset::export(&reps[i].store, since, file)
                .map_err(|e| TestCaseError::fail(format!("export: {e}")))?;
            links.sent[i][j] = links.sent[i][j].max(ex.until);
            if *lost {
                return Ok(());
            }
            if since <= links.acked[i][j] {
                links.acked[i][j] = links.acked[i][j].max(ex.until);
            }
            let target = &mut reps[j].store;
            changeset::import(target, file)
                .map_err(|e| TestCaseError::fail(format!("import {i}→{j}: {e}")))?;
            if *twice {
                let before = dump(target);
                let again = changeset::import(target, file)
                    .map_err(|e| TestCaseError::fail(format!("import again: {e}")))?;
                prop_assert_eq!(again.applied + again.conflicts + again.released, 0);
                if let Some(d) = first_difference(&before, &dump(target), "before", "after") {
                    return Err(TestCaseError::fail(format!(
                        "a repeated import changed: {d}"
                    )));
                }
            }
            Ok(())
        }
    }
}

/// Everything to everyone, whole logs, until a round moves nothing.
fn settle_all(reps: &mut [Rep], links: &mut Links, file: &Path) -> Result<(), TestCaseError> {
    for _ in 0..8 {
        let mut moved = 0;
        for i in 0..reps.len() {
            for j in 0..reps.len() {
                if i == j {
                    continue;
                }
                let ex = changeset::export(&reps[i].store, links.acked[i][j], file)
                    .map_err(|e| TestCaseError::fail(format!("export: {e}")))?;
                if ex.count == 0 {
                    continue;
                }
                moved += ex.count;
                changeset::import(&mut reps[j].store, file)
                    .map_err(|e| TestCaseError::fail(format!("import {i}→{j}: {e}")))?;
                links.acked[i][j] = ex.until;
            }
        }
        if moved == 0 {
            return Ok(());
        }
    }
    Err(TestCaseError::fail(
        "no quiet round after 8 rounds of exchange",
    ))
}

/// The office (replica 0, whose clock never jumps) accepts every change held for its clock,
/// and everything is exchanged again, until nothing is held anywhere. (A laptop whose own
/// stamps ran ahead does not resolve: its resolutions would be held everywhere in turn.)
fn accept_skewed(reps: &mut [Rep], links: &mut Links, file: &Path) -> Result<(), TestCaseError> {
    for _ in 0..20 {
        let keys: Vec<String> = conflicts::list(&reps[0].store, false)
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .into_iter()
            .filter(|c| c.kind == "clock_skew")
            .map(|c| c.key)
            .collect();
        if keys.is_empty() {
            return Ok(());
        }
        let mut resolved = 0;
        for key in &keys {
            match conflicts::resolve(&mut reps[0].store, key, "时钟已核实，接受") {
                Ok(()) => resolved += 1,
                // Its row is itself a held change not accepted yet: next turn.
                Err(e) if e.kind() == "still_held" => {}
                Err(e) => return Err(TestCaseError::fail(format!("resolve {key}: {e}"))),
            }
        }
        prop_assert!(
            resolved > 0,
            "clock_skew conflicts that cannot be resolved: {:?}",
            keys
        );
        settle_all(reps, links, file)?;
    }
    Err(TestCaseError::fail("clock_skew conflicts keep coming"))
}

fn run_case(ops: &[(usize, Action)]) -> Result<(), TestCaseError> {
    let seed = seed();
    let dir = scratch();
    let file = dir.path().join("exchange.weibao-changes");
    let mut reps: Vec<Rep> = (0..3).map(|i| copy_seed(seed, dir.path(), i)).collect();
    let start = changes::since(reps[0].store.conn(), 0, i64::MAX)
        .expect("log")
        .last()
        .map_or(0, |l| l.local_seq);
    let mut links = Links {
        sent: [[start; 3]; 3],
        acked: [[start; 3]; 3],
    };
    for (i, a) in ops {
        act(seed, &mut reps, &mut links, &file, *i, a)?;
    }
    settle_all(&mut reps, &mut links, &file)?;
    accept_skewed(&mut reps, &mut links, &file)?;
    for (who, r) in reps.iter().enumerate() {
        let held: Vec<String> = {
            let mut st = r
                .store
                .conn()
                .prepare("SELECT origin || '/' || origin_seq || ' ' || reason FROM held_change")
                .expect("held");
            st.query_map([], |row| row.get(0))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows")
        };
        prop_assert!(
            held.is_empty(),
            "replica {} still holds changes: {:?}",
            who,
            held
        );
    }
    let dumps: Vec<Dump> = reps.iter().map(|r| dump(&r.store)).collect();
    for j in 1..3 {
        if let Some(d) =
            first_difference(&dumps[0], &dumps[j], "replica 0", &format!("replica {j}"))
        {
            return Err(TestCaseError::fail(format!("replicas differ: {d}")));
        }
    }
    for (who, r) in reps.iter().enumerate() {
        nothing_lost(&r.store, who)?;
        negatives_listed(&r.store, who)?;
        furthest_state(&r.store, seed, who)?;
    }
    Ok(())
}

#[test]
fn sync_converge_three_replicas_whatever_the_actions_and_exchanges() {
    let started = Instant::now();
    seed();
    let seeded = started.elapsed();
    // 500 cases; SYNC_CONVERGE_CASES overrides (for a quick look while developing).
    let cases = std::env::var("SYNC_CONVERGE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let runs = AtomicUsize::new(0);
    let result = runner.run(&ops(), |ops| {
        let n = runs.fetch_add(1, Ordering::Relaxed) + 1;
        if n.checked_rem(50) == Some(0) {
            eprintln!("sync_converge: {n} runs, {:.1?}", started.elapsed());
        }
        run_case(&ops)
    });
    eprintln!(
        "sync_converge: {cases} cases ({} runs with shrinking) in {:.1?} (seed built in {:.1?})",
        runs.load(Ordering::Relaxed),
        started.elapsed(),
        seeded
    );
    // The seed lives in a folder of its own (in memory where possible): leave nothing behind.
    if let Some(dir) = seed().path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}
