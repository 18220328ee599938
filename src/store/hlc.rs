//! The hybrid logical clock: stamps that order every change across laptops and never run
//! backwards, even when a laptop's wall clock does (a dead CMOS battery at the lane is common).
//!
//! A stamp is `TTTTTTTTTTTTTTTT-IIII…`: 16 hex digits of time (NTP-style 32.32 fixed point
//! seconds since 1970, where the low bits double as a logical counter) and the installation id
//! in 32 hex digits. Stamps compare as plain strings, by time and then by installation, which
//! is exactly the tie-break per-field last-writer-wins needs.
//!
//! The physical part comes from the core's [`crate::Clock`], so tests drive it; the last stamp
//! is kept in `meta.hlc_last` and read inside each write transaction, so two processes writing
//! one database (the app and the CLI) stamp in commit order.

use chrono::{DateTime, Utc};

/// Wall-clock time as a 32.32 fixed-point count of seconds since 1970 (0 before 1970).
pub fn ntp64(t: DateTime<Utc>) -> u64 {
    let secs = u64::try_from(t.timestamp()).unwrap_or(0);
    let frac = (u64::from(t.timestamp_subsec_nanos()) << 32) / 1_000_000_000;
    secs.saturating_mul(1 << 32).saturating_add(frac)
}

/// The wall-clock instant of a stamp's time part (for messages about skew).
pub fn to_datetime(time: u64) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(time >> 32).ok()?;
    let nanos = ((time & 0xffff_ffff) * 1_000_000_000) >> 32;
    DateTime::from_timestamp(secs, u32::try_from(nanos).ok()?)
}

/// The installation part of stamps made here: the installation's UUID as 32 hex digits.
pub fn installation_hex(installation_id: &str) -> String {
    let raw = uuid::Uuid::parse_str(installation_id)
        .map(|u| u.as_u128())
        .unwrap_or(1)
        .max(1);
    format!("{raw:032x}")
}

/// Format a stamp.
pub fn stamp(time: u64, installation_hex: &str) -> String {
    format!("{time:016x}-{installation_hex}")
}

/// The time part of a stamp, if it is well formed.
pub fn parse_time(stamp: &str) -> Option<u64> {
    let (t, id) = stamp.split_once('-')?;
    if t.len() != 16 || id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(t, 16).ok()
}

/// The next stamp's time: the wall clock, or one tick past the last stamp if the wall clock is
/// behind it (set back, or many changes within one clock tick).
pub fn next_time(now: u64, last: u64) -> u64 {
    now.max(last.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn stamps_sort_by_time_then_installation() {
        let a = stamp(5, &installation_hex("0190f0e0-0000-7000-8000-000000000001"));
        let b = stamp(5, &installation_hex("0190f0e0-0000-7000-8000-000000000002"));
        let c = stamp(6, &installation_hex("0190f0e0-0000-7000-8000-000000000001"));
        assert!(a < b && b < c);
        assert_eq!(parse_time(&c), Some(6));
        assert_eq!(parse_time("garbage"), None);
        assert_eq!(parse_time("00000000000000zz-00"), None);
    }

    #[test]
    fn a_clock_set_back_still_moves_forward() {
        assert_eq!(next_time(10, 20), 21);
        assert_eq!(next_time(30, 20), 30);
        assert_eq!(next_time(0, u64::MAX), u64::MAX);
    }

    #[test]
    fn time_round_trips_to_the_second() {
        let t = Utc
            .with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(to_datetime(ntp64(t)), Some(t));
    }
}
