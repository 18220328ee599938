//! An oversized checklist template, for the validation benchmark and the size-bound tests:
//! one section of pass/fail items, each shown only when the one before passed, so the
//! conditions form a chain as long as the file (the worst case for checking them).

/// A valid template of at most `bytes` bytes.
pub fn chained_template(bytes: usize) -> String {
    let mut s = String::from(
        "id = \"big\"\nversion = 1\nkind = \"quarterly\"\nname_zh = \"大模板\"\n\n[[section]]\napplies_to = \"lane\"\ntitle_zh = \"现场\"\n",
    );
    for i in 0usize.. {
        let cond = match i.checked_sub(1) {
            None => String::new(),
            Some(prev) => format!("  show_when = {{ item = \"lane.i{prev}\", is = \"pass\" }}\n"),
        };
        let item = format!(
            "\n  [[section.item]]\n  id = \"lane.i{i}\"\n  kind = \"pass_fail\"\n  label_zh = \"检查项目第{i}项，设备外观完好无破损\"\n  required = true\n{cond}"
        );
        if s.len() + item.len() > bytes {
            break;
        }
        s.push_str(&item);
    }
    s
}
