//! Pull limited to the engineer's sites (docs/sync.md, "Sites"): another engineer's sites are
//! never pulled; a site unassigned leaves the laptop except its unsent changes; a site
//! assigned again arrives whole; a drifted site is fetched again by its checksum; a site
//! outside the scope is refused. Laptops are compared with the office's share of the demo
//! record by record.

use crate::dump::{assert_same, dump, Dump};
use crate::harness::{answer, request, weibao, Laptop, Server};
use reqwest::Method;
use rusqlite::types::Value;
use std::collections::BTreeSet;
use weibao::sync::client::{self, Event, Remote};
use weibao::sync::scope::{self, Scope};
use weibao::Store;

const XA01: &str = "西安综合保税区卡口";
const XA02: &str = "西安国际港务区卡口";
const XY01: &str = "咸阳机场货运卡口";
const BJ01: &str = "宝鸡物流园北卡口";

fn site(office: &Server, name: &str) -> String {
    office
        .store()
        .conn()
        .query_row("SELECT id FROM site WHERE name = ?1", [name], |r| r.get(0))
        .expect("demo site")
}

fn sites(office: &Server, names: &[&str]) -> String {
    let ids: Vec<String> = names.iter().map(|n| site(office, n)).collect();
    ids.join(",")
}

/// An engineer with these sites; returns their token.
fn engineer(office: &Server, name: &str, names: &[&str]) -> String {
    let mut auth = office.data.open_auth().expect("auth");
    auth.add(name, &sites(office, names)).expect("add").1
}

fn assign(office: &Server, name: &str, names: &[&str]) {
    let mut auth = office.data.open_auth().expect("auth");
    auth.assign(name, &sites(office, names)).expect("assign");
}

fn scope_of(office: &Server, names: &[&str]) -> Scope {
    Scope::parse(&sites(office, names)).expect("scope")
}

/// The rows (and their merge bookkeeping) of `store` that `scope` covers.
fn share(store: &Store, scope: &Scope) -> Dump {
    let rows = scope::rows_in_scope(store.conn(), scope).expect("rows in scope");
    let text = |v: &Value| match v {
        Value::Text(s) => s.clone(),
        other => format!("{other:?}"),
    };
    let mut d = dump(store);
    for (table, all) in d.iter_mut() {
        let header = all[0].clone();
        let col = |n: &str| header.iter().position(|h| *h == Value::Text(n.into()));
        let (tbl, row_id, id) = (col("tbl"), col("row_id"), col("id"));
        let name = table.clone();
        let key = |row: &Vec<Value>| match (tbl, row_id, id) {
            (Some(t), Some(r), _) => (text(&row[t]), text(&row[r])),
            (_, _, Some(i)) => (name.clone(), text(&row[i])),
            _ => panic!("{name}: no id column"),
        };
        let body: Vec<Vec<Value>> = all[1..]
            .iter()
            .filter(|row| rows.contains(&key(row)))
            .cloned()
            .collect();
        all.truncate(1);
        all.extend(body);
    }
    d
}

