//! The office edits a contract's terms from the CLI: print them, change the repair promise and
//! the labour rate, save; a typo and an unknown calendar are named and change nothing.

use crate::report_support::{cli, demo_db, error_json, stdout};

#[test]
fn the_terms_are_printed_edited_and_saved_from_the_cli() {
    let (t, db) = demo_db();
    let list = cli(&db, &["contract", "list"]);
    assert!(list.status.success());
    let listed = stdout(&list);
    assert!(
        listed.contains("HT-2026-001") && listed.contains("HT-2026-002"),
        "{listed}"
    );

    let shown = cli(&db, &["contract", "terms", "HT-2026-001"]);
    assert!(shown.status.success());
    let text = stdout(&shown);
    assert!(
        text.contains("[sla.repair]") && text.contains("minutes = 480"),
        "{text}"
    );
    let edited = text.replacen("minutes = 480", "minutes = 360", 1).replacen(
        "labour_per_day = 50000",
        "labour_per_day = 60000",
        1,
    );
    let file = t.dir.path().join("terms.toml");
    std::fs::write(&file, &edited).expect("write the edited terms");
    let saved = cli(
        &db,
        &[
            "--json",
            "contract",
            "terms",
            "HT-2026-001",
            "--set",
            file.to_str().expect("utf-8"),
        ],
    );
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&saved.stdout).expect("json");
    assert_eq!(v["changed"], serde_json::json!(["terms"]));

    let now = cli(&db, &["--json", "contract", "terms", "HT-2026-001"]);
    let v: serde_json::Value = serde_json::from_slice(&now.stdout).expect("json");
    assert_eq!(v["sla"]["repair"]["minutes"], 360);
    assert_eq!(v["billing"]["labour_per_day"], 60000);

    // A typo: named with its key and line; the stored terms are the saved ones still.
    let typo = edited.replacen("[sla.repair]", "[sla.repiar]", 1);
    std::fs::write(&file, &typo).expect("write");
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "contract",
            "terms",
            "HT-2026-001",
            "--set",
            file.to_str().expect("utf-8"),
        ],
    ));
    assert_eq!(e["field"], "contract.terms");
    assert!(
        e["message_en"]
            .as_str()
            .is_some_and(|m| m.contains("sla.repiar") && m.contains("line ")),
        "{e}"
    );
    // An unknown calendar: the contract's own rule names it.
    let mars = edited.replacen("hotline = \"5x8\"", "hotline = \"mars\"", 1);
    std::fs::write(&file, &mars).expect("write");
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "contract",
            "terms",
            "HT-2026-001",
            "--set",
            file.to_str().expect("utf-8"),
        ],
    ));
    assert_eq!(e["field"], "contract.sla");
    let after = cli(&db, &["contract", "terms", "HT-2026-001"]);
    assert_eq!(
        stdout(&after),
        edited,
        "the saved terms are untouched by the refused edits"
    );

    // An unknown contract and a missing file are named too.
    let e = error_json(&cli(&db, &["--json", "contract", "terms", "HT-1999-404"]));
    assert_eq!(e["kind"], "not_found");
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "contract",
            "terms",
            "HT-2026-001",
            "--set",
            "/nonexistent/terms.toml",
        ],
    ));
    assert_eq!(e["field"], "contract.terms");
}
