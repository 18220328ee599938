//! Photo and signature import: what a camera or a user might hand us, good and bad.

use image::{GenericImageView, Rgb, RgbImage, Rgba, RgbaImage};
use sha2::{Digest, Sha256};
use weibao::media::{import_photo, import_signature_png};

fn encode(img: &image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), format)
        .unwrap();
    out
}

fn camera_like(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, ((x / 7) ^ (y / 5)) as u8])
    })
}

/// A minimal big-endian EXIF APP1 segment: Orientation, DateTimeOriginal, GPS 22.5°N 113.91°E.
fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut t = Vec::new();
    let u16b = |t: &mut Vec<u8>, v: u16| t.extend(v.to_be_bytes());
    let u32b = |t: &mut Vec<u8>, v: u32| t.extend(v.to_be_bytes());
    t.extend(b"MM\0\x2a");
    u32b(&mut t, 8);
    // IFD0 at 8: 3 entries, ends at 8 + 2 + 36 + 4 = 50.
    u16b(&mut t, 3);
    for (tag, typ, val) in [
        (0x0112u16, 3u16, u32::from(orientation) << 16),
        (0x8769, 4, 50),
        (0x8825, 4, 88),
    ] {
        u16b(&mut t, tag);
        u16b(&mut t, typ);
        u32b(&mut t, 1);
        u32b(&mut t, val);
    }
    u32b(&mut t, 0);
    // Exif IFD at 50: DateTimeOriginal (ASCII, 20 bytes at 68).
    u16b(&mut t, 1);
    u16b(&mut t, 0x9003);
    u16b(&mut t, 2);
    u32b(&mut t, 20);
    u32b(&mut t, 68);
    u32b(&mut t, 0);
    t.extend(b"2026:03:14 09:26:53\0");
    assert_eq!(t.len(), 88);
    // GPS IFD at 88: 4 entries, rationals at 142 and 166.
    u16b(&mut t, 4);
    for (tag, typ, count, val) in [
        (1u16, 2u16, 2u32, u32::from_be_bytes(*b"N\0\0\0")),
        (2, 5, 3, 142),
        (3, 2, 2, u32::from_be_bytes(*b"E\0\0\0")),
        (4, 5, 3, 166),
    ] {
        u16b(&mut t, tag);
        u16b(&mut t, typ);
        u32b(&mut t, count);
        u32b(&mut t, val);
    }
    u32b(&mut t, 0);
    for (n, d) in [(22, 1), (30, 1), (0, 1), (113, 1), (54, 1), (36, 1)] {
        u32b(&mut t, n);
        u32b(&mut t, d);
    }
    assert_eq!(t.len(), 190);
    let mut seg = vec![0xFF, 0xE1];
    seg.extend(((2 + 6 + t.len()) as u16).to_be_bytes());
    seg.extend(b"Exif\0\0");
    seg.extend(t);
    seg
}

fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend(exif_app1(orientation));
    out.extend(&jpeg[2..]);
    out
}

fn assert_invalid(result: weibao::Result<impl std::fmt::Debug>, field: &str, needle: &str) {
    let err = result.expect_err("must be refused");
    assert_eq!(err.kind(), "invalid", "{err:?}");
    assert_eq!(err.field(), Some(field));
    let msg = err.message_zh();
    assert!(msg.contains(needle), "{msg:?} lacks {needle:?}");
    let label = weibao::fields::label(field, weibao::Lang::Zh);
    assert!(
        msg.contains(&label),
        "the message names the field as {label}: {msg}"
    );
}

#[test]
fn twelve_megapixel_jpeg_gets_a_1600px_report_copy() {
    let original = encode(&camera_like(4000, 3000).into(), image::ImageFormat::Jpeg);
    let p = import_photo(&original, "photos[0]").unwrap();
    assert_eq!((p.original_width, p.original_height), (4000, 3000));
    assert_eq!((p.width, p.height), (1600, 1200));
    assert_eq!(p.mime, "image/jpeg");
    assert_eq!(p.original_sha256, hex::encode(Sha256::digest(&original)));
    let copy =
        image::load_from_memory_with_format(&p.report_jpeg, image::ImageFormat::Jpeg).unwrap();
    assert_eq!(copy.dimensions(), (1600, 1200));
    assert!(
        p.report_jpeg.len() < 1_000_000,
        "{} bytes",
        p.report_jpeg.len()
    );
    assert_eq!(p.taken_at, None);
    assert_eq!(p.gps, None);
}

#[test]
fn png_with_transparency_is_flattened_onto_white() {
    let img = RgbaImage::from_fn(300, 200, |x, _| {
        if x < 150 {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([200, 30, 30, 255])
        }
    });
    let png = encode(&img.into(), image::ImageFormat::Png);
    let p = import_photo(&png, "photos[1]").unwrap();
    assert_eq!(p.mime, "image/png");
    assert_eq!((p.width, p.height), (300, 200));
    let copy = image::load_from_memory(&p.report_jpeg).unwrap().to_rgb8();
    assert!(
        copy.get_pixel(20, 100).0.iter().all(|&c| c > 240),
        "transparent → white"
    );
    assert!(copy.get_pixel(280, 100).0[0] > 150);
}

