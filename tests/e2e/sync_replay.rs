//! Replay: a replica's change set, imported into an empty database, rebuilds exactly the same
//! replica — after the demo and after each kind of action an engineer takes — and a damaged,
//! foreign or forged change set is refused whole, with nothing applied. The private signing key
//! never travels.

use crate::checklist_run::passing_answer;
use crate::sync_support::*;
use std::path::Path;
use weibao::checklist::run::{self, Given};
use weibao::checklist::{state, Library};
use weibao::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use weibao::report::{finalise, signature, ReportAssets};
use weibao::stock::{self, MovementInput};
use weibao::store::changes::{Change, Op};
use weibao::store::{changeset, hlc, new_id};
use weibao::{work_orders, Error, Lang, Store};

/// Export what `a` logged after `cursor`, import it into `b`, and check they are identical.
fn ship(a: &Store, b: &mut Store, cursor: &mut i64, what: &str) {
    let (_dir, file) = changes_file(what);
    let ex = changeset::export(a, *cursor, &file).expect("export");
    assert!(ex.count > 0, "{what}: the action logged changes");
    assert_eq!(ex.since, *cursor);
    let report = changeset::import(b, &file).expect("import");
    assert_eq!(report.held, 0, "{what}: nothing held: {report:?}");
    assert_eq!(
        report.applied, ex.count,
        "{what}: every change applies: {report:?}"
    );
    *cursor = ex.until;
    assert_identical(a, b, what);
    no_private_key(&file, what);
}

fn no_private_key(file: &Path, what: &str) {
    let text = file_text(file);
    assert!(
        !text.contains("PRIVATE KEY"),
        "{what}: a private key is in the exported change set"
    );
}

fn mv(
    kind: &str,
    part: &str,
    from: Option<&str>,
    to: Option<&str>,
    wo: Option<&str>,
) -> MovementInput {
    MovementInput {
        kind: kind.into(),
        part: part.into(),
        qty: 1,
        from: from.map(str::to_string),
        to: to.map(str::to_string),
        work_order_id: wo.map(str::to_string),
        ..Default::default()
    }
}

