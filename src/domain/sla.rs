//! A contract's SLA terms beyond its fault-level table: which calendar each deadline counts in,
//! repair after arrival, the replacement part and the spare unit (备机), and emergencies with
//! their yearly out-of-hours quota. The rules that count them are in [`crate::sla`].
//!
//! Kept in the contract's `terms` JSON under `sla`. Contracts stored before these terms existed
//! have none and load as [`SlaTerms::default`]: first response and arrival counted in the
//! contract's `calendar` column ("5x8" or "7x24") as before, and no other clock — a contract that
//! promised nothing about repairs or spare units is not judged on them.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// The longest limit a contract may set for one clock: a year. Longer is a typing error, and the
/// bound keeps every deadline computation far from overflowing.
pub const MAX_CLOCK_MINUTES: i64 = 366 * 24 * 60;

/// One limit: so many minutes, counted in the named calendar (an id of `resources/calendars`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockTerm {
    pub minutes: i64,
    pub calendar: String,
}

/// 应急响应: an emergency (a work order of kind `emergency`) gets these limits instead of its
/// fault level's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyTerms {
    /// First response (seed 000 §7.8: 15 minutes).
    pub response_minutes: i64,
    /// On site (seed 000 §6.3: 24 hours).
    pub on_site_minutes: i64,
    /// The calendar both count in: the 7×24 technical support line.
    pub calendar: String,
    /// Emergencies reported outside the hotline's hours that are served out of hours per contract
    /// year (seed 000 §6.3: "非工作时间紧急情况限每年2次"); `None` for no limit. Beyond it an
    /// out-of-hours emergency keeps its limits but counts them in the hotline's calendar.
    pub out_of_hours_per_year: Option<u32>,
}

/// The SLA terms of a contract (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SlaTerms {
    /// The hotline's calendar: the working hours. Normal first response and arrival (the
    /// fault-level table) count in it, and outside it an emergency is "out of hours". `None`: the
    /// contract's `calendar` column.
    pub hotline: Option<String>,
    /// Repaired within this long of the engineer's arrival (seed 003: 8 hours).
    pub repair: Option<ClockTerm>,
    /// Solved, or an equal-or-better part fitted, within this long of the report (seed 001:
    /// 28 hours, "免费用同样的规格或更高的部件更换到位").
    pub part: Option<ClockTerm>,
    /// Solved, or a spare unit in place, within this long of the report (seed 002: 48 hours,
    /// "在48小时内解决问题或提供备用样机").
    pub spare_unit: Option<ClockTerm>,
    pub emergency: Option<EmergencyTerms>,
}

impl SlaTerms {
    /// The terms the seed contracts give together: repair 8 h after arrival, part 28 h and spare
    /// unit 48 h after the report, emergencies 15 min / 24 h with two out-of-hours a year, all on
    /// 7×24 technical support; normal response and arrival on the hotline.
    pub fn seed() -> Self {
        let support = || crate::calendar::SEVEN_BY_TWENTY_FOUR.to_string();
        SlaTerms {
            hotline: None,
            repair: Some(ClockTerm {
                minutes: 8 * 60,
                calendar: support(),
            }),
            part: Some(ClockTerm {
                minutes: 28 * 60,
                calendar: support(),
            }),
            spare_unit: Some(ClockTerm {
                minutes: 48 * 60,
                calendar: support(),
            }),
            emergency: Some(EmergencyTerms {
                response_minutes: 15,
                on_site_minutes: 24 * 60,
                calendar: support(),
                out_of_hours_per_year: Some(2),
            }),
        }
    }

    /// Every calendar id these terms name (the hotline's included when set), once each.
    pub fn calendar_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.hotline.iter().map(String::as_str).collect();
        for t in [&self.repair, &self.part, &self.spare_unit]
            .into_iter()
            .flatten()
        {
            ids.push(&t.calendar);
        }
        if let Some(e) = &self.emergency {
            ids.push(&e.calendar);
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Check the limits are sensible and every calendar is named; whether the calendars exist is
    /// checked against the files in use when the contract is stored
    /// ([`crate::contracts::add_contract`]).
    pub fn validate(&self) -> Result<()> {
        let limits = [
            ("repair", self.repair.as_ref().map(|t| t.minutes)),
            ("part", self.part.as_ref().map(|t| t.minutes)),
            ("spare_unit", self.spare_unit.as_ref().map(|t| t.minutes)),
            (
                "emergency response",
                self.emergency.as_ref().map(|e| e.response_minutes),
            ),
            (
                "emergency on site",
                self.emergency.as_ref().map(|e| e.on_site_minutes),
            ),
        ];
        for (what, minutes) in limits {
            if let Some(m) = minutes {
                if !(1..=MAX_CLOCK_MINUTES).contains(&m) {
                    return Err(Error::invalid(
                        "contract.sla",
                        format!("{what} 时限 {m} 分钟不合理（应为 1 分钟到 366 天）"),
                        format!("the {what} limit of {m} minutes is not sensible (1 minute to 366 days)"),
                    ));
                }
            }
        }
        if let Some(e) = &self.emergency {
            if e.on_site_minutes < e.response_minutes {
                return Err(Error::invalid(
                    "contract.sla",
                    format!(
                        "紧急到场时限 {} 分钟短于紧急响应时限 {} 分钟",
                        e.on_site_minutes, e.response_minutes
                    ),
                    format!(
                        "the emergency on-site limit ({} min) is shorter than its response limit ({} min)",
                        e.on_site_minutes, e.response_minutes
                    ),
                ));
            }
        }
        for id in self.calendar_ids() {
            let ok = !id.is_empty()
                && id.len() <= 40
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                return Err(Error::invalid(
                    "contract.sla",
                    format!("日历 id「{}」不合法", crate::domain::values::clip(id)),
                    format!(
                        "calendar id {:?} is not valid",
                        crate::domain::values::clip(id)
                    ),
                ));
            }
        }
        Ok(())
    }
}
