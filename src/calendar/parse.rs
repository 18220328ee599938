//! Reading a calendar file, with every problem named as `file:line`, the field and what is
//! wrong, in Chinese and English.
//!
//! Office staff edit these files by hand, and a mistake here silently moves every deadline, so a
//! file is used only when all of it is right. Entries are read as maps of spanned TOML values
//! (not straight into typed structs) so that a misspelt key or a value of the wrong type is
//! reported here, at its line and under its field, like the checklist templates
//! (`checklist::validate`). Each problem is an [`Error::At`] around an [`Error::Invalid`]: kind
//! `invalid`, the field key (`calendar.hours`, `holiday.from`, …) and the place.

use chrono::Weekday;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::{Spanned, Value};

use super::{Calendar, Calendars};
use crate::{Error, Result};

pub(super) type RawTable = BTreeMap<String, Spanned<Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default)]
    calendar: Vec<Spanned<RawTable>>,
    pub(super) year: Option<Spanned<Value>>,
    pub(super) status: Option<Spanned<Value>>,
    pub(super) source: Option<Spanned<Value>>,
    /// Free text for office staff; not used by the program.
    #[serde(rename = "description")]
    _description: Option<Value>,
    #[serde(default)]
    pub(super) holiday: Vec<Spanned<RawTable>>,
    #[serde(default)]
    pub(super) workday: Vec<Spanned<RawTable>>,
}

const MAX_NAME: usize = 100;

/// Collects every problem of one file.
pub(super) struct Diag<'a> {
    pub(super) source: &'a str,
    line_starts: Vec<usize>,
    pub(super) errors: Vec<Error>,
}

impl<'a> Diag<'a> {
    fn new(text: &str, source: &'a str) -> Self {
        let line_starts = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        Diag {
            source,
            line_starts,
            errors: Vec::new(),
        }
    }

    pub(super) fn line(&self, span: &Range<usize>) -> usize {
        self.line_starts
            .partition_point(|&start| start <= span.start)
            .saturating_add(1)
    }

    pub(super) fn at(&self, span: &Range<usize>) -> String {
        format!("{}:{}", self.source, self.line(span))
    }

    pub(super) fn push(&mut self, span: &Range<usize>, field: &str, zh: String, en: String) {
        let e = Error::invalid(field, zh, en).at(self.at(span));
        self.errors.push(e);
    }
}

/// Parses and checks one file; the first problem found is the error.
pub fn parse(text: &str, source: &str) -> Result<Calendars> {
    let (set, mut errors) = diagnose(text, source);
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors.swap_remove(0))
    }
}

/// Parses a file and returns every problem found (for `weibao calendar validate`), with what
/// could be read.
pub fn diagnose(text: &str, source: &str) -> (Calendars, Vec<Error>) {
    let mut d = Diag::new(text, source);
    let mut raw: RawFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().to_string();
            d.push(
                &span,
                "calendar.file",
                format!("TOML 格式错误：{msg}"),
                format!("not valid calendar TOML: {msg}"),
            );
            return (Calendars::default(), d.errors);
        }
    };
    let mut set = Calendars::default();
    for c in std::mem::take(&mut raw.calendar) {
        if let Some(c) = calendar(&mut d, c) {
            if let Some(old) = set.calendars.get(&c.id) {
                let msg = (
                    format!("日历 id「{}」与 {} 重复", c.id, old.source),
                    format!("calendar id {:?} is also used at {}", c.id, old.source),
                );
                d.errors
                    .push(Error::invalid("calendar.id", msg.0, msg.1).at(c.source.clone()));
            } else {
                set.calendars.insert(c.id.clone(), c);
            }
        }
    }
    let has_dates = !raw.holiday.is_empty() || !raw.workday.is_empty();
    if raw.year.is_some() || has_dates {
        if let Some(y) = super::holidays::year(&mut d, &raw) {
            set.years.insert(y.year, y);
        }
    }
    (set, d.errors)
}

