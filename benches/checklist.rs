//! Checklist benchmark: prints figures, asserts nothing.
//!
//! - loading and validating every shipped template (three TOML files, ~110 items);
//! - starting a 40-item quarterly inspection (a lane with a barrier gate, card reader, camera,
//!   industrial PC and floodlight: 40 rows + outbox in one durable transaction);
//! - saving one answer (judged, stored with its outbox entry, fsync, progress recomputed).
//!
//! Run: `cargo bench --bench checklist` (`WEIBAO_BENCH_RUNS` sets the sample count, default 200).

use std::sync::Arc;
use std::time::Instant;
use weibao::checklist::run::{self, Given};
use weibao::checklist::Library;
use weibao::domain::device::DeviceInput;
use weibao::{devices, org};
use weibao::{Store, SystemClock};

#[path = "common/stats.rs"]
mod stats;
use stats::report;

fn main() {
    let runs: usize = std::env::var("WEIBAO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);

    let mut load = Vec::with_capacity(runs);
    let mut lib = Library::shipped().expect("templates");
    for _ in 0..runs {
        let t = Instant::now();
        lib = Library::shipped().expect("templates");
        load.push(t.elapsed());
    }
    report("load + validate all shipped templates", load);

    // Validation is linear in the file: the time per MB stays flat up to the 1 MB bound (it
    // was quadratic before the line index: 0.25 MB 3.3 s, 1 MB 39.5 s).
    for kb in [250usize, 500, 1000] {
        let text = weibao::demo::big_template::chained_template(kb * 1000);
        let mut v = Vec::new();
        for _ in 0..runs.min(20) {
            let t = Instant::now();
            let (tpl, errors) = weibao::checklist::validate::diagnose(&text, "big.toml");
            assert!(tpl.is_some() && errors.is_empty(), "{errors:?}");
            v.push(t.elapsed());
        }
        let items = text.matches("[[section.item]]").count();
        report(&format!("validate a {kb} KB template ({items} items)"), v);
    }
    let quarterly = lib.get("quarterly_lane").expect("quarterly");

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path, Arc::new(SystemClock)).expect("open");
    weibao::demo::load(&mut store, None, &mut |_, _| {}).expect("demo");
    let site = org::sites(&store).expect("sites")[0].id.clone();
    // One lane per run, each with the five devices that make 40 quarterly items.
    let lanes: Vec<String> = store
        .write(|tx| {
            let mut lanes = Vec::new();
            for i in 0..runs {
                let lane = org::add_lane(tx, &site, &format!("压测车道{i}"), &format!("B{i:04}"))?;
                for (ty, tag) in [
                    ("barrier_gate", "BG"),
                    ("card_reader", "CR"),
                    ("camera", "CM"),
                    ("industrial_pc", "PC"),
                    ("floodlight", "FL"),
                ] {
                    devices::add_device(
                        tx,
                        &DeviceInput {
                            code: format!("BENCH-{i:04}-{tag}"),
                            device_type: ty.into(),
                            model: "BENCH-1".into(),
                            manufacturer: "压测".into(),
                            serial: format!("SN{i:04}{tag}"),
                            lane_id: lane.id.clone(),
                            ..Default::default()
                        },
                    )?;
                }
                lanes.push(lane.id);
            }
            Ok(lanes)
        })
        .expect("bench lanes");

    let mut start = Vec::with_capacity(runs);
    let mut ids = Vec::with_capacity(runs);
    let mut items = 0;
    for lane in &lanes {
        let t = Instant::now();
        let s = run::start(&mut store, quarterly, lane).expect("start");
        start.push(t.elapsed());
        items = s.items;
        ids.push(s.header.id);
    }
    report(&format!("start a {items}-item inspection"), start);

    let keys = [
        "lane.weatherproof",
        "lane.test_runs",
        "lane.test_method",
        "lane.pass_rate",
    ];
    let values = ["pass", "12", "real_vehicle", "99.2"];
    let mut answer = Vec::with_capacity(runs * 4);
    for id in &ids {
        for (k, v) in keys.iter().zip(values) {
            let t = Instant::now();
            run::answer(&mut store, id, k, &Given::text(v), None).expect("answer");
            answer.push(t.elapsed());
        }
    }
    report("save one answer (durable, with progress)", answer);
}
