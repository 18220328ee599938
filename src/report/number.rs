//! Report numbers unique across engineers even when made offline: the engineer's own prefix,
//! the year and a per-engineer sequence, e.g. `ZW-2026-0007`.
//!
//! No coordination is needed because no two engineers share a prefix, and one engineer's
//! sequence only advances on the laptop that holds their key. The next number is never below
//! the highest one already recorded for that prefix and year (including reports synced from
//! elsewhere), and it is taken in the same transaction that stores the signed report, so a
//! crash before that commit does not burn a number.

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::store::Tx;
use crate::{Error, Result};

/// A report number and the parts it is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportNumber {
    pub number: String,
    pub engineer_id: String,
    pub year: i32,
    pub seq: i64,
}

/// `ZW-2026-0007`; the sequence widens past 9999 rather than wrapping.
pub fn format(prefix: &str, year: i32, seq: i64) -> String {
    format!("{prefix}-{year}-{seq:04}")
}

/// The engineer's own report prefix (`ZW`), checked: every number the engineer issues (service
/// reports here, status reports in `crate::status_report`) starts with it, which is what keeps
/// numbers unique across engineers without coordination.
pub fn prefix(conn: &rusqlite::Connection, engineer_id: &str) -> Result<String> {
    let prefix: String = conn
        .query_row(
            "SELECT report_prefix FROM engineer WHERE id = ?1 AND deleted = 0",
            [engineer_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("engineer", engineer_id))?;
    let prefix = prefix.trim().to_string();
    if prefix.is_empty()
        || prefix.len() > 8
        || !prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Err(Error::invalid(
            "engineer.report_prefix",
            format!("报告编号前缀「{prefix}」无效：应为 1–8 个大写字母或数字"),
            format!("report prefix {prefix:?} is not 1–8 capital letters or digits"),
        ));
    }
    Ok(prefix)
}

/// The number the engineer's next report in `year` will get (nothing is reserved).
pub fn peek(conn: &rusqlite::Connection, engineer_id: &str, year: i32) -> Result<ReportNumber> {
    let prefix = prefix(conn, engineer_id)?;
    let local: Option<i64> = conn
        .query_row(
            "SELECT last FROM report_sequence WHERE engineer_id = ?1 AND year = ?2",
            rusqlite::params![engineer_id, year],
            |r| r.get(0),
        )
        .optional()?;
    let stem = format!("{prefix}-{year}-");
    let mut st =
        conn.prepare_cached("SELECT number FROM report WHERE number LIKE ?1 || '%' ESCAPE '\\'")?;
    let recorded = st
        .query_map([crate::store::search::like_escape(&stem)], |r| {
            r.get::<_, String>(0)
        })?
        .filter_map(|n| n.ok()?.strip_prefix(&stem)?.parse::<i64>().ok())
        .max();
    let seq = local.unwrap_or(0).max(recorded.unwrap_or(0)) + 1;
    Ok(ReportNumber {
        number: format(&prefix, year, seq),
        engineer_id: engineer_id.to_string(),
        year,
        seq,
    })
}

/// Use `n` inside the transaction that stores its report. Refused (kind
/// `report_number_taken`) if another report took it since `peek`: the caller signs again with
/// the next number rather than ever issuing one number twice.
pub(crate) fn take(tx: &Tx, n: &ReportNumber) -> Result<()> {
    let now = peek(tx.conn(), &n.engineer_id, n.year)?;
    if now.seq != n.seq {
        return Err(Error::refused(
            "report_number_taken",
            format!("报告编号 {} 已被占用，请重试", n.number),
            format!("report number {} was taken meanwhile; try again", n.number),
        ));
    }
    tx.conn().execute(
        "INSERT INTO report_sequence (engineer_id, year, last) VALUES (?1, ?2, ?3)
         ON CONFLICT (engineer_id, year) DO UPDATE SET last = excluded.last",
        rusqlite::params![n.engineer_id, n.year, n.seq],
    )?;
    Ok(())
}
