//! Reading one `[[section.item]]` table of a template: every key typed and checked, every
//! problem reported with the item's id and the line of the offending key.
//!
//! Split from [`super::validate`], which reads the file around it and checks the conditions
//! between items once all of them are known.

use std::collections::HashMap;
use std::ops::Range;

use toml::Value;

use super::template::{Choice, Condition, Item, ItemKind};
use super::validate::{Diag, RawItem};

/// Keys every item may have.
const COMMON_KEYS: &[&str] = &[
    "id",
    "kind",
    "label_zh",
    "label_en",
    "required",
    "show_when",
    "required_when",
    "fault_level",
    "weight",
];

/// Longest English texts a template may carry (characters): a label is one line on the
/// inspection screen, a unit sits beside a number field.
pub(super) const MAX_LABEL_EN: usize = 200;
pub(super) const MAX_OPTION_EN: usize = 80;
pub(super) const MAX_UNIT_EN: usize = 20;
pub(super) const MAX_INSTRUMENT_EN: usize = 80;

/// What is wrong with an English text, as the end of a sentence in both languages.
pub(super) fn english_problem(s: &str, max: usize) -> Option<(String, String)> {
    let n = s.chars().count();
    if n > max {
        return Some((
            format!("过长（{n} 字，最多 {max} 字）"),
            format!("is too long ({n} characters, at most {max})"),
        ));
    }
    crate::domain::values::cjk_in(s).map(|c| {
        (
            format!("含有中文或全角字符「{c}」，英文里请用英文和半角标点"),
            format!(
                "contains the Chinese or full-width character {c:?}; write English with ASCII punctuation"
            ),
        )
    })
}

fn kind_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "yes_no" => &["fail_on"],
        "number" => &["unit", "unit_en", "min", "max"],
        "reading" => &[
            "unit",
            "unit_en",
            "min",
            "max",
            "instrument_zh",
            "instrument_en",
        ],
        "text" => &["max_len"],
        "single_choice" | "multi_choice" => &["options"],
        "photo" => &["min_count"],
        _ => &[],
    }
}

/// Typed access to one item's keys, reporting problems with the item's id and line.
struct ItemReader<'d, 'a> {
    d: &'d mut Diag<'a>,
    raw: RawItem,
    id: String,
    at: Range<usize>,
}

impl ItemReader<'_, '_> {
    fn err(&mut self, span: &Range<usize>, zh: String, en: String) {
        let id = if self.id.is_empty() {
            "?".to_string()
        } else {
            self.id.clone()
        };
        self.d.push(span, Some(&id), zh, en);
    }

    fn wrong_type(&mut self, key: &str, span: &Range<usize>, want_zh: &str, want_en: &str) {
        self.err(
            span,
            format!("「{key}」应为{want_zh}"),
            format!("`{key}` must be {want_en}"),
        );
    }

    fn string(&mut self, key: &str) -> Option<String> {
        let v = self.raw.get(key)?;
        let span = v.span();
        match v.get_ref() {
            Value::String(s) => Some(s.trim().to_string()),
            _ => {
                self.wrong_type(key, &span, "文字", "a string");
                None
            }
        }
    }

    /// An optional English text (`label_en`, `unit_en`…): a string of at most `max`
    /// characters with no Chinese characters or full-width punctuation in it (an English
    /// screen shows it as written). A problem is reported and the field treated as absent,
    /// so the Chinese shows instead.
    fn english(&mut self, key: &str, max: usize) -> Option<String> {
        let s = self.string(key)?;
        let span = self
            .raw
            .get(key)
            .map(|v| v.span())
            .unwrap_or(self.at.clone());
        match english_problem(&s, max) {
            None if s.is_empty() => None,
            None => Some(s),
            Some((zh, en)) => {
                self.err(&span, format!("「{key}」{zh}"), format!("`{key}` {en}"));
                None
            }
        }
    }

    fn req_string(&mut self, key: &str) -> String {
        match self.string(key) {
            Some(s) if !s.is_empty() => s,
            Some(_) | None => {
                let at = self
                    .raw
                    .get(key)
                    .map(|v| v.span())
                    .unwrap_or(self.at.clone());
                self.err(
                    &at,
                    format!("缺少「{key}」"),
                    format!("missing or empty `{key}`"),
                );
                String::new()
            }
        }
    }

