//! Checklist templates: office staff edit these TOML files by hand, so any text must give a
//! template or located errors, never a panic. Bytes that are not UTF-8 go through the file
//! loader, which must refuse them.
#![no_main]
use libfuzzer_sys::fuzz_target;
use weibao::checklist::{load_file, validate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        let path = weibao_fuzz::scratch_file("template.toml", data);
        assert!(
            load_file(&path).is_err(),
            "a template that is not UTF-8 loaded"
        );
        return;
    };
    let (template, errors) = validate::diagnose(text, "fuzz.toml");
    let parsed = validate::parse(text, "fuzz.toml");
    // `parse` is `diagnose` keeping the first problem: the two must agree.
    assert_eq!(
        parsed.is_ok(),
        template.is_some() && errors.is_empty(),
        "parse and diagnose disagree"
    );
});
