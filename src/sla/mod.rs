//! SLA clocks (服务时限) of a work order, computed — never stored — from the records and a clock.
//!
//! [`clocks`] is the one rule: given what is recorded about a work order ([`Records`]: when it
//! was reported, its kind and level, its contract, when it was responded to, reached and
//! resolved, the first part fitted, the spare unit swapped in, the excuses that paused it, the
//! contract's other emergencies) and an instant, it says for each clock its calendar, deadline
//! and standing. The same records give the same answer on every laptop and at the office, so no
//! verdict is ever synced. [`for_work_order`] reads the records from a store and applies it with
//! the calendars in use.
//!
//! The clocks (each counted in a calendar the contract names, see [`crate::calendar`]):
//! - first response and on site, from the report: the fault level's limits in the hotline's
//!   calendar, or for an emergency the emergency limits in its (7×24) calendar;
//! - repair, from the arrival (seed 003: 8 hours);
//! - replacement part, from the report: solved or an equal-or-better part fitted (seed 001: 28 h);
//! - spare unit, from the report: solved or a spare unit (备机) in place (seed 002: 48 h).
//!
//! The emergency quota (seed 000 §6.3: "非工作时间紧急情况限每年2次"): an emergency reported
//! outside the hotline's hours is served out of hours at most so many times per contract year;
//! the next one keeps its emergency limits but they count in the hotline's calendar (from the
//! next opening), because out-of-hours service is what the quota limits, not the urgency.
//!
//! A pause (a recorded excuse, [`pause`]) stops the clocks it applies to for its duration:
//! counted time inside it does not count.

pub mod pause;
pub mod records;

use crate::calendar::count::Counter;
use crate::calendar::{Calendar, Calendars, Interval};
use crate::domain::values::code_enum;
use crate::domain::work_order::{WorkOrderKind, WorkOrderState};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::Serialize;

pub use pause::{Pause, PauseReason};
pub use records::{for_work_order, Records};

code_enum!(
    /// Where one SLA clock stands.
    SlaStatus, "sla.status" {
        OnTime = "on_time", "未超时", "on time";
        AtRisk = "at_risk", "即将超时", "at risk";
        Breached = "breached", "已超时", "overdue";
        Met = "met", "按时完成", "met";
        Paused = "paused", "已暂停", "paused";
    }
);

code_enum!(
    /// The clocks a work order may have.
    ClockKind, "sla.clock" {
        Response = "response", "首次响应", "first response";
        OnSite = "on_site", "到场", "on site";
        Repair = "repair", "修复", "repair";
        Part = "part", "部件更换到位", "replacement part";
        SpareUnit = "spare_unit", "备机到位", "spare unit";
    }
);

/// Whether the step a clock waits for has happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Pending,
    /// Happened, at this instant if it is recorded. A step reached without a recorded time
    /// (a record from an older or foreign source) counts as met: there is no evidence of a
    /// breach to show.
    Done(Option<DateTime<Utc>>),
}

/// A pending clock is at risk once less than this share of its window (from its start to the
/// deadline) is left: a quarter leaves time to phone the customer or send someone nearer, for a
/// 30-minute response as for a 36-hour arrival.
const AT_RISK_DIVISOR: i32 = 4;

/// Where a deadline stands at `now`.
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

/// A sentence in both languages (a rule applied, a warning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub zh: String,
    pub en: String,
}

impl Note {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Note {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// One clock, computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockState {
    pub kind: ClockKind,
    /// The calendar it counts in.
    pub calendar: Calendar,
    /// The limit, in minutes of that calendar.
    pub minutes: i64,
    /// When it started (the report, or the arrival for the repair clock).
    pub starts: DateTime<Utc>,
    /// The deadline with the pauses.
    pub deadline: DateTime<Utc>,
    /// The deadline had nothing paused it.
    pub unpaused_deadline: DateTime<Utc>,
    pub done: Step,
    pub status: SlaStatus,
    /// The pauses that moved it (clipped to the clock's run), with their reasons.
    pub pauses: Vec<Pause>,
    /// Why this calendar or limit, where a rule chose it (an emergency and its quota).
    pub rule: Option<Note>,
}

/// Every clock of a work order, and what the reader must know about them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Clocks {
    pub clocks: Vec<ClockState>,
    /// Warnings: a year counted without holiday data, a calendar missing from the files.
    pub warnings: Vec<Note>,
}

impl Clocks {
    pub fn get(&self, kind: ClockKind) -> Option<&ClockState> {
        self.clocks.iter().find(|c| c.kind == kind)
    }
}

/// What one clock needs.
struct Spec<'a> {
    kind: ClockKind,
    calendar: &'a str,
    minutes: i64,
    starts: DateTime<Utc>,
    done: Step,
    rule: Option<Note>,
}