/// A required or optional string value; a value of another type is a problem at its line.
pub(super) fn text(d: &mut Diag, v: Option<&Spanned<Value>>, field: &str) -> Option<String> {
    match v {
        None => None,
        Some(s) => match s.get_ref() {
            Value::String(t) if !t.trim().is_empty() && t.chars().count() <= MAX_NAME => {
                Some(t.trim().to_string())
            }
            Value::String(t) if t.trim().is_empty() => {
                d.push(
                    &s.span(),
                    field,
                    "不能为空".into(),
                    "must not be empty".into(),
                );
                None
            }
            Value::String(_) => {
                d.push(
                    &s.span(),
                    field,
                    format!("过长（最多 {MAX_NAME} 个字）"),
                    format!("is too long (at most {MAX_NAME} characters)"),
                );
                None
            }
            _ => {
                d.push(
                    &s.span(),
                    field,
                    "应为带引号的文字".into(),
                    "must be a quoted text".into(),
                );
                None
            }
        },
    }
}

pub(super) fn required(
    d: &mut Diag,
    t: &RawTable,
    key: &str,
    field: &str,
    at: &Range<usize>,
) -> Option<String> {
    let v = text(d, t.get(key), field);
    if t.get(key).is_none() {
        d.push(
            at,
            field,
            format!("缺少「{key}」"),
            format!("`{key}` is missing"),
        );
    }
    v
}

/// Keys this entry does not know: a misspelt `hour` must not silently mean "no hours".
pub(super) fn unknown_keys(d: &mut Diag, t: &RawTable, known: &[&str], field: &str) {
    for (k, v) in t {
        if !known.contains(&k.as_str()) {
            d.push(
                &v.span(),
                field,
                format!("未知的键「{k}」，可用：{}", known.join("、")),
                format!("unknown key `{k}`; expected one of {}", known.join(", ")),
            );
        }
    }
}

fn calendar(d: &mut Diag, c: Spanned<RawTable>) -> Option<Calendar> {
    let at = c.span();
    let t = c.into_inner();
    let known = [
        "id",
        "name_zh",
        "name_en",
        "days",
        "hours",
        "public_holidays",
    ];
    unknown_keys(d, &t, &known, "calendar.file");
    let before = d.errors.len();
    let id = required(d, &t, "id", "calendar.id", &at);
    if let (Some(id), Some(v)) = (&id, t.get("id")) {
        let ok = id.len() <= 40
            && id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
        if !ok {
            d.push(
                &v.span(),
                "calendar.id",
                format!("「{id}」只能由英文字母、数字、- 和 _ 组成（最多 40 个）"),
                format!("{id:?} may hold only ASCII letters, digits, - and _ (at most 40)"),
            );
        }
    }
    let name_zh = required(d, &t, "name_zh", "calendar.name_zh", &at);
    let name_en = text(d, t.get("name_en"), "calendar.name_en");
    let days = days(d, &t, &at);
    let hours = hours(d, &t, &at);
    let public_holidays = match t.get("public_holidays") {
        Some(v) => match v.get_ref() {
            Value::Boolean(b) => *b,
            _ => {
                d.push(
                    &v.span(),
                    "calendar.public_holidays",
                    "应为 true 或 false".into(),
                    "must be true or false".into(),
                );
                false
            }
        },
        None => {
            d.push(
                &at,
                "calendar.public_holidays",
                "缺少「public_holidays」（true 或 false）".into(),
                "`public_holidays` is missing (true or false)".into(),
            );
            false
        }
    };
    if d.errors.len() > before {
        return None;
    }
    Some(Calendar {
        id: id?,
        name_zh: name_zh?,
        name_en,
        days: days?,
        hours: hours?,
        public_holidays,
        source: d.at(&at),
    })
}

