//! The customer's confirmation of a work order: a handwritten signature from the signature pad
//! (a PNG with transparency) and the signer's name, or — when the customer will not sign — the
//! refusal and its reason, which the report then states. A record without either is invalid
//! (无客户确认视作无效记录), so a report cannot be finalised without one. A fault resolved
//! without a visit (by phone or remote session, [`crate::resolution`]) has nobody at the lane to
//! hold the pad: its customer confirms on the phone instead, and the person who took that call
//! records who confirmed, on which number ([`confirm_by_phone`]). Only one confirmation is in
//! force: recording one tombstones any other.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::common::register_blob;
use crate::domain::values::{required_text, Phone, MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::domain::work_order::WorkOrderState;
use crate::store::{new_id, Store, Tx};
use crate::work_orders;
use crate::{Error, Result};

/// The customer's confirmation in force for a work order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Confirmation {
    Signed {
        id: String,
        png_sha256: String,
        signer: String,
        /// RFC 3339.
        at: String,
    },
    Refused {
        id: String,
        reason: String,
        at: String,
    },
    /// Confirmed on the phone after a resolution without a visit.
    ByPhone {
        id: String,
        /// Who confirmed for the customer.
        confirmer: String,
        phone: String,
        /// Who took the call and recorded it (a name: staff at the office, an engineer's name
        /// on a laptop).
        recorded_by: String,
        at: String,
    },
}

impl Confirmation {
    /// The confirmation's own id: a report is finalised against this one, not a later one.
    pub fn id(&self) -> &str {
        match self {
            Confirmation::Signed { id, .. }
            | Confirmation::Refused { id, .. }
            | Confirmation::ByPhone { id, .. } => id,
        }
    }
}

/// Store the signature pad's PNG and the signer's name for a work order. Refused unless the
/// work is done (state `resolved`: the customer confirms finished work) and the work order is
/// not yet signed; the PNG must have a transparent background and at least one stroke.
pub fn capture(
    store: &mut Store,
    work_order_id: &str,
    png: &[u8],
    signer: &str,
) -> Result<Confirmation> {
    let signer = required_text("signature.signer", signer, MAX_NAME_CHARS)?;
    check_state(store.conn(), work_order_id)?;
    check_nothing_missing(store.conn(), work_order_id)?;
    let sig = crate::media::import_signature_png(png)?;
    store.write_with_blobs(&[png], |tx, shas| {
        let sha = &shas[0];
        if *sha != sig.sha256 {
            return Err(Error::Report {
                kind: "blob_mismatch",
                zh: "签名图片写入后哈希不符".into(),
                en: "the stored signature image does not match its hash".into(),
            });
        }
        let wo = check_state(tx.conn(), work_order_id)?;
        check_nothing_missing(tx.conn(), work_order_id)?;
        register_blob(tx, sha, png.len(), "image/png")?;
        replace(tx, &wo, Some((sha, &signer)), None)
    })
}

/// Record that the customer refused to sign, and why (the report prints the reason).
pub fn refuse(store: &mut Store, work_order_id: &str, reason: &str) -> Result<Confirmation> {
    let reason = required_text("signature.refusal_reason", reason, MAX_NOTE_CHARS)?;
    store.write(|tx| {
        let wo = check_state(tx.conn(), work_order_id)?;
        replace(tx, &wo, None, Some(&reason))
    })
}

/// Record that the customer confirmed a work order resolved without a visit on the phone:
/// `confirmer` for the customer, reached on `phone`. Refused for work done on site (the customer
/// was there: a signature or a recorded refusal), before the work is resolved, and while the
/// service record is incomplete.
pub fn confirm_by_phone(
    store: &mut Store,
    work_order_id: &str,
    confirmer: &str,
    phone: &str,
) -> Result<Confirmation> {
    let confirmer = required_text("phone_confirmation.confirmer", confirmer, MAX_NAME_CHARS)?;
    let phone = Phone::parse("phone_confirmation.phone", phone)?;
    store.write(|tx| confirm_by_phone_in(tx, work_order_id, &confirmer, phone.as_str()))
}

