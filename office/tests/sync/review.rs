//! Review through the real server: an engineer's laptop (the real `weibao` CLI) repairs, has the
//! customer sign and syncs; the office lists the signed report verified, shows the work order
//! with its photos and files, refuses to close before the signature (naming why), closes after
//! it, and the laptop has it closed at its next sync. A report file altered at the office
//! fails verification and one not uploaded yet is "pending file". Each endpoint refuses the
//! wrong role, no session and a change without its CSRF token (conflicts and common faults:
//! `conflicts.rs`).

use crate::harness::{answer, client, weibao, Laptop, Server};
use crate::staff::{add, get, login, post, Login};
use reqwest::Method;
use sha2::Digest;
use weibao_office::staff::Role;
use weibao_office::staff_web::{access, CSRF_HEADER};

/// Status, content type and bytes of a file answer.
fn get_file(server: &Server, path: &str, who: &Login) -> (u16, String, Vec<u8>) {
    let resp = client()
        .get(format!("{}{path}", server.url))
        .header("cookie", &who.cookie)
        .send()
        .expect("send");
    let status = resp.status().as_u16();
    let mime = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, mime, resp.bytes().expect("bytes").to_vec())
}

#[track_caller]
fn ok(out: std::process::Output, what: &str) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// The lane photo and the customer's signature as files the CLI takes.
fn evidence(dir: &std::path::Path) -> (String, String) {
    let jpg = dir.join("boom.jpg");
    std::fs::write(&jpg, crate::blob_support::lane_photo(7)).expect("jpeg");
    let png = dir.join("signature.png");
    image::RgbaImage::from_fn(300, 100, |x, y| {
        image::Rgba([0, 0, 0, if (x + y) % 37 < 3 { 255 } else { 0 }])
    })
    .save(&png)
    .expect("png");
    (
        jpg.to_str().expect("utf-8").into(),
        png.to_str().expect("utf-8").into(),
    )
}

fn state_on(store: &weibao::Store, wo: &str) -> String {
    store
        .conn()
        .query_row(
            "SELECT state FROM work_order_now WHERE id = ?1",
            [wo],
            |r| r.get(0),
        )
        .expect("the work order")
}