fn names(store: &Store, sql: &str) -> BTreeSet<String> {
    store
        .conn()
        .prepare(sql)
        .expect("sql")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

fn count(store: &Store, sql: &str, arg: &str) -> i64 {
    store
        .conn()
        .query_row(sql, [arg], |r| r.get(0))
        .expect("count")
}

const DEVICES_AT: &str = "SELECT COUNT(*) FROM device d JOIN lane l ON l.id = d.lane_id
                          JOIN site s ON s.id = l.site_id WHERE s.name = ?1";

fn first_device_at(store: &Store, site_name: &str) -> String {
    store
        .conn()
        .query_row(
            "SELECT d.id FROM device d JOIN lane l ON l.id = d.lane_id JOIN site s
             ON s.id = l.site_id WHERE s.name = ?1 ORDER BY d.code LIMIT 1",
            [site_name],
            |r| r.get(0),
        )
        .expect("a device")
}

#[test]
fn another_engineers_sites_are_never_pulled() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token_a = engineer(&office, "张工", &[XA01, XY01]);
    let token_b = engineer(&office, "李工", &[BJ01]);
    let (a, b) = (Laptop::new(), Laptop::new());
    a.sync_ok(&office, &token_a);
    b.sync_ok(&office, &token_b);

    let (sa, sb) = (a.store(), b.store());
    assert_eq!(
        names(&sa, "SELECT name FROM site"),
        [XA01, XY01].map(String::from).into()
    );
    assert_eq!(
        names(&sa, "SELECT name FROM customer"),
        ["西安海关", "咸阳机场货运站"].map(String::from).into()
    );
    assert_eq!(
        names(&sb, "SELECT name FROM site"),
        [BJ01].map(String::from).into()
    );
    assert_eq!(count(&sb, DEVICES_AT, XA01), 0);
    assert!(count(&sb, DEVICES_AT, BJ01) > 0);
    // Exactly their share of the office, record by record (global rows included).
    let o = office.store();
    assert_same(
        &share(&o, &scope_of(&office, &[XA01, XY01])),
        &dump(&sa),
        "office's share vs laptop A",
    );
    assert_same(
        &share(&o, &scope_of(&office, &[BJ01])),
        &dump(&sb),
        "office's share vs laptop B",
    );

    // What the server sends B: its sites' rows and global rows only, and its scope.
    let pull = format!(
        "{}/sync/v1/pull?after=0&installation={}",
        office.url,
        sb.installation()
    );
    let (status, v) = answer(request(Method::GET, &pull, Some(&token_b)));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["scope"], serde_json::json!([site(&office, BJ01)]));
    let allowed = scope::rows_in_scope(o.conn(), &scope_of(&office, &[BJ01])).expect("rows");
    for c in v["changes"].as_array().expect("changes") {
        let key = (
            c["table"].as_str().unwrap_or("").to_string(),
            c["row_id"].as_str().unwrap_or("").to_string(),
        );
        assert!(allowed.contains(&key), "B was sent {key:?}");
    }

    // A's edit at XA01 reaches the office, never B.
    let device = first_device_at(&sa, XA01);
    drop((sa, sb));
    a.store()
        .write(|tx| tx.update("device", &device, &[("notes", &"张工：立柱松动")]))
        .expect("edit on A");
    a.sync_ok(&office, &token_a);
    let out = b.sync_ok(&office, &token_b);
    assert!(!out.contains("pulled"), "B pulls nothing of XA01: {out}");
    assert_eq!(
        count(
            &b.store(),
            "SELECT COUNT(*) FROM device WHERE id = ?1",
            &device
        ),
        0
    );
}

#[test]
fn an_unassigned_site_leaves_the_laptop_except_its_unsent_changes() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token = engineer(&office, "王工", &[XA01, XY01]);
    let laptop = Laptop::new();
    laptop.sync_ok(&office, &token);
    let keep = first_device_at(&laptop.store(), XY01);
    let xy01_devices = count(&laptop.store(), DEVICES_AT, XY01);
    assert!(xy01_devices > 1);
    assign(&office, "王工", &[XA01]);
    // Something new at XA01, so the next pull has a page to apply.
    let xa = first_device_at(&office.store(), XA01);
    office
        .store()
        .write(|tx| tx.update("device", &xa, &[("position", &"岗亭东侧")]))
        .expect("office edit");

    // The engineer edits an XY01 device while the sync runs (after its push, before the
    // eviction): that row stays, unsent, with what it refers to.
    let mut store = laptop.store();
    let remote = Remote::new(&office.url, &token, 2).expect("remote");
    let mut edited = false;
    let sum = client::run(&mut store, &remote, &mut |e| {
        if matches!(e, Event::Pulled { .. }) && !edited {
            laptop
                .store()
                .write(|tx| tx.update("device", &keep, &[("notes", &"王工：读卡器受潮")]))
                .expect("edit during sync");
            edited = true;
        }
    })
    .expect("sync");
    assert!(edited && sum.evicted > 0 && sum.kept > 0, "{sum:?}");
    drop(store);
    let s = laptop.store();
    assert_eq!(weibao::sync::pending(&s).expect("pending"), 1);
    assert_eq!(count(&s, DEVICES_AT, XY01), 1, "only the edited device");
    assert_eq!(
        count(&s, "SELECT COUNT(*) FROM device WHERE id = ?1", &keep),
        1
    );
    assert_eq!(
        names(&s, "SELECT name FROM site"),
        [XA01, XY01].map(String::from).into(),
        "its site stays with it"
    );
    // Local eviction: no change was written for it, the office keeps every XY01 row.
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM change_log WHERE origin = ?1",
            s.installation()
        ),
        1
    );
    assert_eq!(
        count(&office.store(), DEVICES_AT, XY01),
        xy01_devices,
        "the office keeps them"
    );
    drop(s);

    // The next sync pushes the edit; once acknowledged, the rest of XY01 goes.
    let out = laptop.sync_ok(&office, &token);
    assert!(out.contains("pushed 1"), "{out}");
    let s = laptop.store();
    assert_eq!(weibao::sync::pending(&s).expect("pending"), 0);
    assert_eq!(count(&s, DEVICES_AT, XY01), 0);
    assert_eq!(
        names(&s, "SELECT name FROM site"),
        [XA01].map(String::from).into()
    );
    let notes: String = office
        .store()
        .conn()
        .query_row("SELECT notes FROM device WHERE id = ?1", [&keep], |r| {
            r.get(0)
        })
        .expect("office device");
    assert_eq!(notes, "王工：读卡器受潮");
    assert_same(
        &share(&office.store(), &scope_of(&office, &[XA01])),
        &dump(&s),
        "office's XA01 share vs laptop",
    );
}

