//! Finalising a work order's report: render from the store, sign with the engineer's key, keep
//! the signed PDF, and freeze the work order.
//!
//! Order matters for crash safety. Everything slow (building, rendering, signing) happens
//! before the one write transaction. Inside it, the signed PDF is written as a
//! content-addressed blob (fsynced, renamed into place), the report number is taken, the
//! `report` row inserted, the PDF's SHA-256 put on the work order and the work order moved to
//! `customer_signed`; the copy the user asked for (`--out`) is written last, still before the
//! commit. A crash at any point therefore leaves either no report (the work order still
//! `resolved`, at most an unreferenced blob) or a complete one; a refusal or a failed copy
//! leaves no report and no blob (`Store::write_with_blobs`), so a retry never numbers twice.
//!
//! After that the work order is immutable (`work_orders::ensure_editable`); a correction is an
//! addendum: a new signed report naming the original's number and hash, the original untouched.

use std::path::Path;

use chrono::Datelike;
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::build::{build, checklist_lines, BuildInput};
use super::common::{inspection_of_work_order, local_time, register_blob, resources_dir};
use super::number::{self, ReportNumber};
use super::{keys, signature};
use crate::checklist::state;
use crate::domain::values::{required_text, MAX_NOTE_CHARS};
use crate::domain::work_order::WorkOrderState;
use crate::report::render::{self, CustomerSignature, ReportDoc, ReportFonts, ReportKind};
use crate::report::sign::{sign_pdf_with, SignRequest};
use crate::store::{new_id, Store};
use crate::work_orders;
use crate::{Error, Lang, Result};

/// The font and logo every render needs, loaded once (the font is 16 MB) and reused for a
/// batch of reports.
#[derive(Debug, Clone)]
pub struct ReportAssets {
    pub fonts: ReportFonts,
    pub logo_png: Option<Vec<u8>>,
}

impl ReportAssets {
    pub fn load(resources: &Path) -> Result<Self> {
        Ok(ReportAssets {
            fonts: ReportFonts::load(resources)?,
            logo_png: render::load_logo(resources)?,
        })
    }

    /// From [`resources_dir`] (`$WEIBAO_RESOURCES`, beside the binary, or the source tree).
    pub fn locate() -> Result<Self> {
        Self::load(&resources_dir())
    }
}

/// A signed report on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredReport {
    pub id: String,
    pub work_order_id: String,
    pub number: String,
    /// `inspection`, `service` or `addendum`.
    pub kind: String,
    pub lang: String,
    /// SHA-256 of the signed PDF: its blob address and the hash a paper copy is matched by.
    pub sha256: String,
    pub size: i64,
    pub engineer_id: String,
    pub signer: String,
    pub cert_sha256: String,
    pub signed_at: String,
    pub addendum_of: Option<String>,
    pub addendum_of_sha256: Option<String>,
    pub addendum_reason: Option<String>,
    pub addendum_text: Option<String>,
}

const REPORT_COLS: &str =
    "id, work_order_id, number, kind, lang, sha256, size, engineer_id, signer,
    cert_sha256, signed_at, addendum_of, addendum_of_sha256, addendum_reason, addendum_text";

fn report_row(r: &rusqlite::Row) -> rusqlite::Result<StoredReport> {
    Ok(StoredReport {
        id: r.get(0)?,
        work_order_id: r.get(1)?,
        number: r.get(2)?,
        kind: r.get(3)?,
        lang: r.get(4)?,
        sha256: r.get(5)?,
        size: r.get(6)?,
        engineer_id: r.get(7)?,
        signer: r.get(8)?,
        cert_sha256: r.get(9)?,
        signed_at: r.get(10)?,
        addendum_of: r.get(11)?,
        addendum_of_sha256: r.get(12)?,
        addendum_reason: r.get(13)?,
        addendum_text: r.get(14)?,
    })
}

/// The signed report of a work order (not its addenda), if it has been finalised.
pub fn report_for(
    conn: &rusqlite::Connection,
    work_order_id: &str,
) -> Result<Option<StoredReport>> {
    Ok(conn
        .query_row(
            &format!("SELECT {REPORT_COLS} FROM report WHERE work_order_id = ?1 AND kind != 'addendum' AND deleted = 0"),
            [work_order_id],
            report_row,
        )
        .optional()?)
}

