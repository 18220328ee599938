//! Numbers as people type them: the one parser behind every number a person enters
//! (checklist numbers and readings, stock quantities, money).
//!
//! A Chinese input method in full-width mode gives "３.４", "－１", "１２３"; copy-paste from a
//! document gives "−1" (U+2212). Those are what the engineer meant and are accepted. What Rust's
//! `f64::from_str` also accepts but no person means is refused: exponents ("1e3" would become
//! 1000), `NaN`, `inf`, and a bare sign or point. Only plain decimal notation passes: an
//! optional sign, digits, and at most one point with digits on at least one side.

use serde::{Deserialize, Serialize};

/// Full-width digits, point, signs and the Unicode minus made ASCII; everything else unchanged,
/// surrounding whitespace (including the ideographic space) trimmed.
pub fn normalise(text: &str) -> String {
    text.trim()
        .trim_matches('\u{3000}')
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' | '−' => '-',
            '＋' => '+',
            other => other,
        })
        .collect()
}

/// Whether `t` (already [`normalise`]d) is plain decimal notation.
fn plain_decimal(t: &str) -> bool {
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    !(int.is_empty() && frac.is_empty())
        && digits(int)
        && digits(frac)
        && body.matches('.').count() <= 1
        && body != "."
}

/// A decimal number as typed ("３.４", "－１", "2.80"), or `None` when it is not one.
pub fn decimal(text: &str) -> Option<f64> {
    let t = normalise(text);
    if !plain_decimal(&t) {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A whole number as typed ("３", "-2"), or `None` when it is not one (a fraction, an exponent,
/// words). Values beyond `i64` are `None` too.
pub fn integer(text: &str) -> Option<i64> {
    let t = normalise(text);
    let body = t.strip_prefix(['-', '+']).unwrap_or(&t);
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

/// A number from a form: JSON gives a number or the text as typed. Lets the desktop shell pass
/// what the person entered to the core unchanged, so "1.5" for a quantity is refused by the
/// core in words ("数量必须是整数"), not by the shell's argument parser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Typed {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Typed {
    /// The whole number this is, if it is one (`2.0` is; `1.5` is not).
    pub fn integer(&self) -> Option<i64> {
        match self {
            Typed::Int(n) => Some(*n),
            Typed::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Some(*f as i64)
            }
            Typed::Float(_) => None,
            Typed::Text(t) => integer(t),
        }
    }

    /// As the person typed it, for messages.
    pub fn shown(&self) -> String {
        match self {
            Typed::Int(n) => n.to_string(),
            Typed::Float(f) => f.to_string(),
            Typed::Text(t) => t.clone(),
        }
    }
}

impl From<i64> for Typed {
    fn from(n: i64) -> Self {
        Typed::Int(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn full_width_numbers_from_a_chinese_input_method_are_read() {
        assert_eq!(decimal("３.４"), Some(3.4));
        assert_eq!(decimal("３．４"), Some(3.4));
        assert_eq!(decimal("－１"), Some(-1.0));
        assert_eq!(decimal("−0.5"), Some(-0.5));
        assert_eq!(decimal(" 2.80 "), Some(2.8));
        assert_eq!(decimal(".5"), Some(0.5));
        assert_eq!(decimal("5."), Some(5.0));
        assert_eq!(integer("１２"), Some(12));
        assert_eq!(integer("+3"), Some(3));
    }

    #[test]
    fn exponents_nan_infinity_and_junk_are_refused() {
        for t in [
            "1e3", "1E3", "NaN", "nan", "inf", "-inf", "infinity", "", "-", ".", "1.2.3", "0x10",
            "3 A", "1_000", "１e３",
        ] {
            assert_eq!(decimal(t), None, "{t:?}");
        }
        for t in ["1.5", "1e3", "", "-", "2.0", "三"] {
            assert_eq!(integer(t), None, "{t:?}");
        }
    }

    #[test]
    fn a_form_number_is_whole_only_when_it_has_no_fraction() {
        assert_eq!(Typed::Float(1.5).integer(), None);
        assert_eq!(Typed::Float(2.0).integer(), Some(2));
        assert_eq!(Typed::Text("３".into()).integer(), Some(3));
        assert_eq!(Typed::Int(4).integer(), Some(4));
        let t: Typed = serde_json::from_str("1.5").expect("json");
        assert_eq!(t, Typed::Float(1.5));
        let t: Typed = serde_json::from_str("\"1.5\"").expect("json");
        assert_eq!(t.integer(), None);
    }

    proptest! {
        #[test]
        fn any_plain_decimal_reads_as_rust_reads_it(n in -1.0e9f64..1.0e9) {
            let s = format!("{n}");
            prop_assert_eq!(decimal(&s), s.parse::<f64>().ok());
        }

        #[test]
        fn full_width_reads_like_half_width(n in 0u64..10_000_000, frac in 0u32..1000) {
            let half = format!("{n}.{frac}");
            let full: String = half
                .chars()
                .map(|c| match c {
                    '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
                    '.' => '．',
                    o => o,
                })
                .collect();
            prop_assert_eq!(decimal(&full), decimal(&half));
        }
    }
}
