//! Issue 12, point 7: English everywhere a user looks. The shipped templates carry English for
//! every text an inspection shows; a template without English is still accepted (and shows its
//! Chinese), but English that is given is checked like the rest of the file; the inspection
//! view, the device history, work-order titles and the core's state vocabularies all come in
//! English with no Chinese character or full-width punctuation left in them — except what a
//! person typed (a fault's phenomenon, a part's name from the catalogue).

use crate::checklist_run::{answer_rest_passing, demo_lane};
use crate::support::TestDb;
use weibao::checklist::run::Given;
use weibao::checklist::schedule::SlotStatus;
use weibao::checklist::template::ItemKind;
use weibao::checklist::{run, validate, Library, SHIPPED};
use weibao::domain::device::{Confidentiality, DeviceInput, DeviceStatus, DeviceType};
use weibao::domain::values::cjk_in;
use weibao::domain::work_order::{FaultReportInput, WorkOrderKind, WorkOrderState};
use weibao::stock::{self, MovementInput};
use weibao::views::sla::SlaStatus;
use weibao::{devices, views, work_orders, Error};

/// `s` is there, not blank, and plain English.
fn english(what: &str, s: Option<&str>) {
    let s = s.unwrap_or_else(|| panic!("{what}: no English"));
    assert!(!s.trim().is_empty(), "{what}: blank English");
    assert_eq!(cjk_in(s), None, "{what}: Chinese in the English {s:?}");
}

