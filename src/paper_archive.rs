//! 查询和借阅: the paper archives kept in the office's archive room (a site's 竣工资料, a
//! device's drawings and signed forms), lent to someone for a purpose until a day, and given
//! back. One folder is in one place: a title of a site already out cannot be lent again until it
//! is back. Whether a loan is out, overdue or returned is computed from its dates, never stored.
//! Loans are written at the office only ([`crate::sync::vet`]).

use crate::domain::values::{required_text, MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::store::{new_id, Tx};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The longest a folder may be out: a year. A later due date is a typing mistake (2099).
pub const MAX_LOAN_DAYS: i64 = 366;

/// A loan as the archive keeper writes it down.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewLoan {
    /// The site (id or name) whose archive it is.
    pub site: String,
    /// The device (code or id) the folder is about, if one.
    #[serde(default)]
    pub device: Option<String>,
    pub title: String,
    pub borrower: String,
    pub purpose: String,
    /// `YYYY-MM-DD`.
    pub due_back: String,
    /// Who lent it; at the office, blank means the person logged in.
    #[serde(default)]
    pub lent_by: String,
}

crate::domain::values::code_enum!(
    /// Where a loan stands today (its labels are what every screen shows).
    LoanState, "paper_loan.state" {
        Out = "out", "借出中", "out";
        Overdue = "overdue", "逾期未还", "overdue";
        Returned = "returned", "已归还", "returned";
    }
);

#[derive(Debug, Clone, Serialize)]
pub struct Loan {
    pub id: String,
    pub site_id: String,
    pub site_name: String,
    pub device_code: Option<String>,
    pub title: String,
    pub borrower: String,
    pub purpose: String,
    pub lent_by: String,
    pub lent_at: String,
    pub due_back: String,
    pub returned_at: Option<String>,
    pub received_by: Option<String>,
    pub state: LoanState,
}

fn site_id(conn: &Connection, text: &str) -> Result<String> {
    conn.prepare_cached("SELECT id FROM site WHERE (id = ?1 OR name = ?1) AND deleted = 0")?
        .query_row([text.trim()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                "paper_loan.site",
                format!("找不到站点「{}」", text.trim()),
                format!("no site {:?}", text.trim()),
            )
        })
}

/// Lend a folder. Refused, naming the field, with nothing written: an empty title, borrower or
/// purpose; an unknown site; a device of another site; a due date that is not a date, before
/// today or more than [`MAX_LOAN_DAYS`] ahead; a folder already out.
pub fn lend(tx: &Tx, input: &NewLoan) -> Result<Loan> {
    let site_id = site_id(tx.conn(), &input.site)?;
    let device_id = match input
        .device
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => {
            let found: Option<(String, String)> = tx
                .conn()
                .prepare_cached(
                    "SELECT d.id, l.site_id FROM device d JOIN lane l ON l.id = d.lane_id
                     WHERE (d.id = ?1 OR d.code = ?1) AND d.deleted = 0",
                )?
                .query_row([d], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            match found {
                Some((id, site)) if site == site_id => Some(id),
                Some(_) => {
                    return Err(Error::invalid(
                        "paper_loan.device",
                        format!("设备 {d} 不在这个站点"),
                        format!("device {d} is not at this site"),
                    ))
                }
                None => {
                    return Err(Error::invalid(
                        "paper_loan.device",
                        format!("找不到设备 {d}"),
                        format!("no device {d}"),
                    ))
                }
            }
        }
    };
    let title = required_text("paper_loan.title", &input.title, MAX_NAME_CHARS)?;
    let borrower = required_text("paper_loan.borrower", &input.borrower, MAX_NAME_CHARS)?;
    let purpose = required_text("paper_loan.purpose", &input.purpose, MAX_NOTE_CHARS)?;
    let lent_by = required_text("paper_loan.lent_by", &input.lent_by, MAX_NAME_CHARS)?;
    let today = crate::checklist::schedule::local_day(tx.now());
    let due = NaiveDate::parse_from_str(input.due_back.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            "paper_loan.due_back",
            format!(
                "归还期限「{}」不是日期，应如 2026-12-31",
                input.due_back.trim()
            ),
            format!(
                "due back {:?} is not a date like 2026-12-31",
                input.due_back.trim()
            ),
        )
    })?;
    let days = (due - today).num_days();
    if !(0..=MAX_LOAN_DAYS).contains(&days) {
        return Err(Error::invalid(
            "paper_loan.due_back",
            format!("归还期限 {due} 应在今天（{today}）到一年之内"),
            format!("due back {due} must be between today ({today}) and a year from now"),
        ));
    }
    let out: Option<String> = tx
        .conn()
        .prepare_cached(
            "SELECT borrower FROM paper_loan WHERE site_id = ?1 AND title = ?2
               AND returned_at IS NULL AND deleted = 0",
        )?
        .query_row(rusqlite::params![site_id, title], |r| r.get(0))
        .optional()?;
    if let Some(who) = out {
        return Err(Error::refused(
            "paper_loan_out",
            format!("「{title}」已借给 {who}，尚未归还"),
            format!("'{title}' is out with {who} and not yet back"),
        ));
    }
    let id = new_id();
    tx.insert(
        "paper_loan",
        &id,
        &[
            ("site_id", &site_id),
            ("device_id", &device_id),
            ("title", &title),
            ("borrower", &borrower),
            ("purpose", &purpose),
            ("lent_by", &lent_by),
            ("lent_at", &tx.now().to_rfc3339()),
            ("due_back", &due.to_string()),
        ],
    )?;
    loan_in(tx.conn(), &id, today)
}