#[test]
fn sync_replay_of_the_demo_and_of_every_action_rebuilds_an_identical_replica() {
    let mut a = demo_replica();
    let mut b = empty_replica();

    // The demo's whole log rebuilds the demo in an empty database.
    let (_dir, file) = changes_file("demo");
    let ex = changeset::export(&a.store, 0, &file).expect("export");
    let first = changeset::import(&mut b.store, &file).expect("import");
    assert_eq!(first.applied, ex.count, "{first:?}");
    assert_eq!((first.held, first.conflicts, first.duplicates), (0, 0, 0));
    assert_identical(&a.store, &b.store, "demo replayed into an empty database");

    // The same file again changes nothing.
    let before = dump(&b.store);
    let again = changeset::import(&mut b.store, &file).expect("import again");
    assert_eq!(again.applied, 0, "{again:?}");
    assert_eq!(again.duplicates, ex.count, "{again:?}");
    assert_dumps_equal(&before, &dump(&b.store), "importing the same file twice");

    // Each kind of action, shipped with `--since` the previous `until`.
    let mut cursor = ex.until;
    let s = &mut a.store;
    let t = &a.db;
    let wo = s
        .write(|tx| {
            work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: "XY01-L02-CM02".into(),
                    level: 3,
                    phenomenon: "摄像机画面偶发黑屏".into(),
                    contact_name: Some("刘晓燕".into()),
                    contact_phone: Some("029-88798002".into()),
                    ..Default::default()
                },
            )
        })
        .expect("fault")
        .id;
    ship(s, &mut b.store, &mut cursor, "report a fault");
    for (to, what) in [
        (WorkOrderState::Assigned, "assign"),
        (WorkOrderState::Responded, "respond"),
        (WorkOrderState::OnSite, "on site"),
    ] {
        t.clock.advance(chrono::Duration::minutes(20));
        s.write(|tx| work_orders::advance(tx, &wo, to, None, None))
            .expect(what);
        ship(s, &mut b.store, &mut cursor, what);
    }
    s.write(|tx| {
        stock::record_movement(
            tx,
            &mv("issue", "PWR-12V", Some("张伟车载库"), None, Some(&wo)),
        )
    })
    .expect("issue");
    ship(s, &mut b.store, &mut cursor, "stock issue");
    s.write(|tx| {
        stock::record_movement(
            tx,
            &mv("transfer", "PAD-BG", Some("总仓"), Some("李娜车载库"), None),
        )
    })
    .expect("transfer");
    ship(s, &mut b.store, &mut cursor, "stock transfer");
    s.write(|tx| stock::swap_unit(tx, &wo, "CAM-HK-SP001", "张伟车载库"))
        .expect("备机 swap");
    ship(s, &mut b.store, &mut cursor, "备机 swap");
    let serial: String = scalar(
        s,
        "SELECT serial FROM device_now WHERE code = ?1",
        "XY01-L02-CM02",
    );
    assert_eq!(serial, "CAM-HK-SP001");
    let serial_b: String = scalar(
        &b.store,
        "SELECT serial FROM device_now WHERE code = ?1",
        "XY01-L02-CM02",
    );
    assert_eq!(serial_b, serial, "the derived serial replays too");
    s.write(|tx| {
        work_orders::record_service(
            tx,
            &wo,
            &ServiceRecordInput {
                found_state: "画面每隔数分钟黑屏一次".into(),
                process: "更换摄像机（备机），原机返厂".into(),
                analysis: Some("摄像机主板故障".into()),
                customer_feedback: None,
                satisfaction: Some(4),
                backup_restore: None,
            },
        )
    })
    .expect("service record");
    ship(s, &mut b.store, &mut cursor, "service record");
    t.clock.advance(chrono::Duration::minutes(30));
    s.write(|tx| work_orders::advance(tx, &wo, WorkOrderState::Resolved, None, None))
        .expect("resolved");
    ship(s, &mut b.store, &mut cursor, "resolved");
    signature::capture(s, &wo, &weibao::demo::reports::demo_signature(1), "刘晓燕")
        .expect("signature");
    ship(s, &mut b.store, &mut cursor, "customer signature");
    let assets = ReportAssets::locate().expect("report assets");
    finalise::finalise(s, &assets, &wo, Lang::Zh).expect("finalise");
    ship(s, &mut b.store, &mut cursor, "signed report");
    let state_b: String = scalar(
        &b.store,
        "SELECT state FROM work_order_now WHERE id = ?1",
        &wo,
    );
    assert_eq!(state_b, "customer_signed");

    // An inspection: started, a few items answered.
    let lib = Library::shipped().expect("templates");
    let template = lib.get("quarterly_lane").expect("quarterly");
    let lane = weibao::org::lanes(s, None).expect("lanes")[5].id.clone();
    let started = run::start(s, template, &lane).expect("start");
    let insp = started.header.id.clone();
    ship(s, &mut b.store, &mut cursor, "inspection start");
    for _ in 0..4 {
        let st = state::load(s.conn(), &insp).expect("load");
        let item = st
            .items
            .iter()
            .find(|i| st.shown(i) && st.effective(&i.id).is_none())
            .expect("an open item");
        let key = item.key.clone();
        let text = passing_answer(s, &item.item.spec, &key);
        run::answer(s, &insp, &key, &Given::text(text), None).expect("answer");
        ship(s, &mut b.store, &mut cursor, &format!("answer {key}"));
    }

    // The signing key stayed on the laptop that made it.
    let secrets: i64 = value(&b.store, "SELECT COUNT(*) FROM engineer_secret");
    assert_eq!(secrets, 0, "no private key reached the other replica");
}

