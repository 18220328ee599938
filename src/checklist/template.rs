//! The checklist template: what an inspection asks, per device type, as office staff wrote it.
//!
//! Templates are TOML files in `resources/checklists/` (see that folder's files for the format
//! with comments). They are parsed and checked by [`crate::checklist::validate`]; this module
//! holds the typed result and the rules that judge one answer against one item. An inspection
//! stores a JSON snapshot of each [`Item`] it instantiated, so a template edited later never
//! changes a past inspection: that is why every type here is `Serialize + Deserialize`.

use serde::{Deserialize, Serialize};

use crate::domain::device::DeviceType;
use crate::error::{Error, Result};

/// Device-type codes a section may apply to: exactly the core's [`DeviceType`] codes, so a
/// template section always matches the devices the archive holds.
pub fn device_types() -> Vec<&'static str> {
    DeviceType::ALL.iter().map(|t| t.code()).collect()
}

/// The kinds of inspection a template serves (seed 000 §7.1, §7.2, §7.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 日常维护 (§7.1).
    Daily,
    /// 定期巡检, at least quarterly (§7.2). These are the inspections the schedule counts.
    Quarterly,
    /// 续保基线巡检 with the customer present (§7.9).
    Baseline,
}

impl InspectionKind {
    pub const ALL: [&'static str; 3] = ["daily", "quarterly", "baseline"];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "daily" => Some(Self::Daily),
            "quarterly" => Some(Self::Quarterly),
            "baseline" => Some(Self::Baseline),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Quarterly => "quarterly",
            Self::Baseline => "baseline",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Daily => "日常维护",
            Self::Quarterly => "定期巡检",
            Self::Baseline => "续保基线巡检",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Daily => "daily maintenance",
            Self::Quarterly => "periodic inspection",
            Self::Baseline => "baseline inspection",
        }
    }

    /// Whether what this inspection finds was already there before the service company took
    /// the lane over (§7.9: the baseline "界定原系统设备续保前的运行正常情况"). Its failed
    /// items are recorded as pre-existing (既有问题) on the device and the report, and the
    /// faults opened from them are not the service company's faults of the period.
    pub fn findings_pre_existing(self) -> bool {
        self == Self::Baseline
    }
}

/// The words a pre-existing finding is marked with, on the device's history and the report.
pub const PRE_EXISTING_ZH: &str = "既有问题（接管前已存在）";
pub const PRE_EXISTING_EN: &str = "pre-existing (found before takeover)";

/// What a section is about: the lane as a whole, or every device of one type on the lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Lane,
    Device(String),
}

impl Target {
    pub fn code(&self) -> &str {
        match self {
            Target::Lane => "lane",
            Target::Device(t) => t,
        }
    }
}

/// A parsed, validated template.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Template {
    pub id: String,
    pub version: u32,
    pub kind: InspectionKind,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub sections: Vec<Section>,
    /// Where it was loaded from (file path or `shipped:NAME`), for messages.
    pub source: String,
    /// sha256 of what the template asks (not of its comments or layout): two templates with
    /// the same id+version but another hash were edited without a version bump, which starting
    /// an inspection refuses (two records would claim the same questions and differ).
    pub sha256: String,
}

impl Template {
    /// All items with the section they belong to, in file order.
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().map(|(_, i)| i).find(|i| i.id == id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    pub applies_to: Target,
    pub title_zh: String,
    pub title_en: Option<String>,
    pub items: Vec<Item>,
}

impl Item {
    /// The English label, or the Chinese one where the template has none: what an English
    /// message names the item by (never its key).
    pub fn label_en(&self) -> &str {
        self.label_en.as_deref().unwrap_or(&self.label_zh)
    }
}

/// One question of a checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub label_zh: String,
    pub label_en: Option<String>,
    pub spec: ItemKind,
    pub required: bool,
    /// Shown (and so possibly required) only when this holds.
    pub show_when: Option<Condition>,
    /// Required only when this holds (e.g. a photo once the boom arm is marked damaged).
    pub required_when: Option<Condition>,
    /// The fault level (1 一级 … 4 四级) a failure of this item opens a work order at.
    pub fault_level: Option<u8>,
    /// Optional weight for a score; absent means the item does not count towards it.
    pub weight: Option<f64>,
    /// 1-based line of the item's `id` in its file, for messages. Not part of the snapshot
    /// an inspection keeps (moving a question down a file changes nothing it asks).
    #[serde(skip)]
    pub line: usize,
}

