//! Customer complaints (客户服务投诉处理记录表), kept by the service centre at the office.
//!
//! The seed's procedure: the complaint is registered with who took it, when, the customer (and
//! project), the complainant, how to reach them and what they want; the investigation's result
//! and a first course of action go back to the customer **by the second working day**; the
//! correction is made and recorded; the customer is called back and their opinion,
//! satisfaction and a summary close it. Each step is a set of fields of one record; its state
//! and the answer clock are computed from them, never stored.
//!
//! The answer deadline is the close of business of the second working day after the day the
//! complaint was received, in the 5×8 hotline calendar (public holidays off, make-up days
//! worked): received Friday, answered by Tuesday 18:00. Complaints are numbered `TS-YYYY-NNNN`
//! at the office, which alone writes them ([`crate::sync::vet`]), so numbers never clash.

use crate::calendar::{self, count::Counter};
use crate::domain::values::{optional_text, required_text, MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::sla::SlaStatus;
use crate::store::{new_id, Store, Tx};
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// The calendar the answer is due in: the service centre's own hours.
pub const ANSWER_CALENDAR: &str = "5x8";
/// Working days after the day received by which the customer must have the answer.
pub const ANSWER_WORKING_DAYS: u32 = 2;

/// A new complaint as the person who took it writes it down.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewComplaint {
    /// The customer (id or name).
    pub customer: String,
    pub project: Option<String>,
    pub complainant: String,
    pub phone: Option<String>,
    /// 投诉内容和要求.
    pub content: String,
    /// Who took it (受理人); at the office, blank means the person logged in.
    #[serde(default)]
    pub taken_by: String,
}

/// The later steps; each is written once it is known (absent fields are left as they are).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ComplaintStep {
    /// 投诉调查结果 and 初步处理意见: together they are the answer the customer gets.
    pub investigation: Option<String>,
    pub initial_action: Option<String>,
    /// 服务人员（部门）and 服务纠正、改进过程: with them the correction is complete.
    pub handled_by: Option<String>,
    pub correction: Option<String>,
    /// 客户意见, 客户满意度 (1–5) and 投诉处理总结: with them the complaint is closed.
    pub customer_opinion: Option<String>,
    pub satisfaction: Option<i64>,
    pub summary: Option<String>,
}

crate::domain::values::code_enum!(
    /// Where a complaint stands (its labels are what every screen shows).
    ComplaintState, "complaint.state" {
        Received = "received", "已受理", "received";
        Answered = "answered", "已答复", "answered";
        Corrected = "corrected", "已纠正", "corrected";
        Closed = "closed", "已关闭", "closed";
    }
);

#[derive(Debug, Clone, Serialize)]
pub struct Complaint {
    pub id: String,
    pub number: String,
    pub received_at: String,
    pub taken_by: String,
    pub customer_id: String,
    pub customer_name: String,
    pub project: Option<String>,
    pub complainant: String,
    pub phone: Option<String>,
    pub content: String,
    pub investigation: Option<String>,
    pub initial_action: Option<String>,
    pub answered_at: Option<String>,
    pub handled_by: Option<String>,
    pub correction: Option<String>,
    pub completed_at: Option<String>,
    pub feedback_at: Option<String>,
    pub customer_opinion: Option<String>,
    pub satisfaction: Option<i64>,
    pub summary: Option<String>,
    pub closed_at: Option<String>,
    pub state: ComplaintState,
    /// When the answer is due, and how that clock stands now.
    pub answer_by: String,
    pub answer_status: SlaStatus,
}

/// The close of business of the [`ANSWER_WORKING_DAYS`]th working day after the day `received`.
pub fn answer_by(received: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let set = calendar::active();
    let cal = set.get_or_builtin(ANSWER_CALENDAR).ok_or_else(|| {
        Error::invalid(
            "complaint.calendar",
            format!("没有日历 {ANSWER_CALENDAR}"),
            format!("no calendar {ANSWER_CALENDAR}"),
        )
    })?;
    let counter = Counter {
        set: &set,
        calendar: &cal,
        extra_off: &[],
    };
    let close = cal.hours.last().map_or(18 * 60, |(_, end)| *end);
    let mut day: NaiveDate = calendar::count::local(received).date();
    let mut worked = 0;
    // Bounded: a calendar with no working day would otherwise never end (a month is plenty for
    // any real one, Spring Festival included).
    for _ in 0..60 {
        day = day.succ_opt().unwrap_or(day);
        if counter.day(day).0 {
            worked += 1;
            if worked == ANSWER_WORKING_DAYS {
                let at = day.and_hms_opt(0, 0, 0).unwrap_or_default()
                    + Duration::minutes(i64::from(close));
                return Ok(calendar::count::instant(at));
            }
        }
    }
    Ok(received + Duration::days(2))
}

