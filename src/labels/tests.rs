//! Labels on the demo data: a QR round trip, a photo of a label (tilted, scaled, noisy JPEG),
//! a 1-D barcode, and every way a photo can fail — each an error naming the field, nothing
//! stored.

use std::io::Cursor;
use std::sync::Arc;
use std::time::Instant;

use image::{GrayImage, Luma};
use rand::{Rng, SeedableRng};

use super::*;
use crate::report::ReportAssets;
use crate::{Lang, SystemClock};

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("t.db"), Arc::new(SystemClock)).expect("store");
    crate::demo::load(&mut store, None, &mut |_, _| {}).expect("demo");
    (dir, store)
}

fn first_device(store: &Store) -> Device {
    crate::devices::all_in(store.conn())
        .expect("devices")
        .into_iter()
        .next()
        .expect("a demo device")
}

fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

fn jpeg(img: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("jpeg");
    out
}

/// Rows in the change log and the archive access log: what any write would add to.
fn written(store: &Store) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM change_log)
                  + (SELECT COUNT(*) FROM archive_access)",
            [],
            |r| r.get(0),
        )
        .expect("count")
}

/// A photo of a label: `code` drawn `module_px` per module, turned by `degrees`, placed off
/// centre on grey paper of `w`×`h` with noise and uneven light, as a camera JPEG.
fn label_photo(code: &QrMatrix, module_px: u32, degrees: f32, w: u32, h: u32) -> Vec<u8> {
    let label = code.to_image(module_px);
    let (lw, lh) = (label.width() as f32, label.height() as f32);
    let (cx, cy) = (w as f32 * 0.42, h as f32 * 0.55);
    let (s, c) = degrees.to_radians().sin_cos();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut img = image::RgbImage::new(w, h);
    for (x, y, px) in img.enumerate_pixels_mut() {
        // Inverse rotation about the label's centre.
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let (lx, ly) = (c * dx + s * dy + lw / 2.0, -s * dx + c * dy + lh / 2.0);
        let light = 150.0 + 40.0 * (x as f32 / w as f32);
        let base = if lx >= 0.0 && ly >= 0.0 && lx < lw && ly < lh {
            let v = label.get_pixel(lx as u32, ly as u32).0[0];
            if v == 0 {
                30.0
            } else {
                light + 45.0
            }
        } else {
            light - 40.0
        };
        let v = (base + rng.gen_range(-18.0..18.0)).clamp(0.0, 255.0) as u8;
        *px = image::Rgb([v, v, v.saturating_sub(6)]);
    }
    jpeg(&img, 82)
}

#[test]
fn payloads_are_read_case_insensitively_and_classified() {
    assert_eq!(
        parse_payload(" weibao:device:XA01-L01-BG01 "),
        Payload::Device("XA01-L01-BG01".into())
    );
    assert_eq!(
        parse_payload("WEIBAO:REPORT:ZW-2026-0007"),
        Payload::Report("ZW-2026-0007".into())
    );
    assert_eq!(parse_payload("SN123"), Payload::Other("SN123".into()));
    let code = DeviceCode::parse("xa01-l01-bg01").expect("code");
    assert_eq!(device_payload(&code), "WEIBAO:DEVICE:XA01-L01-BG01");
    assert_eq!(report_payload("ZW-2026-0007"), "WEIBAO:REPORT:ZW-2026-0007");
}

#[test]
fn label_and_footer_payloads_are_version_2_codes() {
    // Upper case keeps the payload in alphanumeric mode: 25 modules a side, big modules.
    let label = qr::encode("WEIBAO:DEVICE:XA01-L01-BG01").expect("qr");
    assert_eq!(label.width, 25);
    let footer = qr::encode(&report_payload("ZW-ZT2026Q4-01")).expect("qr");
    assert_eq!(footer.width, 25);
    let too_long = "x".repeat(4000);
    let e = qr::encode(&too_long).expect_err("too long for a QR");
    assert_eq!(e.field(), Some("label.text"));
}

#[test]
fn a_qr_round_trips_through_a_png() {
    let text = "WEIBAO:DEVICE:XA01-L01-BG01";
    let img = qr::encode(text).expect("qr").to_image(6);
    let d = read_label(&png(&img), "label.photo").expect("read");
    assert_eq!(d.text, text);
    assert_eq!(d.format, "qrcode");
}

#[test]
fn a_device_is_found_by_a_photo_of_its_label() {
    let (_dir, store) = demo();
    let dev = first_device(&store);
    let code = qr::encode(&device_payload(&dev.code)).expect("qr");
    // A 12 MP phone photo (4000×3000), label turned 8°, ~23 px a module.
    let photo = label_photo(&code, 23, 8.0, 4000, 3000);
    let before = written(&store);
    let t = Instant::now();
    let found = find_by_photo(&store, &photo).expect("found by its label");
    eprintln!(
        "12 MP label photo ({} KB JPEG): decoded and found in {:?}",
        photo.len() / 1024,
        t.elapsed()
    );
    assert_eq!(found.device.code, dev.code);
    assert_eq!(found.matched_by, MatchedBy::Label);
    assert_eq!(written(&store), before, "a look-up writes nothing");
    // A small label far away in the frame: only found at a larger decode size.
    let small = label_photo(&code, 4, -12.0, 3200, 2400);
    let found = find_by_photo(&store, &small).expect("small label");
    assert_eq!(found.device.code, dev.code);
}

