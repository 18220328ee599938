//! The scope rule: every synced table classified, the SQL valid on the real schema, and on the
//! demo data each site's share closed under its parents (a scoped pull never waits forever).

use super::*;
use crate::store::{registry, Store};
use crate::SystemClock;
use sha2::{Digest, Sha256};
use std::sync::Arc;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("t.db"), Arc::new(SystemClock)).expect("store");
    (dir, store)
}

fn demo() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = store();
    crate::demo::load(&mut store, None, &mut |_, _| {}).expect("demo");
    (dir, store)
}

fn site_id(store: &Store, name: &str) -> String {
    store
        .conn()
        .query_row("SELECT id FROM site WHERE name = ?1", [name], |r| r.get(0))
        .expect("site")
}

fn only(site: &str) -> Scope {
    Scope::Sites([site.to_string()].into())
}

#[test]
fn every_synced_table_has_exactly_one_rule_in_registry_order() {
    let names: Vec<&str> = RULES.iter().map(|r| r.table).collect();
    let registry: Vec<&str> = registry::TABLES.iter().map(|t| t.name).collect();
    assert_eq!(
        names, registry,
        "a table added to the registry needs a scope rule (global or its way to a site)"
    );
    for r in RULES {
        if let Reach::Sites(arms) = &r.reach {
            assert!(!arms.is_empty(), "{} reaches no site", r.table);
            assert!(
                arms.iter().any(|a| a.site.is_some()),
                "{}: use Reach::Global",
                r.table
            );
        }
    }
}

#[test]
fn global_tables_are_those_without_a_site() {
    let global: Vec<&str> = RULES
        .iter()
        .filter(|r| matches!(r.reach, Reach::Global))
        .map(|r| r.table)
        .collect();
    assert_eq!(
        global,
        [
            "company",
            "engineer",
            "engineer_key",
            "stock_location",
            "part",
            "spare_unit",
            "conflict_resolution",
            "common_fault",
            "checklist_template",
            "stock_minimum"
        ]
    );
}

