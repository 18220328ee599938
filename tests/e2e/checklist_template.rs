//! Issue 4, templates: the shipped templates load; each broken template is refused with an
//! error that points at `file:line:item`; random text never panics the loader.

use proptest::prelude::*;
use weibao::checklist::{validate, Library};
use weibao::Error;

/// A small valid template; each test breaks one thing in it. Line numbers matter: the
/// assertions name them.
const GOOD: &str = r#"id = "t"
version = 1
kind = "quarterly"
name_zh = "测试模板"

[[section]]
applies_to = "barrier_gate"
title_zh = "道闸"

  [[section.item]]
  id = "gate.boom"
  kind = "single_choice"
  label_zh = "挡杆"
  required = true
  fault_level = 2
  options = [{ id = "ok", label_zh = "完好" }, { id = "damaged", label_zh = "破损", fails = true }]

  [[section.item]]
  id = "gate.photo"
  kind = "photo"
  label_zh = "照片"
  min_count = 1
  required = true
  show_when = { item = "gate.boom", is = "damaged" }

  [[section.item]]
  id = "gate.current"
  kind = "reading"
  label_zh = "电机电流"
  instrument_zh = "钳形电流表"
  unit = "A"
  min = 0.5
  max = 2.5
  fault_level = 3
"#;

/// The location of the one error `text` must produce.
fn location_of(text: &str) -> String {
    match validate::parse(text, "broken.toml") {
        Ok(_) => panic!("template was accepted:\n{text}"),
        Err(Error::Template { location, .. }) => location,
        Err(other) => panic!("not a template error: {other}"),
    }
}

#[test]
fn shipped_templates_load_and_cover_every_device_type() {
    let lib = Library::shipped().expect("shipped templates are valid");
    let ids: Vec<&str> = lib.templates().iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["daily_maintenance", "quarterly_lane", "baseline_survey"]
    );
    let q = lib.get("quarterly_lane").expect("quarterly");
    for ty in weibao::checklist::template::device_types() {
        assert!(
            q.sections.iter().any(|s| s.applies_to.code() == ty),
            "quarterly has no section for {ty}"
        );
    }
    // The folder on disk is what office staff edit; it must match what is embedded.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/resources/checklists");
    let on_disk = Library::load_dir(std::path::Path::new(dir)).expect("folder loads");
    assert_eq!(on_disk.templates().len(), 3);
    assert!(validate::parse(GOOD, "good.toml").is_ok());
}

#[test]
fn duplicate_item_id_points_at_the_second_one() {
    let text = GOOD.replace("id = \"gate.photo\"", "id = \"gate.boom\"");
    assert_eq!(location_of(&text), "broken.toml:19:gate.boom");
    let msg = validate::parse(&text, "broken.toml")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("line 11"), "{msg}");
}

#[test]
fn unknown_kind_is_named() {
    let text = GOOD.replace("kind = \"reading\"", "kind = \"thermometer\"");
    assert_eq!(location_of(&text), "broken.toml:28:gate.current");
    let err = validate::parse(&text, "broken.toml").unwrap_err();
    assert!(err.to_string().contains("thermometer"), "{err}");
    assert!(
        err.message_zh().contains("未知的项目类型"),
        "{}",
        err.message_zh()
    );
}

#[test]
fn min_greater_than_max() {
    let text = GOOD.replace("max = 2.5", "max = 0.2");
    assert_eq!(location_of(&text), "broken.toml:33:gate.current");
    let msg = validate::parse(&text, "broken.toml")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("min (0.5) is greater than max (0.2)"), "{msg}");
}

#[test]
fn condition_naming_a_missing_item() {
    let text = GOOD.replace(
        "{ item = \"gate.boom\", is = \"damaged\" }",
        "{ item = \"gate.arm\", is = \"damaged\" }",
    );
    assert_eq!(location_of(&text), "broken.toml:19:gate.photo");
    let msg = validate::parse(&text, "broken.toml")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("\"gate.arm\""), "{msg}");
}

