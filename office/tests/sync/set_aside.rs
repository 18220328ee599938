//! A change the office refuses is set aside with its reason, never blocking the rest.

use crate::harness::{Laptop, Server};
use rusqlite::OptionalExtension;

fn one(store: &weibao::Store, sql: &str, id: &str) -> Option<String> {
    store
        .conn()
        .query_row(sql, [id], |r| r.get(0))
        .optional()
        .expect("query")
        .flatten()
}

#[test]
fn an_edit_of_another_engineers_record_is_set_aside_and_the_rest_syncs() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = office.enrollable("王新");
    let laptop = Laptop::new();
    let out = laptop.enrol(&office, &token);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut store = laptop.store();
    let me = store.current_engineer().to_string();
    let other: String = store
        .conn()
        .query_row(
            "SELECT id FROM engineer WHERE id <> ?1 AND deleted = 0 ORDER BY name LIMIT 1",
            [&me],
            |r| r.get(0),
        )
        .expect("a demo engineer");
    let device: String = store
        .conn()
        .query_row("SELECT id FROM device ORDER BY code LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("device");
    // Offline: one forbidden edit between two ordinary ones.
    store
        .write(|tx| tx.update("device", &device, &[("notes", &"闸机异响，已紧固")]))
        .expect("edit device");
    store
        .write(|tx| tx.update("engineer", &other, &[("phone", &"13900000000")]))
        .expect("edit someone else");
    store
        .write(|tx| tx.update("engineer", &me, &[("phone", &"13811112222")]))
        .expect("edit own record");
    drop(store);

    let err = laptop.sync_ok(&office, &token);
    assert!(err.contains("set aside"), "{err}");
    assert!(err.contains("another engineer's record"), "{err}");

    let o = office.store();
    assert_eq!(
        one(&o, "SELECT notes FROM device WHERE id = ?1", &device).as_deref(),
        Some("闸机异响，已紧固"),
        "the edit after the refused one arrived"
    );
    assert_eq!(
        one(&o, "SELECT phone FROM engineer WHERE id = ?1", &me).as_deref(),
        Some("13811112222")
    );
    assert_ne!(
        one(&o, "SELECT phone FROM engineer WHERE id = ?1", &other).as_deref(),
        Some("13900000000"),
        "the refused change was not applied"
    );
    let conflicts = weibao::conflicts::list(&o, false).expect("conflicts");
    let refused: Vec<_> = conflicts
        .iter()
        .filter(|c| c.kind == "refused_change")
        .collect();
    assert_eq!(refused.len(), 1, "{conflicts:?}");
    assert!(refused[0].message_en.contains("another engineer's record"));

    // The laptop keeps it with its reason; syncing again neither repeats nor blocks.
    let kept = weibao::sync::vet::set_aside(&laptop.store()).expect("set aside");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].table, "engineer");
    assert_eq!(kept[0].row_id, other);
    assert_eq!(kept[0].reason, "不能修改其他工程师的档案");
    laptop.sync_ok(&office, &token);
    assert_eq!(
        weibao::sync::vet::set_aside(&laptop.store())
            .expect("again")
            .len(),
        1
    );
    assert_eq!(weibao::sync::pending(&laptop.store()).expect("pending"), 0);

    // An office person may accept it: then it applies.
    let mut o = office.store();
    weibao::conflicts::resolve(&mut o, &refused[0].key, "电话号码已向本人核实").expect("resolve");
    assert_eq!(
        one(&o, "SELECT phone FROM engineer WHERE id = ?1", &other).as_deref(),
        Some("13900000000")
    );
}

#[test]
fn the_leads_common_faults_reach_the_laptop_and_a_laptops_edit_of_them_is_set_aside() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = office.enrollable("王新");
    let laptop = Laptop::new();
    let out = laptop.enrol(&office, &token);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The technical lead confirms a row at the office.
    let lead = weibao::common_faults::CurateInput {
        device_type: "道闸".into(),
        phenomenon: "道闸抬杆后不落杆".into(),
        cause: Some("落杆缓冲垫老化开裂".into()),
        remedy: Some("更换缓冲垫并调整落杆限位".into()),
        hidden: false,
        by: "李工".into(),
    };
    let confirmed = office
        .store()
        .write(|tx| weibao::common_faults::curate(tx, &lead))
        .expect("confirmed at the office");
    laptop.sync_ok(&office, &token);
    let on_laptop = weibao::common_faults::curated(laptop.store().conn()).expect("rows");
    assert_eq!(on_laptop.len(), 1, "the laptop holds the lead's table");
    assert_eq!(
        on_laptop[0].remedy.as_deref(),
        Some("更换缓冲垫并调整落杆限位")
    );

    // An engineer rewords it on the laptop: refused at the office, kept aside on the laptop.
    laptop
        .store()
        .write(|tx| {
            weibao::common_faults::curate(
                tx,
                &weibao::common_faults::CurateInput {
                    remedy: Some("换垫子".into()),
                    by: "王新".into(),
                    ..lead.clone()
                },
            )
        })
        .expect("written locally");
    let err = laptop.sync_ok(&office, &token);
    assert!(err.contains("technical lead"), "{err}");
    assert_eq!(
        one(
            &office.store(),
            "SELECT remedy FROM common_fault WHERE id = ?1",
            &confirmed.id
        )
        .as_deref(),
        Some("更换缓冲垫并调整落杆限位"),
        "the office's wording stands"
    );
    let kept = weibao::sync::vet::set_aside(&laptop.store()).expect("set aside");
    assert!(
        kept.iter().all(|k| k.table == "common_fault") && !kept.is_empty(),
        "{kept:?}"
    );
}

#[test]
fn a_template_office_staff_add_reaches_the_laptop_and_can_be_started_there() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = office.enrollable("王新");
    let laptop = Laptop::new();
    let out = laptop.enrol(&office, &token);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = r#"
id = "monthly_cabinet"
version = 1
kind = "daily"
name_zh = "机柜月度检查"

[[section]]
applies_to = "lane"
title_zh = "机柜"

  [[section.item]]
  id = "cabinet.clean"
  kind = "pass_fail"
  label_zh = "机柜清洁、无积尘"
  required = true
"#;
    office
        .store()
        .write(|tx| weibao::checklist::catalog::add(tx, text, "monthly_cabinet.toml"))
        .expect("added at the office");
    office
        .store()
        .write(|tx| weibao::checklist::catalog::retire(tx, "daily_maintenance"))
        .expect("retired at the office");
    laptop.sync_ok(&office, &token);
    let codes: Vec<String> = weibao::checklist::catalog::startable(&laptop.store())
        .expect("list")
        .into_iter()
        .map(|t| t.code)
        .collect();
    assert_eq!(
        codes,
        ["quarterly_lane", "baseline_survey", "monthly_cabinet"]
    );
    // An engineer's own template written on the laptop is set aside at the office.
    laptop
        .store()
        .write(|tx| weibao::checklist::catalog::retire(tx, "monthly_cabinet"))
        .expect("written locally");
    let err = laptop.sync_ok(&office, &token);
    assert!(err.contains("office staff"), "{err}");
    let at_office = weibao::checklist::catalog::startable(&office.store()).expect("office");
    assert!(at_office.iter().any(|t| t.code == "monthly_cabinet"));
}
