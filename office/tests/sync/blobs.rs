//! Photos, signatures and report PDFs (blobs) between laptops and the office, by SHA-256 and
//! separately from the records: what an engineer and the office would see.

use crate::blob_support::{
    blob_rows, blob_url, demo_laptop, files_in, head, header, lane_photo, noisy_png,
    open_work_orders, put_chunk, sync_json, take_photo,
};
use crate::harness::{answer, request, weibao, Laptop, Server};
use reqwest::Method;
use std::io::{Read, Write};
use weibao::store::blobs::sha256_hex;
use weibao::sync::blobs::{self as sync_blobs, LENGTH_HEADER, MAX_BLOB_HEADER, OFFSET_HEADER};

#[test]
fn a_photo_taken_offline_reaches_the_office_and_another_laptop_byte_for_byte() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let (token_a, token_b) = (office.engineer("张工"), office.engineer("李工"));
    let a = demo_laptop();
    a.sync_ok(&office, &token_a);
    let wo = open_work_orders(&a.store())[0].clone();
    let bytes = lane_photo(71);
    let p = take_photo(&a, &wo, &bytes, "道闸挡杆断裂");

    let out = a.sync_ok(&office, &token_a);
    assert!(out.contains("sent file"), "progress names the photo: {out}");
    let o = office.store();
    assert_eq!(o.blobs().get(&p.original_sha256).expect("original"), bytes);
    assert_eq!(blob_rows(&o, &p.original_sha256), 1);
    let copy = a.store().blobs().get(&p.report_sha256).expect("copy on A");
    assert_eq!(o.blobs().get(&p.report_sha256).expect("copy"), copy);
    assert!(sync_blobs::pending(&o).expect("pending").is_empty());
    let (status, h) = head(&office, &token_a, &p.original_sha256);
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-length"), Some(bytes.len() as u64));

    let b = Laptop::new();
    let (sum, _) = sync_json(&b, &office, &token_b);
    let b_store = b.store();
    assert_eq!(
        b_store.blobs().get(&p.original_sha256).expect("on B"),
        bytes
    );
    assert_eq!(b_store.blobs().get(&p.report_sha256).expect("on B"), copy);
    assert!(sync_blobs::pending(&b_store).expect("pending").is_empty());
    assert_eq!(sum["blobs_pending"], 0, "{sum}");
    assert!(sum["blobs_received"].as_u64() > Some(2), "{sum}");
    // Received from the office, so never offered back to it.
    let (sum, _) = sync_json(&b, &office, &token_b);
    assert_eq!(
        (sum["blobs_sent"].clone(), sum["blobs_received"].clone()),
        (0.into(), 0.into()),
        "{sum}"
    );
}

#[test]
fn the_same_photo_used_twice_is_stored_once_and_sent_once() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("王工");
    let a = demo_laptop();
    a.sync_ok(&office, &token);
    let wos = open_work_orders(&a.store());
    let bytes = lane_photo(72);
    let first = take_photo(&a, &wos[0], &bytes, "机柜");
    let second = take_photo(&a, &wos[1], &bytes, "同一机柜");
    assert_eq!(first.original_sha256, second.original_sha256);
    assert_eq!(
        blob_rows(&a.store(), &first.original_sha256),
        1,
        "stored once on the laptop"
    );

    let (sum, _) = sync_json(&a, &office, &token);
    let copy = a.store().blobs().get(&first.report_sha256).expect("copy");
    let shas = [
        &first.original_sha256,
        &first.report_sha256,
        &second.report_sha256,
    ];
    let distinct = if first.report_sha256 == second.report_sha256 {
        2
    } else {
        3
    };
    assert_eq!(sum["blobs_sent"], distinct, "{sum}");
    if distinct == 2 {
        assert_eq!(
            sum["blob_bytes_sent"],
            (bytes.len() + copy.len()) as u64,
            "{sum}"
        );
    }
    let o = office.store();
    for sha in shas {
        assert_eq!(blob_rows(&o, sha), 1, "one blob row for {sha}");
        assert!(o.blobs().has(sha));
    }
    let photos: i64 = o
        .conn()
        .query_row(
            "SELECT count(*) FROM photo WHERE original_sha256 = ?1",
            [&first.original_sha256],
            |r| r.get(0),
        )
        .expect("photos");
    assert_eq!(photos, 2, "two records name the one file");
    let named = files_in(&office.data.blobs().expect("blob dir"))
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n == first.original_sha256.as_str())
        })
        .count();
    assert_eq!(named, 1, "one file on the office");

    let (sum, out) = sync_json(&a, &office, &token);
    assert_eq!(sum["blobs_sent"], 0, "nothing sent again: {sum}");
    assert!(
        !out.contains("file"),
        "an idle sync says nothing about files: {out}"
    );
}

