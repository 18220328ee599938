//! The archives at the office through the real server: a secret archive needs a purpose, is
//! logged under the reader's name and refused above the role's level; the inventory imported
//! all or nothing with its bad rows named; paper folders lent and given back with everyone's
//! access log; archives added by hand and a device corrected, named in its history.

use crate::harness::Server;
use crate::staff::{add, get, login, post};
use weibao_office::staff::Role;

#[test]
fn a_secret_archive_needs_a_purpose_is_logged_by_name_and_is_refused_above_the_roles_level() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let secret = "/api/v1/archive/XA01-L03-PC01";
    let password = add(&server, "赵档", Role::Archivist);
    let keeper = login(&server, "赵档", &password);
    let (status, body) = get(&server, secret, Some(&keeper));
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("archive_access.purpose")),
        "no purpose: {body}"
    );
    let (status, body) = get(
        &server,
        &format!("{secret}?purpose=年度审计"),
        Some(&keeper),
    );
    assert_eq!(
        (status, body["device"]["code"].as_str()),
        (200, Some("XA01-L03-PC01")),
        "{body}"
    );
    let store = server.store();
    let logged: String = store
        .conn()
        .query_row(
            "SELECT author || '|' || purpose FROM archive_access ORDER BY rowid DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("logged");
    assert_eq!(logged, "赵档|年度审计");

    let password = add(&server, "王芳", Role::Dispatcher);
    let dispatcher = login(&server, "王芳", &password);
    let before: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM archive_access", [], |r| r.get(0))
        .expect("count");
    let (status, body) = get(
        &server,
        &format!("{secret}?purpose=看看"),
        Some(&dispatcher),
    );
    assert_eq!(
        (status, body["kind"].as_str()),
        (403, Some("archive_clearance")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap_or("").contains("秘密"),
        "{body}"
    );
    let after: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM archive_access", [], |r| r.get(0))
        .expect("count");
    assert_eq!(before, after, "a refused read is not logged as a read");
    let (status, _) = get(&server, "/api/v1/archive/XA01-L01-BG01", Some(&dispatcher));
    assert_eq!(status, 200, "a public archive");
    let (status, body) = get(&server, "/api/v1/archive/NO-SUCH", Some(&dispatcher));
    assert_eq!(status, 404, "{body}");
}

#[test]
fn the_archive_keeper_imports_the_inventory_a_bad_row_named_and_nothing_written() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "赵档", Role::Archivist);
    let keeper = login(&server, "赵档", &password);
    let file = |name: &str, text: &str| serde_json::json!({"name": name, "bytes": text.as_bytes().to_vec()});
    let sites = || -> i64 {
        server
            .store()
            .conn()
            .query_row("SELECT COUNT(*) FROM site", [], |r| r.get(0))
            .expect("sites")
    };
    let before = sites();
    let (status, out) = post(
        &server,
        &keeper,
        "/api/v1/import",
        serde_json::json!({"files": [file("bad.csv", "客户名称,站点名称\n没有这个客户,西安新筑卡口\n")]}),
    );
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["imported"], false, "{out}");
    let problem = &out["problems"][0];
    assert!(
        problem["at"]
            .as_str()
            .is_some_and(|a| a.contains("bad.csv"))
            && problem["message"]
                .as_str()
                .is_some_and(|m| m.contains("没有这个客户")),
        "{out}"
    );
    assert_eq!(sites(), before, "nothing written");

    let good = file("new.csv", "客户名称,站点名称\n西安海关,西安新筑卡口\n");
    let (_, dry) = post(
        &server,
        &keeper,
        "/api/v1/import",
        serde_json::json!({"files": [good.clone()], "dry_run": true}),
    );
    assert_eq!(
        (
            dry["imported"].as_bool(),
            dry["summary"]["sites"]["added"].as_u64()
        ),
        (Some(false), Some(1)),
        "{dry}"
    );
    assert_eq!(sites(), before, "a dry run writes nothing");
    let (_, done) = post(
        &server,
        &keeper,
        "/api/v1/import",
        serde_json::json!({"files": [good]}),
    );
    assert_eq!(done["imported"], true, "{done}");
    assert_eq!(sites(), before + 1);

    let (status, none) = post(
        &server,
        &keeper,
        "/api/v1/import",
        serde_json::json!({"files": []}),
    );
    assert_eq!(
        (status, none["field"].as_str()),
        (400, Some("files")),
        "{none}"
    );
    let (status, bad) = post(
        &server,
        &keeper,
        "/api/v1/import",
        serde_json::json!({"file": 1}),
    );
    assert_eq!(
        (status, bad["field"].as_str()),
        (400, Some("body")),
        "{bad}"
    );
    let password = add(&server, "王芳", Role::Dispatcher);
    let dispatcher = login(&server, "王芳", &password);
    let (status, _) = post(
        &server,
        &dispatcher,
        "/api/v1/import",
        serde_json::json!({"files": []}),
    );
    assert_eq!(status, 403, "the service centre does not import");
}

