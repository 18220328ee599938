//! Validated newtypes for values users type: each `parse` names the field it refuses.

use crate::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest free text accepted in a note field (service process, analysis, phenomenon…).
/// A signed report must stay printable; 20 000 characters is ~10 A4 pages of Chinese.
pub const MAX_NOTE_CHARS: usize = 20_000;
/// Longest short text (names, models, serials, addresses).
pub const MAX_NAME_CHARS: usize = 200;

/// Earliest date the domain accepts (no checkpoint equipment predates this).
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1980, 1, 1).unwrap_or(NaiveDate::MIN)
}
/// Latest date the domain accepts for planned dates (contract and warranty ends): a 2099 date
/// is a typing error, not a plan.
pub fn latest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2060, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// Whether a typed value counts as not given at all (only spaces count as nothing).
pub fn is_blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// Trimmed, non-empty text of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    if is_blank(value) {
        return Err(Error::invalid(field, "不能为空", "must not be empty"));
    }
    bounded(field, value.trim(), max)
}

/// Optional text: empty becomes `None`.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max).map(Some),
    }
}

fn bounded(field: &str, v: &str, max: usize) -> Result<String> {
    // Count lazily: a 10 MB paste must not be walked to the end just to say "too long".
    if v.len() > max * 4 || v.chars().nth(max).is_some() {
        return Err(Error::invalid(
            field,
            format!("过长：最多 {max} 个字符"),
            format!("too long: at most {max} characters"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(Error::invalid(
            field,
            "含有不可见控制字符",
            "contains control characters",
        ));
    }
    Ok(v.to_string())
}

/// Parse `YYYY-MM-DD` within the domain's plausible range.
pub fn parse_date(field: &str, value: &str) -> Result<NaiveDate> {
    let d = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            field,
            format!("日期格式应为 YYYY-MM-DD，收到「{}」", clip(value)),
            format!("date must be YYYY-MM-DD, got '{}'", clip(value)),
        )
    })?;
    check_date_range(field, d)
}

pub fn check_date_range(field: &str, d: NaiveDate) -> Result<NaiveDate> {
    if d < earliest_date() || d > latest_date() {
        return Err(Error::invalid(
            field,
            format!("日期 {d} 不合理（应在 1980-01-01 至 2060-12-31 之间）"),
            format!("date {d} is implausible (must be between 1980-01-01 and 2060-12-31)"),
        ));
    }
    Ok(d)
}

/// First 40 characters of a rejected value, for error messages.
pub fn clip(v: &str) -> String {
    let mut s: String = v.chars().take(40).collect();
    if v.chars().nth(40).is_some() {
        s.push('…');
    }
    s
}

/// The first character of `s` that belongs to Chinese (or Japanese/Korean) writing: CJK
/// ideographs, kana, hangul, and the CJK and full-width punctuation that goes with them
/// (、。「」：（），). English text must contain none: "Boom arm (BG01)", not "Boom arm（BG01）".
pub fn cjk_in(s: &str) -> Option<char> {
    s.chars().find(|&c| is_cjk(c))
}

/// Whether `c` is a CJK character or CJK/full-width punctuation (see [`cjk_in`]).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK punctuation: 、。「」【】
        | 0x3040..=0x30FF    // kana
        | 0x3100..=0x31FF    // bopomofo, kana extensions
        | 0x3200..=0x9FFF    // enclosed CJK, compatibility, ext. A, unified ideographs
        | 0xAC00..=0xD7AF    // hangul
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF00..=0xFFEF    // full-width forms: ：（），！？ and full-width digits
        | 0x20000..=0x3FFFF) // ideographs, extensions B–H
}

/// 统一编号: the unique number painted on every maintained device, e.g. `HG01-L03-BG01`.
/// Upper-case ASCII letters, digits and single dashes, 4–32 characters; it is typed from a
/// label, so lower case is folded and surrounding spaces are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeviceCode(String);