/// `mon`…`sun` (or 周一…周日), each once, at least one.
fn days(d: &mut Diag, t: &RawTable, at: &Range<usize>) -> Option<[bool; 7]> {
    let field = "calendar.days";
    let Some(v) = t.get("days") else {
        d.push(at, field, "缺少「days」".into(), "`days` is missing".into());
        return None;
    };
    let span = v.span();
    let Value::Array(items) = v.get_ref() else {
        d.push(
            &span,
            field,
            "应为列表，例如 [\"mon\", \"tue\"]".into(),
            "must be a list, e.g. [\"mon\", \"tue\"]".into(),
        );
        return None;
    };
    let mut out = [false; 7];
    let mut ok = !items.is_empty();
    if items.is_empty() {
        d.push(
            &span,
            field,
            "至少要有一个工作日".into(),
            "must name at least one working day".into(),
        );
    }
    for item in items {
        let name = item.as_str().unwrap_or_default();
        match weekday(name) {
            Some(w) => {
                let i = w.num_days_from_monday() as usize;
                if out[i] {
                    ok = false;
                    d.push(
                        &span,
                        field,
                        format!("「{name}」重复"),
                        format!("{name:?} is listed twice"),
                    );
                }
                out[i] = true;
            }
            None => {
                ok = false;
                let shown = crate::domain::values::clip(&item.to_string());
                d.push(
                    &span,
                    field,
                    format!("未知的星期「{shown}」，可用：mon tue wed thu fri sat sun"),
                    format!("unknown weekday {shown}; expected mon tue wed thu fri sat sun"),
                );
            }
        }
    }
    ok.then_some(out)
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "mon" | "周一" => Weekday::Mon,
        "tue" | "周二" => Weekday::Tue,
        "wed" | "周三" => Weekday::Wed,
        "thu" | "周四" => Weekday::Thu,
        "fri" | "周五" => Weekday::Fri,
        "sat" | "周六" => Weekday::Sat,
        "sun" | "周日" => Weekday::Sun,
        _ => return None,
    })
}

/// `"HH:MM-HH:MM"` ranges, start before end, not overlapping; sorted.
fn hours(d: &mut Diag, t: &RawTable, at: &Range<usize>) -> Option<Vec<(u32, u32)>> {
    let field = "calendar.hours";
    let Some(v) = t.get("hours") else {
        d.push(
            at,
            field,
            "缺少「hours」".into(),
            "`hours` is missing".into(),
        );
        return None;
    };
    let span = v.span();
    let Value::Array(items) = v.get_ref() else {
        d.push(
            &span,
            field,
            "应为列表，例如 [\"09:00-18:00\"]".into(),
            "must be a list, e.g. [\"09:00-18:00\"]".into(),
        );
        return None;
    };
    if items.is_empty() {
        d.push(
            &span,
            field,
            "至少要有一个时段".into(),
            "must give at least one range of hours".into(),
        );
        return None;
    }
    let mut out = Vec::new();
    for item in items {
        let shown = crate::domain::values::clip(item.as_str().unwrap_or(&item.to_string()));
        match item.as_str().and_then(time_range) {
            Some(r) => out.push(r),
            None => d.push(
                &span,
                field,
                format!("时段「{shown}」格式不对：应为 HH:MM-HH:MM，开始早于结束，例如 09:00-18:00"),
                format!(
                    "hours {shown:?} are malformed: expected HH:MM-HH:MM with the start before the end, e.g. 09:00-18:00"
                ),
            ),
        }
    }
    if out.len() != items.len() {
        return None;
    }
    out.sort_unstable();
    for pair in out.windows(2) {
        if let [a, b] = pair {
            if b.0 < a.1 {
                d.push(
                    &span,
                    field,
                    format!("时段 {} 与 {} 重叠", show_range(*a), show_range(*b)),
                    format!("hours {} and {} overlap", show_range(*a), show_range(*b)),
                );
                return None;
            }
        }
    }
    Some(out)
}

fn show_range((a, b): (u32, u32)) -> String {
    format!("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60)
}

/// `H:MM-HH:MM` (also with `–` or `~` between) as minutes after midnight; `24:00` ends a day.
fn time_range(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once(['-', '–', '~'])?;
    let (a, b) = (clock(a)?, clock(b)?);
    (a < b && a < 24 * 60).then_some((a, b))
}

fn clock(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let ok = (h < 24 && m < 60) || (h == 24 && m == 0);
    ok.then_some(h * 60 + m)
}
