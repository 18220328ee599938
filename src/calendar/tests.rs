//! Service calendars in Asia/Shanghai time: the shipped files, deadlines counted in them (a
//! table of cases people know from the hotline), bad files an office might send out, and the
//! properties every deadline has.

use super::count::{instant, Counter, Interval};
use super::*;
use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;

/// An instant given as China wall time `YYYY-MM-DD HH:MM`.
fn cst(s: &str) -> DateTime<Utc> {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time");
    instant(t)
}

fn china(t: DateTime<Utc>) -> String {
    count::local(t).format("%Y-%m-%d %H:%M").to_string()
}

fn shipped() -> Calendars {
    Calendars::shipped().expect("the shipped calendar files are valid")
}

/// `minutes` of calendar `id` after `from`, paused during `pauses` (China wall times), as China
/// wall time, with the years counted without holiday data.
fn due_with(
    set: &Calendars,
    id: &str,
    from: &str,
    minutes: i64,
    pauses: &[(&str, &str)],
) -> (String, Vec<i32>) {
    let calendar = set.get(id).expect("a shipped calendar");
    let spans: Vec<Interval> = pauses
        .iter()
        .map(|(a, b)| Interval {
            from: cst(a),
            to: cst(b),
        })
        .collect();
    let c = Counter {
        set,
        calendar,
        extra_off: &[],
    }
    .add(cst(from), minutes, &spans);
    assert!(!c.exhausted);
    (china(c.at), c.years_without_data)
}

#[test]
fn the_shipped_files_hold_2025_and_2026_as_published_and_2027_as_not_yet() {
    let set = shipped();
    for id in ["5x8", "7x24", "5x8-0830", "5x9-1000", "7x9-1000"] {
        assert!(set.get(id).is_some(), "{id}");
    }
    let y25 = set.year(2025).expect("2025");
    assert_eq!(y25.status, YearStatus::Published);
    assert_eq!((y25.off.len(), y25.workdays.len()), (28, 5));
    let y26 = set.year(2026).expect("2026");
    assert_eq!(y26.status, YearStatus::Published);
    // 元旦 3 + 春节 9 + 清明 3 + 劳动节 5 + 端午 3 + 中秋 3 + 国庆 7; six make-up weekend days.
    assert_eq!((y26.off.len(), y26.workdays.len()), (33, 6));
    let y27 = set.year(2027).expect("2027 is shipped, marked unpublished");
    assert_eq!(y27.status, YearStatus::Unpublished);
    assert!(y27.off.is_empty() && y27.workdays.is_empty());
    assert!(set.get("7x24").is_some_and(Calendar::always_open));
}

/// (case, calendar, reported at (China time), limit in minutes, due (China time), years counted
/// without holiday data)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static [i32],
);

