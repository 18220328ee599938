//! One office and three engineers' laptops, ready to sync: a seed built once per test process
//! (a small demo office with two open faults and a started inspection; a laptop's first pull
//! over HTTP, copied for the others with installation ids of their own), copied for each case
//! into a scratch folder (in memory where there is one). Laptops are `weibao::Store` files
//! driven through the core's own functions, and sync with the core's client through the
//! fault proxy.

use crate::office::{LiveOffice, OfficeProcess};
use crate::proxy::{Control, Proxy};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};
use weibao::checklist::run::{self, Given};
use weibao::checklist::state;
use weibao::checklist::template::ItemKind;
use weibao::checklist::Library;
use weibao::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use weibao::report::photos::{self, PhotoOwner};
use weibao::stock::{self, MovementInput};
use weibao::sync::client::{self, Remote, Summary};
use weibao::{work_orders, Error, Store, SystemClock};
use weibao_office::DataDir;

pub const LAPTOPS: usize = 3;
pub const VANS: [&str; 3] = ["总仓", "张伟车载库", "李娜车载库"];
const FIELDS: [&str; 3] = ["notes", "position", "model"];

/// The seed: files every case copies, and the ids its actions pick from.
pub struct Seed {
    /// Removed when the last holder lets go of the seed.
    dir: tempfile::TempDir,
    tokens: Vec<String>,
    devices: Vec<String>,
    customer: String,
    inspection: String,
    movements: i64,
}

/// What an engineer does on a laptop between syncs, through the core's public functions.
#[derive(Debug, Clone)]
pub enum Action {
    EditDevice {
        dev: usize,
        field: usize,
        word: &'static str,
    },
    AddContact {
        name: &'static str,
    },
    Answer {
        pick: usize,
        fail: bool,
    },
    /// A photo answer: a new blob on the laptop (the client uploads it after the records).
    Photo {
        pick: usize,
    },
    ReportFault {
        dev: usize,
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
    Service {
        wo: usize,
        word: &'static str,
    },
    /// Many edits at once: the push then takes several batches.
    Burst {
        edits: u16,
    },
}

/// A scratch folder in memory where there is one (the cases write many small files, each
/// fsync'd), else in the temp dir.
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(d) = tempfile::Builder::new()
            .prefix("weibao-faults")
            .tempdir_in(shm)
        {
            return d;
        }
    }
    tempfile::tempdir().expect("temp dir")
}

fn value(s: &Store, sql: &str, p: &[&dyn rusqlite::ToSql]) -> String {
    s.conn()
        .query_row(sql, p, |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The seed, built on first use and shared while anyone holds it (a test that makes many
/// worlds holds it throughout); its folder goes when the last holder drops it.
pub fn seed() -> Arc<Seed> {
    static SEED: Mutex<Weak<Seed>> = Mutex::new(Weak::new());
    let mut slot = SEED.lock().expect("seed");
    if let Some(s) = slot.upgrade() {
        return s;
    }
    let s = Arc::new(build_seed());
    *slot = Arc::downgrade(&s);
    s
}

fn build_seed() -> Seed {
    let tmp = scratch();
    let dir = tmp.path();
    let data = DataDir::new(&dir.join("office"));
    let mut o = data.open_store().expect("office store");
    weibao::demo::load(&mut o, Some(5), &mut |_, _| {}).expect("small demo");
    let lane = value(
        &o,
        "SELECT lane_id FROM device WHERE code LIKE '%-CM01' ORDER BY code LIMIT 1",
        &[],
    );
    let on_lane = |t: &str| {
        value(
            &o,
            "SELECT id FROM device WHERE lane_id = ?1 AND device_type = ?2 ORDER BY code LIMIT 1",
            &[&lane, &t],
        )
    };
    let devices = vec![
        on_lane("camera"),
        on_lane("barrier_gate"),
        on_lane("card_reader"),
    ];
    for dev in &devices[..2] {
        o.write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: dev.clone(),
                    level: 2,
                    phenomenon: "画面黑屏".into(),
                    ..Default::default()
                },
            )
        })
        .expect("fault");
    }
    let lib = Library::shipped().expect("templates");
    let quarterly = lib.get("quarterly_lane").expect("quarterly");
    let inspection = run::start(&mut o, quarterly, &lane)
        .expect("inspection")
        .header
        .id;
    let engineers: Vec<String> = weibao::org::engineers(&o)
        .expect("engineers")
        .into_iter()
        .map(|e| e.id)
        .collect();
    let customer = value(&o, "SELECT id FROM customer ORDER BY id LIMIT 1", &[]);
    let movements: i64 = o
        .conn()
        .query_row("SELECT COUNT(*) FROM stock_movement", [], |r| r.get(0))
        .expect("movements");
    drop(o);
    let mut auth = data.open_auth().expect("auth");
    let tokens: Vec<String> = ["甲工", "乙工", "丙工"]
        .iter()
        .map(|n| auth.add(n, "all").expect("engineer").1)
        .collect();
    drop(auth);
    // Laptop 0's first pull goes over HTTP; the others are copies of it with installation
    // ids of their own (the pull is the slow part of every test's start).
    let office = LiveOffice::start(&data.dir);
    let first = dir.join("laptop0.db");
    let mut s = Store::open(&first, Arc::new(SystemClock)).expect("laptop");
    let remote = Remote::new(&office.url(), &tokens[0], 1).expect("remote");
    client::run(&mut s, &remote, &mut |_| {}).expect("first pull");
    drop((s, remote, office));
    for (i, engineer) in engineers.iter().cycle().take(LAPTOPS).enumerate() {
        let db = dir.join(format!("laptop{i}.db"));
        if i > 0 {
            std::fs::copy(&first, &db).expect("copy laptop");
            let conn = rusqlite::Connection::open(&db).expect("open copy");
            conn.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'installation_id'",
                [weibao::store::new_id()],
            )
            .expect("an installation id of its own");
        }
        let mut s = Store::open(&db, Arc::new(SystemClock)).expect("laptop");
        s.set_current_engineer(engineer).expect("engineer");
    }
    Seed {
        dir: tmp,
        tokens,
        devices,
        customer,
        inspection,
        movements,
    }
}

