//! Checking the last signature of a PDF.
//!
//! The signature is located by scanning the raw bytes for `/ByteRange` rather than by parsing
//! the document first: a tampered file is exactly the one whose structure may no longer parse,
//! and we still want to say "altered" (an `Ok` with `valid: false`) rather than "not a PDF".
//! The document parser is only consulted when no `/ByteRange` is found at all, to tell a file
//! that never had a signature from one whose signature dictionary was damaged.

use lopdf::{Document, Object};
use sha2::{Digest, Sha256};

use super::{cms, find, has_pdf_header, not_pdf, parse_pdf_date, report_err, rfind};
use crate::{Error, Result};

/// What `verify_pdf` found. `valid` is true only when the CMS signature verifies, the digest
/// matches *and* the signature covers the whole file: bytes appended after signing are an
/// alteration too, even though the signed revision itself is intact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    pub valid: bool,
    /// The signer certificate's CN; empty when no certificate could be read.
    pub signer: String,
    /// From the signature dictionary's `/M` (CAdES carries no signing time in the CMS).
    pub signing_time: Option<chrono::DateTime<chrono::Utc>>,
    pub covers_whole_file: bool,
    /// Why the signature is not valid, in English (for logs and `weibao verify`).
    pub problem: Option<String>,
    /// SHA-256 of the whole file, to compare with the hash stored on the work order.
    pub sha256_hex: String,
}

/// Verify the (last) signature: ByteRange sane, digest matches, CMS signature verifies against
/// the embedded certificate. A tampered file gives `Ok` with `valid: false` and a `problem`;
/// `Err` only for input that cannot be judged: kind `not_pdf`, `no_signature`, or
/// `bad_signature_range` when the `/ByteRange` is malformed (not four non-negative integers,
/// outside the file, overlapping, or not leaving out exactly the `/Contents` value), so there
/// is no well-defined set of signed bytes to check.
pub fn verify_pdf(pdf: &[u8]) -> Result<Verification> {
    let sha256_hex = hex::encode(Sha256::digest(pdf));
    match last_byte_range(pdf) {
        Some(key_at) => check_signature(pdf, key_at, sha256_hex),
        None => no_byte_range(pdf, sha256_hex),
    }
}

/// Position of the last `/ByteRange` key (not `/ByteRangeX`).
fn last_byte_range(pdf: &[u8]) -> Option<usize> {
    const KEY: &[u8] = b"/ByteRange";
    let mut end = pdf.len();
    while let Some(at) = rfind(pdf.get(..end)?, KEY) {
        let next = pdf.get(at + KEY.len()).copied();
        if next.is_none_or(is_delimiter) {
            return Some(at);
        }
        // Search again, ending before this occurrence's last byte.
        end = at + KEY.len() - 1;
    }
    None
}

/// PDF whitespace or delimiter: what may end a name token.
fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"\0[]<>()/%{}".contains(&b)
}

fn check_signature(pdf: &[u8], key_at: usize, sha256_hex: String) -> Result<Verification> {
    let numbers = parse_byte_range(pdf, key_at)?;
    let signed = SignedRanges::check(pdf, key_at, numbers)?;
    let mut v = Verification {
        valid: false,
        signer: String::new(),
        signing_time: signing_time_near(pdf, key_at, signed.gap_start, signed.gap_end),
        covers_whole_file: signed.end == pdf.len(),
        problem: None,
        sha256_hex,
    };

    let Some(blob) = decode_hex(signed.contents_hex) else {
        v.problem = Some("/Contents is not a hex string".into());
        return Ok(v);
    };
    let mut hasher = Sha256::new();
    hasher.update(signed.head);
    hasher.update(signed.tail);
    let digest = hasher.finalize();

    let checked = cms::verify_detached(&blob, &digest);
    v.signer = checked.signer;
    v.problem = checked.problem;
    if v.problem.is_none() && !v.covers_whole_file {
        v.problem = Some(format!(
            "{} bytes were added after the signature",
            pdf.len().saturating_sub(signed.end)
        ));
    }
    v.valid = v.problem.is_none();
    Ok(v)
}

/// A malformed `/ByteRange`: what the signature claims to cover is not a sane part of the file,
/// so there is nothing to check it against. `zh`/`en` say what is wrong with it.
fn bad_range(zh: impl std::fmt::Display, en: impl std::fmt::Display) -> Error {
    report_err(
        "bad_signature_range",
        format!("签名的字节范围 /ByteRange 无效，无法校验签名：{zh}"),
        format!("the signature's /ByteRange is malformed, the signature cannot be checked: {en}"),
    )
}

/// How far after the key the `[ … ]` array must close: four 20-digit numbers and generous
/// padding fit; anything longer is not a byte range we wrote or would accept.
const BYTE_RANGE_WINDOW: usize = 200;