#[test]
fn exif_orientation_6_rotates_and_time_and_gps_are_read() {
    // Landscape, left half red, right half blue; orientation 6 = rotate 90° clockwise to view,
    // so the red half ends up on top.
    let img = RgbImage::from_fn(400, 200, |x, _| {
        if x < 200 {
            Rgb([220, 20, 20])
        } else {
            Rgb([20, 20, 220])
        }
    });
    let jpeg = with_exif(&encode(&img.into(), image::ImageFormat::Jpeg), 6);
    let p = import_photo(&jpeg, "photos[2]").unwrap();
    assert_eq!((p.width, p.height), (200, 400), "rotated to portrait");
    let copy = image::load_from_memory(&p.report_jpeg).unwrap().to_rgb8();
    let top = copy.get_pixel(100, 50).0;
    let bottom = copy.get_pixel(100, 350).0;
    assert!(top[0] > 150 && top[2] < 100, "top should be red: {top:?}");
    assert!(
        bottom[2] > 150 && bottom[0] < 100,
        "bottom should be blue: {bottom:?}"
    );
    assert_eq!(
        p.taken_at.map(|t| t.to_string()),
        Some("2026-03-14 09:26:53".to_string())
    );
    let (lat, lon) = p.gps.expect("gps");
    assert!((lat - 22.5).abs() < 1e-9, "{lat}");
    assert!((lon - 113.91).abs() < 1e-9, "{lon}");
    // The report copy carries no EXIF (no GPS in the customer's PDF, no double rotation).
    assert!(!p.report_jpeg.windows(6).any(|w| w == b"Exif\0\0"));
}

#[test]
fn bad_files_are_refused_naming_the_field() {
    // A corrupt JPEG: right magic, garbage after it.
    let mut corrupt = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    corrupt.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
    assert_invalid(import_photo(&corrupt, "photos[0]"), "photos[0]", "损坏");

    // A JPEG whose scan data was cut off right after the headers.
    let good = encode(&camera_like(640, 480).into(), image::ImageFormat::Jpeg);
    let sos = good.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    assert_invalid(
        import_photo(&good[..sos + 2], "photos[1]"),
        "photos[1]",
        "损坏",
    );

    // A truncated PNG (half the file).
    let png = encode(&camera_like(640, 480).into(), image::ImageFormat::Png);
    assert_invalid(
        import_photo(&png[..png.len() / 2], "photos[2]"),
        "photos[2]",
        "损坏",
    );

    // A 100-megapixel PNG header, refused before any decoding.
    let mut huge = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    huge.extend(10_000u32.to_be_bytes());
    huge.extend(10_000u32.to_be_bytes());
    huge.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    assert_invalid(
        import_photo(&huge, "photos[3]"),
        "photos[3]",
        "上限 50 百万像素",
    );
    let err = import_photo(&huge, "photos[3]").unwrap_err();
    assert!(err.to_string().contains("10000×10000 (100 MP)"), "{err}");

    // Not an image at all.
    assert_invalid(
        import_photo(b"hello, this is a text file\n", "photos[4]"),
        "photos[4]",
        "不是 JPEG 或 PNG",
    );
    assert_invalid(import_photo(b"", "photos[5]"), "photos[5]", "为空");
    // A GIF is an image, but not one we accept.
    assert_invalid(
        import_photo(b"GIF89a\x01\0\x01\0\0\0\0;", "photos[6]"),
        "photos[6]",
        "不是 JPEG 或 PNG",
    );
}

#[test]
fn signature_png_must_have_alpha_and_ink() {
    // A pen stroke that goes up and down as handwriting does (a ruled straight line is not a
    // signature).
    let ink = RgbaImage::from_fn(400, 150, |x, y| {
        let curve = 75.0 + 40.0 * (x as f32 / 30.0).sin();
        if (y as f32 - curve).abs() < 3.0 && x > 20 && x < 380 {
            Rgba([0, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let png = encode(&ink.into(), image::ImageFormat::Png);
    let sig = import_signature_png(&png).unwrap();
    assert_eq!((sig.width, sig.height), (400, 150));
    assert_eq!(sig.sha256, hex::encode(Sha256::digest(&png)));

    let opaque = encode(&camera_like(400, 150).into(), image::ImageFormat::Png);
    assert_invalid(import_signature_png(&opaque), "signature", "透明");
    let blank = encode(&RgbaImage::new(400, 150).into(), image::ImageFormat::Png);
    assert_invalid(import_signature_png(&blank), "signature", "签名为空");
    let jpeg = encode(&camera_like(400, 150).into(), image::ImageFormat::Jpeg);
    assert_invalid(import_signature_png(&jpeg), "signature", "PNG");
    assert_invalid(
        import_signature_png(&png[..png.len() / 2]),
        "signature",
        "损坏",
    );
}
