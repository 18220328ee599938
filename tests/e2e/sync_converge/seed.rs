//! The seed every case starts from, built once, and its per-case copies (three replicas,
//! each with an installation id and a clock of its own).

use super::*;

/// Ids the actions pick from, the same in every copy of the seed.
#[derive(Debug)]
pub(super) struct Seed {
    pub(super) path: PathBuf,
    pub(super) devices: Vec<String>,
    pub(super) customer: String,
    pub(super) work_orders: Vec<String>,
    pub(super) inspection: String,
    pub(super) engineers: Vec<String>,
}

pub(super) const LOCATIONS: [&str; 3] = ["总仓", "张伟车载库", "李娜车载库"];
pub(super) const SPARES: [(&str, &str); 3] = [
    ("CAM-HK-SP001", "张伟车载库"),
    ("CAM-HK-SP002", "总仓"),
    ("CAM-HK-SP003", "总仓"),
];

/// The seed, built once: the demo's people, places and stock with one lane of devices, two
/// open faults (a camera and a barrier gate on that lane) and a started inspection.
pub(super) fn seed() -> &'static Seed {
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

/// One replica of a case.
pub(super) struct Rep {
    pub(super) store: Store,
    pub(super) clock: Arc<FakeClock>,
}

/// A copy of the seed with an installation id of its own.
pub(super) fn copy_seed(seed: &Seed, dir: &Path, i: usize) -> Rep {
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
