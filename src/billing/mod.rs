//! Billing of a repair (费用): the cause the engineer records, the quote the core computes from
//! the device's warranty, the contract and that cause ([`rules`]), and the customer's consent.
//!
//! The quote is never stored as a verdict: it is computed from the records wherever they are
//! (laptop or office), so a warranty date corrected in the archive or a part added later changes
//! it everywhere alike. What is stored is what people decide: the cause, the labour, travel and
//! survey (`work_order_billing`, edited until the report is signed) and each consent with the
//! total agreed (`billing_consent`, written once). A consent given for another total than the
//! current one no longer counts: the customer agreed to a price, not to whatever it becomes.

pub mod rules;

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

pub use rules::{FaultCause, Line, LineKind, Quote};

use crate::domain::number;
use crate::domain::values::{required_text, Fen, MAX_NAME_CHARS};
use crate::store::{derived_id, Store};
use crate::{work_orders, Error, Result};

/// The most labour one quote may count: a year of one engineer's days (in half days).
const MAX_HALF_DAYS: i64 = 730;
/// Repairs of one device within a year from which the contract says "replace with new" (also
/// one of the upgrade advice rules of the quarterly status report, `crate::status_report`).
pub const REPEAT_LIMIT: i64 = 3;

/// What the engineer enters on the quote. Every field is optional: absent keeps what is stored.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BillingInput {
    /// A [`FaultCause`] code or its Chinese or English label.
    pub cause: Option<String>,
    /// Person-days as typed ("1", "0.5", "１.５"), in half days.
    pub labour_days: Option<String>,
    /// Yuan as typed ("200", "¥150.5").
    pub travel_yuan: Option<String>,
    pub survey_yuan: Option<String>,
}

/// The stored decisions of one work order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stored {
    pub cause: Option<FaultCause>,
    pub labour_half_days: i64,
    pub travel_fen: i64,
    pub survey_fen: i64,
}

/// A consent the customer gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consent {
    pub signer: String,
    pub total_fen: i64,
    pub refurbished_ok: bool,
    pub consented_at: String,
    /// The time as people read it (China time, to the minute).
    pub consented_at_text: String,
}