#[test]
fn a_report_signed_at_the_lane_is_verified_and_the_work_order_closes_on_the_laptop_too() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = server.enrollable("王新");
    let laptop = Laptop::new();
    assert!(laptop.enrol(&server, &token).status.success());
    laptop.sync_ok(&server, &token);
    let db = laptop.db.clone();
    let dir = tempfile::tempdir().expect("dir");
    let (jpg, png) = evidence(dir.path());

    // At the lane, offline: the fault, the repair, the service record, a photo.
    let wo = ok(
        weibao(
            &db,
            &[
                "--json",
                "wo",
                "report",
                "--device",
                "XA01-L03-BG01",
                "--level",
                "2",
                "--phenomenon",
                "道闸无法抬杆",
            ],
        ),
        "wo report",
    )["id"]
        .as_str()
        .expect("id")
        .to_string();
    for to in ["assigned", "responded", "on_site", "resolved"] {
        ok(weibao(&db, &["wo", "advance", &wo, "--to", to]), to);
    }
    ok(
        weibao(
            &db,
            &[
                "wo",
                "service",
                &wo,
                "--found",
                "挡杆断裂",
                "--process",
                "更换挡杆并调试限位",
            ],
        ),
        "service",
    );
    ok(
        weibao(
            &db,
            &[
                "photo",
                "add",
                "--work-order",
                &wo,
                &jpg,
                "--caption",
                "挡杆断裂",
            ],
        ),
        "photo",
    );
    laptop.sync_ok(&server, &token);

    // The office may not close what the customer has not confirmed: named, nothing changed.
    let password = add(&server, "王芳", Role::Dispatcher);
    let me = login(&server, "王芳", &password);
    let close = format!("/api/v1/work-orders/{wo}/close");
    let (status, body) = post(&server, &me, &close, serde_json::json!({}));
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("review.signature")),
        "{body}"
    );
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains("签字")),
        "{body}"
    );
    let (status, view) = get(&server, &format!("/api/v1/work-orders/{wo}"), Some(&me));
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        (view["state"].as_str(), view["can_close"].as_bool()),
        (Some("resolved"), Some(false))
    );
    assert_eq!(view["close_refusal"]["field"], "review.signature", "{view}");

    // The customer signs; the signed report is filed; the laptop syncs it, PDF and all.
    ok(
        weibao(
            &db,
            &[
                "sign",
                "--work-order",
                &wo,
                "--png",
                &png,
                "--signer",
                "陈建国",
            ],
        ),
        "sign",
    );
    let out = dir.path().join("report.pdf");
    ok(
        weibao(
            &db,
            &[
                "report",
                "render",
                "--work-order",
                &wo,
                "--out",
                out.to_str().expect("utf-8"),
            ],
        ),
        "report render",
    );
    laptop.sync_ok(&server, &token);

    let (status, list) = get(&server, "/api/v1/reports", Some(&me));
    assert_eq!(status, 200, "{list}");
    let row = list
        .as_array()
        .and_then(|l| l.iter().find(|r| r["work_order_id"] == wo.as_str()))
        .expect("the report is listed")
        .clone();
    assert_eq!(row["verification"]["status"], "verified", "{row}");
    assert_eq!(
        (
            row["customer_signer"].as_str(),
            row["engineer_signer"].as_str(),
            row["work_order_state"].as_str(),
            row["customer_name"].as_str(),
            row["device_code"].as_str(),
        ),
        (
            Some("陈建国"),
            Some("王新"),
            Some("customer_signed"),
            Some("西安海关"),
            Some("XA01-L03-BG01")
        ),
        "{row}"
    );
    assert_eq!(list[0]["number"], row["number"], "newest first: {list}");
    let number = row["number"].as_str().expect("number").to_string();
    let (status, waiting) = get(
        &server,
        "/api/v1/reports?state=customer_signed&verification=verified",
        Some(&me),
    );
    assert_eq!(status, 200);
    assert!(waiting
        .as_array()
        .is_some_and(|l| l.iter().any(|r| r["number"] == number.as_str())));

    // The PDF as filed: the very bytes the laptop signed.
    let (status, mime, pdf) = get_file(&server, &format!("/api/v1/reports/{number}/pdf"), &me);
    assert_eq!((status, mime.as_str()), (200, "application/pdf"));
    assert_eq!(pdf, std::fs::read(&out).expect("the laptop's copy"));
    assert_eq!(
        row["sha256"].as_str(),
        Some(hex::encode(sha2::Sha256::digest(&pdf)).as_str())
    );

    // The work order as reviewed: its photos by blob id, served with their type.
    let (status, view) = get(&server, &format!("/api/v1/work-orders/{wo}"), Some(&me));
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["can_close"], true, "{view}");
    assert_eq!(view["confirmation"]["kind"], "signed");
    assert!(view["transitions"].as_array().is_some_and(|t| t.len() >= 5));
    assert!(
        view["service_record"]["found_state"] == "挡杆断裂",
        "{view}"
    );
    let photo = &view["photos"][0];
    assert_eq!(photo["caption"], "挡杆断裂", "{view}");
    for key in ["report_sha256", "original_sha256"] {
        let sha = photo[key].as_str().expect("blob id");
        let (status, mime, bytes) = get_file(&server, &format!("/api/v1/blobs/{sha}"), &me);
        assert_eq!((status, mime.as_str()), (200, "image/jpeg"), "{key}");
        assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), sha);
    }
    let (status, body) = get(
        &server,
        &format!("/api/v1/blobs/{}", "0".repeat(64)),
        Some(&me),
    );
    assert_eq!(status, 404, "a file no record names: {body}");

    // Closed after review; the engineer's laptop has it closed at its next sync.
    let (status, view) = post(
        &server,
        &me,
        &close,
        serde_json::json!({"note": "报告与照片核对无误"}),
    );
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        (view["state"].as_str(), view["can_close"].as_bool()),
        (Some("closed"), Some(false))
    );
    assert!(
        view["transitions"]
            .as_array()
            .and_then(|t| t.last())
            .and_then(|t| t["note"].as_str())
            .is_some_and(|n| n.contains("王芳") && n.contains("核对无误")),
        "who closed it and why: {view}"
    );
    let (status, again) = post(&server, &me, &close, serde_json::json!({}));
    assert_eq!(
        (status, again["kind"].as_str()),
        (409, Some("already_closed"))
    );
    assert_eq!(state_on(&laptop.store(), &wo), "customer_signed");
    laptop.sync_ok(&server, &token);
    assert_eq!(state_on(&laptop.store(), &wo), "closed");
}

