//! The second half of the report benchmark: signing and finalising, and Chromium for scale.
//!
//! * render + sign of the same 40-item, 8-photo report the first half renders;
//! * a whole `finalise` through the store (build from the database, render, sign, write the
//!   blob, commit, freeze) for a repair whose 8 photos were attached from 12 MP originals;
//! * when `/usr/bin/chromium` exists, headless print-to-PDF of an equivalent HTML report (same
//!   text, the same report-size JPEGs, the signature PNG, Noto Sans CJK from the system) in
//!   the same run, with the ratios printed. Chromium is what an HTML-template report would use.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use weibao::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use weibao::report::photos::{self, PhotoOwner};
use weibao::report::render::{CustomerSignature, ReportDoc, ReportFonts};
use weibao::report::sign::{sign_pdf, SigningIdentity};
use weibao::report::{finalise, signature, ReportAssets};
use weibao::work_orders;
use weibao::{Lang, Store, SystemClock};

const RUNS: usize = 10;
const CHROMIUM: &str = "/usr/bin/chromium";

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn p50(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `render_p50` and `render_bytes` are the first half's figures for the same document.
pub fn run(doc: &ReportDoc, fonts: &ReportFonts, originals: &[Vec<u8>], render_p50: Duration) {
    let when = Utc
        .with_ymd_and_hms(2026, 11, 20, 2, 0, 0)
        .single()
        .expect("time");
    let t = Instant::now();
    let id =
        SigningIdentity::generate("王海涛", "深圳市安通智能卡口系统有限公司", when).expect("key");
    println!(
        "\nsigning key + self-signed certificate: {:.1} ms",
        ms(t.elapsed())
    );

    let mut sign_only = Vec::new();
    let mut both = Vec::new();
    let mut signed_bytes = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let pdf = weibao::report::render::render(doc, fonts).expect("render");
        let rendered = t.elapsed();
        let signed = sign_pdf(&pdf, &id, when, "bench").expect("sign");
        both.push(t.elapsed());
        sign_only.push(t.elapsed() - rendered);
        signed_bytes = signed.len();
    }
    let render_sign = p50(both);
    println!(
        "render + sign {} items + {} photos, {RUNS} runs: p50 {:.1} ms (sign alone p50 {:.1} ms), signed PDF {} KB",
        doc.checklist.len(),
        doc.photos.len(),
        ms(render_sign),
        ms(p50(sign_only)),
        signed_bytes / 1024
    );

    finalise_through_store(originals);

    if Path::new(CHROMIUM).exists() {
        chromium(doc, render_p50, render_sign, signed_bytes);
    } else {
        println!(
            "chromium: {CHROMIUM} not installed, comparison skipped (apt-get install chromium)"
        );
    }
}

