//! Making the signed status report and keeping it: number, render, sign, file.
//!
//! The same order as finalising a service report (`report::finalise`), for the same reason:
//! everything slow — reading the quarter, rendering, signing — happens before the one write
//! transaction. Inside it the signed PDF is stored as a content-addressed blob, the number is
//! checked still free, the `status_report` row is inserted and the copy the user asked for is
//! written, all before the commit. A failure anywhere (a refusal, a full disk, a folder that is
//! not there, a crash) leaves no row and no blob, and the number is not used: the next attempt
//! gets the same one.
//!
//! Numbers: `<engineer's report prefix>-ZT<year>Q<quarter>-<seq>` (`ZW-ZT2026Q4-01`; 状态 →
//! ZT), the quarter the period ends in, the sequence per engineer and quarter. The prefix makes
//! them unique across engineers as service report numbers are, and they can never collide with
//! those (`ZW-2026-0007`). The next sequence is one past the highest recorded (synced ones
//! included) and taken in the transaction that stores the report; the table's UNIQUE number is
//! the last guard.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{gather, print, StatusReport};
use crate::files::Output;
use crate::report::common::register_blob;
use crate::report::finalise::ReportAssets;
use crate::report::sign::{sign_pdf_with, SignRequest};
use crate::report::{keys, local_time, number, render};
use crate::stats::Scope;
use crate::store::{new_id, Store, Tx};
use crate::{Error, Lang, Result};

/// A signed status report on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredStatusReport {
    pub id: String,
    pub customer_id: String,
    /// The customer's name (from the customer record).
    pub customer: String,
    pub site_id: Option<String>,
    pub site: Option<String>,
    pub period_from: String,
    pub period_to: String,
    pub number: String,
    pub lang: String,
    /// SHA-256 of the signed PDF: its blob address and the hash a copy is matched by.
    pub sha256: String,
    pub size: i64,
    pub engineer_id: String,
    pub cert_sha256: String,
    pub signed_at: String,
}

const COLS: &str = "r.id, r.customer_id, COALESCE(c.name, ''), r.site_id, s.name, r.period_from,
    r.period_to, r.number, r.lang, r.sha256, r.size, r.engineer_id, r.cert_sha256, r.signed_at";
const FROM: &str = "status_report r LEFT JOIN customer c ON c.id = r.customer_id
    LEFT JOIN site s ON s.id = r.site_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<StoredStatusReport> {
    Ok(StoredStatusReport {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        customer: r.get(2)?,
        site_id: r.get(3)?,
        site: r.get(4)?,
        period_from: r.get(5)?,
        period_to: r.get(6)?,
        number: r.get(7)?,
        lang: r.get(8)?,
        sha256: r.get(9)?,
        size: r.get(10)?,
        engineer_id: r.get(11)?,
        cert_sha256: r.get(12)?,
        signed_at: r.get(13)?,
    })
}

fn one(conn: &rusqlite::Connection, cond: &str, value: &str) -> Result<Option<StoredStatusReport>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLS} FROM {FROM} WHERE {cond} AND r.deleted = 0"),
            [value],
            row,
        )
        .optional()?)
}

/// The status report whose file has this SHA-256, if any.
pub fn by_sha256(conn: &rusqlite::Connection, sha256: &str) -> Result<Option<StoredStatusReport>> {
    one(conn, "r.sha256 = ?1", &sha256.to_ascii_lowercase())
}

pub fn by_number(conn: &rusqlite::Connection, number: &str) -> Result<Option<StoredStatusReport>> {
    one(conn, "r.number = ?1", number)
}

