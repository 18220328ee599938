//! Tampering: one flipped byte anywhere in the signed range breaks the signature for both
//! `weibao verify` and poppler's `pdfsig`; a PDF with a perfectly valid signature that is not
//! the stored file fails `weibao verify --db`.

use crate::report_support::*;
use chrono::{TimeZone, Utc};
use weibao::report::finalise;
use weibao::report::sign::{sign_pdf, SigningIdentity};

/// The four numbers of the (last) `/ByteRange [a b c d]`.
fn byte_range(pdf: &[u8]) -> [usize; 4] {
    let key = b"/ByteRange";
    let at = pdf
        .windows(key.len())
        .rposition(|w| w == key)
        .expect("signed PDF has /ByteRange");
    let rest = String::from_utf8_lossy(&pdf[at + key.len()..at + key.len() + 80]).into_owned();
    let inner = rest
        .split('[')
        .nth(1)
        .and_then(|s| s.split(']').next())
        .expect("[ … ]");
    let n: Vec<usize> = inner
        .split_whitespace()
        .map(|x| x.parse().expect("number"))
        .collect();
    [n[0], n[1], n[2], n[3]]
}

fn pdfsig_valid(path: &std::path::Path) -> bool {
    let o = tool("pdfsig", &[path.to_str().expect("utf-8")]);
    stdout(&o).contains("Signature is Valid")
}

#[test]
fn report_one_flipped_byte_fails_verify_and_pdfsig() {
    let (t, db) = demo_db();
    let (_, repair) = demo_reports(&t.open());
    let pdf = finalise::pdf_of(&t.open(), &repair).expect("stored pdf");
    let [a, b, c, d] = byte_range(&pdf);
    assert_eq!(a, 0);
    assert_eq!(c + d, pdf.len(), "the signature covers the whole file");
    let dir = tempfile::tempdir().expect("tmp");

    // Untouched: both accept it.
    let good = dir.path().join("good.pdf");
    std::fs::write(&good, &pdf).expect("write");
    assert!(pdfsig_valid(&good));
    assert!(cli(&db, &["verify", good.to_str().expect("utf-8")])
        .status
        .success());

    // In the first signed range (page content, fonts, images), and in the second (the
    // signature dictionary's own update after /Contents).
    for (name, at) in [
        ("start", 200),
        ("middle", b / 2),
        ("images", b * 3 / 4),
        ("after-contents", c + d / 2),
        ("trailer", pdf.len() - 10),
    ] {
        let mut bad = pdf.clone();
        bad[at] ^= 0x01;
        let f = dir.path().join(format!("flipped-{name}.pdf"));
        std::fs::write(&f, &bad).expect("write");
        let o = cli(&db, &["verify", f.to_str().expect("utf-8")]);
        assert!(
            !o.status.success(),
            "weibao verify must fail for a byte flipped at {at} ({name})"
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("verify_failed")
                || err.contains("bad_signature_range")
                || err.contains("not_pdf")
                || err.contains("no_signature"),
            "a clear error: {err}"
        );
        // Also without a database: the signature alone tells.
        let o = std::process::Command::new(crate::support::weibao_bin())
            .args(["verify", f.to_str().expect("utf-8")])
            .output()
            .expect("run");
        assert!(
            !o.status.success(),
            "verify without --db fails too ({name})"
        );
        assert!(
            !pdfsig_valid(&f),
            "pdfsig must not accept a byte flipped at {at} ({name})"
        );
    }
}

#[test]
fn report_valid_pdf_with_other_hash_fails_verify_db() {
    let (t, db) = demo_db();
    let (insp, _) = demo_reports(&t.open());
    let pdf = finalise::pdf_of(&t.open(), &insp).expect("stored pdf");
    // Someone signs the report again (a valid signature over the whole new file, by someone
    // else): not the file on record.
    let when = Utc
        .with_ymd_and_hms(2026, 11, 24, 3, 0, 0)
        .single()
        .expect("time");
    let other = SigningIdentity::generate("冒名者", "某公司", when).expect("identity");
    let resigned = sign_pdf(&pdf, &other, when, "re-signed").expect("sign");
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("resigned.pdf");
    std::fs::write(&f, &resigned).expect("write");
    assert!(
        pdfsig_valid(&f),
        "the re-signed file is itself validly signed"
    );

    let o = std::process::Command::new(crate::support::weibao_bin())
        .args(["verify", f.to_str().expect("utf-8")])
        .output()
        .expect("run");
    assert!(
        o.status.success(),
        "without --db only the signature is judged"
    );

    let o = cli(&db, &["verify", f.to_str().expect("utf-8")]);
    let out = stdout(&o);
    assert!(!o.status.success(), "verify --db must fail:\n{out}");
    assert!(out.contains("MISMATCH"), "{out}");
    assert!(
        out.contains(&insp.number),
        "names the report the file claims to be: {out}"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("verify_failed"), "{err}");
    assert!(out.contains("冒名者"), "shows who signed it: {out}");
}