/// The office of a case: in this process, or a real process (to SIGKILL).
pub enum Office {
    Live(Arc<LiveOffice>),
    Process(OfficeProcess),
}

impl Office {
    pub fn addr(&self) -> std::net::SocketAddr {
        match self {
            Office::Live(o) => o.addr,
            Office::Process(p) => p.addr,
        }
    }

    /// The office in this process, for the tests that restart or restore it.
    pub fn live(&self) -> &LiveOffice {
        match self {
            Office::Live(o) => o,
            Office::Process(_) => panic!("this office is a process of its own"),
        }
    }

    /// The office process, for the tests that kill it.
    pub fn process(&mut self) -> &mut OfficeProcess {
        match self {
            Office::Process(p) => p,
            Office::Live(_) => panic!("this office runs in the test process"),
        }
    }
}

/// One case: a copy of the seed, its office serving, a proxy in front.
pub struct World {
    pub office: Office,
    pub proxy: Proxy,
    pub laptops: Vec<Laptop>,
    /// Every stock movement a laptop recorded: each must be on the office exactly once.
    pub movements: Vec<String>,
    /// Every photo a laptop took (blob hashes): each must reach the office whole.
    pub photos: Vec<String>,
    pub dir: tempfile::TempDir,
    seed: Arc<Seed>,
}

pub struct Laptop {
    pub db: PathBuf,
    pub token: String,
    /// Open while the test drives it; closed (`None`) while a CLI process owns the file.
    pub store: Option<Store>,
    /// Its sync client through the proxy (one attempt per request).
    remote: Option<Remote>,
}

impl Laptop {
    pub fn store(&mut self) -> &mut Store {
        self.store.get_or_insert_with(|| open_laptop(&self.db))
    }

    fn sync(&mut self, url: &str, attempts: u32) -> weibao::Result<Summary> {
        let fresh;
        let remote = match (&self.remote, attempts) {
            (Some(r), 1) => r,
            (None, 1) => self.remote.insert(Remote::new(url, &self.token, 1)?),
            _ => {
                fresh = Remote::new(url, &self.token, attempts)?;
                &fresh
            }
        };
        let store = self.store.get_or_insert_with(|| open_laptop(&self.db));
        client::run(store, remote, &mut |_| {})
    }
}

fn open_laptop(db: &Path) -> Store {
    Store::open(db, Arc::new(SystemClock)).expect("laptop")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read seed") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy seed");
        }
    }
}

impl World {
    /// The office in this process (the proxy can restart it).
    pub fn new() -> World {
        World::with(|data| {
            let o = LiveOffice::start(data);
            let control = o.control();
            (Office::Live(o), Some(control))
        })
    }

    /// The office as a `weibao-office serve` process.
    pub fn with_office_process() -> World {
        World::with(|data| (Office::Process(OfficeProcess::start(data)), None))
    }

    fn with(start: impl FnOnce(&Path) -> (Office, Option<Control>)) -> World {
        let seed = seed();
        let dir = scratch();
        copy_dir(seed.dir.path(), dir.path());
        let (office, restart) = start(&dir.path().join("office"));
        let proxy = Proxy::start(office.addr(), restart);
        let laptops = (0..LAPTOPS)
            .map(|i| Laptop {
                db: dir.path().join(format!("laptop{i}.db")),
                token: seed.tokens[i].clone(),
                store: None,
                remote: None,
            })
            .collect();
        World {
            office,
            proxy,
            laptops,
            movements: Vec::new(),
            photos: Vec::new(),
            dir,
            seed,
        }
    }