#[test]
fn a_report_file_altered_at_the_office_fails_and_one_not_uploaded_is_pending() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let password = add(&server, "技术甲", Role::TechLead);
    let lead = login(&server, "技术甲", &password);
    let (status, list) = get(&server, "/api/v1/reports", Some(&lead));
    assert_eq!(status, 200, "{list}");
    let rows = list.as_array().expect("rows");
    assert!(rows.len() >= 2, "the demo signs reports: {list}");
    assert!(
        rows.iter()
            .all(|r| r["verification"]["status"] == "verified"),
        "{list}"
    );
    let altered = rows[0].clone();
    let missing = rows[1].clone();
    let blobs = weibao::store::BlobStore::beside(&server.data.replica()).expect("blobs");
    // One byte changed in the office's copy of the first; the second's file removed.
    let path = blobs
        .path_of(altered["sha256"].as_str().expect("sha"))
        .expect("path");
    let mut bytes = std::fs::read(&path).expect("read");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    let mut perm = std::fs::metadata(&path).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(&path, perm).expect("writable");
    std::fs::write(&path, &bytes).expect("tamper");
    std::fs::remove_file(
        blobs
            .path_of(missing["sha256"].as_str().expect("sha"))
            .expect("path"),
    )
    .expect("remove");

    let (_, list) = get(&server, "/api/v1/reports", Some(&lead));
    let status_of = |n: &serde_json::Value| {
        list.as_array()
            .and_then(|l| l.iter().find(|r| r["number"] == *n))
            .map(|r| r["verification"].clone())
            .expect("listed")
    };
    let v = status_of(&altered["number"]);
    assert_eq!(v["status"], "failed", "{v}");
    assert!(
        v["problem_en"]
            .as_str()
            .is_some_and(|p| p.contains("SHA-256")),
        "{v}"
    );
    assert_eq!(status_of(&missing["number"])["status"], "pending_file");
    let (_, failed) = get(&server, "/api/v1/reports?verification=failed", Some(&lead));
    assert_eq!(
        failed
            .as_array()
            .map(|l| l.iter().map(|r| r["number"].clone()).collect::<Vec<_>>()),
        Some(vec![altered["number"].clone()])
    );
    let (status, body) = get(&server, "/api/v1/reports?state=finished", Some(&lead));
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("review.state"))
    );

    // The missing PDF is not found, naming its number; so is a number never filed.
    let n = missing["number"].as_str().expect("number");
    let (status, body) = get(&server, &format!("/api/v1/reports/{n}/pdf"), Some(&lead));
    assert_eq!(status, 404, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains(n)),
        "{body}"
    );
    let (status, body) = get(&server, "/api/v1/reports/NO-SUCH-1/pdf", Some(&lead));
    assert_eq!(status, 404, "{body}");

    // Closing on either is refused on the report's file, and nothing moves.
    for r in [&altered, &missing] {
        let wo = r["work_order_id"].as_str().expect("wo");
        if r["work_order_state"] != "customer_signed" {
            continue;
        }
        let (status, body) = post(
            &server,
            &lead,
            &format!("/api/v1/work-orders/{wo}/close"),
            serde_json::json!({}),
        );
        assert_eq!(
            (status, body["field"].as_str()),
            (400, Some("review.report_file")),
            "{body}"
        );
        assert_eq!(state_on(&server.store(), wo), "customer_signed");
    }
}

