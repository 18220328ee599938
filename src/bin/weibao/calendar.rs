//! `weibao calendar …`: the service calendars in use, checking calendar files, and counting a
//! deadline in one calendar (to check an edited file before it goes out).

use crate::output::{emit_as, table};
use clap::Subcommand;
use serde::Serialize;
use std::path::{Path, PathBuf};
use weibao::calendar::{self, count::Counter, parse, Calendars, YearStatus};
use weibao::Error;

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// List the calendars and holiday years in use (shipped, or --calendars DIR over them).
    List,
    /// Check calendar files; every problem is listed as file:line, the field and what is wrong.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Count a deadline: MINUTES of CALENDAR after --from (China time), e.g.
    /// `weibao calendar due 5x8 --from "2026-09-30 17:50" --minutes 30`.
    Due {
        calendar: String,
        /// Start, `YYYY-MM-DD HH:MM` China time (or RFC 3339).
        #[arg(long)]
        from: String,
        #[arg(long)]
        minutes: i64,
    },
}

/// The calendars in use: the shipped files, with a folder office staff maintain over them.
/// Made the process-wide set, so every command of this run counts in it.
pub fn load(dir: Option<&Path>) -> Result<(), Error> {
    if let Some(d) = dir {
        calendar::set_active(Calendars::load_dir(d)?);
    }
    Ok(())
}

#[derive(Serialize)]
struct Row {
    id: String,
    name_zh: String,
    name_en: String,
    days: String,
    hours: String,
    public_holidays: bool,
    source: String,
}

#[derive(Serialize)]
struct YearRow {
    year: i32,
    published: bool,
    days_off: usize,
    make_up_workdays: usize,
    source: String,
    notice: String,
}

#[derive(Serialize)]
struct Listing {
    calendars: Vec<Row>,
    years: Vec<YearRow>,
}

#[derive(Serialize)]
struct Problem {
    location: String,
    field: Option<String>,
    message: String,
    message_en: String,
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    ok: bool,
    problems: Vec<Problem>,
}

fn hhmm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Calendars are files, not records: no database is opened (nor created) for these.
pub fn run(json: bool, cmd: CalendarCmd) -> Result<(), Error> {
    let set = calendar::active();
    match cmd {
        CalendarCmd::List => {
            const DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            let listing = Listing {
                calendars: set
                    .calendars()
                    .map(|c| Row {
                        id: c.id.clone(),
                        name_zh: c.name_zh.clone(),
                        name_en: c.name_en().to_string(),
                        days: c
                            .days
                            .iter()
                            .zip(DAYS)
                            .filter(|(on, _)| **on)
                            .map(|(_, d)| d)
                            .collect(),
                        hours: c
                            .hours
                            .iter()
                            .map(|(a, b)| format!("{}-{}", hhmm(*a), hhmm(*b)))
                            .collect::<Vec<_>>()
                            .join(", "),
                        public_holidays: c.public_holidays,
                        source: c.source.clone(),
                    })
                    .collect(),
                years: set
                    .years()
                    .map(|y| YearRow {
                        year: y.year,
                        published: y.status == YearStatus::Published,
                        days_off: y.off.len(),
                        make_up_workdays: y.workdays.len(),
                        source: y.source.clone(),
                        notice: y.source_text.clone(),
                    })
                    .collect(),
            };
            emit_as(json, &listing, || {
                let mut out = table(
                    &["日历", "名称", "工作日", "时段", "节假日", "文件"],
                    listing.calendars.iter().map(|r| {
                        vec![
                            r.id.clone(),
                            r.name_zh.clone(),
                            format!("周{}", r.days),
                            r.hours.clone(),
                            if r.public_holidays {
                                "执行"
                            } else {
                                "不计"
                            }
                            .into(),
                            r.source.clone(),
                        ]
                    }),
                );
                out.push('\n');
                out += &table(
                    &["年份", "状态", "放假天数", "调休上班", "通知"],
                    listing.years.iter().map(|y| {
                        vec![
                            y.year.to_string(),
                            if y.published {
                                "已发布"
                            } else {
                                "未发布：按无节假日计算"
                            }
                            .into(),
                            y.days_off.to_string(),
                            y.make_up_workdays.to_string(),
                            y.notice.clone(),
                        ]
                    }),
                );
                out
            })
        }
        CalendarCmd::Validate { files } => validate(json, &files),
        CalendarCmd::Due {
            calendar: id,
            from,
            minutes,
        } => {
            let Some(cal) = set.get(&id) else {
                return Err(Error::not_found("calendar", id));
            };
            let start = weibao::work_orders::parse_time("calendar.from", &from)?;
            let counted = Counter {
                set: &set,
                calendar: cal,
                extra_off: &[],
            }
            .add(start, minutes, &[]);
            let due = weibao::views::time::china(counted.at);
            #[derive(Serialize)]
            struct Due<'a> {
                calendar: &'a str,
                from: String,
                minutes: i64,
                due: String,
                years_without_data: Vec<i32>,
            }
            let out = Due {
                calendar: &cal.id,
                from: weibao::views::time::china(start),
                minutes,
                due,
                years_without_data: counted.years_without_data,
            };
            emit_as(json, &out, || {
                let mut s = format!(
                    "{} 起 {} 分钟（{}）：{}\n",
                    out.from, out.minutes, cal.name_zh, out.due
                );
                for y in &out.years_without_data {
                    s += &format!(
                        "注意：{y} 年的法定节假日尚未收录，按无节假日计算 / {y} has no holiday data: counted without holidays\n"
                    );
                }
                s
            })
        }
    }
}

fn validate(json: bool, files: &[PathBuf]) -> Result<(), Error> {
    let mut reports = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let text = weibao::files::read_text("files", f, calendar::MAX_CALENDAR_BYTES)?;
        let (_, errors) = parse::diagnose(&text, &name);
        reports.push(FileReport {
            ok: errors.is_empty(),
            problems: errors
                .iter()
                .map(|e| Problem {
                    location: match e {
                        Error::At { location, .. } => location.clone(),
                        _ => name.clone(),
                    },
                    field: e.field().map(str::to_string),
                    message: match e {
                        Error::At { inner, .. } => inner.message_zh(),
                        other => other.message_zh(),
                    },
                    message_en: match e {
                        Error::At { inner, .. } => inner.to_string(),
                        other => other.to_string(),
                    },
                })
                .collect(),
            file: name,
        });
    }
    let bad: usize = reports.iter().map(|r| r.problems.len()).sum();
    emit_as(json, &reports, || {
        let mut out = String::new();
        for r in &reports {
            if r.ok {
                out += &format!("{}：通过\n", r.file);
            } else {
                out += &format!("{}：{} 处错误\n", r.file, r.problems.len());
            }
            for p in &r.problems {
                out += &format!("  {}  {}\n      {}\n", p.location, p.message, p.message_en);
            }
        }
        out
    })?;
    if bad > 0 {
        return Err(Error::refused(
            "calendar_invalid",
            format!("日历文件共有 {bad} 处错误"),
            format!("{bad} problem(s) in the calendar files"),
        ));
    }
    Ok(())
}
