//! Showing times: absolute in UTC (the same on the server and in the browser, so
//! hydration matches), with a relative hint where it helps.

use chrono::DateTime;

/// `2026-11-22 14:05 UTC`.
pub fn format_utc(unix_secs: i64) -> String {
    DateTime::from_timestamp(unix_secs, 0).map_or_else(
        || "unknown".to_owned(),
        |time| time.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// The machine-readable form for `<time datetime=…>`.
pub fn iso(unix_secs: i64) -> String {
    DateTime::from_timestamp(unix_secs, 0).map_or_else(String::new, |time| {
        time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_utc() {
        assert_eq!(format_utc(1_795_000_000), "2026-11-18 11:06 UTC");
        assert_eq!(iso(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(format_utc(i64::MAX), "unknown");
    }
}
