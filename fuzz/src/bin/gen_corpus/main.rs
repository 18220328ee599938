//! Makes the starting corpus of every target, the seeded store of `changeset_import` and
//! `verify`, and the dictionaries: `scripts/fuzz.sh --gen-corpus` (run once; the output is
//! committed). `gen_corpus dict` writes only the dictionaries. Everything is
//! made through weibao itself (demo data, exports, the report renderer and signer, the image
//! encoder), small enough that the whole corpus stays well under 2 MB.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use image::{ImageFormat, Luma, LumaA, Rgb, RgbImage, Rgba, RgbaImage};
use weibao::domain::work_order::{FaultReportInput, WorkOrderState};
use weibao::report::render::{render, ReportDoc, ReportFonts, ReportKind};
use weibao::report::sign::{sign_pdf, sign_pdf_with, SignRequest, SigningIdentity};
use weibao::store::changeset;
use weibao::{devices, work_orders, FakeClock, Store};

// Keep libFuzzer's runtime linked: every crate of this build is instrumented and needs its
// coverage callbacks.
use libfuzzer_sys as _;

mod dict;
mod exif;

use dict::dictionaries;
use exif::{phone_exif, tiff, with_exif};

fn at(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, 0, 0)
        .single()
        .expect("time")
}

struct Out {
    root: PathBuf,
}

