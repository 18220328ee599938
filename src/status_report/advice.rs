//! The upgrade advice (升级建议 / 改进方案) of the quarterly status report: plain rules over a
//! device's facts, each with its reason in Chinese and English.
//!
//! The contract asks the service company for "a device status report and improvement plan
//! each quarter" (§7.2) and "device condition reports and upgrade advice" (7). Advice a
//! customer may spend money on must be explainable, so every rule is a named constant here,
//! every piece of advice says which facts triggered it, and the rules are pure functions of
//! the facts (the store is read elsewhere, in `gather`), tested one by one.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::domain::device::DeviceType;

/// Faults within a year from which a device *out of warranty* is better replaced than
/// repaired again: each repair now costs parts and labour (500–750 元 a person-day) and a lane
/// stoppage, and two in a year is what the seed plans treat as a device "not worth keeping".
pub const FAULTS_AFTER_WARRANTY: i64 = 2;

/// Repairs of one device within a year from which the contract says "replace with new"
/// (同一故障维修三次 → 更换新件). Not a number of our own: the billing module's rule, so the
/// quote on the work order and the quarter's advice can never disagree.
pub const REPAIRS_FOR_NEW_UNIT: i64 = crate::billing::REPEAT_LIMIT;

/// Expected service life in years by device type, counted from installation (or from
/// manufacture when the archive has no installation date). Outdoor electronics on a lane age
/// faster than office equipment: heat, dust and vibration at the gate. Figures are the
/// manufacturers' design lives commonly quoted for checkpoint equipment; the ones that wear
/// mechanically or run hot all day (industrial PCs, adapters, lamps) are shortest.
pub const EXPECTED_LIFE_YEARS: &[(DeviceType, i32)] = &[
    (DeviceType::BarrierGate, 8),
    (DeviceType::CardReader, 6),
    (DeviceType::Camera, 6),
    (DeviceType::IndustrialPc, 5),
    (DeviceType::LedDisplay, 8),
    (DeviceType::LoopDetector, 6),
    (DeviceType::Cabinet, 10),
    (DeviceType::Console, 10),
    (DeviceType::NetworkSwitch, 6),
    (DeviceType::Floodlight, 5),
    (DeviceType::Monitor, 5),
    (DeviceType::PowerAdapter, 4),
];

/// A site whose devices were available less than this share of the period (in basis points:
/// 9,900 = 99.00 %) should keep spare units on site: at 99 % a 16-device lane group loses
/// about 350 device-hours a quarter, more than the part and spare-unit deadlines promise.
pub const SITE_AVAILABILITY_TARGET_BP: i64 = 9_900;