/// The folder is back. Refused for an unknown loan and for one already returned.
pub fn give_back(tx: &Tx, id: &str, received_by: &str) -> Result<Loan> {
    let received_by = required_text("paper_loan.received_by", received_by, MAX_NAME_CHARS)?;
    let today = crate::checklist::schedule::local_day(tx.now());
    let loan = loan_in(tx.conn(), id, today)?;
    if loan.returned_at.is_some() {
        return Err(Error::refused(
            "paper_loan_returned",
            format!(
                "「{}」已于 {} 归还",
                loan.title,
                loan.returned_at.unwrap_or_default()
            ),
            format!("'{}' is already back", loan.title),
        ));
    }
    tx.update(
        "paper_loan",
        id,
        &[
            ("returned_at", &tx.now().to_rfc3339()),
            ("received_by", &received_by),
        ],
    )?;
    loan_in(tx.conn(), id, today)
}

const SELECT: &str = "SELECT p.id, p.site_id, s.name, d.code, p.title, p.borrower, p.purpose,
    p.lent_by, p.lent_at, p.due_back, p.returned_at, p.received_by
    FROM paper_loan p JOIN site s ON s.id = p.site_id LEFT JOIN device d ON d.id = p.device_id
    WHERE p.deleted = 0";

fn row(r: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<Loan> {
    let due_back: String = r.get(9)?;
    let returned_at: Option<String> = r.get(10)?;
    let state = match (
        &returned_at,
        NaiveDate::parse_from_str(&due_back, "%Y-%m-%d"),
    ) {
        (Some(_), _) => LoanState::Returned,
        (None, Ok(due)) if today > due => LoanState::Overdue,
        _ => LoanState::Out,
    };
    Ok(Loan {
        id: r.get(0)?,
        site_id: r.get(1)?,
        site_name: r.get(2)?,
        device_code: r.get(3)?,
        title: r.get(4)?,
        borrower: r.get(5)?,
        purpose: r.get(6)?,
        lent_by: r.get(7)?,
        lent_at: r.get(8)?,
        due_back,
        returned_at,
        received_by: r.get(11)?,
        state,
    })
}

fn loan_in(conn: &Connection, id: &str, today: NaiveDate) -> Result<Loan> {
    conn.prepare_cached(&format!("{SELECT} AND p.id = ?1"))?
        .query_row([id], |r| row(r, today))
        .optional()?
        .ok_or_else(|| Error::not_found("paper_loan", id))
}

/// Every loan, the ones still out first (overdue before out, by due date), then the returned
/// ones newest first; judged on `today`.
pub fn loans(conn: &Connection, today: NaiveDate) -> Result<Vec<Loan>> {
    let mut all: Vec<Loan> = conn
        .prepare_cached(&format!("{SELECT} ORDER BY p.lent_at DESC"))?
        .query_map([], |r| row(r, today))?
        .collect::<rusqlite::Result<_>>()?;
    let rank = |s: LoanState| match s {
        LoanState::Overdue => 0,
        LoanState::Out => 1,
        LoanState::Returned => 2,
    };
    all.sort_by(|a, b| {
        rank(a.state)
            .cmp(&rank(b.state))
            .then_with(|| match a.state {
                LoanState::Returned => b.returned_at.cmp(&a.returned_at),
                _ => a.due_back.cmp(&b.due_back),
            })
    });
    Ok(all)
}

#[cfg(test)]
#[path = "paper_archive_tests.rs"]
mod tests;
