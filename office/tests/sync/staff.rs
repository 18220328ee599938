//! Staff accounts through the real server: each role refused on the others' endpoints, no
//! session → 401, a forged CSRF token refused, an engineer's sync token opening nothing here
//! (and a session nothing on sync), the login limit, and a password never logged, returned or
//! stored.

use crate::harness::{answer, client, office_bin, Server};
use reqwest::Method;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use weibao_office::staff::{self, Role};
use weibao_office::staff_web::{access, COOKIE, CSRF_HEADER};

const GATE: &str = "XA01-L01-BG01";

/// A logged-in member of staff: the cookie to send and the CSRF token for changes.
pub(crate) struct Login {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

pub(crate) fn add(server: &Server, name: &str, role: Role) -> String {
    let auth = server.data.open_auth().expect("auth");
    staff::add(&auth, name, role).expect("add staff").1
}

fn login_answer(server: &Server, name: &str, password: &str) -> reqwest::blocking::Response {
    client()
        .post(format!("{}/api/v1/login", server.url))
        .json(&serde_json::json!({"name": name, "password": password}))
        .send()
        .expect("send")
}

pub(crate) fn login(server: &Server, name: &str, password: &str) -> Login {
    let resp = login_answer(server, name, password);
    assert_eq!(resp.status().as_u16(), 200, "login of {name}");
    let set = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_string();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(set.contains(attr), "{attr} in {set}");
    }
    assert!(
        !set.contains("Secure"),
        "no Secure on plain loopback HTTP: {set}"
    );
    let cookie = set.split(';').next().expect("name=value").to_string();
    assert!(cookie.starts_with(&format!("{COOKIE}=")), "{cookie}");
    let body: serde_json::Value = resp.json().expect("json");
    Login {
        cookie,
        csrf: body["csrf"].as_str().expect("csrf").to_string(),
    }
}

pub(crate) fn get(server: &Server, path: &str, who: Option<&Login>) -> (u16, serde_json::Value) {
    let mut r = client().get(format!("{}{path}", server.url));
    if let Some(l) = who {
        r = r.header("cookie", &l.cookie);
    }
    answer(r)
}

/// A change by `who` with their session cookie and CSRF token: status and JSON answer.
pub(crate) fn post(
    server: &Server,
    who: &Login,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    answer(
        client()
            .post(format!("{}{path}", server.url))
            .header("cookie", &who.cookie)
            .header(CSRF_HEADER, &who.csrf)
            .json(&body),
    )
}

fn add_staff_as(
    server: &Server,
    who: &Login,
    csrf: Option<&str>,
    name: &str,
) -> (u16, serde_json::Value) {
    let mut r = client()
        .post(format!("{}/api/v1/staff", server.url))
        .header("cookie", &who.cookie)
        .json(&serde_json::json!({"name": name, "role": "dispatcher"}));
    if let Some(c) = csrf {
        r = r.header(CSRF_HEADER, c);
    }
    answer(r)
}

#[test]
fn each_role_is_refused_on_the_others_endpoints() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let device = format!("/api/v1/devices/{GATE}");
    let endpoints: [(&str, &[Role]); 4] = [
        ("/api/v1/staff", access::STAFF),
        ("/api/v1/work-orders", access::WORK_ORDERS),
        ("/api/v1/common-faults", access::COMMON_FAULTS),
        (&device, access::DEVICES),
    ];
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let name = format!("员工{i}");
        let password = add(&server, &name, role);
        let who = login(&server, &name, &password);
        for (path, allowed) in &endpoints {
            let (status, body) = get(&server, path, Some(&who));
            if allowed.contains(&role) {
                assert_eq!(status, 200, "{role:?} on {path}: {body}");
            } else {
                assert_eq!(status, 403, "{role:?} refused on {path}: {body}");
                assert_eq!(body["kind"], "forbidden_role", "{body}");
                assert!(
                    body["message"]
                        .as_str()
                        .unwrap_or("")
                        .contains(role.label_zh()),
                    "{body}"
                );
            }
        }
    }
    // What the dispatcher's board gets: the demo's open work orders with their clocks.
    let password = add(&server, "王客服", Role::Dispatcher);
    let who = login(&server, "王客服", &password);
    let (_, board) = get(&server, "/api/v1/work-orders", Some(&who));
    let rows = board.as_array().expect("rows");
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r.get("respond").is_some()),
        "{board}"
    );
}

