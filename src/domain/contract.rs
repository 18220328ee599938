//! 维保合同: period, covered sites, service calendar, fault-level table and billing terms.
//! Deadlines are computed from this data, never typed in and never hard-coded.

use super::sla::SlaTerms;
use super::values::*;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

code_enum!(
    /// When the service clock runs.
    ServiceCalendar, "contract.calendar" {
        FiveByEight = "5x8", "5×8（工作日 9:00–18:00，法定节假日除外）", "5×8 (weekdays 9:00–18:00, public holidays excluded)";
        SevenByTwentyFour = "7x24", "7×24", "7×24";
    }
);

/// One row of the contract's fault-level table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelTerms {
    pub level: FaultLevel,
    pub definition: String,
    /// First response (首次响应) within this many service minutes.
    pub response_minutes: i64,
    /// On site (到场) within this many service minutes.
    pub on_site_minutes: i64,
}

/// Denser inspections early in a system's life, e.g. every 14 days for the first 3 months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyInspections {
    pub first_months: u32,
    pub every_days: u32,
}

/// What is billable and at what rate once outside warranty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BillingTerms {
    /// Labour per engineer per day, in fen (e.g. 500 元/人/天 = 50000), in the first year
    /// after warranty.
    pub labour_per_day: Fen,
    /// Labour per day in later years (the seeds' 750 元); absent in older records, which then
    /// read as the company's default.
    #[serde(default)]
    pub labour_per_day_later: Option<Fen>,
    pub parts_at_cost: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    pub id: String,
    pub number: String,
    pub customer_id: String,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub fee: Fen,
    pub calendar: ServiceCalendar,
    pub holidays: Vec<NaiveDate>,
    pub levels: Vec<LevelTerms>,
    pub inspections_per_year: u32,
    pub early: Option<EarlyInspections>,
    pub billing: BillingTerms,
    pub exclusions: Vec<String>,
    pub site_ids: Vec<String>,
    /// Which calendar each deadline counts in, and the clocks beyond the level table (repair,
    /// part, spare unit, emergencies). Stored in `terms`; absent (the default) in older records.
    pub sla: SlaTerms,
}

impl Contract {
    /// Check the rules a contract must satisfy; returns it unchanged when it does.
    pub fn validated(self) -> Result<Self> {
        required_text("contract.number", &self.number, 64)?;
        required_text("contract.name", &self.name, MAX_NAME_CHARS)?;
        check_date_range("contract.start_date", self.start_date)?;
        check_date_range("contract.end_date", self.end_date)?;
        if self.end_date < self.start_date {
            return Err(Error::invalid(
                "contract.end_date",
                format!(
                    "合同结束日期 {} 早于开始日期 {}",
                    self.end_date, self.start_date
                ),
                format!(
                    "contract ends ({}) before it starts ({})",
                    self.end_date, self.start_date
                ),
            ));
        }
        if !(1..=52).contains(&self.inspections_per_year) {
            return Err(Error::invalid(
                "contract.inspections_per_year",
                "每年巡检次数应为 1–52",
                "inspections per year must be 1–52",
            ));
        }
        for l in 1..=4 {
            let Some(t) = self.levels.iter().find(|t| t.level.get() == l) else {
                return Err(Error::invalid(
                    "contract.levels",
                    format!("故障级别表缺少{}", FaultLevel::new(l.into())?.label_zh()),
                    format!("fault-level table lacks level {l}"),
                ));
            };
            let too_long = t.on_site_minutes > super::sla::MAX_CLOCK_MINUTES;
            if t.response_minutes <= 0 || t.on_site_minutes < t.response_minutes || too_long {
                return Err(Error::invalid(
                    "contract.levels",
                    format!("{}的响应/到场时限不合理", t.level.label_zh()),
                    format!("level {l}: response/on-site limits are not sensible"),
                ));
            }
        }
        self.sla.validate()?;
        Ok(self)
    }

    /// The stored columns (`sites` for the covered sites) whose value in `new` differs from
    /// this contract's; the id and the number (its identity) are not compared.
    pub fn changed_fields(&self, new: &Contract) -> Vec<&'static str> {
        let mut sites = self.site_ids.clone();
        let mut new_sites = new.site_ids.clone();
        sites.sort();
        sites.dedup();
        new_sites.sort();
        new_sites.dedup();
        let terms_changed = self.holidays != new.holidays
            || self.levels != new.levels
            || self.inspections_per_year != new.inspections_per_year
            || self.early != new.early
            || self.billing != new.billing
            || self.exclusions != new.exclusions
            || self.sla != new.sla;
        let checks = [
            ("customer_id", self.customer_id != new.customer_id),
            ("name", self.name != new.name),
            ("start_date", self.start_date != new.start_date),
            ("end_date", self.end_date != new.end_date),
            ("fee_fen", self.fee != new.fee),
            ("calendar", self.calendar != new.calendar),
            ("terms", terms_changed),
            ("sites", sites != new_sites),
        ];
        checks
            .into_iter()
            .filter_map(|(name, changed)| changed.then_some(name))
            .collect()
    }

    pub fn terms(&self, level: FaultLevel) -> Option<&LevelTerms> {
        self.levels.iter().find(|t| t.level == level)
    }

    /// The domain.md fault-level table (seed contract): 30 min response; 24/36/36/48 h on site.
    pub fn standard_levels() -> Vec<LevelTerms> {
        let row = |l: u8, d: &str, hours: i64| LevelTerms {
            level: FaultLevel(l),
            definition: d.to_string(),
            response_minutes: 30,
            on_site_minutes: hours * 60,
        };
        vec![
            row(1, "应用系统瘫痪", 24),
            row(2, "系统不能正常工作", 36),
            row(3, "系统部分异常", 36),
            row(4, "出现事件，尚未影响运行", 48),
        ]
    }

    /// The calendar the level table's deadlines count in: the SLA terms' hotline, else the
    /// stored `calendar` column.
    pub fn hotline_calendar(&self) -> &str {
        self.sla.hotline.as_deref().unwrap_or(self.calendar.code())
    }

    /// Deadline `minutes` of the hotline's service time after `from` (see
    /// [`crate::sla`] for the clocks that also know pauses, emergencies and the other limits).
    pub fn deadline(&self, from: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let set = crate::calendar::active();
        match set.get_or_builtin(self.hotline_calendar()) {
            Some(cal) => {
                crate::calendar::count::Counter {
                    set: &set,
                    calendar: &cal,
                    extra_off: &self.holidays,
                }
                .add(from, minutes, &[])
                .at
            }
            None => add_service_minutes(self.calendar, &self.holidays, from, minutes),
        }
    }
}

/// Add service minutes in the calendar a stored `calendar` column names: 7×24 is plain time;
/// 5×8 counts weekdays 9:00–18:00 China time, without mainland public holidays (from the
/// calendar files, make-up workdays counted as worked) and without `holidays`, the contract's own
/// days off.
pub fn add_service_minutes(
    cal: ServiceCalendar,
    holidays: &[NaiveDate],
    from: DateTime<Utc>,
    minutes: i64,
) -> DateTime<Utc> {
    let set = crate::calendar::active();
    match set.get_or_builtin(cal.code()) {
        Some(calendar) => {
            crate::calendar::count::Counter {
                set: &set,
                calendar: &calendar,
                extra_off: holidays,
            }
            .add(from, minutes, &[])
            .at
        }
        None => from,
    }
}
