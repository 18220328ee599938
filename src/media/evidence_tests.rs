//! Tests of `evidence`: every cut of a real file is refused by the structure walk, the size
//! bound refuses a lying header before any decode, and the decoder's own checks hold.

use super::evidence::{check_complete, check_size, decode, header, Damage, Header};
use super::jpeg;
use super::photo::PhotoFormat;
use super::png;
use image::{Rgb, RgbImage};

fn noisy(w: u32, h: u32) -> RgbImage {
    let mut s = 0x1234_5678u32;
    RgbImage::from_fn(w, h, |x, y| {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        Rgb([
            (x * 5) as u8,
            (y * 7) as u8,
            (s % 64) as u8 + ((x ^ y) % 128) as u8,
        ])
    })
}

fn encode(img: &RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), format)
        .expect("encode");
    out
}

fn eoi(jpeg: &[u8]) -> usize {
    jpeg.windows(2)
        .rposition(|w| w == [0xFF, 0xD9])
        .expect("EOI")
}

/// Huffman table segment with a single 1-bit code for `symbol` (class 0 = DC, 1 = AC).
fn one_code_dht(class: u8, symbol: u8) -> Vec<u8> {
    let mut b = vec![0xFF, 0xC4, 0, 20, class << 4, 1];
    b.extend([0u8; 15]);
    b.push(symbol);
    b
}

/// A hand-built progressive (SOF2) grey JPEG, `side`×`side`: a DC first scan and an AC scan,
/// each coding every block with the 1-bit code 0 (DC difference 0, end of block), with the AC
/// table defined between the two scans. `image` has no progressive encoder.
fn progressive(side: u16) -> Vec<u8> {
    let blocks = usize::from(side.div_ceil(8)).pow(2);
    let data = |bits: usize| {
        let mut d = vec![0u8; bits / 8];
        if bits & 7 != 0 {
            d.push(0xFF >> (bits & 7)); // pad with 1-bits
        }
        d
    };
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xDB, 0, 67, 0];
    b.extend([1u8; 64]);
    b.extend([0xFF, 0xC2, 0, 11, 8]);
    b.extend(side.to_be_bytes());
    b.extend(side.to_be_bytes());
    b.extend([1, 1, 0x11, 0]);
    b.extend(one_code_dht(0, 0));
    b.extend([0xFF, 0xDA, 0, 8, 1, 1, 0x00, 0, 0, 0]);
    b.extend(data(blocks));
    b.extend(one_code_dht(1, 0));
    b.extend([0xFF, 0xDA, 0, 8, 1, 1, 0x00, 1, 63, 0]);
    b.extend(data(blocks));
    b.extend([0xFF, 0xD9]);
    b
}