impl DeviceCode {
    pub fn parse(value: &str) -> Result<Self> {
        let v = value.trim().to_ascii_uppercase();
        let ok_chars = v
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        let ok = (4..=32).contains(&v.len())
            && ok_chars
            && !v.starts_with('-')
            && !v.ends_with('-')
            && !v.contains("--");
        if !ok {
            return Err(Error::invalid(
                "device.code",
                format!("设备统一编号「{}」格式不正确：应为 4–32 位大写字母、数字和单个连字符，如 HG01-L03-BG01", clip(value)),
                format!("device code '{}' is malformed: 4–32 upper-case letters, digits and single dashes, e.g. HG01-L03-BG01", clip(value)),
            ));
        }
        Ok(DeviceCode(v))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DeviceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number, one rule everywhere (profile, contacts, fault reports): kept as the person
/// wrote it — digits, spaces, `-`, parentheses and a leading `+` — so "029-8888 6666" reads
/// back as typed, with full-width digits and punctuation from a Chinese input method made ASCII
/// and runs of spaces made one. Valid when it has 7–15 digits (a local landline without area
/// code up to an international number, E.164's limit); a number starting with 1 without `+` is
/// a mainland mobile and must have exactly 11.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &str, value: &str) -> Result<Self> {
        let normal: String = crate::domain::number::normalise(value)
            .chars()
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                '\u{3000}' => ' ',
                other => other,
            })
            .collect();
        let shown = normal.split_whitespace().collect::<Vec<_>>().join(" ");
        let digits: String = shown.chars().filter(|c| c.is_ascii_digit()).collect();
        let plus = shown.starts_with('+');
        let chars_ok = shown.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
        });
        let count_ok = (7..=15).contains(&digits.len())
            && (plus || !digits.starts_with('1') || digits.len() == 11);
        if !(chars_ok && count_ok) {
            return Err(Error::invalid(
                field,
                format!(
                    "电话号码「{}」格式不正确：应为 7–15 位数字，可含空格、-、括号和开头的 +（手机 11 位，座机如 029-88886666）",
                    clip(value)
                ),
                format!(
                    "phone number '{}' is malformed: 7–15 digits, with spaces, '-', parentheses or a leading '+' (mobile: 11 digits; landline e.g. 029-88886666)",
                    clip(value)
                ),
            ));
        }
        Ok(Phone(shown))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Money in fen (分), the smallest unit of RMB. Integers only: money is never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// Parse yuan with up to two decimals, e.g. `500`, `1234.5`, `0.05`; refuses negatives.
    pub fn parse_yuan(field: &str, value: &str) -> Result<Self> {
        // Full-width digits and point as a Chinese input method types them (the one number
        // normaliser of the core), and either yen sign.
        let normal = crate::domain::number::normalise(value);
        let v = normal.trim_start_matches(['¥', '￥']).trim();
        let bad = || {
            Error::invalid(
                field,
                format!(
                    "金额「{}」格式不正确（元，最多两位小数，不能为负）",
                    clip(value)
                ),
                format!(
                    "amount '{}' is malformed (yuan, at most two decimals, not negative)",
                    clip(value)
                ),
            )
        };
        let (int, frac) = v.split_once('.').unwrap_or((v, ""));
        if int.is_empty() || int.len() > 12 || frac.len() > 2 {
            return Err(bad());
        }
        if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let yuan: i64 = int.parse().map_err(|_| bad())?;
        let mut f = frac.to_string();
        while f.len() < 2 {
            f.push('0');
        }
        let fen: i64 = f.parse().map_err(|_| bad())?;
        Ok(Fen(yuan * 100 + fen))
    }
}

impl std::fmt::Display for Fen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "¥{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// 故障级别 1–4: 一级 is "system down", 四级 "an event, operation not yet affected".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct FaultLevel(pub(crate) u8);

impl FaultLevel {
    pub fn new(level: i64) -> Result<Self> {
        if (1..=4).contains(&level) {
            Ok(FaultLevel(level as u8))
        } else {
            Err(Error::invalid(
                "fault.level",
                format!("故障级别必须是 1–4（一级至四级），收到 {level}"),
                format!("fault level must be 1–4, got {level}"),
            ))
        }
    }
    /// A level as people write it: `2`, `２`, `二`, `二级` or `2级` (the paper form and the
    /// CLI's help say 一级–四级, so both spellings must work).
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        let t = t.strip_suffix('级').unwrap_or(t).trim();
        let n = match t {
            "1" | "１" | "一" => 1,
            "2" | "２" | "二" => 2,
            "3" | "３" | "三" => 3,
            "4" | "４" | "四" => 4,
            _ => {
                return Err(Error::invalid(
                    "fault.level",
                    format!("故障级别应为 1–4 或 一级–四级，收到「{text}」"),
                    format!("fault level must be 1–4 (一级–四级), got {text:?}"),
                ))
            }
        };
        FaultLevel::new(n)
    }
    pub fn get(self) -> u8 {
        self.0
    }
    pub fn label_zh(self) -> &'static str {
        ["一级", "二级", "三级", "四级"][usize::from(self.0 - 1)]
    }
    pub fn label_en(self) -> &'static str {
        ["Level 1", "Level 2", "Level 3", "Level 4"][usize::from(self.0 - 1)]
    }
}

