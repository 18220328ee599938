//! Loading a template file and checking it, with every problem pointing at `file:line:item`.
//!
//! Office staff edit these files by hand, so a mistake must be found when the file is loaded —
//! not at the lane when an engineer meets a question that cannot be answered — and the message
//! must say where to look. Items are read as maps of spanned TOML values (not straight into
//! typed structs) so that every item-level problem, even a misspelt key or a value of the wrong
//! type, is reported by this module with the item's id and the exact line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::{Spanned, Value};

use super::template::{device_types, InspectionKind, Item, Section, Target, Template};
use crate::error::{Error, Result};

pub(super) type RawItem = BTreeMap<String, Spanned<Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    id: Option<Spanned<String>>,
    version: Option<Spanned<i64>>,
    kind: Option<Spanned<String>>,
    name_zh: Option<Spanned<String>>,
    name_en: Option<Spanned<String>>,
    /// Free text for office staff; not used by the program.
    #[serde(rename = "description")]
    _description: Option<String>,
    #[serde(default)]
    section: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    applies_to: Option<Spanned<String>>,
    title_zh: Option<Spanned<String>>,
    title_en: Option<Spanned<String>>,
    #[serde(default)]
    item: Vec<RawItem>,
}

/// Collects every problem of one file.
pub(super) struct Diag<'a> {
    pub(super) source: &'a str,
    /// Byte offset where each line after the first starts, found once per file: every item
    /// asks for its line, and counting newlines from the top each time made validation
    /// quadratic (a 1 MB template took 40 s).
    line_starts: Vec<usize>,
    pub(super) errors: Vec<Error>,
}

impl<'a> Diag<'a> {
    fn new(text: &str, source: &'a str) -> Self {
        let line_starts = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        Diag {
            source,
            line_starts,
            errors: Vec::new(),
        }
    }

    /// 1-based line of a byte offset (a binary search in the line index).
    pub(super) fn line(&self, span: &Range<usize>) -> usize {
        self.line_starts
            .partition_point(|&start| start <= span.start)
            + 1
    }

    pub(super) fn push(&mut self, span: &Range<usize>, item: Option<&str>, zh: String, en: String) {
        let line = self.line(span);
        self.push_line(line, item, zh, en);
    }

    pub(super) fn push_line(&mut self, line: usize, item: Option<&str>, zh: String, en: String) {
        let location = match item {
            Some(id) => format!("{}:{line}:{id}", self.source),
            None => format!("{}:{line}", self.source),
        };
        self.errors.push(Error::Template { location, zh, en });
    }
}

/// Parses and validates a template; the first problem found is the error.
pub fn parse(text: &str, source: &str) -> Result<Template> {
    let (t, mut errors) = diagnose(text, source);
    match t {
        Some(t) if errors.is_empty() => Ok(t),
        _ => Err(if errors.is_empty() {
            Error::Template {
                location: source.to_string(),
                zh: "模板无法读取".into(),
                en: "template could not be read".into(),
            }
        } else {
            errors.swap_remove(0)
        }),
    }
}

/// Parses a template and returns every problem found (for `weibao template validate`).
/// The template is returned only when it could be built, which may be with problems listed.
pub fn diagnose(text: &str, source: &str) -> (Option<Template>, Vec<Error>) {
    let mut d = Diag::new(text, source);
    let raw: RawDoc = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().to_string();
            d.push(
                &span,
                None,
                format!("TOML 格式错误：{msg}"),
                format!("not valid template TOML: {msg}"),
            );
            return (None, d.errors);
        }
    };
    let t = build(&mut d, raw);
    check_conditions(&mut d, &t);
    (Some(t), d.errors)
}

fn req_str(d: &mut Diag, v: Option<Spanned<String>>, key: &str, at: &Range<usize>) -> String {
    match v {
        Some(s) if !s.get_ref().trim().is_empty() => s.into_inner().trim().to_string(),
        _ => {
            d.push(
                at,
                None,
                format!("缺少「{key}」"),
                format!("missing or empty `{key}`"),
            );
            String::new()
        }
    }
}

