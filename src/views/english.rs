//! English for texts the core stored in Chinese: device-history lines, work-order titles and
//! the names of inspection templates.
//!
//! These texts were written as Chinese prose when the event happened, and they sync as such
//! (an append-only event must keep its content). The English is therefore made when they are
//! read, here, from the very formats the core writes them in (`devices`, `work_orders`,
//! `checklist::run`, `stock`): each format has its English twin below, and a test writes every
//! kind of line through the core and checks that its English has no Chinese left in it. What
//! a person typed inside a line (a fault's phenomenon, a note, a part's name) stays as typed;
//! a line in no known format (written by a future version) is shown in Chinese rather than
//! guessed at.

use std::sync::OnceLock;

use crate::checklist::template::{Item, ItemKind, Template};
use crate::checklist::Library;
use crate::domain::device::{DeviceStatus, DeviceType};
use crate::domain::values::clip;

/// The shipped templates, parsed once (they are embedded in the binary and never change while
/// it runs). `None` only if a shipped template were broken, which a test rules out.
pub(crate) fn shipped() -> Option<&'static Library> {
    static LIB: OnceLock<Option<Library>> = OnceLock::new();
    LIB.get_or_init(|| Library::shipped().ok()).as_ref()
}

/// The English name of the shipped template named `name_zh` (e.g. 电子卡口通道季度巡检).
pub fn template_name_en(name_zh: &str) -> Option<String> {
    shipped()?
        .templates()
        .iter()
        .find(|t: &&Template| t.name_zh == name_zh)
        .and_then(|t| t.name_en.clone())
}

/// Why a device's status changed, as `devices::set_status` callers write it.
fn reason_en(why: &str) -> Option<&'static str> {
    Some(match why {
        "报障" => "fault reported",
        "工程师到场" => "engineer on site",
        "故障已解决" => "fault resolved",
        "档案更正" => "archive corrected",
        "现场更正" => "corrected at the lane",
        _ => return None,
    })
}

/// The English name of an archive column, as `devices` names it in a correction line.
fn field_en(zh: &str) -> &str {
    match zh {
        "设备类型" => "device type",
        "规格型号" => "model",
        "生产厂家" => "manufacturer",
        "出厂日期" => "manufacture date",
        "安装日期" => "install date",
        "保修截止" => "warranty end",
        "所在车道" => "lane",
        "安装位置" => "position",
        "档案密级" => "confidentiality",
        "备注" => "notes",
        "固件/软件版本" => "firmware/software version",
        "序列号" => "serial number",
        "运行状态" => "operating status",
        other => other,
    }
}

fn level_en(zh: &str) -> Option<u8> {
    ["一级", "二级", "三级", "四级"]
        .iter()
        .position(|l| *l == zh)
        .map(|i| i as u8 + 1)
}

/// A device-history line in English. `kind` is the line's kind (`fault`, `status`, …).
pub fn history_line_en(kind: &str, summary: &str) -> String {
    translate_line(kind, summary).unwrap_or_else(|| summary.to_string())
}

