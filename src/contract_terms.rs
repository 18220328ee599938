//! A contract's terms as a document a person edits (合同条款): the fault-level table, the
//! service calendars each clock counts in, the repair / part / spare-unit / emergency limits,
//! inspections, billing rates and exclusions, written out as TOML and read back whole.
//!
//! Why a document and not a form per field: the terms are one structured unit the office agrees
//! with the customer and changes rarely, and the seeds' contracts differ in shape (one has an
//! 8-hour repair promise, another a spare unit in 48 hours). TOML keeps comments out of the way,
//! names every key, and its parser reports the line of a mistake. A key this version does not
//! know (a typo like `repiar`) is refused with its path rather than silently dropped, since a
//! dropped limit would quietly stop a clock. Every rule the stored contract obeys
//! ([`Contract::validated`], known calendars) is applied before anything is written, and the
//! change is an ordinary synced update of the contract's `terms` and `calendar` fields.

use serde::{Deserialize, Serialize};

use crate::contracts::{contract_in, update_contract};
use crate::domain::contract::ServiceCalendar;
use crate::domain::contract::{BillingTerms, Contract, EarlyInspections, LevelTerms};
use crate::domain::sla::SlaTerms;
use crate::store::Tx;
use crate::{Error, Result};

/// The editable terms of a contract. Its identity, customer, period, fee and covered sites are
/// edited through the inventory, not here.
///
/// The hotline's calendar is written once, as `sla.hotline` (any calendar id): the stored
/// `calendar` column (`5x8` or `7x24`, what older versions read) follows it when it names one
/// of those two, and otherwise keeps its value as the fallback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditableTerms {
    pub inspections_per_year: u32,
    #[serde(default)]
    pub early: Option<EarlyInspections>,
    /// The contract's own days off on top of the public holidays (YYYY-MM-DD).
    #[serde(default)]
    pub holidays: Vec<chrono::NaiveDate>,
    #[serde(default)]
    pub exclusions: Vec<String>,
    pub billing: BillingTerms,
    #[serde(default)]
    pub sla: SlaTerms,
    pub levels: Vec<LevelTerms>,
}

impl EditableTerms {
    fn of(c: &Contract) -> Self {
        let mut sla = c.sla.clone();
        sla.hotline = Some(c.hotline_calendar().to_string());
        EditableTerms {
            inspections_per_year: c.inspections_per_year,
            early: c.early.clone(),
            holidays: c.holidays.clone(),
            exclusions: c.exclusions.clone(),
            billing: c.billing.clone(),
            sla,
            levels: c.levels.clone(),
        }
    }
}

/// What a person reads at the top of the file: the units, and what each section is.
const HEADER: &str = "\
# 合同条款 / contract terms: {number} {name}
# 修改后用 weibao contract terms {number} --set 本文件 保存；所有时限以分钟计，金额以分计。
# Edit, then save with: weibao contract terms {number} --set THIS_FILE
# Limits are in minutes of the named calendar (weibao calendar list); amounts are in fen
# (500 元 = 50000). sla.hotline: the calendar the fault-level table counts in.
";

/// The terms of contract `id_or_number` as a TOML document, with a header saying the units.
pub fn to_toml(conn: &rusqlite::Connection, id_or_number: &str) -> Result<String> {
    let c = contract_in(conn, id_or_number)?;
    let body = toml::to_string(&EditableTerms::of(&c)).map_err(|e| {
        Error::invalid(
            "contract.terms",
            format!("合同条款无法写出：{e}"),
            format!("the contract's terms cannot be written out: {e}"),
        )
    })?;
    let header = HEADER
        .replace("{number}", &c.number)
        .replace("{name}", &c.name);
    Ok(format!("{header}\n{body}"))
}

/// The 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at)
        .map(|s| s.matches('\n').count())
        .unwrap_or(0)
        .saturating_add(1)
}

fn bad(line: Option<usize>, zh: String, en: String) -> Error {
    let (zh, en) = match line {
        Some(l) => (format!("第 {l} 行：{zh}"), format!("line {l}: {en}")),
        None => (zh, en),
    };
    Error::invalid("contract.terms", zh, en)
}

/// Every key path of `v` (tables and arrays of tables walked), like `sla.repair.minutes` or
/// `levels[2].definition`.
fn key_paths(v: &toml::Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.push(path.clone());
                key_paths(v, &path, out);
            }
        }
        toml::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                key_paths(v, &format!("{prefix}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Read an edited terms document: TOML syntax, the types of every key, and no unknown key.
pub fn parse(text: &str) -> Result<EditableTerms> {
    let doc: toml::Value = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let msg = e.message().trim().to_string();
        bad(
            line,
            format!("格式错误：{msg}"),
            format!("not valid TOML: {msg}"),
        )
    })?;
    let terms: EditableTerms = EditableTerms::deserialize(doc.clone()).map_err(|e| {
        let msg = e.to_string().trim().replace('\n', " ");
        bad(None, format!("条款不完整或类型不对：{msg}"), msg)
    })?;
    let round = toml::Value::try_from(&terms)
        .map_err(|e| bad(None, format!("条款无法写出：{e}"), e.to_string()))?;
    let (mut given, mut known) = (Vec::new(), Vec::new());
    key_paths(&doc, "", &mut given);
    key_paths(&round, "", &mut known);
    if let Some(unknown) = given.iter().find(|k| !known.contains(k)) {
        let leaf = unknown.rsplit('.').next().unwrap_or(unknown);
        let line = text.find(leaf).map(|at| line_of(text, at));
        return Err(bad(
            line,
            format!("未知的条款「{unknown}」（拼写错误？）"),
            format!("unknown term {unknown:?} (a typo?)"),
        ));
    }
    Ok(terms)
}

/// Replace the terms of contract `id_or_number` with the edited document `text`; returns the
/// changed fields (`calendar`, `terms`), empty when nothing changed. Nothing is written unless
/// every rule holds.
pub fn set(tx: &Tx, id_or_number: &str, text: &str) -> Result<Vec<&'static str>> {
    let terms = parse(text)?;
    let mut c = contract_in(tx.conn(), id_or_number)?;
    let mut sla = terms.sla;
    let hotline = sla.hotline.take().map(|h| h.trim().to_string());
    match hotline.as_deref() {
        None | Some("") => {}
        Some(h) => match ServiceCalendar::parse(h) {
            Ok(column) => c.calendar = column,
            Err(_) => sla.hotline = Some(h.to_string()),
        },
    }
    c.inspections_per_year = terms.inspections_per_year;
    c.early = terms.early;
    c.holidays = terms.holidays;
    c.exclusions = terms.exclusions;
    c.billing = terms.billing;
    c.sla = sla;
    c.levels = terms.levels;
    update_contract(tx, c)
}

#[cfg(test)]
#[path = "contract_terms_tests.rs"]
mod tests;