/// `[a b c d]` after the key, as exactly four non-negative integers that fit in a `usize`.
/// Every number comes from the file, so each failure is a typed error, never a panic.
fn parse_byte_range(pdf: &[u8], key_at: usize) -> Result<[usize; 4]> {
    let after = key_at.saturating_add(b"/ByteRange".len()).min(pdf.len());
    let window_end = after.saturating_add(BYTE_RANGE_WINDOW).min(pdf.len());
    let window = pdf.get(after..window_end).unwrap_or_default();
    let not_array = || {
        bad_range(
            "不是由 [ ] 括起的数组",
            "it is not an array of numbers in [ ]",
        )
    };
    let open = find(window, b"[").ok_or_else(not_array)?;
    if !window[..open].iter().all(u8::is_ascii_whitespace) {
        return Err(not_array());
    }
    let inner = &window[open + 1..];
    let close = find(inner, b"]").ok_or_else(not_array)?;
    let tokens: Vec<&[u8]> = inner[..close]
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.len() != 4 {
        return Err(bad_range(
            format!("应为 4 个数（两段范围），实为 {} 个", tokens.len()),
            format!("expected 4 numbers (two ranges), found {}", tokens.len()),
        ));
    }
    let mut numbers = [0usize; 4];
    for (slot, token) in numbers.iter_mut().zip(&tokens) {
        *slot = parse_offset(token)?;
    }
    Ok(numbers)
}

/// One `/ByteRange` number: a PDF integer (optional `+`, decimal digits) that is not negative
/// and fits in a `usize`.
fn parse_offset(token: &[u8]) -> Result<usize> {
    let shown = String::from_utf8_lossy(&token[..token.len().min(40)]).into_owned();
    let (negative, digits) = match token.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, token),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad_range(
            format!("「{shown}」不是整数"),
            format!("'{shown}' is not an integer"),
        ));
    }
    if negative && digits.iter().any(|&d| d != b'0') {
        return Err(bad_range(
            format!("{shown} 是负数"),
            format!("{shown} is negative"),
        ));
    }
    // All ASCII digits, so the only way `parse` fails is a value too large for a `usize`.
    std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse::<usize>().ok())
        .ok_or_else(|| {
            bad_range(
                format!("{shown} 超出可表示的范围"),
                format!("{shown} is too large"),
            )
        })
}

/// The two signed ranges and the gap between them, checked against the file.
struct SignedRanges<'a> {
    /// Bytes `0..gap_start`.
    head: &'a [u8],
    /// Bytes `gap_end..end`.
    tail: &'a [u8],
    /// The hex digits between `<` and `>` of the gap.
    contents_hex: &'a [u8],
    gap_start: usize,
    gap_end: usize,
    /// End of the second range: equal to the file length when the signature covers it all.
    end: usize,
}

impl<'a> SignedRanges<'a> {
    /// The ranges must start at 0, stay inside the file without overflowing, not overlap, leave
    /// exactly the `<…>` of `/Contents` out, and the `/ByteRange` itself must be among the
    /// signed bytes (else it could be edited freely).
    fn check(pdf: &'a [u8], key_at: usize, numbers: [usize; 4]) -> Result<Self> {
        let [start, gap_start, gap_end, tail_len] = numbers;
        let len = pdf.len();
        if start != 0 {
            return Err(bad_range(
                format!("第一段从第 {start} 字节开始，而不是文件开头"),
                format!("the first range starts at byte {start}, not at the beginning of the file"),
            ));
        }
        let Some(head) = pdf.get(..gap_start) else {
            return Err(bad_range(
                format!("第一段结束于第 {gap_start} 字节，超出文件长度 {len}"),
                format!(
                    "the first range ends at byte {gap_start}, past the end of the {len}-byte file"
                ),
            ));
        };
        if gap_end < gap_start {
            return Err(bad_range(
                format!("两段重叠：第二段从第 {gap_end} 字节开始，早于第一段的结尾 {gap_start}"),
                format!("the ranges overlap: the second starts at byte {gap_end}, before the first ends at {gap_start}"),
            ));
        }
        let Some(end) = gap_end.checked_add(tail_len) else {
            return Err(bad_range(
                format!("第二段 {gap_end} + {tail_len} 溢出"),
                format!("the second range {gap_end} + {tail_len} overflows"),
            ));
        };
        let Some(tail) = pdf.get(gap_end..end) else {
            return Err(bad_range(
                format!("第二段结束于第 {end} 字节，超出文件长度 {len}"),
                format!("the second range ends at byte {end}, past the end of the {len}-byte file"),
            ));
        };
        if key_at >= gap_start && key_at < gap_end {
            return Err(bad_range(
                "/ByteRange 本身不在签名覆盖的范围内",
                "the /ByteRange itself is not covered by the signature",
            ));
        }
        let contents_hex = contents_value(pdf, gap_start, gap_end).ok_or_else(|| {
            bad_range(
                format!("两段之间的第 {gap_start}–{gap_end} 字节不恰好是 /Contents 的 <…> 十六进制值"),
                format!("the gap {gap_start}..{gap_end} between the ranges is not exactly the <…> hex value of /Contents"),
            )
        })?;
        Ok(SignedRanges {
            head,
            tail,
            contents_hex,
            gap_start,
            gap_end,
            end,
        })
    }
}

