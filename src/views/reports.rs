//! The signed reports on record, found again: by lane, by device, by date (China time) and by
//! number. A report is the customer's record of a visit; once its work order leaves Today the
//! engineer must still reach it from a list and from the device's archive.
//!
//! A device's reports are those of work orders on that device, and the inspection reports of
//! its lane (an inspection covers every device of the lane). Addenda are listed beside their
//! original.

use super::time;
use crate::domain::values::{parse_date, MAX_NAME_CHARS};
use crate::store::Store;
use crate::{Error, Result};
use chrono::{Duration, NaiveDate, TimeZone};
use rusqlite::named_params;
use serde::{Deserialize, Serialize};

/// At most this many rows per list (newest first): a filter narrows it further.
pub const MAX_ROWS: i64 = 500;

/// What to look for; every part is optional.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportFilter {
    pub lane_id: Option<String>,
    pub device_id: Option<String>,
    /// First and last day signed, `YYYY-MM-DD`, in China time.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Part of the report number or of the work order's title.
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub work_order_id: String,
    pub number: String,
    /// `inspection`, `service` or `addendum`.
    pub kind: String,
    pub kind_zh: &'static str,
    pub kind_en: &'static str,
    pub title: String,
    pub lane_id: String,
    pub site_name: String,
    pub lane_code: String,
    pub device_id: Option<String>,
    pub device_code: Option<String>,
    pub signer: String,
    pub signed_at: String,
    pub signed_at_text: String,
}

/// A given id, or none when absent or blank.
fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn kind_labels(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "inspection" => ("巡检报告", "inspection report"),
        "addendum" => ("更正报告", "addendum"),
        _ => ("服务报告", "service report"),
    }
}

/// The first instant of a China-time day, as stored (RFC 3339, UTC).
fn day_start(field: &str, day: NaiveDate) -> Result<String> {
    let cst = crate::report::common::cst();
    cst.from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339())
        .ok_or_else(|| Error::invalid(field, "日期无效", "not a valid date"))
}

