//! What the server refuses, and a replayed push.

use crate::dump::{assert_same, dump};
use crate::harness::{answer, client, request, Laptop, Server};
use reqwest::Method;
use std::io::Write;
use weibao::store::changes;
use weibao::sync::{PushRequest, PROTOCOL_HEADER, SCHEMA_HEADER};

/// A laptop that pulled the demo and made `n` edits, synced; returns its pushed batch.
fn synced_laptop_with_edits(office: &Server, token: &str, n: usize) -> (Laptop, PushRequest) {
    let laptop = Laptop::new();
    laptop.sync_ok(office, token);
    let mut store = laptop.store();
    let device: String = store
        .conn()
        .query_row("SELECT id FROM device ORDER BY code LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("device");
    for i in 0..n {
        let note = format!("巡检备注 {i}");
        store
            .write(|tx| tx.update("device", &device, &[("notes", &note)]))
            .expect("edit");
    }
    let inst = store.installation().to_string();
    let batch = PushRequest {
        changes: changes::from_origin(store.conn(), &inst, 0, 1000)
            .expect("own changes")
            .into_iter()
            .map(|l| l.change)
            .collect(),
        installation: inst,
    };
    drop(store);
    laptop.sync_ok(office, token);
    (laptop, batch)
}

#[test]
fn replayed_and_gzipped_push_changes_nothing_and_gets_the_same_answer() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("王工");
    let (laptop, batch) = synced_laptop_with_edits(&office, &token, 3);
    let acked = weibao::sync::acknowledged(&laptop.store()).expect("acked");
    assert_eq!(acked, 3);
    let before = dump(&office.store());
    let url = format!("{}/sync/v1/push", office.url);
    for _ in 0..2 {
        let (status, v) = answer(request(Method::POST, &url, Some(&token)).json(&batch));
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["acknowledged"], 3, "{v}");
    }
    // The same batch gzip-compressed.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&serde_json::to_vec(&batch).expect("json"))
        .expect("gzip");
    let body = gz.finish().expect("gzip");
    let (status, v) = answer(
        request(Method::POST, &url, Some(&token))
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(body),
    );
    assert_eq!((status, v["acknowledged"].clone()), (200, 3.into()), "{v}");
    // A partial replay (the last two of three) is fine too.
    let tail = PushRequest {
        installation: batch.installation.clone(),
        changes: batch.changes[1..].to_vec(),
    };
    let (status, v) = answer(request(Method::POST, &url, Some(&token)).json(&tail));
    assert_eq!((status, v["acknowledged"].clone()), (200, 3.into()), "{v}");
    assert_same(&before, &dump(&office.store()), "office after replays");
}

#[test]
fn a_sequence_gap_is_refused_naming_the_expected_seq() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("赵工");
    let (_laptop, mut batch) = synced_laptop_with_edits(&office, &token, 2);
    let before = dump(&office.store());
    for c in &mut batch.changes {
        c.seq += 10;
    }
    let url = format!("{}/sync/v1/push", office.url);
    let (status, v) = answer(request(Method::POST, &url, Some(&token)).json(&batch));
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["kind"], "sequence_gap");
    assert!(
        v["message_en"]
            .as_str()
            .unwrap_or("")
            .contains("expects seq 3"),
        "{v}"
    );
    assert_same(
        &before,
        &dump(&office.store()),
        "office after a refused gap",
    );
}

#[test]
fn tokens_missing_wrong_or_revoked_get_401() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("孙工");
    let pull = format!(
        "{}/sync/v1/pull?after=0&installation={}",
        office.url,
        uuid_like()
    );
    let (status, v) = answer(request(Method::GET, &pull, None));
    assert_eq!(
        (status, v["kind"].as_str()),
        (401, Some("unauthenticated")),
        "{v}"
    );
    let (status, _) = answer(request(Method::GET, &pull, Some("0".repeat(64).as_str())));
    assert_eq!(status, 401);
    let (status, v) = answer(request(Method::GET, &pull, Some(&token)));
    assert_eq!(status, 200, "{v}");
    office.revoke("孙工");
    let (status, v) = answer(request(Method::GET, &pull, Some(&token)));
    assert_eq!(
        (status, v["kind"].as_str()),
        (401, Some("unauthenticated")),
        "{v}"
    );
    // The CLI says so and fails.
    let out = Laptop::new().sync(&office, &token);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unauthenticated"));
}

#[test]
fn an_old_protocol_or_schema_is_told_to_update() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("周工");
    let pull = format!(
        "{}/sync/v1/pull?after=0&installation={}",
        office.url,
        uuid_like()
    );
    let schema = weibao::store::migrations::latest_version();
    for (proto, schema) in [(Some("0"), schema), (None, schema), (Some("1"), schema - 1)] {
        let mut r = client()
            .get(&pull)
            .bearer_auth(&token)
            .header(SCHEMA_HEADER, schema.to_string());
        if let Some(p) = proto {
            r = r.header(PROTOCOL_HEADER, p);
        }
        let (status, v) = answer(r);
        assert_eq!(status, 426, "{v}");
        assert_eq!(v["kind"], "upgrade_required");
        assert!(
            v["message"].as_str().unwrap_or("").contains("请更新"),
            "{v}"
        );
        assert!(
            v["message_en"]
                .as_str()
                .unwrap_or("")
                .contains("please update"),
            "{v}"
        );
    }
}

#[test]
fn an_oversized_body_gets_413_and_a_cursor_ahead_409() {
    let office = Server::start(false, 64 * 1024);
    let token = office.engineer("吴工");
    let url = format!("{}/sync/v1/push", office.url);
    let body = vec![b' '; 256 * 1024];
    let (status, v) = answer(
        request(Method::POST, &url, Some(&token))
            .header("content-type", "application/json")
            .body(body),
    );
    assert_eq!(
        (status, v["kind"].as_str()),
        (413, Some("too_large")),
        "{v}"
    );
    let pull = format!(
        "{}/sync/v1/pull?after=999&installation={}",
        office.url,
        uuid_like()
    );
    let (status, v) = answer(request(Method::GET, &pull, Some(&token)));
    assert_eq!(
        (status, v["kind"].as_str()),
        (409, Some("cursor_ahead")),
        "{v}"
    );
}

fn uuid_like() -> &'static str {
    "0192f0a0-0000-7000-8000-000000000001"
}

#[test]
fn pull_answers_travel_gzipped_when_the_client_accepts_it() {
    use std::io::Read;
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("张工");
    // A client that does not unpack by itself, to see the bytes on the wire.
    let raw = reqwest::blocking::Client::builder()
        .no_gzip()
        .build()
        .expect("client");
    let resp = raw
        .get(format!("{}/sync/v1/pull", office.url))
        .header(PROTOCOL_HEADER, weibao::sync::PROTOCOL_VERSION.to_string())
        .header(
            SCHEMA_HEADER,
            weibao::store::migrations::latest_version().to_string(),
        )
        .bearer_auth(&token)
        .header("accept-encoding", "gzip")
        .query(&[
            ("after", "0"),
            ("installation", &uuid::Uuid::now_v7().to_string()),
        ])
        .send()
        .expect("pull");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let wire = resp.bytes().expect("body");
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(&wire[..])
        .read_to_end(&mut json)
        .expect("gunzip");
    let v: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    assert!(
        v["changes"].as_array().map_or(0, Vec::len) > 500,
        "the demo's changes"
    );
    assert!(
        wire.len() * 4 < json.len(),
        "a page of changes compresses well: {} → {} bytes",
        json.len(),
        wire.len()
    );
}
