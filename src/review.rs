//! The office's review of what comes back from the lanes: each signed report with its
//! verification judged now, the work order as reviewed (photos and their files included), and
//! closing — the step after review (`customer_signed` → `closed`).
//!
//! Verification is the question `weibao verify --db` answers, asked of the office's own copy:
//! the stored PDF's SHA-256 is the one on the record (the blob store checks it as it reads) and
//! its digital signature holds over the whole file, by the engineer named on the record. A PDF
//! not uploaded yet is "pending file" — the laptop sends it at its next sync — never an error.
//!
//! Closing is decided here, not by the screen: only a work order the customer confirmed
//! (signature or recorded refusal), whose signed report has arrived and verifies, may close; the
//! refusal names what is missing. The close is an ordinary work-order step, so every laptop
//! sees it at its next sync.

use crate::domain::work_order::WorkOrderState;
use crate::report::finalise::{self, StoredReport};
use crate::report::photos::{self, Photo};
use crate::report::signature::{self, Confirmation};
use crate::store::blobs::{check_sha256, BlobKind};
use crate::store::Store;
use crate::views::work_order::WorkOrderView;
use crate::work_orders::{self, WorkOrderSummary};
use crate::{Error, Result};
use rusqlite::{named_params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// At most this many reports per list (newest first).
pub const MAX_ROWS: i64 = 500;

/// How a stored report stands when checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// The file is the one on record and its signature holds.
    Verified,
    /// The record arrived, its PDF not yet (the laptop uploads it at its next sync).
    PendingFile,
    /// The file differs from the record, or its signature does not hold.
    Failed,
}

impl VerificationStatus {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim() {
            "verified" => Ok(Self::Verified),
            "pending_file" => Ok(Self::PendingFile),
            "failed" => Ok(Self::Failed),
            other => Err(Error::invalid(
                "review.verification",
                format!("核验状态应为 verified、pending_file 或 failed，收到「{other}」"),
                format!("verification is verified, pending_file or failed, not {other:?}"),
            )),
        }
    }
}

/// The verdict, and why when it is not `verified`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub status: VerificationStatus,
    pub problem: Option<String>,
    pub problem_en: Option<String>,
}

impl Verification {
    fn verified() -> Self {
        Verification {
            status: VerificationStatus::Verified,
            problem: None,
            problem_en: None,
        }
    }

    fn not(status: VerificationStatus, zh: String, en: String) -> Self {
        Verification {
            status,
            problem: Some(zh),
            problem_en: Some(en),
        }
    }
}

/// Check a stored report's file as the office holds it now.
pub fn verify(store: &Store, r: &StoredReport) -> Result<Verification> {
    use VerificationStatus::*;
    let bytes = match finalise::pdf_of(store, r) {
        Ok(b) => b,
        Err(e) if e.kind() == "blob_pending" => {
            return Ok(Verification::not(
                PendingFile,
                format!("报告 {} 的 PDF 尚未上传到办公室（工程师下次同步时上传）", r.number),
                format!(
                    "the PDF of report {} has not reached the office yet (sent at the engineer's next sync)",
                    r.number
                ),
            ))
        }
        Err(e) if e.kind() == "blob_corrupt" => {
            return Ok(Verification::not(
                Failed,
                format!("办公室存档的 PDF 与记录的 SHA-256 {} 不符", r.sha256),
                format!(
                    "the PDF on file does not have the recorded SHA-256 {}",
                    r.sha256
                ),
            ))
        }
        Err(e) => return Err(e),
    };
    let sig = match crate::report::sign::verify_pdf(&bytes) {
        Ok(s) => s,
        // Not a PDF or no signature at all: judged, and failed.
        Err(e) => return Ok(Verification::not(Failed, e.message_zh(), e.to_string())),
    };
    if !sig.valid {
        let why = sig.problem.unwrap_or_default();
        return Ok(Verification::not(
            Failed,
            format!("数字签名无效：{why}"),
            format!("the digital signature does not hold: {why}"),
        ));
    }
    if sig.sha256_hex != r.sha256 {
        return Ok(Verification::not(
            Failed,
            format!(
                "文件的 SHA-256 {} 与记录的 {} 不符",
                sig.sha256_hex, r.sha256
            ),
            format!(
                "the file's SHA-256 {} differs from the recorded {}",
                sig.sha256_hex, r.sha256
            ),
        ));
    }
    if sig.signer != r.signer {
        return Ok(Verification::not(
            Failed,
            format!("文件由「{}」签署，记录为「{}」", sig.signer, r.signer),
            format!(
                "the file is signed by {:?}, the record says {:?}",
                sig.signer, r.signer
            ),
        ));
    }
    Ok(Verification::verified())
}

