//! Recorded excuses that pause SLA clocks (seed 000 §6.3: "因乙方所不能控制的原因（如：台风、
//! 地震、交通堵塞、交通事故等）导致无法准时到达现场的情况除外"), and the customer's side (nobody
//! there to open the lane).
//!
//! A pause is an ordinary synced record (`sla_pause`): its reason, who recorded it and when,
//! when the excuse began and — written later, maybe on another laptop — when it ended and who
//! said so. It never stores what it did to a deadline: [`super::clocks`] recomputes that.

use super::ClockKind;
use crate::calendar::Interval;
use crate::domain::values::{code_enum, optional_text, MAX_NOTE_CHARS};
use crate::store::{new_id, Tx};
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Why a clock stopped.
    PauseReason, "sla_pause.reason" {
        Typhoon = "typhoon", "台风", "typhoon";
        Earthquake = "earthquake", "地震", "earthquake";
        Flood = "flood", "暴雨、洪水", "rainstorm or flood";
        RoadClosure = "road_closure", "道路封闭", "road closed";
        TrafficJam = "traffic_jam", "交通堵塞", "traffic jam";
        TrafficAccident = "traffic_accident", "交通事故", "traffic accident";
        CustomerUnavailable = "customer_unavailable", "客户不在场或现场不具备条件", "customer not available";
        Other = "other", "其他（见说明）", "other (see the note)";
    }
);

/// A pause as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub id: String,
    pub work_order_id: String,
    /// The one clock it stops, or `None` for every clock running.
    pub clock: Option<ClockKind>,
    pub reason: PauseReason,
    pub note: Option<String>,
    pub started_at: DateTime<Utc>,
    /// Who recorded it (engineer id and name).
    pub started_by: String,
    pub started_by_name: Option<String>,
    pub recorded_at: Option<DateTime<Utc>>,
    /// `None` while the excuse lasts.
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<String>,
    pub ended_by_name: Option<String>,
}

impl Pause {
    /// Whether it stops the clock at `now`.
    pub fn running_at(&self, now: DateTime<Utc>) -> bool {
        self.started_at <= now && self.ended_at.is_none_or(|e| e > now)
    }

    /// The part of it inside `[from, to)` (a pause still running lasts until `to`), if any.
    pub fn overlap(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<Interval> {
        let start = self.started_at.max(from);
        let end = self.ended_at.map_or(to, |e| e.min(to));
        (end > start).then_some(Interval {
            from: start,
            to: end,
        })
    }
}

/// What recording a pause needs (the CLI's and the app's form).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PauseInput {
    pub work_order_id: String,
    /// A [`PauseReason`] code.
    pub reason: String,
    /// Required for `other`.
    pub note: Option<String>,
    /// A [`ClockKind`] code, or none for every clock.
    pub clock: Option<String>,
    /// When the excuse began (RFC 3339 or `YYYY-MM-DD HH:MM` China time); default now.
    pub started_at: Option<String>,
}

/// How far ahead of the clock a typed time may be (a laptop a few minutes fast).
const FUTURE_SLACK_MINUTES: i64 = 5;

fn when(tx: &Tx, field: &str, typed: Option<&str>) -> Result<DateTime<Utc>> {
    let t = match typed.map(str::trim) {
        None | Some("") => return Ok(tx.now()),
        Some(s) => crate::work_orders::parse_time(field, s)?,
    };
    if t > tx.now() + Duration::minutes(FUTURE_SLACK_MINUTES) {
        return Err(Error::invalid(
            field,
            "时间不能晚于现在",
            "the time is in the future",
        ));
    }
    Ok(t)
}

/// Record that an excuse stops a work order's clocks from `started_at` (default now). The work
/// order must not be signed yet: a signed report's clocks are final.
pub fn record(tx: &Tx, input: &PauseInput) -> Result<Pause> {
    let wo = crate::work_orders::ensure_editable(tx.conn(), &input.work_order_id)?;
    let reason = PauseReason::parse(&input.reason)?;
    let note = optional_text("sla_pause.note", input.note.as_deref(), MAX_NOTE_CHARS)?;
    if reason == PauseReason::Other && note.is_none() {
        return Err(Error::invalid(
            "sla_pause.note",
            "原因为「其他」时须写明说明",
            "a pause for another reason needs a note saying what it was",
        ));
    }
    let clock = input
        .clock
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(ClockKind::parse)
        .transpose()?;
    let started_at = when(tx, "sla_pause.started_at", input.started_at.as_deref())?;
    let reported = crate::views::time::parse(&wo.reported_at);
    if reported.is_some_and(|r| started_at < r) {
        return Err(Error::invalid(
            "sla_pause.started_at",
            "暂停开始时间早于报障时间",
            "the pause starts before the fault was reported",
        ));
    }
    let id = new_id();
    let recorded_at = tx.now();
    tx.insert(
        "sla_pause",
        &id,
        &[
            ("work_order_id", &wo.id),
            ("clock", &clock.map(|c| c.code())),
            ("reason", &reason.code()),
            ("note", &note),
            ("started_at", &started_at.to_rfc3339()),
            ("started_by", &tx.author()),
            ("recorded_at", &recorded_at.to_rfc3339()),
        ],
    )?;
    one(tx.conn(), &id)
}

