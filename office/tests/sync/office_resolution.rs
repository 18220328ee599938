//! A fault fixed on the phone from the office, through the real server: the dispatcher
//! registers the call, talks the customer through a restart, records who confirmed on which
//! number; the work order is signed with no engineer sent, its report is signed in the service
//! centre's name (pdfsig, pdftotext), listed as verified for review, and reaches an engineer's
//! laptop at its next sync. Bad fields are named with nothing written; roles are checked.

use crate::harness::{client, Laptop, Server};
use crate::staff::{add, get, login, post, Login};
use weibao_office::staff::Role;

fn register(server: &Server, me: &Login) -> String {
    let (status, reg) = post(
        server,
        me,
        "/api/v1/faults",
        serde_json::json!({"device_id": "XA01-L01-BG01", "level": 3,
            "phenomenon": "读卡器刷卡无反应", "contact_name": "陈建国",
            "contact_phone": "029-86366001", "channel": "phone"}),
    );
    assert_eq!(status, 201, "{reg}");
    reg["work_order"]["id"].as_str().expect("id").to_string()
}

fn call() -> serde_json::Value {
    serde_json::json!({"method": "phone", "found_state": "读卡器指示灯常亮，刷卡无反应",
        "process": "电话指导值班员重启读卡器电源后刷卡恢复正常",
        "confirmer": "陈建国", "confirmer_phone": "029-86366001"})
}

fn pdf(server: &Server, number: &str, who: &Login) -> Vec<u8> {
    let resp = client()
        .get(format!("{}/api/v1/reports/{number}/pdf", server.url))
        .header("cookie", &who.cookie)
        .send()
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
    resp.bytes().expect("bytes").to_vec()
}

fn tool(name: &str, file: &std::path::Path) -> String {
    let out = std::process::Command::new(name)
        .arg(file)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_fault_fixed_on_the_phone_is_signed_by_the_service_centre_and_reaches_the_laptop() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = server.enrollable("王新");
    let laptop = Laptop::new();
    assert!(laptop.enrol(&server, &token).status.success());
    laptop.sync_ok(&server, &token);

    let password = add(&server, "王芳", Role::Dispatcher);
    let me = login(&server, "王芳", &password);
    let id = register(&server, &me);
    let path = format!("/api/v1/work-orders/{id}/resolve-at-office");

    // Each wrong field is named; the work order is untouched.
    for (key, value, field) in [
        ("confirmer_phone", "call me", "phone_confirmation.phone"),
        ("confirmer", "", "phone_confirmation.confirmer"),
        ("method", "fax", "resolution.method"),
        ("process", " ", "service.process"),
    ] {
        let mut bad = call();
        bad[key] = value.into();
        let (status, body) = post(&server, &me, &path, bad);
        assert_eq!(
            (status, body["field"].as_str()),
            (400, Some(field)),
            "{body}"
        );
    }
    let (_, wo) = get(&server, &format!("/api/v1/work-orders/{id}"), Some(&me));
    assert_eq!(wo["state"], "reported", "{wo}");
    // An archive keeper does not take calls; no session at all is 401.
    let keeper_pw = add(&server, "赵档案", Role::Archivist);
    let keeper = login(&server, "赵档案", &keeper_pw);
    let (status, body) = post(&server, &keeper, &path, call());
    assert_eq!(
        (status, body["kind"].as_str()),
        (403, Some("forbidden_role"))
    );

    let (status, done) = post(&server, &me, &path, call());
    assert_eq!(status, 201, "{done}");
    assert_eq!(done["work_order"]["state"], "customer_signed", "{done}");
    let number = done["report"]["number"]
        .as_str()
        .expect("number")
        .to_string();
    assert!(number.starts_with("KF-"), "{number}");

    // Listed for review as verified, with the phone confirmation.
    let (_, list) = get(&server, "/api/v1/reports", Some(&me));
    let row = list
        .as_array()
        .and_then(|l| l.iter().find(|r| r["number"] == number.as_str()))
        .expect("listed")
        .clone();
    assert_eq!(row["verification"]["status"], "verified", "{row}");
    assert_eq!(
        (
            row["customer_signer"].as_str(),
            row["confirmed_by_phone"].as_str()
        ),
        (Some("陈建国"), Some("029-86366001")),
        "{row}"
    );

    // The signed file as a reader sees it.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, pdf(&server, &number, &me)).expect("write");
    let text = tool("pdftotext", &file);
    for words in ["电话确认", "陈建国", "王芳", "电话指导解决"] {
        assert!(text.contains(words), "{words} missing from:\n{text}");
    }
    let sig = tool("pdfsig", &file);
    assert!(
        sig.contains("客户服务中心") && sig.contains("Signature Validation: Signature is Valid"),
        "{sig}"
    );

    // Done: asking again is refused as final, nothing signed twice.
    let (status, body) = post(&server, &me, &path, call());
    assert_eq!(
        (status, body["kind"].as_str()),
        (409, Some("immutable")),
        "{body}"
    );

    // The engineer's laptop sees it signed at its next sync, with the confirmation.
    laptop.sync_ok(&server, &token);
    let store = laptop.store();
    let state: String = store
        .conn()
        .query_row(
            "SELECT state FROM work_order_now WHERE id = ?1",
            [&id],
            |r| r.get(0),
        )
        .expect("on the laptop");
    assert_eq!(state, "customer_signed");
    assert!(matches!(
        weibao::report::signature::current(store.conn(), &id).expect("read"),
        Some(weibao::report::signature::Confirmation::ByPhone { .. })
    ));
}
