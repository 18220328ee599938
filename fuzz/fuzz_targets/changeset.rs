//! Reading a change-set file (USB stick): the whole file or an error, never a panic. The input
//! is read as it is, and once more with its footer made right (count and SHA-256 of the change
//! lines), so mutated changes get past the checksum to the per-change validation.
#![no_main]
use libfuzzer_sys::fuzz_target;
use weibao::store::changeset::read_from;

fuzz_target!(|data: &[u8]| {
    if let Ok(changes) = read_from(data, "fuzz.changes") {
        for (i, c) in changes.iter().enumerate() {
            c.validate(&format!("changes[{i}]"))
                .expect("read_from returned an invalid change");
        }
    }
    let fixed = weibao_fuzz::with_footer(data);
    if let Ok(changes) = read_from(fixed.as_slice(), "fuzz.changes") {
        for (i, c) in changes.iter().enumerate() {
            c.validate(&format!("changes[{i}]"))
                .expect("read_from returned an invalid change");
        }
    }
});