/// Each endpoint of review and 回访 with its roles: the others get 403, no session 401, and a
/// change without its CSRF token 403 `csrf`.
#[test]
fn review_and_follow_up_endpoints_refuse_the_wrong_role_no_session_and_no_csrf_token() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let wo: String = server
        .store()
        .conn()
        .query_row("SELECT id FROM work_order LIMIT 1", [], |r| r.get(0))
        .expect("a work order");
    let sha = "a".repeat(64);
    let endpoints: Vec<(Method, String, &[Role])> = vec![
        (Method::GET, "/api/v1/reports".into(), access::REVIEW),
        (Method::GET, "/api/v1/reports/X/pdf".into(), access::REVIEW),
        (
            Method::GET,
            format!("/api/v1/work-orders/{wo}"),
            access::REVIEW,
        ),
        (
            Method::POST,
            format!("/api/v1/work-orders/{wo}/close"),
            access::REVIEW,
        ),
        (Method::GET, format!("/api/v1/blobs/{sha}"), access::REVIEW),
        (Method::GET, "/api/v1/conflicts".into(), access::CONFLICTS),
        (
            Method::POST,
            "/api/v1/conflicts/k/resolve".into(),
            access::CONFLICTS,
        ),
        (
            Method::POST,
            "/api/v1/common-faults".into(),
            access::COMMON_FAULTS,
        ),
        (Method::GET, "/api/v1/follow-ups".into(), access::FOLLOW_UPS),
        (
            Method::POST,
            "/api/v1/follow-ups".into(),
            access::FOLLOW_UPS,
        ),
        (
            Method::GET,
            "/api/v1/follow-ups/calls".into(),
            access::FOLLOW_UPS,
        ),
    ];
    let mut people = Vec::new();
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let name = format!("员工{i}");
        let password = add(&server, &name, role);
        people.push((role, login(&server, &name, &password)));
    }
    for (method, path, allowed) in &endpoints {
        let url = format!("{}{path}", server.url);
        // No session at all.
        let (status, body) = answer(
            client()
                .request(method.clone(), &url)
                .json(&serde_json::json!({})),
        );
        assert_eq!(
            (status, body["kind"].as_str()),
            (401, Some("unauthenticated_staff")),
            "{method} {path}"
        );
        for (role, who) in &people {
            let mut r = client()
                .request(method.clone(), &url)
                .header("cookie", &who.cookie)
                .json(&serde_json::json!({}));
            if *method == Method::POST {
                // Without the token first: refused before anything else.
                let (status, body) = answer(
                    client()
                        .request(method.clone(), &url)
                        .header("cookie", &who.cookie)
                        .json(&serde_json::json!({})),
                );
                assert_eq!(
                    (status, body["kind"].as_str()),
                    (403, Some("csrf")),
                    "{role:?} {method} {path}"
                );
                r = r.header(CSRF_HEADER, &who.csrf);
            }
            let resp = r.send().expect("send");
            let status = resp.status().as_u16();
            if allowed.contains(role) {
                assert!(
                    status != 403 && status != 401,
                    "{role:?} may use {method} {path}: {status}"
                );
            } else {
                let body: serde_json::Value = resp.json().expect("json");
                assert_eq!(
                    (status, body["kind"].as_str()),
                    (403, Some("forbidden_role")),
                    "{role:?} refused on {method} {path}"
                );
            }
        }
    }
}