#[test]
fn an_interrupted_upload_resumes_from_the_offices_offset() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("赵工");
    let a = demo_laptop();
    a.sync_ok(&office, &token);
    let wo = open_work_orders(&a.store())[0].clone();
    let bytes = lane_photo(73);
    let p = take_photo(&a, &wo, &bytes, "读卡器");
    let sha = &p.original_sha256;
    let total = bytes.len() as u64;
    let half = total / 2;

    // The laptop died halfway through the photo: the office holds the first half.
    let (status, v, _) = put_chunk(&office, &token, sha, 0, total, &bytes[..half as usize]);
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["offset"].clone(), v["complete"].clone()),
        (half.into(), false.into())
    );
    let (status, h) = head(&office, &token, sha);
    assert_eq!(status, 404, "not stored until whole");
    assert_eq!(
        header(&h, OFFSET_HEADER),
        Some(half),
        "the office says where to resume"
    );
    assert!(
        !office.store().blobs().has(sha),
        "a partial upload is not in the store"
    );
    // Sending the first chunk again is refused, naming where to go on.
    let (status, v, at) = put_chunk(&office, &token, sha, 0, total, &bytes[..10]);
    assert_eq!(
        (status, v["kind"].clone(), at),
        (409, "offset_mismatch".into(), Some(half)),
        "{v}"
    );

    let (sum, _) = sync_json(&a, &office, &token);
    let copy = a.store().blobs().get(&p.report_sha256).expect("copy");
    assert_eq!(sum["blobs_sent"], 2, "{sum}");
    assert_eq!(
        sum["blob_bytes_sent"],
        (total - half) + copy.len() as u64,
        "only the missing half of the photo went: {sum}"
    );
    assert_eq!(office.store().blobs().get(sha).expect("whole"), bytes);
    assert!(
        files_in(&office.data.uploads()).is_empty(),
        "no partial left"
    );
}

#[test]
fn a_wrong_hash_is_refused_and_nothing_is_published() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("钱工");
    let claimed = sha256_hex(b"the real photo");
    let sent = b"something else entirely";
    let (status, v, _) = put_chunk(&office, &token, &claimed, 0, sent.len() as u64, sent);
    assert_eq!(status, 422, "{v}");
    assert_eq!(
        (v["kind"].clone(), v["field"].clone()),
        ("hash_mismatch".into(), "sha256".into())
    );
    assert!(
        v["message"].as_str().is_some_and(|m| m.contains("不符")),
        "{v}"
    );
    let (status, h) = head(&office, &token, &claimed);
    assert_eq!(
        (status, header(&h, OFFSET_HEADER)),
        (404, Some(0)),
        "partial discarded"
    );
    assert!(!office.store().blobs().has(&claimed));
    assert!(
        files_in(&office.data.blobs().expect("dir")).is_empty(),
        "nothing published"
    );
    assert!(files_in(&office.data.uploads()).is_empty(), "nothing kept");
}

#[test]
fn blob_ids_that_are_not_64_lowercase_hex_are_refused_with_400() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("孙工");
    let good = sha256_hex(b"x");
    let bad = [
        "..%2F..%2Fetc%2Fpasswd".to_string(),
        "..%2F..".to_string(),
        good.to_uppercase(),
        good[..63].to_string(),
        format!("{good}0"),
        format!("{}/{good}", &good[..2]),
    ];
    for id in &bad {
        let url = format!("{}/sync/v1/blobs/{id}", office.url);
        for method in [Method::GET, Method::PUT] {
            let (status, v) = answer(
                request(method.clone(), &url, Some(&token))
                    .header(OFFSET_HEADER, "0")
                    .header(LENGTH_HEADER, "1")
                    .body("x"),
            );
            assert_eq!(status, 400, "{method} {id}: {v}");
            assert_eq!(v["field"], "sha256", "{method} {id}: {v}");
            assert!(v["message_en"]
                .as_str()
                .is_some_and(|m| m.contains("64 lowercase hex")));
        }
        let (status, _) = head(&office, &token, id);
        assert_eq!(status, 400, "HEAD {id}");
    }
    // `..` as written, not normalised away by a client library.
    let host = office.url.trim_start_matches("http://");
    for path in [
        "/sync/v1/blobs/../../etc/passwd",
        "/sync/v1/blobs/..%2F..%2Fetc%2Fpasswd",
    ] {
        let mut s = std::net::TcpStream::connect(host).expect("connect");
        write!(
            s,
            "PUT {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n{}: 1\r\n{}: {}\r\n{}: 0\r\n{}: 1\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx",
            weibao::sync::PROTOCOL_HEADER,
            weibao::sync::SCHEMA_HEADER,
            weibao::store::migrations::latest_version(),
            OFFSET_HEADER,
            LENGTH_HEADER,
        )
        .expect("write");
        let mut reply = String::new();
        s.read_to_string(&mut reply).expect("read");
        assert!(reply.starts_with("HTTP/1.1 400"), "{path}: {reply}");
        assert!(reply.contains("\"field\":\"sha256\""), "{path}: {reply}");
    }
    assert!(files_in(&office.data.blobs().expect("dir")).is_empty());
    assert!(files_in(&office.data.uploads()).is_empty());
}

