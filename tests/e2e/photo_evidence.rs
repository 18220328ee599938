//! Issue 10, evidence images: a damaged or incomplete photo is never stored as evidence, a
//! one-pixel PNG is not a signature, and a camera clock in 2099 is not a capture time. Through
//! the CLI, as an engineer would hit them, plus a property test on the import functions.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use weibao::media::{header_dimensions, import_photo, import_signature_png, PhotoFormat};

use crate::report_support::{blob_files, cli, count, resolved_repair};
use crate::support::{monday_10am, TestDb};

fn demo_jpeg() -> Vec<u8> {
    weibao::demo::reports::demo_photo(5, monday_10am())
}

fn sos_end(jpeg: &[u8]) -> usize {
    let sos = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("JPEG has a scan");
    sos + 2 + usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]))
}

/// A 288-byte grey JPEG whose frame header claims 7000×7000: quantisation table, frame, one
/// Huffman table each for DC and AC, a scan header, a few bytes of "image data", EOI. Its
/// structure is whole; only its size gives it away.
fn claims_7000_square() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8];
    b.extend([0xFF, 0xDB, 0, 67, 0]);
    b.extend([1u8; 64]);
    b.extend([0xFF, 0xC0, 0, 11, 8]);
    b.extend(7000u16.to_be_bytes());
    b.extend(7000u16.to_be_bytes());
    b.extend([1, 1, 0x11, 0]);
    for class in [0x00, 0x10] {
        b.extend([0xFF, 0xC4, 0, 20, class, 1]);
        b.extend([0u8; 15]);
        b.push(0);
    }
    b.extend([0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
    b.resize(286, 0x00);
    b.extend([0xFF, 0xD9]);
    assert_eq!(b.len(), 288);
    b
}

struct Setup {
    _t: TestDb,
    db: std::path::PathBuf,
    wo: String,
    dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let (t, store) = TestDb::demo();
    drop(store);
    let mut store = t.open();
    let wo = resolved_repair(&mut store, "BJ01-L01-CM03");
    drop(store);
    Setup {
        db: t.path.clone(),
        _t: t,
        wo,
        dir: tempfile::tempdir().expect("tmp"),
    }
}

impl Setup {
    fn add(&self, name: &str, bytes: &[u8], extra: &[&str]) -> std::process::Output {
        let f = self.dir.path().join(name);
        std::fs::write(&f, bytes).expect("write");
        let mut args = vec!["photo", "add", "--work-order", &self.wo];
        args.extend(extra);
        args.push(f.to_str().expect("utf-8"));
        cli(&self.db, &args)
    }

    /// (photo rows, blob rows, blob files beside the database).
    fn stored(&self) -> (i64, i64, usize) {
        let store = self.open();
        (
            count(&store, "photo"),
            count(&store, "blob"),
            blob_files(&store),
        )
    }

    fn open(&self) -> weibao::Store {
        weibao::Store::open(&self.db, std::sync::Arc::new(weibao::SystemClock)).expect("open")
    }
}

fn assert_refused_as_incomplete(s: &Setup, name: &str, bytes: &[u8]) -> String {
    let before = s.stored();
    let o = s.add(name, bytes, &[]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{name}: exit 1\n{err}");
    assert!(err.contains("[invalid]"), "{name}: kind invalid: {err}");
    assert!(
        err.contains("照片") && !err.contains("字段："),
        "{name}: names the photo in words, not by its key: {err}"
    );
    assert!(
        err.contains("不完整") && err.contains("损坏"),
        "{name}: says incomplete/damaged in Chinese: {err}"
    );
    assert!(
        err.contains("incomplete") && err.contains("damaged"),
        "{name}: and in English: {err}"
    );
    assert_eq!(
        s.stored(),
        before,
        "{name}: nothing stored (row, blob, file)"
    );
    err
}

#[test]
fn photo_evidence_corrupt_files_are_refused_through_the_cli_and_nothing_is_stored() {
    let s = setup();
    let good = demo_jpeg();
    let cut = sos_end(&good);

    let e = assert_refused_as_incomplete(&s, "cut60.jpg", &good[..good.len() * 6 / 10]);
    assert!(
        e.contains("结束标记") && e.contains("end-of-image marker"),
        "{e}"
    );
    // Cut right after the scan header: no image data at all (and far too small for its size).
    assert_refused_as_incomplete(&s, "sos.jpg", &good[..cut]);
    let e = assert_refused_as_incomplete(&s, "claims7000.jpg", &claims_7000_square());
    assert!(
        e.contains("7000×7000") && e.contains("288"),
        "says what the header claims and what the file has: {e}"
    );
    // A PNG whose image data is all there but whose IEND chunk is not.
    let png = weibao::demo::reports::demo_signature(0);
    let e = assert_refused_as_incomplete(&s, "noiend.png", &png[..png.len() - 12]);
    assert!(e.contains("IEND"), "{e}");
    // A PNG cut in its image data.
    assert_refused_as_incomplete(&s, "half.png", &png[..png.len() / 2]);

    // The whole file still goes in: one row, two blobs.
    let before = s.stored();
    let o = s.add("good.jpg", &good, &[]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let after = s.stored();
    assert_eq!((after.0, after.2), (before.0 + 1, before.2 + 2));
}

#[test]
fn photo_evidence_capture_time_in_2099_is_kept_raw_and_flagged_not_used() {
    let s = setup();
    let when = Utc
        .with_ymd_and_hms(2099, 1, 1, 2, 0, 0)
        .single()
        .expect("time");
    let jpeg = weibao::demo::reports::demo_photo(2, when);
    let o = s.add("clock2099.jpg", &jpeg, &["--caption", "时钟错误"]);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(0), "the photo itself is sound: {err}");
    assert!(
        err.contains("警告") && err.contains("2099:01:01 10:00:00") && err.contains("implausible"),
        "a warning line in both languages names the raw value: {err}"
    );
    assert!(out.contains("拍摄时间不合理"), "{out}");
    let (taken, raw): (Option<String>, Option<String>) = s
        .open()
        .conn()
        .query_row(
            "SELECT taken_at, taken_at_raw FROM photo WHERE caption = '时钟错误'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("stored");
    assert_eq!(taken, None, "an implausible time is not the photo's time");
    assert_eq!(
        raw.as_deref(),
        Some("2099:01:01 10:00:00"),
        "the raw value is kept, flagged"
    );

    // JSON carries the raw value for a UI; stdout stays one JSON document.
    let o = s.add("clock2099b.jpg", &jpeg, &[]);
    assert_eq!(o.status.code(), Some(0));
    let f = s.dir.path().join("c.jpg");
    std::fs::write(&f, &jpeg).expect("write");
    let o = cli(
        &s.db,
        &[
            "--json",
            "photo",
            "add",
            "--work-order",
            &s.wo,
            f.to_str().expect("utf-8"),
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["taken_at_implausible"], "2099:01:01 10:00:00");
    assert!(v["taken_at"].is_null());

    // A plausible time is stored as before, with no warning.
    let o = s.add("ok.jpg", &demo_jpeg(), &["--caption", "正常"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("警告"));
    let taken: Option<String> = s
        .open()
        .conn()
        .query_row(
            "SELECT taken_at FROM photo WHERE caption = '正常'",
            [],
            |r| r.get(0),
        )
        .expect("stored");
    assert_eq!(taken.as_deref(), Some("2026-11-23 10:00:00"));
}

#[test]
fn photo_evidence_one_pixel_signature_is_refused_through_the_cli() {
    let dir = tempfile::tempdir().expect("tmp");
    let one = image::RgbaImage::from_pixel(1, 1, image::Rgba([0, 0, 0, 255]));
    let f = dir.path().join("dot.png");
    one.save(&f).expect("png");
    let (t, store) = TestDb::demo();
    drop(store);
    let mut store = t.open();
    let wo = resolved_repair(&mut store, "BJ01-L01-CM03");
    let signatures = count(&store, "customer_signature");
    drop(store);
    let o = cli(
        &t.path,
        &[
            "sign",
            "--work-order",
            &wo,
            "--png",
            f.to_str().expect("utf-8"),
            "--signer",
            "陈建国",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        !err.contains("字段：") && err.contains("签名图片太小") && err.contains("too small"),
        "{err}"
    );
    assert_eq!(count(&t.open(), "customer_signature"), signatures);
}

/// The property's good bases (made once: the signature is drawn stroke by stroke).
fn small_jpeg() -> &'static [u8] {
    static JPEG: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    JPEG.get_or_init(|| {
        let img = image::RgbImage::from_fn(40, 24, |x, y| {
            image::Rgb([(x * 6) as u8, (y * 9) as u8, 90])
        });
        let mut out = Vec::new();
        img.write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .expect("jpeg");
        out
    })
}

fn small_png() -> &'static [u8] {
    static PNG: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PNG.get_or_init(|| weibao::demo::reports::demo_signature(4))
}

/// Whatever the input, import never panics, and whatever it accepts has the size its header
/// claims, as an independent decode sees it.
fn check_any(bytes: &[u8]) {
    let decoded = || image::load_from_memory(bytes).map(|i| (i.width(), i.height()));
    if let Ok(p) = import_photo(bytes, "photo") {
        let format = PhotoFormat::sniff(bytes).expect("accepted files are JPEG or PNG");
        let header = header_dimensions(bytes, format);
        assert_eq!(header, Some((p.original_width, p.original_height)));
        assert_eq!(decoded().ok(), header);
    }
    if let Ok(sig) = import_signature_png(bytes) {
        let header = header_dimensions(bytes, PhotoFormat::Png);
        assert_eq!(header, Some((sig.width, sig.height)));
        assert_eq!(decoded().ok(), header);
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Cut(prop::sample::Index),
    Flip(prop::sample::Index, u8),
    Both(prop::sample::Index, prop::sample::Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Cut),
        (any::<prop::sample::Index>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
            0u8..8
        )
            .prop_map(|(c, i, b)| Mutation::Both(c, i, b)),
    ]
}

fn apply(base: &[u8], m: &Mutation) -> Vec<u8> {
    let mut b = base.to_vec();
    let flip = |b: &mut Vec<u8>, i: &prop::sample::Index, bit: u8| {
        if !b.is_empty() {
            let at = i.index(b.len());
            b[at] ^= 1 << bit;
        }
    };
    match m {
        Mutation::Cut(c) => b.truncate(c.index(base.len())),
        Mutation::Flip(i, bit) => flip(&mut b, i, *bit),
        Mutation::Both(c, i, bit) => {
            b.truncate(c.index(base.len()));
            flip(&mut b, i, *bit);
        }
    }
    b
}

proptest! {
    #[test]
    fn photo_evidence_never_panics_and_accepts_only_what_it_decoded(
        raw in prop::collection::vec(any::<u8>(), 0..600),
        m in mutation(),
        which in 0u8..5,
    ) {
        let with_magic = |magic: &[u8]| [magic, raw.as_slice()].concat();
        let bytes = match which {
            0 => raw.clone(),
            1 => with_magic(&[0xFF, 0xD8, 0xFF]),
            2 => with_magic(b"\x89PNG\r\n\x1a\n"),
            3 => apply(small_jpeg(), &m),
            _ => apply(small_png(), &m),
        };
        check_any(&bytes);
    }
}

#[test]
fn photo_evidence_mutation_bases_are_accepted_whole() {
    // The property's bases are good files, so it exercises the accepting path too.
    assert!(import_photo(small_jpeg(), "photo").is_ok());
    assert!(import_photo(small_png(), "photo").is_ok());
    assert!(import_signature_png(small_png()).is_ok());
}