/// Every signed report (originals and addenda), oldest first.
pub fn all_reports(conn: &rusqlite::Connection) -> Result<Vec<StoredReport>> {
    let mut st = conn.prepare(&format!(
        "SELECT {REPORT_COLS} FROM report WHERE deleted = 0 ORDER BY signed_at, number"
    ))?;
    let rows = st.query_map([], report_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Reports whose file has this SHA-256.
pub fn by_sha256(conn: &rusqlite::Connection, sha256: &str) -> Result<Option<StoredReport>> {
    Ok(conn
        .query_row(
            &format!("SELECT {REPORT_COLS} FROM report WHERE sha256 = ?1 AND deleted = 0"),
            [sha256.to_ascii_lowercase()],
            report_row,
        )
        .optional()?)
}

pub fn by_number(conn: &rusqlite::Connection, number: &str) -> Result<Option<StoredReport>> {
    Ok(conn
        .query_row(
            &format!("SELECT {REPORT_COLS} FROM report WHERE number = ?1 AND deleted = 0"),
            [number],
            report_row,
        )
        .optional()?)
}

/// The signed PDF of a stored report, checked against its hash by the blob store. A report
/// synced from another laptop before its file says "报告文件待同步 / report PDF pending"
/// (kind `blob_pending`).
pub fn pdf_of(store: &Store, report: &StoredReport) -> Result<Vec<u8>> {
    store
        .blobs()
        .get_for(&report.sha256, crate::store::blobs::BlobKind::Report)
}

/// Render the work order's report unsigned, for the customer to read before signing. Nothing
/// is stored and no number is used: the header shows the next number marked as a draft.
pub fn preview(
    store: &Store,
    assets: &ReportAssets,
    work_order_id: &str,
    lang: Lang,
) -> Result<Vec<u8>> {
    let engineer = store.current_engineer().to_string();
    let year = local_time(store.now()).year();
    let next = number::peek(store.conn(), &engineer, year)?;
    let draft = match lang {
        Lang::Zh => format!("{}（草稿）", next.number),
        Lang::En => format!("{} (draft)", next.number),
    };
    let doc = build(
        store,
        work_order_id,
        &input(&draft, lang, &engineer, assets),
    )?;
    render::render(&doc, &assets.fonts)
}

fn input<'a>(
    number: &'a str,
    lang: Lang,
    engineer: &'a str,
    assets: &ReportAssets,
) -> BuildInput<'a> {
    BuildInput {
        number,
        lang,
        engineer_id: engineer,
        logo_png: assets.logo_png.clone(),
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// Finalise a resolved work order's report as the current engineer: refused (kind
/// `no_customer_confirmation`) without the customer's signature or a recorded refusal, and
/// (kind `not_resolved`) before the work is resolved. Returns the stored report.
pub fn finalise(
    store: &mut Store,
    assets: &ReportAssets,
    work_order_id: &str,
    lang: Lang,
) -> Result<StoredReport> {
    finalise_to(store, assets, work_order_id, lang, &mut |_| Ok(()))
}

/// What the signed PDF is handed to inside the finalising transaction, before it commits
/// (e.g. [`crate::files::Output::write_all`]): if that fails — a full disk, a folder that is
/// not there — nothing is recorded, no report number is taken, and a retry starts clean.
pub type Deliver<'a> = dyn FnMut(&[u8]) -> Result<()> + 'a;

/// [`finalise`], handing the signed PDF to `deliver` before the commit.
pub fn finalise_to(
    store: &mut Store,
    assets: &ReportAssets,
    work_order_id: &str,
    lang: Lang,
    deliver: &mut Deliver<'_>,
) -> Result<StoredReport> {
    let mut attempts = 0;
    loop {
        match finalise_once(store, assets, work_order_id, lang, deliver) {
            Err(Error::Refused {
                kind: "report_number_taken",
                ..
            }) if attempts < 3 => attempts += 1,
            other => return other,
        }
    }
}

/// What finalising checks before and again inside its transaction.
fn ready(conn: &rusqlite::Connection, work_order_id: &str) -> Result<(String, String)> {
    if let Some(r) = report_for(conn, work_order_id)? {
        return Err(Error::immutable(
            format!(
                "报告 {} 已签字定稿，不能再修改；如需更正请添加补充说明",
                r.number
            ),
            format!(
                "report {} is already signed and cannot be changed; add an addendum to correct it",
                r.number
            ),
        ));
    }
    let wo = work_orders::ensure_editable(conn, work_order_id)?;
    if wo.state != WorkOrderState::Resolved {
        return Err(Error::refused(
            "not_resolved",
            format!(
                "工单 {} 尚未解决（当前：{}），不能出具签字报告",
                wo.id,
                wo.state.label_zh()
            ),
            format!(
                "work order {} is not resolved (state {}); its report cannot be finalised yet",
                wo.id,
                wo.state.code()
            ),
        ));
    }
    // A service report states what was found and done (客户服务记录表); an inspection's
    // report is its checklist instead.
    if wo.kind != crate::domain::work_order::WorkOrderKind::Inspection {
        let has_record: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM service_record WHERE work_order_id = ?1 AND deleted = 0)",
            [&wo.id],
            |r| r.get(0),
        )?;
        if !has_record {
            return Err(Error::refused(
                "service_record_required",
                "尚未填写服务记录（到场状态、处理过程），不能出具维修报告",
                "the service record (state found, actions) is missing; the repair report cannot be finalised",
            ));
        }
    }
    let confirmation = match signature::current(conn, &wo.id)? {
        Some(c) => c.id().to_string(),
        None => {
            return Err(Error::refused(
                "no_customer_confirmation",
                "没有客户签字，也没有记录客户拒签及原因：无客户确认的记录无效，不能定稿",
                "no customer signature and no recorded refusal: a record without the customer's confirmation is invalid and cannot be finalised",
            ))
        }
    };
    Ok((wo.id, confirmation))
}

