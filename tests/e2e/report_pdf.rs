//! Both report kinds, made by `weibao demo` and written by the CLI, checked with real readers
//! (poppler-utils): the text is there and copyable, the font embedded and subset, the signature
//! valid, every page renders. A rendered page is kept in `test-artifacts/` to look at.

use crate::report_support::*;
use weibao::report::finalise;

fn pages(pdf: &str) -> usize {
    let info = stdout(&tool("pdfinfo", &[pdf]));
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count")
}

/// Everything a reader must find in one signed report file.
fn check_with_poppler(pdf: &std::path::Path, must_contain: &[&str], artifact: &str) {
    let p = pdf.to_str().expect("utf-8 path");
    let text = stdout(&tool("pdftotext", &["-layout", p, "-"]));
    // Table cells may wrap; compare without whitespace so a code split over a line still counts.
    let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for s in must_contain {
        assert!(
            squashed.contains(&s.replace(' ', "")),
            "pdftotext of {artifact} lacks {s:?}:\n{text}"
        );
    }

    let fonts = stdout(&tool("pdffonts", &[p]));
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(
            cols.len() >= 7 && cols[cols.len() - 5] == "yes" && cols[cols.len() - 4] == "yes",
            "font not embedded+subset: {row}\n{fonts}"
        );
        assert!(
            cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+',
            "subset fonts carry a XXXXXX+ tag: {row}"
        );
    }

    let sig = tool("pdfsig", &[p]);
    let sig_text = stdout(&sig);
    assert!(
        sig_text.contains("Signature is Valid"),
        "pdfsig does not accept {artifact}:\n{sig_text}{}",
        String::from_utf8_lossy(&sig.stderr)
    );
    assert!(
        sig_text.contains("Total document signed"),
        "the signature must cover the whole file:\n{sig_text}"
    );

    let n = pages(p);
    let dir = tempfile::tempdir().expect("tmp");
    let prefix = dir.path().join("page");
    let out = tool(
        "pdftoppm",
        &["-r", "60", "-png", p, prefix.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "pdftoppm failed");
    let mut rendered: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    rendered.sort();
    assert_eq!(rendered.len(), n, "pdftoppm renders every page");
    for page in &rendered {
        assert!(
            std::fs::metadata(page).map(|m| m.len()).unwrap_or(0) > 5_000,
            "page {} looks empty",
            page.display()
        );
    }
    // Page 1 at a readable resolution, kept.
    let keep = artifacts().join(artifact);
    let out = tool(
        "pdftoppm",
        &[
            "-r",
            "110",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            p,
            keep.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "pdftoppm page 1");
    std::fs::copy(pdf, artifacts().join(format!("{artifact}.pdf"))).expect("keep pdf");
}

#[test]
fn report_both_kinds_from_demo_pass_poppler_checks() {
    let (t, db) = demo_db();
    let store = t.open();
    let (insp, repair) = demo_reports(&store);
    let codes: Vec<String> = {
        let mut st = store
            .conn()
            .prepare(
                "SELECT DISTINCT d.code FROM inspection_item i JOIN device d ON d.id = i.device_id
                 JOIN inspection_work_order l ON l.inspection_id = i.inspection_id
                 WHERE l.work_order_id = ?1 ORDER BY d.code",
            )
            .expect("sql");
        st.query_map([&insp.work_order_id], |r| r.get(0))
            .expect("q")
            .map(|r| r.expect("row"))
            .collect()
    };
    assert!(
        codes.len() >= 5,
        "the inspection covered the lane's devices"
    );
    drop(store);
    let dir = tempfile::tempdir().expect("tmp");

    // The inspection record (巡检记录).
    let out = dir.path().join("inspection.pdf");
    let o = cli(
        &db,
        &[
            "report",
            "render",
            "--work-order",
            &insp.work_order_id,
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut want: Vec<&str> = vec!["西安海关", "巡检", "陈建国", "张伟", &insp.number];
    want.extend(codes.iter().map(String::as_str));
    want.extend(["异常2项", "开裂/断裂", "第1页共"]);
    check_with_poppler(&out, &want, "report_inspection");
    assert_eq!(
        std::fs::read(&out).expect("pdf"),
        finalise::pdf_of(&t.open(), &insp).expect("stored"),
        "render of a finalised work order writes the stored signed file"
    );

    // The service / repair record (客户服务记录表 维修报告).
    let out = dir.path().join("repair.pdf");
    let o = cli(
        &db,
        &[
            "report",
            "render",
            "--work-order",
            &repair.work_order_id,
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_with_poppler(
        &out,
        &[
            "西安海关",
            "客户服务记录表",
            "XA01-L03-BG01",
            "陈建国",
            "张伟",
            "道闸缓冲垫",
            "维修前",
            &repair.number,
        ],
        "report_repair",
    );

    // Both verify against the record.
    for f in ["inspection.pdf", "repair.pdf"] {
        let p = dir.path().join(f);
        let o = cli(&db, &["verify", p.to_str().expect("utf-8")]);
        let text = stdout(&o);
        assert!(
            o.status.success(),
            "{text}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            text.contains("有效 valid") && text.contains("一致 matches"),
            "{text}"
        );
        assert!(text.contains("签署人 signer: 张伟"), "{text}");
    }
}

#[test]
fn report_render_all_writes_one_file_per_number() {
    let (t, db) = demo_db();
    let (insp, repair) = demo_reports(&t.open());
    let dir = tempfile::tempdir().expect("tmp");
    let o = cli(
        &db,
        &[
            "report",
            "render",
            "--all",
            "--out",
            dir.path().to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let progress = String::from_utf8_lossy(&o.stderr);
    assert!(
        progress.contains("[1/2]") && progress.contains("[2/2]"),
        "{progress}"
    );
    for r in [&insp, &repair] {
        let f = dir.path().join(format!("{}.pdf", r.number));
        let bytes = std::fs::read(&f).expect("file per report number");
        assert_eq!(weibao::store::blobs::sha256_hex(&bytes), r.sha256);
    }
}

#[test]
fn report_english_preview_is_unsigned_and_stores_nothing() {
    let (t, _db) = demo_db();
    let mut store = t.open();
    let wo = resolved_repair(&mut store, "XY01-L01-CM01");
    let before = count(&store, "report");
    let assets = weibao::report::ReportAssets::locate().expect("assets");
    let pdf = finalise::preview(&store, &assets, &wo, weibao::Lang::En).expect("preview");
    assert_eq!(count(&store, "report"), before);
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("preview.pdf");
    std::fs::write(&p, &pdf).expect("write");
    let text = stdout(&tool("pdftotext", &[p.to_str().expect("utf-8"), "-"]));
    assert!(text.contains("Customer Service Record"), "{text}");
    assert!(text.contains("(draft)"), "{text}");
    assert!(text.contains("awaiting the customer"), "{text}");
    let sig = stdout(&tool("pdfsig", &[p.to_str().expect("utf-8")]));
    assert!(
        !sig.contains("Signature is Valid"),
        "a preview is not signed"
    );
}