/// The text between `<` and `>` when `gap_start..gap_end` is exactly one hex string: `<` at
/// its first byte, `>` at its last, no other string delimiter inside. (Which key precedes it
/// is signed data, so a changed key name is caught by the digest, not here.)
fn contents_value(pdf: &[u8], gap_start: usize, gap_end: usize) -> Option<&[u8]> {
    let gap = pdf.get(gap_start..gap_end)?;
    let inner = gap.strip_prefix(b"<")?.strip_suffix(b">")?;
    (!inner.iter().any(|b| matches!(b, b'<' | b'>'))).then_some(inner)
}

/// Hex digits with optional whitespace (PDF allows it); `None` on anything else.
fn decode_hex(text: &[u8]) -> Option<Vec<u8>> {
    let mut digits: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if digits.len() % 2 == 1 {
        // PDF: a missing final digit is taken as 0.
        digits.push(b'0');
    }
    hex::decode(digits).ok()
}

/// `/M (D:…)` of the signature dictionary around the `/ByteRange` key, found textually like
/// the signature itself. The dictionary spans from its `obj` keyword to `endobj` and encloses
/// the `/Contents` gap, so the search is confined to that span.
fn signing_time_near(
    pdf: &[u8],
    key_at: usize,
    gap_start: usize,
    gap_end: usize,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let lo_edge = key_at.min(gap_start).min(pdf.len());
    let lo = rfind(&pdf[..lo_edge], b" obj").unwrap_or(lo_edge.saturating_sub(4096));
    let hi_edge = key_at.max(gap_end).min(pdf.len());
    let hi = find(&pdf[hi_edge..], b"endobj")
        .map(|at| hi_edge + at)
        .unwrap_or(pdf.len().min(hi_edge + 4096));
    let dict = &pdf[lo..hi];
    let mut from = 0;
    while let Some(at) = find(&dict[from..], b"/M") {
        let rest = &dict[from + at + 2..];
        let trimmed = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        if rest[trimmed] == b'(' {
            let body = &rest[trimmed + 1..];
            let close = find(body, b")")?;
            return parse_pdf_date(std::str::from_utf8(&body[..close]).ok()?);
        }
        from += at + 2;
    }
    None
}

/// No `/ByteRange` anywhere: either not a PDF, an unsigned PDF, or a signature dictionary so
/// damaged that its key is gone (that last one is a tampered file, so `Ok(invalid)`).
fn no_byte_range(pdf: &[u8], sha256_hex: String) -> Result<Verification> {
    if !has_pdf_header(pdf) {
        return Err(not_pdf("no %PDF header"));
    }
    let doc = Document::load_mem(pdf).map_err(not_pdf)?;
    if has_signature_field(&doc) {
        return Ok(Verification {
            valid: false,
            signer: String::new(),
            signing_time: None,
            covers_whole_file: false,
            problem: Some("the signature dictionary is damaged (no /ByteRange)".into()),
            sha256_hex,
        });
    }
    Err(report_err(
        "no_signature",
        "PDF 没有数字签名",
        "the PDF has no digital signature",
    ))
}

/// Any `/FT /Sig` field in the AcroForm that has a value.
fn has_signature_field(doc: &Document) -> bool {
    let resolve = |o: &Object| -> Option<Object> {
        match o {
            Object::Reference(id) => doc.get_object(*id).ok().cloned(),
            other => Some(other.clone()),
        }
    };
    let fields = doc
        .trailer
        .get(b"Root")
        .ok()
        .and_then(resolve)
        .and_then(|root| root.as_dict().ok()?.get(b"AcroForm").ok().and_then(resolve))
        .and_then(|form| form.as_dict().ok()?.get(b"Fields").ok().and_then(resolve))
        .and_then(|fields| fields.as_array().ok().cloned())
        .unwrap_or_default();
    fields.iter().filter_map(resolve).any(|field| {
        field.as_dict().is_ok_and(|d| {
            d.get(b"FT")
                .and_then(Object::as_name)
                .is_ok_and(|n| n == b"Sig")
                && d.has(b"V")
        })
    })
}
