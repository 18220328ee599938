//! QR labels through the CLI and poppler: a printed report page rasterised at 150 dpi names its
//! record (`weibao verify page.png`), a lane's label sheet holds every code as text and each
//! label's QR reads back to its device (`weibao device find-by-label`), and a photo that cannot
//! be read is refused naming the field, with nothing written.

use std::path::Path;

use weibao::report::finalise;

use crate::report_support::{cli, count, demo_db, error_json, stdout, tool};

const LANE: &str = "宝鸡物流园北卡口/L01";

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn a_printed_report_page_names_its_record() {
    let (t, db) = demo_db();
    let store = t.open();
    let (_, repair) = crate::report_support::demo_reports(&store);
    let pdf = finalise::pdf_of(&store, &repair).expect("stored pdf");
    drop(store);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, &pdf).expect("write");
    // The last page, as a 150-dpi scan.
    let info = stdout(&tool("pdfinfo", &[s(&file)]));
    let pages: String = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("page count")
        .trim()
        .to_string();
    let prefix = dir.path().join("page");
    let o = tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            &pages,
            "-l",
            &pages,
            "-singlefile",
            s(&file),
            s(&prefix),
        ],
    );
    assert!(o.status.success());
    let page = dir.path().join("page.png");
    let v = json(&cli(&db, &["--json", "verify", s(&page)]));
    assert_eq!(v["number"], repair.number.as_str());
    assert_eq!(v["report"]["work_order_id"], repair.work_order_id.as_str());
    assert_eq!(v["report"]["signer"], repair.signer.as_str());
    assert_eq!(v["report"]["sha256"], repair.sha256.as_str());
    assert!(v["note"]
        .as_str()
        .is_some_and(|n| n.contains("cannot be cryptographically verified")));
    // The table for people names the record too.
    let text = stdout(&cli(&db, &["verify", s(&page)]));
    assert!(
        text.contains(&repair.number) && text.contains(&repair.sha256),
        "{text}"
    );
    // A page whose number is on no record (another database): not found, naming the number.
    let (_t2, empty) = {
        let t2 = crate::support::TestDb::new();
        drop(t2.open());
        let p = t2.path.clone();
        (t2, p)
    };
    let e = error_json(&cli(&empty, &["--json", "verify", s(&page)]));
    assert_eq!(e["kind"], "not_found");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains(&repair.number)),
        "{e}"
    );
}

#[test]
fn a_lane_label_sheet_holds_its_codes_and_every_label_finds_its_device() {
    let (_t, db) = demo_db();
    let dir = tempfile::tempdir().expect("tmp");
    let pdf = dir.path().join("labels.pdf");
    let v = json(&cli(
        &db,
        &["--json", "labels", "--lane", LANE, "--out", s(&pdf)],
    ));
    let codes: Vec<String> = v["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_string())
        .collect();
    assert_eq!(codes.len(), 15, "the demo lane's devices");
    let text = stdout(&tool("pdftotext", &[s(&pdf), "-"]));
    for c in &codes {
        assert!(text.contains(c), "{c} printed on the sheet");
    }
    eprintln!(
        "label sheet: {} bytes for {} labels",
        v["bytes"],
        codes.len()
    );
    // Each label cut out of a 150-dpi raster (the grid: 3 columns of 180 pt, rows of 126 pt,
    // 27.6 pt from the left, 44 pt from the top) reads back to its own device.
    let scale = 150.0 / 72.0;
    for (i, code) in codes.iter().enumerate() {
        let (col, row) = ((i % 3) as f64, (i / 3) as f64);
        let x = ((27.64 + col * 180.0) * scale).round() as i64;
        let y = ((44.0 + row * 126.0) * scale).round() as i64;
        let (w, h) = ((180.0 * scale) as i64, (126.0 * scale) as i64);
        let prefix = dir.path().join(format!("label{i}"));
        let (xs, ys, ws, hs) = (x.to_string(), y.to_string(), w.to_string(), h.to_string());
        let o = tool(
            "pdftoppm",
            &[
                "-r",
                "150",
                "-png",
                "-x",
                &xs,
                "-y",
                &ys,
                "-W",
                &ws,
                "-H",
                &hs,
                "-singlefile",
                s(&pdf),
                s(&prefix),
            ],
        );
        assert!(o.status.success());
        let png = dir.path().join(format!("label{i}.png"));
        let v = json(&cli(&db, &["--json", "device", "find-by-label", s(&png)]));
        assert_eq!(v["device"]["code"], code.as_str(), "label {i}");
        assert_eq!(v["read"], format!("WEIBAO:DEVICE:{code}"));
        assert_eq!(v["matched_by"], "label");
    }
}

#[test]
fn an_unreadable_label_photo_is_refused_naming_the_field_and_nothing_is_written() {
    let (t, db) = demo_db();
    let before = count(&t.open(), "change_log");
    let dir = tempfile::tempdir().expect("tmp");
    let cases: [(&str, Vec<u8>); 2] = [
        (
            "garbage.jpg",
            b"\xFF\xD8\xFF\xE0 not really a jpeg".to_vec(),
        ),
        ("notes.png", b"hello".to_vec()),
    ];
    for (name, bytes) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        let e = error_json(&cli(&db, &["--json", "device", "find-by-label", s(&p)]));
        assert_eq!(e["kind"], "invalid", "{name}: {e}");
        assert_eq!(e["field"], "label.photo", "{name}: {e}");
        assert!(
            e["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("标签照片")),
            "{e}"
        );
    }
    // A real picture with no code in it: the rasterised label sheet's empty bottom.
    let pdf = dir.path().join("labels.pdf");
    json(&cli(
        &db,
        &["--json", "labels", "--lane", LANE, "--out", s(&pdf)],
    ));
    let prefix = dir.path().join("blank");
    tool(
        "pdftoppm",
        &[
            "-r",
            "100",
            "-png",
            "-y",
            "1050",
            "-H",
            "100",
            "-singlefile",
            s(&pdf),
            s(&prefix),
        ],
    );
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "device",
            "find-by-label",
            s(&dir.path().join("blank.png")),
        ],
    ));
    assert_eq!(e["field"], "label.photo");
    assert!(
        e["message_en"]
            .as_str()
            .is_some_and(|m| m.contains("no QR code or barcode found")),
        "{e}"
    );
    assert_eq!(count(&t.open(), "change_log"), before, "nothing written");
}