const CASES: &[Case] = &[
    (
        "a fault reported Friday 17:50 on 5×8 is due Monday 09:20",
        "5x8",
        "2026-11-20 17:50",
        30,
        "2026-11-23 09:20",
        &[],
    ),
    (
        "on the eve of National Day 2026 the response waits for 8 October",
        "5x8",
        "2026-09-30 17:50",
        30,
        "2026-10-08 09:20",
        &[],
    ),
    (
        "on the eve of National Day 2025 (eight days with Mid-Autumn) it waits for 9 October",
        "5x8",
        "2025-09-30 17:50",
        30,
        "2025-10-09 09:20",
        &[],
    ),
    (
        "Friday evening before the make-up Saturday 10 October 2026 is due that Saturday",
        "5x8",
        "2026-10-09 17:50",
        30,
        "2026-10-10 09:20",
        &[],
    ),
    (
        "a fault reported on the make-up Saturday 14 February 2026 is answered that morning",
        "5x8",
        "2026-02-14 10:00",
        30,
        "2026-02-14 10:30",
        &[],
    ),
    (
        "an ordinary Saturday waits for Monday",
        "5x8",
        "2026-10-17 10:00",
        30,
        "2026-10-19 09:30",
        &[],
    ),
    (
        "at 03:00 on a National Day holiday 7×24 answers at 03:30",
        "7x24",
        "2026-10-03 03:00",
        30,
        "2026-10-03 03:30",
        &[],
    ),
    (
        "7×24 counts a 24-hour arrival through the night",
        "7x24",
        "2026-10-03 03:00",
        24 * 60,
        "2026-10-04 03:00",
        &[],
    ),
    (
        "across New Year 2026 the response lands on the make-up Sunday 4 January",
        "5x8",
        "2025-12-31 17:50",
        30,
        "2026-01-04 09:20",
        &[],
    ),
    (
        "across New Year 2027 (not yet published) 1 January counts as a working Friday",
        "5x8",
        "2026-12-31 17:50",
        30,
        "2027-01-01 09:20",
        &[2027],
    ),
    (
        "on an 8:30–17:30 contract Friday 17:20 is due Monday 08:50",
        "5x8-0830",
        "2026-11-20 17:20",
        30,
        "2026-11-23 08:50",
        &[],
    ),
    (
        "on an 8:30–17:30 contract a fault reported at 07:00 counts from 08:30",
        "5x8-0830",
        "2026-11-23 07:00",
        60,
        "2026-11-23 09:30",
        &[],
    ),
    (
        "24 hotline hours from Monday 10:00 end Wednesday 16:00",
        "5x8",
        "2026-11-23 10:00",
        24 * 60,
        "2026-11-25 16:00",
        &[],
    ),
    (
        "a 10:00–19:00 every-day calendar works through the holidays",
        "7x9-1000",
        "2026-10-01 18:50",
        30,
        "2026-10-02 10:20",
        &[],
    ),
    (
        "Spring Festival 2026: Friday 13 February evening is due on the make-up Saturday",
        "5x8",
        "2026-02-13 17:50",
        30,
        "2026-02-14 09:20",
        &[],
    ),
    (
        "after the make-up Saturday the next working time is after the holiday week",
        "5x8",
        "2026-02-14 17:50",
        30,
        "2026-02-24 09:20",
        &[],
    ),
];

#[test]
fn deadlines_in_asia_shanghai_time() {
    let set = shipped();
    for (case, cal, from, minutes, want, missing) in CASES {
        let (got, years) = due_with(&set, cal, from, *minutes, &[]);
        assert_eq!(&got, want, "{case}");
        assert_eq!(&years, missing, "{case}: years without data");
    }
}

#[test]
fn a_typhoon_pause_moves_the_deadline_by_the_counted_time_it_covers() {
    let set = shipped();
    // 7×24: 24 h from Monday 10:00 with a typhoon 14:00–20:00 → Tuesday 16:00, not 10:00.
    let (got, _) = due_with(
        &set,
        "7x24",
        "2026-07-20 10:00",
        24 * 60,
        &[("2026-07-20 14:00", "2026-07-20 20:00")],
    );
    assert_eq!(got, "2026-07-21 16:00");
    // 5×8: 24 hotline hours from Monday 10:00 end Wednesday 16:00; a typhoon from Monday 14:00
    // to Tuesday 12:00 covers 4 + 3 counted hours, so Thursday 14:00.
    let (got, _) = due_with(
        &set,
        "5x8",
        "2026-11-23 10:00",
        24 * 60,
        &[("2026-11-23 14:00", "2026-11-24 12:00")],
    );
    assert_eq!(got, "2026-11-26 14:00");
    // A typhoon over the weekend moves nothing a 5×8 clock counts.
    let (got, _) = due_with(
        &set,
        "5x8",
        "2026-11-20 17:50",
        30,
        &[("2026-11-21 00:00", "2026-11-22 23:00")],
    );
    assert_eq!(got, "2026-11-23 09:20");
}

#[test]
fn a_contracts_own_days_off_are_kept_on_top_of_the_public_holidays() {
    let set = shipped();
    let calendar = set.get("5x8").expect("5x8");
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let c = Counter {
        set: &set,
        calendar,
        extra_off: &[monday],
    }
    .add(cst("2026-11-20 17:50"), 30, &[]);
    assert_eq!(china(c.at), "2026-11-24 09:20");
}

