//! Service calendars (服务日历): the hours in which an SLA clock runs, as data.
//!
//! A contract's "respond within 30 minutes" is 30 minutes of *its* hours: weekdays 9:00–18:00
//! for a 5×8 hotline, every minute for 7×24 support, 8:30–17:30 for another customer. Mainland
//! China's public holidays and make-up workdays (调休: a Saturday or Sunday that is worked) change
//! every year by State Council notice, so they cannot be code either.
//!
//! Both are TOML files in `resources/calendars/` (commented for office staff), embedded in the
//! binary; `--calendars DIR` / `$WEIBAO_CALENDARS` adds edited copies that replace shipped
//! entries of the same id or year. Files are checked with errors naming `file:line`, the field
//! and the problem ([`parse`]); counting service time is [`count`].
//!
//! The set in use is process-wide ([`active`]): it is configuration of the running program (which
//! files it was started with), the same for every database it opens, and the work orders, views,
//! reports and the office must all count in the same one. Every counting function also takes the
//! set explicitly, so tests never touch the process-wide one.

pub mod count;
mod holidays;
pub mod parse;

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, RwLock};

use crate::{Error, Result};

pub use count::{Counted, Interval};

/// The calendar files shipped with weibao (embedded, so an installed binary needs no source tree).
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "hours.toml",
        include_str!("../../resources/calendars/hours.toml"),
    ),
    (
        "cn-holidays-2025.toml",
        include_str!("../../resources/calendars/cn-holidays-2025.toml"),
    ),
    (
        "cn-holidays-2026.toml",
        include_str!("../../resources/calendars/cn-holidays-2026.toml"),
    ),
    (
        "cn-holidays-2027.toml",
        include_str!("../../resources/calendars/cn-holidays-2027.toml"),
    ),
];

/// The ids the stored `contract.calendar` column has always held ("5x8", "7x24"): the shipped
/// files define both, and [`Calendars::get_or_builtin`] keeps them countable even if an edited
/// folder dropped them.
pub const FIVE_BY_EIGHT: &str = "5x8";
pub const SEVEN_BY_TWENTY_FOUR: &str = "7x24";

/// One calendar: the working weekdays, their hours, and whether public holidays apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub id: String,
    pub name_zh: String,
    pub name_en: Option<String>,
    /// Working weekdays, Monday first.
    pub days: [bool; 7],
    /// Working hours as minutes after midnight, `[start, end)`, sorted and not overlapping;
    /// `end` may be 1440 (24:00).
    pub hours: Vec<(u32, u32)>,
    /// Mainland public holidays are days off and make-up workdays are worked.
    pub public_holidays: bool,
    /// Where it was defined (`file:line`), for messages.
    pub source: String,
}

impl Calendar {
    pub fn name_en(&self) -> &str {
        self.name_en.as_deref().unwrap_or(&self.name_zh)
    }

    pub fn works_on(&self, day: Weekday) -> bool {
        self.days[day.num_days_from_monday() as usize]
    }

    /// Open every minute of every day: no holiday or hour can stop it.
    pub fn always_open(&self) -> bool {
        self.days.iter().all(|d| *d) && self.hours == [(0, 24 * 60)] && !self.public_holidays
    }
}

/// Whether a year's holiday arrangement has been published (and entered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearStatus {
    Published,
    Unpublished,
}

/// One year of mainland China's public holidays and make-up workdays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayYear {
    pub year: i32,
    pub status: YearStatus,
    /// The State Council notice the dates come from.
    pub source_text: String,
    /// Days off (法定节假日 and the weekends joined to them), with the holiday's name.
    pub off: BTreeMap<NaiveDate, String>,
    /// Make-up workdays (调休上班), with their name.
    pub workdays: BTreeMap<NaiveDate, String>,
    /// Where it was defined (`file`), for messages.
    pub source: String,
}

/// A loaded, checked set of calendars and holiday years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendars {
    calendars: BTreeMap<String, Calendar>,
    years: BTreeMap<i32, HolidayYear>,
}

/// What a day is in a calendar that observes public holidays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// Worked by the weekly pattern.
    Normal,
    /// A public holiday (or a day off the contract adds).
    Holiday,
    /// A make-up workday.
    MakeUp,
    /// Its year has no published data: counted by the weekly pattern alone.
    NoData,
}

impl Calendars {
    /// The calendars embedded in this build.
    pub fn shipped() -> Result<Self> {
        let files: Vec<(String, String)> = SHIPPED
            .iter()
            .map(|(name, text)| (format!("resources/calendars/{name}"), text.to_string()))
            .collect();
        Self::from_files(&files)
    }

    /// Files as (name shown in messages, text); a second definition of an id or year among them
    /// is an error naming both files.
    pub fn from_files(files: &[(String, String)]) -> Result<Self> {
        let mut set = Calendars::default();
        for (name, text) in files {
            let parsed = parse::parse(text, name)?;
            set.add(parsed, false)?;
        }
        Ok(set)
    }