/// A condition on another item's answer: `{ item = "gate.boom", is = "fail" }`.
///
/// `is` is a literal answer (`pass`, `fail`, `na`, `yes`, `no`, a choice option id) or one of
/// the derived states `fail` (the item failed: fail verdict, out of range, a failing option),
/// `pass` (answered and not failed) and `answered`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub item: String,
    pub is: String,
}

/// A choice option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub label_zh: String,
    pub label_en: Option<String>,
    /// Choosing this option counts as a failure of the item (e.g. 破损 "damaged").
    pub fails: bool,
}

/// The answer kinds of issue 4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemKind {
    /// 合格 / 不合格 / 不适用.
    PassFail,
    /// 是 / 否; `fail_on` says which answer is a failure, if any.
    YesNo {
        fail_on: Option<bool>,
    },
    /// A measured number with a unit and an acceptable range.
    Number {
        unit: String,
        /// The unit in English where `unit` is Chinese (次 → "runs"); absent, `unit` is used.
        /// Optional fields are left out of the snapshot when absent, so a template without
        /// English keeps the content hash it had before English was possible.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit_en: Option<String>,
        min: Option<f64>,
        max: Option<f64>,
    },
    Text {
        max_len: Option<usize>,
    },
    SingleChoice {
        options: Vec<Choice>,
    },
    MultiChoice {
        options: Vec<Choice>,
    },
    /// Photos as sha256 blob hashes.
    Photo {
        min_count: u32,
    },
    /// A reading from an instrument (multimeter, clamp meter, stopwatch…): a number plus which
    /// instrument, so a doubtful figure can be traced to the tool that gave it.
    Reading {
        instrument_zh: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instrument_en: Option<String>,
        unit: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit_en: Option<String>,
        min: Option<f64>,
        max: Option<f64>,
    },
}

/// Upper bound on any text answer, whatever the template says: a record is not a file store.
pub const MAX_TEXT: usize = 4000;

impl ItemKind {
    pub const NAMES: [&'static str; 8] = [
        "pass_fail",
        "yes_no",
        "number",
        "text",
        "single_choice",
        "multi_choice",
        "photo",
        "reading",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::PassFail => "pass_fail",
            ItemKind::YesNo { .. } => "yes_no",
            ItemKind::Number { .. } => "number",
            ItemKind::Text { .. } => "text",
            ItemKind::SingleChoice { .. } => "single_choice",
            ItemKind::MultiChoice { .. } => "multi_choice",
            ItemKind::Photo { .. } => "photo",
            ItemKind::Reading { .. } => "reading",
        }
    }

    /// Whether an answer to this item can ever count as a failure (and so open a fault).
    pub fn can_fail(&self) -> bool {
        match self {
            ItemKind::PassFail => true,
            ItemKind::YesNo { fail_on } => fail_on.is_some(),
            ItemKind::Number { min, max, .. } | ItemKind::Reading { min, max, .. } => {
                min.is_some() || max.is_some()
            }
            ItemKind::SingleChoice { options } | ItemKind::MultiChoice { options } => {
                options.iter().any(|o| o.fails)
            }
            ItemKind::Text { .. } | ItemKind::Photo { .. } => false,
        }
    }

    /// The values a condition on this item may test for.
    pub fn condition_values(&self) -> Vec<String> {
        let mut v: Vec<String> = vec!["answered".into()];
        match self {
            ItemKind::PassFail => v.extend(["pass", "fail", "na"].map(String::from)),
            ItemKind::YesNo { .. } => v.extend(["yes", "no"].map(String::from)),
            ItemKind::SingleChoice { options } | ItemKind::MultiChoice { options } => {
                v.extend(options.iter().map(|o| o.id.clone()))
            }
            _ => {}
        }
        if self.can_fail() {
            for s in ["pass", "fail"] {
                if !v.iter().any(|x| x == s) {
                    v.push(s.into());
                }
            }
        }
        v
    }
}

/// An answer, typed by the item's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    PassFail(Verdict),
    YesNo(bool),
    Number(f64),
    Text(String),
    SingleChoice(String),
    MultiChoice(Vec<String>),
    Photo(Vec<String>),
    Reading {
        value: f64,
        instrument: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Na,
}

/// What an answer means for its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Outcome {
    /// The item failed: a fault may be opened at the item's level.
    pub failed: bool,
    /// A number outside the acceptable range (also a failure, flagged separately for display).
    pub out_of_range: bool,
}