#[test]
fn a_maker_barcode_with_the_serial_finds_the_device() {
    use rxing::Writer;
    let (_dir, store) = demo();
    let dev = first_device(&store);
    let matrix = rxing::oned::Code128Writer
        .encode(&dev.serial, &rxing::BarcodeFormat::CODE_128, 600, 120)
        .expect("code 128");
    let img = GrayImage::from_fn(matrix.getWidth() + 80, matrix.getHeight() + 80, |x, y| {
        let dark = x >= 40 && y >= 40 && matrix.get(x - 40, y - 40);
        Luma([if dark { 0 } else { 255 }])
    });
    let d = read_label(&png(&img), "label.photo").expect("read a 1-D code");
    assert_eq!(d.format, "code 128");
    let found = lookup(&store, &d.text).expect("by serial");
    assert_eq!(found.device.code, dev.code);
    assert_eq!(found.matched_by, MatchedBy::Serial);
    // A bare 统一编号 (a label printed by the customer) is a code.
    let found = lookup(&store, &format!(" {} ", dev.code.as_str().to_lowercase())).expect("code");
    assert_eq!(found.matched_by, MatchedBy::Code);
}

#[test]
fn an_unknown_code_is_not_found_naming_what_was_read() {
    let (_dir, store) = demo();
    let e = lookup(&store, "WEIBAO:DEVICE:ZZ99-L09-XX09").expect_err("unknown");
    assert_eq!(e.kind(), "not_found");
    assert_eq!(e.field(), Some("device"));
    assert!(
        e.message_zh().contains("ZZ99-L09-XX09"),
        "{}",
        e.message_zh()
    );
    assert!(e.to_string().contains("ZZ99-L09-XX09"), "{e}");
    let e = lookup(&store, "no such serial \u{7}").expect_err("unknown serial");
    assert_eq!(e.kind(), "not_found");
    assert!(
        !e.to_string().contains('\u{7}'),
        "control characters are not echoed"
    );
    let e = lookup(&store, "WEIBAO:REPORT:ZW-2026-0001").expect_err("a report is no device");
    assert_eq!(e.field(), Some("label.photo"));
    assert!(e.message_zh().contains("ZW-2026-0001"));
}

#[test]
fn unreadable_photos_are_refused_naming_the_field_and_nothing_is_stored() {
    let (_dir, store) = demo();
    let before = written(&store);
    let good = png(&qr::encode("WEIBAO:DEVICE:XA01-L01-BG01")
        .expect("qr")
        .to_image(5));
    // Garbage, empty, truncated.
    let mut garbage = vec![0u8; 5000];
    rand::rngs::StdRng::seed_from_u64(1).fill(&mut garbage[..]);
    let truncated = good[..good.len() / 2].to_vec();
    // A PNG header claiming 10000×10000 (100 MP) on a small file.
    let mut bomb = good.clone();
    bomb[16..20].copy_from_slice(&10_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&10_000u32.to_be_bytes());
    // A photo with no code at all: noise on grey.
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let blank = image::RgbImage::from_fn(1200, 900, |_, _| {
        let v = rng.gen_range(120..140);
        image::Rgb([v, v, v])
    });
    let blank = jpeg(&blank, 85);
    for (what, bytes, words) in [
        ("garbage", garbage, "not a JPEG or PNG"),
        ("empty", Vec::new(), "empty"),
        ("truncated", truncated, "incomplete or damaged"),
        ("100 MP", bomb, "limit 50 MP"),
        ("no code", blank, "no QR code or barcode found"),
    ] {
        let t = Instant::now();
        let e = find_by_photo(&store, &bytes).expect_err(what);
        assert_eq!(e.kind(), "invalid", "{what}: {e}");
        assert_eq!(e.field(), Some("label.photo"), "{what}: {e}");
        assert!(e.to_string().contains(words), "{what}: {e}");
        assert!(e.to_string().starts_with("Label photo"), "{what}: {e}");
        assert!(
            e.message_zh().starts_with("标签照片"),
            "{what}: {}",
            e.message_zh()
        );
        eprintln!("{what}: refused in {:?}", t.elapsed());
    }
    assert_eq!(written(&store), before, "nothing stored");
}

#[test]
fn a_label_sheet_holds_every_device_of_the_lane_and_its_qrs_read_back() {
    let (_dir, store) = demo();
    let dev = first_device(&store);
    let lane = crate::org::lanes(&store, None)
        .expect("lanes")
        .into_iter()
        .find(|l| l.id == dev.lane_id)
        .expect("lane");
    let assets = ReportAssets::locate().expect("assets");
    let scope = LabelScope::Lane(format!("{}/{}", lane.site_name, lane.code));
    let (pdf, sum) = label_sheet(&store, &assets.fonts, &scope, Lang::Zh).expect("sheet");
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(sum.codes.len() as i64, lane.device_count);
    assert!(sum.codes.contains(&dev.code.as_str().to_string()));
    assert_eq!(sum.pages, 1);
    eprintln!(
        "label sheet of {} devices: {} bytes",
        sum.codes.len(),
        sum.bytes
    );
    // The same store and scope give the same bytes.
    let (again, _) = label_sheet(&store, &assets.fonts, &scope, Lang::Zh).expect("sheet");
    assert_eq!(pdf, again);
    // A whole site; a site nobody has.
    let (_, site) = label_sheet(
        &store,
        &assets.fonts,
        &LabelScope::Site(lane.site_name.clone()),
        Lang::En,
    )
    .expect("site sheet");
    assert!(site.codes.len() >= sum.codes.len());
    let e = label_sheet(
        &store,
        &assets.fonts,
        &LabelScope::Site("没有这个站点".into()),
        Lang::Zh,
    )
    .expect_err("no site");
    assert_eq!(e.kind(), "not_found");
}
