//! What a photo's EXIF says: orientation, capture time, GPS position. Broken or absent EXIF is
//! not an error (the photo is still evidence), and a capture time outside the dates the domain
//! accepts everywhere else (`domain::values::check_date_range`, 1980–2060) is not taken as the
//! photo's time: a camera whose clock says 2099 has a flat battery or was never set. Its raw
//! text is kept so the caller can show what the camera wrote.

use std::io::Cursor;

use chrono::{NaiveDate, NaiveDateTime};
use exif::{In, Tag, Value};

use crate::domain::values::{check_date_range, clip};

/// What EXIF tells us.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct ExifMeta {
    pub orientation: Option<u8>,
    /// The capture time, if recorded, readable and plausible.
    pub taken_at: Option<NaiveDateTime>,
    /// The capture time as the camera wrote it (at most 40 characters), if it wrote one.
    pub taken_at_raw: Option<String>,
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
    // The first of the two times the camera filled in decides; blank means not recorded.
    let recorded = [Tag::DateTimeOriginal, Tag::DateTimeDigitized]
        .into_iter()
        .find_map(|t| field(t).and_then(|f| recorded_time(&f.value)));
    let (taken_at, taken_at_raw) = match recorded {
        Some((raw, parsed)) => (parsed.filter(|t| plausible(*t)), Some(raw)),
        None => (None, None),
    };
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
        taken_at_raw,
        gps,
    }
}

/// Whether a capture time is within the dates the domain accepts.
pub(crate) fn plausible(t: NaiveDateTime) -> bool {
    check_date_range("photo.taken_at", t.date()).is_ok()
}

/// The raw text of an EXIF date-time and its parsed value. `None` when nothing was recorded
/// (EXIF writes an unknown time as blanks or zeros: "    :  :     " or "0000:00:00 00:00:00").
fn recorded_time(value: &Value) -> Option<(String, Option<NaiveDateTime>)> {
    let Value::Ascii(parts) = value else {
        return None;
    };
    let bytes = parts.first()?;
    let raw = String::from_utf8_lossy(bytes);
    let raw = raw.trim_end_matches('\0').trim();
    if raw.chars().all(|c| matches!(c, '0' | ':' | ' ')) {
        return None;
    }
    Some((clip(raw), parse(bytes)))
}

fn parse(ascii: &[u8]) -> Option<NaiveDateTime> {
    let dt = exif::DateTime::from_ascii(ascii).ok()?;
    NaiveDate::from_ymd_opt(i32::from(dt.year), u32::from(dt.month), u32::from(dt.day))?
        .and_hms_opt(
            u32::from(dt.hour),
            u32::from(dt.minute),
            u32::from(dt.second),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii(s: &str) -> Value {
        Value::Ascii(vec![s.as_bytes().to_vec()])
    }

    #[test]
    fn capture_times_outside_the_domain_dates_are_kept_raw_but_not_used() {
        let (raw, t) = recorded_time(&ascii("2099:01:01 08:00:00")).expect("recorded");
        assert_eq!(raw, "2099:01:01 08:00:00");
        let t = t.expect("a valid date");
        assert!(!plausible(t), "2099 is after 2060-12-31");
        let (_, t) = recorded_time(&ascii("2026:03:14 09:26:53")).expect("recorded");
        assert!(plausible(t.expect("valid")));
        let (_, t) = recorded_time(&ascii("1979:12:31 23:59:59")).expect("recorded");
        assert!(!plausible(t.expect("valid")), "before 1980");
        let edge = |s: &str| plausible(recorded_time(&ascii(s)).unwrap().1.unwrap());
        assert!(edge("1980:01:01 00:00:00") && edge("2060:12:31 23:59:59"));
        // Not a date at all: recorded, unreadable.
        assert_eq!(
            recorded_time(&ascii("2026:13:45 99:00:00")),
            Some(("2026:13:45 99:00:00".into(), None))
        );
        // Unknown times are not recorded times.
        assert_eq!(recorded_time(&ascii("0000:00:00 00:00:00")), None);
        assert_eq!(recorded_time(&ascii("    :  :     :  :  ")), None);
    }
}