fn translate_line(kind: &str, s: &str) -> Option<String> {
    match kind {
        "archived" => s.strip_prefix("建档：").map(|r| format!("Archived: {r}")),
        "found" => s
            .strip_prefix("现场发现并建档：")
            .map(|r| format!("Found at the lane and archived: {r}")),
        // "现场更正：固件/软件版本 V1.0 → V2.1；安装位置 — → 岗亭左侧；备注" (devices::edit_at_lane):
        // each part starts with a field's name (no spaces in it), then what was typed.
        "edited" => s.strip_prefix("现场更正：").map(|r| {
            let parts: Vec<String> = r
                .split('；')
                .map(|p| match p.split_once(' ') {
                    Some((name, values)) => format!("{} {values}", field_en(name)),
                    None => field_en(p).to_string(),
                })
                .collect();
            format!("Corrected at the lane: {}", parts.join("; "))
        }),
        "corrected" => s.strip_prefix("档案更正：").map(|r| {
            let fields: Vec<&str> = r.split('、').map(field_en).collect();
            format!("Archive corrected: {}", fields.join(", "))
        }),
        "status" => {
            let r = s.strip_prefix("状态改为「")?;
            let (label, why) = r.split_once("」：")?;
            let status = DeviceStatus::ALL.iter().find(|st| st.label_zh() == label)?;
            let why = reason_en(why)
                .map(str::to_string)
                .unwrap_or(why.to_string());
            Some(format!("Status set to {}: {why}", status.label_en()))
        }
        "swap" => {
            if let Some(r) = s.strip_prefix("序列号更正：") {
                return Some(format!("Serial number corrected: {r}"));
            }
            if let Some(r) = s.strip_prefix("取回借用备机 SN ") {
                let (loan, own) = r.split_once("，装回修复的原设备 SN ")?;
                return Some(format!(
                    "Loan unit SN {loan} taken back, the repaired original SN {own} refitted"
                ));
            }
            let r = s.strip_prefix("备机替换：故障件 SN ")?;
            let (faulty, spare) = r.split_once(" 返厂维修（RMA），装上备机 SN ")?;
            Some(format!(
                "Spare unit swap: faulty unit SN {faulty} sent for factory repair (RMA), spare unit SN {spare} fitted"
            ))
        }
        "fault" => {
            let (level, phenomenon) = s.split_once("故障：")?;
            let n = level_en(level)?;
            Some(format!("Level {n} fault: {}", phenomenon_en(phenomenon)))
        }
        "resolved" if s == "故障已解决" => Some("Fault resolved".into()),
        "part" => s
            .strip_prefix("更换/使用备件：")
            .map(|r| format!("Spare part used: {r}")),
        "inspection" => inspection_line_en(s),
        // "既有问题（接管前已存在）：label = answer（name id）" (checklist::complete).
        "pre_existing" => s
            .strip_prefix(crate::checklist::template::PRE_EXISTING_ZH)
            .and_then(|r| r.strip_prefix('：'))
            .map(|r| {
                // The baseline's name in English where a shipped template has it.
                let r = shipped()
                    .and_then(|lib| {
                        lib.templates().iter().find_map(|t| {
                            let en = t.name_en.as_deref()?;
                            r.contains(t.name_zh.as_str())
                                .then(|| r.replace(t.name_zh.as_str(), en))
                        })
                    })
                    .unwrap_or_else(|| r.to_string());
                format!("Pre-existing, found before takeover: {r}")
            }),
        _ => None,
    }
}

/// "电子卡口通道季度巡检完成：12 项已检，0 项不合格" (checklist::complete; lines written before
/// December 2026 end "（巡检 ID）") or the demo's "2026-09-01 季度巡检：正常".
fn inspection_line_en(s: &str) -> Option<String> {
    if let Some(date) = s.strip_suffix(" 季度巡检：正常") {
        return Some(format!("{date} quarterly inspection: normal"));
    }
    let (name, rest) = s.split_once("完成：")?;
    let (checked, rest) = rest.split_once(" 项已检，")?;
    let name = template_name_en(name).unwrap_or_else(|| name.to_string());
    if let Some(failed) = rest.strip_suffix(" 项不合格") {
        return Some(format!(
            "{name} completed: {checked} items checked, {failed} failed"
        ));
    }
    let (failed, rest) = rest.split_once(" 项不合格（巡检 ")?;
    let id = rest.strip_suffix('）')?;
    Some(format!(
        "{name} completed: {checked} items checked, {failed} failed (inspection {id})"
    ))
}

/// A work order's title in English. Titles of reported faults are written as
/// "HG01-L01-BG01 电子栏杆（道闸）：phenomenon" (`work_orders::report_fault`, the phenomenon
/// clipped); the device type is translated, and so is a phenomenon an inspection wrote
/// ([`phenomenon_en`]); what the customer reported stays as reported. `phenomenon` is the
/// fault report's whole phenomenon, when there is one.
pub fn work_order_title_en(
    title: &str,
    device_code: Option<&str>,
    phenomenon: Option<&str>,
) -> String {
    let translated = device_code.and_then(|code| {
        let rest = title.strip_prefix(code)?.strip_prefix(' ')?;
        let (ty, reported) = DeviceType::ALL
            .iter()
            .find_map(|t| Some((t, rest.strip_prefix(t.label_zh())?.strip_prefix('：')?)))?;
        // The title holds the phenomenon clipped; translate the whole one, then clip that (at
        // twice the length: a Chinese character is as wide as two Latin letters).
        let reported_en = match phenomenon {
            Some(p) if clip(p) == reported => {
                let en = phenomenon_en(p);
                match en.char_indices().nth(80) {
                    Some((cut, _)) => format!("{}…", &en[..cut]),
                    None => en,
                }
            }
            _ => phenomenon_en(reported),
        };
        Some(format!("{code} {}: {reported_en}", ty.label_en()))
    });
    translated.unwrap_or_else(|| phenomenon_en(title))
}

