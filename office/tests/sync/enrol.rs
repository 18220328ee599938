//! Enrolment: a laptop bound to its engineer, with the office's report prefix and its own
//! certificate registered; one laptop per engineer.

use crate::harness::{answer, request, weibao, Laptop, Server};
use rusqlite::OptionalExtension;
use weibao::store::Store;

fn out_json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "not JSON: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn local_cert(store: &Store, engineer: &str) -> Option<String> {
    store
        .conn()
        .query_row(
            "SELECT cert_sha256 FROM engineer_key WHERE engineer_id = ?1 AND deleted = 0",
            [engineer],
            |r| r.get(0),
        )
        .optional()
        .expect("engineer_key")
}

#[test]
fn a_new_laptop_enrols_as_its_engineer_with_the_offices_prefix_and_registers_its_certificate() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, prefix) = office.enrollable("王新");
    assert_eq!(prefix, "EA", "the first free office prefix");
    let laptop = Laptop::new();
    let out = laptop.enrol(&office, &token);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = out_json(&out);
    assert_eq!(v["enrolment"]["name"], "王新");
    assert_eq!(v["enrolment"]["report_prefix"], "EA");
    let engineer = v["enrolment"]["engineer_id"]
        .as_str()
        .expect("id")
        .to_string();
    assert!(
        v["sync"]["pulled"].as_u64().unwrap_or(0) > 100,
        "the demo data arrived: {v}"
    );

    // The laptop now writes as that engineer and holds a signing key of its own…
    let store = laptop.store();
    assert_eq!(store.current_engineer(), engineer);
    let cert = local_cert(&store, &engineer).expect("a certificate made on the laptop");
    assert_eq!(v["enrolment"]["certificate_sha256"], cert.as_str());
    // …which the office registered (its laptop list) and holds as a synced record.
    let auth = office.data.open_auth().expect("auth");
    let laptops = weibao_office::enrolment::laptops(&auth).expect("laptops");
    assert_eq!(laptops.len(), 1);
    assert_eq!(laptops[0].installation, store.installation());
    assert_eq!(laptops[0].cert_sha256.as_deref(), Some(cert.as_str()));
    assert_eq!(
        local_cert(&office.store(), &engineer).as_deref(),
        Some(cert.as_str())
    );

    // From now on `weibao sync` needs no server or token.
    let out = weibao(&laptop.db, &["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Enrolling again is harmless (an interrupted enrolment is simply run again).
    let again = laptop.enrol(&office, &token);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn two_engineers_get_distinct_prefixes_and_an_engineer_of_the_demo_keeps_theirs() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let demo_prefix: String = office
        .store()
        .conn()
        .query_row(
            "SELECT name, report_prefix FROM engineer ORDER BY name LIMIT 1",
            [],
            |r| {
                Ok(format!(
                    "{}|{}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?
                ))
            },
        )
        .expect("a demo engineer");
    let (name, prefix) = demo_prefix.split_once('|').expect("pair");
    let (_, got) = office.enrollable(name);
    assert_eq!(
        got, prefix,
        "an engineer already in the office data keeps their prefix"
    );
    let (_, a) = office.enrollable("新人甲");
    let (_, b) = office.enrollable("新人乙");
    assert_ne!(a, b);
}

#[test]
fn a_second_laptop_for_one_engineer_is_refused_until_the_first_is_retired() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = office.enrollable("王新");
    let first = Laptop::new();
    assert!(first.enrol(&office, &token).status.success());
    let second = Laptop::new();
    let out = second.enrol(&office, &token);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already_enrolled"), "{err}");
    assert!(err.contains("another laptop"), "{err}");
    // A push from the refused laptop is refused too (pulling alone creates nothing).
    {
        let mut store = second.store();
        store
            .write(|tx| weibao::org::add_company(tx, "第二台电脑上建的公司", None, None))
            .expect("a local change");
    }
    let out = second.sync(&office, &token);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a push from a second laptop is refused"
    );

    let auth = office.data.open_auth().expect("auth");
    let old = first.store().installation().to_string();
    assert!(weibao_office::enrolment::retire(&auth, &old).expect("retire"));
    let out = second.enrol(&office, &token);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_laptop_that_works_as_someone_else_cannot_enrol() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = office.enrollable("王新");
    let laptop = Laptop::new();
    {
        let mut store = laptop.store();
        weibao::profile::create(
            &mut store,
            &weibao::profile::ProfileInput {
                company: "别的公司".into(),
                name: "赵六".into(),
                phone: None,
                report_prefix: "ZL".into(),
            },
        )
        .expect("profile");
    }
    let out = laptop.enrol(&office, &token);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("enrolled_elsewhere"), "{err}");
    assert_eq!(laptop.store().current_engineer(), {
        let s = laptop.store();
        weibao::profile::current(&s)
            .expect("p")
            .expect("p")
            .engineer
            .id
    });
    // The refused laptop took nothing on the office: 王新's own laptop still enrols.
    let own = Laptop::new();
    let out = own.enrol(&office, &token);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_bad_certificate_or_installation_is_refused_naming_it() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = office.enrollable("王新");
    let url = format!("{}/sync/v1/enrol", office.url);
    let body = serde_json::json!({
        "installation": uuid::Uuid::now_v7().to_string(),
        "certificate": "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----",
    });
    let (status, v) = answer(request(reqwest::Method::POST, &url, Some(&token)).json(&body));
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["field"], "certificate");
    let body = serde_json::json!({"installation": "../../etc"});
    let (status, v) = answer(request(reqwest::Method::POST, &url, Some(&token)).json(&body));
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["field"], "installation");
    let (status, _) = answer(request(reqwest::Method::POST, &url, None).json(&body));
    assert_eq!(status, 401);
    // A push naming another engineer's laptop is refused.
    let laptop = Laptop::new();
    assert!(laptop.enrol(&office, &token).status.success());
    let (other, _) = office.enrollable("李四");
    let push = serde_json::json!({"installation": laptop.store().installation(), "changes": []});
    let (status, v) = answer(
        request(
            reqwest::Method::POST,
            &format!("{}/sync/v1/push", office.url),
            Some(&other),
        )
        .json(&push),
    );
    assert_eq!(status, 403, "{v}");
    assert_eq!(v["kind"], "installation_taken");
}
