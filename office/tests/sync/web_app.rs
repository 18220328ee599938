//! The office web app's server side through the real server: the built app served at `/` with
//! its CSP (and a page saying how to build it when there is none), unknown API paths answered
//! as JSON, the menu's areas per role, each new endpoint's roles (no session 401, an engineer's
//! sync token 401, the wrong role 403), enrolment with the token as text and QR, the board's
//! 304, the customer's workbook, and a status report signed by the service centre (the
//! archive keeper's endpoints: `archive_room.rs`).

use crate::harness::{answer, client, Server};
use crate::staff::post;
use crate::staff::{add, get, login};
use std::sync::Arc;
use weibao_office::staff::Role;
use weibao_office::{DataDir, Office};

/// A server of its own with `web` as the built app (or none), on a free loopback port.
struct WebServer {
    url: String,
    _rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn serve_web(web: Option<&std::path::Path>) -> WebServer {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = DataDir::new(dir.path());
    let office = Office::open(&data, weibao_office::DEFAULT_MAX_BODY).expect("office");
    let office = match web {
        Some(w) => office.with_web(Some(w)).expect("a built app"),
        None => office.with_no_web(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let office = Arc::new(office);
    rt.spawn(async move {
        let l = tokio::net::TcpListener::from_std(listener).expect("listener");
        weibao_office::serve(l, office).await
    });
    WebServer {
        url,
        _rt: rt,
        _dir: dir,
    }
}

#[test]
fn the_built_app_is_served_at_the_root_with_a_strict_csp_and_unknown_endpoints_stay_json() {
    let web = tempfile::tempdir().expect("web");
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><title>维保办公室</title>",
    )
    .expect("index");
    std::fs::create_dir(web.path().join("assets")).expect("assets");
    std::fs::write(web.path().join("assets/app.js"), "console.log(1)").expect("js");
    let s = serve_web(Some(web.path()));

    let root = client().get(format!("{}/", s.url)).send().expect("root");
    assert_eq!(root.status().as_u16(), 200);
    let csp = root
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"),
        "{csp}"
    );
    assert!(root.text().expect("html").contains("维保办公室"));
    let js = client()
        .get(format!("{}/assets/app.js", s.url))
        .send()
        .expect("js");
    assert_eq!(js.status().as_u16(), 200);
    assert!(js
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("javascript")));
    // A deep link (a reload on #-less path) gets the app; a mistyped endpoint gets JSON 404.
    let deep = client()
        .get(format!("{}/board", s.url))
        .send()
        .expect("deep");
    assert_eq!(deep.status().as_u16(), 200);
    for path in ["/api/v1/nope", "/sync/v2/push", "/admin/v1/nothing"] {
        let (status, body) = answer(client().get(format!("{}{path}", s.url)));
        assert_eq!(
            (status, body["kind"].as_str()),
            (404, Some("no_endpoint")),
            "{path}: {body}"
        );
    }
}

#[test]
fn without_a_build_the_root_says_how_to_make_one_and_a_folder_without_index_is_refused() {
    let s = serve_web(None);
    let root = client().get(format!("{}/", s.url)).send().expect("root");
    assert_eq!(root.status().as_u16(), 503);
    assert!(root.text().expect("html").contains("npm run build:office"));

    let empty = tempfile::tempdir().expect("empty");
    let dir = tempfile::tempdir().expect("data");
    let office =
        Office::open(&DataDir::new(dir.path()), weibao_office::DEFAULT_MAX_BODY).expect("office");
    let err = office.with_web(Some(empty.path())).err().expect("refused");
    assert_eq!(err.field(), Some("web"), "{err}");
}