/// The rule: every clock of the work order `rec` describes, at `now`, counted in `set`.
pub fn clocks(rec: &Records, set: &Calendars, now: DateTime<Utc>) -> Clocks {
    let mut out = Clocks::default();
    out.warnings.extend(rec.contract_problem.clone());
    let Some(c) = &rec.contract else {
        return out;
    };
    let hotline = c.hotline_calendar();
    let mut specs = Vec::new();
    let emergency = match (&c.sla.emergency, rec.kind) {
        (Some(e), WorkOrderKind::Emergency) => Some(e),
        _ => None,
    };
    let limits = match emergency {
        Some(e) => {
            let (calendar, rule) = emergency_calendar(rec, set, e, &mut out.warnings);
            Some((e.response_minutes, e.on_site_minutes, calendar, Some(rule)))
        }
        None => rec
            .level
            .and_then(|l| c.levels.iter().find(|t| t.level.get() == l))
            .map(|t| (t.response_minutes, t.on_site_minutes, hotline, None)),
    };
    if let Some((response, on_site, calendar, rule)) = limits {
        specs.push(Spec {
            kind: ClockKind::Response,
            calendar,
            minutes: response,
            starts: rec.reported_at,
            done: rec.step(rec.responded, WorkOrderState::Responded),
            rule: rule.clone(),
        });
        // Solved by phone or remote session: the visit the clock waits for was not needed, and
        // the promise it stands for (the fault dealt with in time) is kept when it was solved.
        let (on_site_done, on_site_rule) = if rec.remote {
            let note = Note::new(
                "远程解决，无需到场：按解决时间计",
                "resolved remotely, no visit needed: counted to the resolution",
            );
            (rec.step(rec.resolved, WorkOrderState::Resolved), Some(note))
        } else {
            (rec.step(rec.on_site, WorkOrderState::OnSite), rule)
        };
        specs.push(Spec {
            kind: ClockKind::OnSite,
            calendar,
            minutes: on_site,
            starts: rec.reported_at,
            done: on_site_done,
            rule: on_site_rule,
        });
    }
    // Repairs, parts and spare units are promises about faults, not inspections or installs.
    let fault = matches!(
        rec.kind,
        WorkOrderKind::FaultRepair | WorkOrderKind::Emergency
    );
    let resolved = rec.step(rec.resolved, WorkOrderState::Resolved);
    let repair = c.sla.repair.as_ref().filter(|_| fault);
    if let (Some(t), Some(arrived)) = (repair, rec.on_site) {
        specs.push(Spec {
            kind: ClockKind::Repair,
            calendar: &t.calendar,
            minutes: t.minutes,
            starts: arrived,
            done: resolved,
            rule: None,
        });
    }
    let by_report = [
        (ClockKind::Part, &c.sla.part, rec.first_part),
        (ClockKind::SpareUnit, &c.sla.spare_unit, rec.spare_unit),
    ];
    for (kind, term, fitted) in by_report {
        if let Some(t) = term.as_ref().filter(|_| fault) {
            specs.push(Spec {
                kind,
                calendar: &t.calendar,
                minutes: t.minutes,
                starts: rec.reported_at,
                done: earliest(resolved, fitted),
                rule: None,
            });
        }
    }
    let mut missing_years = std::collections::BTreeSet::new();
    for spec in specs {
        let Some(calendar) = resolve(set, spec.calendar, &mut out.warnings) else {
            continue;
        };
        let counter = Counter {
            set,
            calendar: &calendar,
            extra_off: &c.holidays,
        };
        let end = match spec.done {
            Step::Done(Some(at)) => at.min(now),
            _ => now,
        };
        let applies = |p: &&Pause| p.clock.is_none_or(|k| k == spec.kind);
        let mut pauses = Vec::new();
        let mut spans: Vec<Interval> = Vec::new();
        for p in rec.pauses.iter().filter(applies) {
            if let Some(span) = p.overlap(spec.starts, end) {
                spans.push(span);
                pauses.push(p.clone());
            }
        }
        let counted = counter.add(spec.starts, spec.minutes, &spans);
        let plain = counter.add(spec.starts, spec.minutes, &[]);
        missing_years.extend(counted.years_without_data.iter().copied());
        if counted.exhausted {
            out.warnings.push(Note::new(
                format!(
                    "日历「{}」十年内没有工作时间，按自然时间计",
                    calendar.name_zh
                ),
                format!(
                    "calendar {} has no working time within ten years; counted in plain time",
                    calendar.name_en()
                ),
            ));
        }
        let paused_now = spec.done == Step::Pending
            && rec.pauses.iter().filter(applies).any(|p| p.running_at(now));
        let status = if paused_now {
            SlaStatus::Paused
        } else {
            judge(spec.starts, counted.at, spec.done, now)
        };
        out.clocks.push(ClockState {
            kind: spec.kind,
            calendar,
            minutes: spec.minutes,
            starts: spec.starts,
            deadline: counted.at,
            unpaused_deadline: plain.at,
            done: spec.done,
            status,
            pauses,
            rule: spec.rule,
        });
    }
    for year in missing_years {
        out.warnings.push(Note::new(
            format!("{year} 年的法定节假日安排尚未收录：该年按无节假日、无调休计算"),
            format!(
                "the public holidays of {year} are not in the calendar files yet: that year is counted without holidays or make-up workdays"
            ),
        ));
    }
    out.warnings.dedup();
    out
}