#[test]
fn the_stored_5x8_and_7x24_columns_still_count_as_before() {
    use crate::domain::contract::{add_service_minutes, ServiceCalendar};
    let from = cst("2026-11-20 17:50");
    let five = add_service_minutes(ServiceCalendar::FiveByEight, &[], from, 30);
    assert_eq!(china(five), "2026-11-23 09:20");
    let seven = add_service_minutes(ServiceCalendar::SevenByTwentyFour, &[], from, 30);
    assert_eq!(china(seven), "2026-11-20 18:20");
    // A contract's stored holidays (the old way to say "public holidays excluded") still count.
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let five = add_service_minutes(ServiceCalendar::FiveByEight, &[monday], from, 30);
    assert_eq!(china(five), "2026-11-24 09:20");
}

#[test]
fn open_hours_say_whether_a_report_is_out_of_hours() {
    let set = shipped();
    let c = Counter {
        set: &set,
        calendar: set.get("5x8").expect("5x8"),
        extra_off: &[],
    };
    assert!(c.is_open(cst("2026-11-23 09:00")));
    assert!(!c.is_open(cst("2026-11-23 18:00")));
    assert!(!c.is_open(cst("2026-10-01 10:00")), "National Day");
    assert!(c.is_open(cst("2026-10-10 10:00")), "make-up Saturday");
    assert!(!c.is_open(cst("2026-10-17 10:00")), "an ordinary Saturday");
}

/// A bad file's first problem: its place, field and English message.
fn problem(text: &str) -> (String, String, String) {
    let e = parse::parse(text, "bad.toml").expect_err("a bad file is refused");
    assert_eq!(e.kind(), "invalid");
    let place = match &e {
        Error::At { location, .. } => location.clone(),
        other => panic!("not located: {other:?}"),
    };
    (
        place,
        e.field().unwrap_or_default().to_string(),
        e.to_string(),
    )
}

const GOOD_HOURS: &str = r#"[[calendar]]
id = "x"
name_zh = "测试"
days = ["mon", "tue"]
hours = ["09:00-18:00"]
public_holidays = true
"#;

#[test]
fn bad_calendar_files_are_named_by_file_line_and_field() {
    assert!(parse::parse(GOOD_HOURS, "good.toml").is_ok());
    let malformed_time = GOOD_HOURS.replace("09:00-18:00", "9:0x-18:00");
    let (at, field, msg) = problem(&malformed_time);
    assert_eq!(
        (at.as_str(), field.as_str()),
        ("bad.toml:5", "calendar.hours")
    );
    assert!(msg.contains("9:0x-18:00"), "{msg}");

    let unknown_day = GOOD_HOURS.replace("\"tue\"", "\"funday\"");
    let (at, field, msg) = problem(&unknown_day);
    assert_eq!(
        (at.as_str(), field.as_str()),
        ("bad.toml:4", "calendar.days")
    );
    assert!(msg.contains("funday"), "{msg}");

    let overlapping = GOOD_HOURS.replace("\"09:00-18:00\"", "\"08:30-12:00\", \"11:00-17:30\"");
    let (at, field, msg) = problem(&overlapping);
    assert_eq!(
        (at.as_str(), field.as_str()),
        ("bad.toml:5", "calendar.hours")
    );
    assert!(msg.contains("overlap"), "{msg}");

    let year = "year = 2026\nstatus = \"published\"\nsource = \"通知\"\n";
    let in_2099 = format!("{year}\n[[holiday]]\nname_zh = \"国庆节\"\nfrom = \"2099-10-01\"\n");
    let (at, field, msg) = problem(&in_2099);
    assert_eq!(
        (at.as_str(), field.as_str()),
        ("bad.toml:7", "holiday.from")
    );
    assert!(msg.contains("2099-10-01") && msg.contains("2026"), "{msg}");

    let twice = format!(
        "{year}\n[[holiday]]\nname_zh = \"国庆节\"\nfrom = \"2026-10-01\"\nto = \"2026-10-07\"\n\n[[holiday]]\nname_zh = \"中秋节\"\nfrom = \"2026-10-05\"\n"
    );
    let (at, field, msg) = problem(&twice);
    assert_eq!(
        (at.as_str(), field.as_str()),
        ("bad.toml:12", "holiday.from")
    );
    assert!(
        msg.contains("2026-10-05") && msg.contains("line 8"),
        "{msg}"
    );

    let workday_twice = format!(
        "{year}\n[[workday]]\ndate = \"2026-10-10\"\nname_zh = \"调休\"\n\n[[workday]]\ndate = \"2026-10-10\"\nname_zh = \"调休\"\n"
    );
    let (at, field, _) = problem(&workday_twice);
    assert_eq!(
        (at.as_str(), field.as_str()),
        ("bad.toml:10", "workday.date")
    );
}