#[test]
fn each_role_sees_its_areas_and_is_refused_on_the_others_new_endpoints() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let endpoints: [(&str, &[Role]); 6] = [
        ("/api/v1/engineers", &[Role::Admin]),
        ("/api/v1/org/contracts", &[Role::Archivist, Role::Admin]),
        (
            "/api/v1/stock",
            &[Role::Dispatcher, Role::TechLead, Role::Admin],
        ),
        (
            "/api/v1/stats",
            &[Role::Dispatcher, Role::TechLead, Role::Admin],
        ),
        (
            "/api/v1/archive/XA01-L01-BG01",
            &[Role::Archivist, Role::Dispatcher, Role::TechLead],
        ),
        ("/api/v1/labels", &Role::ALL),
    ];
    let areas = [
        (
            Role::Dispatcher,
            "board,intake,review,follow_ups,complaints,archive,stock,stats",
        ),
        (
            Role::TechLead,
            "board,review,follow_ups,complaints,common_faults,conflicts,archive,stock,stats",
        ),
        (
            Role::Archivist,
            "archive,archive_edit,org,contracts,paper,import",
        ),
        (
            Role::Admin,
            "conflicts,org,contracts,paper,import,engineers,stock,stats",
        ),
    ];
    for (i, (role, menu)) in areas.into_iter().enumerate() {
        let name = format!("员工{i}");
        let password = add(&server, &name, role);
        let who = login(&server, &name, &password);
        let (_, me) = get(&server, "/api/v1/me", Some(&who));
        let got: Vec<&str> = me["areas"]
            .as_array()
            .expect("areas")
            .iter()
            .filter_map(|a| a.as_str())
            .collect();
        assert_eq!(got.join(","), menu, "{role:?}");
        for (path, allowed) in &endpoints {
            let (status, body) = get(&server, path, Some(&who));
            if allowed.contains(&role) {
                assert_eq!(status, 200, "{role:?} on {path}: {body}");
            } else {
                assert_eq!(
                    (status, body["kind"].as_str()),
                    (403, Some("forbidden_role")),
                    "{role:?} on {path}: {body}"
                );
            }
        }
    }
    let token = server.engineer("郑工");
    for (path, _) in &endpoints {
        assert_eq!(get(&server, path, None).0, 401, "{path} without a session");
        let (status, _) = answer(
            client()
                .get(format!("{}{path}", server.url))
                .bearer_auth(&token),
        );
        assert_eq!(status, 401, "{path} with an engineer's sync token");
    }
    let (_, labels) = {
        let password = add(&server, "看词表", Role::Archivist);
        let who = login(&server, "看词表", &password);
        get(&server, "/api/v1/labels", Some(&who))
    };
    assert_eq!(labels["fault_channel"]["phone"]["zh"], "电话", "{labels}");
}

#[test]
fn an_administrator_enrols_an_engineer_with_the_token_as_text_and_qr_changes_sites_and_revokes() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "周管", Role::Admin);
    let admin = login(&server, "周管", &password);
    let (_, list) = get(&server, "/api/v1/engineers", Some(&admin));
    let site = list["sites"][0]["id"].as_str().expect("a site").to_string();

    let (status, bad) = post(
        &server,
        &admin,
        "/api/v1/engineers",
        serde_json::json!({"name": "", "sites": "all"}),
    );
    assert_eq!(
        (status, bad["field"].as_str()),
        (400, Some("engineer.name")),
        "{bad}"
    );
    let (status, made) = post(
        &server,
        &admin,
        "/api/v1/engineers",
        serde_json::json!({"name": "王新", "sites": site}),
    );
    assert_eq!(status, 201, "{made}");
    let token = made["token"].as_str().expect("token");
    let svg = made["token_qr_svg"].as_str().expect("qr");
    assert!(
        svg.starts_with("<svg") && svg.contains("<path d=\"M"),
        "{svg}"
    );
    assert!(
        !svg.contains(token),
        "the QR draws the token, it does not spell it"
    );
    let auth = server.data.open_auth().expect("auth");
    assert!(
        auth.check(token).expect("check").is_some(),
        "the token syncs"
    );

    let (status, moved) = post(
        &server,
        &admin,
        "/api/v1/engineers/王新/sites",
        serde_json::json!({"sites": "all"}),
    );
    assert_eq!(
        (status, moved["sites"].as_str()),
        (200, Some("all")),
        "{moved}"
    );
    let (status, _) = post(
        &server,
        &admin,
        "/api/v1/engineers/王新/revoke",
        serde_json::json!({}),
    );
    assert_eq!(status, 200);
    assert!(auth.check(token).expect("check").is_none(), "revoked");
    let (status, body) = post(
        &server,
        &admin,
        "/api/v1/engineers/无此人/revoke",
        serde_json::json!({}),
    );
    assert_eq!(status, 404, "{body}");
}

