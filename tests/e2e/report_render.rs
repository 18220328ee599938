//! Report PDFs checked with real readers (poppler-utils): the text is there and copyable, the
//! font is embedded and subset, every page renders, long content flows across pages.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use image::{Rgb, RgbImage, Rgba, RgbaImage};
use weibao::report::render::*;
use weibao::Lang;

fn resources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources")
}

/// `<target>/test-artifacts/`: the test binary lives in `<target>/debug/deps/`.
fn artifacts_dir() -> PathBuf {
    let dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts"))
        .join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} could not run (install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn at(d: u32, h: u32, m: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, d)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

/// A report-size photo made the way the app makes them: a generated "camera" JPEG run through
/// `import_photo`.
fn photo(i: usize) -> ReportPhoto {
    let (w, h) = if i % 3 == 2 { (600, 800) } else { (800, 600) };
    let img = RgbImage::from_fn(w, h, |x, y| {
        let band = ((x / 40 + y / 40 + i as u32) % 2) as u8;
        Rgb([
            (x * 255 / w) as u8 ^ (i as u8).wrapping_mul(37),
            (y * 255 / h) as u8,
            80 + band * 90,
        ])
    });
    let mut jpeg = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let p = weibao::media::import_photo(&jpeg, "photo").unwrap();
    ReportPhoto {
        jpeg: p.report_jpeg,
        caption: format!(
            "照片 {}：1号通道道闸主控板接线端子，拆检前状态与拆检后对比",
            i + 1
        ),
        taken_at: Some(at(20, 10, i as u32)),
    }
}

fn signature_png() -> Vec<u8> {
    let img = RgbaImage::from_fn(600, 200, |x, y| {
        let curve = 100.0 + 60.0 * ((x as f32) / 45.0).sin() * (1.0 - x as f32 / 700.0);
        if (y as f32 - curve).abs() < 4.0 && (40..560).contains(&x) {
            Rgba([10, 20, 90, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    weibao::media::import_signature_png(&png).unwrap();
    png
}

fn inspection(lang: Lang, items: usize, photos: usize) -> ReportDoc {
    let mut doc = ReportDoc::new(ReportKind::Inspection, "E07-2026-0042");
    doc.lang = lang;
    doc.company = Company {
        name: "深圳市安通智能卡口系统有限公司".into(),
        logo_png: load_logo(&resources()).unwrap(),
    };
    doc.customer = Customer {
        name: "皇岗海关监管科".into(),
        contact: Some("李建国".into()),
        phone: Some("0755-8888 1234".into()),
    };
    doc.site = "皇岗口岸货运通道".into();
    doc.lane = Some("3号进境车道".into());
    doc.devices = vec![
        DeviceLine {
            code: "HG-L03-IC01".into(),
            kind_label: "IC读卡器".into(),
            model: "RD-500M".into(),
            serial: Some("SN2023110045".into()),
        },
        DeviceLine {
            code: "HG-L03-GT01".into(),
            kind_label: "电子栏杆".into(),
            model: "BG-3000 直杆 4.5m".into(),
            serial: None,
        },
        DeviceLine {
            code: "HG-L03-CAM02".into(),
            kind_label: "车牌识别摄像机".into(),
            model: "iDS-TCM403".into(),
            serial: Some("J12345678".into()),
        },
    ];
    doc.times.arrived = Some(at(20, 9, 5));
    doc.times.resolved = Some(at(20, 11, 40));
    let sections = ["外观检查", "除尘清洁", "电气性能", "机械性能", "整体联调"];
    doc.checklist = (0..items)
        .map(|i| ChecklistLine {
            section: sections[i * sections.len() / items.max(1)].into(),
            label: if i % 7 == 3 {
                format!("第{}项：检查道闸电机运行速度、润滑情况及传动部件磨损，起落杆时间应符合出厂指标，并记录实测值", i + 1)
            } else {
                format!("第{}项：设备外观、固定件与线缆检查", i + 1)
            },
            answer: if i % 9 == 4 { "异常".into() } else { "正常".into() },
            expected: (i % 4 == 0).then(|| "≤ 3 s".into()),
            failed: i % 9 == 4,
            note: (i % 9 == 4).then(|| "缓冲垫老化开裂，已更换".into()),
        })
        .collect();
    doc.found_state = Some("到场时 3 号车道道闸抬杆缓慢，读卡器工作正常。".into());
    doc.actions = Some("更换道闸缓冲垫两件，清洁主控板与工控机机箱灰尘；对车辆检测器重新标定灵敏度。全部设备功能测试通过，使用测试卡过车 20 次无异常。".repeat(3));
    doc.analysis =
        Some("缓冲垫属易损件，长期使用老化导致抬杆阻力增大。建议下季度巡检时复查。".into());
    doc.parts = vec![PartLine {
        name: "道闸缓冲垫".into(),
        part_no: Some("BG-PAD-01".into()),
        qty: 2,
        condition: PartCondition::New,
        billing: Billing::Billable,
    }];
    doc.photos = (0..photos).map(photo).collect();
    doc.customer_feedback = Some("处理及时，满意。".into());
    doc.satisfaction = Some(Satisfaction::VerySatisfied);
    doc.signature = CustomerSignature::Signed {
        png: signature_png(),
        signer: "李建国".into(),
        at: at(20, 11, 45),
    };
    doc.engineer_name = "王工（王海涛）".into();
    doc
}

fn fonts() -> ReportFonts {
    ReportFonts::load(&resources()).unwrap()
}

fn write(name: &str, pdf: &[u8]) -> PathBuf {
    let path = artifacts_dir().join(name);
    std::fs::write(&path, pdf).unwrap();
    path
}

fn page_count(pdf: &Path) -> usize {
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo reports Pages")
}

/// Every word's right edge, from poppler's own text layout.
fn max_word_right_edge(pdf: &Path) -> f32 {
    let html = run("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    html.split("xMax=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse::<f32>().ok())
        .fold(0.0, f32::max)
}

#[test]
fn chinese_inspection_with_60_items_and_20_photos_reads_back_in_poppler() {
    let doc = inspection(Lang::Zh, 60, 20);
    let pdf = render(&doc, &fonts()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let path = write("inspection-zh.pdf", &pdf);
    let p = path.to_str().unwrap();

    let pages = page_count(&path);
    assert!(
        pages >= 4,
        "60 items and 20 photos need several pages, got {pages}"
    );
    let text = run("pdftotext", &["-layout", p, "-"]);
    for needle in [
        "巡检记录",
        "皇岗海关监管科",
        "HG-L03-IC01",
        "HG-L03-GT01",
        "HG-L03-CAM02",
        "E07-2026-0042",
        "李建国",
        "王工（王海涛）",
        "缓冲垫老化开裂，已更换",
        "照片 20：",
        "拍摄时间：2026-11-20 10:19:00",
    ] {
        assert!(text.contains(needle), "pdftotext lacks {needle:?}");
    }
    assert!(text.contains(&format!("第 1 页 共 {pages} 页")));
    assert!(text.contains(&format!("第 {pages} 页 共 {pages} 页")));
    // The last checklist item and the last photo made it (nothing dropped at a page break).
    assert!(text.contains("第60项"));
    // Table header repeated: the checklist column title appears on more than one page.
    assert!(
        text.matches("检查内容").count() >= 2,
        "checklist header not repeated"
    );

    let fonts = run("pdffonts", &[p]);
    let line = fonts
        .lines()
        .find(|l| l.contains("NotoSansCJKsc"))
        .unwrap_or_else(|| panic!("font not listed:\n{fonts}"));
    assert!(line.contains("yes yes"), "font not embedded+subset: {line}");
    assert!(line.contains('+'), "subset tag missing: {line}");
    assert_eq!(
        fonts.lines().count(),
        3,
        "exactly one font expected:\n{fonts}"
    );

    // Text stays within the right margin on every page (wrapping on measured widths).
    let right = 595.276 - 42.52 + 0.5;
    let edge = max_word_right_edge(&path);
    assert!(edge <= right, "text runs into the margin: xMax {edge}");

    let dir = artifacts_dir().join("inspection-zh");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = dir.join("page");
    run(
        "pdftoppm",
        &["-r", "50", "-png", p, prefix.to_str().unwrap()],
    );
    let rendered = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        rendered, pages,
        "pdftoppm rendered {rendered} of {pages} pages"
    );
    // One page at a readable resolution for people to look at.
    let keep = artifacts_dir().join("inspection-zh-page1");
    run(
        "pdftoppm",
        &[
            "-r",
            "80",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            p,
            keep.to_str().unwrap(),
        ],
    );
    assert!(artifacts_dir().join("inspection-zh-page1.png").exists());
}

#[test]
fn english_labels_and_page_numbers() {
    let doc = inspection(Lang::En, 12, 2);
    let path = write("inspection-en.pdf", &render(&doc, &fonts()).unwrap());
    let text = run("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    let pages = page_count(&path);
    for needle in [
        "Inspection Record",
        "Customer",
        "Checklist",
        "Photos (2)",
        "Signed by: 李建国",
    ] {
        assert!(text.contains(needle), "pdftotext lacks {needle:?}");
    }
    assert!(text.contains(&format!("Page 1 of {pages}")));
    assert!(
        !text.contains("巡检记录"),
        "Chinese title in the English report"
    );
    assert!(!text.contains("第 1 页"));
}

#[test]
fn service_report_with_refusal_and_addendum() {
    let f = fonts();
    let mut doc = inspection(Lang::Zh, 0, 1);
    doc.kind = ReportKind::Service;
    doc.number = "E07-2026-0043".into();
    doc.fault_level = Some("二级".into());
    doc.reported_fault = Some("3号车道道闸无法落杆".into());
    doc.times.reported = Some(at(21, 8, 10));
    doc.times.responded = Some(at(21, 8, 25));
    doc.signature = CustomerSignature::Refused {
        reason: "客户负责人不在现场，值班人员无权签字".into(),
        at: Some(at(21, 12, 0)),
    };
    let path = write("service-refused.pdf", &render(&doc, &f).unwrap());
    let text = run("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    for needle in [
        "客户服务记录表（维修报告）",
        "报修内容",
        "二级",
        "2026-11-21 08:25",
        "客户拒签：客户负责人不在现场",
    ] {
        assert!(text.contains(needle), "pdftotext lacks {needle:?}");
    }
    assert!(
        !text.contains("检查内容"),
        "no checklist table for an empty checklist"
    );

    let sha = "ab".repeat(32);
    doc.kind = ReportKind::Addendum {
        original_number: "E07-2026-0043".into(),
        original_sha256: sha.clone(),
    };
    doc.number = "E07-2026-0044".into();
    doc.signature = CustomerSignature::Pending;
    let path = write("addendum.pdf", &render(&doc, &f).unwrap());
    let text = run("pdftotext", &["-raw", path.to_str().unwrap(), "-"]);
    assert!(text.contains("补充报告"));
    assert!(text.contains("E07-2026-0043"));
    assert!(
        text.replace('\n', "").contains(&sha),
        "original hash not printed whole"
    );
    assert!(text.contains("待客户签字"));
}

#[test]
fn very_long_text_wraps_and_flows_without_loss() {
    let mut doc = inspection(Lang::Zh, 3, 0);
    // ~12 000 characters of mixed Chinese and Latin, one of them an unbreakable 200-char token,
    // in a text section and in one checklist note (a row taller than a page).
    let long = "现场检查发现 loop detector sensitivity drifted; 车辆检测器灵敏度漂移，已重新标定。"
        .repeat(200);
    doc.actions = Some(format!("{long}\n{}", "X".repeat(200)));
    doc.checklist[1].note = Some("甲乙丙丁。".repeat(700));
    let path = write("long-text.pdf", &render(&doc, &fonts()).unwrap());
    let pages = page_count(&path);
    assert!(
        pages >= 6,
        "long text should take several pages, got {pages}"
    );
    let edge = max_word_right_edge(&path);
    assert!(
        edge <= 595.276 - 42.52 + 0.5,
        "text runs into the margin: xMax {edge}"
    );
    let text = run("pdftotext", &["-raw", path.to_str().unwrap(), "-"]).replace('\n', "");
    // Count characters that occur only in the long texts: a phrase split by a page break has the
    // footer and the next page's header between its halves.
    assert_eq!(text.matches('漂').count(), 200);
    assert_eq!(text.matches('丙').count(), 700);
    assert!(text.contains(&"X".repeat(200)));
}

#[test]
fn same_record_renders_to_the_same_bytes() {
    let doc = inspection(Lang::Zh, 5, 1);
    let f = fonts();
    assert_eq!(render(&doc, &f).unwrap(), render(&doc, &f).unwrap());
}

#[test]
fn damaged_stored_photo_is_a_report_error() {
    let mut doc = inspection(Lang::Zh, 1, 0);
    doc.photos.push(ReportPhoto {
        jpeg: b"not a jpeg".to_vec(),
        caption: "坏".into(),
        taken_at: None,
    });
    let err = render(&doc, &fonts()).unwrap_err();
    assert_eq!(err.kind(), "report_image");
    assert!(err.message_zh().contains("第 1 张照片"));
}
