//! Reading one year of public holidays and make-up workdays (a `cn-holidays-YYYY.toml`), with
//! every problem named as `file:line` and field like the rest of a calendar file
//! ([`super::parse`]): a date outside the file's year or listed twice, a make-up workday that is
//! not a weekend day, dates in a year marked unpublished.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;
use std::ops::Range;
use toml::{Spanned, Value};

use super::parse::{required, text, unknown_keys, Diag, RawFile, RawTable};
use super::{HolidayYear, YearStatus};

/// Earliest and latest year a holiday file may be for: the domain's date range.
const YEARS: std::ops::RangeInclusive<i64> = 2000..=2060;
/// Longest holiday (the Spring Festival with its weekends is 9 days; a month is a typo).
const MAX_HOLIDAY_DAYS: i64 = 31;

pub(super) fn year(d: &mut Diag, raw: &RawFile) -> Option<HolidayYear> {
    let top = 0..0;
    let before = d.errors.len();
    let year = match &raw.year {
        Some(v) => match v.get_ref() {
            Value::Integer(y) if YEARS.contains(y) => i32::try_from(*y).ok(),
            _ => {
                d.push(
                    &v.span(),
                    "holidays.year",
                    format!("年份应为 {}–{} 的整数", YEARS.start(), YEARS.end()),
                    format!(
                        "the year must be a whole number {}-{}",
                        YEARS.start(),
                        YEARS.end()
                    ),
                );
                None
            }
        },
        None => {
            d.push(
                &top,
                "holidays.year",
                "列出节假日的文件须写明 year".into(),
                "a file listing holidays must say its `year`".into(),
            );
            None
        }
    };
    let status = match raw
        .status
        .as_ref()
        .map(|v| (v.get_ref().as_str(), v.span()))
    {
        Some((Some("published"), _)) => Some(YearStatus::Published),
        Some((Some("unpublished"), _)) => Some(YearStatus::Unpublished),
        Some((_, span)) => {
            d.push(
                &span,
                "holidays.status",
                "应为 \"published\"（已发布）或 \"unpublished\"（未发布）".into(),
                "must be \"published\" or \"unpublished\"".into(),
            );
            None
        }
        None => {
            d.push(
                &top,
                "holidays.status",
                "缺少「status」（published 或 unpublished）".into(),
                "`status` is missing (published or unpublished)".into(),
            );
            None
        }
    };
    let source_text = text(d, raw.source.as_ref(), "holidays.source");
    if raw.source.is_none() {
        d.push(
            &top,
            "holidays.source",
            "缺少「source」：日期出自哪份通知".into(),
            "`source` is missing: which notice the dates come from".into(),
        );
    }
    let mut off = BTreeMap::new();
    let mut workdays = BTreeMap::new();
    let mut seen: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    if let Some(y) = year {
        for h in &raw.holiday {
            holiday(d, h, y, &mut off, &mut seen);
        }
        for w in &raw.workday {
            workday(d, w, y, &mut workdays, &mut seen);
        }
    }
    if status == Some(YearStatus::Unpublished) && (!off.is_empty() || !workdays.is_empty()) {
        let span = raw.status.as_ref().map(|s| s.span()).unwrap_or(top);
        d.push(
            &span,
            "holidays.status",
            "未发布（unpublished）的年份不能列出日期；日期齐全后改为 published".into(),
            "an unpublished year lists no dates; set status = \"published\" once they are in"
                .into(),
        );
    }
    if d.errors.len() > before {
        return None;
    }
    Some(HolidayYear {
        year: year?,
        status: status?,
        source_text: source_text?,
        off,
        workdays,
        source: d.source.to_string(),
    })
}