/// What the reports list may be narrowed to.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportFilter {
    /// The work order's state: `customer_signed` (waiting for review) or `closed`.
    pub state: Option<String>,
    /// `verified`, `pending_file` or `failed`.
    pub verification: Option<String>,
}

/// A signed report as the reviewer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportReview {
    pub number: String,
    /// `inspection`, `service` or `addendum`.
    pub kind: String,
    pub title: String,
    pub work_order_id: String,
    pub work_order_state: WorkOrderState,
    pub customer_id: String,
    pub customer_name: String,
    pub site_name: String,
    pub lane_code: String,
    pub device_code: Option<String>,
    /// The engineer whose key signed the PDF.
    pub engineer_signer: String,
    /// The customer's confirmation: who signed, or the refusal and its reason.
    pub customer_signer: Option<String>,
    pub refused: bool,
    pub refusal_reason: Option<String>,
    /// The number the customer confirmed on, when they confirmed on the phone (a fault
    /// resolved without a visit) rather than signing.
    pub confirmed_by_phone: Option<String>,
    pub signed_at: String,
    pub sha256: String,
    pub size: i64,
    pub verification: Verification,
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Signed reports, newest first (at most [`MAX_ROWS`]), each verified now.
pub fn reports(store: &Store, f: &ReportFilter) -> Result<Vec<ReportReview>> {
    let state = match blank(&f.state) {
        None => None,
        Some(s) => Some(
            WorkOrderState::parse(s)
                .map_err(|_| {
                    Error::invalid(
                        "review.state",
                        format!("工单状态应为 customer_signed 或 closed，收到「{s}」"),
                        format!("the state is customer_signed or closed, not {s:?}"),
                    )
                })?
                .code(),
        ),
    };
    let verification = blank(&f.verification)
        .map(VerificationStatus::parse)
        .transpose()?;
    let mut st = store.conn().prepare_cached(
        "SELECT r.number, w.state, k.id, k.name, s.name, l.code, d.code, r.work_order_id
           FROM report r
           JOIN work_order_now w ON w.id = r.work_order_id
           JOIN lane l ON l.id = w.lane_id
           JOIN site s ON s.id = l.site_id
           JOIN customer k ON k.id = s.customer_id
           LEFT JOIN device d ON d.id = w.device_id
          WHERE r.deleted = 0 AND (:state IS NULL OR w.state = :state)
          ORDER BY r.signed_at DESC, r.number DESC
          LIMIT :limit",
    )?;
    let rows = st.query_map(named_params! {":state": state, ":limit": MAX_ROWS}, |r| {
        r.get::<_, String>(0)
    })?;
    let numbers: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for n in numbers {
        let row = report(store, &n)?;
        if verification.is_none_or(|v| v == row.verification.status) {
            out.push(row);
        }
    }
    Ok(out)
}