#[test]
fn the_rule_sql_is_valid_on_the_real_schema() {
    let (_d, store) = store();
    let conn = store.conn();
    for sql in [in_scope_query(), site_query()] {
        conn.prepare(sql).unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
    for r in RULES {
        if let Reach::Sites(arms) = &r.reach {
            let sql = pairs_sql(r, arms);
            conn.prepare(&sql).unwrap_or_else(|e| panic!("{e}: {sql}"));
        }
    }
    let page = pull_page(conn, 0, "x", &only("s"), 10).expect("pull page");
    assert!(page.changes.is_empty() && !page.more);
    let sums = checksums(conn, &["s".to_string()]).expect("checksums");
    assert_eq!(sums[0].rows, 0);
    assert_eq!(sums[0].checksum, hex::encode(Sha256::digest(b"")));
}

#[test]
fn a_site_holds_its_lanes_devices_customer_and_contract_but_no_other_sites_rows() {
    let (_d, store) = demo();
    let conn = store.conn();
    let xa01 = site_id(&store, "西安综合保税区卡口");
    let rows = rows_in_scope(conn, &only(&xa01)).expect("rows");
    let has = |t: &str, id: &str| rows.contains(&(t.to_string(), id.to_string()));
    let ids = |sql: &str| -> Vec<String> {
        conn.prepare(sql)
            .expect("sql")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    };
    for d in ids("SELECT d.id FROM device d JOIN lane l ON l.id = d.lane_id JOIN site s ON s.id = l.site_id WHERE s.name = '西安综合保税区卡口'") {
        assert!(has("device", &d));
    }
    for d in ids("SELECT d.id FROM device d JOIN lane l ON l.id = d.lane_id JOIN site s ON s.id = l.site_id WHERE s.name <> '西安综合保税区卡口'") {
        assert!(!has("device", &d), "another site's device");
    }
    for c in ids("SELECT id FROM customer WHERE name = '西安海关'") {
        assert!(has("customer", &c));
    }
    for c in ids("SELECT id FROM customer WHERE name <> '西安海关'") {
        assert!(!has("customer", &c), "another customer");
    }
    assert_eq!(
        ids("SELECT k.id FROM contract k JOIN customer c ON c.id = k.customer_id WHERE c.name = '西安海关'")
            .iter()
            .filter(|k| has("contract", k))
            .count(),
        1
    );
    for t in [
        "company",
        "engineer",
        "part",
        "stock_location",
        "spare_unit",
    ] {
        for id in ids(&format!("SELECT id FROM {t}")) {
            assert!(has(t, &id), "global {t}");
        }
    }
    // Stock movements without a work order are global; with one, they follow its site.
    let global_moves = ids("SELECT id FROM stock_movement WHERE work_order_id IS NULL");
    assert!(!global_moves.is_empty());
    assert!(global_moves.iter().all(|m| has("stock_movement", m)));
    let all = rows_in_scope(conn, &Scope::All).expect("all");
    let total: i64 = registry::TABLES
        .iter()
        .map(|t| {
            conn.query_row(&format!("SELECT COUNT(*) FROM {}", t.name), [], |r| {
                r.get::<_, i64>(0)
            })
            .expect("count")
        })
        .sum();
    assert_eq!(all.len() as i64, total, "`all` covers every row");
}

/// What a site's engineer receives never refers to a row they do not receive: otherwise a
/// pulled change would wait for its parent forever.
#[test]
fn each_sites_share_holds_every_row_its_rows_refer_to() {
    let (_d, store) = demo();
    let conn = store.conn();
    for site in local_sites(conn, &Scope::All).expect("sites") {
        let rows = rows_in_scope(conn, &only(&site)).expect("rows");
        for t in registry::TABLES {
            let fks: Vec<(String, String)> = conn
                .prepare("SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?1)")
                .expect("fk")
                .query_map([t.name], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("fk")
                .collect::<rusqlite::Result<_>>()
                .expect("fk");
            for (parent, col) in fks {
                let mut st = conn
                    .prepare(&format!(
                        "SELECT id, {col} FROM {} WHERE {col} IS NOT NULL",
                        t.name
                    ))
                    .expect("sql");
                let links: Vec<(String, String)> = st
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                    .expect("rows")
                    .collect::<rusqlite::Result<_>>()
                    .expect("rows");
                for (id, to) in links {
                    if rows.contains(&(t.name.to_string(), id.clone())) {
                        assert!(
                            rows.contains(&(parent.clone(), to.clone())),
                            "{}.{col} of {id} → {parent} {to}: not in site {site}'s share",
                            t.name
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_sites_checksum_moves_with_its_rows_only() {
    let (_d, mut store) = demo();
    let a = site_id(&store, "西安综合保税区卡口");
    let b = site_id(&store, "咸阳机场货运卡口");
    let sites = vec![a.clone(), b.clone()];
    let before = checksums(store.conn(), &sites).expect("sums");
    assert!(before.iter().all(|s| s.rows > 0));
    assert_eq!(before, checksums(store.conn(), &sites).expect("again"));
    let device: String = store
        .conn()
        .query_row(
            "SELECT d.id FROM device d JOIN lane l ON l.id = d.lane_id WHERE l.site_id = ?1 LIMIT 1",
            [&a],
            |r| r.get(0),
        )
        .expect("device");
    store
        .write(|tx| tx.update("device", &device, &[("notes", &"松动")]))
        .expect("edit");
    let after = checksums(store.conn(), &sites).expect("sums");
    assert_ne!(before[0].checksum, after[0].checksum, "site A changed");
    assert_eq!(before[0].rows, after[0].rows);
    assert_eq!(before[1], after[1], "site B did not");
}

#[test]
fn a_scoped_pull_page_advances_even_when_filtered_to_nothing() {
    let (_d, store) = demo();
    let conn = store.conn();
    let last = changes::last_position(conn).expect("last");
    let nowhere = only("00000000-0000-0000-0000-000000000000");
    let mut after = 0;
    let mut pages = 0;
    loop {
        let p = pull_page(conn, after, "x", &nowhere, 5).expect("page");
        assert!(p.next > after, "the cursor advances");
        assert!(
            p.changes.iter().all(|l| matches!(
                rule(&l.change.table).map(|r| &r.reach),
                Some(Reach::Global)
            ) || l.change.table == "stock_movement"),
            "only global rows reach a scope with no site"
        );
        after = p.next;
        pages += 1;
        if !p.more {
            break;
        }
    }
    assert_eq!(after, last);
    assert!(pages > 1);
}

#[test]
fn scope_is_all_or_a_list_of_site_ids() {
    assert_eq!(Scope::parse(" all ").expect("all"), Scope::All);
    let a = "0190c5a4-0000-7000-8000-000000000001";
    let b = "0190c5a4-0000-7000-8000-000000000002";
    let s = Scope::parse(&format!("{b}, {a},{a}")).expect("list");
    assert_eq!(s.code(), format!("{a},{b}"));
    assert!(s.contains(a) && !s.contains("x"));
    assert_eq!(
        Scope::parse("L01").expect_err("not an id").field(),
        Some("sites")
    );
    assert!(Scope::parse(" , ").is_err());
    let json = serde_json::to_string(&s).expect("json");
    assert_eq!(json, format!("[\"{a}\",\"{b}\"]"));
    assert_eq!(serde_json::from_str::<Scope>(&json).expect("back"), s);
    assert_eq!(serde_json::to_string(&Scope::All).expect("json"), "\"all\"");
    assert_eq!(
        serde_json::from_str::<Scope>("\"all\"").expect("all"),
        Scope::All
    );
    assert!(serde_json::from_str::<Scope>("\"some\"").is_err());
}

/// A status report of one site goes to that site's laptops only; one of the whole customer to
/// every site of the customer, never to another customer's site — and a share holding one
/// still holds its customer, site and engineer.
#[test]
fn status_reports_follow_their_site_or_every_site_of_their_customer() {
    let (_d, mut store) = demo();
    let assets = crate::report::ReportAssets::locate().expect("assets");
    let quarter = crate::stats::current_quarter(&store);
    let make = |store: &mut Store, site: Option<&str>| {
        let scope = crate::stats::Scope::quarter("西安海关", site, &quarter).expect("scope");
        crate::status_report::make(store, &assets, &scope, crate::Lang::Zh)
            .expect("status report")
            .report
            .id
    };
    let whole = make(&mut store, None);
    let one = make(&mut store, Some("西安国际港务区卡口"));
    let conn = store.conn();
    let has = |site: &str, id: &str| {
        rows_in_scope(conn, &only(&site_id(&store, site)))
            .expect("rows")
            .contains(&("status_report".to_string(), id.to_string()))
    };
    assert!(has("西安综合保税区卡口", &whole));
    assert!(has("西安国际港务区卡口", &whole));
    assert!(has("西安国际港务区卡口", &one));
    assert!(!has("西安综合保税区卡口", &one), "another site's report");
    assert!(
        !has("咸阳机场货运卡口", &whole),
        "another customer's report"
    );
    let rows = rows_in_scope(conn, &only(&site_id(&store, "西安国际港务区卡口"))).expect("rows");
    let (customer, site, engineer): (String, String, String) = conn
        .query_row(
            "SELECT customer_id, site_id, engineer_id FROM status_report WHERE id = ?1",
            [&one],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("row");
    for (t, id) in [
        ("customer", customer),
        ("site", site),
        ("engineer", engineer),
    ] {
        assert!(rows.contains(&(t.to_string(), id)), "{t} travels with it");
    }
}