impl TryFrom<u8> for FaultLevel {
    type Error = Error;
    fn try_from(v: u8) -> Result<Self> {
        FaultLevel::new(i64::from(v))
    }
}
impl From<FaultLevel> for u8 {
    fn from(l: FaultLevel) -> u8 {
        l.0
    }
}

/// A positive whole quantity of a part. Stock moves in whole units; direction is given by the
/// movement's from/to, never by a sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(i64);

impl Quantity {
    pub fn new(field: &str, q: i64) -> Result<Self> {
        if q <= 0 || q > 1_000_000 {
            return Err(Error::invalid(
                field,
                format!("数量必须是 1 至 1000000 之间的整数，收到 {q}"),
                format!("quantity must be a whole number from 1 to 1000000, got {q}"),
            ));
        }
        Ok(Quantity(q))
    }
    /// A quantity as typed or sent by a form: a whole number (full-width digits accepted), in
    /// range. "1.5" or 1.5 is refused in words, not by a JSON argument parser.
    pub fn parse(field: &str, typed: &crate::domain::number::Typed) -> Result<Self> {
        match typed.integer() {
            Some(q) => Quantity::new(field, q),
            None => Err(Error::invalid(
                field,
                format!("数量必须是整数，收到「{}」", clip(&typed.shown())),
                format!(
                    "the quantity must be a whole number, got '{}'",
                    clip(&typed.shown())
                ),
            )),
        }
    }
    pub fn get(self) -> i64 {
        self.0
    }
}

/// Customer satisfaction 1 (very unsatisfied) – 5 (very satisfied).
pub fn parse_satisfaction(v: i64) -> Result<u8> {
    if (1..=5).contains(&v) {
        Ok(v as u8)
    } else {
        Err(Error::invalid(
            "service.satisfaction",
            format!("满意度必须是 1–5，收到 {v}"),
            format!("satisfaction must be 1–5, got {v}"),
        ))
    }
}

/// A stable code enum with Chinese and English labels, stored as its code.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident, $field:literal { $($var:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn code(self) -> &'static str { match self { $($name::$var => $code),+ } }
            pub fn label_zh(self) -> &'static str { match self { $($name::$var => $zh),+ } }
            pub fn label_en(self) -> &'static str { match self { $($name::$var => $en),+ } }
            pub fn parse(v: &str) -> $crate::Result<Self> {
                match v.trim() {
                    $($code => Ok($name::$var),)+
                    other => Err($crate::Error::invalid(
                        $field,
                        format!("未知取值「{}」，可选：{}", $crate::domain::values::clip(other), [$($code),+].join(", ")),
                        format!("unknown value '{}', expected one of: {}", $crate::domain::values::clip(other), [$($code),+].join(", ")),
                    )),
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.code()) }
        }
    };
}
pub(crate) use code_enum;

#[cfg(test)]
mod phone_tests {
    use super::Phone;

    fn ok(s: &str) -> String {
        match Phone::parse("contact.phone", s) {
            Ok(p) => p.as_str().to_string(),
            Err(e) => format!("refused: {e}"),
        }
    }

    #[test]
    fn a_phone_is_kept_as_typed_with_full_width_made_ascii() {
        assert_eq!(ok("029-8888"), "029-8888");
        assert_eq!(ok(" 029-8888  6666 "), "029-8888 6666");
        assert_eq!(ok("０２９－８８８８６６６６"), "029-88886666");
        assert_eq!(ok("（029）88886666"), "(029)88886666");
        assert_eq!(ok("+86 138 0000 0000"), "+86 138 0000 0000");
        assert_eq!(ok("13800000000"), "13800000000");
    }

    #[test]
    fn a_phone_with_too_few_or_many_digits_or_letters_is_refused() {
        for bad in [
            "12345",
            "1380000000",
            "029-88a86666",
            "1234567890123456",
            "86+13800000000",
            "",
        ] {
            let e = Phone::parse("contact.phone", bad).expect_err(bad);
            assert_eq!(e.kind(), "invalid");
            assert_eq!(e.field(), Some("contact.phone"));
        }
    }
}
