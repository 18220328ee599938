//! `weibao-office engineer …`: the token printed once, alone on the last line; only its hash
//! kept.

use std::process::Command;

fn office(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_weibao-office"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .expect("run weibao-office")
}

#[test]
fn engineer_add_prints_the_token_once_and_stores_only_its_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = office(dir.path(), &["engineer", "add", "郑工", "--sites", "all"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let token = stdout.lines().last().expect("a last line").to_string();
    assert_eq!(token.len(), 64, "{stdout}");
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{stdout}");

    // Neither the file nor its write-ahead log holds the token (in text or as bytes).
    let raw = hex::decode(&token).expect("hex");
    for name in ["office-auth.db", "office-auth.db-wal"] {
        let bytes = std::fs::read(dir.path().join(name)).unwrap_or_default();
        for needle in [token.as_bytes(), raw.as_slice()] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "the token itself is not stored in {name}"
            );
        }
    }

    let bad = office(dir.path(), &["engineer", "add", "郑工", "--sites", "all"]);
    assert!(!bad.status.success(), "a second 郑工 is refused");
    let bad = office(dir.path(), &["engineer", "add", "冯工", "--sites", "L01"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sites"));

    let out = office(dir.path(), &["engineer", "revoke", "郑工"]);
    assert!(out.status.success());
    let list = String::from_utf8(office(dir.path(), &["engineer", "list"]).stdout).expect("utf-8");
    assert!(list.contains("郑工") && list.contains("revoked"), "{list}");
    let missing = office(dir.path(), &["engineer", "revoke", "nobody"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not_found"));
}

mod over_http {
    use crate::harness::{answer, request, Server};
    use reqwest::Method;

    #[test]
    fn the_admin_endpoints_take_admin_tokens_only_and_do_what_the_commands_do() {
        let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
        let admin = {
            let auth = office.data.open_auth().expect("auth");
            weibao_office::admin::add_admin(&auth, "客服主管").expect("admin token")
        };
        let url = |p: &str| format!("{}{p}", office.url);

        // An empty office gets the demo data over HTTP.
        let (status, v) = answer(request(Method::POST, &url("/admin/v1/demo"), Some(&admin)));
        assert_eq!(status, 200, "{v}");
        assert!(v["devices"].as_u64().unwrap_or(0) > 10, "{v}");

        let (status, v) = answer(
            request(Method::POST, &url("/admin/v1/engineers"), Some(&admin))
                .json(&serde_json::json!({"name": "钱工", "sites": "all"})),
        );
        assert_eq!(status, 200, "{v}");
        let token = v["token"].as_str().expect("token").to_string();
        assert_eq!(v["report_prefix"], "EA");

        // The engineer's token syncs but cannot manage; the admin's manages but cannot sync.
        let pull = |t: &str| {
            answer(
                request(Method::GET, &url("/sync/v1/pull"), Some(t)).query(&[
                    ("after", "0"),
                    ("limit", "1"),
                    ("installation", &uuid::Uuid::now_v7().to_string()),
                ]),
            )
            .0
        };
        assert_eq!(pull(&token), 200);
        assert_eq!(pull(&admin), 401);
        let (status, v) = answer(request(
            Method::GET,
            &url("/admin/v1/engineers"),
            Some(&token),
        ));
        assert_eq!((status, v["kind"].as_str()), (403, Some("forbidden")));
        let (status, _) = answer(request(Method::GET, &url("/admin/v1/engineers"), None));
        assert_eq!(status, 401);
        let (status, _) = answer(request(
            Method::GET,
            &url("/admin/v1/engineers"),
            Some(&"f".repeat(64)),
        ));
        assert_eq!(status, 401);

        let (status, v) = answer(request(
            Method::GET,
            &url("/admin/v1/engineers"),
            Some(&admin),
        ));
        assert_eq!(status, 200);
        assert!(v
            .as_array()
            .expect("list")
            .iter()
            .any(|e| e["name"] == "钱工"));
        // No hash or token in the list.
        assert!(!v.to_string().contains(&token));

        // Bad bodies name what is wrong; nothing is added.
        let (status, v) = answer(
            request(Method::POST, &url("/admin/v1/engineers"), Some(&admin))
                .json(&serde_json::json!({"name": "孙工"})),
        );
        assert_eq!((status, v["field"].as_str()), (400, Some("body")), "{v}");
        let (status, v) = answer(
            request(Method::POST, &url("/admin/v1/engineers"), Some(&admin))
                .json(&serde_json::json!({"name": "钱工", "sites": "all"})),
        );
        assert_eq!((status, v["field"].as_str()), (400, Some("name")), "{v}");

        // Revoking over HTTP: that token is refused from now on.
        let (status, v) = answer(request(
            Method::POST,
            &url("/admin/v1/engineers/钱工/revoke"),
            Some(&admin),
        ));
        assert_eq!(status, 200, "{v}");
        assert_eq!(pull(&token), 401);
        let (status, v) = answer(request(
            Method::POST,
            &url("/admin/v1/engineers/无此人/revoke"),
            Some(&admin),
        ));
        assert_eq!((status, v["kind"].as_str()), (404, Some("not_found")));
        let (status, v) = answer(request(
            Method::GET,
            &url("/admin/v1/laptops"),
            Some(&admin),
        ));
        assert_eq!(status, 200, "{v}");
        let (status, _) = answer(request(
            Method::POST,
            &url("/admin/v1/laptops/nope/retire"),
            Some(&admin),
        ));
        assert_eq!(status, 404);
    }
}