fn finalise_once(
    store: &mut Store,
    assets: &ReportAssets,
    work_order_id: &str,
    lang: Lang,
    deliver: &mut Deliver<'_>,
) -> Result<StoredReport> {
    let (wo_id, confirmation) = ready(store.conn(), work_order_id)?;
    let engineer = store.current_engineer().to_string();
    let (identity, cert) = keys::ensure(store, &engineer)?;
    let now = store.now();
    let n = number::peek(store.conn(), &engineer, local_time(now).year())?;
    let doc = build(store, &wo_id, &input(&n.number, lang, &engineer, assets))?;
    let kind = match doc.kind {
        ReportKind::Inspection => "inspection",
        _ => "service",
    };
    let signed = render_and_sign(&doc, assets, &identity, now, &n)?;
    store.write_with_blobs(&[&signed], |tx, shas| {
        let sha = &shas[0];
        let (_, still) = ready(tx.conn(), &wo_id)?;
        if still != confirmation {
            return Err(Error::refused(
                "confirmation_changed",
                "定稿过程中客户签字已更改，请重新定稿",
                "the customer's confirmation changed while the report was being signed; finalise again",
            ));
        }
        number::take(tx, &n)?;
        register_blob(tx, sha, signed.len(), "application/pdf")?;
        let report = StoredReport {
            id: new_id(),
            work_order_id: wo_id.clone(),
            number: n.number.clone(),
            kind: kind.into(),
            lang: lang_code(lang).into(),
            sha256: sha.clone(),
            size: i64::try_from(signed.len()).unwrap_or(i64::MAX),
            engineer_id: engineer.clone(),
            signer: identity.common_name(),
            cert_sha256: cert.cert_sha256.clone(),
            signed_at: now.to_rfc3339(),
            addendum_of: None,
            addendum_of_sha256: None,
            addendum_reason: None,
            addendum_text: None,
        };
        insert(tx, &report)?;
        let note = format!("报告 {} 已签署，SHA-256 {}", report.number, report.sha256);
        work_orders::record_customer_signed(tx, &wo_id, Some(&note))?;
        // The work order's report hash is derived from the filed report (work_order_now).
        deliver(&signed)?;
        Ok(report)
    })
}

fn render_and_sign(
    doc: &ReportDoc,
    assets: &ReportAssets,
    identity: &crate::report::sign::SigningIdentity,
    now: chrono::DateTime<chrono::Utc>,
    n: &ReportNumber,
) -> Result<Vec<u8>> {
    let pdf = render::render(doc, &assets.fonts)?;
    let reason = format!("维保报告 {} 工程师签署 / service report signed", n.number);
    let location = doc.lane.as_ref().map(|l| format!("{} {l}", doc.site));
    sign_pdf_with(
        &pdf,
        identity,
        &SignRequest {
            signing_time: now,
            reason: &reason,
            location: location.as_deref(),
        },
    )
}

fn insert(tx: &crate::store::Tx, r: &StoredReport) -> Result<()> {
    tx.insert(
        "report",
        &r.id,
        &[
            ("work_order_id", &r.work_order_id),
            ("number", &r.number),
            ("kind", &r.kind),
            ("lang", &r.lang),
            ("sha256", &r.sha256),
            ("size", &r.size),
            ("engineer_id", &r.engineer_id),
            ("signer", &r.signer),
            ("cert_sha256", &r.cert_sha256),
            ("signed_at", &r.signed_at),
            ("addendum_of", &r.addendum_of),
            ("addendum_of_sha256", &r.addendum_of_sha256),
            ("addendum_reason", &r.addendum_reason),
            ("addendum_text", &r.addendum_text),
        ],
    )
}

