//! EXIF blocks written byte by byte (TIFF header, IFD0, Exif and GPS sub-IFDs) and the APP1
//! segment that carries one in a JPEG: the photo corpus needs orientations, times and GPS
//! fixes in both byte orders, which no encoder here writes.

/// A TIFF (EXIF) block: little- or big-endian, IFD0 with `ifd0` entries and, when given, an
/// Exif sub-IFD and a GPS sub-IFD. Entries are (tag, type, count, value bytes).
pub type Entry = (u16, u16, u32, Vec<u8>);

pub fn tiff(big_endian: bool, ifd0: &[Entry], exif: &[Entry], gps: &[Entry]) -> Vec<u8> {
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut ifd0: Vec<Entry> = ifd0.to_vec();
    // Sub-IFD pointers get their offsets below.
    if !exif.is_empty() {
        ifd0.push((0x8769, 4, 1, vec![0; 4]));
    }
    if !gps.is_empty() {
        ifd0.push((0x8825, 4, 1, vec![0; 4]));
    }
    let ifd_len = |n: usize| 2 + 12 * n + 4;
    let data_len = |es: &[Entry]| -> usize {
        es.iter()
            .map(|e| if e.3.len() > 4 { e.3.len() } else { 0 })
            .sum()
    };
    let ifd0_at = 8;
    let exif_at = ifd0_at + ifd_len(ifd0.len()) + data_len(&ifd0);
    let gps_at = exif_at
        + if exif.is_empty() {
            0
        } else {
            ifd_len(exif.len()) + data_len(exif)
        };
    for e in ifd0.iter_mut() {
        if e.0 == 0x8769 {
            e.3 = u32b(exif_at as u32).to_vec();
        }
        if e.0 == 0x8825 {
            e.3 = u32b(gps_at as u32).to_vec();
        }
    }
    let mut out = Vec::new();
    out.extend_from_slice(if big_endian { b"MM" } else { b"II" });
    out.extend_from_slice(&u16b(42));
    out.extend_from_slice(&u32b(ifd0_at as u32));
    let write_ifd = |out: &mut Vec<u8>, es: &[Entry], at: usize| {
        let mut data_at = at + ifd_len(es.len());
        let mut data = Vec::new();
        out.extend_from_slice(&u16b(es.len() as u16));
        for (tag, ty, count, value) in es {
            out.extend_from_slice(&u16b(*tag));
            out.extend_from_slice(&u16b(*ty));
            out.extend_from_slice(&u32b(*count));
            if value.len() > 4 {
                out.extend_from_slice(&u32b(data_at as u32));
                data_at += value.len();
                data.extend_from_slice(value);
            } else {
                let mut v = value.clone();
                v.resize(4, 0);
                out.extend_from_slice(&v);
            }
        }
        out.extend_from_slice(&u32b(0));
        out.extend_from_slice(&data);
    };
    write_ifd(&mut out, &ifd0, ifd0_at);
    if !exif.is_empty() {
        write_ifd(&mut out, exif, exif_at);
    }
    if !gps.is_empty() {
        write_ifd(&mut out, gps, gps_at);
    }
    out
}

pub fn rationals(big_endian: bool, values: &[(u32, u32)]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|(n, d)| {
            let (n, d) = if big_endian {
                (n.to_be_bytes(), d.to_be_bytes())
            } else {
                (n.to_le_bytes(), d.to_le_bytes())
            };
            n.into_iter().chain(d)
        })
        .collect()
}

/// Orientation 6, a capture time and a GPS fix, as a phone writes them.
pub fn phone_exif(big_endian: bool) -> Vec<u8> {
    let short = |v: u16| {
        if big_endian {
            v.to_be_bytes().to_vec()
        } else {
            v.to_le_bytes().to_vec()
        }
    };
    let time = b"2026:11:30 09:41:07\0".to_vec();
    tiff(
        big_endian,
        &[(0x0112, 3, 1, short(6))],
        &[(0x9003, 2, 20, time.clone()), (0x9004, 2, 20, time)],
        &[
            (0x0001, 2, 2, b"N\0".to_vec()),
            (
                0x0002,
                5,
                3,
                rationals(big_endian, &[(34, 1), (15, 1), (3012, 100)]),
            ),
            (0x0003, 2, 2, b"E\0".to_vec()),
            (
                0x0004,
                5,
                3,
                rationals(big_endian, &[(108, 1), (56, 1), (4488, 100)]),
            ),
        ],
    )
}

pub fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut seg = b"Exif\0\0".to_vec();
    seg.extend_from_slice(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((seg.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&seg);
    out.extend_from_slice(&jpeg[2..]);
    out
}