/// One report by its number, verified now.
pub fn report(store: &Store, number: &str) -> Result<ReportReview> {
    let r = finalise::by_number(store.conn(), number.trim())?
        .ok_or_else(|| Error::not_found("report", number.trim()))?;
    let wo = work_orders::summary_in(store.conn(), &r.work_order_id)?;
    let (customer_id, customer_name, site_name, lane_code): (String, String, String, String) =
        store.conn().query_row(
            "SELECT k.id, k.name, s.name, l.code FROM lane l JOIN site s ON s.id = l.site_id
             JOIN customer k ON k.id = s.customer_id WHERE l.id = ?1",
            [&wo.lane_id],
            |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?)),
        )?;
    let (customer_signer, refused, refusal_reason, confirmed_by_phone) =
        match signature::current(store.conn(), &r.work_order_id)? {
            Some(Confirmation::Signed { signer, .. }) => (Some(signer), false, None, None),
            Some(Confirmation::Refused { reason, .. }) => (None, true, Some(reason), None),
            Some(Confirmation::ByPhone {
                confirmer, phone, ..
            }) => (Some(confirmer), false, None, Some(phone)),
            None => (None, false, None, None),
        };
    let verification = verify(store, &r)?;
    Ok(ReportReview {
        number: r.number,
        kind: r.kind,
        title: wo.title,
        work_order_id: r.work_order_id,
        work_order_state: wo.state,
        customer_id,
        customer_name,
        site_name,
        lane_code,
        device_code: wo.device_code,
        engineer_signer: r.signer,
        customer_signer,
        refused,
        refusal_reason,
        confirmed_by_phone,
        signed_at: r.signed_at,
        sha256: r.sha256,
        size: r.size,
        verification,
    })
}

/// The signed PDF of a report, for the preview. A number not on record, or whose file has not
/// arrived, is "not found" naming the number.
pub fn report_pdf(store: &Store, number: &str) -> Result<Vec<u8>> {
    let r = finalise::by_number(store.conn(), number.trim())?
        .ok_or_else(|| Error::not_found("report", number.trim()))?;
    match finalise::pdf_of(store, &r) {
        Err(e) if e.kind() == "blob_pending" => Err(Error::not_found("report_file", r.number)),
        other => other,
    }
}

/// Why a work order may not close now, or `Ok` when it may.
pub fn check_close(store: &Store, work_order_id: &str) -> Result<WorkOrderSummary> {
    let wo = work_orders::summary_in(store.conn(), work_order_id)?;
    match wo.state {
        WorkOrderState::Closed => {
            return Err(Error::refused(
                "already_closed",
                format!("工单 {} 已结案", wo.id),
                format!("work order {} is already closed", wo.id),
            ))
        }
        WorkOrderState::CustomerSigned => {}
        other => {
            return Err(Error::invalid(
                "review.signature",
                format!(
                    "工单尚未经客户签字确认（当前：{}），签字或记录拒签并生成签名报告后才能结案",
                    other.label_zh()
                ),
                format!(
                    "the customer has not confirmed the work order yet (state {}): it closes after the signature (or a recorded refusal) and the signed report",
                    other.code()
                ),
            ))
        }
    }
    if signature::current(store.conn(), &wo.id)?.is_none() {
        return Err(Error::invalid(
            "review.signature",
            "没有客户签字或拒签记录，不能结案",
            "there is no customer signature or recorded refusal",
        ));
    }
    let Some(r) = finalise::report_for(store.conn(), &wo.id)? else {
        return Err(Error::invalid(
            "review.report",
            "没有签名报告，不能结案",
            "there is no signed report to close on",
        ));
    };
    let v = verify(store, &r)?;
    if v.status != VerificationStatus::Verified {
        let zh = v.problem.unwrap_or_default();
        let en = v.problem_en.unwrap_or_default();
        return Err(Error::invalid(
            "review.report_file",
            format!("报告 {} 未通过核验，不能结案：{zh}", r.number),
            format!(
                "report {} does not verify, so it cannot close: {en}",
                r.number
            ),
        ));
    }
    Ok(wo)
}

/// Close a reviewed work order (`customer_signed` → `closed`), noting who reviewed it.
pub fn close(
    store: &mut Store,
    work_order_id: &str,
    reviewer: &str,
    note: Option<&str>,
) -> Result<WorkOrderSummary> {
    let wo = check_close(store, work_order_id)?;
    let reviewer = crate::domain::values::required_text(
        "review.reviewer",
        reviewer,
        crate::domain::values::MAX_NAME_CHARS,
    )?;
    let note = crate::domain::values::optional_text(
        "review.note",
        note,
        crate::domain::values::MAX_NOTE_CHARS,
    )?;
    let text = match note {
        Some(n) => format!("审核结案（{reviewer}）：{n}"),
        None => format!("审核结案（{reviewer}）"),
    };
    store.write(|tx| {
        // The state again inside the write: another close may have landed in between.
        let now = work_orders::summary_in(tx.conn(), &wo.id)?;
        if now.state != WorkOrderState::CustomerSigned {
            return Err(Error::refused(
                "already_closed",
                format!("工单 {} 已结案", wo.id),
                format!("work order {} is already closed", wo.id),
            ));
        }
        work_orders::advance(tx, &wo.id, WorkOrderState::Closed, Some(&text), None)
    })
}

