//! JPEG structure, read without decoding: the frame header, and whether the file holds every
//! scan it started through to its end-of-image marker.
//!
//! The pixel decoder (zune-jpeg, through `image`) is deliberately lenient: a file cut in the
//! middle of its image data decodes "fine", the missing part filled with grey. That is right for
//! a photo viewer and wrong for evidence, so completeness is checked here, on the markers
//! themselves, before anything is decoded.

use super::evidence::Damage;

/// The start-of-frame header of a JPEG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frame {
    /// The SOF marker's number n (SOFn = 0xC0 + n): 0 baseline, 1 extended, 2 progressive.
    pub sof: u8,
    pub width: u32,
    pub height: u32,
    /// `(id, horizontal, vertical)` sampling factors of each component.
    pub components: Vec<(u8, u8, u8)>,
}

impl Frame {
    /// Whether the decoder can read this coding at all (Huffman baseline, extended or
    /// progressive; lossless, hierarchical and arithmetic-coded JPEGs are not accepted).
    pub fn supported(&self) -> bool {
        self.sof <= 2
    }

    pub fn progressive(&self) -> bool {
        self.sof == 2
    }

    /// The number of 8×8 blocks (data units) the scans must code, over all components.
    ///
    /// A component sampled at (H, V) of the maximum (Hmax, Vmax) is ⌈w·H/Hmax⌉ × ⌈h·V/Vmax⌉
    /// samples (ITU T.81 A.1.1), i.e. ⌈that/8⌉ blocks per side. Interleaved scans pad to whole
    /// MCUs, which only adds blocks, so this is a lower bound on what any scan order codes.
    pub fn blocks(&self) -> u64 {
        let hmax = self.components.iter().map(|c| c.1).max().unwrap_or(1);
        let vmax = self.components.iter().map(|c| c.2).max().unwrap_or(1);
        let side = |n: u32, f: u8, fmax: u8| {
            let samples = (u64::from(n) * u64::from(f)).div_ceil(u64::from(fmax));
            samples.div_ceil(8)
        };
        self.components
            .iter()
            .map(|&(_, h, v)| side(self.width, h, hmax) * side(self.height, v, vmax))
            .sum()
    }

    /// The fewest bytes that can hold this frame's image data.
    ///
    /// Every Huffman code is at least one bit long (T.81 C: a code of all 1-bits is reserved,
    /// so even a table with a single symbol gives it the 1-bit code `0`).
    ///
    /// * Sequential (SOF0/SOF1): each block codes its DC difference (≥ 1 bit) and then at least
    ///   one AC code (the end-of-block code, or a coefficient) (≥ 1 bit): ≥ 2 bits per block.
    /// * Progressive (SOF2): the AC scans can skip up to 32 767 blocks with one EOB-run code, so
    ///   only the DC first scan is certain: one DC difference per block, ≥ 1 bit per block.
    ///
    /// So a sequential file needs at least blocks/4 bytes and a progressive one blocks/8 (for a
    /// 4:2:0 colour image that is pixels/256·1.5 and pixels/512·1.5), counted in the whole file,
    /// headers included, which only makes the bound looser. Real photos use 1–4 bits per
    /// *pixel*, hundreds of times more; a file below this bound cannot be the picture its header
    /// describes, and is refused before a decoder allocates the pixels.
    pub fn min_bytes(&self) -> u64 {
        let bits_per_block = if self.progressive() { 1 } else { 2 };
        (self.blocks() * bits_per_block).div_ceil(8)
    }
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

/// The marker at `i` (which must be 0xFF, optionally followed by fill 0xFF bytes): returns the
/// marker byte and the index just after it. `Err(Truncated)` if the file ends first.
fn marker_at(b: &[u8], mut i: usize) -> Result<(u8, usize), Damage> {
    if *b.get(i).ok_or(Damage::Truncated)? != 0xFF {
        return Err(Damage::Malformed);
    }
    while *b.get(i).ok_or(Damage::Truncated)? == 0xFF {
        i += 1;
    }
    Ok((b[i], i + 1))
}

fn is_sof(marker: u8) -> bool {
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// Walk the marker segments up to the first start-of-frame and read it. `None` if there is no
/// usable frame header (a scan or the end before any frame, a truncated or inconsistent SOF).
pub(crate) fn frame(b: &[u8]) -> Option<Frame> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    loop {
        let (marker, at) = marker_at(b, i).ok()?;
        i = at;
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            0xD8..=0xDA => return None,
            m if is_sof(m) => return parse_sof(m - 0xC0, b.get(i..)?),
            _ => {
                let len = be16(b, i)?;
                if len < 2 {
                    return None;
                }
                i += len;
            }
        }
    }
}

/// `seg` starts at the SOF's length field.
fn parse_sof(sof: u8, seg: &[u8]) -> Option<Frame> {
    let len = be16(seg, 0)?;
    let n = usize::from(*seg.get(7)?);
    if !(1..=4).contains(&n) || len != 8 + 3 * n || seg.len() < len {
        return None;
    }
    let height = u32::try_from(be16(seg, 3)?).ok()?;
    let width = u32::try_from(be16(seg, 5)?).ok()?;
    let components = seg[8..len]
        .chunks_exact(3)
        .map(|c| (c[0], c[1] >> 4, c[1] & 0x0F))
        .collect::<Vec<_>>();
    let factors_ok = components
        .iter()
        .all(|&(_, h, v)| (1..=4).contains(&h) && (1..=4).contains(&v));
    factors_ok.then_some(Frame {
        sof,
        width,
        height,
        components,
    })
}

