//! 回访 through the real server: a work order closed after review is due for a call, a call
//! that reaches nobody leaves it due, one that reaches the customer takes it off the list; the
//! month's list has each customer with a contract in force until a monthly call reaches them;
//! bad calls are named and nothing is stored.

use crate::harness::Server;
use crate::staff::post;
use crate::staff::{add, get, login};
use weibao_office::staff::Role;

fn calls(server: &Server) -> i64 {
    server
        .store()
        .conn()
        .query_row("SELECT COUNT(*) FROM follow_up_call", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_closed_work_order_and_the_months_customers_are_called_back_and_recorded() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "王芳", Role::Dispatcher);
    let me = login(&server, "王芳", &password);

    // The demo's signed repair, closed after review.
    let (_, reports) = get(&server, "/api/v1/reports?state=customer_signed", Some(&me));
    let signed = reports
        .as_array()
        .and_then(|l| l.iter().find(|r| r["kind"] == "service"))
        .expect("a signed repair waiting for review")
        .clone();
    let wo = signed["work_order_id"].as_str().expect("wo").to_string();
    let (_, before) = get(&server, "/api/v1/follow-ups", Some(&me));
    assert!(
        before["after_work_orders"]
            .as_array()
            .is_some_and(|l| l.iter().all(|d| d["work_order_id"] != wo.as_str())),
        "not due before it closes: {before}"
    );
    let call = serde_json::json!({"kind": "work_order", "work_order": wo, "reached": true,
        "satisfaction": 5, "person": "陈建国", "phone": "029-86366001"});
    let (status, body) = post(&server, &me, "/api/v1/follow-ups", call.clone());
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("follow_up.work_order")),
        "a call before closing: {body}"
    );
    let (status, closed) = post(
        &server,
        &me,
        &format!("/api/v1/work-orders/{wo}/close"),
        serde_json::json!({}),
    );
    assert_eq!(status, 200, "{closed}");

    let (status, due) = get(&server, "/api/v1/follow-ups", Some(&me));
    assert_eq!(status, 200, "{due}");
    let item = due["after_work_orders"]
        .as_array()
        .and_then(|l| l.iter().find(|d| d["work_order_id"] == wo.as_str()))
        .expect("due after closing")
        .clone();
    assert_eq!(item["status"], "on_time", "{item}");
    for key in [
        "closed_at",
        "due",
        "customer_name",
        "site_name",
        "lane_code",
        "title",
    ] {
        assert!(item[key].is_string(), "{key}: {item}");
    }
    assert!(item["due"].as_str() > item["closed_at"].as_str());

    // Bad calls, each named; nothing stored.
    for (change, field) in [
        (
            serde_json::json!({"satisfaction": 6}),
            "follow_up.satisfaction",
        ),
        (
            serde_json::json!({"work_order": ""}),
            "follow_up.work_order",
        ),
        (
            serde_json::json!({"called_at": "2099-01-01 09:00"}),
            "follow_up.called_at",
        ),
        (
            serde_json::json!({"kind": "monthly", "customer": "不存在的客户"}),
            "follow_up.customer",
        ),
    ] {
        let mut bad = call.clone();
        for (k, v) in change.as_object().expect("object") {
            bad[k] = v.clone();
        }
        let (status, body) = post(&server, &me, "/api/v1/follow-ups", bad);
        assert_eq!(
            (status, body["field"].as_str()),
            (400, Some(field)),
            "{body}"
        );
    }
    let (status, body) = post(
        &server,
        &me,
        "/api/v1/follow-ups",
        serde_json::json!({"kind": "weekly"}),
    );
    assert_eq!((status, body["field"].as_str()), (400, Some("body")));
    assert_eq!(calls(&server), 0, "nothing stored");

    // Nobody answers: kept, still due. Then the customer is reached: off the list.
    let (status, attempt) = post(
        &server,
        &me,
        "/api/v1/follow-ups",
        serde_json::json!({"kind": "work_order", "work_order": wo, "reached": false}),
    );
    assert_eq!(status, 201, "{attempt}");
    assert_eq!(attempt["called_by"], "王芳", "the person logged in");
    let (_, due) = get(&server, "/api/v1/follow-ups", Some(&me));
    let item = due["after_work_orders"]
        .as_array()
        .and_then(|l| l.iter().find(|d| d["work_order_id"] == wo.as_str()))
        .expect("still due");
    assert_eq!(item["attempts"], 1);
    let (status, done) = post(&server, &me, "/api/v1/follow-ups", call);
    assert_eq!(status, 201, "{done}");
    assert_eq!(
        (done["reached"].as_bool(), done["satisfaction"].as_i64()),
        (Some(true), Some(5))
    );
    let (_, due) = get(&server, "/api/v1/follow-ups", Some(&me));
    assert!(due["after_work_orders"]
        .as_array()
        .is_some_and(|l| l.iter().all(|d| d["work_order_id"] != wo.as_str())));

    // December 2026: the two customers under contract; the third has none.
    let (status, month) = get(&server, "/api/v1/follow-ups?month=2026-12", Some(&me));
    assert_eq!(status, 200, "{month}");
    assert_eq!(month["month"], "2026-12");
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["monthly"]
            .as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|m| m["customer_name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let listed = names(&month);
    assert_eq!(listed.len(), 2, "{month}");
    assert!(listed.contains(&"西安海关".to_string()), "{month}");
    let xian = month["monthly"]
        .as_array()
        .and_then(|l| l.iter().find(|m| m["customer_name"] == "西安海关"))
        .expect("西安海关");
    assert_eq!(
        xian["last_call"]["satisfaction"], 5,
        "the call after the repair is the last one: {xian}"
    );
    assert!(xian["contact_name"].is_string(), "{xian}");
    let (status, m) = post(
        &server,
        &me,
        "/api/v1/follow-ups",
        serde_json::json!({"kind": "monthly", "customer": "西安海关", "month": "2026-12",
            "called_at": "2026-12-01 10:30", "reached": true, "person": "陈建国",
            "comments": "运行正常，无新问题"}),
    );
    assert_eq!(status, 201, "{m}");
    assert_eq!(m["month"], "2026-12");
    let (_, month) = get(&server, "/api/v1/follow-ups?month=2026-12", Some(&me));
    assert!(!names(&month).contains(&"西安海关".to_string()), "{month}");
    let (status, body) = get(&server, "/api/v1/follow-ups?month=2026-13", Some(&me));
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("follow_up.month"))
    );

    // The calls made, newest first.
    let (status, list) = get(
        &server,
        "/api/v1/follow-ups/calls?customer=西安海关",
        Some(&me),
    );
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().map(Vec::len), Some(3), "{list}");
    assert_eq!(calls(&server), 3);
}