fn judge(bytes: &[u8], format: PhotoFormat) -> Result<(), String> {
    let h = header(bytes, format, "photo").map_err(|e| e.to_string())?;
    decode(bytes, &h, "photo")
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn baseline_jpeg_cut_anywhere_before_its_end_is_refused_by_the_walk() {
    let full = encode(&noisy(64, 40), image::ImageFormat::Jpeg);
    let end = eoi(&full);
    assert_eq!(end + 2, full.len());
    judge(&full, PhotoFormat::Jpeg).expect("the whole file is accepted");
    let mut walked = 0;
    for cut in 0..full.len() {
        let part = &full[..cut];
        assert!(judge(part, PhotoFormat::Jpeg).is_err(), "cut at {cut}");
        // Independently of the decoder: once the frame header is readable, the marker walk
        // alone refuses every cut.
        if let Some(f) = jpeg::frame(part) {
            assert!(
                jpeg::check_complete(part, &f).is_err(),
                "walk, cut at {cut}"
            );
            walked += 1;
        }
    }
    assert!(
        walked > full.len() / 2,
        "most cuts reach the walk: {walked}"
    );
}

#[test]
fn cut_right_after_the_scan_header_has_no_image_data() {
    let full = encode(&noisy(64, 40), image::ImageFormat::Jpeg);
    let sos = full
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("SOS");
    let len = usize::from(u16::from_be_bytes([full[sos + 2], full[sos + 3]]));
    let cut = &full[..sos + 2 + len];
    let f = jpeg::frame(cut).expect("frame");
    assert_eq!(jpeg::check_complete(cut, &f), Err(Damage::NoImageData));
    // Even with an EOI right after it.
    let mut eoi_only = cut.to_vec();
    eoi_only.extend([0xFF, 0xD9]);
    assert_eq!(
        jpeg::check_complete(&eoi_only, &f),
        Err(Damage::NoImageData)
    );
    let e = judge(&full[..full.len() * 6 / 10], PhotoFormat::Jpeg).expect_err("60 %");
    assert!(e.contains("end-of-image marker"), "{e}");
}

#[test]
fn progressive_jpeg_with_tables_between_scans_is_walked_to_its_end() {
    let full = progressive(64);
    let f = jpeg::frame(&full).expect("frame");
    assert!(f.progressive());
    assert_eq!(jpeg::check_complete(&full, &f), Ok(()));
    let img = image::load_from_memory_with_format(&full, image::ImageFormat::Jpeg)
        .expect("the hand-built progressive file is a real JPEG");
    assert_eq!((img.width(), img.height()), (64, 64));
    judge(&full, PhotoFormat::Jpeg).expect("accepted whole");
    for cut in 0..full.len() {
        assert!(
            judge(&full[..cut], PhotoFormat::Jpeg).is_err(),
            "cut at {cut}"
        );
        if let Some(f) = jpeg::frame(&full[..cut]) {
            assert!(
                jpeg::check_complete(&full[..cut], &f).is_err(),
                "walk, cut {cut}"
            );
        }
    }
    // A motion-photo style trailer after EOI is not damage.
    let mut trailer = full.clone();
    trailer.extend(b"ftypmp42....");
    assert_eq!(jpeg::check_complete(&trailer, &f), Ok(()));
}

#[test]
fn entropy_data_walk_steps_over_stuffing_and_restart_markers() {
    // SOI, SOF0 8×8 grey, SOS, data with a stuffed 0xFF00, RST0 and fill bytes, then EOI.
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0];
    b.extend([0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
    b.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD9]);
    let f = jpeg::frame(&b).expect("frame");
    assert_eq!(jpeg::check_complete(&b, &f), Ok(()));
    // Cut inside the data, after the RST, or on the fill byte: incomplete.
    for cut in [b.len() - 1, b.len() - 2, b.len() - 4, b.len() - 6] {
        assert_eq!(jpeg::check_complete(&b[..cut], &f), Err(Damage::Truncated));
    }
    // A second SOI inside is not a JPEG.
    let mut twice = b[..b.len() - 2].to_vec();
    twice.extend([0xFF, 0xD8]);
    assert_eq!(jpeg::check_complete(&twice, &f), Err(Damage::Malformed));
    // A colour frame whose scans never code two of its components.
    let mut colour = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0, 8, 0, 8, 3];
    colour.extend([1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
    colour.extend(&b[15..]);
    let f = jpeg::frame(&colour).expect("frame");
    assert_eq!(jpeg::check_complete(&colour, &f), Err(Damage::MissingScans));
}

/// 288 bytes whose frame claims 7000×7000: whole in structure, impossible in size.
fn claims_7000_square() -> Vec<u8> {
    let mut b = progressive(8);
    let n = b.len();
    b[n - 2..].copy_from_slice(&[0, 0]);
    let sof = b.windows(2).position(|w| w == [0xFF, 0xC2]).expect("SOF2");
    b[sof + 1] = 0xC0; // baseline
    b[sof + 5..sof + 9].copy_from_slice(&[0x1B, 0x58, 0x1B, 0x58]);
    b.resize(286, 0);
    b.extend([0xFF, 0xD9]);
    b
}

#[test]
fn size_bound_refuses_a_7000_square_header_in_288_bytes_before_decode() {
    let b = claims_7000_square();
    assert_eq!(b.len(), 288);
    let h = header(&b, PhotoFormat::Jpeg, "photo").expect("a readable header");
    assert_eq!(h.dimensions(), (7000, 7000));
    assert_eq!(h.min_bytes(), 875 * 875 / 4 + 1);
    // The structure is whole: only the size check stands between this file and a 49 MP decode.
    assert_eq!(check_complete(&b, &h, "photo").ok(), Some(()));
    let e = check_size(&b, &h, "photo").expect_err("too small");
    assert_eq!((e.kind(), e.field()), ("invalid", Some("photo")));
    assert!(e.message_zh().contains("7000×7000"), "{}", e.message_zh());
    let started = std::time::Instant::now();
    let via_decode = decode(&b, &h, "photo").expect_err("refused");
    assert_eq!(
        via_decode.to_string(),
        e.to_string(),
        "decode runs the size check first"
    );
    eprintln!("7000×7000 in 288 bytes refused in {:?}", started.elapsed());

    // The same for PNG: an IHDR claiming 7000×7000 RGB in a few hundred bytes.
    let mut p = png::MAGIC.to_vec();
    let chunk = |p: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        p.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        p.extend(&body);
        p.extend(png::crc32(&body).to_be_bytes());
    };
    let mut ihdr = 7000u32.to_be_bytes().to_vec();
    ihdr.extend(7000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut p, b"IHDR", &ihdr);
    chunk(&mut p, b"IDAT", &[0x78, 0x9C, 0x03, 0x00]);
    chunk(&mut p, b"IEND", &[]);
    let h = header(&p, PhotoFormat::Png, "photo").expect("header");
    assert!(matches!(h, Header::Png(_)));
    assert_eq!(check_complete(&p, &h, "photo").ok(), Some(()));
    assert!(check_size(&p, &h, "photo").is_err());
}