/// Which rule gave an advice: a stable code for the UI and tests, and its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The third repair within a year: replace with a new unit, as the contract says.
    RepeatedRepairs,
    /// Out of warranty with [`FAULTS_AFTER_WARRANTY`] or more faults in a year.
    FaultsAfterWarranty,
    /// Failed inspection items not yet put right.
    OpenInspectionFailures,
    /// Older than its type's expected life.
    BeyondServiceLife,
    /// A site below [`SITE_AVAILABILITY_TARGET_BP`].
    SiteAvailability,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::RepeatedRepairs => "repeated_repairs",
            Rule::FaultsAfterWarranty => "faults_after_warranty",
            Rule::OpenInspectionFailures => "open_inspection_failures",
            Rule::BeyondServiceLife => "beyond_service_life",
            Rule::SiteAvailability => "site_availability",
        }
    }

    /// Every rule, in the order advice is listed (most pressing first).
    pub const ALL: [Rule; 5] = [
        Rule::RepeatedRepairs,
        Rule::FaultsAfterWarranty,
        Rule::OpenInspectionFailures,
        Rule::BeyondServiceLife,
        Rule::SiteAvailability,
    ];

    /// The rule in one line, for the explanation printed under the advice.
    pub fn explained(self, lang: crate::Lang) -> String {
        use crate::Lang::*;
        match (self, lang) {
            (Rule::RepeatedRepairs, Zh) => format!(
                "一年内维修达 {REPAIRS_FOR_NEW_UNIT} 次的设备：按合同更换新设备。"
            ),
            (Rule::RepeatedRepairs, En) => format!(
                "A device repaired {REPAIRS_FOR_NEW_UNIT} times within a year: replaced with a new unit, as the contract says."
            ),
            (Rule::FaultsAfterWarranty, Zh) => format!(
                "已过保修期且一年内故障 {FAULTS_AFTER_WARRANTY} 次及以上的设备：建议更换。"
            ),
            (Rule::FaultsAfterWarranty, En) => format!(
                "Out of warranty with {FAULTS_AFTER_WARRANTY} or more faults within a year: replacement advised."
            ),
            (Rule::OpenInspectionFailures, Zh) => {
                "最近一次巡检的异常项此后尚无维修处理：尽快处理。".to_string()
            }
            (Rule::OpenInspectionFailures, En) => {
                "Items failed at the last inspection with no repair since: to be put right."
                    .to_string()
            }
            (Rule::BeyondServiceLife, Zh) => {
                "超过该类设备预期使用年限（自安装日起）：建议列入更新计划。".to_string()
            }
            (Rule::BeyondServiceLife, En) => {
                "Older than its type's expected life (from installation): plan its renewal."
                    .to_string()
            }
            (Rule::SiteAvailability, Zh) => format!(
                "站点设备可用率低于 {}：建议现场储备备机。",
                percent(SITE_AVAILABILITY_TARGET_BP)
            ),
            (Rule::SiteAvailability, En) => format!(
                "A site below {} availability: keep spare units on site.",
                percent(SITE_AVAILABILITY_TARGET_BP)
            ),
        }
    }
}

/// Basis points as a percentage with two decimals: 9987 → "99.87%".
pub fn percent(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// One piece of advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    pub rule: Rule,
    pub site: String,
    /// The device's 统一编号; `None` for advice about the whole site.
    pub device_code: Option<String>,
    pub action_zh: String,
    pub action_en: String,
    pub reason_zh: String,
    pub reason_en: String,
}

/// What the device rules look at, as of one day (the period's end, or today while it runs).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub code: String,
    pub site: String,
    pub device_type: Option<DeviceType>,
    pub installed: Option<NaiveDate>,
    pub manufactured: Option<NaiveDate>,
    pub warranty_end: Option<NaiveDate>,
    /// Fault repairs reported within the year up to the day, as the billing rule counts them
    /// ([`crate::billing::repairs_within_a_year`]).
    pub faults_in_year: i64,
    /// Labels (Chinese, English) of failed items of the last inspection with no repair since.
    pub open_failures: Vec<(String, String)>,
}

/// The years a device of `t` is expected to serve.
pub fn expected_life(t: DeviceType) -> Option<i32> {
    EXPECTED_LIFE_YEARS
        .iter()
        .find(|(k, _)| *k == t)
        .map(|(_, y)| *y)
}

/// Whole years from `since` to `day` (a birthday not yet reached this year does not count).
fn years_between(since: NaiveDate, day: NaiveDate) -> i32 {
    let mut y = day.year() - since.year();
    if (day.month(), day.day()) < (since.month(), since.day()) {
        y -= 1;
    }
    y
}

fn advice(f: &Facts, rule: Rule, action: (&str, &str), reason: (String, String)) -> Advice {
    Advice {
        rule,
        site: f.site.clone(),
        device_code: Some(f.code.clone()),
        action_zh: action.0.to_string(),
        action_en: action.1.to_string(),
        reason_zh: reason.0,
        reason_en: reason.1,
    }
}