    /// Stock movements on the office before any laptop recorded one.
    pub fn seed_movements(&self) -> i64 {
        self.seed.movements
    }

    /// The inspection the seed started (laptops answer it and photograph it).
    pub fn inspection(&self) -> &str {
        &self.seed.inspection
    }

    pub fn office_data(&self) -> DataDir {
        DataDir::new(&self.dir.path().join("office"))
    }

    /// The office replica, opened beside the server.
    pub fn office_store(&self) -> Store {
        self.office_data().open_store().expect("office store")
    }

    /// One `weibao sync` of laptop `i` through the proxy, in process. With one attempt per
    /// request, the laptop keeps its client between syncs (as the desktop app does; building
    /// one loads the TLS roots, tens of milliseconds).
    pub fn sync(&mut self, i: usize, attempts: u32) -> weibao::Result<Summary> {
        self.laptops[i].sync(&self.proxy.url, attempts)
    }

    /// Every laptop syncs at the same time (one thread each), through the proxy.
    pub fn sync_all(&mut self) -> Vec<weibao::Result<Summary>> {
        let url = &self.proxy.url;
        std::thread::scope(|sc| {
            let running: Vec<_> = self
                .laptops
                .iter_mut()
                .map(|l| sc.spawn(move || l.sync(url, 1)))
                .collect();
            running
                .into_iter()
                .map(|h| h.join().expect("sync thread"))
                .collect()
        })
    }

    /// Every laptop syncs twice in turn without faults, so everyone has everyone's changes.
    pub fn settle(&mut self) -> Result<(), String> {
        self.proxy.calm();
        for round in 0..2 {
            for i in 0..self.laptops.len() {
                self.sync(i, 1)
                    .map_err(|e| format!("fault-free sync of laptop {i}, round {round}: {e}"))?;
            }
        }
        Ok(())
    }

    /// Laptop `i` does `a`. A refusal a user could get (a work order already closed, stock
    /// that is not there) is fine; a failure of the store is not.
    pub fn act(&mut self, i: usize, a: &Action) -> Result<(), String> {
        let seed = self.seed.clone();
        let s = self.laptops[i].store();
        let r = match a {
            Action::EditDevice { dev, field, word } => {
                let note = format!("{word}{i}");
                s.write(|tx| tx.update("device", &seed.devices[*dev], &[(FIELDS[*field], &note)]))
            }
            Action::AddContact { name } => s.write(|tx| {
                weibao::org::add_contact(tx, &seed.customer, name, "13800000000", None).map(|_| ())
            }),
            Action::Answer { pick, fail } => {
                answer(s, &seed.inspection, *pick, Some(*fail)).map(|_| ())
            }
            Action::Photo { pick } => {
                answer(s, &seed.inspection, *pick, None).map(|taken| self.photos.extend(taken))
            }
            Action::ReportFault { dev } => s.write(|tx| {
                let input = FaultReportInput {
                    device_id: seed.devices[*dev].clone(),
                    level: 3,
                    phenomenon: format!("{i} 号笔记本报修"),
                    ..Default::default()
                };
                work_orders::report_fault(tx, &input).map(|_| ())
            }),
            Action::Advance { wo } => match work_order(s, *wo) {
                Some(id) => advance(s, &id),
                None => Ok(()),
            },
            Action::Issue { wo, van } => match work_order(s, *wo) {
                Some(id) => movement(s, &mut self.movements, "issue", *van, None, Some(id)),
                None => Ok(()),
            },
            Action::Transfer { from, to } if from != to => {
                movement(s, &mut self.movements, "transfer", *from, Some(*to), None)
            }
            Action::Transfer { .. } => Ok(()),
            Action::Service { wo, word } => match work_order(s, *wo) {
                Some(id) => {
                    let input = ServiceRecordInput {
                        found_state: format!("现场{word}"),
                        process: format!("处理{word}"),
                        analysis: Some((*word).to_string()),
                        customer_feedback: None,
                        satisfaction: None,
                        backup_restore: None,
                    };
                    s.write(|tx| work_orders::record_service(tx, &id, &input).map(|_| ()))
                }
                None => Ok(()),
            },
            // One transaction (an import, say): as many changes, and fast.
            Action::Burst { edits } => s.write(|tx| {
                let run = weibao::store::new_id();
                (0..*edits).try_for_each(|k| {
                    let note = format!("批量{i}-{k} {}", &run[run.len() - 6..]);
                    let dev = &seed.devices[usize::from(k) % seed.devices.len()];
                    tx.update("device", dev, &[("notes", &note)])
                })
            }),
        };
        match r {
            Ok(()) => Ok(()),
            Err(e) if refusal(&e) => Ok(()),
            Err(e) => Err(format!("laptop {i}, {a:?}: {e:?}")),
        }
    }
}