#[test]
fn sync_replay_refuses_a_cut_or_foreign_file_whole() {
    let a = demo_replica();
    let mut b = empty_replica();
    let (dir, file) = changes_file("demo");
    changeset::export(&a.store, 0, &file).expect("export");
    let bytes = std::fs::read(&file).expect("read");

    let refused = |b: &mut Store, p: &Path, what: &str| -> Error {
        let before = dump(b);
        let err = changeset::import(b, p).expect_err(what);
        assert_eq!(err.kind(), "invalid", "{what}: {err}");
        assert_eq!(err.field(), Some("file"), "{what}: {err}");
        assert_dumps_equal(&before, &dump(b), what);
        let logged: i64 = value(b, "SELECT COUNT(*) FROM change_log");
        assert_eq!(logged, 0, "{what}: nothing logged");
        err
    };

    // Cut at 60 % (mid-line) and at a line boundary before the footer.
    let cut = dir.path().join("cut.weibao-changes");
    std::fs::write(&cut, &bytes[..bytes.len() * 6 / 10]).expect("write");
    let err = refused(&mut b.store, &cut, "a file cut at 60 %");
    assert!(err.to_string().contains("incomplete"), "{err}");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    let whole_lines = lines[..lines.len() * 6 / 10].join("\n") + "\n";
    std::fs::write(&cut, whole_lines).expect("write");
    refused(&mut b.store, &cut, "a file cut at a line boundary");
    // The footer kept but a change line dropped.
    let mut dropped: Vec<&str> = lines.clone();
    dropped.remove(lines.len() / 2);
    std::fs::write(&cut, dropped.join("\n") + "\n").expect("write");
    refused(&mut b.store, &cut, "a file missing a change line");

    // Foreign files: some JSON, a PDF, nothing at all.
    let json = dir.path().join("other.json");
    std::fs::write(&json, br#"{"format":"something-else","rows":[1,2,3]}"#).expect("write");
    refused(&mut b.store, &json, "random JSON");
    let pdf = dir.path().join("report.pdf");
    let report = finalise::all_reports(a.store.conn()).expect("reports")[0].clone();
    std::fs::write(&pdf, finalise::pdf_of(&a.store, &report).expect("pdf")).expect("write");
    refused(&mut b.store, &pdf, "a signed PDF");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, b"").expect("write");
    refused(&mut b.store, &empty, "an empty file");

    // And the whole file still imports afterwards.
    changeset::import(&mut b.store, &file).expect("the whole file");
    assert_identical(&a.store, &b.store, "after the refused files");
}

/// A well-formed stamp `minutes` after Monday 10:00 from installation `origin`.
fn stamp_at(minutes: i64, origin: &str) -> String {
    hlc::stamp(
        hlc::ntp64(at_minutes(minutes)),
        &hlc::installation_hex(origin),
    )
}

/// A valid new contact of `customer`, as another installation would send it.
fn new_contact(origin: &str, seq: i64, customer: &str) -> Change {
    let mut fields = serde_json::Map::new();
    fields.insert("customer_id".into(), customer.into());
    fields.insert("name".into(), "王磊".into());
    fields.insert("phone".into(), "13800000000".into());
    fields.insert("role".into(), serde_json::Value::Null);
    Change {
        origin: origin.into(),
        seq,
        table: "contact".into(),
        row_id: new_id(),
        op: Op::Insert,
        hlc: stamp_at(5, origin),
        author: "office".into(),
        fields,
    }
}

/// A change-set file holding exactly `changes`, with a correct header and footer.
fn write_changeset(path: &Path, installation: &str, changes: &[Change]) {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    let mut out = serde_json::json!({
        "format": changeset::FORMAT, "version": changeset::VERSION,
        "installation": installation, "since": 0,
    })
    .to_string()
        + "\n";
    for c in changes {
        let line = serde_json::to_string(c).expect("json");
        hash.update(line.as_bytes());
        hash.update(b"\n");
        out += &line;
        out += "\n";
    }
    out += &serde_json::json!({
        "end": true, "count": changes.len(), "until": changes.len(),
        "sha256": hex::encode(hash.finalize()),
    })
    .to_string();
    out += "\n";
    std::fs::write(path, out).expect("write change set");
}

