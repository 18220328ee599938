//! Evidence photos: any file a phone, a camera or a person hands over. A photo is refused with
//! a typed error or imported with a report copy within the size bounds, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use weibao::media::{import_photo, REPORT_LONG_SIDE};

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = import_photo(data, "photo") {
        assert!(p.width.max(p.height) <= REPORT_LONG_SIDE);
        assert!(p.width > 0 && p.height > 0);
        assert!(!p.report_jpeg.is_empty());
    }
});
