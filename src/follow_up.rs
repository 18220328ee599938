//! 回访: the service centre calls the customer back — after every closed work order (how was
//! the visit, 满意度), and once a month per customer under contract (anything to report?).
//!
//! What is due is never stored: it is computed from the closed work orders, the contracts in
//! force and the calls recorded ([`due_after_work_orders`], [`due_monthly`]). A call that did
//! not reach anybody is recorded too (the attempt is part of the record) but leaves the item
//! due. A call after a work order is due by the close of the second working day after the day
//! it closed, in the hotline's 5×8 calendar — the very rule a complaint's answer follows
//! ([`crate::complaints::answer_by`]), so the service centre has one notion of "two working
//! days". Calls are written at the office only ([`crate::sync::vet`]).

use crate::calendar::count::local;
use crate::domain::values::{optional_text, required_text, Phone, MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::domain::work_order::WorkOrderState;
use crate::sla::SlaStatus;
use crate::store::{new_id, Store, Tx};
use crate::{Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{named_params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A call time this far ahead of the clock is still "now" (two machines' clocks differ a little).
const FUTURE_SLACK_SECS: i64 = 120;
/// At most this many calls per list (newest first).
pub const MAX_CALLS: i64 = 500;

/// Why the call is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallKind {
    /// After a closed work order.
    WorkOrder,
    /// The customer's call of the month.
    Monthly,
}

impl CallKind {
    pub fn code(self) -> &'static str {
        match self {
            CallKind::WorkOrder => "work_order",
            CallKind::Monthly => "monthly",
        }
    }
}

/// A call as the person who made it writes it down.
#[derive(Debug, Clone, Deserialize)]
pub struct NewCall {
    pub kind: CallKind,
    /// The closed work order (kind `work_order`).
    pub work_order: Option<String>,
    /// The customer, id or name (kind `monthly`).
    pub customer: Option<String>,
    /// `YYYY-MM` (kind `monthly`); blank means the month of the call.
    pub month: Option<String>,
    /// When (RFC 3339 or `YYYY-MM-DD HH:MM` China time); blank means now. Never in the future.
    pub called_at: Option<String>,
    /// Who called; at the office, blank means the person logged in.
    #[serde(default)]
    pub called_by: String,
    /// The person reached and their phone.
    pub person: Option<String>,
    pub phone: Option<String>,
    /// Whether anybody answered: an attempt that reached nobody is kept, the item stays due.
    pub reached: bool,
    /// 1–5, the service record's scale (非常满意 … 很不满意); wanted after a work order.
    pub satisfaction: Option<i64>,
    pub comments: Option<String>,
}

/// A recorded call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    pub id: String,
    pub kind: CallKind,
    pub work_order_id: Option<String>,
    pub customer_id: String,
    pub customer_name: String,
    pub month: Option<String>,
    pub called_at: String,
    pub called_by: String,
    pub person: Option<String>,
    pub phone: Option<String>,
    pub reached: bool,
    pub satisfaction: Option<i64>,
    pub comments: Option<String>,
}

/// A closed work order whose customer has not been reached yet.
#[derive(Debug, Clone, Serialize)]
pub struct WorkOrderDue {
    pub work_order_id: String,
    pub title: String,
    pub customer_id: String,
    pub customer_name: String,
    pub site_name: String,
    pub lane_code: String,
    pub device_code: Option<String>,
    /// First contact of the fault report, else of the customer: whom to call.
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub closed_at: String,
    /// The close of the second working day after the day it closed (5×8).
    pub due: String,
    pub status: SlaStatus,
    /// Calls that reached nobody so far, and the last of them.
    pub attempts: i64,
    pub last_attempt_at: Option<String>,
}

/// A customer with a contract in force in the month and no monthly call that reached them.
#[derive(Debug, Clone, Serialize)]
pub struct MonthlyDue {
    pub customer_id: String,
    pub customer_name: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// The month's unanswered attempts.
    pub attempts: i64,
    /// The customer's most recent call of any kind (reached or not).
    pub last_call: Option<Call>,
}

/// The working days a call after a work order may wait, in the hotline's calendar.
pub fn due_after(closed: DateTime<Utc>) -> Result<DateTime<Utc>> {
    crate::complaints::answer_by(closed)
}

fn status(now: DateTime<Utc>, due: DateTime<Utc>) -> SlaStatus {
    if now > due {
        SlaStatus::Breached
    } else if due - now <= Duration::hours(24) {
        // The last working day's worth of the window, as a complaint's answer is judged.
        SlaStatus::AtRisk
    } else {
        SlaStatus::OnTime
    }
}

/// A month `YYYY-MM`: its first and last day.
pub fn parse_month(field: &str, text: &str) -> Result<(NaiveDate, NaiveDate)> {
    let t = text.trim();
    let first = NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            field,
            format!(
                "月份格式应为 YYYY-MM，收到「{}」",
                crate::domain::values::clip(t)
            ),
            format!(
                "a month is YYYY-MM, got '{}'",
                crate::domain::values::clip(t)
            ),
        )
    })?;
    crate::domain::values::check_date_range(field, first)?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    Ok((first, next.pred_opt().unwrap_or(first)))
}

