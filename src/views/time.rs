//! Times as the engineer reads them: China Standard Time (UTC+8), whatever zone the laptop's
//! operating system is set to. Contracts, SLA deadlines and reports are all on the clock at the
//! lane, so a deadline must read the same on the screen as in the signed PDF.

use chrono::{DateTime, Utc};

/// `YYYY-MM-DD HH:MM` in China Standard Time.
pub fn china(t: DateTime<Utc>) -> String {
    crate::report::local_time(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A stored RFC 3339 instant as [`china`] text. A value that is not a time (an old or foreign
/// record) is shown as stored rather than hidden: this only displays, it never judges.
pub fn china_text(rfc3339: &str) -> String {
    match parse(rfc3339) {
        Some(t) => china(t),
        None => rfc3339.to_string(),
    }
}

/// A stored RFC 3339 instant, if it is one.
pub fn parse(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_utc_instant_reads_as_china_time() {
        assert_eq!(china_text("2026-06-01T17:30:00+00:00"), "2026-06-02 01:30");
        assert_eq!(china_text("2026-06-02T01:30:00+08:00"), "2026-06-02 01:30");
    }

    #[test]
    fn a_value_that_is_not_a_time_is_shown_as_stored() {
        assert_eq!(china_text("昨天"), "昨天");
    }
}
