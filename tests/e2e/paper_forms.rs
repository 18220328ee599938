//! Every field of the 报障登记表 and the 客户服务记录表 from the CLI to the signed PDF: a fault
//! reported by fax with its time, place, caller, phone and who took it; the repair with its
//! backup and restore, the customer's opinion and satisfaction; the handling result. The
//! `pdftotext` of the signed report holds every value.

use crate::report_support::{cli, demo_db, error_json, stdout, tool};

fn ok(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    stdout(o)
}

#[test]
fn a_fault_with_every_paper_field_is_repaired_signed_and_printed() {
    let (t, db) = demo_db();
    let v: serde_json::Value = serde_json::from_str(&ok(&cli(
        &db,
        &[
            "--json",
            "wo",
            "report",
            "--device",
            "XY01-L01-CM01",
            "--level",
            "3",
            "--phenomenon",
            "车牌识别摄像机画面发白，夜间无法识别",
            "--contact",
            "刘晓燕",
            "--phone",
            "029-88798002",
            "--location",
            "咸阳机场货运卡口 1号车道 抓拍杆",
            "--channel",
            "传真",
            "--at",
            "2026-11-23 08:40",
        ],
    )))
    .expect("json");
    let wo = v["id"].as_str().expect("id").to_string();
    for to in ["assigned", "responded", "on_site"] {
        ok(&cli(&db, &["wo", "advance", &wo, "--to", to]));
    }
    ok(&cli(
        &db,
        &[
            "wo",
            "service",
            &wo,
            "--found",
            "摄像机曝光参数被改为手动，夜间补光灯不亮",
            "--process",
            "恢复自动曝光，更换补光灯电源",
            "--backup-restore",
            "修改前导出摄像机配置文件，完成后导入并核对抓拍参数",
            "--feedback",
            "夜间识别恢复正常，满意",
            "--satisfaction",
            "4",
        ],
    ));
    ok(&cli(
        &db,
        &["wo", "result", &wo, "--text", "已修复，夜间识别率恢复"],
    ));
    // A bad channel is named; the work order is untouched.
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "wo",
            "report",
            "--device",
            "XY01-L01-CM01",
            "--level",
            "3",
            "--phenomenon",
            "x",
            "--channel",
            "信鸽",
        ],
    ));
    assert_eq!(e["field"], "fault.channel");
    ok(&cli(&db, &["wo", "advance", &wo, "--to", "resolved"]));

    let png = t.dir.path().join("sig.png");
    std::fs::write(&png, weibao::demo::reports::demo_signature(2)).expect("png");
    ok(&cli(
        &db,
        &[
            "sign",
            "--work-order",
            &wo,
            "--png",
            png.to_str().expect("utf-8"),
            "--signer",
            "刘晓燕",
        ],
    ));
    let pdf = t.dir.path().join("form.pdf");
    ok(&cli(
        &db,
        &[
            "report",
            "render",
            "--wo",
            &wo,
            "--out",
            pdf.to_str().expect("utf-8"),
        ],
    ));
    let text = stdout(&tool(
        "pdftotext",
        &["-layout", pdf.to_str().expect("utf-8"), "-"],
    ));
    let flat: String = text.split_whitespace().collect();
    for value in [
        "报障登记",
        "2026-11-2308:40",
        "传真",
        "刘晓燕",
        "029-88798002",
        "咸阳机场货运卡口1号车道抓拍杆",
        "张伟", // who took it: the engineer who wrote the report
        "车牌识别摄像机画面发白，夜间无法识别",
        "摄像机曝光参数被改为手动，夜间补光灯不亮",
        "恢复自动曝光，更换补光灯电源",
        "备份与恢复",
        "修改前导出摄像机配置文件，完成后导入并核对抓拍参数",
        "夜间识别恢复正常，满意",
        "故障处理结果",
        "已修复，夜间识别率恢复",
    ] {
        assert!(flat.contains(value), "{value:?} not in the report:\n{text}");
    }
}

#[test]
fn an_emergency_is_reported_as_one_and_a_consultation_is_answered_by_phone() {
    let (t, db) = demo_db();
    let id = |o: &std::process::Output| -> String {
        let v: serde_json::Value = serde_json::from_str(&ok(o)).expect("json");
        v["id"].as_str().expect("id").to_string()
    };
    let emergency = id(&cli(
        &db,
        &[
            "--json",
            "wo",
            "report",
            "--device",
            "XA01-L01-BG01",
            "--level",
            "1",
            "--phenomenon",
            "道闸被车辆撞断，车道封闭",
            "--kind",
            "emergency",
        ],
    ));
    for to in ["assigned", "responded", "on_site"] {
        ok(&cli(&db, &["wo", "advance", &emergency, "--to", to]));
    }
    ok(&cli(
        &db,
        &[
            "wo",
            "service",
            &emergency,
            "--found",
            "挡杆断裂",
            "--process",
            "更换挡杆",
        ],
    ));
    ok(&cli(
        &db,
        &["wo", "advance", &emergency, "--to", "resolved"],
    ));
    let png = t.dir.path().join("sig.png");
    std::fs::write(&png, weibao::demo::reports::demo_signature(3)).expect("png");
    ok(&cli(
        &db,
        &[
            "sign",
            "--work-order",
            &emergency,
            "--png",
            png.to_str().expect("utf-8"),
            "--signer",
            "陈建国",
        ],
    ));
    let pdf = t.dir.path().join("emergency.pdf");
    ok(&cli(
        &db,
        &[
            "report",
            "render",
            "--wo",
            &emergency,
            "--out",
            pdf.to_str().expect("utf-8"),
        ],
    ));
    let text = stdout(&tool("pdftotext", &[pdf.to_str().expect("utf-8"), "-"]));
    assert!(text.contains("应急响应报告"), "{text}");

    // A consultation: no visit, answered by phone, and listed by its kind.
    let ask = id(&cli(
        &db,
        &[
            "--json",
            "wo",
            "report",
            "--device",
            "XA01-L01-BG01",
            "--level",
            "4",
            "--phenomenon",
            "咨询：道闸常开模式如何设置",
            "--kind",
            "consultation",
            "--channel",
            "phone",
        ],
    ));
    for to in ["assigned", "responded"] {
        ok(&cli(&db, &["wo", "advance", &ask, "--to", to]));
    }
    ok(&cli(
        &db,
        &[
            "wo",
            "resolve-remotely",
            &ask,
            "--by",
            "phone",
            "--note",
            "电话指导在主控板菜单设置常开",
        ],
    ));
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&cli(&db, &["--json", "wo", "show", &ask]))).expect("json");
    assert_eq!(shown["kind"], "consultation");
    assert_eq!(shown["state"], "resolved");
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "wo",
            "report",
            "--device",
            "XA01-L01-BG01",
            "--level",
            "4",
            "--phenomenon",
            "x",
            "--kind",
            "party",
        ],
    ));
    assert_eq!(e["field"], "work_order.kind");
}