#[test]
fn other_mistakes_are_named_too() {
    let cases: &[(String, &str, &str)] = &[
        ("[[calendar]\nid = 1".to_string(), "bad.toml:1", "calendar.file"),
        (
            GOOD_HOURS.replace("hours", "hour"),
            "bad.toml:5",
            "calendar.file",
        ),
        (
            GOOD_HOURS.replace("public_holidays = true", "public_holidays = \"yes\""),
            "bad.toml:6",
            "calendar.public_holidays",
        ),
        (
            GOOD_HOURS.replace("09:00-18:00", "18:00-09:00"),
            "bad.toml:5",
            "calendar.hours",
        ),
        (
            GOOD_HOURS.replace("09:00-18:00", "09:00-24:01"),
            "bad.toml:5",
            "calendar.hours",
        ),
        (
            GOOD_HOURS.replace("id = \"x\"", "id = \"5×8\""),
            "bad.toml:2",
            "calendar.id",
        ),
        (
            format!("{GOOD_HOURS}\n{GOOD_HOURS}"),
            "bad.toml:8",
            "calendar.id",
        ),
        (
            "year = 2026\nstatus = \"unpublished\"\nsource = \"-\"\n[[workday]]\ndate = \"2026-10-10\"\nname_zh = \"调休\"\n".to_string(),
            "bad.toml:2",
            "holidays.status",
        ),
        (
            "year = 2026\nstatus = \"published\"\nsource = \"-\"\n[[workday]]\ndate = \"2026-10-12\"\nname_zh = \"调休\"\n".to_string(),
            "bad.toml:5",
            "workday.date",
        ),
        (
            "year = 2026\nstatus = \"published\"\nsource = \"-\"\n[[holiday]]\nname_zh = \"假\"\nfrom = \"2026-10-07\"\nto = \"2026-10-01\"\n".to_string(),
            "bad.toml:7",
            "holiday.to",
        ),
        (
            "year = 2099\nstatus = \"published\"\nsource = \"-\"\n".to_string(),
            "bad.toml:1",
            "holidays.year",
        ),
        (
            "[[holiday]]\nname_zh = \"假\"\nfrom = \"2026-10-07\"\n".to_string(),
            "bad.toml:1",
            "holidays.year",
        ),
    ];
    for (text, at, field) in cases {
        let (got_at, got_field, msg) = problem(text);
        assert_eq!(
            (got_at.as_str(), got_field.as_str()),
            (*at, *field),
            "{msg}\n{text}"
        );
    }
}

#[test]
fn every_problem_of_a_file_is_listed_and_messages_name_the_field_in_words() {
    let text = GOOD_HOURS
        .replace("\"tue\"", "\"funday\"")
        .replace("09:00-18:00", "9-18");
    let (_, errors) = parse::diagnose(&text, "bad.toml");
    assert_eq!(errors.len(), 2, "{errors:?}");
    let zh = errors[1].message_zh();
    assert!(zh.starts_with("bad.toml:5："), "{zh}");
    assert!(zh.contains("服务时段"), "{zh}");
    assert!(!zh.contains("calendar.hours"), "{zh}");
}

