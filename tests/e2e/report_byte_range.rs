//! A signed report whose `/ByteRange` was rewritten into nonsense — negative, overflowing,
//! past the end of the file, overlapping, the wrong count, not integers, a gap that is not the
//! `/Contents` value — is refused by `weibao verify` with the typed error
//! `bad_signature_range` (exit 1, both languages), never a panic. The numbers are read from
//! untrusted bytes, so a proptest throws random ones at the verifier too.

use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

use proptest::prelude::*;
use weibao::report::finalise;
use weibao::report::sign::verify_pdf;

use crate::report_support::demo_reports;
use crate::support::{weibao_bin, TestDb};

/// The demo's signed repair report, made once for the whole module.
fn signed_report() -> &'static [u8] {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        let (t, store) = TestDb::demo();
        let (_, repair) = demo_reports(&store);
        let pdf = finalise::pdf_of(&store, &repair).expect("stored pdf");
        drop((store, t));
        pdf
    })
}

/// Byte positions just inside `[` and at `]` of the last `/ByteRange`.
fn byte_range_span(pdf: &[u8]) -> (usize, usize) {
    let key = b"/ByteRange";
    let at = pdf
        .windows(key.len())
        .rposition(|w| w == key)
        .expect("signed PDF has /ByteRange");
    let open = at + pdf[at..].iter().position(|&b| b == b'[').expect("[") + 1;
    let close = open + pdf[open..].iter().position(|&b| b == b']').expect("]");
    (open, close)
}

/// The four numbers the signer wrote.
fn real_range(pdf: &[u8]) -> [usize; 4] {
    let (open, close) = byte_range_span(pdf);
    let n: Vec<usize> = String::from_utf8_lossy(&pdf[open..close])
        .split_whitespace()
        .map(|x| x.parse().expect("number"))
        .collect();
    n.try_into().expect("four numbers")
}

/// The report with the inside of its `[ … ]` replaced by `inside`: padded with spaces to the
/// same length when it is shorter (every offset in the file stays valid), spliced in longer
/// otherwise.
fn with_byte_range(pdf: &[u8], inside: &str) -> Vec<u8> {
    let (open, close) = byte_range_span(pdf);
    let width = close - open;
    let text = if inside.len() <= width {
        format!("{inside:<width$}")
    } else {
        inside.to_string()
    };
    let mut out = pdf[..open].to_vec();
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&pdf[close..]);
    out
}

/// `weibao verify FILE` (no database) on `bytes`.
fn verify_cli(dir: &Path, name: &str, bytes: &[u8]) -> Output {
    let f = dir.join(format!("{name}.pdf"));
    std::fs::write(&f, bytes).expect("write");
    std::process::Command::new(weibao_bin())
        .arg("verify")
        .arg(&f)
        .output()
        .expect("run weibao")
}

/// Each `[ … ]` is refused by the CLI with exit 1, the typed kind and both messages containing
/// `en_detail` / `zh_detail`, and no panic.
fn assert_refused(cases: &[(&str, &str, &str, &str)]) {
    let pdf = signed_report();
    let dir = tempfile::tempdir().expect("tmp");
    for (name, inside, en_detail, zh_detail) in cases {
        let o = verify_cli(dir.path(), name, &with_byte_range(pdf, inside));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name} [{inside}]: exit 1, got {:?}\n{err}",
            o.status
        );
        assert!(!err.contains("panicked"), "{name} [{inside}]: {err}");
        assert!(
            err.contains("bad_signature_range"),
            "{name} [{inside}]: {err}"
        );
        assert!(
            err.contains("the signature's /ByteRange is malformed"),
            "{name} [{inside}]: {err}"
        );
        assert!(
            err.contains("签名的字节范围 /ByteRange 无效"),
            "{name}: {err}"
        );
        assert!(err.contains(en_detail), "{name} [{inside}]: {err}");
        assert!(err.contains(zh_detail), "{name} [{inside}]: {err}");
        // And the library says the same, typed.
        let e = verify_pdf(&with_byte_range(pdf, inside)).expect_err(name);
        assert_eq!(e.kind(), "bad_signature_range", "{name}: {e}");
    }
}