/// Errors a user can get from an action (refusals), as opposed to a failure of the store.
fn refusal(e: &Error) -> bool {
    match e {
        Error::Storage(_) | Error::Migration(_) | Error::Io(_) => false,
        Error::Invalid { field, .. } => !field.ends_with(".id"),
        _ => true,
    }
}

fn work_order(s: &Store, pick: usize) -> Option<String> {
    let mut st = s
        .conn()
        .prepare("SELECT id FROM work_order WHERE deleted = 0 ORDER BY id")
        .expect("work orders");
    let ids: Vec<String> = st
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    (!ids.is_empty()).then(|| ids[pick % ids.len()].clone())
}

fn advance(s: &mut Store, id: &str) -> weibao::Result<()> {
    let next = match work_orders::detail(s, id)?.summary.state {
        WorkOrderState::Reported => WorkOrderState::Assigned,
        WorkOrderState::Assigned => WorkOrderState::Responded,
        WorkOrderState::Responded => WorkOrderState::OnSite,
        WorkOrderState::OnSite => WorkOrderState::Resolved,
        _ => return Ok(()),
    };
    s.write(|tx| work_orders::advance(tx, id, next, None, None).map(|_| ()))
}

fn movement(
    s: &mut Store,
    made: &mut Vec<String>,
    kind: &str,
    from: usize,
    to: Option<usize>,
    work_order_id: Option<String>,
) -> weibao::Result<()> {
    let input = MovementInput {
        kind: kind.into(),
        part: "PAD-BG".into(),
        qty: 1,
        from: Some(VANS[from].into()),
        to: to.map(|t| VANS[t].into()),
        work_order_id,
        ..Default::default()
    };
    let m = s.write(|tx| stock::record_movement(tx, &input))?;
    made.push(m.id);
    Ok(())
}

/// Distinct photos across laptops and cases (each a different camera JPEG).
static PHOTOS_TAKEN: AtomicU32 = AtomicU32::new(0);

/// Answer the `pick`th shown item: pass/fail items with `fail`, photo items (`None`) with a
/// new photo (returned), other items with a value in range.
fn answer(
    s: &mut Store,
    inspection: &str,
    pick: usize,
    fail: Option<bool>,
) -> weibao::Result<Vec<String>> {
    let st = state::load(s.conn(), inspection)?;
    let items: Vec<_> = st
        .items
        .iter()
        .filter(|i| st.shown(i) && matches!(i.item.spec, ItemKind::Photo { .. }) == fail.is_none())
        .collect();
    let Some(item) = items.get(pick % items.len().max(1)) else {
        return Ok(Vec::new());
    };
    let mut photos = Vec::new();
    let text = match (&item.item.spec, fail) {
        (ItemKind::PassFail, Some(true)) => "fail".to_string(),
        (ItemKind::PassFail, _) => "pass".to_string(),
        (ItemKind::YesNo { fail_on }, _) => {
            if *fail_on == Some(true) { "no" } else { "yes" }.into()
        }
        (ItemKind::Number { min, max, .. } | ItemKind::Reading { min, max, .. }, _) => {
            { (min.unwrap_or(0.0) + max.unwrap_or(2.0)) / 2.0 }.to_string()
        }
        (ItemKind::Text { .. }, _) => "正常".into(),
        (ItemKind::SingleChoice { options } | ItemKind::MultiChoice { options }, _) => options
            .iter()
            .find(|o| !o.fails)
            .map(|o| o.id.clone())
            .unwrap_or_default(),
        (ItemKind::Photo { min_count }, _) => {
            // As the app takes them: a camera JPEG attached to the item, which answers it.
            let owner = PhotoOwner::Inspection {
                inspection_id: inspection.to_string(),
                item: Some(item.key.clone()),
            };
            for _ in 0..(*min_count).max(1) {
                let n = PHOTOS_TAKEN.fetch_add(1, Ordering::Relaxed);
                let bytes = weibao::demo::reports::demo_photo(n, chrono::Utc::now());
                let p = photos::attach(s, &owner, &bytes, None)?;
                photos.extend([p.original_sha256, p.report_sha256]);
            }
            return Ok(photos);
        }
    };
    let key = item.key.clone();
    run::answer(s, inspection, &key, &Given::text(text), None)?;
    Ok(photos)
}
