//! Convergence, by property: three replicas of one small seed, each with its own clock (which
//! also runs backwards), doing random engineer actions and random partial, repeated or lost
//! exchanges. Once every replica has sent everything to every other, all three are identical,
//! no value any change wrote is lost (it is in force or in the field history), every
//! negative stock balance is listed as a conflict, no change is left held, and every work
//! order is at the furthest step among its events.

use crate::checklist_run::passing_answer;
use crate::support::monday_10am;
use crate::sync_support::*;
use chrono::Duration;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rusqlite::types::Value;
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
use weibao::store::changes::{self, Change};
use weibao::store::registry::{self, Merge};
use weibao::store::{changeset, merge, new_id};
use weibao::{conflicts, work_orders, Error, FakeClock, Store};

/// Ids the actions pick from, the same in every copy of the seed.
#[derive(Debug)]
struct Seed {
    path: PathBuf,
    devices: Vec<String>,
    customer: String,
    work_orders: Vec<String>,
    inspection: String,
    engineers: Vec<String>,
}

const LOCATIONS: [&str; 3] = ["总仓", "张伟车载库", "李娜车载库"];
const SPARES: [(&str, &str); 3] = [
    ("CAM-HK-SP001", "张伟车载库"),
    ("CAM-HK-SP002", "总仓"),
    ("CAM-HK-SP003", "总仓"),
];

/// The seed, built once: the demo's people, places and stock with one lane of devices, two
/// open faults (a camera and a barrier gate on that lane) and a started inspection.
fn seed() -> &'static Seed {
    static SEED: OnceLock<Seed> = OnceLock::new();
    SEED.get_or_init(|| {
        let dir = scratch().keep();
        let path = dir.join("seed.db");
        let clock = Arc::new(FakeClock::new(monday_10am()));
        let mut s = Store::open(&path, clock).expect("open seed");
        weibao::demo::load(&mut s, Some(5), &mut |_, _| {}).expect("small demo");
        let lane: String = value(
            &s,
            "SELECT lane_id FROM device WHERE code LIKE '%-CM01' ORDER BY code LIMIT 1",
        );
        let on_lane = |s: &Store, t: &str| -> String {
            s.conn()
                .query_row(
                    "SELECT id FROM device WHERE lane_id = ?1 AND device_type = ?2 ORDER BY code LIMIT 1",
                    [&lane, t],
                    |r| r.get(0),
                )
                .expect("device on the lane")
        };
        let camera = on_lane(&s, "camera");
        let gate = on_lane(&s, "barrier_gate");
        let reader = on_lane(&s, "card_reader");
        let mut work_orders = Vec::new();
        for (dev, level) in [(&camera, 3), (&gate, 2)] {
            let wo = s
                .write(|tx| {
                    work_orders::report_fault(
                        tx,
                        &FaultReportInput {
                            device_id: dev.clone(),
                            level,
                            phenomenon: "画面黑屏".into(),
                            ..Default::default()
                        },
                    )
                })
                .expect("fault");
            work_orders.push(wo.id);
        }
        let lib = Library::shipped().expect("templates");
        let inspection = run::start(&mut s, lib.get("quarterly_lane").expect("quarterly"), &lane)
            .expect("inspection")
            .header
            .id;
        let engineers = weibao::org::engineers(&s)
            .expect("engineers")
            .into_iter()
            .map(|e| e.id)
            .collect();
        let customer: String = value(&s, "SELECT id FROM customer ORDER BY id LIMIT 1");
        s.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
        drop(s);
        Seed {
            path,
            devices: vec![camera, gate, reader],
            customer,
            work_orders,
            inspection,
            engineers,
        }
    })
}

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

/// One replica of a case.
struct Rep {
    store: Store,
    clock: Arc<FakeClock>,
}

/// A copy of the seed with an installation id of its own.
fn copy_seed(seed: &Seed, dir: &Path, i: usize) -> Rep {
    let path = dir.join(format!("r{i}")).join("weibao.db");
    std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
    std::fs::copy(&seed.path, &path).expect("copy seed");
    {
        let conn = rusqlite::Connection::open(&path).expect("open copy");
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'installation_id'",
            [new_id()],
        )
        .expect("new installation id");
    }
    let clock = Arc::new(FakeClock::new(monday_10am() + Duration::minutes(10)));
    let mut store = Store::open(&path, clock.clone()).expect("open copy");
    store
        .set_current_engineer(&seed.engineers[i % seed.engineers.len()])
        .expect("engineer");
    Rep { store, clock }
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

/// Every value a logged change wrote is in force or kept (field history / event conflicts).
fn nothing_lost(s: &Store, who: usize) -> Result<(), TestCaseError> {
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
fn furthest_state(s: &Store, seed: &Seed, who: usize) -> Result<(), TestCaseError> {
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
fn negatives_listed(s: &Store, who: usize) -> Result<(), TestCaseError> {
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
