//! Photo headers and EXIF. The header walk (`header_dimensions`) runs on the raw input as a
//! JPEG and as a PNG; then the input becomes the EXIF block (APP1 "Exif") of a small valid
//! JPEG, so every execution reaches the EXIF reader (orientation, capture time, GPS) without
//! paying for a large decode.
#![no_main]
use libfuzzer_sys::fuzz_target;
use weibao::media::photo::{header_dimensions, import_photo, PhotoFormat};

fuzz_target!(|data: &[u8]| {
    for format in [PhotoFormat::Jpeg, PhotoFormat::Png] {
        if let Some((w, h)) = header_dimensions(data, format) {
            assert!(w > 0 && h > 0, "a zero size passed the header check");
        }
    }
    let jpeg = weibao_fuzz::jpeg_with_exif(data);
    let photo = import_photo(&jpeg, "photo").expect("the carrier JPEG always imports");
    if weibao_fuzz::verbose() {
        eprintln!(
            "exif: {}×{} taken {:?} gps {:?}",
            photo.width, photo.height, photo.taken_at, photo.gps
        );
    }
    if let Some((lat, lon)) = photo.gps {
        assert!(lat.abs() <= 90.0 && lon.abs() <= 180.0, "GPS out of range");
    }
});
