//! The dispatch board through the real server: a dispatcher sees the open work orders most
//! urgent first, is offered only the engineers who cover the site (with their load), is refused
//! one who does not, dispatches, and the engineer's laptop (the real `weibao` client) has the
//! work order at its next sync.

use crate::harness::{answer, client, Laptop, Server};
use crate::staff::{add, get, login, Login};
use weibao_office::staff::Role;
use weibao_office::staff_web::CSRF_HEADER;

fn dispatch(server: &Server, who: &Login, wo: &str, engineer: &str) -> (u16, serde_json::Value) {
    answer(
        client()
            .post(format!("{}/api/v1/work-orders/{wo}/dispatch", server.url))
            .header("cookie", &who.cookie)
            .header(CSRF_HEADER, &who.csrf)
            .json(&serde_json::json!({ "engineer": engineer })),
    )
}

#[test]
fn a_dispatcher_assigns_from_the_board_and_the_laptop_has_it_at_its_next_sync() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = server.enrollable("王新");
    let laptop = Laptop::new();
    assert!(laptop.enrol(&server, &token).status.success());
    laptop.sync_ok(&server, &token);
    // 李远 covers one other site only.
    let (_, _) = server.enrollable("李远");
    let other_site: String = server
        .store()
        .conn()
        .query_row("SELECT id FROM site ORDER BY name DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("a site");
    server
        .data
        .open_auth()
        .expect("auth")
        .assign("李远", &other_site)
        .expect("assign sites");

    let password = add(&server, "王芳", Role::Dispatcher);
    let dispatcher = login(&server, "王芳", &password);
    let (status, board) = get(&server, "/api/v1/board", Some(&dispatcher));
    assert_eq!(status, 200, "{board}");
    let rows = board["rows"].as_array().expect("rows");
    assert_eq!(
        board["total"].as_u64(),
        Some(rows.len() as u64),
        "the demo's board fits a page"
    );
    let counted: u64 = ["breached", "at_risk", "on_time", "paused", "none"]
        .iter()
        .filter_map(|k| board["counts"][k].as_u64())
        .sum();
    assert_eq!(counted, rows.len() as u64, "{board}");
    let rank = |u: &serde_json::Value| match u.as_str() {
        Some("breached") => 0,
        Some("at_risk") => 1,
        Some("on_time") => 2,
        Some("paused") => 3,
        _ => 4,
    };
    assert!(
        rows.windows(2)
            .all(|w| rank(&w[0]["urgency"]) <= rank(&w[1]["urgency"])),
        "most urgent first: {board}"
    );
    let wo = rows
        .iter()
        .find(|r| r["state"] == "reported" && r["site_id"] != other_site.as_str())
        .expect("a fault waiting for dispatch, at a site 李远 does not cover");
    let id = wo["id"].as_str().expect("id").to_string();

    let (status, offered) = get(
        &server,
        &format!("/api/v1/work-orders/{id}/candidates"),
        Some(&dispatcher),
    );
    assert_eq!(status, 200, "{offered}");
    let names: Vec<&str> = offered
        .as_array()
        .expect("candidates")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(
        names.contains(&"王新") && !names.contains(&"李远"),
        "{offered}"
    );
    assert!(offered[0]["open_load"].is_u64(), "{offered}");

    let li: String = server
        .store()
        .conn()
        .query_row("SELECT id FROM engineer WHERE name = '李远'", [], |r| {
            r.get(0)
        })
        .expect("李远");
    let (status, body) = dispatch(&server, &dispatcher, &id, &li);
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("dispatch.engineer")),
        "{body}"
    );

    let wang: String = server
        .store()
        .conn()
        .query_row("SELECT id FROM engineer WHERE name = '王新'", [], |r| {
            r.get(0)
        })
        .expect("王新");
    let (status, body) = dispatch(&server, &dispatcher, &id, &wang);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "assigned");
    let (_, board) = get(&server, "/api/v1/board", Some(&dispatcher));
    let row = board["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["id"] == id.as_str()))
        .expect("still on the board");
    assert_eq!(row["assignee_name"], "王新");
    // Narrowed to the engineer, and to a site: the same rule, fewer rows.
    let (_, mine) = get(
        &server,
        &format!("/api/v1/board?engineer={wang}"),
        Some(&dispatcher),
    );
    let ids: Vec<&str> = mine["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(ids.contains(&id.as_str()), "{mine}");
    assert!(
        mine["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["assignee_name"] == "王新"),
        "{mine}"
    );
    let (_, one) = get(&server, "/api/v1/board?limit=1", Some(&dispatcher));
    assert_eq!(one["rows"].as_array().map(Vec::len), Some(1), "{one}");
    assert!(one["total"].as_u64() > Some(1), "{one}");
    let (status, bad) = get(&server, "/api/v1/board?limit=many", Some(&dispatcher));
    assert_eq!(
        (status, bad["field"].as_str()),
        (400, Some("query")),
        "{bad}"
    );

    // The technical lead sees the board but does not dispatch.
    let password = add(&server, "技术甲", Role::TechLead);
    let lead = login(&server, "技术甲", &password);
    assert_eq!(get(&server, "/api/v1/board", Some(&lead)).0, 200);
    assert_eq!(dispatch(&server, &lead, &id, &wang).0, 403);

    laptop.sync_ok(&server, &token);
    let (state, assignee): (String, Option<String>) = laptop
        .store()
        .conn()
        .query_row(
            "SELECT state, assignee_id FROM work_order_now WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the work order on the laptop");
    assert_eq!(
        (state.as_str(), assignee.as_deref()),
        ("assigned", Some(wang.as_str()))
    );
    let mine = weibao::today::today(&laptop.store()).expect("today").mine;
    assert!(mine.iter().any(|w| w.id == id), "on 王新's Today");
}
