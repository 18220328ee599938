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
use crate::Result;

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
/// `Err` only for input that cannot be judged: kind `not_pdf` or `no_signature`.
pub fn verify_pdf(pdf: &[u8]) -> Result<Verification> {
    let sha256_hex = hex::encode(Sha256::digest(pdf));
    match last_byte_range(pdf) {
        Some(key_at) => Ok(check_signature(pdf, key_at, sha256_hex)),
        None => no_byte_range(pdf, sha256_hex),
    }
}

/// Position of the last `/ByteRange` key (not `/ByteRangeX`).
fn last_byte_range(pdf: &[u8]) -> Option<usize> {
    let mut end = pdf.len();
    while let Some(at) = rfind(&pdf[..end], b"/ByteRange") {
        let next = pdf.get(at + b"/ByteRange".len()).copied();
        if next.is_none_or(is_delimiter) {
            return Some(at);
        }
        end = at + b"/ByteRange".len() - 1;
    }
    None
}

/// PDF whitespace or delimiter: what may end a name token.
fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"\0[]<>()/%{}".contains(&b)
}

fn check_signature(pdf: &[u8], key_at: usize, sha256_hex: String) -> Verification {
    let mut v = Verification {
        valid: false,
        signer: String::new(),
        signing_time: None,
        covers_whole_file: false,
        problem: None,
        sha256_hex,
    };
    let ranges = match parse_byte_range(pdf, key_at) {
        Ok(r) => r,
        Err(problem) => {
            v.problem = Some(problem);
            return v;
        }
    };
    let (gap_start, gap_end, tail_len) = (ranges[1], ranges[2], ranges[3]);
    v.signing_time = signing_time_near(pdf, key_at, gap_start, gap_end);
    if let Err(problem) = check_ranges(pdf, key_at, &ranges) {
        v.problem = Some(problem);
        return v;
    }
    v.covers_whole_file = gap_end + tail_len == pdf.len();

    let blob = match decode_hex(&pdf[gap_start + 1..gap_end - 1]) {
        Some(b) => b,
        None => {
            v.problem = Some("/Contents is not a hex string".into());
            return v;
        }
    };
    let mut hasher = Sha256::new();
    hasher.update(&pdf[..gap_start]);
    hasher.update(&pdf[gap_end..gap_end + tail_len]);
    let digest = hasher.finalize();

    let checked = cms::verify_detached(&blob, &digest);
    v.signer = checked.signer;
    v.problem = checked.problem;
    if v.problem.is_none() && !v.covers_whole_file {
        v.problem = Some(format!(
            "{} bytes were added after the signature",
            pdf.len().saturating_sub(gap_end + tail_len)
        ));
    }
    v.valid = v.problem.is_none();
    v
}

/// `[a b c d]` after the key, as four non-negative integers.
fn parse_byte_range(pdf: &[u8], key_at: usize) -> Result<[usize; 4], String> {
    let bad = || "/ByteRange is malformed".to_string();
    let after = key_at + b"/ByteRange".len();
    let window = &pdf[after..pdf.len().min(after + 200)];
    let open = find(window, b"[").ok_or_else(bad)?;
    if !window[..open].iter().all(u8::is_ascii_whitespace) {
        return Err(bad());
    }
    let close = open + find(&window[open..], b"]").ok_or_else(bad)?;
    let numbers: Vec<usize> = window[open + 1..close]
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
        .map(|t| std::str::from_utf8(t).ok()?.parse().ok())
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    numbers.try_into().map_err(|_| bad())
}

/// The ranges must start at 0, leave exactly the `<…>` of `/Contents` out, stay inside the
/// file, and the `/ByteRange` itself must be among the signed bytes (else it could be edited
/// freely).
fn check_ranges(pdf: &[u8], key_at: usize, r: &[usize; 4]) -> Result<(), String> {
    let [start, gap_start, gap_end, tail_len] = *r;
    if start != 0 {
        return Err("/ByteRange does not start at the beginning of the file".into());
    }
    let in_file = gap_end
        .checked_add(tail_len)
        .is_some_and(|end| end <= pdf.len());
    if gap_start + 2 > gap_end || !in_file {
        return Err("/ByteRange points outside the file".into());
    }
    if pdf[gap_start] != b'<' || pdf[gap_end - 1] != b'>' {
        return Err("/ByteRange does not frame the /Contents value".into());
    }
    if key_at >= gap_start && key_at < gap_end {
        return Err("/ByteRange is not covered by the signature".into());
    }
    Ok(())
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
