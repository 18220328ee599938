//! Correcting the archive by hand through the real server (archive keeper): a customer's
//! address, a lane's name, a contract made and corrected, its terms read and saved as the TOML
//! document; every wrong field named with nothing written, a dispatcher refused, and the
//! corrections reaching an engineer's laptop at its next sync.

use crate::harness::{Laptop, Server};
use crate::staff::{add, get, login, post};
use weibao_office::staff::Role;

fn count(server: &Server, sql: &str) -> i64 {
    server
        .store()
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

#[test]
fn the_archive_keeper_corrects_customers_lanes_and_contracts_and_the_laptop_gets_them() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = server.enrollable("王新");
    let laptop = Laptop::new();
    assert!(laptop.enrol(&server, &token).status.success());
    let password = add(&server, "赵档案", Role::Archivist);
    let me = login(&server, "赵档案", &password);

    // A customer's new address.
    let (_, customers) = get(&server, "/api/v1/org/customers", Some(&me));
    let customer = customers[0].clone();
    let cid = customer["id"].as_str().expect("id");
    let (status, edited) = post(
        &server,
        &me,
        &format!("/api/v1/org/customers/{cid}"),
        serde_json::json!({"address": "西安市未央区凤城八路 100 号"}),
    );
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["changed"], serde_json::json!(["address"]));

    // A lane renamed; a blank name is named and nothing is written.
    let (_, lanes) = get(&server, "/api/v1/org/lanes", Some(&me));
    let lane = lanes[0]["id"].as_str().expect("lane").to_string();
    let before = count(&server, "SELECT COUNT(*) FROM change_log");
    let (status, body) = post(
        &server,
        &me,
        &format!("/api/v1/org/lanes/{lane}"),
        serde_json::json!({"name": "  "}),
    );
    assert_eq!((status, body["field"].as_str()), (400, Some("lane.name")));
    assert_eq!(count(&server, "SELECT COUNT(*) FROM change_log"), before);
    let (status, body) = post(
        &server,
        &me,
        &format!("/api/v1/org/lanes/{lane}"),
        serde_json::json!({"name": "1号进口车道（改造后）"}),
    );
    assert_eq!(status, 200, "{body}");

    // The contracts; one corrected: the period extended. A new number is refused.
    let (status, list) = get(&server, "/api/v1/org/contracts", Some(&me));
    assert_eq!(status, 200, "{list}");
    let c = list[0].clone();
    let number = c["number"].as_str().expect("number").to_string();
    let mut form = serde_json::json!({
        "number": number, "customer_id": c["customer_id"], "name": c["name"],
        "start_date": c["start_date"], "end_date": "2027-06-30",
        "fee_yuan": format!("{}", c["fee_fen"].as_i64().expect("fee") / 100),
        "calendar": c["calendar"], "site_ids": c["site_ids"],
    });
    let path = format!("/api/v1/org/contracts/{number}");
    let mut wrong = form.clone();
    wrong["number"] = "HT-OTHER".into();
    let (status, body) = post(&server, &me, &path, wrong);
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("contract.number"))
    );
    let (status, body) = post(&server, &me, &path, form.clone());
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["changed"], serde_json::json!(["end_date"]), "{body}");
    assert_eq!(
        body["changed_zh"],
        serde_json::json!(["合同结束日期"]),
        "{body}"
    );

    // A new contract by hand for the same customer, then its terms as a document.
    form["number"] = "HT-BYHAND-1".into();
    form["start_date"] = "2027-07-01".into();
    form["end_date"] = "2028-06-30".into();
    let (status, made) = post(&server, &me, "/api/v1/org/contracts", form.clone());
    assert_eq!(status, 201, "{made}");
    let (status, again) = post(&server, &me, "/api/v1/org/contracts", form);
    assert_eq!(
        (status, again["field"].as_str()),
        (400, Some("contract.number"))
    );
    let terms = "/api/v1/org/contracts/HT-BYHAND-1/terms";
    let (status, doc) = get(&server, terms, Some(&me));
    assert_eq!(status, 200, "{doc}");
    let text = doc["text"].as_str().expect("toml").to_string();
    assert!(text.contains("inspections_per_year = 4"), "{text}");
    // A typo in a key is named with its line, and nothing is saved.
    assert!(text.contains("\nexclusions = "), "{text}");
    let typo = text.replacen("\nexclusions =", "\nexclusion =", 1);
    let (status, body) = post(&server, &me, terms, serde_json::json!({"text": typo}));
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("exclusion") && m.contains("拼写错误")),
        "{body}"
    );
    let six = text.replace("inspections_per_year = 4", "inspections_per_year = 6");
    let (status, saved) = post(&server, &me, terms, serde_json::json!({"text": six}));
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["changed"], serde_json::json!(["terms"]), "{saved}");

    // A dispatcher does not keep the archive.
    let pw = add(&server, "王芳", Role::Dispatcher);
    let dispatcher = login(&server, "王芳", &pw);
    let (status, body) = post(
        &server,
        &dispatcher,
        &path,
        serde_json::json!({"name": "x"}),
    );
    assert_eq!(
        (status, body["kind"].as_str()),
        (403, Some("forbidden_role"))
    );

    // The laptop gets the corrections at its next sync.
    laptop.sync_ok(&server, &token);
    let store = laptop.store();
    let (name, inspections): (String, i64) = store
        .conn()
        .query_row(
            "SELECT (SELECT name FROM lane WHERE id = ?1),
                    (SELECT json_extract(terms, '$.inspections_per_year') FROM contract
                      WHERE number = 'HT-BYHAND-1')",
            [&lane],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("on the laptop");
    assert_eq!((name.as_str(), inspections), ("1号进口车道（改造后）", 6));
}