/// The reports matching `f`, newest first (at most [`MAX_ROWS`]).
pub fn list(store: &Store, f: &ReportFilter) -> Result<Vec<ReportRow>> {
    let day = |field: &str, v: &Option<String>| -> Result<Option<NaiveDate>> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => parse_date(field, v).map(Some),
        }
    };
    let from = day("report.from", &f.from)?;
    let to = day("report.to", &f.to)?;
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(Error::invalid(
                "report.to",
                "结束日期早于开始日期",
                "the last day is before the first day",
            ));
        }
    }
    let from = from.map(|d| day_start("report.from", d)).transpose()?;
    let to = to
        .and_then(|d| d.checked_add_signed(Duration::days(1)))
        .map(|d| day_start("report.to", d))
        .transpose()?;
    let text =
        crate::domain::values::optional_text("report.text", f.text.as_deref(), MAX_NAME_CHARS)?
            .map(|t| format!("%{}%", like_escape(&t)));
    let mut st = store.conn().prepare_cached(
        "SELECT r.work_order_id, r.number, r.kind, w.title, w.lane_id, s.name, l.code,
                w.device_id, d.code, r.signer, r.signed_at
           FROM report r
           JOIN work_order w ON w.id = r.work_order_id
           JOIN lane l ON l.id = w.lane_id
           JOIN site s ON s.id = l.site_id
           LEFT JOIN device d ON d.id = w.device_id
          WHERE r.deleted = 0
            AND (:lane IS NULL OR w.lane_id = :lane)
            AND (:device IS NULL OR w.device_id = :device
                 OR (w.kind = 'inspection'
                     AND w.lane_id = (SELECT lane_id FROM device WHERE id = :device)))
            AND (:from IS NULL OR r.signed_at >= :from)
            AND (:to IS NULL OR r.signed_at < :to)
            AND (:text IS NULL OR r.number LIKE :text ESCAPE '\\' OR w.title LIKE :text ESCAPE '\\')
          ORDER BY r.signed_at DESC, r.number DESC
          LIMIT :limit",
    )?;
    let rows = st.query_map(
        named_params! {
            ":lane": blank(&f.lane_id),
            ":device": blank(&f.device_id),
            ":from": from,
            ":to": to,
            ":text": text,
            ":limit": MAX_ROWS,
        },
        |r| {
            let kind: String = r.get(2)?;
            let signed_at: String = r.get(10)?;
            let (kind_zh, kind_en) = kind_labels(&kind);
            Ok(ReportRow {
                work_order_id: r.get(0)?,
                number: r.get(1)?,
                kind,
                kind_zh,
                kind_en,
                title: r.get(3)?,
                lane_id: r.get(4)?,
                site_name: r.get(5)?,
                lane_code: r.get(6)?,
                device_id: r.get(7)?,
                device_code: r.get(8)?,
                signer: r.get(9)?,
                signed_at_text: time::china_text(&signed_at),
                signed_at,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `%`, `_` and `\` typed by a person match themselves.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::fixture::world;

    #[test]
    fn a_bad_date_or_reversed_range_names_the_field() {
        let w = world();
        let bad = ReportFilter {
            from: Some("2026-13-01".into()),
            ..Default::default()
        };
        let e = list(&w.store, &bad).expect_err("bad date");
        assert_eq!(e.field(), Some("report.from"));
        let reversed = ReportFilter {
            from: Some("2026-06-02".into()),
            to: Some("2026-06-01".into()),
            ..Default::default()
        };
        let e = list(&w.store, &reversed).expect_err("reversed");
        assert_eq!(e.field(), Some("report.to"));
    }

    #[test]
    fn the_demos_signed_reports_are_found_by_lane_device_date_and_number() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = Store::open(
            &dir.path().join("t.db"),
            std::sync::Arc::new(crate::SystemClock),
        )
        .expect("open");
        crate::demo::load(&mut s, None, &mut |_, _| {}).expect("demo");
        let all = list(&s, &ReportFilter::default()).expect("all");
        assert!(all.len() >= 2, "the demo signs reports: {all:?}");
        assert!(
            all.windows(2).all(|p| p[0].signed_at >= p[1].signed_at),
            "newest first"
        );

        let one = &all[0];
        let by_number = ReportFilter {
            text: Some(one.number[one.number.len() - 4..].to_string()),
            ..Default::default()
        };
        assert!(list(&s, &by_number)
            .expect("number")
            .iter()
            .any(|r| r.number == one.number));
        let by_lane = ReportFilter {
            lane_id: Some(one.lane_id.clone()),
            ..Default::default()
        };
        assert!(list(&s, &by_lane)
            .expect("lane")
            .iter()
            .all(|r| r.lane_id == one.lane_id));

        // Every device of an inspected lane reaches the inspection's report; a repair's
        // report is reached from its own device.
        for r in &all {
            let device = match &r.device_id {
                Some(d) => d.clone(),
                None => s
                    .conn()
                    .query_row(
                        "SELECT id FROM device WHERE lane_id = ?1 LIMIT 1",
                        [&r.lane_id],
                        |x| x.get(0),
                    )
                    .expect("a device on the lane"),
            };
            let f = ReportFilter {
                device_id: Some(device),
                ..Default::default()
            };
            assert!(
                list(&s, &f)
                    .expect("device")
                    .iter()
                    .any(|x| x.number == r.number),
                "{}",
                r.number
            );
        }

        // The day it was signed (China time) finds it; the day after does not.
        let day = &one.signed_at_text[..10];
        let on = ReportFilter {
            from: Some(day.into()),
            to: Some(day.into()),
            ..Default::default()
        };
        assert!(list(&s, &on)
            .expect("day")
            .iter()
            .any(|r| r.number == one.number));
        let next = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("day") + Duration::days(1);
        let after = ReportFilter {
            from: Some(next.to_string()),
            ..Default::default()
        };
        assert!(!list(&s, &after)
            .expect("after")
            .iter()
            .any(|r| r.number == one.number));
    }

    #[test]
    fn a_devices_archive_links_its_repair_report_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = Store::open(
            &dir.path().join("t.db"),
            std::sync::Arc::new(crate::SystemClock),
        )
        .expect("open");
        crate::demo::load(&mut s, None, &mut |_, _| {}).expect("demo");
        let repair = list(&s, &ReportFilter::default())
            .expect("all")
            .into_iter()
            .find(|r| r.kind == "service" && r.device_id.is_some())
            .expect("the demo signs a repair");
        let device = repair.device_id.clone().expect("device");
        let a = crate::views::archive::open(&mut s, &device, Some("test")).expect("archive");
        assert!(a.reports.iter().any(|r| r.number == repair.number));
        let links: Vec<_> = a
            .history
            .iter()
            .filter(|h| h.report_number.as_deref() == Some(repair.number.as_str()))
            .collect();
        assert_eq!(links.len(), 1, "one link per visit: {:?}", a.history);
        assert_eq!(
            links[0].line.work_order_id.as_deref(),
            Some(repair.work_order_id.as_str())
        );
    }

    #[test]
    fn a_percent_sign_in_the_search_matches_itself() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