/// A correction to a finalised work order: a new signed report (kind `addendum`, its own
/// number) that names the original by number and SHA-256, states the correction and its
/// reason, and lists inspection answers corrected after completion (`checklist::run::addendum`).
/// The original report and the work order stay exactly as signed.
pub fn addendum(
    store: &mut Store,
    assets: &ReportAssets,
    work_order_id: &str,
    reason: &str,
    text: &str,
    lang: Lang,
) -> Result<StoredReport> {
    addendum_to(
        store,
        assets,
        work_order_id,
        reason,
        text,
        lang,
        &mut |_| Ok(()),
    )
}

/// [`addendum`], handing the signed PDF to `deliver` before the commit. The same correction
/// (same reason and text) asked for again returns the addendum already on record instead of
/// signing a second one under a new number — that is what a retry after a failed copy is.
pub fn addendum_to(
    store: &mut Store,
    assets: &ReportAssets,
    work_order_id: &str,
    reason: &str,
    text: &str,
    lang: Lang,
    deliver: &mut Deliver<'_>,
) -> Result<StoredReport> {
    let reason = required_text("addendum.reason", reason, MAX_NOTE_CHARS)?;
    let text = required_text("addendum.text", text, MAX_NOTE_CHARS)?;
    let original = report_for(store.conn(), work_order_id)?.ok_or_else(|| {
        Error::refused(
            "not_finalised",
            "该工单还没有已签署的报告：直接修改记录后定稿即可，无需补充报告",
            "this work order has no signed report yet: correct the record and finalise it instead",
        )
    })?;
    if let Some(same) = all_reports(store.conn())?.into_iter().find(|r| {
        r.addendum_of.as_deref() == Some(original.id.as_str())
            && r.addendum_reason.as_deref() == Some(reason.as_str())
            && r.addendum_text.as_deref() == Some(text.as_str())
    }) {
        deliver(&pdf_of(store, &same)?)?;
        return Ok(same);
    }
    let engineer = store.current_engineer().to_string();
    let (identity, cert) = keys::ensure(store, &engineer)?;
    let mut attempts = 0;
    loop {
        let now = store.now();
        let n = number::peek(store.conn(), &engineer, local_time(now).year())?;
        let mut doc = build(
            store,
            &original.work_order_id,
            &input(&n.number, lang, &engineer, assets),
        )?;
        // Only what changes: corrected checklist answers (if any), the correction and its
        // reason. Everything else is in the original, which the addendum names.
        doc.checklist = Vec::new();
        if let Some(insp) = inspection_of_work_order(store.conn(), &original.work_order_id)? {
            let st = state::load(store.conn(), &insp)?;
            doc.checklist = checklist_lines(&st, lang, true);
            doc.checklist
                .extend(super::build::note_lines(store.conn(), &insp, lang)?);
            let touched: Vec<&str> = st
                .items
                .iter()
                .filter(|i| st.corrections.contains_key(&i.id))
                .filter_map(|i| i.device_code.as_deref())
                .collect();
            if !touched.is_empty() {
                doc.devices.retain(|d| touched.contains(&d.code.as_str()));
            }
        }
        doc.kind = ReportKind::Addendum {
            original_number: original.number.clone(),
            original_sha256: original.sha256.clone(),
        };
        let (what, why) = match lang {
            Lang::Zh => ("更正内容：", "更正原因："),
            Lang::En => ("Correction: ", "Reason: "),
        };
        doc.found_state = None;
        doc.actions = Some(format!("{what}{text}"));
        doc.analysis = Some(format!("{why}{reason}"));
        doc.reported_fault = None;
        doc.parts.clear();
        doc.photos.clear();
        doc.customer_feedback = None;
        doc.satisfaction = None;
        doc.signature = CustomerSignature::Pending;
        let signed = render_and_sign(&doc, assets, &identity, now, &n)?;
        let result = store.write_with_blobs(&[&signed], |tx, shas| {
            let sha = &shas[0];
            number::take(tx, &n)?;
            register_blob(tx, sha, signed.len(), "application/pdf")?;
            let report = StoredReport {
                id: new_id(),
                work_order_id: original.work_order_id.clone(),
                number: n.number.clone(),
                kind: "addendum".into(),
                lang: lang_code(lang).into(),
                sha256: sha.clone(),
                size: i64::try_from(signed.len()).unwrap_or(i64::MAX),
                engineer_id: engineer.clone(),
                signer: identity.common_name(),
                cert_sha256: cert.cert_sha256.clone(),
                signed_at: now.to_rfc3339(),
                addendum_of: Some(original.id.clone()),
                addendum_of_sha256: Some(original.sha256.clone()),
                addendum_reason: Some(reason.clone()),
                addendum_text: Some(text.clone()),
            };
            insert(tx, &report)?;
            deliver(&signed)?;
            Ok(report)
        });
        match result {
            Err(Error::Refused {
                kind: "report_number_taken",
                ..
            }) if attempts < 3 => attempts += 1,
            other => return other,
        }
    }
}
