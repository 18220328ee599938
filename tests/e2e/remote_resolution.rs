//! A fault resolved by phone from the CLI: no visit, the way it was resolved recorded and
//! printed on the report; the bad inputs named.

use crate::report_support::{cli, demo_db, error_json, stdout, tool};
use weibao::report::ReportAssets;
use weibao::Lang;

/// `weibao --json wo resolve-remotely WO --by BY --note NOTE`.
fn resolve(db: &std::path::Path, wo: &str, by: &str, note: &str) -> std::process::Output {
    cli(
        db,
        &[
            "--json",
            "wo",
            "resolve-remotely",
            wo,
            "--by",
            by,
            "--note",
            note,
        ],
    )
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A level-3 fault on the card reader of lane L01, as the CLI reports it; its id.
fn reader_fault(db: &std::path::Path, phenomenon: &str) -> String {
    let made = ok(&cli(
        db,
        &[
            "--json",
            "wo",
            "report",
            "--device",
            "XA01-L01-CR01",
            "--level",
            "3",
            "--phenomenon",
            phenomenon,
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&made).expect("json");
    v["id"].as_str().expect("id").to_string()
}

#[test]
fn a_reader_fixed_by_phone_is_resolved_without_a_visit_and_the_report_says_so() {
    let (t, db) = demo_db();
    let wo = reader_fault(&db, "读卡器偶尔不响应");
    // Before anyone responded it cannot be resolved remotely.
    let early = resolve(&db, &wo, "phone", "x");
    assert_eq!(error_json(&early)["kind"], "not_remotely_resolvable");
    for to in ["assigned", "responded"] {
        ok(&cli(&db, &["wo", "advance", &wo, "--to", to]));
    }
    let bad = resolve(&db, &wo, "fax", "x");
    assert_eq!(error_json(&bad)["field"], "resolution.method");
    let done = ok(&cli(
        &db,
        &[
            "wo",
            "resolve-remotely",
            &wo,
            "--by",
            "phone",
            "--note",
            "电话指导客户清洁读卡区并重启，恢复正常",
        ],
    ));
    assert!(done.contains("已解决"), "{done}");
    let store = t.open();
    let assets = ReportAssets::locate().expect("assets");
    let pdf = weibao::report::preview(&store, &assets, &wo, Lang::Zh).expect("preview");
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("remote.pdf");
    std::fs::write(&p, &pdf).expect("write");
    let text = stdout(&tool("pdftotext", &[p.to_str().expect("utf-8"), "-"]));
    assert!(text.contains("处理方式（未到场）"), "{text}");
    assert!(
        text.contains("电话指导解决：电话指导客户清洁读卡区并重启"),
        "{text}"
    );
    let view = weibao::views::work_order::view(&store, &wo).expect("view");
    assert!(!view.can_resolve_remotely);
    assert!(view.resolution.is_some());
}

#[test]
fn a_customer_who_confirms_a_phone_fix_on_the_phone_is_printed_with_number_and_recorder() {
    let (_t, db) = demo_db();
    let wo = reader_fault(&db, "读卡器不响应");
    for to in ["assigned", "responded"] {
        ok(&cli(&db, &["wo", "advance", &wo, "--to", to]));
    }
    ok(&resolve(&db, &wo, "phone", "电话指导重启读卡器"));
    let phone_sign = |who: &str, number: &str| {
        cli(
            &db,
            &[
                "--json",
                "sign",
                "--work-order",
                &wo,
                "--phone-confirmed-by",
                who,
                "--phone",
                number,
            ],
        )
    };
    // The service record comes first, as before a signature.
    assert_eq!(
        error_json(&phone_sign("王值班", "13800138000"))["kind"],
        "service_record_required"
    );
    ok(&cli(
        &db,
        &[
            "wo",
            "service",
            &wo,
            "--found",
            "读卡器无响应",
            "--process",
            "电话指导重启读卡器",
        ],
    ));
    assert_eq!(
        error_json(&phone_sign("王值班", "call me"))["field"],
        "phone_confirmation.phone"
    );
    let said = ok(&phone_sign("王值班", "13800138000"));
    assert!(said.contains("by_phone"), "{said}");
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("phone.pdf");
    ok(&cli(
        &db,
        &[
            "report",
            "render",
            "--work-order",
            &wo,
            "--out",
            p.to_str().expect("utf-8"),
        ],
    ));
    let text = stdout(&tool("pdftotext", &[p.to_str().expect("utf-8"), "-"]));
    assert!(text.contains("电话确认：王值班（13800138000）"), "{text}");
    assert!(text.contains("记录人："), "{text}");
}