    /// The shipped calendars with every `*.toml` of `dir` over them: a calendar or year defined
    /// there replaces the shipped one (that is how a correction or the next year arrives); two
    /// files in `dir` defining the same one is an error.
    pub fn load_dir(dir: &Path) -> Result<Self> {
        let list_error = |e: &std::io::Error| {
            crate::files::io_error("calendars", dir, crate::files::Op::List, e)
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| list_error(&e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut own = Calendars::default();
        for f in &files {
            let parsed = load_file(f)?;
            own.add(parsed, false)?;
        }
        let mut set = Self::shipped()?;
        set.add(own, true)?;
        Ok(set)
    }

    /// Add another set's entries; with `replace`, an id or year already here is replaced,
    /// otherwise it is an error.
    fn add(&mut self, other: Calendars, replace: bool) -> Result<()> {
        for (id, c) in other.calendars {
            if let (false, Some(old)) = (replace, self.calendars.get(&id)) {
                return Err(Error::invalid(
                    "calendar.id",
                    format!("日历 id「{id}」已在 {} 定义", old.source),
                    format!("calendar id {id:?} is already defined at {}", old.source),
                )
                .at(c.source.clone()));
            }
            self.calendars.insert(id, c);
        }
        for (year, y) in other.years {
            if let (false, Some(old)) = (replace, self.years.get(&year)) {
                return Err(Error::invalid(
                    "holidays.year",
                    format!("{year} 年的节假日已在 {} 定义", old.source),
                    format!(
                        "the holidays of {year} are already defined in {}",
                        old.source
                    ),
                )
                .at(y.source.clone()));
            }
            self.years.insert(year, y);
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Calendar> {
        self.calendars.get(id)
    }

    /// `id`, or for the two ids stored contracts have always used a built-in copy (an edited
    /// folder may shadow the shipped files, never break an old contract).
    pub fn get_or_builtin(&self, id: &str) -> Option<Calendar> {
        self.get(id).cloned().or_else(|| builtin(id))
    }

    pub fn calendars(&self) -> impl Iterator<Item = &Calendar> {
        self.calendars.values()
    }

    pub fn years(&self) -> impl Iterator<Item = &HolidayYear> {
        self.years.values()
    }

    pub fn year(&self, year: i32) -> Option<&HolidayYear> {
        self.years.get(&year)
    }

    /// What `day` is for a calendar that observes public holidays, with `extra_off` (a
    /// contract's own days off) counted as holidays.
    pub fn day_kind(&self, day: NaiveDate, extra_off: &[NaiveDate]) -> DayKind {
        if extra_off.contains(&day) {
            return DayKind::Holiday;
        }
        match self.years.get(&day.year()) {
            Some(y) if y.status == YearStatus::Published => {
                if y.workdays.contains_key(&day) {
                    DayKind::MakeUp
                } else if y.off.contains_key(&day) {
                    DayKind::Holiday
                } else {
                    DayKind::Normal
                }
            }
            _ => DayKind::NoData,
        }
    }

    /// Years without published holiday data among `years`.
    pub fn years_without_data(&self, years: &BTreeSet<i32>) -> Vec<i32> {
        years
            .iter()
            .filter(|y| {
                !self
                    .years
                    .get(y)
                    .is_some_and(|h| h.status == YearStatus::Published)
            })
            .copied()
            .collect()
    }
}

/// The 5×8 and 7×24 calendars stored contracts name, as the code had them before the files.
fn builtin(id: &str) -> Option<Calendar> {
    let (days, hours, public_holidays, zh, en) = match id {
        FIVE_BY_EIGHT => (
            [true, true, true, true, true, false, false],
            vec![(9 * 60, 18 * 60)],
            true,
            "5×8（工作日 9:00–18:00，法定节假日除外）",
            "5x8 (weekdays 9:00-18:00, public holidays excluded)",
        ),
        SEVEN_BY_TWENTY_FOUR => ([true; 7], vec![(0, 24 * 60)], false, "7×24", "7x24"),
        _ => return None,
    };
    Some(Calendar {
        id: id.to_string(),
        name_zh: zh.to_string(),
        name_en: Some(en.to_string()),
        days,
        hours,
        public_holidays,
        source: "built-in".to_string(),
    })
}

/// Calendar files larger than this are refused before parsing (a year is ~2 KB).
pub const MAX_CALENDAR_BYTES: u64 = 256 * 1024;

/// Reads and checks one calendar file.
pub fn load_file(path: &Path) -> Result<Calendars> {
    let text = crate::files::read_text("calendars", path, MAX_CALENDAR_BYTES)?;
    parse::parse(&text, &path.display().to_string())
}

static ACTIVE: RwLock<Option<Arc<Calendars>>> = RwLock::new(None);

/// The set in use: the one [`set_active`] was given, else the shipped files. The shipped files
/// are checked by a test, so failing to read them means a broken build; even then nothing
/// panics: the built-in 5×8 and 7×24 (without holiday data) are used.
pub fn active() -> Arc<Calendars> {
    if let Some(set) = ACTIVE.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
        return set.clone();
    }
    let set = Arc::new(Calendars::shipped().unwrap_or_else(|_| {
        let mut fallback = Calendars::default();
        for id in [FIVE_BY_EIGHT, SEVEN_BY_TWENTY_FOUR] {
            if let Some(c) = builtin(id) {
                fallback.calendars.insert(id.to_string(), c);
            }
        }
        fallback
    }));
    let mut slot = ACTIVE.write().unwrap_or_else(|p| p.into_inner());
    slot.get_or_insert(set).clone()
}

/// Use `set` from now on (the CLI's `--calendars DIR`, the app's `$WEIBAO_CALENDARS`).
pub fn set_active(set: Calendars) {
    *ACTIVE.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(set));
}

#[cfg(test)]
mod tests;