/// [`confirm_by_phone`] inside a transaction that may have just resolved the work order.
pub(crate) fn confirm_by_phone_in(
    tx: &Tx,
    work_order_id: &str,
    confirmer: &str,
    phone: &str,
) -> Result<Confirmation> {
    let wo = check_state(tx.conn(), work_order_id)?;
    if crate::resolution::of(tx.conn(), &wo)?.is_none() {
        return Err(Error::refused(
            "confirmation_needs_signature",
            "该工单是到场服务：客户须当面签字（或记录拒签及原因），电话确认只用于未到场解决的故障",
            "this work was done on site: the customer signs there (or the refusal is recorded); \
             a phone confirmation is only for a fault resolved without a visit",
        ));
    }
    check_nothing_missing(tx.conn(), &wo)?;
    tombstone_all(tx, &wo)?;
    let id = new_id();
    let at = tx.now().to_rfc3339();
    tx.insert(
        "phone_confirmation",
        &id,
        &[
            ("work_order_id", &wo),
            ("confirmer", &confirmer),
            ("phone", &phone),
            ("confirmed_at", &at),
        ],
    )?;
    Ok(Confirmation::ByPhone {
        id,
        confirmer: confirmer.to_string(),
        phone: phone.to_string(),
        recorded_by: name_of(tx.conn(), tx.author())?,
        at,
    })
}

/// The confirmation in force for a work order, if any: the latest of a drawn signature, a
/// refusal and a phone confirmation (two replicas may each have recorded one before they met).
pub fn current(conn: &rusqlite::Connection, work_order_id: &str) -> Result<Option<Confirmation>> {
    let drawn = drawn_or_refused(conn, work_order_id)?;
    let phoned = by_phone(conn, work_order_id)?;
    Ok(match (drawn, phoned) {
        (Some((a, _)), Some((b, c))) if b > a => Some(c),
        (Some((_, c)), _) | (None, Some((_, c))) => Some(c),
        (None, None) => None,
    })
}

/// A name for who recorded something: an engineer's id reads as their name, anything else
/// (the office writes as the staff member's name) as itself.
fn name_of(conn: &rusqlite::Connection, author: &str) -> Result<String> {
    let name: Option<String> = conn
        .prepare_cached("SELECT name FROM engineer WHERE id = ?1")?
        .query_row([author], |r| r.get(0))
        .optional()?;
    Ok(name.unwrap_or_else(|| author.to_string()))
}

fn by_phone(
    conn: &rusqlite::Connection,
    work_order_id: &str,
) -> Result<Option<(String, Confirmation)>> {
    let row: Option<(String, String, String, String, String, String)> = conn
        .prepare_cached(
            "SELECT hlc, id, confirmer, phone, created_by, confirmed_at
             FROM phone_confirmation WHERE work_order_id = ?1 AND deleted = 0
             ORDER BY hlc DESC LIMIT 1",
        )?
        .query_row([work_order_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let Some((hlc, id, confirmer, phone, by, at)) = row else {
        return Ok(None);
    };
    let recorded_by = name_of(conn, &by)?;
    Ok(Some((
        hlc,
        Confirmation::ByPhone {
            id,
            confirmer,
            phone,
            recorded_by,
            at,
        },
    )))
}

fn drawn_or_refused(
    conn: &rusqlite::Connection,
    work_order_id: &str,
) -> Result<Option<(String, Confirmation)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, png_sha256, signer_name, refused, refusal_reason, signed_at, hlc
             FROM customer_signature WHERE work_order_id = ?1 AND deleted = 0
             ORDER BY hlc DESC LIMIT 1",
        )?
        .query_row([work_order_id], |r| {
            let refused: bool = r.get(3)?;
            let hlc: String = r.get(6)?;
            Ok((
                hlc,
                if refused {
                    Confirmation::Refused {
                        id: r.get(0)?,
                        reason: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                        at: r.get(5)?,
                    }
                } else {
                    Confirmation::Signed {
                        id: r.get(0)?,
                        png_sha256: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        signer: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        at: r.get(5)?,
                    }
                },
            ))
        })
        .optional()?)
}