/// Record that the excuse of pause `id` ended at `ended_at` (default now).
pub fn end(tx: &Tx, id: &str, ended_at: Option<&str>) -> Result<Pause> {
    let p = one(tx.conn(), id)?;
    crate::work_orders::ensure_editable(tx.conn(), &p.work_order_id)?;
    if let Some(at) = p.ended_at {
        return Err(Error::refused(
            "pause_already_ended",
            format!("该暂停已于 {} 结束", crate::views::time::china(at)),
            format!(
                "the pause already ended at {}",
                crate::views::time::china(at)
            ),
        ));
    }
    let at = when(tx, "sla_pause.ended_at", ended_at)?;
    if at < p.started_at {
        return Err(Error::invalid(
            "sla_pause.ended_at",
            "结束时间早于开始时间",
            "the pause ends before it starts",
        ));
    }
    tx.update(
        "sla_pause",
        &p.id,
        &[
            ("ended_at", &at.to_rfc3339()),
            ("ended_by", &tx.author()),
            ("end_recorded_at", &tx.now().to_rfc3339()),
        ],
    )?;
    one(tx.conn(), &p.id)
}

/// End the one pause of a work order still open (what "the typhoon is over" means when one
/// excuse is running); with none or several open, says so and lists them.
pub fn end_open(tx: &Tx, work_order_id: &str, ended_at: Option<&str>) -> Result<Pause> {
    let wo = crate::work_orders::summary_in(tx.conn(), work_order_id)?;
    let open: Vec<Pause> = of_work_order(tx.conn(), &wo.id)?
        .into_iter()
        .filter(|p| p.ended_at.is_none())
        .collect();
    match open.as_slice() {
        [only] => end(tx, &only.id, ended_at),
        [] => Err(Error::refused(
            "no_open_pause",
            "该工单没有未结束的暂停",
            "the work order has no pause still running",
        )),
        several => {
            let ids: Vec<String> = several
                .iter()
                .map(|p| format!("{} ({})", p.id, p.reason.code()))
                .collect();
            Err(Error::refused(
                "several_open_pauses",
                format!(
                    "该工单有 {} 个未结束的暂停，请指明结束哪一个：{}",
                    ids.len(),
                    ids.join("、")
                ),
                format!(
                    "the work order has {} pauses running; name the one to end: {}",
                    ids.len(),
                    ids.join(", ")
                ),
            ))
        }
    }
}

const COLS: &str = "p.id, p.work_order_id, p.clock, p.reason, p.note, p.started_at, p.started_by,
    s.name, p.recorded_at, p.ended_at, p.ended_by, e.name";

const FROM: &str = "sla_pause p LEFT JOIN engineer s ON s.id = p.started_by
    LEFT JOIN engineer e ON e.id = p.ended_by";

type Row = (
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn row(r: &rusqlite::Row) -> rusqlite::Result<Row> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

/// A stored row as a [`Pause`]. A row this version cannot read (a start that is not a time, a
/// reason from a newer weibao) is `None`: it is skipped rather than stopping every clock.
fn pause(r: Row) -> Option<Pause> {
    let time = |s: &str| crate::views::time::parse(s);
    Some(Pause {
        id: r.0,
        work_order_id: r.1,
        clock: match r.2 {
            Some(c) => Some(ClockKind::parse(&c).ok()?),
            None => None,
        },
        reason: PauseReason::parse(&r.3).unwrap_or(PauseReason::Other),
        note: r.4,
        started_at: time(&r.5)?,
        started_by: r.6,
        started_by_name: r.7,
        recorded_at: r.8.as_deref().and_then(time),
        ended_at: match r.9 {
            Some(e) => Some(time(&e)?),
            None => None,
        },
        ended_by: r.10,
        ended_by_name: r.11,
    })
}

/// Every live pause of a work order, oldest first.
pub fn of_work_order(conn: &rusqlite::Connection, work_order_id: &str) -> Result<Vec<Pause>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM {FROM} WHERE p.work_order_id = ?1 AND p.deleted = 0
         ORDER BY p.started_at, p.id"
    ))?;
    let rows = st
        .query_map([work_order_id], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().filter_map(pause).collect())
}

/// One pause by id.
pub fn one(conn: &rusqlite::Connection, id: &str) -> Result<Pause> {
    let r = conn
        .query_row(
            &format!("SELECT {COLS} FROM {FROM} WHERE p.id = ?1 AND p.deleted = 0"),
            [id],
            row,
        )
        .optional()?
        .ok_or_else(|| Error::not_found("sla_pause", id))?;
    pause(r).ok_or_else(|| {
        Error::invalid(
            "sla_pause.started_at",
            "暂停记录的时间无法读取",
            "the pause's times cannot be read",
        )
    })
}
