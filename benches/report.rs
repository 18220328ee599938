//! Report benchmark: photo import from 12 MP camera originals, then rendering a 40-item,
//! 8-photo inspection report. Prints figures, asserts nothing (timings are not tests).
//!
//! `cargo bench --bench report` (release profile). Signing, a whole finalise through the store
//! and the Chromium comparison are in `report/finalise.rs`.

#[path = "report/finalise.rs"]
mod finalise;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use image::{Rgb, RgbImage, Rgba, RgbaImage};
use weibao::media::import_photo;
use weibao::report::render::*;

const PHOTOS: usize = 8;
const ITEMS: usize = 40;
const RUNS: usize = 10;

/// A 4000×3000 "camera" JPEG with enough detail that it compresses like a photo (~3–5 MB),
/// not like a flat test card.
fn camera_original(seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x1f) as u8;
        Rgb([
            ((x / 9 + seed * 40) % 200) as u8 + noise,
            ((y / 7) % 200) as u8 + noise,
            (((x ^ y) / 11) % 200) as u8 + noise,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .expect("encode original");
    out
}

fn signature() -> Vec<u8> {
    let img = RgbaImage::from_fn(600, 200, |x, y| {
        let c = 100.0 + 50.0 * (x as f32 / 40.0).sin();
        if (y as f32 - c).abs() < 3.0 {
            Rgba([0, 0, 60, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode signature");
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let resources = Path::new(env!("CARGO_MANIFEST_DIR")).join("resources");
    let t = Instant::now();
    let fonts = ReportFonts::load(&resources).expect("font");
    println!("font load: {:.1} ms", ms(t.elapsed()));

    println!("generating {PHOTOS} 12 MP originals…");
    let originals: Vec<Vec<u8>> = (0..PHOTOS as u32).map(camera_original).collect();
    let mut import_times = Vec::new();
    let mut photos = Vec::new();
    for (i, original) in originals.iter().enumerate() {
        let t = Instant::now();
        let p = import_photo(original, "photo").expect("import");
        let d = t.elapsed();
        println!(
            "import photo {}: {:>7.1} ms  original {:>5.2} MB 4000×3000 → report copy {:>4} KB {}×{}",
            i + 1,
            ms(d),
            original.len() as f64 / 1e6,
            p.report_jpeg.len() / 1024,
            p.width,
            p.height
        );
        import_times.push(d);
        photos.push(ReportPhoto {
            jpeg: p.report_jpeg,
            caption: format!("照片 {}：道闸主控板与接线端子", i + 1),
            taken_at: p.taken_at,
        });
    }
    import_times.sort();
    println!(
        "import per 12 MP photo: p50 {:.1} ms, max {:.1} ms",
        ms(percentile(&import_times, 0.5)),
        ms(percentile(&import_times, 1.0))
    );
    // Where the import time goes: the full-size decode alone, same decoder (image/zune-jpeg).
    let mut decode_times: Vec<Duration> = originals
        .iter()
        .map(|o| {
            let t = Instant::now();
            let img = image::load_from_memory_with_format(o, image::ImageFormat::Jpeg);
            let d = t.elapsed();
            assert!(img.is_ok());
            d
        })
        .collect();
    decode_times.sort();
    println!(
        "  of which full-size JPEG decode alone: p50 {:.1} ms",
        ms(percentile(&decode_times, 0.5))
    );

    let at = NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .expect("date");
    let mut doc = ReportDoc::new(ReportKind::Inspection, "E07-2026-0042");
    doc.company = Company {
        name: "深圳市安通智能卡口系统有限公司".into(),
        logo_png: load_logo(&resources).expect("logo"),
    };
    doc.customer.name = "皇岗海关监管科".into();
    doc.site = "皇岗口岸货运通道".into();
    doc.lane = Some("3号进境车道".into());
    doc.devices = (1..=4)
        .map(|i| DeviceLine {
            code: format!("HG-L03-D{i:02}"),
            kind_label: "IC读卡器".into(),
            model: "RD-500M".into(),
            serial: Some(format!("SN20231100{i:02}")),
        })
        .collect();
    doc.times.arrived = Some(at);
    doc.times.resolved = Some(at);
    doc.checklist = (0..ITEMS)
        .map(|i| ChecklistLine {
            section: ["外观检查", "电气性能", "机械性能", "整体联调"][i * 4 / ITEMS].into(),
            label: format!(
                "第{}项：检查设备外观、固定件、线缆有无松动锈蚀变形，功能与响应时间符合出厂指标",
                i + 1
            ),
            answer: if i % 9 == 4 { "异常" } else { "正常" }.into(),
            expected: Some("≤ 3 s".into()),
            failed: i % 9 == 4,
            note: (i % 9 == 4).then(|| "已处理".into()),
        })
        .collect();
    doc.actions =
        Some("清洁主控板与工控机机箱灰尘，更换缓冲垫两件，重新标定车辆检测器灵敏度。".repeat(4));
    doc.photos = photos;
    doc.signature = CustomerSignature::Signed {
        png: signature(),
        signer: "李建国".into(),
        at,
    };
    doc.engineer_name = "王海涛".into();

    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let pdf = render(&doc, &fonts).expect("render");
        times.push(t.elapsed());
        bytes = pdf.len();
    }
    let first = times[0];
    times.sort();
    println!(
        "render {ITEMS} items + {PHOTOS} photos, {RUNS} runs: first {:.1} ms, p50 {:.1} ms, p99 {:.1} ms, {} KB",
        ms(first),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        bytes / 1024
    );
    finalise::run(&doc, &fonts, &originals, percentile(&times, 0.5));
}