#[test]
fn conditions_forming_a_cycle() {
    // gate.boom is shown only when gate.photo is answered, which is shown only when the boom
    // is damaged: neither could ever be asked.
    let text = GOOD.replace(
        "  fault_level = 2\n",
        "  fault_level = 2\n  show_when = { item = \"gate.photo\", is = \"answered\" }\n",
    );
    assert_eq!(location_of(&text), "broken.toml:11:gate.boom");
    let msg = validate::parse(&text, "broken.toml")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("gate.boom → gate.photo → gate.boom"), "{msg}");
}

#[test]
fn required_photo_with_count_zero() {
    let text = GOOD.replace("min_count = 1", "min_count = 0");
    assert_eq!(location_of(&text), "broken.toml:22:gate.photo");
}

#[test]
fn other_mistakes_office_staff_make() {
    // a condition on a value the item never gives
    let t = GOOD.replace("is = \"damaged\"", "is = \"broken\"");
    assert_eq!(location_of(&t), "broken.toml:19:gate.photo");
    // a fault level 5
    let t = GOOD.replace("fault_level = 3", "fault_level = 5");
    assert_eq!(location_of(&t), "broken.toml:34:gate.current");
    // a misspelt key
    let t = GOOD.replace("unit = \"A\"", "units = \"A\"");
    let loc = location_of(&t);
    assert!(
        loc.starts_with("broken.toml:") && loc.ends_with(":gate.current"),
        "{loc}"
    );
    // a number in quotes
    let t = GOOD.replace("min = 0.5", "min = \"0.5\"");
    assert_eq!(location_of(&t), "broken.toml:32:gate.current");
    // an unknown device type
    let t = GOOD.replace(
        "applies_to = \"barrier_gate\"",
        "applies_to = \"weighbridge\"",
    );
    assert_eq!(location_of(&t), "broken.toml:7");
    // broken TOML syntax
    let t = GOOD.replace("title_zh = \"道闸\"", "title_zh = \"道闸");
    assert_eq!(location_of(&t), "broken.toml:8");
    // a template id used twice in one library
    let mut lib = Library::default();
    lib.add(validate::parse(GOOD, "a.toml").expect("good"))
        .expect("first");
    let second = validate::parse(GOOD, "b.toml").expect("good");
    assert!(lib.add(second).is_err());
}

#[test]
fn diagnose_lists_every_problem() {
    let text = GOOD
        .replace("max = 2.5", "max = 0.2")
        .replace("min_count = 1", "min_count = 0");
    let (_, errors) = validate::diagnose(&text, "broken.toml");
    let locations: Vec<String> = errors
        .iter()
        .map(|e| match e {
            Error::Template { location, .. } => location.clone(),
            other => other.to_string(),
        })
        .collect();
    assert_eq!(
        locations,
        ["broken.toml:22:gate.photo", "broken.toml:33:gate.current"]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Arbitrary text: an error or a template, never a panic.
    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        let _ = validate::diagnose(&text, "fuzz.toml");
    }

    /// The shipped quarterly template with a slice cut out and random bytes spliced in: nearer
    /// to a real editing accident than pure noise, so it reaches the item checks.
    #[test]
    fn mutated_templates_never_panic(
        cut in 0usize..20_000,
        len in 0usize..200,
        insert in "[\\[\\]{}=\", a-z0-9_.\\n#]{0,40}",
    ) {
        let base = weibao::checklist::SHIPPED[1].1;
        let mut bytes = base.as_bytes().to_vec();
        let start = cut.min(bytes.len());
        let end = (start + len).min(bytes.len());
        bytes.splice(start..end, insert.bytes());
        let text = String::from_utf8_lossy(&bytes);
        let _ = validate::diagnose(&text, "fuzz.toml");
    }

    /// Line-level mutations of the small template: delete, duplicate or swap lines.
    #[test]
    fn line_mutations_never_panic(ops in proptest::collection::vec((0u8..3, 0usize..40, 0usize..40), 1..6)) {
        let mut lines: Vec<String> = GOOD.lines().map(String::from).collect();
        for (op, a, b) in ops {
            if lines.is_empty() { break; }
            let a = a % lines.len();
            let b = b % lines.len();
            match op {
                0 => { lines.remove(a); }
                1 => { let l = lines[a].clone(); lines.insert(b, l); }
                _ => lines.swap(a, b),
            }
        }
        let _ = validate::diagnose(&lines.join("\n"), "fuzz.toml");
    }
}
