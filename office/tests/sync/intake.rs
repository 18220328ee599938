//! Fault intake through the real server: the dispatcher finds the caller by the last digits of
//! their number and the device by its code, sees the contract that covers it, registers a
//! phone fault with every field of the 报障登记表 and gets its SLA clocks at once; a device
//! outside every contract is flagged billable and the customer's consent is recorded; bad
//! fields are named and nothing is stored.

use crate::harness::{weibao, Server};
use crate::staff::{add, get, login, post};
use weibao_office::staff::Role;

fn work_orders(server: &Server) -> i64 {
    server
        .store()
        .conn()
        .query_row("SELECT COUNT(*) FROM work_order", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_dispatcher_registers_a_phone_fault_with_every_field_and_sees_its_clocks() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "王芳", Role::Dispatcher);
    let me = login(&server, "王芳", &password);

    // "尾号 6001": the customer's contact and their sites.
    let (status, callers) = get(&server, "/api/v1/intake/callers?phone=6001", Some(&me));
    assert_eq!(status, 200, "{callers}");
    assert_eq!(callers[0]["name"], "陈建国", "{callers}");
    assert_eq!(callers[0]["customer_name"], "西安海关");
    assert!(callers[0]["sites"]
        .as_array()
        .is_some_and(|s| !s.is_empty()));
    let (status, body) = get(&server, "/api/v1/intake/callers?phone=60", Some(&me));
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("intake.phone"))
    );

    let (status, dev) = get(&server, "/api/v1/intake/device?q=xa01-l01-bg01", Some(&me));
    assert_eq!(status, 200, "{dev}");
    assert_eq!(dev["device"]["code"], "XA01-L01-BG01");
    assert_eq!(dev["billable"], false, "under contract: {dev}");
    assert!(dev["contract"]["number"].is_string(), "{dev}");
    assert_eq!(dev["levels"].as_array().map(Vec::len), Some(4), "{dev}");
    let (status, body) = get(&server, "/api/v1/intake/device?q=NO-SUCH", Some(&me));
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("intake.device")),
        "{body}"
    );

    let before = work_orders(&server);
    let form = serde_json::json!({
        "device_id": "XA01-L01-BG01",
        "level": 2,
        "fault_time": "2026-11-23 09:40",
        "phenomenon": "道闸抬杆后不落杆，车辆排队",
        "location": "1 号车道出口",
        "contact_name": "陈建国",
        "contact_phone": "029-86366001",
        "channel": "phone",
    });
    // A fault time in 2099 is named and nothing is stored.
    let mut future = form.clone();
    future["fault_time"] = "2099-01-01 08:00".into();
    let (status, body) = post(&server, &me, "/api/v1/faults", future);
    assert_eq!(status, 400, "{body}");
    assert!(
        body["field"]
            .as_str()
            .is_some_and(|f| f.contains("fault_time")),
        "{body}"
    );
    let (status, body) = post(
        &server,
        &me,
        "/api/v1/faults",
        serde_json::json!({"level": "二"}),
    );
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("body")),
        "{body}"
    );
    assert_eq!(work_orders(&server), before, "nothing stored");

    let (status, reg) = post(&server, &me, "/api/v1/faults", form);
    assert_eq!(status, 201, "{reg}");
    let wo = &reg["work_order"];
    assert_eq!(wo["state"], "reported");
    let fr = &wo["fault_report"];
    for (key, want) in [
        ("phenomenon", "道闸抬杆后不落杆，车辆排队"),
        ("location", "1 号车道出口"),
        ("contact_name", "陈建国"),
        ("contact_phone", "029-86366001"),
        ("taken_by", "王芳"),
        ("channel", "phone"),
    ] {
        assert_eq!(fr[key], want, "{key}: {fr}");
    }
    let clocks = wo["clocks"].as_array().expect("clocks");
    assert!(
        clocks.iter().any(|c| c["kind"] == "response")
            && clocks.iter().any(|c| c["kind"] == "on_site"),
        "{wo}"
    );
    assert!(reg["billing"].is_object());
    assert_eq!(work_orders(&server), before + 1);
}