/// The advice for one device as of `day`. A device gets one replacement advice at most (the
/// contract's "replace with new" first); open inspection failures are listed beside it, since
/// they need doing whatever is decided about the device.
pub fn for_device(f: &Facts, day: NaiveDate) -> Vec<Advice> {
    let mut out = Vec::new();
    let n = f.faults_in_year;
    let out_of_warranty = f.warranty_end.filter(|end| *end < day);
    if n >= REPAIRS_FOR_NEW_UNIT {
        out.push(advice(
            f,
            Rule::RepeatedRepairs,
            ("更换新设备", "Replace with a new unit"),
            (
                format!("一年内已维修 {n} 次（合同：同一设备维修三次即更换新件）"),
                format!(
                    "repaired {n} times within a year (the contract: a third repair means a new unit)"
                ),
            ),
        ));
    } else if let (Some(end), true) = (out_of_warranty, n >= FAULTS_AFTER_WARRANTY) {
        out.push(advice(
            f,
            Rule::FaultsAfterWarranty,
            ("建议更换", "Replacement advised"),
            (
                format!("保修期已于 {end} 结束，一年内故障 {n} 次，继续维修的费用和停机时间高于更换"),
                format!(
                    "warranty ended {end} and {n} faults within a year: further repairs cost more in parts, labour and downtime than a new unit"
                ),
            ),
        ));
    }
    if !f.open_failures.is_empty() {
        let zh: Vec<&str> = f.open_failures.iter().map(|(z, _)| z.as_str()).collect();
        let en: Vec<&str> = f.open_failures.iter().map(|(_, e)| e.as_str()).collect();
        out.push(advice(
            f,
            Rule::OpenInspectionFailures,
            (
                "尽快处理巡检异常项",
                "Put the failed inspection items right",
            ),
            (
                format!("最近一次巡检异常、此后尚无维修：{}", zh.join("、")),
                format!(
                    "failed at the last inspection, no repair since: {}",
                    en.join(", ")
                ),
            ),
        ));
    }
    let replaced = out.iter().any(|a| a.rule != Rule::OpenInspectionFailures);
    let since = f.installed.or(f.manufactured);
    if let (false, Some(t), Some(since)) = (replaced, f.device_type, since) {
        if let Some(life) = expected_life(t) {
            let age = years_between(since, day);
            if age >= life {
                let from = if f.installed.is_some() {
                    ("安装", "installed")
                } else {
                    ("出厂", "made")
                };
                out.push(advice(
                    f,
                    Rule::BeyondServiceLife,
                    ("列入更新计划", "Plan its renewal"),
                    (
                        format!(
                            "{}于 {since}，已使用 {age} 年（{}预期使用年限 {life} 年）",
                            from.0,
                            t.label_zh()
                        ),
                        format!(
                            "{} {since}, {age} years in service (a {} is expected to last {life})",
                            from.1,
                            t.label_en()
                        ),
                    ),
                ));
            }
        }
    }
    out
}

/// The advice for a whole site from its availability over the period (basis points), if
/// below [`SITE_AVAILABILITY_TARGET_BP`].
pub fn for_site(site: &str, availability_bp: i64, downtime_minutes: i64) -> Option<Advice> {
    if availability_bp >= SITE_AVAILABILITY_TARGET_BP {
        return None;
    }
    let hours = downtime_minutes / 60;
    Some(Advice {
        rule: Rule::SiteAvailability,
        site: site.to_string(),
        device_code: None,
        action_zh: "现场储备备机".into(),
        action_en: "Keep spare units on site".into(),
        reason_zh: format!(
            "本期设备可用率 {}，低于 {}；故障停机合计约 {hours} 小时",
            percent(availability_bp),
            percent(SITE_AVAILABILITY_TARGET_BP)
        ),
        reason_en: format!(
            "availability {} this period, below {}; about {hours} device-hours lost to faults",
            percent(availability_bp),
            percent(SITE_AVAILABILITY_TARGET_BP)
        ),
    })
}

#[cfg(test)]
#[path = "advice_tests.rs"]
mod tests;
