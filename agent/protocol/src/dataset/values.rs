//! The values of one row: times in the forms people's files hold them, and prices.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Below this many units a whole number is Unix seconds, then milliseconds, microseconds
/// and nanoseconds: 10^11 seconds is the year 5138, 10^11 milliseconds is 1973, so the
/// ranges cannot be confused for any market data.
const SECONDS_BELOW: i64 = 100_000_000_000;

/// Date-and-time forms without an offset, read as UTC.
const NAIVE_DATE_TIMES: [&str; 6] = [
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
];

/// Date-and-time forms with an offset, beyond RFC 3339 (pandas writes a space before the
/// time: `2024-01-02 00:00:00+00:00`).
const OFFSET_DATE_TIMES: [&str; 2] = ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%#z"];

const DATES: [&str; 2] = ["%Y-%m-%d", "%Y/%m/%d"];

/// Unix seconds of a time: whole Unix seconds, milliseconds, microseconds or nanoseconds
/// (told apart by size); RFC 3339; `YYYY-MM-DD HH:MM[:SS[.fff]]` (with a space or a `T`,
/// with or without an offset; without one it is UTC); or a date alone (midnight UTC).
/// Fractions of a second are dropped.
pub fn parse_time(text: &str) -> Result<i64, String> {
    if let Ok(number) = text.parse::<i64>() {
        return Ok(whole_number_time(number));
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.timestamp());
    }
    for format in OFFSET_DATE_TIMES {
        if let Ok(time) = DateTime::parse_from_str(text, format) {
            return Ok(time.timestamp());
        }
    }
    for format in NAIVE_DATE_TIMES {
        if let Ok(time) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(time.and_utc().timestamp());
        }
    }
    for format in DATES {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Ok(date
                .and_hms_opt(0, 0, 0)
                .map_or(0, |time| time.and_utc().timestamp()));
        }
    }
    Err(format!(
        "time `{text}` is not a date (2024-01-31), a date and time (2024-01-31 09:30:00), \
         RFC 3339, or Unix seconds or milliseconds"
    ))
}

fn whole_number_time(number: i64) -> i64 {
    let mut value = number;
    // Milliseconds, then microseconds, then nanoseconds.
    for _ in 0..3 {
        if value.unsigned_abs() < SECONDS_BELOW.unsigned_abs() {
            break;
        }
        value = value.div_euclid(1000);
    }
    value
}

/// A price or volume. With a delimiter other than the comma, a decimal comma is read as
/// a decimal point (`1,25` in a `;`-separated file from a European spreadsheet).
pub fn parse_number(text: &str, decimal_comma: bool) -> Option<f64> {
    if decimal_comma && text.contains(',') && !text.contains('.') {
        text.replacen(',', ".", 1).parse().ok()
    } else {
        text.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_every_form_people_write_them() {
        let noon = 1_704_196_800; // 2024-01-02T12:00:00Z
        let midnight = 1_704_153_600; // 2024-01-02T00:00:00Z
        for text in [
            "1704196800",
            "1704196800000",
            "1704196800000000",
            "1704196800000000000",
            "2024-01-02T12:00:00Z",
            "2024-01-02T13:00:00+01:00",
            "2024-01-02 12:00:00",
            "2024-01-02 12:00:00.250",
            "2024-01-02T12:00:00",
            "2024-01-02 12:00",
            "2024-01-02 12:00:00+00:00",
            "2024-01-02 07:00:00-0500",
            "2024/01/02 12:00:00",
        ] {
            assert_eq!(parse_time(text), Ok(noon), "{text}");
        }
        assert_eq!(parse_time("2024-01-02"), Ok(midnight));
        assert_eq!(parse_time("2024/01/02"), Ok(midnight));
        assert_eq!(parse_time("-86400"), Ok(-86_400));
        assert_eq!(parse_time("0"), Ok(0));
        let refused = parse_time("02/01/2024").expect_err("day-first dates are ambiguous");
        assert!(refused.contains("`02/01/2024`"));
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn numbers_take_a_decimal_comma_only_beside_another_delimiter() {
        assert_eq!(parse_number("1.25", false), Some(1.25));
        assert_eq!(parse_number("1,25", true), Some(1.25));
        assert_eq!(parse_number("1,25", false), None);
        assert_eq!(parse_number("1e3", true), Some(1000.0));
        assert_eq!(parse_number("abc", true), None);
    }
}