/// A date of the file's year, at `key` of `t`.
fn date_in(
    d: &mut Diag,
    t: &RawTable,
    key: &str,
    field: &str,
    year: i32,
    at: &Range<usize>,
) -> Option<NaiveDate> {
    let Some(v) = t.get(key) else {
        d.push(
            at,
            field,
            format!("缺少「{key}」"),
            format!("`{key}` is missing"),
        );
        return None;
    };
    let span = v.span();
    let raw = match v.get_ref() {
        Value::String(s) => s.trim().to_string(),
        Value::Datetime(dt) => dt.to_string(),
        other => other.to_string(),
    };
    let Ok(day) = NaiveDate::parse_from_str(&raw, "%Y-%m-%d") else {
        let shown = crate::domain::values::clip(&raw);
        d.push(
            &span,
            field,
            format!("日期「{shown}」格式不对，应为 YYYY-MM-DD"),
            format!("date {shown:?} is malformed: expected YYYY-MM-DD"),
        );
        return None;
    };
    if day.year() != year {
        d.push(
            &span,
            field,
            format!("日期 {day} 不在本文件的 {year} 年内"),
            format!("date {day} is not in this file's year {year}"),
        );
        return None;
    }
    Some(day)
}

/// A date listed twice (in two holidays, or as both a holiday and a make-up workday).
fn once(
    d: &mut Diag,
    seen: &mut BTreeMap<NaiveDate, usize>,
    day: NaiveDate,
    span: &Range<usize>,
    field: &str,
) -> bool {
    let line = d.line(span);
    if let Some(first) = seen.get(&day) {
        d.push(
            span,
            field,
            format!("日期 {day} 重复（第 {first} 行已列出）"),
            format!("date {day} is listed twice (already on line {first})"),
        );
        return false;
    }
    seen.insert(day, line);
    true
}

fn holiday(
    d: &mut Diag,
    h: &Spanned<RawTable>,
    year: i32,
    off: &mut BTreeMap<NaiveDate, String>,
    seen: &mut BTreeMap<NaiveDate, usize>,
) {
    let at = h.span();
    let t = h.get_ref();
    unknown_keys(d, t, &["name_zh", "name_en", "from", "to"], "holiday.file");
    let name = required(d, t, "name_zh", "holiday.name_zh", &at);
    let _ = text(d, t.get("name_en"), "holiday.name_en");
    let from = date_in(d, t, "from", "holiday.from", year, &at);
    let to = match t.get("to") {
        Some(_) => date_in(d, t, "to", "holiday.to", year, &at),
        None => from,
    };
    let (Some(name), Some(from), Some(to)) = (name, from, to) else {
        return;
    };
    let span = t
        .get("to")
        .or(t.get("from"))
        .map_or(at.clone(), |v| v.span());
    let days = (to - from).num_days();
    if !(0..MAX_HOLIDAY_DAYS).contains(&days) {
        d.push(
            &span,
            "holiday.to",
            format!("假期 {from} 至 {to} 不合理（结束不能早于开始，且最长 {MAX_HOLIDAY_DAYS} 天）"),
            format!(
                "holiday {from} to {to} is not sensible (it cannot end before it starts, and lasts at most {MAX_HOLIDAY_DAYS} days)"
            ),
        );
        return;
    }
    for day in from.iter_days().take_while(|x| *x <= to) {
        if once(d, seen, day, &span, "holiday.from") {
            off.insert(day, name.clone());
        }
    }
}

fn workday(
    d: &mut Diag,
    w: &Spanned<RawTable>,
    year: i32,
    workdays: &mut BTreeMap<NaiveDate, String>,
    seen: &mut BTreeMap<NaiveDate, usize>,
) {
    let at = w.span();
    let t = w.get_ref();
    unknown_keys(d, t, &["date", "name_zh", "name_en"], "workday.file");
    let name = required(d, t, "name_zh", "workday.name_zh", &at);
    let _ = text(d, t.get("name_en"), "workday.name_en");
    let Some(day) = date_in(d, t, "date", "workday.date", year, &at) else {
        return;
    };
    let span = t.get("date").map_or(at.clone(), |v| v.span());
    if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        d.push(
            &span,
            "workday.date",
            format!("{day} 不是周六或周日：调休上班日只会是周末"),
            format!("{day} is not a Saturday or Sunday: a make-up workday is always a weekend day"),
        );
        return;
    }
    if once(d, seen, day, &span, "workday.date") {
        if let Some(name) = name {
            workdays.insert(day, name);
        }
    }
}