#[test]
fn the_archive_keeper_lends_a_paper_folder_gets_it_back_and_reads_everyones_access_log() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "赵档", Role::Archivist);
    let keeper = login(&server, "赵档", &password);
    let due = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    let folder = |due: &str| {
        serde_json::json!({"site": "西安综合保税区卡口", "device": "XA01-L03-PC01",
            "title": "3号车道竣工资料", "borrower": "王新", "purpose": "核对原始图纸", "due_back": due})
    };
    let (status, bad) = post(
        &server,
        &keeper,
        "/api/v1/paper-loans",
        folder("2099-01-01"),
    );
    assert_eq!(
        (status, bad["field"].as_str()),
        (400, Some("paper_loan.due_back")),
        "{bad}"
    );
    let (status, lent) = post(&server, &keeper, "/api/v1/paper-loans", folder(&due));
    assert_eq!(
        (status, lent["state"].as_str()),
        (201, Some("out")),
        "{lent}"
    );
    assert_eq!(lent["lent_by"], "赵档", "the person logged in");
    let (status, twice) = post(&server, &keeper, "/api/v1/paper-loans", folder(&due));
    assert_eq!(
        (status, twice["kind"].as_str()),
        (409, Some("paper_loan_out")),
        "{twice}"
    );
    let id = lent["id"].as_str().expect("id");
    let (status, back) = post(
        &server,
        &keeper,
        &format!("/api/v1/paper-loans/{id}/return"),
        serde_json::json!({}),
    );
    assert_eq!(
        (status, back["state"].as_str(), back["received_by"].as_str()),
        (200, Some("returned"), Some("赵档")),
        "{back}"
    );
    let (_, all) = get(&server, "/api/v1/paper-loans", Some(&keeper));
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");

    // A secret archive read by the lead shows in the keeper's log under the lead's name.
    let password = add(&server, "李明", Role::TechLead);
    let lead = login(&server, "李明", &password);
    let (status, _) = get(
        &server,
        "/api/v1/archive/XA01-L03-PC01?purpose=故障分析",
        Some(&lead),
    );
    assert_eq!(status, 200);
    let (_, log) = get(&server, "/api/v1/archive-access", Some(&keeper));
    let first = &log[0];
    assert_eq!(
        (
            first["reader"].as_str(),
            first["purpose"].as_str(),
            first["device_code"].as_str()
        ),
        (Some("李明"), Some("故障分析"), Some("XA01-L03-PC01")),
        "{log}"
    );
    // The lead reads archives but does not keep the archive room.
    assert_eq!(get(&server, "/api/v1/archive-access", Some(&lead)).0, 403);
    assert_eq!(
        post(&server, &lead, "/api/v1/paper-loans", folder(&due)).0,
        403
    );
}

#[test]
fn the_archive_keeper_adds_a_site_lane_and_device_by_hand_and_corrects_a_serial_named_in_history() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "赵档", Role::Archivist);
    let keeper = login(&server, "赵档", &password);
    let (_, customers) = get(&server, "/api/v1/org/customers", Some(&keeper));
    let customer = customers[0]["id"].as_str().expect("a customer").to_string();
    let (status, bad) = post(
        &server,
        &keeper,
        "/api/v1/org/sites",
        serde_json::json!({"customer_id": customer, "name": " "}),
    );
    assert_eq!(status, 400, "{bad}");
    let (status, site) = post(
        &server,
        &keeper,
        "/api/v1/org/sites",
        serde_json::json!({"customer_id": customer, "name": "西安新筑卡口"}),
    );
    assert_eq!(status, 201, "{site}");
    let (status, lane) = post(
        &server,
        &keeper,
        "/api/v1/org/lanes",
        serde_json::json!({"site_id": site["id"], "name": "1号进口车道", "code": "L01"}),
    );
    assert_eq!(status, 201, "{lane}");
    let (status, device) = post(
        &server,
        &keeper,
        "/api/v1/org/devices",
        serde_json::json!({
        "lane_id": lane["id"], "code": "XX01-L01-BG01", "device_type": "barrier_gate", "model": "BG-3000",
        "manufacturer": "捷顺", "serial": "BG0001"}),
    );
    assert_eq!(status, 201, "{device}");
    let (_, lanes) = get(&server, "/api/v1/org/lanes", Some(&keeper));
    assert!(
        lanes
            .as_array()
            .expect("lanes")
            .iter()
            .any(|l| l["id"] == lane["id"]),
        "{lanes}"
    );

    let edit = "/api/v1/archive/XX01-L01-BG01/edit";
    let (status, bad) = post(&server, &keeper, edit, serde_json::json!({"serial": ""}));
    assert_eq!(
        (status, bad["field"].as_str()),
        (400, Some("device.serial")),
        "{bad}"
    );
    let (status, done) = post(
        &server,
        &keeper,
        edit,
        serde_json::json!({"serial": "BG0002", "firmware": "V2.1"}),
    );
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["archive"]["device"]["serial"], "BG0002", "{done}");
    let history = done["archive"]["history"].as_array().expect("history");
    assert!(
        history
            .iter()
            .any(|h| h["by"] == "赵档"
                && h["summary"].as_str().is_some_and(|s| s.contains("BG0002"))),
        "the correction is in the history under the keeper's name: {history:?}"
    );
    let password = add(&server, "王芳", Role::Dispatcher);
    let dispatcher = login(&server, "王芳", &password);
    assert_eq!(
        post(
            &server,
            &dispatcher,
            edit,
            serde_json::json!({"serial": "X"})
        )
        .0,
        403
    );
    assert_eq!(
        get(&server, "/api/v1/org/customers", Some(&dispatcher)).0,
        403
    );
}