/// The China-time month of an instant, `YYYY-MM`.
pub fn month_of(t: DateTime<Utc>) -> String {
    let d = local(t).date();
    format!("{:04}-{:02}", d.year(), d.month())
}

fn parse_stored(t: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn closed_at(conn: &rusqlite::Connection, work_order_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT MIN(at) FROM work_order_event
             WHERE work_order_id = ?1 AND to_state = 'closed' AND deleted = 0",
            [work_order_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

fn customer_id(tx: &Tx, customer: &str) -> Result<String> {
    let c = customer.trim();
    if c.is_empty() {
        return Err(Error::invalid(
            "follow_up.customer",
            "请选择回访的客户",
            "choose the customer called",
        ));
    }
    tx.conn()
        .query_row(
            "SELECT id FROM customer WHERE (id = ?1 OR name = ?1) AND deleted = 0",
            [c],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                "follow_up.customer",
                format!("找不到客户「{c}」"),
                format!("no customer {c:?}"),
            )
        })
}

/// The closed work order a call is about, and its customer; anything else is named on
/// `follow_up.work_order`.
fn closed_work_order(tx: &Tx, id: Option<&str>) -> Result<(String, String, DateTime<Utc>)> {
    let id = id.map(str::trim).unwrap_or_default();
    if id.is_empty() {
        return Err(Error::invalid(
            "follow_up.work_order",
            "请选择回访的工单",
            "choose the work order the call is about",
        ));
    }
    let wo = match crate::work_orders::summary_in(tx.conn(), id) {
        Ok(wo) => wo,
        Err(Error::NotFound { .. }) => {
            return Err(Error::invalid(
                "follow_up.work_order",
                format!("找不到工单 {id}"),
                format!("no work order {id}"),
            ))
        }
        Err(e) => return Err(e),
    };
    if wo.state != WorkOrderState::Closed {
        return Err(Error::invalid(
            "follow_up.work_order",
            format!(
                "工单 {} 尚未结案（当前：{}），结案后才回访",
                wo.id,
                wo.state.label_zh()
            ),
            format!(
                "work order {} is not closed (state {}): the call follows the closing",
                wo.id,
                wo.state.code()
            ),
        ));
    }
    let customer: String = tx.conn().query_row(
        "SELECT s.customer_id FROM lane l JOIN site s ON s.id = l.site_id WHERE l.id = ?1",
        [&wo.lane_id],
        |r| r.get(0),
    )?;
    let closed = closed_at(tx.conn(), &wo.id)?
        .as_deref()
        .and_then(parse_stored)
        .unwrap_or_else(|| tx.now());
    Ok((wo.id, customer, closed))
}

/// When the call was made: now if blank; never in the future, nor before `not_before`.
fn call_time(
    tx: &Tx,
    text: Option<&str>,
    not_before: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>> {
    let now = tx.now();
    let at = match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => return Ok(now),
        Some(t) => crate::work_orders::parse_time("follow_up.called_at", t)?,
    };
    if at > now + Duration::seconds(FUTURE_SLACK_SECS) {
        return Err(Error::invalid(
            "follow_up.called_at",
            "回访时间不能晚于现在",
            "the call cannot be in the future",
        ));
    }
    if let Some(nb) = not_before.filter(|nb| at < *nb) {
        return Err(Error::invalid(
            "follow_up.called_at",
            format!(
                "回访时间早于工单结案时间 {}",
                crate::views::time::china_text(&nb.to_rfc3339())
            ),
            format!(
                "the call is before the work order closed ({})",
                nb.to_rfc3339()
            ),
        ));
    }
    Ok(at)
}

/// The service record's satisfaction rule (1–5), named on the call's own field.
fn satisfaction(v: Option<i64>, reached: bool, kind: CallKind) -> Result<Option<i64>> {
    let Some(v) = v else {
        if reached && kind == CallKind::WorkOrder {
            return Err(Error::invalid(
                "follow_up.satisfaction",
                "接通后请记录客户满意度（1–5）",
                "a call that reached the customer records their satisfaction (1–5)",
            ));
        }
        return Ok(None);
    };
    if !reached {
        return Err(Error::invalid(
            "follow_up.satisfaction",
            "未接通的回访没有满意度",
            "a call that reached nobody has no satisfaction",
        ));
    }
    match crate::domain::values::parse_satisfaction(v) {
        Ok(s) => Ok(Some(i64::from(s))),
        Err(Error::Invalid { zh, en, .. }) => Err(Error::invalid("follow_up.satisfaction", zh, en)),
        Err(e) => Err(e),
    }
}

/// Record a call. Every field is checked before anything is written.
pub fn record(tx: &Tx, c: &NewCall) -> Result<Call> {
    let (work_order_id, customer_id, not_before) = match c.kind {
        CallKind::WorkOrder => {
            let (wo, customer, closed) = closed_work_order(tx, c.work_order.as_deref())?;
            (Some(wo), customer, Some(closed))
        }
        CallKind::Monthly => (
            None,
            customer_id(tx, c.customer.as_deref().unwrap_or(""))?,
            None,
        ),
    };
    let at = call_time(tx, c.called_at.as_deref(), not_before)?;
    let month = match c.kind {
        CallKind::WorkOrder => None,
        CallKind::Monthly => {
            let of_call = month_of(at);
            match c.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
                None => Some(of_call),
                Some(m) => {
                    let (first, _) = parse_month("follow_up.month", m)?;
                    let m = format!("{:04}-{:02}", first.year(), first.month());
                    if m != of_call {
                        return Err(Error::invalid(
                            "follow_up.month",
                            format!("回访时间在 {of_call}，不是 {m} 的月度回访"),
                            format!("the call was made in {of_call}, not in {m}"),
                        ));
                    }
                    Some(m)
                }
            }
        }
    };
    let called_by = required_text("follow_up.called_by", &c.called_by, MAX_NAME_CHARS)?;
    let person = optional_text("follow_up.person", c.person.as_deref(), MAX_NAME_CHARS)?;
    let phone = c
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| Phone::parse("follow_up.phone", p))
        .transpose()?
        .map(|p| p.as_str().to_string());
    let sat = satisfaction(c.satisfaction, c.reached, c.kind)?;
    let comments = optional_text("follow_up.comments", c.comments.as_deref(), MAX_NOTE_CHARS)?;
    let id = new_id();
    let reached = i64::from(c.reached);
    tx.insert(
        "follow_up_call",
        &id,
        &[
            ("kind", &c.kind.code()),
            ("work_order_id", &work_order_id),
            ("customer_id", &customer_id),
            ("month", &month),
            ("called_at", &at.to_rfc3339()),
            ("called_by", &called_by),
            ("person", &person),
            ("phone", &phone),
            ("reached", &reached),
            ("satisfaction", &sat),
            ("comments", &comments),
        ],
    )?;
    call(tx.conn(), &id)
}

