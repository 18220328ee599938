//! Checking a report file: is its digital signature valid (nothing altered after signing), and
//! — given the engineer's or the office's database — is it the very file on record?
//!
//! The second question is what lets the office match a paper or e-mailed copy to the record:
//! a file can carry a perfectly valid signature and still not be the report that was filed
//! (re-signed, or an earlier draft), so the file's SHA-256 must equal the stored one.
//!
//! Service reports (`report`) and quarterly device status reports (`status_report`) are both
//! looked up: a file matches whichever record has its hash.

use serde::Serialize;

use super::finalise::{by_number, by_sha256, StoredReport};
use crate::report::sign::{verify_pdf, Verification};
use crate::status_report::{self, StoredStatusReport};
use crate::store::Store;
use crate::Result;

/// The verdict on one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileCheck {
    pub signature: Verification,
    /// Present when a database was given.
    pub record: Option<RecordCheck>,
}

/// How the file compares with the stored reports.
#[derive(Debug, Clone, Serialize)]
pub struct RecordCheck {
    /// The file's SHA-256 equals that of a stored report.
    pub matches: bool,
    /// The stored report the file is (or claims to be, by its number).
    pub report: Option<StoredReport>,
    /// The stored device status report the file is (or claims to be, by its number).
    pub status_report: Option<StoredStatusReport>,
    /// Why it does not match, in English (the CLI prints both languages).
    pub problem: Option<String>,
    pub problem_zh: Option<String>,
}

impl FileCheck {
    /// Valid signature over the whole file and, if a database was given, the stored hash.
    pub fn ok(&self) -> bool {
        self.signature.valid && self.record.as_ref().is_none_or(|r| r.matches)
    }
}

/// Verify a report file's bytes; with a store, also look it up among the stored reports.
/// `Err` only when the bytes cannot be judged at all (not a PDF, no signature).
pub fn verify_file(pdf: &[u8], store: Option<&Store>) -> Result<FileCheck> {
    let signature = verify_pdf(pdf)?;
    let record = match store {
        None => None,
        Some(s) => Some(check_record(s, pdf, &signature.sha256_hex)?),
    };
    Ok(FileCheck { signature, record })
}

fn check_record(store: &Store, pdf: &[u8], sha256: &str) -> Result<RecordCheck> {
    if let Some(r) = by_sha256(store.conn(), sha256)? {
        return Ok(RecordCheck {
            matches: true,
            report: Some(r),
            status_report: None,
            problem: None,
            problem_zh: None,
        });
    }
    if let Some(r) = status_report::by_sha256(store.conn(), sha256)? {
        return Ok(RecordCheck {
            matches: true,
            report: None,
            status_report: Some(r),
            problem: None,
            problem_zh: None,
        });
    }
    // Not on record by hash: say which report it claims to be, if its title names one.
    let title = pdf_title(pdf);
    let claimed_status = match &title {
        Some(title) => claimed_status_number(store, title)?,
        None => None,
    };
    if let Some(r) = claimed_status {
        return Ok(RecordCheck {
            matches: false,
            problem: Some(format!(
                "the file claims to be status report {} but its SHA-256 {sha256} differs from the stored {}",
                r.number, r.sha256
            )),
            problem_zh: Some(format!(
                "文件自称设备运行状态报告 {}，但其 SHA-256 {sha256} 与存档的 {} 不符",
                r.number, r.sha256
            )),
            report: None,
            status_report: Some(r),
        });
    }
    let claimed = match &title {
        Some(title) => claimed_number(store, title)?,
        None => None,
    };
    Ok(match claimed {
        Some(r) => RecordCheck {
            matches: false,
            problem: Some(format!(
                "the file claims to be report {} but its SHA-256 {sha256} differs from the stored {}",
                r.number, r.sha256
            )),
            problem_zh: Some(format!(
                "文件自称报告 {}，但其 SHA-256 {sha256} 与存档的 {} 不符",
                r.number, r.sha256
            )),
            report: Some(r),
            status_report: None,
        },
        None => RecordCheck {
            matches: false,
            report: None,
            status_report: None,
            problem: Some(format!("no stored report has SHA-256 {sha256}")),
            problem_zh: Some(format!("数据库中没有 SHA-256 为 {sha256} 的报告")),
        },
    })
}