#[test]
fn an_oversized_photo_is_set_aside_alone_while_records_and_other_photos_sync() {
    let a = demo_laptop();
    let wos = open_work_orders(&a.store());
    let small = take_photo(&a, &wos[0], &lane_photo(74), "小图");
    let big_png = noisy_png(1800, 1400);
    let big = take_photo(&a, &wos[1], &big_png, "大图");
    // Every other blob of the laptop (demo photos, signatures, PDFs) is under the limit.
    let largest_other: i64 = a
        .store()
        .conn()
        .query_row(
            "SELECT max(size) FROM blob WHERE sha256 <> ?1",
            [&big.original_sha256],
            |r| r.get(0),
        )
        .expect("sizes");
    let limit = big_png.len() as u64 - 1;
    assert!((largest_other as u64) < limit, "{largest_other} < {limit}");
    let office = Server::start_with_blob_limit(limit);
    let token = office.engineer("周工");

    let (sum, out) = sync_json(&a, &office, &token);
    assert!(out.contains("set aside"), "{out}");
    assert_eq!(sum["blobs_set_aside"], 1, "{sum}");
    let aside = sync_blobs::set_aside_list(&a.store()).expect("set aside");
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        (aside[0].sha256.as_str(), aside[0].kind.as_str()),
        (big.original_sha256.as_str(), "too_large")
    );
    assert!(aside[0].message.contains("上限"), "{aside:?}");
    let o = office.store();
    for id in [&small.id, &big.id] {
        let n: i64 = o
            .conn()
            .query_row("SELECT count(*) FROM photo WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .expect("photo");
        assert_eq!(n, 1, "both photo records reached the office");
    }
    assert!(o.blobs().has(&small.original_sha256) && o.blobs().has(&small.report_sha256));
    assert!(
        o.blobs().has(&big.report_sha256),
        "the big photo's report copy went"
    );
    assert!(!o.blobs().has(&big.original_sha256));
    let pending = sync_blobs::pending(&o).expect("pending");
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(
        (pending[0].sha256.as_str(), pending[0].record_id.as_str()),
        (big.original_sha256.as_str(), big.id.as_str())
    );

    // An upload over the limit by hand: refused before any byte is kept.
    let (status, v, _) = put_chunk(
        &office,
        &token,
        &big.original_sha256,
        0,
        limit + 1,
        &big_png[..1024],
    );
    assert_eq!(
        (status, v["kind"].clone(), v["field"].clone()),
        (413, "too_large".into(), LENGTH_HEADER.into()),
        "{v}"
    );
    let (status, h) = head(&office, &token, &big.original_sha256);
    assert_eq!(
        (
            status,
            header(&h, OFFSET_HEADER),
            header(&h, MAX_BLOB_HEADER)
        ),
        (404, Some(0), Some(limit))
    );

    // The next sync is not blocked by it either.
    let (sum, _) = sync_json(&a, &office, &token);
    assert_eq!(
        (sum["blobs_sent"].clone(), sum["blobs_set_aside"].clone()),
        (0.into(), 1.into()),
        "{sum}"
    );
}