#[test]
fn every_text_of_the_shipped_templates_has_english() {
    let mut items = 0;
    for (file, text) in SHIPPED {
        let t = validate::parse(text, file).expect("shipped template is valid");
        english(&format!("{file}: name"), t.name_en.as_deref());
        for s in &t.sections {
            english(
                &format!("{file}: section {}", s.title_zh),
                s.title_en.as_deref(),
            );
            for i in &s.items {
                items += 1;
                let at = format!("{file}:{}:{}", i.line, i.id);
                english(&at, i.label_en.as_deref());
                match &i.spec {
                    ItemKind::Number { unit, unit_en, .. } => english(
                        &format!("{at} unit"),
                        Some(unit_en.as_deref().unwrap_or(unit)),
                    ),
                    ItemKind::Reading {
                        unit,
                        unit_en,
                        instrument_en,
                        ..
                    } => {
                        english(
                            &format!("{at} unit"),
                            Some(unit_en.as_deref().unwrap_or(unit)),
                        );
                        english(&format!("{at} instrument"), instrument_en.as_deref());
                    }
                    ItemKind::SingleChoice { options } | ItemKind::MultiChoice { options } => {
                        for o in options {
                            english(&format!("{at} option {}", o.id), o.label_en.as_deref());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    println!(
        "{items} items of {} shipped templates, all in English",
        SHIPPED.len()
    );
    assert!(items > 100, "{items}");
}

const CHINESE_ONLY: &str = r#"id = "zh_only"
version = 1
kind = "daily"
name_zh = "仅中文模板"

[[section]]
applies_to = "lane"
title_zh = "现场"

  [[section.item]]
  id = "site.runs"
  kind = "number"
  label_zh = "测试次数"
  unit = "次"
  min = 1
"#;

fn location_and_en(text: &str) -> (String, String) {
    match validate::parse(text, "edited.toml") {
        Err(e @ Error::Template { .. }) => {
            let en = e.to_string();
            let Error::Template { location, .. } = e else {
                unreachable!()
            };
            (location, en)
        }
        other => panic!("expected a template error, got {other:?}"),
    }
}

#[test]
fn a_template_without_english_is_accepted_and_given_english_is_checked_at_its_line() {
    let t = validate::parse(CHINESE_ONLY, "zh.toml").expect("Chinese only is fine");
    assert!(t.name_en.is_none() && t.sections[0].title_en.is_none());
    assert!(t.sections[0].items[0].label_en.is_none());

    // A full-width colon in an item's English: refused at that line, naming the item.
    let text = CHINESE_ONLY.replace(
        "  unit = \"次\"\n",
        "  unit = \"次\"\n  label_en = \"Test runs：count\"\n",
    );
    let (loc, en) = location_and_en(&text);
    assert_eq!(loc, "edited.toml:15:site.runs");
    assert!(en.contains("label_en") && en.contains("full-width"), "{en}");

    // A Chinese unit where the English unit goes.
    let text = CHINESE_ONLY.replace("  unit = \"次\"\n", "  unit = \"次\"\n  unit_en = \"次\"\n");
    assert_eq!(location_and_en(&text).0, "edited.toml:15:site.runs");

    // Too long an English unit.
    let long = "r".repeat(21);
    let text = CHINESE_ONLY.replace(
        "  unit = \"次\"\n",
        &format!("  unit = \"次\"\n  unit_en = \"{long}\"\n"),
    );
    let (loc, en) = location_and_en(&text);
    assert_eq!(loc, "edited.toml:15:site.runs");
    assert!(en.contains("too long"), "{en}");

    // The wrong type: a number as a label.
    let text = CHINESE_ONLY.replace("  unit = \"次\"\n", "  unit = \"次\"\n  label_en = 5\n");
    let (loc, en) = location_and_en(&text);
    assert_eq!(loc, "edited.toml:15:site.runs");
    assert!(en.contains("label_en") && en.contains("string"), "{en}");

    // An instrument that is not a reading's.
    let text = CHINESE_ONLY.replace(
        "  unit = \"次\"\n",
        "  unit = \"次\"\n  instrument_en = \"Multimeter\"\n",
    );
    assert!(location_and_en(&text).1.contains("instrument_en"));

    // A section title in Chinese where the English goes: at the title's line.
    let text = CHINESE_ONLY.replace(
        "title_zh = \"现场\"\n",
        "title_zh = \"现场\"\ntitle_en = \"现场 site\"\n",
    );
    assert_eq!(location_and_en(&text).0, "edited.toml:9");

    // An option's English.
    let text = CHINESE_ONLY.replace(
        "  kind = \"number\"\n  label_zh = \"测试次数\"\n  unit = \"次\"\n  min = 1\n",
        "  kind = \"single_choice\"\n  label_zh = \"方式\"\n  options = [{ id = \"a\", label_zh = \"甲\", label_en = \"（A）\" }]\n",
    );
    let (loc, en) = location_and_en(&text);
    assert!(
        loc.starts_with("edited.toml:") && loc.ends_with(":site.runs"),
        "{loc}"
    );
    assert!(en.contains("option \"a\""), "{en}");
}

#[test]
fn the_inspection_view_carries_english_for_every_text_it_shows() {
    let (_t, mut store) = TestDb::demo();
    let (lane, gate) = demo_lane(&store);
    let lib = Library::shipped().expect("templates");
    let id = run::start(&mut store, lib.get("quarterly_lane").expect("q"), &lane)
        .expect("start")
        .header
        .id;
    let v = views::inspection::view(&store, &id).expect("view");
    english("template name", v.name_en.as_deref());
    for it in &v.items {
        english(&format!("section of {}", it.key), it.section_en.as_deref());
        english(&it.key, it.item.label_en.as_deref());
    }
    // The list of what is missing is in English too, with ASCII brackets, not item keys alone.
    let boom = v
        .progress
        .missing
        .iter()
        .find(|m| m.key == format!("gate.boom@{gate}"))
        .expect("boom arm missing");
    assert_eq!(boom.label_en, format!("Boom arm ({gate})"));
    answer_rest_passing(&mut store, &id, &["lane.pass_rate"]);
    let err = run::complete(&mut store, &id).unwrap_err();
    let en = err.to_string();
    // Named in the person's words, never by the item's key.
    assert!(en.contains("Test pass rate"), "{en}");
    assert!(!en.contains("lane.pass_rate"), "{en}");
    assert_eq!(cjk_in(&en), None, "{en}");

    // Today's in-progress row names the template in English too.
    let today = views::today::today(&store).expect("today");
    let row = today
        .in_progress
        .iter()
        .find(|r| r.header.id == id)
        .expect("in progress");
    english("in-progress row", row.name_en.as_deref());
}

#[test]
fn every_state_and_status_the_ui_shows_has_english() {
    let mut all: Vec<(&str, &str)> = Vec::new();
    all.extend(
        WorkOrderState::ALL
            .iter()
            .map(|s| (s.label_zh(), s.label_en())),
    );
    all.extend(
        WorkOrderKind::ALL
            .iter()
            .map(|s| (s.label_zh(), s.label_en())),
    );
    all.extend(SlaStatus::ALL.iter().map(|s| (s.label_zh(), s.label_en())));
    all.extend(DeviceType::ALL.iter().map(|s| (s.label_zh(), s.label_en())));
    all.extend(
        DeviceStatus::ALL
            .iter()
            .map(|s| (s.label_zh(), s.label_en())),
    );
    all.extend(
        Confidentiality::ALL
            .iter()
            .map(|s| (s.label_zh(), s.label_en())),
    );
    for s in [
        SlotStatus::Done,
        SlotStatus::DoneLate,
        SlotStatus::Due,
        SlotStatus::Overdue,
        SlotStatus::Upcoming,
    ] {
        all.push((s.label_zh(), s.label_en()));
    }
    for (zh, en) in all {
        english(zh, Some(en));
        assert!(!en.contains('_'), "{zh}: a code, not words: {en}");
        assert!(
            !zh.contains(['(', ')', ':']),
            "ASCII punctuation in Chinese {zh}"
        );
    }
}

#[test]
fn every_history_line_the_core_writes_has_english() {
    let (t, mut store) = TestDb::demo();
    let (lane, gate) = demo_lane(&store);
    let device = devices::device(&store, &gate).expect("gate");
    // A fault from report to resolution, typed in English, with a part from the van.
    let wo = store
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: gate.clone(),
                    level: 2,
                    phenomenon: "boom does not rise".into(),
                    ..Default::default()
                },
            )
        })
        .expect("fault");
    for to in [
        WorkOrderState::Assigned,
        WorkOrderState::Responded,
        WorkOrderState::OnSite,
    ] {
        t.clock.advance(chrono::Duration::minutes(10));
        store
            .write(|tx| work_orders::advance(tx, &wo.id, to, None, None))
            .expect("advance");
    }
    store
        .write(|tx| {
            stock::record_movement(
                tx,
                &MovementInput {
                    kind: "issue".into(),
                    part: "PAD-BG".into(),
                    qty: 1,
                    from: Some("张伟车载库".into()),
                    work_order_id: Some(wo.id.clone()),
                    ..Default::default()
                },
            )
        })
        .expect("part");
    store
        .write(|tx| work_orders::advance(tx, &wo.id, WorkOrderState::Resolved, None, None))
        .expect("resolved");
    // A correction of the archive (model and serial), and a completed inspection.
    let input = DeviceInput {
        code: device.code.as_str().into(),
        device_type: device.device_type.code().into(),
        model: "XB-2000".into(),
        manufacturer: device.manufacturer.clone(),
        serial: "SN-EN-1".into(),
        lane_id: device.lane_id.clone(),
        ..Default::default()
    };
    store
        .write(|tx| devices::update_device(tx, &device.id, &input).map(|_| ()))
        .expect("correct");
    // A correction at the lane (the values typed stay as typed: ASCII here).
    let edit = devices::DeviceEdit {
        firmware: Some("V2.1.3".into()),
        position: Some("booth side".into()),
        notes: Some("upgraded".into()),
        status: Some("repairing".into()),
        ..Default::default()
    };
    devices::edit_at_lane(&mut store, &device.id, &edit).expect("lane edit");
    let lib = Library::shipped().expect("templates");
    let id = run::start(&mut store, lib.get("quarterly_lane").expect("q"), &lane)
        .expect("start")
        .header
        .id;
    answer_rest_passing(&mut store, &id, &[]);
    run::complete(&mut store, &id).expect("complete");

    let a = views::archive::open(&mut store, &gate, None).expect("archive");
    let part = stock::part(store.conn(), "PAD-BG").expect("part");
    let mut kinds: Vec<&str> = Vec::new();
    for h in &a.history {
        // A part's name and unit are the catalogue's words, as the office typed them.
        let en = h.summary_en.replace(&part.name, "").replace(&part.unit, "");
        assert_eq!(
            cjk_in(&en),
            None,
            "{} line {:?} in English: {:?}",
            h.line.kind,
            h.line.summary,
            h.summary_en
        );
        kinds.push(&h.line.kind);
    }
    for k in [
        "archived",
        "fault",
        "status",
        "part",
        "resolved",
        "corrected",
        "edited",
        "swap",
        "inspection",
    ] {
        assert!(kinds.contains(&k), "no {k} line in {kinds:?}");
    }
    english("device type", Some(a.type_label_en));
    english("device status", Some(a.status_label_en));

    // The fault's title: the device type in English, the phenomenon as reported.
    let row = views::work_order::rows(&store, vec![wo]).expect("rows");
    assert_eq!(
        row[0].title_en,
        format!("{gate} barrier gate: boom does not rise")
    );
}

#[test]
fn a_spare_swap_line_reads_in_english() {
    let zh = "备机替换：故障件 SN A1 返厂维修（RMA），装上备机 SN B2";
    let en = views::english::history_line_en("swap", zh);
    assert_eq!(
        en,
        "Spare unit swap: faulty unit SN A1 sent for factory repair (RMA), spare unit SN B2 fitted"
    );
    assert_eq!(
        views::english::history_line_en("swap", "取回借用备机 SN B2，装回修复的原设备 SN A1"),
        "Loan unit SN B2 taken back, the repaired original SN A1 refitted"
    );
    // A line in a format no version of the core wrote stays as written rather than guessed.
    assert_eq!(views::english::history_line_en("note", "随手记"), "随手记");
}

#[test]
fn a_fault_an_inspection_opened_reads_in_english() {
    let (_t, mut store) = TestDb::demo();
    let (lane, gate) = demo_lane(&store);
    let lib = Library::shipped().expect("templates");
    let id = run::start(&mut store, lib.get("quarterly_lane").expect("q"), &lane)
        .expect("start")
        .header
        .id;
    let boom = format!("gate.boom@{gate}");
    run::answer(&mut store, &id, &boom, &Given::text("damaged"), None).expect("boom");
    let wo = run::open_fault(&mut store, &id, &boom, Some("hit by a truck")).expect("fault");
    let open_time = format!("gate.open_time@{gate}");
    run::answer(&mut store, &id, &open_time, &Given::text("9"), None).expect("slow");
    let slow = run::open_fault(&mut store, &id, &open_time, None).expect("fault");

    let rows = views::work_order::rows(&store, vec![wo.clone(), slow]).expect("rows");
    assert!(
        rows[0].title_en.starts_with(&format!(
            "{gate} barrier gate: Quarterly checkpoint-lane inspection found: Boom arm = Cracked or broken"
        )),
        "{}",
        rows[0].title_en
    );
    for r in &rows {
        assert_eq!(
            cjk_in(&r.title_en),
            None,
            "{} → {}",
            r.summary.title,
            r.title_en
        );
    }
    let v = views::work_order::view(&store, &wo.id).expect("view");
    assert_eq!(
        v.phenomenon_en.as_deref(),
        Some("Quarterly checkpoint-lane inspection found: Boom arm = Cracked or broken; hit by a truck")
    );
    let a = views::archive::open(&mut store, &gate, None).expect("archive");
    for h in a.history.iter().filter(|h| h.line.kind == "fault") {
        assert_eq!(cjk_in(&h.summary_en), None, "{:?}", h.summary_en);
    }
    assert!(
        a.history.iter().any(|h| h
            .summary_en
            .ends_with("Opening time (factory ≤ 3 s) = 9 s (out of the allowed range)")),
        "{:?}",
        a.history.iter().map(|h| &h.summary_en).collect::<Vec<_>>()
    );
}

#[test]
fn an_english_inspection_report_prints_answers_and_sections_in_english() {
    use crate::report_support::{demo_reports, stdout, tool};
    let (_t, store) = TestDb::demo();
    // The demo's completed quarterly inspection (real photos), rendered in English.
    let (inspection, _) = demo_reports(&store);
    let assets = weibao::report::ReportAssets::locate().expect("assets");
    let pdf = weibao::report::preview(&store, &assets, &inspection.work_order_id, weibao::Lang::En)
        .expect("preview");
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("inspection-en.pdf");
    std::fs::write(&p, &pdf).expect("write");
    let text = stdout(&tool("pdftotext", &[p.to_str().expect("utf-8"), "-"]));
    for zh in ["合格", "不适用", "张照片", "（"] {
        assert!(!text.contains(zh), "{zh} in the English report:\n{text}");
    }
    assert!(text.contains("pass"), "{text}");
}
