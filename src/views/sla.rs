//! SLA deadlines at a glance: is the response / arrival deadline of a work order on time, at
//! risk, breached, or met?
//!
//! The deadlines themselves are set by the contract when the work order is opened
//! (`respond_by`, `on_site_by`). What changes is their standing, and that depends on two
//! instants: when the step actually happened, and now on the store's clock (never the
//! laptop's browser clock, so tests can put "now" anywhere and the office sees the same). Once
//! the engineer has responded or is on site, that deadline is judged by when it happened: an
//! engineer on site before the deadline is "met", however late it is now.

use super::time;
use crate::domain::values::code_enum;
use crate::domain::work_order::WorkOrderState;
use chrono::{DateTime, Utc};
use serde::Serialize;

code_enum!(
    /// Where one SLA deadline stands.
    SlaStatus, "sla.status" {
        OnTime = "on_time", "未超时", "on time";
        AtRisk = "at_risk", "即将超时", "at risk";
        Breached = "breached", "已超时", "overdue";
        Met = "met", "按时完成", "met";
    }
);

/// Whether the step a deadline is about has happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Pending,
    /// Happened, at this instant if it is recorded. A step reached without a recorded time
    /// (a record from an older or foreign source) counts as met: there is no evidence of a
    /// breach to show.
    Done(Option<DateTime<Utc>>),
}

/// A pending deadline is at risk once less than this share of its window (from opening the
/// work order to the deadline) is left: a quarter leaves time to phone the customer or send
/// someone nearer, for a 30-minute response as for a 36-hour arrival.
const AT_RISK_DIVISOR: i32 = 4;

/// The rule: where a deadline stands at `now`.
pub fn judge(
    opened: DateTime<Utc>,
    deadline: DateTime<Utc>,
    step: Step,
    now: DateTime<Utc>,
) -> SlaStatus {
    match step {
        Step::Done(Some(at)) if at > deadline => SlaStatus::Breached,
        Step::Done(_) => SlaStatus::Met,
        Step::Pending if now > deadline => SlaStatus::Breached,
        Step::Pending if deadline - now <= (deadline - opened) / AT_RISK_DIVISOR => {
            SlaStatus::AtRisk
        }
        Step::Pending => SlaStatus::OnTime,
    }
}

/// One deadline of one work order, judged, with its times in China Standard Time.
#[derive(Debug, Clone, Serialize)]
pub struct SlaClock {
    /// The step the deadline is for: `responded` or `on_site`.
    pub step: WorkOrderState,
    /// The deadline as stored (RFC 3339).
    pub deadline: String,
    pub deadline_text: String,
    pub status: SlaStatus,
    /// When the step happened, if it has and the time is known.
    pub done_at_text: Option<String>,
}

/// The clock of a stored deadline, or `None` when the work order has none (no contract covers
/// the site, or no fault level) or the stored value is not a time.
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
    Some(SlaClock {
        step,
        deadline: stored.to_string(),
        deadline_text: time::china(due),
        status: judge(opened, due, done, now),
        done_at_text: match done {
            Step::Done(Some(at)) => Some(time::china(at)),
            _ => None,
        },
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