#[test]
fn a_reassigned_site_arrives_whole() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token = engineer(&office, "赵工", &[XA01, XY01]);
    let token_all = office.engineer("钱工");
    let (laptop, other) = (Laptop::new(), Laptop::new());
    laptop.sync_ok(&office, &token);
    other.sync_ok(&office, &token_all);

    // Own work at XY01 (a fault reported here), synced.
    let code: String = laptop
        .store()
        .conn()
        .query_row(
            "SELECT code FROM device WHERE id = ?1",
            [first_device_at(&laptop.store(), XY01)],
            |r| r.get(0),
        )
        .expect("code");
    let out = weibao(
        &laptop.db,
        &[
            "wo",
            "report",
            "--device",
            &code,
            "--level",
            "2",
            "--phenomenon",
            "道闸无法落杆",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    laptop.sync_ok(&office, &token);

    assign(&office, "赵工", &[XA01]);
    let out = laptop.sync_ok(&office, &token);
    assert!(out.contains("evicted"), "{out}");
    assert_eq!(count(&laptop.store(), DEVICES_AT, XY01), 0);
    assert_eq!(
        count(
            &laptop.store(),
            "SELECT COUNT(*) FROM work_order w JOIN lane l ON l.id = w.lane_id
             JOIN site s ON s.id = l.site_id WHERE s.name = ?1",
            XY01
        ),
        0,
        "its own work order left with the site"
    );

    // While XY01 is not assigned, another engineer changes it twice.
    let device = first_device_at(&other.store(), XY01);
    for note in ["钱工：更换线圈", "钱工：复查正常"] {
        other
            .store()
            .write(|tx| tx.update("device", &device, &[("notes", &note)]))
            .expect("edit on the other laptop");
    }
    other.sync_ok(&office, &token_all);

    assign(&office, "赵工", &[XA01, XY01]);
    let out = laptop.sync_ok(&office, &token);
    assert!(out.contains("fetched site"), "{out}");
    let o = office.store();
    let s = laptop.store();
    assert_same(
        &share(&o, &scope_of(&office, &[XA01, XY01])),
        &dump(&s),
        "office's share vs laptop after XY01 came back",
    );
    assert!(count(&s, DEVICES_AT, XY01) > 0);
    assert_eq!(weibao::sync::pending(&s).expect("pending"), 0);
    // The next sync has nothing to do.
    drop((o, s));
    let out = laptop.sync_ok(&office, &token);
    assert!(
        !out.contains("pulled") && !out.contains("fetched"),
        "idle: {out}"
    );
}

#[test]
fn a_drifted_site_is_refetched_by_checksum() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token = engineer(&office, "孙工", &[XA01]);
    let laptop = Laptop::new();
    laptop.sync_ok(&office, &token);
    let lane_at = |name: &str| -> String {
        office
            .store()
            .conn()
            .query_row(
                "SELECT l.id FROM lane l JOIN site s ON s.id = l.site_id
                 WHERE s.name = ?1 ORDER BY l.code LIMIT 1",
                [name],
                |r| r.get(0),
            )
            .expect("lane")
    };

    // A device moves from XA02 to a lane of XA01: the laptop pulls the move, has no such
    // device, notices by the checksum and fetches XA01 whole, history included.
    let moved_in = first_device_at(&office.store(), XA02);
    office
        .store()
        .write(|tx| tx.update("device", &moved_in, &[("lane_id", &lane_at(XA01))]))
        .expect("move in");
    let out = laptop.sync_ok(&office, &token);
    assert!(out.contains("fetched site"), "{out}");
    let scope = scope_of(&office, &[XA01]);
    assert_same(
        &share(&office.store(), &scope),
        &dump(&laptop.store()),
        "after a device moved in",
    );

    // A device moves out to XA02 (the laptop keeps a stale copy: the move is not its to
    // pull), and the laptop's copy of another one is damaged behind the change log's back.
    let s = laptop.store();
    let damaged = first_device_at(&s, XA01);
    s.conn()
        .execute("UPDATE device SET notes = '损坏' WHERE id = ?1", [&damaged])
        .expect("damage");
    drop(s);
    let moved_out: String = office
        .store()
        .conn()
        .query_row(
            "SELECT d.id FROM device d JOIN lane l ON l.id = d.lane_id JOIN site s
             ON s.id = l.site_id WHERE s.name = ?1 AND d.id <> ?2 ORDER BY d.code DESC LIMIT 1",
            [XA01, &damaged],
            |r| r.get(0),
        )
        .expect("device");
    office
        .store()
        .write(|tx| tx.update("device", &moved_out, &[("lane_id", &lane_at(XA02))]))
        .expect("move out");
    let out = laptop.sync_ok(&office, &token);
    assert!(!out.contains("fetched"), "not checked yet: {out}");
    assert_eq!(
        count(
            &laptop.store(),
            "SELECT COUNT(*) FROM device WHERE id = ?1",
            &moved_out
        ),
        1,
        "stale copy"
    );
    let out = weibao(
        &laptop.db,
        &[
            "sync",
            "--server",
            &office.url,
            "--token",
            &token,
            "--verify",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("fetched site"), "{stderr}");
    let s = laptop.store();
    assert_same(&share(&office.store(), &scope), &dump(&s), "after --verify");
    assert_eq!(
        count(&s, "SELECT COUNT(*) FROM device WHERE id = ?1", &moved_out),
        0
    );
}

#[test]
fn asking_for_a_site_outside_the_scope_is_forbidden() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token = engineer(&office, "周工", &[XA01]);
    let token_all = office.engineer("吴工");
    let (xa01, xy01) = (site(&office, XA01), site(&office, XY01));
    let url = |id: &str| format!("{}/sync/v1/site?id={id}&after=0", office.url);

    let (status, v) = answer(request(Method::GET, &url(&xy01), Some(&token)));
    assert_eq!(
        (status, v["kind"].as_str(), v["field"].as_str()),
        (403, Some("forbidden"), Some("id")),
        "{v}"
    );
    let (status, v) = answer(request(Method::GET, &url(&xy01), Some(&token_all)));
    assert_eq!(status, 200, "`all` may fetch any site: {v}");

    // Its own site: every change to that site's rows, and nothing else.
    let (status, v) = answer(request(Method::GET, &url(&xa01), Some(&token)));
    assert_eq!(status, 200, "{v}");
    let o = office.store();
    let mine = scope::rows_in_scope(o.conn(), &Scope::parse(&xa01).expect("scope")).expect("rows");
    let changes = v["changes"].as_array().expect("changes");
    assert!(changes.iter().any(|c| c["table"] == "device"));
    for c in changes {
        let key = (
            c["table"].as_str().unwrap_or("").to_string(),
            c["row_id"].as_str().unwrap_or("").to_string(),
        );
        assert!(mine.contains(&key), "{key:?}");
        assert!(
            !matches!(
                scope::rule(&key.0).map(|r| &r.reach),
                Some(scope::Reach::Global)
            ),
            "no global rows in a site's changes: {key:?}"
        );
    }

    // The checksums: its one site.
    let sums = format!("{}/sync/v1/sites", office.url);
    let (status, v) = answer(request(Method::GET, &sums, Some(&token)));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["scope"], serde_json::json!([xa01]));
    assert_eq!(v["sites"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(
        v["sites"][0],
        serde_json::to_value(
            &scope::checksums(o.conn(), std::slice::from_ref(&xa01)).expect("sums")[0]
        )
        .expect("json")
    );
    let (status, v) = answer(request(Method::GET, &sums, Some(&token_all)));
    assert_eq!((status, v["scope"].as_str()), (200, Some("all")), "{v}");
    assert_eq!(v["sites"].as_array().map(Vec::len), Some(5), "{v}");
}

#[test]
fn engineer_assign_changes_the_sites_and_says_what_they_were() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    office.engineer("郑工");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_weibao-office"))
            .arg("--data")
            .arg(&office.data.dir)
            .args(args)
            .env("RUST_LOG", "info")
            .output()
            .expect("run weibao-office")
    };
    let xa01 = site(&office, XA01);
    let out = run(&["engineer", "assign", "郑工", "--sites", &xa01]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("all → {xa01}")), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("sites assigned"));
    let list = String::from_utf8_lossy(&run(&["engineer", "list"]).stdout).to_string();
    assert!(list.contains(&xa01), "{list}");
    let bad = run(&["engineer", "assign", "郑工", "--sites", "XA01"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sites"));
    let missing = run(&["engineer", "assign", "nobody", "--sites", "all"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not_found"));
}
