//! PNG structure, read without decoding: the IHDR header, and whether the chunk sequence is
//! whole (every chunk fits and its CRC matches, the image data is one run of IDAT chunks, and
//! the IEND chunk is reached). The decoder itself refuses an image data stream that ends before
//! the last row; this walk adds what it does not look at: the chunks after the image data.

use super::evidence::Damage;

pub(crate) const MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The fields of IHDR that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ihdr {
    pub width: u32,
    pub height: u32,
    pub bit_depth: u8,
    pub color_type: u8,
}

/// Largest ratio deflate can reach: a 258-byte match coded with a 1-bit length code and a
/// 1-bit distance code is 2 bits for 258 bytes, 1032:1 (RFC 1951 §3.2.5 has no longer match).
pub(crate) const MAX_DEFLATE_RATIO: u64 = 1032;

impl Ihdr {
    fn channels(self) -> u8 {
        match self.color_type {
            0 | 3 => 1,
            4 => 2,
            2 => 3,
            _ => 4,
        }
    }

    /// The fewest bytes that can hold this image's pixels.
    ///
    /// The filtered scanlines hold at least ⌈w·h·bits per pixel / 8⌉ bytes (more with the
    /// per-row filter bytes and the interlaced passes' padding, which this leaves out), and
    /// zlib/deflate cannot shrink data by more than [`MAX_DEFLATE_RATIO`], so the IDAT data,
    /// and with it the file, is at least that over 1032. A 7000×7000 RGB header in a 288-byte
    /// file claims 147 MB of pixels and would need 142 KB: refused before any decode.
    pub fn min_bytes(self) -> u64 {
        let bits = u64::from(self.width)
            * u64::from(self.height)
            * u64::from(self.bit_depth)
            * u64::from(self.channels());
        bits.div_ceil(8).div_ceil(MAX_DEFLATE_RATIO)
    }
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The IHDR chunk, which must come first. `None` if missing, truncated or inconsistent (a zero
/// or over-2³¹ side, a colour type and bit depth the format does not define). Its CRC is checked
/// later by [`check_complete`], so a header-only file is judged on its size first.
pub(crate) fn ihdr(b: &[u8]) -> Option<Ihdr> {
    if !b.starts_with(MAGIC) || be32(b, 8)? != 13 || b.get(12..16)? != b"IHDR" {
        return None;
    }
    let h = Ihdr {
        width: be32(b, 16)?,
        height: be32(b, 20)?,
        bit_depth: *b.get(24)?,
        color_type: *b.get(25)?,
    };
    let depth_ok = match h.color_type {
        0 => matches!(h.bit_depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(h.bit_depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(h.bit_depth, 8 | 16),
        _ => false,
    };
    let side_ok = |s: u32| s > 0 && s <= 0x7FFF_FFFF;
    (depth_ok && side_ok(h.width) && side_ok(h.height)).then_some(h)
}

/// Walk every chunk from IHDR to IEND. Bytes after IEND are ignored.
pub(crate) fn check_complete(b: &[u8]) -> Result<(), Damage> {
    let mut i = MAGIC.len();
    let mut idat = false;
    let mut idat_done = false;
    loop {
        let len = be32(b, i).ok_or(Damage::Truncated)?;
        if len > 0x7FFF_FFFF {
            return Err(Damage::Malformed);
        }
        let kind = b.get(i + 4..i + 8).ok_or(Damage::Truncated)?;
        let end = i + 12 + len as usize;
        if end > b.len() {
            return Err(Damage::Truncated);
        }
        let crc = be32(b, end - 4).ok_or(Damage::Truncated)?;
        if crc32(&b[i + 4..end - 4]) != crc {
            return Err(Damage::Checksum);
        }
        if (i == MAGIC.len()) != (kind == b"IHDR") {
            return Err(Damage::Malformed);
        }
        match kind {
            b"IDAT" if idat_done => return Err(Damage::Malformed),
            b"IDAT" => idat = true,
            b"IEND" if !idat => return Err(Damage::NoImageData),
            b"IEND" => return Ok(()),
            _ => idat_done = idat,
        }
        i = end;
    }
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// The CRC-32 of PNG chunks (ISO 3309, as in the PNG specification's annex D).
pub(crate) fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, &byte| {
        CRC_TABLE[((c ^ u32::from(byte)) & 0xFF) as usize] ^ (c >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_iend_constant() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn min_bytes_uses_the_deflate_limit() {
        let h = Ihdr {
            width: 7000,
            height: 7000,
            bit_depth: 8,
            color_type: 2,
        };
        assert_eq!(h.min_bytes(), (7000 * 7000 * 3u64).div_ceil(1032));
        let one_bit = Ihdr {
            bit_depth: 1,
            color_type: 0,
            ..h
        };
        assert_eq!(
            one_bit.min_bytes(),
            (7000 * 7000u64).div_ceil(8).div_ceil(1032)
        );
    }

    #[test]
    fn ihdr_refuses_undefined_depths() {
        let mut b = MAGIC.to_vec();
        b.extend(13u32.to_be_bytes());
        b.extend(b"IHDR");
        b.extend(10u32.to_be_bytes());
        b.extend(20u32.to_be_bytes());
        b.extend([8, 6, 0, 0, 0]);
        assert_eq!(ihdr(&b).map(|h| (h.width, h.height)), Some((10, 20)));
        b[24] = 4; // RGBA at 4 bits is not a PNG
        assert_eq!(ihdr(&b), None);
    }
}
