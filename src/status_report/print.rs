//! Wording a [`StatusReport`] for paper in the report's language: the cells of each table as
//! the customer reads them. Names people typed (customer, site, lane, model) stay as typed;
//! types, states, levels and advice come in the report's language.

use chrono::NaiveDateTime;

use super::advice::{percent, Rule};
use super::{DeviceStatus, StatusReport};
use crate::domain::values::FaultLevel;
use crate::report::render::{
    AdviceLine, Company, Customer, StatusDeviceLine, StatusDoc, StatusSite,
};
use crate::Lang;

fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A label starting a cell: English labels are lower case in the core ("barrier gate").
fn english_start(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => crate::fields::capitalised(en),
    }
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.to_string())
}

/// The period as printed: "2026-10-01 至 2026-12-31（2026年第4季度）".
pub(super) fn period(r: &StatusReport, lang: Lang) -> String {
    let q = r.quarter.as_deref().and_then(|q| q.split_once('Q'));
    match (lang, q) {
        (Lang::Zh, Some((y, q))) => format!("{} 至 {}（{y}年第{q}季度）", r.from, r.to),
        (Lang::Zh, None) => format!("{} 至 {}", r.from, r.to),
        (Lang::En, Some((y, q))) => format!("{} to {} (Q{q} {y})", r.from, r.to),
        (Lang::En, None) => format!("{} to {}", r.from, r.to),
    }
}

fn faults(d: &DeviceStatus, lang: Lang) -> String {
    if d.faults == 0 {
        return "0".into();
    }
    let parts: Vec<String> = d
        .levels
        .iter()
        .map(|(lv, n)| {
            let name = FaultLevel::new(i64::from(*lv)).map_or_else(
                |_| tr(lang, "未分级", "no level").to_string(),
                |l| tr(lang, l.label_zh(), l.label_en()).to_string(),
            );
            format!("{name} {n}")
        })
        .collect();
    match lang {
        Lang::Zh => format!("{}（{}）", d.faults, parts.join("、")),
        Lang::En => format!("{} ({})", d.faults, parts.join(", ")),
    }
}

fn service(d: &DeviceStatus, lang: Lang) -> String {
    if d.repairs == 0 && d.parts.is_empty() {
        return "—".into();
    }
    let mut s = match lang {
        Lang::Zh => format!("维修 {}", d.repairs),
        Lang::En => format!("{} repaired", d.repairs),
    };
    if !d.parts.is_empty() {
        let parts: Vec<String> = d
            .parts
            .iter()
            .map(|p| format!("{}×{}", p.code, p.qty))
            .collect();
        s.push_str(tr(lang, "；", "; "));
        s.push_str(&parts.join(tr(lang, "、", ", ")));
    }
    s
}

fn inspection(d: &DeviceStatus, lang: Lang) -> String {
    let times = match lang {
        Lang::Zh => format!("{} 次", d.inspections),
        Lang::En => format!("{}×", d.inspections),
    };
    if d.failed_items.is_empty() {
        if d.inspections == 0 {
            return "—".into();
        }
        return format!("{times}{}", tr(lang, "，正常", ", all passed"));
    }
    let items: Vec<String> = d
        .failed_items
        .iter()
        .map(|i| {
            let label = tr(lang, &i.label_zh, &i.label_en).to_string();
            if i.open {
                label
            } else {
                format!("{label}{}", tr(lang, "（已修复）", " (repaired)"))
            }
        })
        .collect();
    format!(
        "{times}{}{}",
        tr(lang, "，异常：", ", failed: "),
        items.join(tr(lang, "、", ", "))
    )
}

/// The print model of `r` under `number`, signed at `signed_at` (China time).
pub(super) fn doc(
    r: &StatusReport,
    lang: Lang,
    number: &str,
    logo_png: Option<Vec<u8>>,
    signed_at: NaiveDateTime,
) -> StatusDoc {
    let advised: Vec<&str> = r
        .advice
        .iter()
        .filter_map(|a| a.device_code.as_deref())
        .collect();
    let sites = r
        .sites
        .iter()
        .map(|s| StatusSite {
            name: s.name.clone(),
            devices: s.devices.len(),
            faults: s.faults,
            repairs: s.repairs,
            inspections: s.inspections,
            availability: percent(s.availability_bp),
            lines: s
                .devices
                .iter()
                .map(|d| StatusDeviceLine {
                    code: d.code.clone(),
                    kind_model: format!(
                        "{}\n{}",
                        english_start(lang, &d.type_zh, &d.type_en),
                        d.model
                    ),
                    lane: d.lane_code.clone(),
                    dates: format!("{}\n{}", date(d.installed), date(d.warranty_end)),
                    status: english_start(lang, &d.status_zh, &d.status_en),
                    faults: faults(d, lang),
                    service: service(d, lang),
                    inspection: inspection(d, lang),
                    inspection_failed: d.failed_items.iter().any(|i| i.open),
                    attention: advised.contains(&d.code.as_str()),
                })
                .collect(),
        })
        .collect();
    let advice = r
        .advice
        .iter()
        .map(|a| AdviceLine {
            target: match &a.device_code {
                Some(code) => format!("{code}\n{}", a.site),
                None => a.site.clone(),
            },
            action: tr(lang, &a.action_zh, &a.action_en).to_string(),
            reason: tr(lang, &a.reason_zh, &a.reason_en).to_string(),
        })
        .collect();
    let coverage = match &r.site {
        Some((_, name)) => name.clone(),
        None => {
            let names: Vec<&str> = r.sites.iter().map(|s| s.name.as_str()).collect();
            match lang {
                Lang::Zh => format!("全部站点（{}）", names.join("、")),
                Lang::En => format!("all sites ({})", names.join(", ")),
            }
        }
    };
    let mut rules = vec![tr(lang, "判定规则：", "How the advice is decided:").to_string()];
    rules.extend(Rule::ALL.iter().map(|r| r.explained(lang)));
    StatusDoc {
        lang,
        number: number.to_string(),
        company: Company {
            name: r.company.clone(),
            logo_png,
        },
        customer: Customer {
            name: r.customer.clone(),
            contact: r.contact.clone(),
            phone: r.phone.clone(),
        },
        period: period(r, lang),
        coverage,
        contracts: if r.contracts.is_empty() {
            tr(lang, "无（合同期外）", "none (outside any contract)").to_string()
        } else {
            r.contracts.join(tr(lang, "、", ", "))
        },
        engineer_name: r.engineer.clone(),
        signed_at,
        sites,
        advice,
        rules,
    }
}
