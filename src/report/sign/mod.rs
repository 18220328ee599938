//! Digital signatures on finished report PDFs (issue 5, item 5).
//!
//! A signed report must let *any* reader, not just weibao, tell whether the file was altered
//! after the engineer signed it. So the signature is the standard PDF kind that Acrobat, poppler
//! (`pdfsig`) and pyHanko check: an incremental update appending a `/Sig` field whose detached
//! CMS `SignedData` (PAdES baseline style, `ETSI.CAdES.detached`) covers every byte of the file
//! except the signature value itself.
//!
//! * [`keys`]: the engineer's P-256 key pair and self-signed certificate (office-issued later).
//! * [`cms`]: builds and checks the detached CMS blob.
//! * [`pdf`]: the incremental update with lopdf and the in-place patch of `/ByteRange` and
//!   `/Contents`.
//! * [`verify`]: finds the last signature in raw bytes and checks it.
//!
//! Everything runs offline; nothing here touches the network or the store.

mod cms;
mod keys;
mod pdf;
mod verify;

pub use keys::SigningIdentity;
pub use pdf::{sign_pdf, sign_pdf_with, SignRequest};
pub use verify::{verify_pdf, Verification};

use crate::Error;

/// Bytes reserved for the DER CMS blob in `/Contents`. A P-256 signature with its certificate
/// is about 1.3 KiB; the rest leaves room for a longer office-issued chain later without
/// changing the file layout.
pub const CONTENTS_CAPACITY: usize = 8192;

/// A report error of this module. Kept in one place so every failure carries both languages.
fn report_err(kind: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Error {
    Error::Report {
        kind,
        zh: zh.into(),
        en: en.into(),
    }
}

fn not_pdf(detail: impl std::fmt::Display) -> Error {
    report_err(
        "not_pdf",
        format!("文件不是可读取的 PDF：{detail}"),
        format!("the file is not a readable PDF: {detail}"),
    )
}

fn signing_failed(detail: impl std::fmt::Display) -> Error {
    report_err(
        "signing_failed",
        format!("PDF 数字签名失败：{detail}"),
        format!("signing the PDF failed: {detail}"),
    )
}

fn bad_key(detail: impl std::fmt::Display) -> Error {
    report_err(
        "bad_key",
        format!("签名密钥或证书无效：{detail}"),
        format!("the signing key or certificate is not usable: {detail}"),
    )
}

/// The `%PDF-` marker may legally follow some junk, but readers only look at the first KiB.
fn has_pdf_header(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    find(head, b"%PDF-").is_some()
}

/// First occurrence of `needle` in `hay` (no regex/memchr dependency needed for a few scans).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Last occurrence of `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// A PDF date string (`D:YYYYMMDDHHmmSS+00'00'`), always written in UTC so that the value in
/// the file and the one in the database compare as text.
fn pdf_date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}

/// Parses the PDF date forms readers write (`D:` prefix optional, fields after the year
/// optional, `Z`, `+HH'mm'` or `-HH'mm'` offsets). Returns `None` for anything else rather than
/// guessing a time.
fn parse_pdf_date(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{FixedOffset, NaiveDate, TimeZone};
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !matches!(digits.len(), 4 | 6 | 8 | 10 | 12 | 14) {
        return None;
    }
    let field = |from: usize, default: u32| -> Option<u32> {
        match digits.get(from..from + 2) {
            Some(v) => v.parse().ok(),
            None => Some(default),
        }
    };
    let year: i32 = digits.get(0..4)?.parse().ok()?;
    let date = NaiveDate::from_ymd_opt(year, field(4, 1)?, field(6, 1)?)?;
    let naive = date.and_hms_opt(field(8, 0)?, field(10, 0)?, field(12, 0)?)?;
    let rest = &s[digits.len()..];
    let offset_secs = match rest.chars().next() {
        None | Some('Z') => 0,
        Some(sign @ ('+' | '-')) => {
            let tz: String = rest[1..].chars().filter(|c| c.is_ascii_digit()).collect();
            let h: i32 = tz.get(0..2)?.parse().ok()?;
            let m: i32 = tz.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
            let secs = h * 3600 + m * 60;
            if sign == '-' {
                -secs
            } else {
                secs
            }
        }
        Some(_) => return None,
    };
    let offset = FixedOffset::east_opt(offset_secs)?;
    let local = offset.from_local_datetime(&naive).single()?;
    Some(local.with_timezone(&chrono::Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn pdf_dates_round_trip_and_accept_reader_variants() {
        let t = chrono::Utc.with_ymd_and_hms(2025, 3, 14, 9, 30, 5).unwrap();
        assert_eq!(parse_pdf_date(&pdf_date(t)), Some(t));
        assert_eq!(parse_pdf_date("D:20250314093005Z"), Some(t));
        assert_eq!(parse_pdf_date("D:20250314173005+08'00'"), Some(t));
        assert_eq!(parse_pdf_date("D:2025031417300"), None);
        assert_eq!(parse_pdf_date("yesterday"), None);
    }
}