#[test]
fn size_bound_admits_the_least_compressible_real_files() {
    // A flat image compresses best; it must still clear the bound, for both formats.
    for (w, h) in [(640, 480), (17, 9), (1, 1)] {
        let flat = RgbImage::from_pixel(w, h, Rgb([0, 0, 0]));
        for format in [image::ImageFormat::Jpeg, image::ImageFormat::Png] {
            let b = encode(&flat, format);
            let f = PhotoFormat::sniff(&b).expect("sniffed");
            judge(&b, f).unwrap_or_else(|e| panic!("{w}×{h} {format:?}: {e}"));
        }
    }
    let p = progressive(64);
    let h = header(&p, PhotoFormat::Jpeg, "photo").expect("header");
    assert!(p.len() as u64 >= h.min_bytes());
}

/// Split a PNG into its chunks: (type, data).
fn chunks(png_bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 8;
    while i + 12 <= png_bytes.len() {
        let len = u32::from_be_bytes(png_bytes[i..i + 4].try_into().expect("4")) as usize;
        let kind: [u8; 4] = png_bytes[i + 4..i + 8].try_into().expect("4");
        out.push((kind, png_bytes[i + 8..i + 8 + len].to_vec()));
        i += 12 + len;
    }
    out
}

fn assemble(chunks: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut p = png::MAGIC.to_vec();
    for (kind, data) in chunks {
        p.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        p.extend(&body);
        p.extend(png::crc32(&body).to_be_bytes());
    }
    p
}

#[test]
fn png_cut_anywhere_is_refused_and_truncated_image_data_fails_the_decoder() {
    let full = encode(&noisy(48, 32), image::ImageFormat::Png);
    judge(&full, PhotoFormat::Png).expect("whole");
    assert_eq!(
        assemble(&chunks(&full)),
        full,
        "the test's chunk codec round-trips"
    );
    for cut in 0..full.len() {
        assert!(
            judge(&full[..cut], PhotoFormat::Png).is_err(),
            "cut at {cut}"
        );
        assert!(
            png::check_complete(&full[..cut]).is_err(),
            "walk, cut {cut}"
        );
    }
    // Image data cut in half but re-wrapped in sound chunks (valid CRCs, IEND present): the
    // walk is satisfied, and the png decoder refuses the short stream.
    let mut parts = chunks(&full);
    let idat = parts.iter_mut().find(|(k, _)| k == b"IDAT").expect("IDAT");
    idat.1.truncate(idat.1.len() / 2);
    let short = assemble(&parts);
    assert_eq!(png::check_complete(&short), Ok(()));
    assert!(judge(&short, PhotoFormat::Png).is_err(), "decoder refuses");
    // No IEND, a flipped bit, no IDAT.
    let parts = chunks(&full);
    let no_end = assemble(&parts[..parts.len() - 1]);
    assert_eq!(png::check_complete(&no_end), Err(Damage::Truncated));
    let mut flipped = full.clone();
    flipped[40] ^= 0x10;
    assert_eq!(png::check_complete(&flipped), Err(Damage::Checksum));
    let no_data: Vec<_> = parts
        .iter()
        .filter(|(k, _)| k != b"IDAT")
        .cloned()
        .collect();
    assert_eq!(
        png::check_complete(&assemble(&no_data)),
        Err(Damage::NoImageData)
    );
    // Bytes after IEND are not damage.
    let mut trailer = full.clone();
    trailer.extend(b"trailing");
    judge(&trailer, PhotoFormat::Png).expect("trailer ignored");
}