#[test]
fn a_device_outside_every_contract_is_billable_and_the_consent_is_recorded() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let db = server.data.replica();
    for args in [
        &[
            "add",
            "customer",
            "渭南物流公司",
            "--contact",
            "刘经理",
            "--phone",
            "13900008888",
        ][..],
        &["add", "site", "--customer", "渭南物流公司", "渭南卡口"],
        &[
            "add",
            "lane",
            "--site",
            "渭南卡口",
            "1号车道",
            "--code",
            "L01",
        ],
        &[
            "add",
            "device",
            "--lane",
            "渭南卡口/L01",
            "--code",
            "WN01-L01-BG01",
            "--type",
            "道闸",
            "--model",
            "BG-3000",
            "--manufacturer",
            "捷顺",
            "--serial",
            "WN-SN-1",
        ],
    ] {
        let out = weibao(&db, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let password = add(&server, "王芳", Role::Dispatcher);
    let me = login(&server, "王芳", &password);
    // Found by its serial, as a caller reads it off the cabinet.
    let (status, dev) = get(&server, "/api/v1/intake/device?q=WN-SN-1", Some(&me));
    assert_eq!(status, 200, "{dev}");
    assert_eq!(
        (dev["billable"].as_bool(), dev["matched_by"].as_str()),
        (Some(true), Some("serial")),
        "{dev}"
    );
    assert!(dev["contract"].is_null());
    assert!(
        dev["note_zh"].as_str().is_some_and(|n| n.contains("收费")),
        "{dev}"
    );

    let (status, reg) = post(
        &server,
        &me,
        "/api/v1/faults",
        serde_json::json!({"device_id": "WN01-L01-BG01", "level": 3, "phenomenon": "道闸异响",
            "contact_name": "刘经理", "contact_phone": "13900008888", "channel": "电话"}),
    );
    assert_eq!(status, 201, "{reg}");
    let id = reg["work_order"]["id"].as_str().expect("id").to_string();
    // The visit's charges as agreed on the phone: a day's labour and the trip.
    let (status, bill) = post(
        &server,
        &me,
        &format!("/api/v1/work-orders/{id}/billing"),
        serde_json::json!({"labour_days": "1", "travel_yuan": "200"}),
    );
    assert_eq!(status, 200, "{bill}");
    assert!(
        bill["quote"]["total_fen"].as_i64().is_some_and(|t| t > 0),
        "{bill}"
    );
    assert_eq!(bill["needs_consent"], true);
    let (status, body) = post(
        &server,
        &me,
        &format!("/api/v1/work-orders/{id}/consent"),
        serde_json::json!({"signer": ""}),
    );
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("billing.signer")),
        "{body}"
    );
    let (status, bill) = post(
        &server,
        &me,
        &format!("/api/v1/work-orders/{id}/consent"),
        serde_json::json!({"signer": "刘经理"}),
    );
    assert_eq!(status, 200, "{bill}");
    assert_eq!(bill["consent"]["signer"], "刘经理", "{bill}");
    // An archive keeper does not take calls.
    let password = add(&server, "赵档案", Role::Archivist);
    let keeper = login(&server, "赵档案", &password);
    assert_eq!(
        get(&server, "/api/v1/intake/device?q=WN-SN-1", Some(&keeper)).0,
        403
    );
}

#[test]
fn a_complaint_is_registered_answered_and_closed_through_the_office() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "王芳", Role::Dispatcher);
    let me = login(&server, "王芳", &password);
    let (status, c) = post(
        &server,
        &me,
        "/api/v1/complaints",
        serde_json::json!({"customer": "西安海关", "complainant": "陈建国", "phone": "029-86366001",
            "content": "两次上门未修好，要求更换整机"}),
    );
    assert_eq!(status, 201, "{c}");
    assert_eq!(
        (c["taken_by"].as_str(), c["state"].as_str()),
        (Some("王芳"), Some("received"))
    );
    assert!(
        c["answer_by"].is_string() && c["answer_status"] == "on_time",
        "{c}"
    );
    let id = c["number"].as_str().expect("number").to_string();
    let (status, body) = post(
        &server,
        &me,
        "/api/v1/complaints",
        serde_json::json!({"customer": "西安海关"}),
    );
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("body")),
        "{body}"
    );
    let steps = format!("/api/v1/complaints/{id}/steps");
    let (status, c) = post(
        &server,
        &me,
        &steps,
        serde_json::json!({"investigation": "配件型号不符", "initial_action": "更换原厂件"}),
    );
    assert_eq!(
        (status, c["state"].as_str(), c["answer_status"].as_str()),
        (200, Some("answered"), Some("met")),
        "{c}"
    );
    let (status, c) = post(
        &server,
        &me,
        &steps,
        serde_json::json!({"handled_by": "张伟", "correction": "已更换并复查"}),
    );
    assert_eq!(
        (status, c["state"].as_str()),
        (200, Some("corrected")),
        "{c}"
    );
    let (status, body) = post(
        &server,
        &me,
        &steps,
        serde_json::json!({"customer_opinion": "满意", "satisfaction": 9, "summary": "已结"}),
    );
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("complaint.satisfaction")),
        "{body}"
    );
    let (status, c) = post(
        &server,
        &me,
        &steps,
        serde_json::json!({"customer_opinion": "满意", "satisfaction": 5, "summary": "已结"}),
    );
    assert_eq!((status, c["state"].as_str()), (200, Some("closed")), "{c}");
    let (status, list) = get(&server, "/api/v1/complaints", Some(&me));
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)));
    let password = add(&server, "赵档案", Role::Archivist);
    let keeper = login(&server, "赵档案", &password);
    assert_eq!(get(&server, "/api/v1/complaints", Some(&keeper)).0, 403);
}
