//! Counting service time: the instant `N` minutes of a calendar after a start, not counting
//! paused time.
//!
//! Everything is counted in China Standard Time (UTC+8). China has had no daylight saving since
//! 1991, so a fixed offset is exact and no time-zone database is needed; every local day has 24
//! hours. Walking the calendar's working intervals day by day from the start, less the pauses,
//! makes the rules hold by construction: a later start can only see less working time ahead of
//! it (so its deadline is never earlier), and a pause only removes counted time (so it never
//! brings a deadline forward).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use std::collections::BTreeSet;

use super::{Calendar, Calendars, DayKind};

/// China Standard Time's offset from UTC, in seconds.
const CST_SECONDS: i64 = 8 * 3600;

/// How far ahead a deadline is looked for: ten years. Every shipped calendar has working time
/// every week, so this only stops a file where a whole year is holidays from looping forever.
const MAX_DAYS: i64 = 3660;

/// A span of time `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A counted deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub at: DateTime<Utc>,
    /// Years the count went through without published holiday data (counted as if they had no
    /// holidays); empty for a calendar that ignores holidays.
    pub years_without_data: Vec<i32>,
    /// No working time was found within ten years: `at` is then the start plus the minutes in
    /// plain time, and the caller must say so.
    pub exhausted: bool,
}

/// Local (China) wall time of an instant.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc() + Duration::seconds(CST_SECONDS)
}

/// The instant of a local (China) wall time.
pub fn instant(t: NaiveDateTime) -> DateTime<Utc> {
    (t - Duration::seconds(CST_SECONDS)).and_utc()
}

/// One calendar, with the set's holiday years and a contract's own extra days off.
pub struct Counter<'a> {
    pub set: &'a Calendars,
    pub calendar: &'a Calendar,
    /// Days off the contract adds (its stored `holidays`), for calendars that observe holidays.
    pub extra_off: &'a [NaiveDate],
}

impl Counter<'_> {
    /// Whether `day` is worked, and whether its year lacked holiday data.
    pub fn day(&self, day: NaiveDate) -> (bool, bool) {
        let weekly = self.calendar.works_on(day.weekday());
        if !self.calendar.public_holidays {
            return (weekly, false);
        }
        match self.set.day_kind(day, self.extra_off) {
            DayKind::Normal => (weekly, false),
            DayKind::Holiday => (false, false),
            DayKind::MakeUp => (true, false),
            DayKind::NoData => (weekly, true),
        }
    }

    /// Whether the calendar is open at `t` (a fault reported then is "within working hours").
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let l = local(t);
        if !self.day(l.date()).0 {
            return false;
        }
        let secs = i64::from(l.time().num_seconds_from_midnight());
        self.calendar
            .hours
            .iter()
            .any(|(a, b)| i64::from(*a) * 60 <= secs && secs < i64::from(*b) * 60)
    }

    /// The instant `minutes` of this calendar's working time after `start`, not counting any
    /// time inside `pauses`. Zero or negative minutes give `start`.
    pub fn add(&self, start: DateTime<Utc>, minutes: i64, pauses: &[Interval]) -> Counted {
        let mut missing = BTreeSet::new();
        let Some(mut need) = minutes.checked_mul(60).filter(|n| *n > 0) else {
            return Counted {
                at: start,
                years_without_data: Vec::new(),
                exhausted: false,
            };
        };
        let paused = merged(pauses);
        let from = local(start);
        let mut day = from.date();
        for _ in 0..MAX_DAYS {
            let (working, no_data) = self.day(day);
            if no_data {
                missing.insert(day.year());
            }
            if working {
                for (a, b) in &self.calendar.hours {
                    let open = at_minute(day, *a);
                    let close = at_minute(day, *b);
                    let seg_start = open.max(from);
                    if close <= seg_start {
                        continue;
                    }
                    for (p, q) in free(seg_start, close, &paused) {
                        let len = (q - p).num_seconds();
                        if need <= len {
                            return Counted {
                                at: instant(p + Duration::seconds(need)),
                                years_without_data: missing.into_iter().collect(),
                                exhausted: false,
                            };
                        }
                        need -= len;
                    }
                }
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        Counted {
            at: Duration::try_minutes(minutes)
                .and_then(|m| start.checked_add_signed(m))
                .unwrap_or(start),
            years_without_data: missing.into_iter().collect(),
            exhausted: true,
        }
    }
}

/// `minute` minutes after the local midnight starting `day` (1440 is the next midnight).
fn at_minute(day: NaiveDate, minute: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute))
}

/// Pauses as sorted, non-overlapping local spans (empty ones dropped).
fn merged(pauses: &[Interval]) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let mut spans: Vec<(NaiveDateTime, NaiveDateTime)> = pauses
        .iter()
        .filter(|p| p.to > p.from)
        .map(|p| (local(p.from), local(p.to)))
        .collect();
    spans.sort();
    let mut out: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The parts of `[from, to)` outside the (merged) pauses, in order.
fn free(
    from: NaiveDateTime,
    to: NaiveDateTime,
    paused: &[(NaiveDateTime, NaiveDateTime)],
) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let mut out = Vec::new();
    let mut cur = from;
    for (a, b) in paused {
        if *b <= cur {
            continue;
        }
        if *a >= to {
            break;
        }
        if *a > cur {
            out.push((cur, *a));
        }
        cur = cur.max(*b);
        if cur >= to {
            return out;
        }
    }
    if cur < to {
        out.push((cur, to));
    }
    out
}
