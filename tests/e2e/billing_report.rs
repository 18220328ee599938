//! The bill of a repair from the CLI to the printed report: the cause recorded, the quote shown,
//! the customer's consent, and the lines and total on the PDF in both languages.

use crate::report_support::{cli, demo_db, error_json, resolved_repair, stdout, tool};
use weibao::report::ReportAssets;
use weibao::Lang;

fn pdf_text(store: &weibao::Store, wo: &str, lang: Lang) -> String {
    let assets = ReportAssets::locate().expect("assets");
    let pdf = weibao::report::preview(store, &assets, wo, lang).expect("preview");
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("bill.pdf");
    std::fs::write(&p, &pdf).expect("write");
    stdout(&tool("pdftotext", &[p.to_str().expect("utf-8"), "-"]))
}

#[test]
fn human_damage_is_quoted_agreed_and_printed_with_its_total() {
    let (t, db) = demo_db();
    let wo = {
        let mut store = t.open();
        resolved_repair(&mut store, "XY01-L01-CM01")
    };
    let set = cli(
        &db,
        &[
            "--json",
            "billing",
            "set",
            &wo,
            "--cause",
            "人为损坏",
            "--labour-days",
            "1",
            "--travel",
            "200",
        ],
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&set.stdout).expect("json");
    let lines = v["quote"]["lines"].as_array().expect("lines");
    assert!(lines.iter().all(|l| l["billable"] == true), "{v}");
    let sum: i64 = lines.iter().filter_map(|l| l["amount_fen"].as_i64()).sum();
    let total = v["quote"]["total_fen"].as_i64().expect("total");
    assert_eq!(total, sum);
    assert!(
        total >= 50_000 + 20_000,
        "a day's labour and the travel: {total}"
    );
    assert_eq!(v["needs_consent"], true);

    // A bad value names its field, in the person's words; nothing changes.
    let bad = cli(
        &db,
        &["--json", "billing", "set", &wo, "--labour-days", "0.3"],
    );
    assert_eq!(error_json(&bad)["field"], "billing.labour_half_days");

    let store = t.open();
    let zh = pdf_text(&store, &wo, Lang::Zh);
    assert!(zh.contains("费用（故障原因：人为损坏）"), "{zh}");
    assert!(zh.contains("应收合计"), "{zh}");
    assert!(zh.contains("客户尚未确认费用"), "{zh}");
    drop(store);

    let agreed = cli(&db, &["billing", "consent", &wo, "--by", "刘晓燕"]);
    assert!(
        agreed.status.success(),
        "{}",
        String::from_utf8_lossy(&agreed.stderr)
    );
    let shown = String::from_utf8_lossy(&cli(&db, &["billing", "show", &wo]).stdout).to_string();
    assert!(shown.contains("客户确认 agreed: 刘晓燕"), "{shown}");

    let store = t.open();
    let zh = pdf_text(&store, &wo, Lang::Zh);
    assert!(zh.contains("客户 刘晓燕 已于"), "{zh}");
    let en = pdf_text(&store, &wo, Lang::En);
    assert!(en.contains("Charges (cause: human damage)"), "{en}");
    assert!(en.contains("Total due"), "{en}");
    assert!(en.contains("agreed by 刘晓燕"), "{en}");
}