/// Every status report on record, newest first.
pub fn all(conn: &rusqlite::Connection) -> Result<Vec<StoredStatusReport>> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM {FROM} WHERE r.deleted = 0 ORDER BY r.signed_at DESC, r.number DESC"
    ))?;
    let rows = st.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The signed PDF of a stored status report, checked against its hash by the blob store (a
/// report synced before its file says so: kind `blob_pending`).
pub fn pdf_of(store: &Store, r: &StoredStatusReport) -> Result<Vec<u8>> {
    store
        .blobs()
        .get_for(&r.sha256, crate::store::blobs::BlobKind::Report)
}

/// The file name a status report numbered `number` is written under:
/// `设备运行状态报告-ZW-ZT2026Q4-01.pdf` (a number is ASCII capitals, digits and hyphens, safe on
/// any file system).
pub fn file_name(number: &str) -> String {
    format!("设备运行状态报告-{number}.pdf")
}

/// What the signed PDF is handed to inside the filing transaction, with its number, before
/// the commit: if that fails — a full disk, a folder that is not there — nothing is recorded,
/// no number is taken, and a retry starts clean.
pub type Deliver<'a> = dyn FnMut(&str, &[u8]) -> Result<()> + 'a;

/// The next number of `engineer_id` for a period ending on `to` (nothing is reserved).
fn peek(conn: &rusqlite::Connection, engineer_id: &str, to: NaiveDate) -> Result<String> {
    let prefix = number::prefix(conn, engineer_id)?;
    let stem = format!("{prefix}-ZT{}Q{}-", to.year(), (to.month() - 1) / 3 + 1);
    let mut st = conn.prepare_cached(
        "SELECT number FROM status_report WHERE number LIKE ?1 || '%' ESCAPE '\\'",
    )?;
    let last = st
        .query_map([crate::store::search::like_escape(&stem)], |r| {
            r.get::<_, String>(0)
        })?
        .filter_map(|n| n.ok()?.strip_prefix(&stem)?.parse::<i64>().ok())
        .max()
        .unwrap_or(0);
    let seq = last.saturating_add(1);
    Ok(format!("{stem}{seq:02}"))
}

/// Refused (kind `report_number_taken`) when another status report took `n` since [`peek`]:
/// the caller signs again under the next number rather than ever issuing one twice.
fn take(tx: &Tx, engineer_id: &str, to: NaiveDate, n: &str) -> Result<()> {
    if peek(tx.conn(), engineer_id, to)? != n {
        return Err(Error::refused(
            "report_number_taken",
            format!("报告编号 {n} 已被占用，请重试"),
            format!("report number {n} was taken meanwhile; try again"),
        ));
    }
    Ok(())
}

/// What was made: the record and, for [`make_into`], where the copy was written.
#[derive(Debug, Clone, Serialize)]
pub struct Made {
    pub report: StoredStatusReport,
    pub path: Option<String>,
    /// Devices reported on and pieces of advice given.
    pub devices: usize,
    pub advice: usize,
}

/// Make, sign and file the status report of `scope` as the current engineer.
pub fn make(store: &mut Store, assets: &ReportAssets, scope: &Scope, lang: Lang) -> Result<Made> {
    make_to(store, assets, scope, lang, &mut |_, _| Ok(()))
}

/// [`make`], writing the signed PDF into the folder `dir` (made if missing) under
/// [`file_name`]. The file is written and made durable inside the transaction (under a
/// temporary name) and takes its name once the report is on record.
pub fn make_into(
    store: &mut Store,
    assets: &ReportAssets,
    scope: &Scope,
    lang: Lang,
    dir: &Path,
) -> Result<Made> {
    // A folder that cannot be made is refused before anything is read or signed.
    crate::files::create_dir("out", dir)?;
    let mut out: Option<Output> = None;
    let mut made = make_to(store, assets, scope, lang, &mut |number, pdf| {
        let mut file = Output::create("out", &dir.join(file_name(number)))?;
        file.write_all(pdf)?;
        out = Some(file);
        Ok(())
    })?;
    if let Some(file) = out {
        made.path = Some(file.path().display().to_string());
        file.publish()?;
    }
    Ok(made)
}

/// [`make`], handing the signed PDF to `deliver` inside the transaction, before the commit
/// (e.g. an [`Output`]'s `write_all`): if that fails, nothing is recorded and no number is
/// taken.
pub fn make_to(
    store: &mut Store,
    assets: &ReportAssets,
    scope: &Scope,
    lang: Lang,
    deliver: &mut Deliver<'_>,
) -> Result<Made> {
    let model = gather::build(store, scope)?;
    let engineer = store.current_engineer().to_string();
    let (identity, cert) = keys::ensure(store, &engineer)?;
    let mut attempts = 0;
    loop {
        match make_once(store, assets, &model, lang, &identity, &cert, deliver) {
            Err(Error::Refused {
                kind: "report_number_taken",
                ..
            }) if attempts < 3 => attempts += 1,
            other => return other,
        }
    }
}

fn make_once(
    store: &mut Store,
    assets: &ReportAssets,
    model: &StatusReport,
    lang: Lang,
    identity: &crate::report::sign::SigningIdentity,
    cert: &keys::EngineerCert,
    deliver: &mut Deliver<'_>,
) -> Result<Made> {
    let engineer = model.engineer_id.clone();
    let now = store.now();
    let n = peek(store.conn(), &engineer, model.to)?;
    let doc = print::doc(model, lang, &n, assets.logo_png.clone(), local_time(now));
    let pdf = render::render_status(&doc, &assets.fonts)?;
    let reason = format!(
        "设备运行状态报告 {} 工程师签署 / device status report signed",
        n
    );
    let signed = sign_pdf_with(
        &pdf,
        identity,
        &SignRequest {
            signing_time: now,
            reason: &reason,
            location: Some(&model.customer),
        },
    )?;
    let report = store.write_with_blobs(&[&signed], |tx, shas| {
        let sha = &shas[0];
        take(tx, &engineer, model.to, &n)?;
        register_blob(tx, sha, signed.len(), "application/pdf")?;
        let r = StoredStatusReport {
            id: new_id(),
            customer_id: model.customer_id.clone(),
            customer: model.customer.clone(),
            site_id: model.site.as_ref().map(|s| s.0.clone()),
            site: model.site.as_ref().map(|s| s.1.clone()),
            period_from: model.from.to_string(),
            period_to: model.to.to_string(),
            number: n.clone(),
            lang: match lang {
                Lang::Zh => "zh",
                Lang::En => "en",
            }
            .into(),
            sha256: sha.clone(),
            size: i64::try_from(signed.len()).unwrap_or(i64::MAX),
            engineer_id: engineer.clone(),
            cert_sha256: cert.cert_sha256.clone(),
            signed_at: now.to_rfc3339(),
        };
        tx.insert(
            "status_report",
            &r.id,
            &[
                ("customer_id", &r.customer_id),
                ("site_id", &r.site_id),
                ("period_from", &r.period_from),
                ("period_to", &r.period_to),
                ("number", &r.number),
                ("lang", &r.lang),
                ("sha256", &r.sha256),
                ("size", &r.size),
                ("engineer_id", &r.engineer_id),
                ("cert_sha256", &r.cert_sha256),
                ("signed_at", &r.signed_at),
            ],
        )?;
        deliver(&r.number, &signed)?;
        Ok(r)
    })?;
    Ok(Made {
        report,
        path: None,
        devices: model.device_count(),
        advice: model.advice.len(),
    })
}