    fn bool(&mut self, key: &str) -> Option<bool> {
        let v = self.raw.get(key)?;
        let span = v.span();
        match v.get_ref() {
            Value::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(key, &span, " true 或 false", "true or false");
                None
            }
        }
    }

    fn number(&mut self, key: &str) -> Option<(f64, Range<usize>)> {
        let v = self.raw.get(key)?;
        let span = v.span();
        match v.get_ref() {
            Value::Integer(i) => Some((*i as f64, span)),
            Value::Float(f) if f.is_finite() => Some((*f, span)),
            _ => {
                self.wrong_type(key, &span, "数字", "a number");
                None
            }
        }
    }

    fn int(&mut self, key: &str) -> Option<(i64, Range<usize>)> {
        let v = self.raw.get(key)?;
        let span = v.span();
        match v.get_ref() {
            Value::Integer(i) => Some((*i, span)),
            _ => {
                self.wrong_type(key, &span, "整数", "an integer");
                None
            }
        }
    }

    fn condition(&mut self, key: &str) -> Option<Condition> {
        let v = self.raw.get(key)?;
        let span = v.span();
        let parsed = match v.get_ref() {
            Value::Table(t) => match (t.get("item"), t.get("is"), t.len()) {
                (Some(Value::String(i)), Some(Value::String(s)), 2) => Some(Condition {
                    item: i.trim().to_string(),
                    is: s.trim().to_string(),
                }),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            self.wrong_type(
                key,
                &span,
                "{ item = \"项目id\", is = \"fail\" }",
                "a table { item = \"ID\", is = \"fail\" }",
            );
        }
        parsed
    }

    fn options(&mut self) -> Vec<Choice> {
        let Some(v) = self.raw.get("options") else {
            let at = self.at.clone();
            self.err(
                &at,
                "选择题缺少「options」".into(),
                "choice item has no `options`".into(),
            );
            return Vec::new();
        };
        let span = v.span();
        let arr = match v.get_ref() {
            Value::Array(a) => a.clone(),
            _ => Vec::new(),
        };
        let mut out: Vec<Choice> = Vec::new();
        for o in &arr {
            let Value::Table(t) = o else {
                self.wrong_type(
                    "options",
                    &span,
                    "选项表的数组",
                    "an array of option tables",
                );
                return out;
            };
            let s = |k: &str| match t.get(k) {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                _ => None,
            };
            let extra = t
                .keys()
                .find(|k| !["id", "label_zh", "label_en", "fails"].contains(&k.as_str()));
            let fails = match t.get("fails") {
                None => Some(false),
                Some(Value::Boolean(b)) => Some(*b),
                Some(_) => None,
            };
            match (s("id"), s("label_zh"), fails, extra) {
                (Some(id), Some(label_zh), Some(fails), None) => {
                    if out.iter().any(|c| c.id == id) {
                        self.err(
                            &span,
                            format!("选项 id「{id}」重复"),
                            format!("option id {id:?} appears twice"),
                        );
                    }
                    let label_en = s("label_en");
                    if let Some((zh, en)) = label_en
                        .as_deref()
                        .and_then(|l| english_problem(l, MAX_OPTION_EN))
                    {
                        self.err(
                            &span,
                            format!("选项「{id}」的 label_en {zh}"),
                            format!("option {id:?}: label_en {en}"),
                        );
                    }
                    out.push(Choice {
                        id,
                        label_zh,
                        label_en,
                        fails,
                    });
                }
                _ => self.err(
                    &span,
                    "每个选项须有 id 和 label_zh（可选 label_en、fails = true/false），不能有其他键"
                        .into(),
                    "each option needs id and label_zh (optional label_en, fails = true/false) and no other keys"
                        .into(),
                ),
            }
        }
        if out.is_empty() && !arr.is_empty() {
            return out;
        }
        if arr.is_empty() {
            self.err(
                &span,
                "「options」不能为空".into(),
                "`options` is empty".into(),
            );
        }
        out
    }

    fn range(&mut self) -> (Option<f64>, Option<f64>) {
        let min = self.number("min");
        let max = self.number("max");
        if let (Some((lo, _)), Some((hi, span))) = (&min, &max) {
            if lo > hi {
                let span = span.clone();
                self.err(
                    &span,
                    format!("下限 min（{lo}）大于上限 max（{hi}）"),
                    format!("min ({lo}) is greater than max ({hi})"),
                );
            }
        }
        (min.map(|m| m.0), max.map(|m| m.0))
    }
}