fn bad_value(zh: String, en: String) -> Error {
    Error::invalid("value", zh, en)
}

/// A number answer, read by the core's one number parser (full-width digits yes, "1e3" no).
fn parse_number(item: &Item, raw: &str) -> Result<f64> {
    crate::domain::number::decimal(raw).ok_or_else(|| {
        bad_value(
            format!(
                "「{}」需要一个数字，收到「{raw}」（单位不用写）",
                item.label_zh
            ),
            format!(
                "“{}” needs a plain number, got {raw:?} (leave the unit out)",
                item.label_en()
            ),
        )
    })
}

fn find_option<'a>(item: &Item, options: &'a [Choice], raw: &str) -> Result<&'a Choice> {
    let t = raw.trim();
    options
        .iter()
        .find(|o| o.id == t || o.label_zh == t)
        .ok_or_else(|| {
            let offered: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
            bad_value(
                format!("「{t}」不是本项的选项，可选：{}", offered.join("、")),
                format!(
                    "{t:?} is not an option of “{}”; offered: {}",
                    item.label_en(),
                    offered.join(", ")
                ),
            )
        })
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Item {
    /// Parses what a person or script typed into a typed answer for this item.
    ///
    /// Accepts the English codes and the Chinese words the UI shows (合格/不合格/不适用, 是/否,
    /// an option's id or its Chinese label). Multiple choices and photos are comma-separated.
    pub fn parse_answer(&self, raw: &str, instrument: Option<&str>) -> Result<AnswerValue> {
        let t = raw.trim();
        let v = match &self.spec {
            ItemKind::PassFail => AnswerValue::PassFail(match t {
                "pass" | "合格" | "正常" => Verdict::Pass,
                "fail" | "不合格" | "异常" => Verdict::Fail,
                "na" | "n/a" | "不适用" => Verdict::Na,
                _ => {
                    return Err(bad_value(
                        format!("「{t}」无效，请填 合格/不合格/不适用（pass/fail/na）"),
                        format!("{t:?} is not pass, fail or na"),
                    ))
                }
            }),
            ItemKind::YesNo { .. } => AnswerValue::YesNo(match t {
                "yes" | "y" | "是" | "有" => true,
                "no" | "n" | "否" | "无" => false,
                _ => {
                    return Err(bad_value(
                        format!("「{t}」无效，请填 是/否（yes/no）"),
                        format!("{t:?} is not yes or no"),
                    ))
                }
            }),
            ItemKind::Number { .. } => AnswerValue::Number(parse_number(self, t)?),
            ItemKind::Reading { .. } => AnswerValue::Reading {
                value: parse_number(self, t)?,
                instrument: instrument
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from),
            },
            ItemKind::Text { .. } => AnswerValue::Text(raw.to_string()),
            ItemKind::SingleChoice { options } => {
                AnswerValue::SingleChoice(find_option(self, options, t)?.id.clone())
            }
            ItemKind::MultiChoice { options } => {
                let mut chosen = Vec::new();
                for part in t.split([',', '，']).filter(|p| !p.trim().is_empty()) {
                    let id = find_option(self, options, part)?.id.clone();
                    if !chosen.contains(&id) {
                        chosen.push(id);
                    }
                }
                AnswerValue::MultiChoice(chosen)
            }
            ItemKind::Photo { .. } => AnswerValue::Photo(
                t.split([',', '，'])
                    .map(|p| p.trim().to_ascii_lowercase())
                    .filter(|p| !p.is_empty())
                    .collect(),
            ),
        };
        self.check_answer(&v)?;
        Ok(v)
    }

    /// Checks a typed answer (e.g. one that arrived as JSON from the UI) against this item.
    pub fn check_answer(&self, v: &AnswerValue) -> Result<()> {
        let ok = matches!(
            (&self.spec, v),
            (ItemKind::PassFail, AnswerValue::PassFail(_))
                | (ItemKind::YesNo { .. }, AnswerValue::YesNo(_))
                | (ItemKind::Number { .. }, AnswerValue::Number(_))
                | (ItemKind::Text { .. }, AnswerValue::Text(_))
                | (ItemKind::SingleChoice { .. }, AnswerValue::SingleChoice(_))
                | (ItemKind::MultiChoice { .. }, AnswerValue::MultiChoice(_))
                | (ItemKind::Photo { .. }, AnswerValue::Photo(_))
                | (ItemKind::Reading { .. }, AnswerValue::Reading { .. })
        );
        if !ok {
            return Err(bad_value(
                format!("答案类型与本项（{}）不符", self.spec.name()),
                format!("answer does not fit item kind {}", self.spec.name()),
            ));
        }
        match (&self.spec, v) {
            (_, AnswerValue::Number(n)) | (_, AnswerValue::Reading { value: n, .. })
                if !n.is_finite() =>
            {
                Err(bad_value("数值无效".into(), "number is not finite".into()))
            }
            (ItemKind::Text { max_len }, AnswerValue::Text(s)) => {
                let limit = max_len.unwrap_or(MAX_TEXT).min(MAX_TEXT);
                if s.chars().count() > limit {
                    Err(bad_value(
                        format!("文字过长（最多 {limit} 字）"),
                        format!("text longer than {limit} characters"),
                    ))
                } else {
                    Ok(())
                }
            }
            (ItemKind::SingleChoice { options }, AnswerValue::SingleChoice(id)) => {
                find_option(self, options, id).map(|_| ())
            }
            (ItemKind::MultiChoice { options }, AnswerValue::MultiChoice(ids)) => ids
                .iter()
                .try_for_each(|id| find_option(self, options, id).map(|_| ())),
            (ItemKind::Photo { min_count }, AnswerValue::Photo(hashes)) => {
                if let Some(bad) = hashes.iter().find(|h| !is_sha256(h)) {
                    return Err(bad_value(
                        format!("「{bad}」不是照片的 sha256 编号"),
                        format!("{bad:?} is not a photo's sha256 hash"),
                    ));
                }
                if (hashes.len() as u32) < *min_count {
                    return Err(bad_value(
                        format!("至少需要 {min_count} 张照片，收到 {}", hashes.len()),
                        format!("needs at least {min_count} photos, got {}", hashes.len()),
                    ));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Judges an answer: failed, out of range.
    pub fn outcome(&self, v: &AnswerValue) -> Outcome {
        let in_range = |n: f64, min: &Option<f64>, max: &Option<f64>| {
            min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
        };
        let fails = |options: &[Choice], id: &str| options.iter().any(|o| o.id == id && o.fails);
        match (&self.spec, v) {
            (ItemKind::PassFail, AnswerValue::PassFail(x)) => Outcome {
                failed: *x == Verdict::Fail,
                out_of_range: false,
            },
            (ItemKind::YesNo { fail_on }, AnswerValue::YesNo(b)) => Outcome {
                failed: *fail_on == Some(*b),
                out_of_range: false,
            },
            (ItemKind::Number { min, max, .. }, AnswerValue::Number(n))
            | (ItemKind::Reading { min, max, .. }, AnswerValue::Reading { value: n, .. }) => {
                let out = !in_range(*n, min, max);
                Outcome {
                    failed: out,
                    out_of_range: out,
                }
            }
            (ItemKind::SingleChoice { options }, AnswerValue::SingleChoice(id)) => Outcome {
                failed: fails(options, id),
                out_of_range: false,
            },
            (ItemKind::MultiChoice { options }, AnswerValue::MultiChoice(ids)) => Outcome {
                failed: ids.iter().any(|id| fails(options, id)),
                out_of_range: false,
            },
            _ => Outcome::default(),
        }
    }
}

impl Condition {
    /// Whether the condition holds given the referenced item and its answer (if any).
    pub fn holds(&self, item: &Item, answer: Option<&AnswerValue>) -> bool {
        let Some(a) = answer else { return false };
        let o = item.outcome(a);
        match self.is.as_str() {
            "answered" => true,
            "fail" if item.spec.can_fail() => o.failed,
            "pass" if item.spec.can_fail() => !o.failed && *a != AnswerValue::PassFail(Verdict::Na),
            lit => match a {
                AnswerValue::PassFail(v) => {
                    let s = match v {
                        Verdict::Pass => "pass",
                        Verdict::Fail => "fail",
                        Verdict::Na => "na",
                    };
                    s == lit
                }
                AnswerValue::YesNo(b) => (if *b { "yes" } else { "no" }) == lit,
                AnswerValue::SingleChoice(id) => id == lit,
                AnswerValue::MultiChoice(ids) => ids.iter().any(|i| i == lit),
                _ => false,
            },
        }
    }
}