impl Out {
    fn put(&self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.root.join("corpus").join(target);
        std::fs::create_dir_all(&dir).expect("corpus dir");
        std::fs::write(dir.join(name), bytes).expect("corpus file");
        println!("{target}/{name}: {} bytes", bytes.len());
    }
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dictionaries(&root.join("dict"));
    if std::env::args().nth(1).as_deref() == Some("dict") {
        // Only the dictionaries: the corpus stays made with the seed store it was made with.
        return;
    }
    let work = std::env::temp_dir().join(format!("weibao-gen-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work dir");
    let out = Out { root: root.clone() };
    changesets(&out, &work, &root.join("seed"));
    templates(&out, &root.join("../resources/checklists"));
    photos(&out);
    pdfs(&out, &root.join("../resources"));
    let _ = std::fs::remove_dir_all(&work);
}

fn open(path: &Path, clock: &Arc<FakeClock>) -> Store {
    Store::open(path, clock.clone()).expect("open store")
}

fn export(store: &Store, since: i64, work: &Path, name: &str) -> (Vec<u8>, i64) {
    let file = work.join(name);
    let e = changeset::export(store, since, &file).expect("export");
    (std::fs::read(&file).expect("read export"), e.until)
}

fn device_ids(store: &Store, n: usize) -> Vec<String> {
    let mut st = store
        .conn()
        .prepare("SELECT id FROM device WHERE deleted = 0 ORDER BY code LIMIT ?1")
        .expect("query");
    st.query_map([n as i64], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids")
}

/// The seed store (small demo plus a fault), its full export, a second replica's edits of the
/// same rows (applied, merged with the seed's own later edits), a clock far ahead (held), and
/// files damaged the ways a USB copy damages them.
fn changesets(out: &Out, work: &Path, seed_dir: &Path) {
    let seed_clock = Arc::new(FakeClock::new(at(2026, 12, 1, 0)));
    let seed_path = work.join("seed.sqlite");
    let mut seed = open(&seed_path, &seed_clock);
    weibao::demo::load(&mut seed, Some(4), &mut |_, _| {}).expect("demo");
    let ids = device_ids(&seed, 4);
    seed_clock.set(at(2026, 12, 1, 1));
    seed.write(|tx| {
        work_orders::report_fault(
            tx,
            &FaultReportInput {
                device_id: ids[0].clone(),
                level: 2,
                phenomenon: "道闸无法抬杆".into(),
                ..Default::default()
            },
        )
        .map(|_| ())
    })
    .expect("fault");
    let (full, until) = export(&seed, 0, work, "full");
    out.put("changeset", "full.changes", &full);

    // A second laptop: the seed's whole log, then its own work on the same rows.
    let r_clock = Arc::new(FakeClock::new(at(2026, 12, 1, 2)));
    let mut r = open(&work.join("r.sqlite"), &r_clock);
    changeset::import(&mut r, &work.join("full")).expect("replay");
    r.set_current_engineer(seed.current_engineer())
        .expect("engineer");
    let r_start: i64 = r
        .conn()
        .query_row("SELECT max(seq) FROM change_log", [], |x| x.get(0))
        .expect("position");
    let wo: String = r
        .conn()
        .query_row("SELECT id FROM work_order LIMIT 1", [], |x| x.get(0))
        .expect("work order");
    r.write(|tx| {
        devices::add_event(tx, &ids[1], "inspection", "季度巡检：正常", None)?;
        devices::set_serial(tx, &ids[2], "SN-FUZZ-0002", "备机更换", None)?;
        devices::set_status(
            tx,
            &ids[3],
            weibao::domain::device::DeviceStatus::Faulty,
            "摄像头黑屏",
            None,
        )?;
        work_orders::advance(tx, &wo, WorkOrderState::Assigned, Some("已派单"), None)?;
        Ok(())
    })
    .expect("edits");
    let (edits, _) = export(&r, r_start, work, "edits");
    out.put("changeset", "replica_edits.changes", &edits);

    // The seed's own edit after the export, on the same work order: the import merges.
    seed_clock.set(at(2026, 12, 1, 3));
    seed.write(|tx| {
        work_orders::advance(tx, &wo, WorkOrderState::Assigned, Some("办公室派单"), None)
            .map(|_| ())
    })
    .expect("seed edit");
    let (seed_edit, _) = export(&seed, until, work, "seed_edit");
    out.put("changeset", "seed_edit.changes", &seed_edit);

    // A laptop whose clock runs a year ahead: its change is held, not applied.
    r_clock.set(at(2027, 12, 1, 0));
    let r_pos: i64 = r
        .conn()
        .query_row("SELECT max(seq) FROM change_log", [], |x| x.get(0))
        .expect("position");
    r.write(|tx| devices::add_event(tx, &ids[0], "note", "时钟超前", None))
        .expect("ahead");
    let (ahead, _) = export(&r, r_pos, work, "ahead");
    out.put("changeset", "clock_ahead.changes", &ahead);

    // Damaged copies of the edits: cut short, no footer, a wrong count, another format,
    // another version, a change line that is not a change.
    let text = String::from_utf8(edits.clone()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    out.put(
        "changeset",
        "cut_short.changes",
        &edits[..edits.len() * 2 / 3],
    );
    out.put(
        "changeset",
        "no_footer.changes",
        (lines[..lines.len() - 1].join("\n") + "\n").as_bytes(),
    );
    let mut wrong_count = lines.clone();
    wrong_count.remove(1);
    out.put(
        "changeset",
        "missing_line.changes",
        (wrong_count.join("\n") + "\n").as_bytes(),
    );
    out.put(
        "changeset",
        "foreign.changes",
        text.replacen("weibao-changes", "other-changes", 1)
            .as_bytes(),
    );
    out.put(
        "changeset",
        "version_2.changes",
        text.replacen("\"version\":1", "\"version\":2", 1)
            .as_bytes(),
    );
    let mut bad = lines.clone();
    bad.insert(2, "{\"origin\":\"x\"}");
    out.put(
        "changeset",
        "bad_change.changes",
        (bad.join("\n") + "\n").as_bytes(),
    );

    // The seed store for the store targets: checkpointed into one file, no WAL beside it.
    drop(r);
    drop(seed);
    std::fs::create_dir_all(seed_dir).expect("seed dir");
    let dest = seed_dir.join("store.sqlite");
    std::fs::copy(&seed_path, &dest).expect("copy seed");
    println!(
        "seed/store.sqlite: {} bytes",
        std::fs::metadata(&dest).expect("seed").len()
    );
}

fn templates(out: &Out, shipped: &Path) {
    for entry in std::fs::read_dir(shipped).expect("checklists") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        out.put("template", &name, &std::fs::read(&path).expect("template"));
    }
    // Small templates with conditions (one of them a cycle) and a few mistakes.
    let small = r#"id = "fuzz"
version = 1
kind = "quarterly"
name_zh = "测试"
name_en = "Test"

[[section]]
applies_to = "lane"
title_zh = "通道"
title_en = "Lane"

[[section.item]]
id = "power"
kind = "pass_fail"
text_zh = "供电正常"
text_en = "Power OK"

[[section.item]]
id = "voltage"
kind = "measurement"
unit = "V"
min = 200.0
max = 240.0
text_zh = "电压"
text_en = "Voltage"
show_when = { item = "power", is = "fail" }

[[section.item]]
id = "note"
kind = "text"
text_zh = "备注"
text_en = "Note"
required_when = { item = "voltage", is = "fail" }
"#;
    out.put("template", "conditions.toml", small.as_bytes());
    let cycle = small.replace(
        "id = \"power\"\nkind = \"pass_fail\"",
        "id = \"power\"\nkind = \"pass_fail\"\nshow_when = { item = \"note\", is = \"x\" }",
    );
    out.put("template", "cycle.toml", cycle.as_bytes());
    out.put(
        "template",
        "mistakes.toml",
        small
            .replace("kind = \"measurement\"", "kind = \"measurment\"")
            .replace("applies_to = \"lane\"", "applies_to = \"lift\"")
            .as_bytes(),
    );
}

fn encode(img: impl Into<image::DynamicImage>, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.into().write_to(&mut out, format).expect("encode");
    out.into_inner()
}

fn photos(out: &Out) {
    let small = RgbImage::from_fn(16, 12, |x, y| Rgb([(x * 15) as u8, (y * 20) as u8, 120]));
    let jpeg = encode(small.clone(), ImageFormat::Jpeg);
    let phone = with_exif(&jpeg, &phone_exif(false));
    out.put("photo", "phone_exif.jpg", &phone);
    out.put(
        "photo",
        "camera_exif_be.jpg",
        &with_exif(&jpeg, &phone_exif(true)),
    );
    out.put(
        "photo",
        "plain.png",
        &encode(small.clone(), ImageFormat::Png),
    );
    // Wider than the report copy's long side: exercises the resize.
    let wide = RgbImage::from_fn(1700, 4, |x, _| Rgb([(x % 251) as u8, 90, 60]));
    out.put("photo", "wide.jpg", &encode(wide, ImageFormat::Jpeg));
    let rgba = RgbaImage::from_fn(12, 12, |x, y| Rgba([200, 40, 40, (x * y * 2) as u8]));
    out.put(
        "photo",
        "transparent.png",
        &encode(rgba.clone(), ImageFormat::Png),
    );
    let gray16 = image::ImageBuffer::<Luma<u16>, Vec<u16>>::from_fn(9, 7, |x, y| {
        Luma([(x * 7000 + y * 300) as u16])
    });
    out.put("photo", "gray16.png", &encode(gray16, ImageFormat::Png));
    let gray = image::GrayImage::from_fn(10, 10, |x, y| Luma([(x * 20 + y) as u8]));
    out.put("photo", "gray.jpg", &encode(gray, ImageFormat::Jpeg));

    // The EXIF target takes the TIFF block itself (it adds "Exif\0\0" and the carrier JPEG);
    // the small JPEG and PNG are there for its header walk.
    out.put("exif", "phone_le.tiff", &phone_exif(false));
    out.put("exif", "phone_be.tiff", &phone_exif(true));
    out.put(
        "exif",
        "time_only.tiff",
        &tiff(
            false,
            &[],
            &[(0x9003, 2, 20, b"2026:02:29 25:61:61\0".to_vec())],
            &[],
        ),
    );
    out.put("exif", "small.jpg", &jpeg);
    out.put("exif", "small.png", &encode(small, ImageFormat::Png));

    // Signature pads: the demo's, a one-dot one, an empty one, one without alpha, grey+alpha.
    out.put(
        "signature",
        "demo.png",
        &weibao::demo::reports::demo_signature(1),
    );
    let mut dot = RgbaImage::from_pixel(8, 8, Rgba([0, 0, 0, 0]));
    dot.put_pixel(3, 4, Rgba([20, 30, 110, 255]));
    out.put("signature", "dot.png", &encode(dot, ImageFormat::Png));
    out.put(
        "signature",
        "empty.png",
        &encode(
            RgbaImage::from_pixel(8, 8, Rgba([0, 0, 0, 0])),
            ImageFormat::Png,
        ),
    );
    out.put(
        "signature",
        "no_alpha.png",
        &encode(rgba_to_rgb(&rgba), ImageFormat::Png),
    );
    let la = image::ImageBuffer::<LumaA<u8>, Vec<u8>>::from_fn(6, 6, |x, y| {
        LumaA([10, if x == y { 255 } else { 0 }])
    });
    out.put("signature", "gray_alpha.png", &encode(la, ImageFormat::Png));
}

fn rgba_to_rgb(img: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y).0;
        Rgb([p[0], p[1], p[2]])
    })
}