pub(super) fn build_item(
    d: &mut Diag,
    raw: RawItem,
    seen: &mut HashMap<String, usize>,
) -> Option<Item> {
    let at = raw
        .get("id")
        .map(|v| v.span())
        .or_else(|| raw.values().map(|v| v.span()).min_by_key(|s| s.start))
        .unwrap_or(0..0);
    let mut r = ItemReader {
        d,
        raw,
        id: String::new(),
        at: at.clone(),
    };
    r.id = r.req_string("id");
    let id = r.id.clone();
    if !id.is_empty()
        && !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        r.err(
            &at,
            "id 只能用英文字母、数字和 _ . -".into(),
            "id may only use ASCII letters, digits and _ . -".into(),
        );
    }
    let line = r.d.line(&at);
    if !id.is_empty() {
        if let Some(first) = seen.get(&id) {
            let first = *first;
            r.err(
                &at,
                format!("项目 id「{id}」重复（第 {first} 行已用过）"),
                format!("duplicate item id {id:?} (first used on line {first})"),
            );
        } else {
            seen.insert(id.clone(), line);
        }
    }
    let label_zh = r.req_string("label_zh");
    let label_en = r.english("label_en", MAX_LABEL_EN);
    let kind_name = r.req_string("kind");
    let known_kind = ItemKind::NAMES.contains(&kind_name.as_str());
    if !kind_name.is_empty() && !known_kind {
        let span = r.raw.get("kind").map(|v| v.span()).unwrap_or(at.clone());
        r.err(
            &span,
            format!(
                "未知的项目类型「{kind_name}」，可选：{}",
                ItemKind::NAMES.join("、")
            ),
            format!(
                "unknown item kind {kind_name:?}; expected one of {}",
                ItemKind::NAMES.join(", ")
            ),
        );
    }
    if known_kind {
        let allowed = kind_keys(&kind_name);
        let extra: Vec<(String, Range<usize>)> = r
            .raw
            .iter()
            .filter(|(k, _)| !COMMON_KEYS.contains(&k.as_str()) && !allowed.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.span()))
            .collect();
        for (k, span) in extra {
            r.err(
                &span,
                format!("「{k}」不适用于 {kind_name} 类型的项目"),
                format!("key `{k}` does not apply to a {kind_name} item"),
            );
        }
    }
    let spec = match kind_name.as_str() {
        "pass_fail" => ItemKind::PassFail,
        "yes_no" => {
            let fail_on = match r.string("fail_on").as_deref() {
                None => None,
                Some("yes") => Some(true),
                Some("no") => Some(false),
                Some(other) => {
                    let span = r.raw.get("fail_on").map(|v| v.span()).unwrap_or(at.clone());
                    r.err(
                        &span,
                        format!("fail_on 须为 yes 或 no，收到「{other}」"),
                        format!("fail_on must be yes or no, got {other:?}"),
                    );
                    None
                }
            };
            ItemKind::YesNo { fail_on }
        }
        "number" | "reading" => {
            let unit = r.req_string("unit");
            let unit_en = r.english("unit_en", MAX_UNIT_EN);
            let (min, max) = r.range();
            if kind_name == "number" {
                ItemKind::Number {
                    unit,
                    unit_en,
                    min,
                    max,
                }
            } else {
                ItemKind::Reading {
                    instrument_zh: r.req_string("instrument_zh"),
                    instrument_en: r.english("instrument_en", MAX_INSTRUMENT_EN),
                    unit,
                    unit_en,
                    min,
                    max,
                }
            }
        }
        "text" => {
            let max_len = match r.int("max_len") {
                Some((n, _)) if n >= 1 => Some(n as usize),
                Some((_, span)) => {
                    r.err(&span, "max_len 须 ≥ 1".into(), "max_len must be ≥ 1".into());
                    None
                }
                None => None,
            };
            ItemKind::Text { max_len }
        }
        "single_choice" => ItemKind::SingleChoice {
            options: r.options(),
        },
        "multi_choice" => ItemKind::MultiChoice {
            options: r.options(),
        },
        "photo" => {
            let min_count = match r.int("min_count") {
                Some((n, _)) if (0..=50).contains(&n) => n as u32,
                Some((_, span)) => {
                    r.err(
                        &span,
                        "min_count 须在 0–50 之间".into(),
                        "min_count must be 0–50".into(),
                    );
                    0
                }
                None => 1,
            };
            ItemKind::Photo { min_count }
        }
        _ => ItemKind::Text { max_len: None },
    };
    let required = r.bool("required").unwrap_or(false);
    if let ItemKind::Photo { min_count: 0 } = spec {
        if required {
            let span = r
                .raw
                .get("min_count")
                .map(|v| v.span())
                .unwrap_or(at.clone());
            r.err(
                &span,
                "必填的拍照项 min_count 不能为 0".into(),
                "a required photo item cannot have min_count = 0".into(),
            );
        }
    }
    let fault_level = match r.int("fault_level") {
        Some((n, span)) if !(1..=4).contains(&n) => {
            r.err(
                &span,
                format!("故障级别须为 1–4，收到 {n}"),
                format!("fault_level must be 1–4, got {n}"),
            );
            None
        }
        Some((n, span)) => {
            if known_kind && !spec.can_fail() {
                r.err(
                    &span,
                    "本项不会判为不合格，不能设故障级别（数字项请设 min/max，选择项请标 fails）".into(),
                    "this item can never fail, so fault_level is meaningless (give a number min/max or mark an option fails)"
                        .into(),
                );
            }
            Some(n as u8)
        }
        None => None,
    };
    let weight = match r.number("weight") {
        Some((w, span)) if w < 0.0 => {
            r.err(
                &span,
                "weight 不能为负".into(),
                "weight must not be negative".into(),
            );
            None
        }
        other => other.map(|w| w.0),
    };
    let show_when = r.condition("show_when");
    let required_when = r.condition("required_when");
    Some(Item {
        id,
        label_zh,
        label_en,
        spec,
        required,
        show_when,
        required_when,
        fault_level,
        weight,
        line,
    })
}
