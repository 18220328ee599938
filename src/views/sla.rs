//! SLA clocks at a glance: for each clock of a work order (first response, on site, repair,
//! replacement part, spare unit), the calendar it counts in, its deadline in China time and
//! whether it is on time, at risk, breached, met or paused — plus the pauses and warnings.
//!
//! Nothing here is stored: [`crate::sla::clocks`] computes every clock from the records at the
//! store's clock (never the laptop's browser clock, so tests can put "now" anywhere and the
//! office sees the same), and this only words the result for the screens and the CLI. Once a
//! step has happened its clock is judged by when it happened: an engineer on site before the
//! deadline is "met", however late it is now.

use super::time;
use crate::domain::work_order::WorkOrderState;
use crate::sla::{ClockState, Clocks, Pause, PauseReason};
use crate::store::Store;
use crate::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub use crate::sla::{judge, ClockKind, Note, SlaStatus, Step};

/// One clock of one work order, judged, with its times in China Standard Time.
#[derive(Debug, Clone, Serialize)]
pub struct SlaClock {
    pub kind: ClockKind,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// The work-order step that stops it: `responded`, `on_site`, or `resolved` (for the repair,
    /// part and spare-unit clocks, which fitting a part or a spare unit may also stop).
    pub step: WorkOrderState,
    /// The calendar it counts in (an id of the calendar files) and its name.
    pub calendar: String,
    pub calendar_zh: String,
    pub calendar_en: String,
    /// The contract's limit, in minutes of that calendar, and as people say it.
    pub minutes: i64,
    pub limit_zh: String,
    pub limit_en: String,
    pub starts_text: String,
    /// The deadline, pauses included (RFC 3339).
    pub deadline: String,
    pub deadline_text: String,
    pub status: SlaStatus,
    /// When the step happened, if it has and the time is known.
    pub done_at_text: Option<String>,
    /// How far the pauses moved the deadline, in minutes (0 without pauses).
    pub paused_minutes: i64,
    /// Why this calendar or limit applies, where a rule chose it (an emergency, its quota).
    pub rule_zh: Option<String>,
    pub rule_en: Option<String>,
}

/// One recorded excuse, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct PauseRow {
    pub id: String,
    /// The one clock it stops, or none for all.
    pub clock: Option<ClockKind>,
    pub reason: PauseReason,
    pub reason_zh: &'static str,
    pub reason_en: &'static str,
    pub note: Option<String>,
    pub started_at_text: String,
    pub started_by: Option<String>,
    pub ended_at_text: Option<String>,
    pub ended_by: Option<String>,
    /// Still stopping the clocks now.
    pub running: bool,
}

/// The SLA of one work order: every clock, its pauses, and what the reader must know.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SlaView {
    pub clocks: Vec<SlaClock>,
    pub pauses: Vec<PauseRow>,
    pub warnings: Vec<Note>,
}

impl SlaView {
    pub fn get(&self, kind: ClockKind) -> Option<&SlaClock> {
        self.clocks.iter().find(|c| c.kind == kind)
    }
}

/// A limit as contracts state it: "30 分钟", "24 小时", "28 小时", "1 小时 30 分钟" (hours, never
/// days: the seeds say 36 and 48 hours), and the English.
pub fn limit_text(minutes: i64) -> (String, String) {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => (format!("{m} 分钟"), format!("{m} min")),
        (h, 0) => (format!("{h} 小时"), format!("{h} h")),
        (h, m) => (format!("{h} 小时 {m} 分钟"), format!("{h} h {m} min")),
    }
}

fn step_of(kind: ClockKind) -> WorkOrderState {
    match kind {
        ClockKind::Response => WorkOrderState::Responded,
        ClockKind::OnSite => WorkOrderState::OnSite,
        ClockKind::Repair | ClockKind::Part | ClockKind::SpareUnit => WorkOrderState::Resolved,
    }
}

fn clock_row(c: &ClockState) -> SlaClock {
    let (limit_zh, limit_en) = limit_text(c.minutes);
    SlaClock {
        kind: c.kind,
        label_zh: c.kind.label_zh(),
        label_en: c.kind.label_en(),
        step: step_of(c.kind),
        calendar: c.calendar.id.clone(),
        calendar_zh: c.calendar.name_zh.clone(),
        calendar_en: c.calendar.name_en().to_string(),
        minutes: c.minutes,
        limit_zh,
        limit_en,
        starts_text: time::china(c.starts),
        deadline: c.deadline.to_rfc3339(),
        deadline_text: time::china(c.deadline),
        status: c.status,
        done_at_text: match c.done {
            Step::Done(Some(at)) => Some(time::china(at)),
            _ => None,
        },
        paused_minutes: (c.deadline - c.unpaused_deadline).num_minutes().max(0),
        rule_zh: c.rule.as_ref().map(|r| r.zh.clone()),
        rule_en: c.rule.as_ref().map(|r| r.en.clone()),
    }
}