fn status(now: DateTime<Utc>, due: DateTime<Utc>, answered: Option<DateTime<Utc>>) -> SlaStatus {
    match answered {
        Some(a) if a <= due => SlaStatus::Met,
        Some(_) => SlaStatus::Breached,
        None if now > due => SlaStatus::Breached,
        // The last quarter of the window, as the SLA clocks judge "at risk"; a day is enough.
        None if due - now <= Duration::hours(24) => SlaStatus::AtRisk,
        None => SlaStatus::OnTime,
    }
}

fn customer_id(tx: &Tx, customer: &str) -> Result<String> {
    tx.conn()
        .query_row(
            "SELECT id FROM customer WHERE (id = ?1 OR name = ?1) AND deleted = 0",
            [customer.trim()],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                "complaint.customer",
                format!("找不到客户「{}」", customer.trim()),
                format!("no customer {:?}", customer.trim()),
            )
        })
}

/// Register a complaint; it gets the next number of the year.
pub fn register(tx: &Tx, c: &NewComplaint) -> Result<Complaint> {
    let customer_id = customer_id(tx, &c.customer)?;
    let complainant = required_text("complaint.complainant", &c.complainant, MAX_NAME_CHARS)?;
    let content = required_text("complaint.content", &c.content, MAX_NOTE_CHARS)?;
    let taken_by = required_text("complaint.taken_by", &c.taken_by, MAX_NAME_CHARS)?;
    let project = optional_text("complaint.project", c.project.as_deref(), MAX_NAME_CHARS)?;
    let phone = c
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| crate::domain::values::Phone::parse("complaint.phone", p))
        .transpose()?
        .map(|p| p.as_str().to_string());
    let now = tx.now();
    let year = calendar::count::local(now).format("%Y").to_string();
    let taken: i64 = tx.conn().query_row(
        "SELECT COUNT(*) FROM complaint WHERE number LIKE ?1",
        [format!("TS-{year}-%")],
        |r| r.get(0),
    )?;
    let number = format!("TS-{year}-{:04}", taken.saturating_add(1));
    let id = new_id();
    tx.insert(
        "complaint",
        &id,
        &[
            ("number", &number),
            ("received_at", &now.to_rfc3339()),
            ("taken_by", &taken_by),
            ("customer_id", &customer_id),
            ("project", &project),
            ("complainant", &complainant),
            ("phone", &phone),
            ("content", &content),
        ],
    )?;
    complaint_in(tx.conn(), &id, now)
}

/// Record a step. The answer needs both the investigation and the first action; closing
/// needs the correction first, and the opinion, a satisfaction of 1 to 5 and the summary.
pub fn record(tx: &Tx, id_or_number: &str, s: &ComplaintStep) -> Result<Complaint> {
    let now = tx.now();
    let c = complaint_in(tx.conn(), id_or_number, now)?;
    if c.state == ComplaintState::Closed {
        return Err(Error::refused(
            "complaint_closed",
            format!("投诉 {} 已结案，不能再修改", c.number),
            format!("complaint {} is closed and cannot change", c.number),
        ));
    }
    let text = |f: &str, v: &Option<String>| optional_text(f, v.as_deref(), MAX_NOTE_CHARS);
    let investigation =
        text("complaint.investigation", &s.investigation)?.or(c.investigation.clone());
    let initial_action =
        text("complaint.initial_action", &s.initial_action)?.or(c.initial_action.clone());
    let handled_by = text("complaint.handled_by", &s.handled_by)?.or(c.handled_by.clone());
    let correction = text("complaint.correction", &s.correction)?.or(c.correction.clone());
    let opinion = text("complaint.customer_opinion", &s.customer_opinion)?;
    let summary = text("complaint.summary", &s.summary)?;
    if let Some(n) = s.satisfaction {
        if !(1..=5).contains(&n) {
            return Err(Error::invalid(
                "complaint.satisfaction",
                format!("客户满意度应为 1 到 5，而不是 {n}"),
                format!("satisfaction must be 1 to 5, not {n}"),
            ));
        }
    }
    let closing = opinion.is_some() || s.satisfaction.is_some() || summary.is_some();
    if closing {
        let missing: Vec<&str> = [
            (correction.is_none(), "complaint.correction"),
            (opinion.is_none(), "complaint.customer_opinion"),
            (s.satisfaction.is_none(), "complaint.satisfaction"),
            (summary.is_none(), "complaint.summary"),
        ]
        .into_iter()
        .filter_map(|(m, f)| m.then_some(f))
        .collect();
        if let Some(first) = missing.first() {
            return Err(Error::invalid(
                *first,
                "结案需先完成纠正改进，并填写客户意见、满意度和处理总结",
                "closing needs the correction done, and the customer's opinion, satisfaction and the summary",
            ));
        }
    }
    let at = now.to_rfc3339();
    let answered_at = c
        .answered_at
        .clone()
        .or_else(|| (investigation.is_some() && initial_action.is_some()).then(|| at.clone()));
    let completed_at = c
        .completed_at
        .clone()
        .or_else(|| (handled_by.is_some() && correction.is_some()).then(|| at.clone()));
    tx.update(
        "complaint",
        &c.id,
        &[
            ("investigation", &investigation),
            ("initial_action", &initial_action),
            ("answered_at", &answered_at),
            ("handled_by", &handled_by),
            ("correction", &correction),
            ("completed_at", &completed_at),
        ],
    )?;
    if closing {
        tx.update(
            "complaint",
            &c.id,
            &[
                ("feedback_at", &at),
                ("customer_opinion", &opinion),
                ("satisfaction", &s.satisfaction),
                ("summary", &summary),
                ("closed_at", &at),
            ],
        )?;
    }
    complaint_in(tx.conn(), &c.id, now)
}