/// Signed PDFs: a report made by the renderer (signed once, then countersigned), a minimal
/// hand-written PDF, and the usual damage (bytes appended, signature key gone, unsigned).
fn pdfs(out: &Out, resources: &Path) {
    let signed_at = at(2026, 11, 30, 9);
    let engineer =
        SigningIdentity::generate("张伟", "华安维保服务有限公司", signed_at).expect("engineer key");
    let office =
        SigningIdentity::generate("办公室", "华安维保服务有限公司", signed_at).expect("office key");
    let fonts = ReportFonts::load(resources).expect("report font");
    let mut doc = ReportDoc::new(ReportKind::Service, "ZW-2026-0001");
    doc.site = "朱桥收费站".into();
    doc.engineer_name = "张伟".into();
    let report = render(&doc, &fonts).expect("render");
    let signed = sign_pdf_with(
        &report,
        &engineer,
        &SignRequest {
            signing_time: signed_at,
            reason: "维修报告确认",
            location: Some("朱桥收费站"),
        },
    )
    .expect("sign");
    out.put("verify", "report_signed.pdf", &signed);
    let counter =
        sign_pdf(&signed, &office, signed_at + Duration::hours(2), "审核").expect("countersign");
    out.put("verify", "report_countersigned.pdf", &counter);

    let minimal = minimal_pdf();
    out.put("verify", "minimal_unsigned.pdf", &minimal);
    let small = sign_pdf(&minimal, &engineer, signed_at, "确认").expect("sign minimal");
    out.put("verify", "minimal_signed.pdf", &small);
    let mut appended = small.clone();
    appended.extend_from_slice(b"\n% appended after signing\n");
    out.put("verify", "minimal_appended.pdf", &appended);
    let renamed = replace_last(&small, b"/ByteRange", b"/ByteRangX");
    out.put("verify", "minimal_no_byterange.pdf", &renamed);
    let mut tampered = small.clone();
    if let Some(at) = find(&tampered, b"(Hello)") {
        tampered[at + 1] = b'J';
    }
    out.put("verify", "minimal_tampered.pdf", &tampered);
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn replace_last(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = hay
        .windows(from.len())
        .rposition(|w| w == from)
        .expect("present");
    let mut out = hay[..at].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&hay[at + from.len()..]);
    out
}

/// One page with one line of text, cross-reference table and all, written by hand.
fn minimal_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        {
            let s = "BT /F1 12 Tf 20 50 Td (Hello) Tj ET";
            format!("<< /Length {} >>\nstream\n{s}\nendstream", s.len())
        },
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Title (ZW-2026-0009) >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}
