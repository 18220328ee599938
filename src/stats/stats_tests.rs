//! A quarter worked by hand: two faults on one gate, their times, a part, a cause; the figures
//! the statistics must give are written out beside each step.

use chrono::Duration;

use super::*;
use crate::billing::{self, BillingInput};
use crate::domain::values::Fen;
use crate::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use crate::stock::{self, LocationKind, MovementInput, Part, PartCategory};
use crate::views::fixture::world;
use crate::work_orders;

fn step(w: &mut crate::views::fixture::World, wo: &str, to: WorkOrderState) {
    w.store
        .write(|tx| work_orders::advance(tx, wo, to, None, None))
        .expect("advance");
}

#[test]
fn a_quarter_by_hand() {
    let mut w = world();
    // Fault 1 (level 2) was reported 2026-06-01 10:00; respond within 30 min, on site in 36 h.
    let first = w.work_order.clone();
    w.clock.advance(Duration::minutes(20)); // responded after 20 min: kept
    for to in [WorkOrderState::Assigned, WorkOrderState::Responded] {
        step(&mut w, &first, to);
    }
    w.clock.advance(Duration::minutes(160)); // on site 180 min after the report: kept
    step(&mut w, &first, WorkOrderState::OnSite);
    w.store
        .write(|tx| {
            let van = stock::add_location(tx, LocationKind::Van, "张伟车载库", None)?;
            let part = stock::add_part(
                tx,
                Part {
                    id: String::new(),
                    code: "PAD-BG".into(),
                    name: "缓冲垫".into(),
                    category: PartCategory::Vulnerable,
                    unit: "个".into(),
                    price: Fen(3_500),
                    serialised: false,
                    device_type: None,
                },
            )?;
            for (kind, qty, from, to, wo) in [
                ("receive", 5, None, Some(van.id.clone()), None),
                ("issue", 2, Some(van.id.clone()), None, Some(first.clone())),
            ] {
                stock::record_movement(
                    tx,
                    &MovementInput {
                        kind: kind.into(),
                        part: part.id.clone(),
                        qty,
                        from,
                        to,
                        work_order_id: wo,
                        ..Default::default()
                    },
                )?;
            }
            work_orders::record_service(
                tx,
                &first,
                &ServiceRecordInput {
                    found_state: "道闸抬杆后不落杆".into(),
                    process: "更换缓冲垫，调整限位".into(),
                    analysis: Some("缓冲垫被车辆撞裂".into()),
                    customer_feedback: None,
                    satisfaction: None,
                    backup_restore: None,
                },
            )
        })
        .expect("part and record");
    billing::set(
        &mut w.store,
        &first,
        &BillingInput {
            cause: Some("human_damage".into()),
            ..Default::default()
        },
    )
    .expect("cause");
    w.clock.advance(Duration::minutes(90)); // resolved 90 min after arrival
    step(&mut w, &first, WorkOrderState::Resolved);

    // Fault 2 (level 3) on the same gate, 2026-06-10 10:00: responded after 40 min (late),
    // never on site; by 2026-06-20 its 36 h on-site deadline has passed.
    w.clock
        .set(crate::views::fixture::reported_at() + Duration::days(9));
    let second = w
        .store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: "XA01-L01-BG01".into(),
                    level: 3,
                    phenomenon: "道闸抬杆后不落杆".into(),
                    ..Default::default()
                },
            )
        })
        .expect("second fault")
        .id;
    w.clock.advance(Duration::minutes(40));
    for to in [WorkOrderState::Assigned, WorkOrderState::Responded] {
        step(&mut w, &second, to);
    }
    w.clock
        .set(crate::views::fixture::reported_at() + Duration::days(19));

    let scope = Scope::quarter("西安海关", None, "2026Q2").expect("scope");
    let s = stats(&w.store, &scope).expect("stats");
    assert_eq!(s.faults, 2);
    // Four inspections a year from 2026-01-01: the window closing 2026-04-01 falls in Q2, and
    // nothing was done in it.
    assert_eq!((s.inspections_due, s.inspections_done), (1, 0));
    assert_eq!(s.by_device_type.len(), 1);
    assert_eq!(
        (s.by_device_type[0].key.as_str(), s.by_device_type[0].count),
        ("barrier_gate", 2)
    );
    let levels: Vec<(&str, i64)> = s
        .by_level
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    assert_eq!(levels, vec![("2", 1), ("3", 1)]);
    let causes: Vec<(&str, i64)> = s
        .by_cause
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    assert_eq!(causes, vec![("human_damage", 1), ("unrecorded", 1)]);
    // Respond: (20 + 40) / 2 = 30 min; arrive: only the first, 180 min; repair: 90 min.
    assert_eq!(s.mean_respond_minutes, Some(30));
    assert_eq!(s.mean_arrive_minutes, Some(180));
    assert_eq!(s.mean_repair_minutes, Some(90));
    // Every clock as the work order shows it (the seed's terms): response kept 1 of 2 (40 min >
    // 30); on site 1 of 2 (the second never came); repair 1 of 1 (90 min of 8 h; the second
    // has no arrival, so no repair clock); part and spare unit 1 of 2 (the first was solved in
    // 4.5 h, the second is past 28 h and 48 h unsolved).
    let hits: Vec<(&str, i64, i64)> = s
        .sla_hits
        .iter()
        .map(|h| (h.clock.as_str(), h.kept, h.judged))
        .collect();
    assert_eq!(
        hits,
        vec![
            ("response", 1, 2),
            ("on_site", 1, 2),
            ("repair", 1, 1),
            ("part", 1, 2),
            ("spare_unit", 1, 2),
        ]
    );
    assert_eq!(s.recurring.len(), 1);
    assert_eq!(
        (s.recurring[0].device_code.as_str(), s.recurring[0].faults),
        ("XA01-L01-BG01", 2)
    );
    assert_eq!(s.parts.len(), 1);
    assert_eq!((s.parts[0].code.as_str(), s.parts[0].qty), ("PAD-BG", 2));

    // The next quarter holds none of it.
    let q3 = stats(
        &w.store,
        &Scope::quarter("西安海关", None, "2026Q3").unwrap(),
    )
    .unwrap();
    assert_eq!(q3.faults, 0);

    // The common faults table: the resolved repair, its cause and remedy.
    let common = common_faults(&w.store, &scope).expect("common");
    assert_eq!(common.len(), 1);
    assert_eq!(
        common[0].phenomenon,
        "读卡器不能读取 IC 卡，车辆无法正常通关"
    );
    assert!(common[0].causes.contains(&"缓冲垫被车辆撞裂".to_string()));
    assert!(common[0].causes.contains(&"人为损坏".to_string()));
    assert_eq!(common[0].remedies, vec!["更换缓冲垫，调整限位".to_string()]);
}