/// Check that the file is whole: every marker segment fits, each scan has entropy-coded data
/// (walked through 0xFF00 stuffing and RSTn markers up to the next marker), scans may be
/// separated by table segments (DHT, DQT, DRI, …; progressive files have several scans), every
/// frame component is coded by some scan, and the end-of-image marker is reached. Bytes after
/// the EOI are allowed (phones append motion-photo videos and vendor trailers there).
pub(crate) fn check_complete(b: &[u8], frame: &Frame) -> Result<(), Damage> {
    let mut i = 2;
    let mut scans = 0usize;
    let mut scanned: Vec<u8> = Vec::new();
    loop {
        let (marker, at) = marker_at(b, i)?;
        i = at;
        match marker {
            0xD9 => {
                if scans == 0 {
                    return Err(Damage::NoImageData);
                }
                if frame.components.iter().any(|c| !scanned.contains(&c.0)) {
                    return Err(Damage::MissingScans);
                }
                return Ok(());
            }
            0xD8 => return Err(Damage::Malformed),
            // Standalone markers outside a scan: nothing follows them.
            0x01 | 0xD0..=0xD7 => {}
            0xDA => {
                let len = segment_len(b, i)?;
                let ns = usize::from(*b.get(i + 2).ok_or(Damage::Truncated)?);
                if ns == 0 || len != 6 + 2 * ns {
                    return Err(Damage::Malformed);
                }
                scanned.extend((0..ns).map(|k| b[i + 3 + 2 * k]));
                i += len;
                let data = entropy_len(b, i)?;
                if data == 0 {
                    return Err(Damage::NoImageData);
                }
                i += data;
                scans += 1;
            }
            _ => i += segment_len(b, i)?,
        }
    }
}

/// Length of the marker segment whose length field is at `i`, checked to fit in the file.
fn segment_len(b: &[u8], i: usize) -> Result<usize, Damage> {
    let len = be16(b, i).ok_or(Damage::Truncated)?;
    if len < 2 {
        return Err(Damage::Malformed);
    }
    if i + len > b.len() {
        return Err(Damage::Truncated);
    }
    Ok(len)
}

/// Bytes of entropy-coded data starting at `start`, up to (not including) the 0xFF of the next
/// marker that is not a stuffed zero or a restart marker. `Err(Truncated)` if the file ends
/// inside the data, or `Err(NoImageData)` if it ends right at its start.
fn entropy_len(b: &[u8], start: usize) -> Result<usize, Damage> {
    let mut i = start;
    loop {
        let Some(off) = b
            .get(i..)
            .and_then(|rest| rest.iter().position(|&x| x == 0xFF))
        else {
            return Err(if i == start {
                Damage::NoImageData
            } else {
                Damage::Truncated
            });
        };
        let ff = i + off;
        // Fill bytes: any number of 0xFF may precede a marker.
        let mut j = ff;
        while b.get(j) == Some(&0xFF) {
            j += 1;
        }
        match b.get(j) {
            None if ff == start => return Err(Damage::NoImageData),
            None => return Err(Damage::Truncated),
            Some(0x00) | Some(0xD0..=0xD7) => i = j + 1,
            Some(_) => return Ok(ff - start),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_walk_finds_sof_after_app_segments() {
        // SOI, APP0 (len 4), SOF0 with 3000 high × 4000 wide, one component.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
        b.extend([0xFF, 0xC0, 0, 11, 8, 0x0B, 0xB8, 0x0F, 0xA0, 1, 1, 0x11, 0]);
        let f = frame(&b).expect("frame");
        assert_eq!((f.width, f.height, f.sof), (4000, 3000, 0));
        assert_eq!(f.blocks(), 500 * 375);
        assert_eq!(f.min_bytes(), 500 * 375 / 4);
        for cut in 0..b.len() {
            assert_eq!(frame(&b[..cut]), None, "cut at {cut}");
        }
        // A component count that disagrees with the segment length is not a frame.
        b[9 + 8] = 2;
        assert_eq!(frame(&b), None);
    }

    #[test]
    fn blocks_follow_the_sampling_factors() {
        // 4:2:0 at 17×9: luma 17×9 samples = 3×2 blocks; chroma ⌈17/2⌉×⌈9/2⌉ = 9×5 samples =
        // 2×1 blocks each.
        let f = Frame {
            sof: 0,
            width: 17,
            height: 9,
            components: vec![(1, 2, 2), (2, 1, 1), (3, 1, 1)],
        };
        assert_eq!(f.blocks(), 3 * 2 + 2 + 2);
        assert_eq!(f.min_bytes(), 3);
        let p = Frame { sof: 2, ..f };
        assert_eq!(p.min_bytes(), 2);
    }
}
