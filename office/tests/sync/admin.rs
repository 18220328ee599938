//! `weibao-office engineer …`: the token printed once, alone on the last line; only its hash
//! kept.

use std::process::Command;

fn office(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_weibao-office"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .expect("run weibao-office")
}

#[test]
fn engineer_add_prints_the_token_once_and_stores_only_its_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = office(dir.path(), &["engineer", "add", "郑工", "--sites", "all"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let token = stdout.lines().last().expect("a last line").to_string();
    assert_eq!(token.len(), 64, "{stdout}");
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{stdout}");

    // Neither the file nor its write-ahead log holds the token (in text or as bytes).
    let raw = hex::decode(&token).expect("hex");
    for name in ["office-auth.db", "office-auth.db-wal"] {
        let bytes = std::fs::read(dir.path().join(name)).unwrap_or_default();
        for needle in [token.as_bytes(), raw.as_slice()] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "the token itself is not stored in {name}"
            );
        }
    }

    let bad = office(dir.path(), &["engineer", "add", "郑工", "--sites", "all"]);
    assert!(!bad.status.success(), "a second 郑工 is refused");
    let bad = office(dir.path(), &["engineer", "add", "冯工", "--sites", "L01"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sites"));

    let out = office(dir.path(), &["engineer", "revoke", "郑工"]);
    assert!(out.status.success());
    let list = String::from_utf8(office(dir.path(), &["engineer", "list"]).stdout).expect("utf-8");
    assert!(list.contains("郑工") && list.contains("revoked"), "{list}");
    let missing = office(dir.path(), &["engineer", "revoke", "nobody"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not_found"));
}
