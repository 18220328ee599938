//! The rules around a signed report: no confirmation → no report; a signed work order is
//! frozen; a correction is an addendum pointing at the original; bad images are refused with
//! nothing stored; report numbers stay unique across engineers.

use crate::report_support::*;
use crate::support::TestDb;
use weibao::domain::work_order::{ServiceRecordInput, WorkOrderState};
use weibao::report::finalise;
use weibao::report::photos::{self, PhotoOwner};
use weibao::report::{signature, ReportAssets};
use weibao::work_orders;
use weibao::{Error, Lang};

fn pages(pdf: &str) -> usize {
    stdout(&tool("pdfinfo", &[pdf]))
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

fn assets() -> ReportAssets {
    ReportAssets::locate().expect("report font and logo")
}

fn jpeg() -> Vec<u8> {
    weibao::demo::reports::demo_photo(3, crate::support::monday_10am())
}

#[test]
fn report_without_signature_or_refusal_is_refused_then_refusal_is_printed() {
    let (t, _) = demo_db();
    let mut store = t.open();
    let wo = resolved_repair(&mut store, "XY01-L02-CM02");
    let reports = count(&store, "report");
    let err = finalise::finalise(&mut store, &assets(), &wo, Lang::Zh).expect_err("refused");
    assert_eq!(err.kind(), "no_customer_confirmation", "{err}");
    assert!(err.message_zh().contains("客户"), "{}", err.message_zh());
    assert_eq!(count(&store, "report"), reports, "nothing stored");
    let state = work_orders::detail(&store, &wo).expect("wo").summary.state;
    assert_eq!(state, WorkOrderState::Resolved);

    // An empty or blank refusal reason is not a recorded refusal.
    let err = signature::refuse(&mut store, &wo, "  ").expect_err("reason needed");
    assert_eq!(err.field(), Some("signature.refusal_reason"));

    signature::refuse(&mut store, &wo, "客户负责人不在现场，值班员无权签字").expect("refusal");
    let r = finalise::finalise(&mut store, &assets(), &wo, Lang::Zh).expect("finalised");
    let pdf = finalise::pdf_of(&store, &r).expect("pdf");
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("refused.pdf");
    std::fs::write(&p, pdf).expect("write");
    let text: String = stdout(&tool("pdftotext", &[p.to_str().expect("utf-8"), "-"]))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("客户拒签"), "{text}");
    assert!(text.contains("值班员无权签字"), "{text}");
}