#[test]
fn no_session_gets_401_and_a_sync_token_and_a_session_open_only_their_own_side() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (status, body) = get(&server, "/api/v1/work-orders", None);
    assert_eq!(
        (status, body["kind"].as_str()),
        (401, Some("unauthenticated_staff"))
    );
    let (status, _) = answer(
        client()
            .get(format!("{}/api/v1/me", server.url))
            .header("cookie", format!("{COOKIE}=forged0123")),
    );
    assert_eq!(status, 401, "a made-up session");

    // An engineer's sync token opens no staff endpoint.
    let token = server.engineer("郑工");
    for path in ["/api/v1/work-orders", "/api/v1/staff", "/api/v1/me"] {
        let (status, body) = answer(
            client()
                .get(format!("{}{path}", server.url))
                .bearer_auth(&token),
        );
        assert_eq!(status, 401, "{path}: {body}");
    }
    // A staff session opens no sync endpoint.
    let password = add(&server, "管理员甲", Role::Admin);
    let who = login(&server, "管理员甲", &password);
    let (status, _) = answer(
        crate::harness::request(
            Method::GET,
            &format!("{}/sync/v1/pull?after=0", server.url),
            None,
        )
        .header("cookie", &who.cookie),
    );
    assert_eq!(status, 401, "a session cookie is no sync token");

    // Logging out ends the session; a disabled account's session ends too.
    let (status, _) = get(&server, "/api/v1/me", Some(&who));
    assert_eq!(status, 200);
    let out = client()
        .post(format!("{}/api/v1/logout", server.url))
        .header("cookie", &who.cookie)
        .header(CSRF_HEADER, &who.csrf)
        .send()
        .expect("logout");
    assert_eq!(out.status().as_u16(), 204);
    assert_eq!(get(&server, "/api/v1/me", Some(&who)).0, 401, "logged out");
    let password = add(&server, "离职员工", Role::Dispatcher);
    let gone = login(&server, "离职员工", &password);
    staff::disable(&server.data.open_auth().expect("auth"), "离职员工").expect("disable");
    assert_eq!(get(&server, "/api/v1/me", Some(&gone)).0, 401, "disabled");
    assert_eq!(
        login_answer(&server, "离职员工", &password)
            .status()
            .as_u16(),
        401
    );
}

#[test]
fn a_change_without_or_with_a_forged_csrf_token_is_refused_and_changes_nothing() {
    let server = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "管理员乙", Role::Admin);
    let admin = login(&server, "管理员乙", &password);
    let before = staff::list(&server.data.open_auth().expect("auth"))
        .expect("list")
        .len();
    for csrf in [None, Some("forged"), Some("")] {
        let (status, body) = add_staff_as(&server, &admin, csrf, "新客服");
        assert_eq!(
            (status, body["kind"].as_str()),
            (403, Some("csrf")),
            "{csrf:?}: {body}"
        );
    }
    // Another session's token is no better.
    let other = login(&server, "管理员乙", &password);
    assert_ne!(other.csrf, admin.csrf);
    let (status, _) = add_staff_as(&server, &admin, Some(&other.csrf), "新客服");
    assert_eq!(status, 403);
    assert_eq!(
        staff::list(&server.data.open_auth().expect("auth"))
            .expect("list")
            .len(),
        before
    );

    let (status, body) = add_staff_as(&server, &admin, Some(&admin.csrf), "新客服");
    assert_eq!(status, 201, "{body}");
    let one_time = body["one_time_password"]
        .as_str()
        .expect("one-time password");
    assert_eq!(one_time.len(), 16);
    login(&server, "新客服", one_time);
    // A bad role names its field; the name taken names its own.
    let r = client()
        .post(format!("{}/api/v1/staff", server.url))
        .header("cookie", &admin.cookie)
        .header(CSRF_HEADER, &admin.csrf)
        .json(&serde_json::json!({"name": "某人", "role": "boss"}));
    let (status, body) = answer(r);
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("staff.role")),
        "{body}"
    );
    let (status, body) = add_staff_as(&server, &admin, Some(&admin.csrf), "新客服");
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("staff.name")),
        "{body}"
    );
}