/// Longest template name or section title in English (characters).
const MAX_NAME_EN: usize = 100;

/// An optional English name or title, checked like an item's English fields (length, no
/// Chinese or full-width characters); a bad one is reported at its line and left out.
fn english(d: &mut Diag, v: Option<Spanned<String>>, key: &str, max: usize) -> Option<String> {
    let v = v?;
    let span = v.span();
    let s = v.into_inner().trim().to_string();
    if s.is_empty() {
        return None;
    }
    match super::item_reader::english_problem(&s, max) {
        None => Some(s),
        Some((zh, en)) => {
            d.push(
                &span,
                None,
                format!("「{key}」{zh}"),
                format!("`{key}` {en}"),
            );
            None
        }
    }
}

fn build(d: &mut Diag, raw: RawDoc) -> Template {
    let top = 0..0;
    let id = req_str(d, raw.id, "id", &top);
    let version = match raw.version {
        Some(v) if *v.get_ref() >= 1 && *v.get_ref() <= i64::from(u32::MAX) => *v.get_ref() as u32,
        Some(v) => {
            d.push(
                &v.span(),
                None,
                "版本号须为正整数".into(),
                "`version` must be a positive integer".into(),
            );
            0
        }
        None => {
            d.push(
                &top,
                None,
                "缺少「version」".into(),
                "missing `version`".into(),
            );
            0
        }
    };
    let kind = match &raw.kind {
        Some(k) => InspectionKind::parse(k.get_ref()).unwrap_or_else(|| {
            d.push(
                &k.span(),
                None,
                format!(
                    "未知的巡检类型「{}」，可选：{}",
                    k.get_ref(),
                    InspectionKind::ALL.join("、")
                ),
                format!(
                    "unknown inspection kind {:?}; expected one of {}",
                    k.get_ref(),
                    InspectionKind::ALL.join(", ")
                ),
            );
            InspectionKind::Quarterly
        }),
        None => {
            d.push(&top, None, "缺少「kind」".into(), "missing `kind`".into());
            InspectionKind::Quarterly
        }
    };
    let name_zh = req_str(d, raw.name_zh, "name_zh", &top);
    let name_en = english(d, raw.name_en, "name_en", MAX_NAME_EN);
    if raw.section.is_empty() {
        d.push(
            &top,
            None,
            "模板没有任何 [[section]]".into(),
            "template has no [[section]]".into(),
        );
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut sections = Vec::new();
    for s in raw.section {
        sections.push(build_section(d, s, &mut seen));
    }
    let mut t = Template {
        id,
        version,
        kind,
        name_zh,
        name_en,
        sections,
        source: d.source.to_string(),
        sha256: String::new(),
    };
    t.sha256 = content_hash(&t);
    t
}

/// Hash of what a template asks: its header and sections as canonical JSON.
fn content_hash(t: &Template) -> String {
    let content = serde_json::json!({
        "id": t.id, "version": t.version, "kind": t.kind, "name_zh": t.name_zh,
        "name_en": t.name_en, "sections": t.sections,
    });
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

fn build_section(d: &mut Diag, s: RawSection, seen: &mut HashMap<String, usize>) -> Section {
    let at = s
        .applies_to
        .as_ref()
        .map(|a| a.span())
        .or_else(|| s.title_zh.as_ref().map(|t| t.span()))
        .unwrap_or(0..0);
    let applies_to = match &s.applies_to {
        Some(a) if a.get_ref() == "lane" => Target::Lane,
        Some(a) if device_types().contains(&a.get_ref().as_str()) => {
            Target::Device(a.get_ref().clone())
        }
        Some(a) => {
            d.push(
                &a.span(),
                None,
                format!(
                    "未知的设备类型「{}」，可选：lane、{}",
                    a.get_ref(),
                    device_types().join("、")
                ),
                format!(
                    "unknown device type {:?}; expected lane or one of {}",
                    a.get_ref(),
                    device_types().join(", ")
                ),
            );
            Target::Lane
        }
        None => {
            d.push(
                &at,
                None,
                "[[section]] 缺少「applies_to」".into(),
                "[[section]] is missing `applies_to`".into(),
            );
            Target::Lane
        }
    };
    let title_zh = req_str(d, s.title_zh, "title_zh", &at);
    let items = s
        .item
        .into_iter()
        .filter_map(|raw| super::item_reader::build_item(d, raw, seen))
        .collect();
    Section {
        applies_to,
        title_zh,
        title_en: english(d, s.title_en, "title_en", MAX_NAME_EN),
        items,
    }
}

/// Conditions must name an existing item in reach (same device type, or a lane-level item),
/// test a value that item can produce, and never form a cycle.
fn check_conditions(d: &mut Diag, t: &Template) {
    let by_id: HashMap<&str, (&Section, &Item)> =
        t.items().map(|(s, i)| (i.id.as_str(), (s, i))).collect();
    for (section, item) in t.items() {
        for c in [&item.show_when, &item.required_when].into_iter().flatten() {
            let line = item.line;
            let Some((ts, target)) = by_id.get(c.item.as_str()) else {
                d.push_line(
                    line,
                    Some(&item.id),
                    format!("条件引用的项目「{}」不存在", c.item),
                    format!("condition names item {:?}, which does not exist", c.item),
                );
                continue;
            };
            if ts.applies_to != Target::Lane && ts.applies_to != section.applies_to {
                d.push_line(
                    line,
                    Some(&item.id),
                    format!(
                        "条件引用的项目「{}」属于 {}，只能引用同类设备或通道级的项目",
                        c.item,
                        ts.applies_to.code()
                    ),
                    format!(
                        "condition names item {:?} of {}; only items of the same device type or lane-level items are in reach",
                        c.item,
                        ts.applies_to.code()
                    ),
                );
            }
            let values = target.spec.condition_values();
            if !values.contains(&c.is) {
                d.push_line(
                    line,
                    Some(&item.id),
                    format!(
                        "项目「{}」不会出现答案「{}」，可用：{}",
                        c.item,
                        c.is,
                        values.join("、")
                    ),
                    format!(
                        "item {:?} never answers {:?}; usable: {}",
                        c.item,
                        c.is,
                        values.join(", ")
                    ),
                );
            }
        }
    }
    // Cycle search over "depends on" edges, reported once per cycle at its first item.
    let deps = |i: &Item| -> Vec<String> {
        [&i.show_when, &i.required_when]
            .into_iter()
            .flatten()
            .map(|c| c.item.clone())
            .collect()
    };
    let mut done: HashSet<String> = HashSet::new();
    for (_, start) in t.items() {
        if done.contains(&start.id) {
            continue;
        }
        let mut path: Vec<String> = Vec::new();
        let mut stack: Vec<(String, usize)> = vec![(start.id.clone(), 0)];
        while let Some((id, next)) = stack.pop() {
            let Some((_, item)) = by_id.get(id.as_str()) else {
                continue;
            };
            if next == 0 {
                path.push(id.clone());
            }
            let ds = deps(item);
            if next < ds.len() {
                stack.push((id.clone(), next + 1));
                let dep = &ds[next];
                if let Some(pos) = path.iter().position(|p| p == dep) {
                    let mut cycle: Vec<String> = path[pos..].to_vec();
                    cycle.push(dep.clone());
                    let first = by_id[cycle[0].as_str()].1;
                    d.push_line(
                        first.line,
                        Some(&first.id),
                        format!("条件形成循环：{}", cycle.join(" → ")),
                        format!("conditions form a cycle: {}", cycle.join(" → ")),
                    );
                    for c in &cycle {
                        done.insert(c.clone());
                    }
                    continue;
                }
                if !done.contains(dep) {
                    stack.push((dep.clone(), 0));
                }
            } else {
                path.pop();
                done.insert(id);
            }
        }
    }
}