#[test]
fn report_finalised_work_order_refuses_edits() {
    let (t, db) = demo_db();
    let mut store = t.open();
    let (_, repair) = demo_reports(&store);
    let wo = repair.work_order_id.clone();
    let detail = work_orders::detail(&store, &wo).expect("wo");
    assert_eq!(detail.summary.state, WorkOrderState::CustomerSigned);
    let stored_sha: Option<String> = store
        .conn()
        .query_row(
            "SELECT report_sha256 FROM work_order_now WHERE id = ?1",
            [&wo],
            |r| r.get(0),
        )
        .expect("sha on work order");
    assert_eq!(stored_sha.as_deref(), Some(repair.sha256.as_str()));

    let is_immutable = |e: Error| assert_eq!(e.kind(), "immutable", "{e}");
    is_immutable(
        store
            .write(|tx| {
                work_orders::record_service(
                    tx,
                    &wo,
                    &ServiceRecordInput {
                        found_state: "改写".into(),
                        process: "改写".into(),
                        ..Default::default()
                    },
                )
            })
            .expect_err("service record frozen"),
    );
    is_immutable(
        photos::attach(
            &mut store,
            &PhotoOwner::WorkOrder(wo.clone()),
            &jpeg(),
            None,
        )
        .expect_err("no new photos"),
    );
    is_immutable(signature::refuse(&mut store, &wo, "改口").expect_err("confirmation frozen"));
    is_immutable(
        finalise::finalise(&mut store, &assets(), &wo, Lang::Zh).expect_err("signed once"),
    );
    is_immutable(
        store
            .write(|tx| {
                weibao::stock::record_movement(
                    tx,
                    &weibao::stock::MovementInput {
                        kind: "issue".into(),
                        part: "PAD-BG".into(),
                        qty: 1,
                        from: Some("张伟车载库".into()),
                        work_order_id: Some(wo.clone()),
                        ..Default::default()
                    },
                )
            })
            .expect_err("no parts booked to a signed job"),
    );
    // The CLI says so too, with the stable kind.
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("p.jpg");
    std::fs::write(&f, jpeg()).expect("write");
    drop(store);
    let o = cli(
        &db,
        &[
            "photo",
            "add",
            "--work-order",
            &wo,
            f.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("immutable"));
}

#[test]
fn report_addendum_renders_and_points_at_the_original() {
    let (t, db) = demo_db();
    let (insp, _) = demo_reports(&t.open());
    let original_pdf = finalise::pdf_of(&t.open(), &insp).expect("pdf");
    // The checklist's own correction of a completed inspection (an answer addendum); the
    // report addendum then lists the corrected item next to what was recorded.
    {
        let mut store = t.open();
        let inspection_id: String = store
            .conn()
            .query_row(
                "SELECT inspection_id FROM inspection_work_order WHERE work_order_id = ?1",
                [&insp.work_order_id],
                |r| r.get(0),
            )
            .expect("linked inspection");
        weibao::checklist::run::addendum(
            &mut store,
            &inspection_id,
            "gate.motor_current@XA01-L02-BG01",
            &weibao::checklist::run::Given::text("2.1"),
            "读数抄错一位",
        )
        .expect("answer correction");
    }
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("addendum.pdf");
    let o = cli(
        &db,
        &[
            "--json",
            "report",
            "addendum",
            "--work-order",
            &insp.work_order_id,
            "--reason",
            "道闸电机电流读数抄错一位",
            "--text",
            "道闸电机电流实测为 2.1 A，在正常范围内。",
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rep: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(rep["kind"], "addendum");
    assert_eq!(rep["addendum_of_sha256"], insp.sha256.as_str());
    assert_ne!(rep["number"], insp.number.as_str());

    let p = out.to_str().expect("utf-8");
    let text: String = stdout(&tool("pdftotext", &[p, "-"]))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for s in [
        "补充报告",
        insp.number.as_str(),
        insp.sha256.as_str(),
        "抄错一位",
        "2.1A",
        "原记录：3A",
    ] {
        assert!(text.contains(s), "addendum lacks {s:?}: {text}");
    }
    assert!(stdout(&tool("pdfsig", &[p])).contains("Signature is Valid"));
    let o = cli(&db, &["verify", p]);
    assert!(
        o.status.success(),
        "the addendum is on record: {}",
        stdout(&o)
    );

    // The original is untouched: same file, still the work order's record.
    let store = t.open();
    assert_eq!(finalise::pdf_of(&store, &insp).expect("pdf"), original_pdf);
    let (on_wo, state): (String, String) = store
        .conn()
        .query_row(
            "SELECT report_sha256, state FROM work_order_now WHERE id = ?1",
            [&insp.work_order_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("wo");
    assert_eq!(on_wo, insp.sha256);
    assert_eq!(state, "customer_signed");
    let keep = artifacts().join("report_addendum");
    let _ = tool(
        "pdftoppm",
        &[
            "-r",
            "80",
            "-png",
            "-singlefile",
            p,
            keep.to_str().expect("utf-8"),
        ],
    );
    let orig = dir.path().join("original.pdf");
    std::fs::write(&orig, &original_pdf).expect("write");
    assert!(
        pages(p) < pages(orig.to_str().expect("utf-8")),
        "an addendum carries the correction, not the whole record again"
    );
}

#[test]
fn report_bad_images_are_refused_and_nothing_is_stored() {
    let (t, store) = TestDb::demo();
    drop(store);
    let mut store = t.open();
    let wo = resolved_repair(&mut store, "BJ01-L01-CM03");
    let owner = PhotoOwner::WorkOrder(wo.clone());
    let good = jpeg();

    // Headers intact, the compressed image data cut off where it starts.
    let sos = good
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("JPEG has a scan");
    let corrupt = good[..sos + 2].to_vec();
    let png = weibao::demo::reports::demo_signature(0);
    let truncated_png = png[..png.len() / 3].to_vec();
    let not_image = "这不是图片 / not an image\n".repeat(50).into_bytes();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("corrupt JPEG", corrupt),
        ("truncated PNG", truncated_png),
        ("100-megapixel PNG", huge_png_header(10_000, 10_000)),
        ("not an image", not_image),
        ("empty file", Vec::new()),
    ];
    for (name, bytes) in cases {
        let (rows, blobs, files) = (
            count(&store, "photo"),
            count(&store, "blob"),
            blob_files(&store),
        );
        let err = photos::attach(&mut store, &owner, &bytes, Some("坏图"))
            .expect_err(&format!("{name} must be refused"));
        assert_eq!(err.kind(), "invalid", "{name}: {err}");
        assert_eq!(err.field(), Some("photo"), "{name}: names the field");
        assert!(!err.message_zh().is_empty() && !err.to_string().is_empty());
        assert_eq!(count(&store, "photo"), rows, "{name}: no row");
        assert_eq!(count(&store, "blob"), blobs, "{name}: no blob row");
        assert_eq!(blob_files(&store), files, "{name}: no blob file");
    }
    // The same through the CLI: exit 1, the field and the reason on stderr.
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("note.txt");
    std::fs::write(&f, b"hello").expect("write");
    drop(store);
    let o = cli(
        &t.path,
        &[
            "photo",
            "add",
            "--work-order",
            &wo,
            f.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        // The field named in words (照片 / Photo), not by its key.
        err.contains("invalid") && err.contains("照片") && err.contains("JPEG"),
        "{err}"
    );

    // A good photo still goes in, as one row pointing at two registered blobs.
    let mut store = t.open();
    let p = photos::attach(&mut store, &owner, &good, None).expect("good photo");
    for sha in [&p.original_sha256, &p.report_sha256] {
        assert!(store.blobs().get(sha).is_ok());
        let n: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM blob WHERE sha256 = ?1", [sha], |r| {
                r.get(0)
            })
            .expect("blob row");
        assert_eq!(n, 1);
    }
    assert!(p.taken_at.is_some(), "EXIF capture time is kept");
}

/// A real PNG header (signature, IHDR with a correct CRC) claiming `w`×`h`, then a tiny IDAT:
/// what a decompression bomb looks like to the importer.
fn huge_png_header(w: u32, h: u32) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

#[test]
fn report_numbers_are_per_engineer_and_sequential() {
    let (t, _) = demo_db();
    let mut store = t.open();
    let (insp, repair) = demo_reports(&store);
    assert_eq!(repair.number, "ZW-2026-0001");
    assert_eq!(insp.number, "ZW-2026-0002");

    let wo = resolved_repair(&mut store, "XA02-L01-CM01");
    signature::capture(
        &mut store,
        &wo,
        &weibao::demo::reports::demo_signature(2),
        "陈建国",
    )
    .expect("signed");
    let r = finalise::finalise(&mut store, &assets(), &wo, Lang::Zh).expect("finalised");
    assert_eq!(r.number, "ZW-2026-0003");

    // Another engineer on the same laptop: their own prefix and sequence, their own key.
    let lina: String = store
        .conn()
        .query_row(
            "SELECT id FROM engineer WHERE report_prefix = 'LN'",
            [],
            |r| r.get(0),
        )
        .expect("李娜");
    store.set_current_engineer(&lina).expect("switch");
    let wo = resolved_repair(&mut store, "XA02-L02-CM01");
    signature::capture(
        &mut store,
        &wo,
        &weibao::demo::reports::demo_signature(3),
        "陈建国",
    )
    .expect("signed");
    let r = finalise::finalise(&mut store, &assets(), &wo, Lang::En).expect("finalised");
    assert_eq!(r.number, "LN-2026-0001");
    assert_eq!(r.signer, "李娜");
    assert_eq!(r.lang, "en");
    let keys: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(DISTINCT engineer_id) FROM engineer_key",
            [],
            |r| r.get(0),
        )
        .expect("keys");
    assert_eq!(keys, 2);
    // The private key never enters the change log (no table, no field).
    let leaked: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM change_log WHERE fields LIKE '%PRIVATE KEY%'",
            [],
            |r| r.get(0),
        )
        .expect("outbox");
    assert_eq!(leaked, 0);
}