#[test]
fn the_board_answers_304_until_something_changes_and_the_workbook_downloads() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "王芳", Role::Dispatcher);
    let who = login(&server, "王芳", &password);
    let board = |tag: Option<&str>| {
        let mut r = client()
            .get(format!("{}/api/v1/board", server.url))
            .header("cookie", &who.cookie);
        if let Some(t) = tag {
            r = r.header("if-none-match", t);
        }
        r.send().expect("board")
    };
    let first = board(None);
    assert_eq!(first.status().as_u16(), 200);
    let tag = first
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("etag")
        .to_string();
    let again = board(Some(&tag));
    // The minute may turn between the two: then a fresh board, never a stale one.
    assert!(matches!(again.status().as_u16(), 304 | 200));
    if again.status().as_u16() == 304 {
        assert!(again.bytes().expect("body").is_empty());
    }
    // A complaint is a change: the board's tag moves with it.
    let (status, _) = post(
        &server,
        &who,
        "/api/v1/complaints",
        serde_json::json!({"customer": "西安海关", "complainant": "陈建国", "content": "回访太慢"}),
    );
    assert_eq!(status, 201);
    assert_eq!(board(Some(&tag)).status().as_u16(), 200, "changed since");

    let (_, view) = get(&server, "/api/v1/stats", Some(&who));
    let customer = view["customers"][0]["id"]
        .as_str()
        .expect("a customer")
        .to_string();
    let xlsx = client()
        .get(format!(
            "{}/api/v1/stats/xlsx?customer={customer}&quarter=2026Q4",
            server.url
        ))
        .header("cookie", &who.cookie)
        .send()
        .expect("xlsx");
    assert_eq!(xlsx.status().as_u16(), 200);
    assert!(xlsx
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|d| d.contains("filename*=UTF-8''")));
    let bytes = xlsx.bytes().expect("bytes");
    assert_eq!(&bytes[..2], b"PK", "a workbook (zip)");
    let (status, bad) = get(
        &server,
        &format!("/api/v1/stats?customer={customer}&quarter=2026Q5"),
        Some(&who),
    );
    assert_eq!(
        (status, bad["field"].as_str()),
        (400, Some("stats.quarter")),
        "{bad}"
    );
}

#[test]
fn a_status_report_made_at_the_office_is_signed_by_the_service_centre() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "王芳", Role::Dispatcher);
    let who = login(&server, "王芳", &password);
    let (status, bad) = post(
        &server,
        &who,
        "/api/v1/status-reports",
        serde_json::json!({"customer": "西安海关", "quarter": "2026Q5"}),
    );
    assert_eq!(
        (status, bad["field"].as_str()),
        (400, Some("stats.quarter")),
        "{bad}"
    );
    let (status, made) = post(
        &server,
        &who,
        "/api/v1/status-reports",
        serde_json::json!({"customer": "西安海关", "quarter": "2026Q4"}),
    );
    assert_eq!(status, 201, "{made}");
    let number = made["number"].as_str().expect("number");
    assert!(number.starts_with("KF-"), "{made}");
    let pdf = client()
        .get(format!("{}/api/v1/status-reports/{number}/pdf", server.url))
        .header("cookie", &who.cookie)
        .send()
        .expect("pdf")
        .bytes()
        .expect("bytes");
    let check = weibao::report::verify::verify_file(&pdf, None).expect("verify");
    assert!(check.signature.valid, "{:?}", check.signature);
    assert!(
        check.signature.signer.contains("客户服务中心"),
        "{}",
        check.signature.signer
    );
    let (_, list) = get(&server, "/api/v1/status-reports", Some(&who));
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .any(|r| r["number"] == number),
        "{list}"
    );

    let password = add(&server, "赵档", Role::Archivist);
    let keeper = login(&server, "赵档", &password);
    assert_eq!(
        post(
            &server,
            &keeper,
            "/api/v1/status-reports",
            serde_json::json!({"customer": "西安海关", "quarter": "2026Q4"})
        )
        .0,
        403
    );
}