/// A repair on the demo database, its photos attached from the camera originals, finalised.
fn finalise_through_store(originals: &[Vec<u8>]) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("bench.db"), Arc::new(SystemClock)).expect("db");
    let t = Instant::now();
    weibao::demo::load(&mut store, None, &mut |_, _| {}).expect("demo");
    println!(
        "\ndemo data set (incl. its two signed reports): {:.0} ms",
        ms(t.elapsed())
    );
    let wo = store
        .write(|tx| {
            let wo = work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: "XA02-L01-BG01".into(),
                    level: 2,
                    phenomenon: "道闸不落杆".into(),
                    ..Default::default()
                },
            )?;
            for to in [
                WorkOrderState::Assigned,
                WorkOrderState::Responded,
                WorkOrderState::OnSite,
            ] {
                work_orders::advance(tx, &wo.id, to, None, None)?;
            }
            work_orders::record_service(
                tx,
                &wo.id,
                &ServiceRecordInput {
                    found_state: "挡杆停在抬起位置".into(),
                    process: "更换缓冲垫，紧固限位开关接线。".repeat(6),
                    ..Default::default()
                },
            )?;
            work_orders::advance(tx, &wo.id, WorkOrderState::Resolved, None, None)?;
            Ok(wo.id)
        })
        .expect("work order");
    let mut attach = Vec::new();
    for (i, o) in originals.iter().enumerate() {
        let t = Instant::now();
        let caption = format!("照片 {}", i + 1);
        photos::attach(
            &mut store,
            &PhotoOwner::WorkOrder(wo.clone()),
            o,
            Some(&caption),
        )
        .expect("attach");
        attach.push(t.elapsed());
    }
    println!(
        "attach a 12 MP photo (import + original and copy as blobs + row): p50 {:.0} ms",
        ms(p50(attach))
    );
    signature::capture(
        &mut store,
        &wo,
        &weibao::demo::reports::demo_signature(0),
        "陈建国",
    )
    .expect("signature");
    let t = Instant::now();
    let assets = ReportAssets::locate().expect("assets");
    let load = t.elapsed();
    let t = Instant::now();
    let r = finalise::finalise(&mut store, &assets, &wo, Lang::Zh).expect("finalise");
    println!(
        "finalise (build from store → render → sign → blob → commit), {} photos: {:.1} ms, {} KB (font+logo load once: {:.1} ms)",
        originals.len(),
        ms(t.elapsed()),
        r.size / 1024,
        ms(load)
    );
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The same report as HTML for Chromium: same text, the same JPEGs and signature PNG (as
/// files beside it), A4 with page counters.
fn html_of(doc: &ReportDoc, dir: &Path) -> String {
    let mut h = String::from(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 18mm 15mm 20mm; @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 8pt; } }
body { font-family: "Noto Sans CJK SC", sans-serif; font-size: 9pt; }
h1 { text-align: center; font-size: 18pt; } h2 { font-size: 11pt; border-left: 3px solid #1f5fa8; padding-left: 5px; }
table { width: 100%; border-collapse: collapse; } td, th { border: 0.5px solid #999; padding: 3px 5px; }
tr.fail td { background: #fde8e8; color: #b00; } .photos { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.photos img { width: 100%; } figure { margin: 0; break-inside: avoid; } .sig img { height: 60px; }
</style></head><body>"#,
    );
    h += &format!(
        "<header><b>{}</b> <span style=\"float:right\">编号：{}</span></header><h1>巡检记录</h1>",
        esc(&doc.company.name),
        esc(&doc.number)
    );
    h += &format!(
        "<table><tr><td>客户单位</td><td>{}</td><td>报告编号</td><td>{}</td></tr><tr><td>站点</td><td>{}</td><td>通道</td><td>{}</td></tr></table>",
        esc(&doc.customer.name),
        esc(&doc.number),
        esc(&doc.site),
        esc(doc.lane.as_deref().unwrap_or("—"))
    );
    h += "<h2>设备</h2><table><tr><th>设备编号</th><th>设备类型</th><th>规格型号</th><th>序列号</th></tr>";
    for d in &doc.devices {
        h += &format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.code),
            esc(&d.kind_label),
            esc(&d.model),
            esc(d.serial.as_deref().unwrap_or("—"))
        );
    }
    h += "</table><h2>检查项目</h2><table><tr><th>序号</th><th>检查内容</th><th>结果</th><th>标准</th><th>备注</th></tr>";
    for (i, c) in doc.checklist.iter().enumerate() {
        h += &format!(
            "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if c.failed { " class=\"fail\"" } else { "" },
            i + 1,
            esc(&c.label),
            esc(&c.answer),
            esc(c.expected.as_deref().unwrap_or("—")),
            esc(c.note.as_deref().unwrap_or(""))
        );
    }
    h += &format!(
        "</table><h2>处理过程</h2><p>{}</p><h2>现场照片</h2><div class=\"photos\">",
        esc(doc.actions.as_deref().unwrap_or(""))
    );
    for (i, p) in doc.photos.iter().enumerate() {
        let f = dir.join(format!("photo{i}.jpg"));
        std::fs::write(&f, &p.jpeg).expect("photo file");
        h += &format!(
            "<figure><img src=\"photo{i}.jpg\"><figcaption>{}</figcaption></figure>",
            esc(&p.caption)
        );
    }
    h += "</div><h2>确认签字</h2><div class=\"sig\">";
    if let CustomerSignature::Signed { png, signer, .. } = &doc.signature {
        std::fs::write(dir.join("signature.png"), png).expect("signature file");
        h += &format!("<img src=\"signature.png\"><p>签字人：{}</p>", esc(signer));
    }
    h += &format!(
        "<p>维保工程师：{}</p></div></body></html>",
        esc(&doc.engineer_name)
    );
    h
}

fn chromium(doc: &ReportDoc, render_p50: Duration, render_sign: Duration, signed_bytes: usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let html = dir.path().join("report.html");
    std::fs::write(&html, html_of(doc, dir.path())).expect("html");
    let out = dir.path().join("chromium.pdf");
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..3 {
        let profile = tempfile::tempdir().expect("profile");
        let t = Instant::now();
        let status = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg(format!("file://{}", html.display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        let d = t.elapsed();
        match status {
            Ok(s) if s.success() => {
                times.push(d);
                bytes = std::fs::metadata(&out)
                    .map(|m| m.len() as usize)
                    .unwrap_or(0);
            }
            other => {
                println!("chromium failed: {other:?}");
                return;
            }
        }
    }
    let c = p50(times);
    println!(
        "\nchromium headless print-to-PDF of the equivalent HTML, 3 runs: p50 {:.0} ms, {} KB (unsigned)",
        ms(c),
        bytes / 1024
    );
    println!(
        "ratios: time chromium / weibao render = {:.1}×, chromium / weibao render+sign = {:.1}×; size chromium / weibao signed = {:.2}×",
        c.as_secs_f64() / render_p50.as_secs_f64(),
        c.as_secs_f64() / render_sign.as_secs_f64(),
        bytes as f64 / signed_bytes.max(1) as f64
    );
}