/// The work order as the reviewer sees it: the desktop's view, its photos (with the blob ids
/// of the original and the report copy), the customer's confirmation, its reports verified,
/// and whether it may close now (and why not).
#[derive(Debug, Serialize)]
pub struct WorkOrderReview {
    #[serde(flatten)]
    pub view: WorkOrderView,
    pub photos: Vec<Photo>,
    pub confirmation: Option<Confirmation>,
    pub reports: Vec<ReportReview>,
    pub can_close: bool,
    /// The refusal [`close`] would give now (`{kind, message, message_en, field}`).
    pub close_refusal: Option<Error>,
}

pub fn work_order(store: &Store, id: &str) -> Result<WorkOrderReview> {
    let view = crate::views::work_order::view(store, id)?;
    let wo_id = view.row.summary.id.clone();
    let inspection: Option<String> = store
        .conn()
        .query_row(
            "SELECT inspection_id FROM inspection_work_order WHERE work_order_id = ?1 AND deleted = 0",
            [&wo_id],
            |r| r.get(0),
        )
        .optional()?;
    let photos = photos::list(store.conn(), &wo_id, inspection.as_deref())?;
    let confirmation = signature::current(store.conn(), &wo_id)?;
    let numbers: Vec<String> = {
        let mut st = store.conn().prepare_cached(
            "SELECT number FROM report WHERE work_order_id = ?1 AND deleted = 0
             ORDER BY signed_at, number",
        )?;
        let rows = st.query_map([&wo_id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let reports = numbers
        .iter()
        .map(|n| report(store, n))
        .collect::<Result<Vec<_>>>()?;
    let close_refusal = match check_close(store, &wo_id) {
        Ok(_) => None,
        Err(e @ (Error::Invalid { .. } | Error::Refused { .. })) => Some(e),
        Err(e) => return Err(e),
    };
    Ok(WorkOrderReview {
        view,
        photos,
        confirmation,
        reports,
        can_close: close_refusal.is_none(),
        close_refusal,
    })
}

/// A stored file a record of this office names (a photo, its report copy, a customer
/// signature, a signed report), with its content type read from its first bytes. Files no
/// record names are not served, so the endpoint is not a window on the whole blob folder.
pub fn blob(store: &Store, sha256: &str) -> Result<(Vec<u8>, &'static str)> {
    let sha = sha256.trim().to_ascii_lowercase();
    check_sha256(&sha)?;
    let kind: Option<String> = store
        .conn()
        .query_row(
            "SELECT 'photo' FROM photo WHERE deleted = 0 AND (original_sha256 = ?1 OR report_sha256 = ?1)
             UNION ALL SELECT 'signature' FROM customer_signature WHERE deleted = 0 AND png_sha256 = ?1
             UNION ALL SELECT 'report' FROM report WHERE deleted = 0 AND sha256 = ?1
             LIMIT 1",
            [&sha],
            |r| r.get(0),
        )
        .optional()?;
    let kind = match kind.as_deref() {
        Some("photo") => BlobKind::Photo,
        Some("signature") => BlobKind::Signature,
        Some("report") => BlobKind::Report,
        _ => return Err(Error::not_found("blob", sha)),
    };
    let bytes = store.blobs().get_for(&sha, kind)?;
    let mime = content_type(&bytes);
    Ok((bytes, mime))
}

/// The content type of a stored file by its first bytes (the kinds weibao stores).
pub fn content_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else {
        "application/octet-stream"
    }
}