/// A fault's phenomenon in English: what the customer reported stays as reported; what an
/// inspection wrote when a failed item opened the fault (`checklist::run::open_fault`:
/// "电子卡口通道季度巡检发现：挡杆状况 = 开裂/断裂（超出允许范围）；note") is translated from
/// the shipped template the item came from.
pub fn phenomenon_en(phenomenon: &str) -> String {
    // A baseline's finding starts with the pre-existing mark (checklist::run::open_fault_in).
    if let Some(rest) = phenomenon
        .strip_prefix(crate::checklist::template::PRE_EXISTING_ZH)
        .and_then(|r| r.strip_prefix('：'))
    {
        return format!(
            "Pre-existing, found before takeover: {}",
            inspection_finding_en(rest).unwrap_or_else(|| rest.to_string())
        );
    }
    inspection_finding_en(phenomenon).unwrap_or_else(|| phenomenon.to_string())
}

fn inspection_finding_en(s: &str) -> Option<String> {
    let (name, rest) = s.split_once("发现：")?;
    let (template, name_en) = shipped()?
        .templates()
        .iter()
        .find(|t| t.name_zh == name)
        .map(|t| (t, t.name_en.clone().unwrap_or_else(|| name.to_string())))?;
    let (main, note) = match rest.split_once('；') {
        Some((m, n)) => (m, Some(n)),
        None => (rest, None),
    };
    let (main, out_of_range) = match main.strip_suffix("（超出允许范围）") {
        Some(m) => (m, true),
        None => (main, false),
    };
    let (label, answer) = main.split_once(" = ")?;
    let item = template
        .items()
        .map(|(_, i)| i)
        .find(|i| i.label_zh == label)?;
    let mut out = format!(
        "{name_en} found: {} = {}",
        item.label_en.as_deref().unwrap_or(label),
        answer_en(item, answer)
    );
    if out_of_range {
        out.push_str(" (out of the allowed range)");
    }
    if let Some(n) = note {
        out.push_str("; ");
        out.push_str(n);
    }
    Some(out)
}

/// An answer as `checklist::state::display` writes it, in English.
pub(crate) fn answer_en(item: &Item, zh: &str) -> String {
    let fixed = match zh {
        "合格" => Some("pass"),
        "不合格" => Some("fail"),
        "不适用" => Some("n/a"),
        "是" => Some("yes"),
        "否" => Some("no"),
        _ => None,
    };
    if let Some(f) = fixed {
        return f.to_string();
    }
    match &item.spec {
        ItemKind::Number {
            unit,
            unit_en: Some(en),
            ..
        } => zh.replace(unit.as_str(), en),
        ItemKind::Reading {
            unit,
            unit_en,
            instrument_zh,
            instrument_en,
            ..
        } => {
            let mut out = zh.to_string();
            if let Some(en) = instrument_en {
                out = out.replace(&format!("（{instrument_zh}）"), &format!(" ({en})"));
            }
            if let Some(en) = unit_en {
                out = out.replace(unit.as_str(), en);
            }
            out.replace('（', " (").replace('）', ")")
        }
        ItemKind::SingleChoice { options } | ItemKind::MultiChoice { options } => zh
            .split('、')
            .map(|part| {
                options
                    .iter()
                    .find(|o| o.label_zh == part)
                    .and_then(|o| o.label_en.clone())
                    .unwrap_or_else(|| part.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        ItemKind::Photo { .. } => match zh.strip_suffix(" 张照片") {
            Some(n) => format!("{n} photos"),
            None => zh.to_string(),
        },
        _ => zh.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::history_line_en;

    #[test]
    fn an_inspection_line_reads_in_english_with_or_without_the_old_inspection_id() {
        let name = super::template_name_en("电子卡口通道季度巡检").expect("the quarterly template");
        assert_eq!(
            history_line_en(
                "inspection",
                "电子卡口通道季度巡检完成：12 项已检，1 项不合格"
            ),
            format!("{name} completed: 12 items checked, 1 failed")
        );
        let old = history_line_en(
            "inspection",
            "电子卡口通道季度巡检完成：12 项已检，0 项不合格（巡检 01a2b3）",
        );
        assert!(
            old.ends_with("12 items checked, 0 failed (inspection 01a2b3)"),
            "{old}"
        );
        assert!(!old.contains('巡'), "{old}");
    }
}