fn parse(t: &Option<String>) -> Option<DateTime<Utc>> {
    t.as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
}

const COLS: &str = "c.id, c.number, c.received_at, c.taken_by, c.customer_id, k.name, c.project,
    c.complainant, c.phone, c.content, c.investigation, c.initial_action, c.answered_at,
    c.handled_by, c.correction, c.completed_at, c.feedback_at, c.customer_opinion,
    c.satisfaction, c.summary, c.closed_at";

fn from_row(r: &rusqlite::Row, now: DateTime<Utc>) -> rusqlite::Result<Result<Complaint>> {
    let received_at: String = r.get(2)?;
    let mut c = Complaint {
        id: r.get(0)?,
        number: r.get(1)?,
        received_at: received_at.clone(),
        taken_by: r.get(3)?,
        customer_id: r.get(4)?,
        customer_name: r.get(5)?,
        project: r.get(6)?,
        complainant: r.get(7)?,
        phone: r.get(8)?,
        content: r.get(9)?,
        investigation: r.get(10)?,
        initial_action: r.get(11)?,
        answered_at: r.get(12)?,
        handled_by: r.get(13)?,
        correction: r.get(14)?,
        completed_at: r.get(15)?,
        feedback_at: r.get(16)?,
        customer_opinion: r.get(17)?,
        satisfaction: r.get(18)?,
        summary: r.get(19)?,
        closed_at: r.get(20)?,
        state: ComplaintState::Received,
        answer_by: String::new(),
        answer_status: SlaStatus::OnTime,
    };
    c.state = if c.closed_at.is_some() {
        ComplaintState::Closed
    } else if c.completed_at.is_some() {
        ComplaintState::Corrected
    } else if c.answered_at.is_some() {
        ComplaintState::Answered
    } else {
        ComplaintState::Received
    };
    let Some(received) = parse(&Some(received_at)) else {
        return Ok(Err(Error::invalid(
            "complaint.received_at",
            "投诉时间无法读取",
            "the complaint's time cannot be read",
        )));
    };
    Ok(answer_by(received).map(|due| {
        c.answer_by = due.to_rfc3339();
        c.answer_status = status(now, due, parse(&c.answered_at));
        c
    }))
}

fn complaint_in(
    conn: &rusqlite::Connection,
    id_or_number: &str,
    now: DateTime<Utc>,
) -> Result<Complaint> {
    conn.query_row(
        &format!(
            "SELECT {COLS} FROM complaint c JOIN customer k ON k.id = c.customer_id
             WHERE (c.id = ?1 OR c.number = ?1) AND c.deleted = 0"
        ),
        [id_or_number.trim()],
        |r| from_row(r, now),
    )
    .optional()?
    .ok_or_else(|| Error::not_found("complaint", id_or_number))?
}

/// One complaint by id or number, judged at the store's clock.
pub fn complaint(store: &Store, id_or_number: &str) -> Result<Complaint> {
    complaint_in(store.conn(), id_or_number, store.now())
}

/// Open complaints first (the answer due soonest first), then closed ones, newest first.
pub fn list(store: &Store) -> Result<Vec<Complaint>> {
    let now = store.now();
    let mut st = store.conn().prepare(&format!(
        "SELECT {COLS} FROM complaint c JOIN customer k ON k.id = c.customer_id
         WHERE c.deleted = 0 ORDER BY c.received_at DESC"
    ))?;
    let rows = st.query_map([], |r| from_row(r, now))?;
    let mut out: Vec<Complaint> = rows.map(|r| r?).collect::<Result<_>>()?;
    out.sort_by(|a, b| {
        (a.state == ComplaintState::Closed)
            .cmp(&(b.state == ComplaintState::Closed))
            .then_with(|| match a.state {
                ComplaintState::Closed => b.received_at.cmp(&a.received_at),
                _ => a.answer_by.cmp(&b.answer_by),
            })
    });
    Ok(out)
}