#[test]
fn a_record_pulled_before_its_photo_shows_pending_until_the_photo_arrives() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let (token_a, token_b) = (office.engineer("吴工"), office.engineer("郑工"));
    let a = demo_laptop();
    a.sync_ok(&office, &token_a);
    let b = Laptop::new();
    b.sync_ok(&office, &token_b);
    let wo = open_work_orders(&a.store())[0].clone();
    let bytes = lane_photo(75);
    let p = take_photo(&a, &wo, &bytes, "线圈");

    // A's records reach the office, its files not yet (the connection dropped in between).
    let batch = weibao::sync::outbox(&a.store(), 500).expect("outbox");
    let (status, v) = answer(
        request(
            Method::POST,
            &format!("{}/sync/v1/push", office.url),
            Some(&token_a),
        )
        .json(&batch),
    );
    assert_eq!(status, 200, "{v}");

    let (sum, _) = sync_json(&b, &office, &token_b);
    assert_eq!(sum["blobs_pending"], 2, "{sum}");
    let out = b.sync_ok(&office, &token_b);
    assert!(!out.contains("received file"), "{out}");
    let summary = weibao(
        &b.db,
        &["sync", "--server", &office.url, "--token", &token_b],
    );
    assert!(
        String::from_utf8_lossy(&summary.stdout).contains("照片待同步"),
        "{summary:?}"
    );
    let b_store = b.store();
    let pending = sync_blobs::pending(&b_store).expect("pending");
    let mut shas: Vec<&str> = pending.iter().map(|r| r.sha256.as_str()).collect();
    shas.sort();
    let mut want = vec![p.original_sha256.as_str(), p.report_sha256.as_str()];
    want.sort();
    assert_eq!(shas, want);
    assert!(pending
        .iter()
        .all(|r| r.record_id == p.id && r.table == "photo"));
    let e = b_store
        .blobs()
        .get_for(&p.report_sha256, weibao::store::blobs::BlobKind::Photo)
        .expect_err("not here yet");
    assert_eq!(e.kind(), "blob_pending");
    assert!(
        e.message_zh().contains("照片待同步") && e.to_string().contains("photo pending"),
        "{e}"
    );
    drop(b_store);

    let (sum, _) = sync_json(&a, &office, &token_a);
    assert_eq!(sum["blobs_sent"], 2, "{sum}");
    let (sum, _) = sync_json(&b, &office, &token_b);
    assert_eq!(
        (sum["blobs_received"].clone(), sum["blobs_pending"].clone()),
        (2.into(), 0.into()),
        "{sum}"
    );
    let b_store = b.store();
    assert!(sync_blobs::pending(&b_store).expect("pending").is_empty());
    assert_eq!(
        b_store.blobs().get(&p.original_sha256).expect("arrived"),
        bytes
    );
}

#[test]
fn a_signed_report_synced_to_the_office_verifies_there() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let a = demo_laptop();
    // The office knows the laptop's engineer (a report in anyone else's name is set aside,
    // `sync::vet`): the token is theirs.
    let me = a.store().current_engineer().to_string();
    let token = {
        let mut auth = office.data.open_auth().expect("auth");
        auth.add_as(&me, "冯工", "all").expect("engineer").1
    };
    let reports: Vec<_> = weibao::report::finalise::all_reports(a.store().conn())
        .expect("reports")
        .into_iter()
        .filter(|r| r.engineer_id == me)
        .collect();
    assert!(!reports.is_empty(), "the demo engineer signed reports");
    a.sync_ok(&office, &token);

    let out_dir = tempfile::tempdir().expect("tempdir");
    let replica = office.data.replica();
    let out = weibao(
        &replica,
        &[
            "report",
            "render",
            "--all",
            "--out",
            &out_dir.path().display().to_string(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for r in &reports {
        let file = out_dir.path().join(format!("{}.pdf", r.number));
        let pdf = std::fs::read(&file).expect("printed at the office");
        assert_eq!(
            sha256_hex(&pdf),
            r.sha256,
            "the office's copy is the signed file"
        );
        let v = weibao(&replica, &["verify", &file.display().to_string()]);
        let stdout = String::from_utf8_lossy(&v.stdout);
        assert!(
            v.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&v.stderr)
        );
        assert!(stdout.contains("有效 valid"), "{stdout}");
        assert!(
            stdout.contains("一致 matches") && stdout.contains(&r.number),
            "{stdout}"
        );
    }
}

#[test]
fn a_revoked_token_gets_401_on_blobs() {
    let office = Server::start(false, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("陈工");
    let sha = sha256_hex(b"photo");
    assert_eq!(head(&office, &token, &sha).0, 404);
    office.revoke("陈工");
    assert_eq!(head(&office, &token, &sha).0, 401);
    let (status, v, _) = put_chunk(&office, &token, &sha, 0, 5, b"photo");
    assert_eq!(
        (status, v["kind"].clone()),
        (401, "unauthenticated".into()),
        "{v}"
    );
    let (status, v) = answer(request(Method::GET, &blob_url(&office, &sha), Some(&token)));
    assert_eq!(
        (status, v["kind"].clone()),
        (401, "unauthenticated".into()),
        "{v}"
    );
    let (status, _) = answer(request(Method::GET, &blob_url(&office, &sha), None));
    assert_eq!(status, 401);
    assert!(!office.store().blobs().has(&sha));
}