#[test]
fn sync_replay_refuses_a_forged_change_whole_naming_it() {
    let seed = demo_replica();
    let mut b = replica_from(&seed.store, None);
    let customer: String = value(&b.store, "SELECT id FROM customer ORDER BY id LIMIT 1");
    let key_id: String = value(&b.store, "SELECT id FROM engineer_key ORDER BY id LIMIT 1");
    let office = new_id();
    let valid = new_contact(&office, 1, &customer);

    let mut unknown_table = new_contact(&office, 2, &customer);
    unknown_table.table = "engineer_secret".into();
    let mut unknown_column = Change {
        origin: office.clone(),
        seq: 2,
        table: "engineer_key".into(),
        row_id: key_id,
        op: Op::Update,
        hlc: stamp_at(6, &office),
        author: "office".into(),
        fields: serde_json::Map::new(),
    };
    unknown_column.fields.insert(
        "key_pem".into(),
        "-----BEGIN PRIVATE KEY-----\nforged\n-----END PRIVATE KEY-----".into(),
    );
    let mut local_table = new_contact(&office, 2, &customer);
    local_table.table = "meta".into();
    let mut sync_column = new_contact(&office, 2, &customer);
    sync_column.op = Op::Update;
    sync_column.fields = serde_json::Map::new();
    sync_column.fields.insert("author".into(), "someone".into());

    let before = dump(&b.store);
    let (dir, _) = changes_file("x");
    for (forged, expect_field, words) in [
        (
            &unknown_table,
            "changes[1].table",
            "unknown table 'engineer_secret'",
        ),
        (&local_table, "changes[1].table", "unknown table 'meta'"),
        (
            &unknown_column,
            "changes[1].fields",
            "no synced column 'key_pem'",
        ),
        (
            &sync_column,
            "changes[1].fields",
            "no synced column 'author'",
        ),
    ] {
        let batch = vec![valid.clone(), forged.clone()];
        let err = b.store.apply_remote(&batch).expect_err("forged batch");
        assert_eq!(err.kind(), "invalid", "{err}");
        assert_eq!(err.field(), Some(expect_field), "{err}");
        assert!(err.to_string().contains(words), "{err}");
        assert_dumps_equal(&before, &dump(&b.store), "a forged batch applies nothing");

        // The same through a file: the line is named, nothing applied.
        let p = dir.path().join("forged.weibao-changes");
        write_changeset(&p, &office, &batch);
        let err = changeset::import(&mut b.store, &p).expect_err("forged file");
        assert_eq!(err.kind(), "invalid", "{err}");
        let field = err.field().expect("field").to_string();
        assert!(
            field.starts_with("line 3."),
            "names the forged line: {field} ({err})"
        );
        assert!(err.to_string().contains(words), "{err}");
        assert_dumps_equal(&before, &dump(&b.store), "a forged file applies nothing");
    }
    let logged: i64 = scalar(
        &b.store,
        "SELECT COUNT(*) FROM change_log WHERE origin = ?1",
        &office,
    );
    assert_eq!(logged, 0, "not even the valid change of the forged batch");
    let secrets: i64 = value(&b.store, "SELECT COUNT(*) FROM engineer_secret");
    assert_eq!(secrets, 0);

    // The valid change alone applies.
    let ok = b.store.apply_remote(&[valid]).expect("valid change");
    assert_eq!(ok.applied, 1);
}

#[test]
fn sync_replay_never_exports_the_private_signing_key() {
    let a = demo_replica();
    let reports = finalise::all_reports(a.store.conn()).expect("reports");
    assert!(reports.len() >= 2, "the demo has signed reports");
    let pems: Vec<String> = {
        let mut st = a
            .store
            .conn()
            .prepare("SELECT key_pem FROM engineer_secret")
            .expect("secrets");
        st.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    };
    assert!(!pems.is_empty(), "the demo engineer has a signing key");
    let (_dir, file) = changes_file("demo");
    changeset::export(&a.store, 0, &file).expect("export");
    let text = file_text(&file);
    assert!(!text.contains("PRIVATE KEY"));
    for pem in &pems {
        assert!(pem.contains("PRIVATE KEY"), "a PEM private key");
        // Every line of the key body: none may appear anywhere in the file.
        for line in pem
            .lines()
            .filter(|l| !l.starts_with("-----") && l.len() > 16)
        {
            assert!(!text.contains(line), "key material in the change set");
        }
    }
    for c in all_changes(&a.store) {
        let json = serde_json::to_string(&c).expect("json");
        assert!(!json.contains("PRIVATE KEY"), "{}: {}", c.table, c.row_id);
        assert!(
            !["engineer_secret", "meta", "blob"].contains(&c.table.as_str()),
            "a local-only table in the log: {}",
            c.table
        );
    }
    // Every table a change names is a synced one, never local-only.
    for c in all_changes(&a.store) {
        assert!(
            !weibao::store::registry::LOCAL_ONLY.contains(&c.table.as_str()),
            "{}",
            c.table
        );
        assert!(
            weibao::store::registry::table(&c.table).is_some(),
            "{}",
            c.table
        );
    }
}
