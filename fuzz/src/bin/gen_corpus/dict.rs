//! The libFuzzer dictionaries, written from the code they describe (template keys, every
//! registered table and column, PDF signature tokens).

/// libFuzzer dictionaries: the words a mutation would take long to guess.
use std::path::Path;

use weibao::store::registry;

pub fn dictionaries(dir: &Path) {
    std::fs::create_dir_all(dir).expect("dict dir");
    let write = |name: &str, about: &str, mut words: Vec<String>| {
        let mut text = format!("# {about} (written by gen_corpus)\n");
        words.sort();
        words.dedup();
        for w in words {
            text.push_str(&format!("{w:?}\n"));
        }
        std::fs::write(dir.join(name), text).expect("dict");
        println!("dict/{name}");
    };
    let own = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();

    let mut template = own(&[
        "[[section]]",
        "[[section.item]]",
        " = ",
        "\"\"\"",
        "'''",
        "{ item = ",
        ", is = ",
        "true",
        "false",
        "1e9",
        "-0.0",
        "nan",
        "inf",
        "\\u4e2d",
        "id",
        "version",
        "kind",
        "name_zh",
        "name_en",
        "description",
        "section",
        "applies_to",
        "title_zh",
        "title_en",
        "item",
        "text_zh",
        "text_en",
        "label_zh",
        "label_en",
        "instrument_zh",
        "unit",
        "min",
        "max",
        "max_len",
        "min_count",
        "options",
        "fail_on",
        "fails",
        "fault_level",
        "weight",
        "required",
        "required_when",
        "show_when",
        "is",
        "pass_fail",
        "yes_no",
        "reading",
        "number",
        "text",
        "photo",
        "single_choice",
        "multi_choice",
        "pass",
        "fail",
        "yes",
        "no",
        "na",
        "answered",
        "daily",
        "quarterly",
        "baseline",
        "lane",
    ]);
    template.extend(
        weibao::checklist::template::device_types()
            .into_iter()
            .map(str::to_string),
    );
    write(
        "template.dict",
        "checklist template keys and values",
        template,
    );

    let mut changes = own(&[
        "{\"format\":\"weibao-changes\",\"version\":1,",
        "\"installation\":",
        "\"since\":",
        "{\"end\":true,",
        "\"count\":",
        "\"until\":",
        "\"sha256\":",
        "\"origin\":",
        "\"seq\":",
        "\"table\":",
        "\"row_id\":",
        "\"op\":",
        "\"hlc\":",
        "\"author\":",
        "\"fields\":",
        "\"insert\"",
        "\"update\"",
        "\"delete\"",
        "null",
        "true",
        "false",
        "-1",
        "0",
        "9223372036854775807",
        "1e400",
        "\\u0000",
        "01a23239-5727-7773-bef9-914d59943ac3",
        "ffffffffffffffff-",
        "0000000000000000-",
    ]);
    for t in registry::TABLES {
        changes.push(format!("\"{}\"", t.name));
        for c in t.columns {
            changes.push(format!("\"{}\":", c.name));
        }
    }
    changes.push("\"deleted\":".into());
    write(
        "changeset.dict",
        "change-set JSON keys, tables and columns",
        changes,
    );

    write(
        "verify.dict",
        "PDF tokens around signatures",
        own(&[
            "%PDF-1.7",
            "%%EOF",
            " obj",
            "endobj",
            "stream",
            "endstream",
            "xref",
            "trailer",
            "startxref",
            "/Type",
            "/Sig",
            "/FT",
            "/ByteRange",
            "/ByteRange [0 ",
            "/Contents <",
            "/M (D:20261130090000Z)",
            "(D:20261130090000+08'00')",
            "/Filter",
            "/Adobe.PPKLite",
            "/SubFilter",
            "/ETSI.CAdES.detached",
            "/AcroForm",
            "/Fields",
            "/V",
            "/Root",
            "/Info",
            "/Title",
            "/Size",
            "/Prev",
            "/Catalog",
            "/Pages",
            "/Page",
            "/Annots",
            "/Length",
            "<<",
            ">>",
            "<FEFF",
            " 0 R",
            "9999999999",
            "ZW-2026-0001",
        ]),
    );
}