#[test]
fn the_rewriting_itself_keeps_an_untouched_range_valid() {
    let pdf = signed_report();
    let [a, b, c, d] = real_range(pdf);
    assert_eq!((a, c + d), (0, pdf.len()));
    let same = with_byte_range(pdf, &format!("{a} {b} {c} {d}"));
    assert_eq!(same, pdf, "same numbers, same bytes");
    // Other spacing, same numbers: well-formed, so judged (and not valid, since the range's
    // own bytes are signed) rather than refused as malformed.
    let dir = tempfile::tempdir().expect("tmp");
    let o = verify_cli(dir.path(), "good", pdf);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let respaced = with_byte_range(pdf, &format!("{a}  {b} {c} {d}"));
    let v = verify_pdf(&respaced).expect("a well-formed range is judged");
    assert!(!v.valid, "the range is among the signed bytes");
}

#[test]
fn a_byte_range_pointing_past_the_file_is_refused_not_a_crash() {
    let pdf = signed_report();
    let [_, b, c, d] = real_range(pdf);
    let len = pdf.len();
    assert_refused(&[
        (
            "tail-past-end",
            &format!("0 {b} {c} {}", d + 100),
            "past the end of the",
            "超出文件长度",
        ),
        (
            "gap-past-end",
            &format!("0 {b} {} 0", len + 5),
            "past the end of the",
            "超出文件长度",
        ),
        (
            "head-past-end",
            &format!("0 {} {} {d}", len + 1, len + 3),
            "the first range ends at byte",
            "超出文件长度",
        ),
    ]);
}

#[test]
fn an_overflowing_byte_range_is_refused_not_a_crash() {
    let pdf = signed_report();
    let [_, b, c, _] = real_range(pdf);
    let max = u64::MAX;
    assert_refused(&[
        // The case from the review: the gap start at usize::MAX.
        (
            "gap-start-max",
            &format!("0 {max} 10 0"),
            "past the end of the",
            "超出文件长度",
        ),
        ("tail-max", &format!("0 {b} {c} {max}"), "overflows", "溢出"),
        (
            "both-max",
            &format!("0 {b} {max} {max}"),
            "overflows",
            "溢出",
        ),
        (
            "beyond-u64",
            &format!("0 {b} {c} 99999999999999999999999"),
            "is too large",
            "超出可表示的范围",
        ),
    ]);
}

#[test]
fn a_negative_byte_range_is_refused_not_a_crash() {
    let pdf = signed_report();
    let [_, b, c, d] = real_range(pdf);
    assert_refused(&[
        (
            "negative-gap-start",
            &format!("0 -{b} {c} {d}"),
            "is negative",
            "是负数",
        ),
        (
            "negative-tail",
            &format!("0 {b} {c} -1"),
            "is negative",
            "是负数",
        ),
        (
            "negative-start",
            &format!("-9223372036854775808 {b} {c} {d}"),
            "is negative",
            "是负数",
        ),
    ]);
}

#[test]
fn an_overlapping_or_shifted_byte_range_is_refused_not_a_crash() {
    let pdf = signed_report();
    let [_, b, c, d] = real_range(pdf);
    assert_refused(&[
        (
            "swapped",
            &format!("0 {c} {b} {d}"),
            "the ranges overlap",
            "两段重叠",
        ),
        (
            "not-from-zero",
            &format!("7 {b} {c} {d}"),
            "not at the beginning of the file",
            "而不是文件开头",
        ),
        (
            "empty-gap",
            &format!("0 {b} {b} {}", d + (c - b)),
            "is not exactly the <…> hex value of /Contents",
            "不恰好是 /Contents",
        ),
    ]);
}