#[test]
fn five_wrong_passwords_lock_the_name_even_for_the_right_one() {
    let server = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "客服丙", Role::Dispatcher);
    let other = add(&server, "客服丁", Role::Dispatcher);
    for _ in 0..staff::MAX_FAILURES {
        let resp = login_answer(&server, "客服丙", "wrong-password");
        assert_eq!(resp.status().as_u16(), 401);
        let body: serde_json::Value = resp.json().expect("json");
        assert_eq!(body["kind"], "login_failed");
    }
    let resp = login_answer(&server, "客服丙", &password);
    assert_eq!(
        resp.status().as_u16(),
        429,
        "locked even for the right password"
    );
    let retry: i64 = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After seconds");
    assert!(retry > 0 && retry <= staff::LOCK_MINUTES * 60, "{retry}");
    let body: serde_json::Value = resp.json().expect("json");
    assert_eq!(body["kind"], "login_locked");
    // Another account is not locked; an unknown name is answered like a wrong password.
    login(&server, "客服丁", &other);
    let resp = login_answer(&server, "没有这个人", "whatever");
    assert_eq!(resp.status().as_u16(), 401);
}

#[test]
fn a_password_is_never_logged_returned_or_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let office = |args: &[&str]| {
        Command::new(office_bin())
            .arg("--data")
            .arg(dir.path())
            .args(args)
            .env("RUST_LOG", "off")
            .output()
            .expect("run weibao-office")
    };
    let out = office(&["staff", "add", "赵档案", "--role", "档案管理员"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).expect("utf-8");
    let password = printed.lines().last().expect("last line").to_string();
    assert_eq!(password.len(), 16, "{printed}");
    let listed = String::from_utf8(office(&["staff", "list"]).stdout).expect("utf-8");
    assert!(
        listed.contains("赵档案\tarchivist") && !listed.contains(&password),
        "{listed}"
    );

    // A real server at the most talkative log level.
    let mut serve = Command::new(office_bin())
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "trace")
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let stderr = serve.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut log = String::new();
    let url = loop {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the server says where it listens");
        log.push_str(&line);
        log.push('\n');
        if let Some(u) = line.strip_prefix("weibao-office: listening on ") {
            break u.trim().to_string();
        }
    };
    let post = |pw: &str| {
        client()
            .post(format!("{url}/api/v1/login"))
            .json(&serde_json::json!({"name": "赵档案", "password": pw}))
            .send()
            .expect("login")
    };
    let wrong = format!("{password}x");
    assert_eq!(post(&wrong).status().as_u16(), 401);
    let ok = post(&password);
    assert_eq!(ok.status().as_u16(), 200);
    let cookie = ok
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("cookie")
        .to_string();
    let body = ok.text().expect("body");
    let me = client()
        .get(format!("{url}/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .expect("me")
        .text()
        .expect("body");
    let _ = serve.kill();
    let _ = serve.wait();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
        log.push_str(&line);
        log.push('\n');
    }
    assert!(log.len() > 200, "the server did log at trace level: {log}");
    for (what, text) in [("the log", &log), ("the login answer", &body), ("/me", &me)] {
        assert!(!text.contains(&password), "the password is not in {what}");
        assert!(
            !text.contains(&wrong),
            "the wrong password is not in {what}"
        );
    }
    for name in ["office-auth.db", "office-auth.db-wal"] {
        let bytes = std::fs::read(dir.path().join(name)).unwrap_or_default();
        let needle = password.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the password is not stored in {name}"
        );
    }
}