/// The billing panel of a work order.
#[derive(Debug, Clone, Serialize)]
pub struct BillingView {
    pub stored: Stored,
    pub quote: Quote,
    /// Whether the customer must agree before the work (a billable total, or a refurbished part).
    pub needs_consent: bool,
    /// The consent in force: the latest, if it agreed to the current total.
    pub consent: Option<Consent>,
    /// A consent that was given for another total (the quote changed since).
    pub stale_consent: Option<Consent>,
    /// Refurbished parts were used: new unless the customer agreed in writing.
    pub refurbished_parts: bool,
    /// Repairs of this device within the last year, this one included, when it reaches the
    /// contract's "replace with new" count.
    pub repeat_repairs: Option<i64>,
    pub causes: Vec<CauseChoice>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CauseChoice {
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
}

fn parse_cause(text: &str) -> Result<FaultCause> {
    let t = text.trim();
    FaultCause::ALL
        .iter()
        .copied()
        .find(|c| t == c.code() || t == c.label_zh() || t.eq_ignore_ascii_case(c.label_en()))
        .map_or_else(|| FaultCause::parse(t), Ok)
}

fn parse_half_days(text: &str) -> Result<i64> {
    let bad = || {
        Error::invalid(
            "billing.labour_half_days",
            format!("人工「{text}」应为 0–365 之间、以 0.5 天为单位的天数"),
            format!("labour '{text}' must be 0–365 days in steps of half a day"),
        )
    };
    let v = number::decimal(text).ok_or_else(bad)?;
    let halves = v * 2.0;
    if halves.fract() != 0.0 || !(0.0..=MAX_HALF_DAYS as f64).contains(&halves) {
        return Err(bad());
    }
    // In range and whole, so the conversion is exact.
    Ok(halves as i64)
}

/// The stored decisions of `work_order_id` (all defaults when nothing was entered).
pub fn stored(conn: &rusqlite::Connection, work_order_id: &str) -> Result<Stored> {
    let row: Option<(Option<String>, i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT cause, labour_half_days, travel_fen, survey_fen FROM work_order_billing
             WHERE work_order_id = ?1 AND deleted = 0",
        )?
        .query_row([work_order_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((cause, labour_half_days, travel_fen, survey_fen)) = row else {
        return Ok(Stored::default());
    };
    Ok(Stored {
        // A code from a newer version this one does not know reads as "not recorded".
        cause: cause.and_then(|c| FaultCause::parse(&c).ok()),
        labour_half_days,
        travel_fen,
        survey_fen,
    })
}

/// Record the cause, labour, travel or survey of a work order still open for editing.
pub fn set(store: &mut Store, work_order_id: &str, input: &BillingInput) -> Result<BillingView> {
    let cause = input.cause.as_deref().map(parse_cause).transpose()?;
    let half_days = input
        .labour_days
        .as_deref()
        .map(parse_half_days)
        .transpose()?;
    let travel = input
        .travel_yuan
        .as_deref()
        .map(|v| Fen::parse_yuan("billing.travel_fen", v))
        .transpose()?;
    let survey = input
        .survey_yuan
        .as_deref()
        .map(|v| Fen::parse_yuan("billing.survey_fen", v))
        .transpose()?;
    store.write(|tx| {
        let wo = work_orders::ensure_editable(tx.conn(), work_order_id)?;
        let now = stored(tx.conn(), &wo.id)?;
        let cause_code = cause.or(now.cause).map(|c| c.code().to_string());
        let half = half_days.unwrap_or(now.labour_half_days);
        let travel = travel.map_or(now.travel_fen, |f| f.0);
        let survey = survey.map_or(now.survey_fen, |f| f.0);
        let cols: [(&'static str, &dyn rusqlite::ToSql); 4] = [
            ("cause", &cause_code),
            ("labour_half_days", &half),
            ("travel_fen", &travel),
            ("survey_fen", &survey),
        ];
        let id = derived_id("work_order_billing", &wo.id);
        let exists: bool = tx
            .conn()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM work_order_billing WHERE id = ?1)")?
            .query_row([&id], |r| r.get(0))?;
        if exists {
            tx.update("work_order_billing", &id, &cols)?;
        } else {
            let mut all: Vec<(&'static str, &dyn rusqlite::ToSql)> =
                vec![("work_order_id", &wo.id)];
            all.extend(cols);
            tx.insert("work_order_billing", &id, &all)?;
        }
        Ok(())
    })?;
    view(store, work_order_id)
}

/// The customer agrees to the current quote (and, with `refurbished_ok`, in writing to a
/// refurbished part). Recorded with the total agreed; nothing to agree to is refused.
pub fn consent(
    store: &mut Store,
    work_order_id: &str,
    signer: &str,
    refurbished_ok: bool,
) -> Result<BillingView> {
    let signer = required_text("billing.signer", signer, MAX_NAME_CHARS)?;
    let before = view(store, work_order_id)?;
    if !before.needs_consent {
        return Err(Error::refused(
            "nothing_to_agree",
            "本次维修免费，无需客户确认费用",
            "this repair is free: there is no price for the customer to agree to",
        ));
    }
    let engineer = store.current_engineer().to_string();
    let total = before.quote.total_fen;
    store.write(|tx| {
        let wo = work_orders::ensure_editable(tx.conn(), work_order_id)?;
        let at = tx.now().to_rfc3339();
        let refurb = i64::from(refurbished_ok);
        tx.insert(
            "billing_consent",
            &crate::store::new_id(),
            &[
                ("work_order_id", &wo.id),
                ("signer", &signer),
                ("total_fen", &total),
                ("refurbished_ok", &refurb),
                ("engineer_id", &engineer),
                ("consented_at", &at),
            ],
        )?;
        Ok(())
    })?;
    view(store, work_order_id)
}

fn latest_consent(conn: &rusqlite::Connection, work_order_id: &str) -> Result<Option<Consent>> {
    Ok(conn
        .prepare_cached(
            "SELECT signer, total_fen, refurbished_ok, consented_at FROM billing_consent
             WHERE work_order_id = ?1 AND deleted = 0
             ORDER BY julianday(consented_at) DESC, hlc DESC LIMIT 1",
        )?
        .query_row([work_order_id], |r| {
            let at: String = r.get(3)?;
            Ok(Consent {
                signer: r.get(0)?,
                total_fen: r.get(1)?,
                refurbished_ok: r.get::<_, i64>(2)? != 0,
                consented_at_text: crate::views::time::china_text(&at),
                consented_at: at,
            })
        })
        .optional()?)
}

mod facts;

/// The billing panel of a work order: the stored decisions, the quote, and the consent.
pub fn view(store: &Store, work_order_id: &str) -> Result<BillingView> {
    let conn = store.conn();
    let wo = work_orders::summary_in(conn, work_order_id)?;
    let stored = stored(conn, &wo.id)?;
    let situation = facts::situation(conn, &wo, &stored)?;
    let quote = rules::quote(&situation)?;
    let refurbished_parts = facts::refurbished_used(conn, &wo.id)?;
    let needs_consent = quote.total_fen > 0 || refurbished_parts;
    let latest = latest_consent(conn, &wo.id)?;
    let (consent, stale_consent) = match latest {
        Some(c) if c.total_fen == quote.total_fen && (c.refurbished_ok || !refurbished_parts) => {
            (Some(c), None)
        }
        Some(c) => (None, Some(c)),
        None => (None, None),
    };
    let repairs = match &wo.device_id {
        Some(d) => repairs_within_a_year(conn, d, situation.fault_day)?,
        None => 0,
    };
    Ok(BillingView {
        stored,
        quote,
        needs_consent,
        consent,
        stale_consent,
        refurbished_parts,
        repeat_repairs: (repairs >= REPEAT_LIMIT).then_some(repairs),
        causes: FaultCause::ALL
            .iter()
            .map(|c| CauseChoice {
                code: c.code(),
                label_zh: c.label_zh(),
                label_en: c.label_en(),
            })
            .collect(),
    })
}

/// Whether a visit to `device_id` on `day` would be charged for (its labour billable, the
/// cause assumed a natural failure until the engineer records one), and why: the quote's rule,
/// asked before a work order exists, for the office's fault intake.
pub fn visit_billable(
    conn: &rusqlite::Connection,
    device_id: &str,
    lane_id: &str,
    day: NaiveDate,
) -> Result<(bool, rules::Basis)> {
    let stored = Stored {
        labour_half_days: 1,
        ..Default::default()
    };
    let situation = facts::situation_of(conn, Some(device_id), lane_id, day, &stored)?;
    let q = rules::quote(&situation)?;
    let billable = q
        .lines
        .iter()
        .any(|l| l.kind == LineKind::Labour && l.billable);
    Ok((billable, q.basis))
}

/// Fault repairs of `device_id` reported within a year before `day` (up to and including it):
/// the count the "third repair in a year → replace with new" rule ([`REPEAT_LIMIT`]) is judged
/// on, here for a work order's quote and in the quarterly status report's advice.
pub fn repairs_within_a_year(
    conn: &rusqlite::Connection,
    device_id: &str,
    day: NaiveDate,
) -> Result<i64> {
    facts::repairs_within_a_year(conn, device_id, day)
}

/// The day a fault counts from: when it happened, as reported.
pub(crate) fn fault_day(reported_at: &str) -> Option<NaiveDate> {
    crate::views::time::parse(reported_at).map(crate::checklist::schedule::local_day)
}

#[cfg(test)]
#[path = "billing_tests.rs"]
mod tests;