#[test]
fn a_byte_range_gap_that_is_not_the_contents_value_is_refused_not_a_crash() {
    let pdf = signed_report();
    let [_, b, c, d] = real_range(pdf);
    let detail = "is not exactly the <…> hex value of /Contents";
    let zh = "不恰好是 /Contents";
    assert_refused(&[
        (
            "gap-starts-late",
            &format!("0 {} {c} {d}", b + 1),
            detail,
            zh,
        ),
        (
            "gap-starts-early",
            &format!("0 {} {c} {d}", b - 1),
            detail,
            zh,
        ),
        (
            "gap-ends-early",
            &format!("0 {b} {} {}", c - 1, d + 1),
            detail,
            zh,
        ),
        (
            "gap-ends-late",
            &format!("0 {b} {} {}", c + 1, d - 1),
            detail,
            zh,
        ),
        // A gap from the first byte to the last: covers the /ByteRange itself.
        (
            "gap-is-everything",
            &format!("0 0 {} 0", pdf.len()),
            "not covered by the signature",
            "不在签名覆盖的范围内",
        ),
    ]);
}

#[test]
fn a_byte_range_without_four_numbers_is_refused_not_a_crash() {
    let pdf = signed_report();
    let [_, b, c, d] = real_range(pdf);
    assert_refused(&[
        ("empty", "", "found 0", "实为 0 个"),
        ("three", &format!("0 {b} {c}"), "found 3", "实为 3 个"),
        ("six", &format!("0 {b} {c} {d} 0 0"), "found 6", "实为 6 个"),
    ]);
    // No array at all: the brackets are gone.
    let (open, close) = byte_range_span(pdf);
    let mut unbracketed = pdf.to_vec();
    unbracketed[open - 1] = b' ';
    unbracketed[close] = b' ';
    let dir = tempfile::tempdir().expect("tmp");
    let o = verify_cli(dir.path(), "unbracketed", &unbracketed);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("bad_signature_range"), "{err}");
    assert!(err.contains("not an array"), "{err}");
}

#[test]
fn a_byte_range_with_non_integers_is_refused_not_a_crash() {
    let pdf = signed_report();
    let [_, b, c, d] = real_range(pdf);
    assert_refused(&[
        (
            "real-number",
            &format!("0 {b}.5 {c} {d}"),
            "is not an integer",
            "不是整数",
        ),
        (
            "word",
            &format!("0 {b} {c} abc"),
            "'abc' is not an integer",
            "「abc」不是整数",
        ),
        (
            "exponent",
            &format!("0 1e3 {c} {d}"),
            "is not an integer",
            "不是整数",
        ),
        (
            "reference",
            &format!("0 {b} {c} 12 0 R"),
            "found 6",
            "实为 6 个",
        ),
        (
            "lone-sign",
            &format!("0 - {c} {d}"),
            "is not an integer",
            "不是整数",
        ),
    ]);
}

/// A `/ByteRange` number as a forger or a broken tool might write it.
fn number_token() -> impl Strategy<Value = String> {
    let pdf = signed_report();
    let [_, b, c, d] = real_range(pdf);
    let len = pdf.len() as i128;
    prop_oneof![
        // Near the real values and the file's edges, where off-by-ones live.
        (
            prop::sample::select(vec![0, b as i128, c as i128, d as i128, len]),
            -3i128..=3
        )
            .prop_map(|(base, delta)| (base + delta).to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just(u64::MAX.to_string()),
        Just(usize::MAX.to_string()),
        Just("18446744073709551616".to_string()),
        "[-+]?[0-9]{1,30}",
        "[-+0-9.eE]{1,6}",
        "[a-zR<>()/]{1,3}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Random numbers in the signed report's `/ByteRange`, of any count, same length or not:
    /// the verifier answers (valid only for the real range, else not valid or a typed error)
    /// and never panics.
    #[test]
    fn random_byte_range_numbers_never_panic_the_verifier(
        tokens in prop::collection::vec(number_token(), 0..7),
    ) {
        let pdf = signed_report();
        let inside = tokens.join(" ");
        let forged = with_byte_range(pdf, &inside);
        match verify_pdf(&forged) {
            Ok(v) => prop_assert!(
                !v.valid || forged == pdf,
                "[{inside}] accepted as valid: {v:?}"
            ),
            Err(e) => prop_assert_eq!(e.kind(), "bad_signature_range", "[{}]: {}", inside, e),
        }
    }
}