#[test]
fn a_bad_quarter_or_period_names_its_field() {
    for q in ["2026Q5", "Q3", "2026", "二〇二六年三季度"] {
        let e = Scope::quarter("西安海关", None, q).unwrap_err();
        assert_eq!(e.field(), Some("stats.quarter"), "{q}");
    }
    let from = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    assert_eq!(
        Scope::new("x", None, from, to).unwrap_err().field(),
        Some("stats.to")
    );
    let far = chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap();
    assert_eq!(
        Scope::new("x", None, from, far).unwrap_err().field(),
        Some("stats.to")
    );
    let w = world();
    let e = stats(
        &w.store,
        &Scope::quarter("没有这个客户", None, "2026Q2").unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), "not_found");
}

#[test]
fn the_quarter_exports_to_a_workbook_and_csv_files_that_read_back() {
    use calamine::{Reader, Xlsx};
    let w = world();
    let scope = Scope::quarter("西安海关", None, "2026Q2").expect("scope");
    let dir = tempfile::tempdir().expect("tmp");
    let book = dir.path().join("2026Q2.xlsx");
    let sum = export(&w.store, &scope, &book, None).expect("xlsx");
    assert_eq!(sum.faults, 1);
    let mut x: Xlsx<_> = calamine::open_workbook(&book).expect("opens");
    assert_eq!(
        x.sheet_names(),
        vec!["季度统计", "报障登记表", "常见故障现象与处理表"]
    );
    let reg = x.worksheet_range("报障登记表").expect("register");
    let cell = |r: u32, c: u32| {
        reg.get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(0, 6), "故障现象");
    assert_eq!(cell(1, 0), "2026-06-01 10:00");
    assert_eq!(cell(1, 6), "读卡器不能读取 IC 卡，车辆无法正常通关");
    assert_eq!(cell(1, 11), "2级");
    let st = x.worksheet_range("季度统计").expect("stats");
    let rows: Vec<Vec<String>> = st
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(
        rows.contains(&vec!["故障".into(), "合计".into(), "1".into()]),
        "{rows:?}"
    );

    let folder = dir.path().join("csv");
    let sum = export(&w.store, &scope, &folder, Some(ExportFormat::Csv)).expect("csv");
    assert_eq!(sum.files.len(), 3);
    let text = std::fs::read_to_string(folder.join("报障登记表.csv")).expect("csv file");
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(text.contains("读卡器不能读取 IC 卡"));
    assert_eq!(
        ExportFormat::parse("pdf").unwrap_err().field(),
        Some("format")
    );

    // From the app: into a folder, named after the customer (the screen sends its id).
    let id: String = w
        .store
        .conn()
        .query_row(
            "SELECT id FROM customer WHERE name = '西安海关'",
            [],
            |r| r.get(0),
        )
        .expect("customer id");
    let by_id = Scope::quarter(&id, None, "2026Q2").expect("scope");
    let sum = export_into(&w.store, &by_id, &dir.path().join("exports")).expect("into");
    assert!(
        sum.files[0].ends_with("exports/西安海关-2026-04-01-2026-06-30.xlsx"),
        "{:?}",
        sum.files
    );
}
