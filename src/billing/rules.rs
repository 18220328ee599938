//! Who pays for a repair, line by line: the contract's words turned into one pure function.
//!
//! The seeds say it in three places. Within warranty or a maintenance contract, a repair of a
//! fault that is not anyone's doing is free ("对于非人为损坏的电子卡口设备…提供免费维修服务").
//! Even then these are charged: human damage, misuse, force majeure (台风、地震), ground
//! subsidence cracking a loop, consumables and vulnerable parts, third-party repair or
//! modification, moving the equipment ("以下情况另行收费"); for those the survey fee, travel,
//! labour and parts are the customer's ("现场勘察费、差旅费、服务费…均由用户或肇事者承担").
//! Outside warranty and contract, labour is charged per person-day by the year after warranty
//! (500 元 in the first, 750 later) and parts at cost. Nothing here reads the clock or the
//! store: the caller gathers the facts, so tests can state every case in a line.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::values::{code_enum, Fen};
use crate::stock::PartCategory;
use crate::{Error, Result};

code_enum!(
    /// The cause of a fault, as the engineer finds it (故障原因). It decides who pays.
    FaultCause, "billing.cause" {
        NaturalWear = "natural_wear", "自然故障或老化", "natural failure or wear";
        Consumable = "consumable", "易损件或耗材损耗", "consumable or vulnerable part worn out";
        HumanDamage = "human_damage", "人为损坏", "human damage";
        Misuse = "misuse", "使用不当", "misuse";
        ForceMajeure = "force_majeure", "不可抗力（台风、地震等）", "force majeure (typhoon, earthquake, …)";
        GroundSubsidence = "ground_subsidence", "地面沉降或裂缝", "ground subsidence or cracks";
        ThirdPartyRepair = "third_party_repair", "第三方维修或改装", "third-party repair or modification";
        Move = "move", "设备搬迁或搬运", "equipment moved";
        AfterContractEnd = "after_contract_end", "合同期外的服务", "service after the contract ended";
    }
);

impl FaultCause {
    /// Causes the contract excludes from free service, whatever the warranty says.
    pub fn excluded(self) -> bool {
        !matches!(self, FaultCause::NaturalWear | FaultCause::Consumable)
    }
}

/// Labour rates when the company's contract does not give its own: the domain's
/// 500 元/人/天 in the first year after warranty and 750 元 later.
pub const DEFAULT_FIRST_YEAR: Fen = Fen(50_000);
pub const DEFAULT_LATER_YEARS: Fen = Fen(75_000);

/// The contract terms that bear on a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    pub number: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Labour per person-day in the first year after warranty, and in later years.
    pub labour_first_year: Fen,
    pub labour_later_years: Fen,
}

/// One part used on the job, at cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartUse {
    pub code: String,
    pub name: String,
    pub category: PartCategory,
    pub qty: i64,
    pub unit_cost: Fen,
}

/// Everything a bill depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation {
    pub fault_day: NaiveDate,
    pub warranty_end: Option<NaiveDate>,
    /// The contract covering the site on the fault day, if any.
    pub contract: Option<Cover>,
    /// Rates from the site's latest contract when none covers the day (else the defaults).
    pub rates: (Fen, Fen),
    /// `None` until the engineer records it: the quote then assumes a natural failure and says so.
    pub cause: Option<FaultCause>,
    pub parts: Vec<PartUse>,
    /// Labour in half person-days (1 = half a day for one engineer).
    pub labour_half_days: i64,
    pub travel: Fen,
    pub survey: Fen,
}

code_enum!(
    /// What a bill line is for.
    LineKind, "billing.line" {
        Part = "part", "备件", "part";
        Labour = "labour", "人工", "labour";
        Travel = "travel", "差旅", "travel";
        Survey = "survey", "现场勘察", "site survey";
    }
);

/// One line of the quote: free or billable, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub kind: LineKind,
    /// The part's code, on a part line: what the report matches its parts list by.
    pub part_code: Option<String>,
    pub label: String,
    /// How many: parts in their unit, labour in half person-days.
    pub qty: i64,
    pub unit_fen: i64,
    pub amount_fen: i64,
    pub billable: bool,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Why the repair is or is not free, as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Basis {
    pub in_warranty: bool,
    pub contract_number: Option<String>,
    /// Whole years since the warranty ended (0 = the first year after), when it has.
    pub years_after_warranty: Option<i64>,
    pub cause: FaultCause,
    pub cause_recorded: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub basis: Basis,
    pub lines: Vec<Line>,
    /// Sum of the billable lines, in fen.
    pub total_fen: i64,
}

impl Line {
    /// The quantity as people read it: labour in person-days ("1.5 人天"), the rest as counted.
    pub fn quantity(&self, l: crate::Lang) -> String {
        if self.kind != LineKind::Labour {
            return self.qty.to_string();
        }
        let half = if self.qty % 2 == 1 { ".5" } else { "" };
        match l {
            crate::Lang::Zh => format!("{}{half} 人天", self.qty / 2),
            crate::Lang::En => format!("{}{half} person-days", self.qty / 2),
        }
    }
}