fn pause_row(p: &Pause, now: DateTime<Utc>) -> PauseRow {
    PauseRow {
        id: p.id.clone(),
        clock: p.clock,
        reason: p.reason,
        reason_zh: p.reason.label_zh(),
        reason_en: p.reason.label_en(),
        note: p.note.clone(),
        started_at_text: time::china(p.started_at),
        started_by: p.started_by_name.clone().or(Some(p.started_by.clone())),
        ended_at_text: p.ended_at.map(time::china),
        ended_by: p.ended_by_name.clone().or(p.ended_by.clone()),
        running: p.running_at(now),
    }
}

/// The computed clocks, worded.
pub fn view_of(clocks: &Clocks, pauses: &[Pause], now: DateTime<Utc>) -> SlaView {
    SlaView {
        clocks: clocks.clocks.iter().map(clock_row).collect(),
        pauses: pauses.iter().map(|p| pause_row(p, now)).collect(),
        warnings: clocks.warnings.clone(),
    }
}

/// The SLA of work order `id` at the store's clock.
pub fn of_work_order(store: &Store, id: &str) -> Result<SlaView> {
    let now = store.now();
    let Some(rec) = crate::sla::records::read(store.conn(), id)? else {
        return Ok(SlaView::default());
    };
    let clocks = crate::sla::clocks(&rec, &crate::calendar::active(), now);
    Ok(view_of(&clocks, &rec.pauses, now))
}

/// The clock of a deadline stored with a work order (`respond_by`, `on_site_by`), or `None` when
/// it has none or the stored value is not a time. For records that carry only the deadline.
pub fn clock(
    step: WorkOrderState,
    opened: &str,
    deadline: Option<&str>,
    done: Step,
    now: DateTime<Utc>,
) -> Option<SlaClock> {
    let stored = deadline?;
    let due = time::parse(stored)?;
    let opened = time::parse(opened).unwrap_or(due);
    let kind = match step {
        WorkOrderState::Responded => ClockKind::Response,
        WorkOrderState::OnSite => ClockKind::OnSite,
        _ => ClockKind::Repair,
    };
    let minutes = (due - opened).num_minutes().max(0);
    let (limit_zh, limit_en) = limit_text(minutes);
    Some(SlaClock {
        kind,
        label_zh: kind.label_zh(),
        label_en: kind.label_en(),
        step,
        calendar: String::new(),
        calendar_zh: String::new(),
        calendar_en: String::new(),
        minutes,
        limit_zh,
        limit_en,
        starts_text: time::china(opened),
        deadline: stored.to_string(),
        deadline_text: time::china(due),
        status: judge(opened, due, done, now),
        done_at_text: match done {
            Step::Done(Some(at)) => Some(time::china(at)),
            _ => None,
        },
        paused_minutes: 0,
        rule_zh: None,
        rule_en: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Clock, FakeClock};
    use chrono::{Duration, TimeZone};

    /// A fault reported at 10:00 China time with a 30-minute response deadline.
    fn reported() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0)
            .single()
            .expect("a valid instant")
    }

    fn respond_by() -> DateTime<Utc> {
        reported() + Duration::minutes(30)
    }

    fn at(clock: &FakeClock, step: Step) -> SlaStatus {
        judge(reported(), respond_by(), step, clock.now())
    }

    #[test]
    fn a_fresh_fault_is_on_time() {
        let clock = FakeClock::new(reported() + Duration::minutes(5));
        assert_eq!(at(&clock, Step::Pending), SlaStatus::OnTime);
    }

    #[test]
    fn the_last_quarter_of_the_window_is_at_risk() {
        let clock = FakeClock::new(reported() + Duration::minutes(23));
        assert_eq!(at(&clock, Step::Pending), SlaStatus::AtRisk);
    }

    #[test]
    fn nobody_responding_past_the_deadline_is_breached() {
        let clock = FakeClock::new(respond_by() + Duration::minutes(1));
        assert_eq!(at(&clock, Step::Pending), SlaStatus::Breached);
    }

    #[test]
    fn responding_before_the_deadline_stays_met_long_after_it() {
        let clock = FakeClock::new(reported() + Duration::days(3));
        let done = Step::Done(Some(reported() + Duration::minutes(12)));
        assert_eq!(at(&clock, done), SlaStatus::Met);
    }

    #[test]
    fn responding_after_the_deadline_stays_breached() {
        let clock = FakeClock::new(reported() + Duration::days(3));
        let done = Step::Done(Some(respond_by() + Duration::minutes(1)));
        assert_eq!(at(&clock, done), SlaStatus::Breached);
    }

    #[test]
    fn the_clock_reads_its_deadline_in_china_time() {
        let clock = FakeClock::new(reported());
        let c = clock_of(&clock);
        assert_eq!(c.deadline_text, "2026-06-01 10:30");
        assert_eq!(c.status, SlaStatus::OnTime);
        assert_eq!(c.done_at_text, None);
    }

    fn clock_of(clock: &FakeClock) -> SlaClock {
        let deadline = respond_by().to_rfc3339();
        let opened = reported().to_rfc3339();
        let c = super::clock(
            WorkOrderState::Responded,
            &opened,
            Some(&deadline),
            Step::Pending,
            clock.now(),
        );
        c.expect("a stored deadline gives a clock")
    }
}
