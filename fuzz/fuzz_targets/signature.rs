//! The signature pad's PNG (or whatever arrives in its place).
#![no_main]
use libfuzzer_sys::fuzz_target;
use weibao::media::import_signature_png;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = import_signature_png(data) {
        assert!(s.width > 0 && s.height > 0);
    }
});