const CALL_COLS: &str = "f.id, f.kind, f.work_order_id, f.customer_id, k.name, f.month,
    f.called_at, f.called_by, f.person, f.phone, f.reached, f.satisfaction, f.comments";

fn call_row(r: &rusqlite::Row) -> rusqlite::Result<Call> {
    let kind: String = r.get(1)?;
    Ok(Call {
        id: r.get(0)?,
        kind: if kind == "monthly" {
            CallKind::Monthly
        } else {
            CallKind::WorkOrder
        },
        work_order_id: r.get(2)?,
        customer_id: r.get(3)?,
        customer_name: r.get(4)?,
        month: r.get(5)?,
        called_at: r.get(6)?,
        called_by: r.get(7)?,
        person: r.get(8)?,
        phone: r.get(9)?,
        reached: r.get(10)?,
        satisfaction: r.get(11)?,
        comments: r.get(12)?,
    })
}

fn call(conn: &rusqlite::Connection, id: &str) -> Result<Call> {
    conn.query_row(
        &format!(
            "SELECT {CALL_COLS} FROM follow_up_call f JOIN customer k ON k.id = f.customer_id
             WHERE f.id = ?1"
        ),
        [id],
        call_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("follow_up_call", id))
}

/// The recorded calls, newest first (at most [`MAX_CALLS`]); with a customer (id or name),
/// that customer's only.
pub fn calls(store: &Store, customer: Option<&str>) -> Result<Vec<Call>> {
    let customer = match customer.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            store
                .conn()
                .query_row(
                    "SELECT id FROM customer WHERE (id = ?1 OR name = ?1) AND deleted = 0",
                    [c],
                    |r| r.get::<_, String>(0),
                )
                .optional()?
                .ok_or_else(|| {
                    Error::invalid(
                        "follow_up.customer",
                        format!("找不到客户「{c}」"),
                        format!("no customer {c:?}"),
                    )
                })?,
        ),
    };
    let mut st = store.conn().prepare_cached(&format!(
        "SELECT {CALL_COLS} FROM follow_up_call f JOIN customer k ON k.id = f.customer_id
         WHERE f.deleted = 0 AND (:customer IS NULL OR f.customer_id = :customer)
         ORDER BY f.called_at DESC, f.id DESC LIMIT :limit"
    ))?;
    let rows = st.query_map(
        named_params! {":customer": customer, ":limit": MAX_CALLS},
        call_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Closed work orders no call has reached the customer about, the one due first first.
pub fn due_after_work_orders(store: &Store) -> Result<Vec<WorkOrderDue>> {
    let now = store.now();
    let mut st = store.conn().prepare_cached(
        "SELECT w.id, w.title, s.customer_id, k.name, s.name, l.code, d.code,
                (SELECT MIN(e.at) FROM work_order_event e
                  WHERE e.work_order_id = w.id AND e.to_state = 'closed' AND e.deleted = 0),
                (SELECT COUNT(*) FROM follow_up_call f
                  WHERE f.work_order_id = w.id AND f.deleted = 0),
                (SELECT MAX(f.called_at) FROM follow_up_call f
                  WHERE f.work_order_id = w.id AND f.deleted = 0),
                (SELECT fr.contact_name FROM fault_report fr
                  WHERE fr.work_order_id = w.id AND fr.deleted = 0),
                (SELECT fr.contact_phone FROM fault_report fr
                  WHERE fr.work_order_id = w.id AND fr.deleted = 0),
                (SELECT c.name FROM contact c WHERE c.customer_id = s.customer_id
                  AND c.deleted = 0 ORDER BY c.name LIMIT 1),
                (SELECT c.phone FROM contact c WHERE c.customer_id = s.customer_id
                  AND c.deleted = 0 ORDER BY c.name LIMIT 1)
           FROM work_order_now w
           JOIN lane l ON l.id = w.lane_id
           JOIN site s ON s.id = l.site_id
           JOIN customer k ON k.id = s.customer_id
           LEFT JOIN device d ON d.id = w.device_id
          WHERE w.deleted = 0 AND w.state = 'closed'
            AND NOT EXISTS (SELECT 1 FROM follow_up_call f WHERE f.work_order_id = w.id
                            AND f.reached = 1 AND f.deleted = 0)",
    )?;
    let rows = st.query_map([], |r| {
        Ok(WorkOrderDue {
            work_order_id: r.get(0)?,
            title: r.get(1)?,
            customer_id: r.get(2)?,
            customer_name: r.get(3)?,
            site_name: r.get(4)?,
            lane_code: r.get(5)?,
            device_code: r.get(6)?,
            contact_name: r
                .get::<_, Option<String>>(10)?
                .or(r.get::<_, Option<String>>(12)?),
            contact_phone: r
                .get::<_, Option<String>>(11)?
                .or(r.get::<_, Option<String>>(13)?),
            closed_at: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
            due: String::new(),
            status: SlaStatus::OnTime,
            attempts: r.get(8)?,
            last_attempt_at: r.get(9)?,
        })
    })?;
    let mut out = Vec::new();
    for row in rows {
        let mut d = row?;
        let closed = parse_stored(&d.closed_at).unwrap_or(now);
        let due = due_after(closed)?;
        d.due = due.to_rfc3339();
        d.status = status(now, due);
        out.push(d);
    }
    out.sort_by(|a, b| {
        a.due
            .cmp(&b.due)
            .then_with(|| a.work_order_id.cmp(&b.work_order_id))
    });
    Ok(out)
}

/// The month's call list: every customer with a contract in force for any day of `month`
/// (`YYYY-MM`, China time; blank = this month) that no monthly call of that month reached.
pub fn due_monthly(store: &Store, month: Option<&str>) -> Result<(String, Vec<MonthlyDue>)> {
    let month = match month.map(str::trim).filter(|m| !m.is_empty()) {
        None => month_of(store.now()),
        Some(m) => m.to_string(),
    };
    let (first, last) = parse_month("follow_up.month", &month)?;
    let month = format!("{:04}-{:02}", first.year(), first.month());
    let mut st = store.conn().prepare_cached(
        "SELECT k.id, k.name,
                (SELECT c.name FROM contact c WHERE c.customer_id = k.id AND c.deleted = 0
                  ORDER BY c.name LIMIT 1),
                (SELECT c.phone FROM contact c WHERE c.customer_id = k.id AND c.deleted = 0
                  ORDER BY c.name LIMIT 1),
                (SELECT COUNT(*) FROM follow_up_call f WHERE f.customer_id = k.id
                  AND f.kind = 'monthly' AND f.month = :month AND f.deleted = 0),
                (SELECT f.id FROM follow_up_call f WHERE f.customer_id = k.id AND f.deleted = 0
                  ORDER BY f.called_at DESC, f.id DESC LIMIT 1)
           FROM customer k
          WHERE k.deleted = 0
            AND EXISTS (SELECT 1 FROM contract t WHERE t.customer_id = k.id AND t.deleted = 0
                        AND t.start_date <= :last AND t.end_date >= :first)
            AND NOT EXISTS (SELECT 1 FROM follow_up_call f WHERE f.customer_id = k.id
                            AND f.kind = 'monthly' AND f.month = :month AND f.reached = 1
                            AND f.deleted = 0)
          ORDER BY k.name, k.id",
    )?;
    let rows = st.query_map(
        named_params! {
            ":month": month,
            ":first": first.to_string(),
            ":last": last.to_string(),
        },
        |r| {
            Ok((
                MonthlyDue {
                    customer_id: r.get(0)?,
                    customer_name: r.get(1)?,
                    contact_name: r.get(2)?,
                    contact_phone: r.get(3)?,
                    attempts: r.get(4)?,
                    last_call: None,
                },
                r.get::<_, Option<String>>(5)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (mut m, last_call) = row?;
        if let Some(id) = last_call {
            m.last_call = Some(call(store.conn(), &id)?);
        }
        out.push(m);
    }
    Ok((month, out))
}

#[cfg(test)]
#[path = "follow_up_tests.rs"]
mod tests;