/// The work order must be `resolved`: before that there is nothing to confirm, after it the
/// record is signed and final.
fn check_state(conn: &rusqlite::Connection, work_order_id: &str) -> Result<String> {
    let wo = work_orders::ensure_editable(conn, work_order_id)?;
    if wo.state != WorkOrderState::Resolved {
        return Err(Error::refused(
            "not_resolved",
            format!(
                "工单 {} 尚未解决（当前：{}），客户只能确认已完成的工作",
                wo.id,
                wo.state.label_zh()
            ),
            format!(
                "work order {} is not resolved yet (state {}): the customer confirms finished work",
                wo.id,
                wo.state.code()
            ),
        ));
    }
    Ok(wo.id)
}

/// The fields that must be stored before the customer signs, still missing: a repair's service
/// record (state found, actions taken — what the customer confirms by signing). An inspection's
/// work order needs none (its checklist is the record). The work-order screen asks for these
/// *before* showing the signature pad, so the customer never signs twice because the app
/// asked too late; [`capture`] refuses while any is missing, before anything is stored.
pub fn missing_before_signing(
    conn: &rusqlite::Connection,
    work_order_id: &str,
) -> Result<Vec<&'static str>> {
    let wo = work_orders::summary_in(conn, work_order_id)?;
    if wo.kind == crate::domain::work_order::WorkOrderKind::Inspection {
        return Ok(Vec::new());
    }
    let stored: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached(
            "SELECT found_state, process FROM service_record
             WHERE work_order_id = ?1 AND deleted = 0",
        )?
        .query_row([work_order_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (found_state, process) = stored.unwrap_or_default();
    let (found_state, process) = (found_state.unwrap_or_default(), process.unwrap_or_default());
    Ok(crate::domain::work_order::ServiceRecordInput {
        found_state,
        process,
        ..Default::default()
    }
    .missing())
}

fn check_nothing_missing(conn: &rusqlite::Connection, work_order_id: &str) -> Result<()> {
    let missing = missing_before_signing(conn, work_order_id)?;
    if missing.is_empty() {
        return Ok(());
    }
    let names = |lang| {
        missing
            .iter()
            .map(|f| crate::fields::label(f, lang))
            .collect::<Vec<_>>()
    };
    Err(Error::refused(
        "service_record_required",
        format!(
            "请先填写服务记录（{}），再请客户签字",
            names(crate::Lang::Zh).join("、")
        ),
        format!(
            "fill in the service record ({}) before the customer signs",
            names(crate::Lang::En).join(", ")
        ),
    ))
}

/// Tombstone the previous confirmation (if any) and insert the new one, in one transaction.
fn replace(
    tx: &Tx,
    work_order_id: &str,
    signed: Option<(&str, &str)>,
    refusal: Option<&str>,
) -> Result<Confirmation> {
    tombstone_all(tx, work_order_id)?;
    let id = new_id();
    let at = tx.now().to_rfc3339();
    let png = signed.map(|s| s.0);
    let signer = signed.map(|s| s.1);
    let refused = refusal.is_some();
    let c = match (signed, refusal) {
        (Some((sha, name)), _) => Confirmation::Signed {
            id: id.clone(),
            png_sha256: sha.to_string(),
            signer: name.to_string(),
            at: at.clone(),
        },
        (None, reason) => Confirmation::Refused {
            id: id.clone(),
            reason: reason.unwrap_or_default().to_string(),
            at: at.clone(),
        },
    };
    tx.insert(
        "customer_signature",
        &id,
        &[
            ("work_order_id", &work_order_id),
            ("png_sha256", &png),
            ("signer_name", &signer),
            ("refused", &refused),
            ("refusal_reason", &refusal),
            ("signed_at", &at),
        ],
    )?;
    Ok(c)
}

/// Tombstone every live confirmation of a work order (drawn, refused or by phone): the one
/// recorded next is then the only one in force.
fn tombstone_all(tx: &Tx, work_order_id: &str) -> Result<()> {
    for table in ["customer_signature", "phone_confirmation"] {
        // The table name is one of the two constants above, never input.
        let previous: Vec<String> = tx
            .conn()
            .prepare_cached(&format!(
                "SELECT id FROM {table} WHERE work_order_id = ?1 AND deleted = 0"
            ))?
            .query_map([work_order_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for p in previous {
            tx.tombstone(table, &p)?;
        }
    }
    Ok(())
}