/// The stored report whose number appears in the title (longest number wins).
fn claimed_number(store: &Store, title: &str) -> Result<Option<StoredReport>> {
    let mut st = store
        .conn()
        .prepare_cached("SELECT number FROM report WHERE deleted = 0 AND instr(?1, number) > 0 ORDER BY length(number) DESC LIMIT 1")?;
    let number: Option<String> = st.query_map([title], |r| r.get(0))?.next().transpose()?;
    match number {
        Some(n) => by_number(store.conn(), &n),
        None => Ok(None),
    }
}

/// The stored status report whose number appears in the title.
fn claimed_status_number(store: &Store, title: &str) -> Result<Option<StoredStatusReport>> {
    let mut st = store.conn().prepare_cached(
        "SELECT number FROM status_report WHERE deleted = 0 AND instr(?1, number) > 0
         ORDER BY length(number) DESC LIMIT 1",
    )?;
    let number: Option<String> = st.query_map([title], |r| r.get(0))?.next().transpose()?;
    match number {
        Some(n) => status_report::by_number(store.conn(), &n),
        None => Ok(None),
    }
}

/// The document title from the info dictionary (our renderer writes "<kind> <number>"), if the
/// file still parses; a damaged file simply has none.
fn pdf_title(pdf: &[u8]) -> Option<String> {
    let doc = lopdf::Document::load_mem(pdf).ok()?;
    let info = doc.trailer.get(b"Info").ok()?;
    let info = match info {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        lopdf::Object::Dictionary(d) => d,
        _ => return None,
    };
    match info.get(b"Title").ok()? {
        lopdf::Object::String(bytes, _) => Some(decode_text_string(bytes)),
        _ => None,
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, else (close enough for a report
/// number) Latin-1.
fn decode_text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(rest) => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// What a photo or scan of a printed report page was matched to.
#[derive(Debug, Clone, Serialize)]
pub struct PaperCheck {
    /// The text of the page's QR, as read.
    pub read: String,
    /// The report number it names.
    pub number: String,
    /// The stored service, inspection or addendum report with that number (with a database).
    pub report: Option<StoredReport>,
    /// The stored device status report with that number (with a database).
    pub status_report: Option<StoredStatusReport>,
    /// What a match means, in English and Chinese: the CLI and the UI print it as is.
    pub note: String,
    pub note_zh: String,
}

/// Match a photo or scan of a printed report page (JPEG or PNG bytes) to its stored record by
/// the QR in its footer (`labels::report_payload`). A paper copy carries no signature, so this
/// names the record — its number, work order, signer, date and the SHA-256 of the signed PDF
/// on file — and says plainly that the paper itself is not cryptographically verified: check
/// the record's PDF (`weibao verify FILE.pdf`) for that. Without a store only the number read
/// is returned. A QR that is not a report's, or a number not on record, is an error.
pub fn verify_paper(image: &[u8], store: Option<&Store>) -> Result<PaperCheck> {
    let codes = crate::labels::read_labels(image, "file")?;
    let (read, number) = codes
        .iter()
        .find_map(|d| match crate::labels::parse_payload(&d.text) {
            crate::labels::Payload::Report(n) => Some((d.text.clone(), n)),
            _ => None,
        })
        .ok_or_else(|| {
            let mut seen = codes
                .iter()
                .take(3)
                .map(|d| crate::labels::shown(&d.text))
                .collect::<Vec<_>>()
                .join(", ");
            if codes.len() > 3 {
                seen.push_str(", …");
            }
            crate::Error::invalid(
                "file",
                format!("图片中的二维码不是 weibao 报告页的二维码（读到：{seen}）"),
                format!("the code in the image is not a weibao report page's (read: {seen})"),
            )
        })?;
    let (report, status_report) = match store {
        None => (None, None),
        Some(s) => {
            let r = by_number(s.conn(), &number)?;
            let sr = match r {
                Some(_) => None,
                None => status_report::by_number(s.conn(), &number)?,
            };
            if r.is_none() && sr.is_none() {
                return Err(crate::Error::not_found("report", &number));
            }
            (r, sr)
        }
    };
    Ok(PaperCheck {
        read,
        number,
        report,
        status_report,
        note: "a paper copy is matched to its record by the number in its QR; the paper itself \
               cannot be cryptographically verified — compare it with the record's signed PDF"
            .into(),
        note_zh: "纸质副本按二维码中的编号对应到存档记录；纸张本身无法用数字签名验证，\
                  请与存档的已签名 PDF 核对内容"
            .into(),
    })
}