#[test]
fn a_folder_replaces_shipped_entries_and_refuses_its_own_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let y2027 = "year = 2027\nstatus = \"published\"\nsource = \"测试\"\n\n[[holiday]]\nname_zh = \"元旦\"\nfrom = \"2027-01-01\"\n";
    std::fs::write(dir.path().join("cn-holidays-2027.toml"), y2027).expect("write");
    let set = Calendars::load_dir(dir.path()).expect("a folder over the shipped files");
    let y = set.year(2027).expect("2027");
    assert_eq!(y.status, YearStatus::Published);
    assert!(set.get("5x8").is_some(), "the shipped calendars stay");
    let (got, missing) = due_with(&set, "5x8", "2026-12-31 17:50", 30, &[]);
    assert_eq!((got.as_str(), missing), ("2027-01-04 09:20", vec![]));

    std::fs::write(dir.path().join("more-2027.toml"), y2027).expect("write");
    let e = Calendars::load_dir(dir.path()).expect_err("two files for 2027");
    assert_eq!(e.field(), Some("holidays.year"));
    assert!(e.to_string().contains("cn-holidays-2027.toml"), "{e}");
}

#[test]
fn no_prefix_of_a_shipped_file_and_no_garbage_makes_the_parser_panic() {
    for (name, text) in SHIPPED {
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(7).collect();
        for cut in cuts {
            let _ = parse::diagnose(&text[..cut], name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse::diagnose(&text, "fuzz.toml");
    }
}

/// Calendars the properties are checked in.
const IDS: &[&str] = &["5x8", "7x24", "5x8-0830", "7x9-1000"];

fn base() -> DateTime<Utc> {
    cst("2025-01-01 00:00")
}

fn at(offset_minutes: i64) -> DateTime<Utc> {
    base() + chrono::Duration::minutes(offset_minutes)
}

fn deadline(
    set: &Calendars,
    id: &str,
    start: DateTime<Utc>,
    minutes: i64,
    pauses: &[Interval],
) -> DateTime<Utc> {
    let calendar = set.get(id).expect("calendar");
    Counter {
        set,
        calendar,
        extra_off: &[],
    }
    .add(start, minutes, pauses)
    .at
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_deadline_never_comes_before_its_report_time(
        cal in 0..IDS.len(), start in 0i64..(3 * 366 * 1440), minutes in 0i64..10_000,
    ) {
        let set = shipped();
        let d = deadline(&set, IDS[cal], at(start), minutes, &[]);
        prop_assert!(d >= at(start));
    }

    #[test]
    fn a_later_report_never_has_an_earlier_deadline(
        cal in 0..IDS.len(), start in 0i64..(3 * 366 * 1440), later in 0i64..20_000,
        minutes in 0i64..10_000,
        pause in proptest::option::of((-2_000i64..20_000, 0i64..6_000)),
    ) {
        let set = shipped();
        let pauses: Vec<Interval> = pause
            .map(|(from, len)| Interval { from: at(start + from), to: at(start + from + len) })
            .into_iter()
            .collect();
        let early = deadline(&set, IDS[cal], at(start), minutes, &pauses);
        let late = deadline(&set, IDS[cal], at(start + later), minutes, &pauses);
        prop_assert!(late >= early, "{} then {}", china(early), china(late));
    }

    #[test]
    fn a_pause_never_shortens_a_deadline(
        cal in 0..IDS.len(), start in 0i64..(3 * 366 * 1440), minutes in 0i64..10_000,
        pauses in proptest::collection::vec((-2_000i64..20_000, 0i64..6_000), 0..4),
    ) {
        let set = shipped();
        let spans: Vec<Interval> = pauses
            .iter()
            .map(|(from, len)| Interval { from: at(start + from), to: at(start + from + len) })
            .collect();
        let plain = deadline(&set, IDS[cal], at(start), minutes, &[]);
        let paused = deadline(&set, IDS[cal], at(start), minutes, &spans);
        prop_assert!(paused >= plain, "{} then {}", china(plain), china(paused));
        // …and one more pause never shortens it either.
        if let Some((first, rest)) = spans.split_first() {
            let fewer = deadline(&set, IDS[cal], at(start), minutes, rest);
            prop_assert!(paused >= fewer, "{first:?}");
        }
    }
}