/// The earlier of two ways a clock can be met (solved, or the part or unit fitted).
fn earliest(resolved: Step, fitted: Option<DateTime<Utc>>) -> Step {
    match (resolved, fitted) {
        (Step::Done(Some(a)), Some(b)) => Step::Done(Some(a.min(b))),
        (Step::Done(None), Some(b)) | (Step::Pending, Some(b)) => Step::Done(Some(b)),
        (done, None) => done,
    }
}

/// The calendar `id` names, or for an id the files do not define, plain 7×24 time with a warning
/// (a deadline shown late is better than none; the contract was checked when stored, so only an
/// edited calendar folder gets here).
fn resolve(set: &Calendars, id: &str, warnings: &mut Vec<Note>) -> Option<Calendar> {
    if let Some(c) = set.get_or_builtin(id) {
        return Some(c);
    }
    warnings.push(Note::new(
        format!("合同引用的服务日历「{id}」不在日历文件中：按 7×24 计时"),
        format!(
            "the contract's service calendar {id:?} is not in the calendar files: counted as 7x24"
        ),
    ));
    set.get_or_builtin(crate::calendar::SEVEN_BY_TWENTY_FOUR)
}

/// The calendar an emergency counts in, and the rule that chose it: its own (7×24) calendar,
/// unless it was reported outside the hotline's hours after the contract year's out-of-hours
/// emergencies were used up — then the hotline's.
fn emergency_calendar<'a>(
    rec: &'a Records,
    set: &Calendars,
    e: &'a crate::domain::sla::EmergencyTerms,
    warnings: &mut Vec<Note>,
) -> (&'a str, Note) {
    let within = Note::new(
        "紧急报障：按合同的紧急时限计时",
        "emergency: the contract's emergency limits apply",
    );
    let Some(c) = &rec.contract else {
        return (&e.calendar, within);
    };
    let Some(hotline) = resolve(set, c.hotline_calendar(), warnings) else {
        return (&e.calendar, within);
    };
    let counter = Counter {
        set,
        calendar: &hotline,
        extra_off: &c.holidays,
    };
    if counter.is_open(rec.reported_at) {
        return (&e.calendar, within);
    }
    let Some(quota) = e.out_of_hours_per_year else {
        return (&e.calendar, within);
    };
    let (from, to) = contract_year(c.start_date, local_day(rec.reported_at));
    let used = rec
        .other_emergencies
        .iter()
        .filter(|(t, id)| (*t, id.as_str()) < (rec.reported_at, rec.id.as_str()))
        .filter(|(t, _)| (from..to).contains(&local_day(*t)))
        .filter(|(t, _)| !counter.is_open(*t))
        .count();
    let used = u32::try_from(used).unwrap_or(u32::MAX);
    if used < quota {
        let n = used.saturating_add(1);
        return (
            &e.calendar,
            Note::new(
                format!("非工作时间紧急报障：本合同年度第 {n} 次（每年 {quota} 次）"),
                format!("out-of-hours emergency {n} of {quota} this contract year"),
            ),
        );
    }
    (
        c.hotline_calendar(),
        Note::new(
            format!(
                "本合同年度非工作时间紧急报障已用完（每年 {quota} 次）：本次紧急时限按「{}」计",
                hotline.name_zh
            ),
            format!(
                "this contract year's {quota} out-of-hours emergencies are used up: this one's limits count in {}",
                hotline.name_en()
            ),
        ),
    )
}

/// The China-time day of an instant.
fn local_day(t: DateTime<Utc>) -> NaiveDate {
    crate::calendar::count::local(t).date()
}

/// The contract year `[from, to)` holding `day`: years run from the contract's start date (a
/// contract from 1 July counts its quota July to June). A day before the start is in the first.
fn contract_year(start: NaiveDate, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let mut from = start;
    for _ in 0..200 {
        let Some(next) = from.checked_add_months(Months::new(12)) else {
            break;
        };
        if next > day {
            return (from, next);
        }
        from = next;
    }
    (from, NaiveDate::MAX)
}

#[cfg(test)]
mod tests;