fn overflow(field: &str) -> Error {
    Error::invalid(field, "金额过大", "amount too large")
}

fn amount(qty: i64, unit: i64, field: &str) -> Result<i64> {
    qty.checked_mul(unit).ok_or_else(|| overflow(field))
}

/// The quote for a repair in `s`: every line free or billable, and the total.
pub fn quote(s: &Situation) -> Result<Quote> {
    let cause = s.cause.unwrap_or(FaultCause::NaturalWear);
    let in_warranty = s.warranty_end.is_some_and(|end| s.fault_day <= end);
    let contract = s
        .contract
        .as_ref()
        .filter(|c| c.start <= s.fault_day && s.fault_day <= c.end);
    let covered = (in_warranty || contract.is_some()) && cause != FaultCause::AfterContractEnd;
    let excluded = cause.excluded();
    let years_after_warranty = s
        .warranty_end
        .filter(|end| s.fault_day > *end)
        .map(|end| (s.fault_day - end).num_days().saturating_sub(1) / 365);
    let (first, later) = contract.map_or(s.rates, |c| (c.labour_first_year, c.labour_later_years));

    let (why_zh, why_en) = if excluded {
        (
            format!("{}：不在免费维保范围内", cause.label_zh()),
            format!("{}: not covered by free service", cause.label_en()),
        )
    } else if covered && in_warranty {
        ("保修期内".to_string(), "in warranty".to_string())
    } else if let Some(c) = contract.filter(|_| covered) {
        (
            format!("维保合同 {}", c.number),
            format!("maintenance contract {}", c.number),
        )
    } else {
        (
            "保修期外且无维保合同".to_string(),
            "out of warranty, no maintenance contract".to_string(),
        )
    };
    let free_service = covered && !excluded;

    let mut lines = Vec::new();
    for p in &s.parts {
        if p.qty <= 0 {
            continue;
        }
        // Consumables are charged even when the repair itself is free ("易损部件和消耗品").
        let consumable =
            matches!(p.category, PartCategory::Vulnerable) || cause == FaultCause::Consumable;
        let billable = !free_service || consumable;
        let (reason_zh, reason_en) = if free_service && consumable {
            (
                "易损件，另行收费".to_string(),
                "consumable, charged separately".to_string(),
            )
        } else {
            (why_zh.clone(), why_en.clone())
        };
        lines.push(Line {
            kind: LineKind::Part,
            part_code: Some(p.code.clone()),
            label: format!("{} {}", p.code, p.name),
            qty: p.qty,
            unit_fen: p.unit_cost.0,
            amount_fen: amount(p.qty, p.unit_cost.0, "billing.parts")?,
            billable,
            reason_zh,
            reason_en,
        });
    }
    if s.labour_half_days > 0 {
        let rate = match years_after_warranty {
            Some(0) | None => first,
            Some(_) => later,
        };
        let total = amount(s.labour_half_days, rate.0, "billing.labour_half_days")? / 2;
        let (reason_zh, reason_en) = match (free_service, years_after_warranty) {
            (false, Some(y)) if !excluded => (
                format!("保修期满后第 {} 年，{} 元/人/天", y + 1, rate.0 / 100),
                format!(
                    "year {} after warranty, {} yuan per person-day",
                    y + 1,
                    rate.0 / 100
                ),
            ),
            _ => (why_zh.clone(), why_en.clone()),
        };
        lines.push(Line {
            kind: LineKind::Labour,
            part_code: None,
            label: "人工".into(),
            qty: s.labour_half_days,
            unit_fen: rate.0 / 2,
            amount_fen: total,
            billable: !free_service,
            reason_zh,
            reason_en,
        });
    }
    for (kind, fee, field) in [
        (LineKind::Travel, s.travel, "billing.travel_fen"),
        (LineKind::Survey, s.survey, "billing.survey_fen"),
    ] {
        if fee.0 > 0 {
            lines.push(Line {
                kind,
                part_code: None,
                label: kind.label_zh().into(),
                qty: 1,
                unit_fen: fee.0,
                amount_fen: amount(1, fee.0, field)?,
                billable: !free_service,
                reason_zh: why_zh.clone(),
                reason_en: why_en.clone(),
            });
        }
    }
    let total_fen = lines
        .iter()
        .filter(|l| l.billable)
        .try_fold(0i64, |acc, l| acc.checked_add(l.amount_fen))
        .ok_or_else(|| overflow("billing.total"))?;
    Ok(Quote {
        basis: Basis {
            in_warranty,
            contract_number: contract.map(|c| c.number.clone()),
            years_after_warranty,
            cause,
            cause_recorded: s.cause.is_some(),
        },
        lines,
        total_fen,
    })
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
