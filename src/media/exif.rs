//! What a photo's EXIF says: orientation, capture time, GPS position. Broken or absent EXIF is
//! not an error: the photo is still evidence.

use std::io::Cursor;

use chrono::{NaiveDate, NaiveDateTime};
use exif::{In, Tag, Value};

/// What EXIF tells us.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct ExifMeta {
    pub orientation: Option<u8>,
    /// DateTimeOriginal (or DateTimeDigitized), camera local time, if recorded.
    pub taken_at: Option<NaiveDateTime>,
    pub gps: Option<(f64, f64)>,
}

pub(crate) fn read(bytes: &[u8]) -> ExifMeta {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return ExifMeta::default();
    };
    let field = |tag| exif.get_field(tag, In::PRIMARY);
    let orientation = field(Tag::Orientation)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok());
    let taken_at = [Tag::DateTimeOriginal, Tag::DateTimeDigitized]
        .into_iter()
        .find_map(|t| field(t).and_then(|f| exif_datetime(&f.value)));
    let coord = |value_tag, ref_tag, negative: u8, max: f64| {
        let deg = match &field(value_tag)?.value {
            Value::Rational(r) if r.len() >= 3 => {
                r[0].to_f64() + r[1].to_f64() / 60.0 + r[2].to_f64() / 3600.0
            }
            _ => return None,
        };
        let sign = match &field(ref_tag)?.value {
            Value::Ascii(a) if a.first()?.first()? == &negative => -1.0,
            Value::Ascii(_) => 1.0,
            _ => return None,
        };
        (deg.is_finite() && deg <= max).then_some(sign * deg)
    };
    let gps = coord(Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S', 90.0)
        .zip(coord(Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W', 180.0))
        // 0/0 is what receivers write without a fix.
        .filter(|&(lat, lon)| lat != 0.0 || lon != 0.0);
    ExifMeta {
        orientation,
        taken_at,
        gps,
    }
}

fn exif_datetime(value: &Value) -> Option<NaiveDateTime> {
    let Value::Ascii(parts) = value else {
        return None;
    };
    let dt = exif::DateTime::from_ascii(parts.first()?).ok()?;
    NaiveDate::from_ymd_opt(i32::from(dt.year), u32::from(dt.month), u32::from(dt.day))?
        .and_hms_opt(
            u32::from(dt.hour),
            u32::from(dt.minute),
            u32::from(dt.second),
        )
}
