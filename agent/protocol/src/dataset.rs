//! The dataset format: OHLCV candles as CSV, one bar per row.
//!
//! ```text
//! time,open,high,low,close,volume
//! 1700000000,100.0,101.5,99.2,101.0,1250
//! 2023-11-14T22:14:20Z,101.0,102.0,100.5,101.7,980
//! ```
//!
//! `time` is Unix seconds or an RFC 3339 timestamp, strictly increasing. The server checks
//! an upload as it streams in with [`check_csv`] and the agent parses its download with
//! [`parse_csv`]; both run the same row rules, so they agree on what a dataset is.

use serde::{Deserialize, Serialize};

/// One bar of OHLCV data. `time` is Unix seconds at the bar's open.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candle {
    pub time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

/// The header a dataset must start with, in this order.
pub const HEADER: [&str; 6] = ["time", "open", "high", "low", "close", "volume"];

/// How many problems one parse reports before it stops looking.
pub const MAX_REPORTED_PROBLEMS: usize = 20;

/// Bounds on a dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatasetLimits {
    pub max_rows: usize,
    pub max_bytes: usize,
}

impl Default for DatasetLimits {
    fn default() -> Self {
        Self {
            max_rows: 1_000_000,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// One thing wrong with a dataset, at a line of the file when it has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetProblem {
    /// 1-based line of the file.
    pub line: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for DatasetProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Why a dataset was refused: every problem found, up to [`MAX_REPORTED_PROBLEMS`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct DatasetError {
    pub problems: Vec<DatasetProblem>,
}

impl DatasetError {
    fn one(line: Option<u64>, message: impl Into<String>) -> Self {
        Self {
            problems: vec![DatasetProblem {
                line,
                message: message.into(),
            }],
        }
    }
}

/// What checking a dataset found, without its candles: how many, and the time they span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatasetSummary {
    pub rows: usize,
    pub first_time: i64,
    pub last_time: i64,
}

/// Parses and checks a whole dataset.
pub fn parse_csv(bytes: &[u8], limits: DatasetLimits) -> Result<Vec<Candle>, DatasetError> {
    if bytes.len() > limits.max_bytes {
        return Err(DatasetError::one(
            None,
            format!(
                "the file is {} bytes; the limit is {} bytes",
                bytes.len(),
                limits.max_bytes
            ),
        ));
    }
    let mut candles = Vec::new();
    visit(bytes, limits, |candle| candles.push(candle))?;
    Ok(candles)
}

/// Checks a dataset read from `reader` with the same rules as [`parse_csv`], keeping only
/// a summary: a file streamed in (an upload) is checked as it arrives, without ever
/// holding it or its candles in memory. Stops reading at the first problem that ends the
/// check (more than [`MAX_REPORTED_PROBLEMS`], too many rows). The byte limit is the
/// caller's to enforce, since only the caller knows how much it has read.
pub fn check_csv<R: std::io::Read>(
    reader: R,
    limits: DatasetLimits,
) -> Result<DatasetSummary, DatasetError> {
    let mut summary: Option<DatasetSummary> = None;
    visit(reader, limits, |candle| {
        let summary = summary.get_or_insert(DatasetSummary {
            rows: 0,
            first_time: candle.time,
            last_time: candle.time,
        });
        summary.rows += 1;
        summary.last_time = candle.time;
    })?;
    summary.ok_or_else(|| DatasetError::one(None, "a dataset needs at least two rows of candles"))
}

/// Reads and checks every row, handing each valid candle to `on_candle`.
fn visit<R: std::io::Read>(
    reader: R,
    limits: DatasetLimits,
    mut on_candle: impl FnMut(Candle),
) -> Result<(), DatasetError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(reader);
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(err)) => return Err(DatasetError::one(Some(1), csv_problem(&err))),
        None => return Err(DatasetError::one(None, "the file is empty")),
    };
    let names: Vec<String> = header.iter().map(str::to_ascii_lowercase).collect();
    if names != HEADER {
        return Err(DatasetError::one(
            Some(1),
            format!(
                "the header must be `{}`, found `{}`",
                HEADER.join(","),
                header.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }

    let mut rows = 0_usize;
    let mut problems = Vec::new();
    let mut previous_time: Option<i64> = None;
    for record in records {
        if problems.len() >= MAX_REPORTED_PROBLEMS {
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map(csv::Position::line);
                problems.push(DatasetProblem {
                    line,
                    message: csv_problem(&err),
                });
                continue;
            }
        };
        let line = record.position().map(csv::Position::line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows >= limits.max_rows {
            problems.push(DatasetProblem {
                line,
                message: format!("more than {} rows", limits.max_rows),
            });
            break;
        }
        match parse_row(&record) {
            Ok(candle) => {
                if let Some(previous) = previous_time
                    && candle.time <= previous
                {
                    problems.push(DatasetProblem {
                        line,
                        message: format!(
                            "time {} is not after the previous row's {previous}",
                            candle.time
                        ),
                    });
                }
                previous_time = Some(candle.time);
                rows += 1;
                on_candle(candle);
            }
            Err(message) => problems.push(DatasetProblem { line, message }),
        }
    }
    if !problems.is_empty() {
        return Err(DatasetError { problems });
    }
    if rows < 2 {
        return Err(DatasetError::one(
            None,
            "a dataset needs at least two rows of candles",
        ));
    }
    Ok(())
}

fn csv_problem(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_owned(),
        _ => "the row is not valid CSV".to_owned(),
    }
}

fn parse_row(record: &csv::StringRecord) -> Result<Candle, String> {
    if record.len() != HEADER.len() {
        return Err(format!(
            "expected {} fields, found {}",
            HEADER.len(),
            record.len()
        ));
    }
    let field = |index: usize| record.get(index).unwrap_or_default();
    let time = parse_time(field(0))?;
    let mut values = [0.0_f64; 5];
    for (slot, index) in values.iter_mut().zip(1..) {
        let name = HEADER[index];
        let value: f64 = field(index)
            .parse()
            .map_err(|_| format!("{name} `{}` is not a number", field(index)))?;
        if !value.is_finite() || value < 0.0 {
            return Err(format!("{name} must be a finite number, at least 0"));
        }
        *slot = value;
    }
    let [open, high, low, close, volume] = values;
    if high < low {
        return Err(format!("high {high} is below low {low}"));
    }
    if open <= 0.0 || close <= 0.0 {
        return Err("open and close must be above 0".to_owned());
    }
    Ok(Candle {
        time,
        open,
        high,
        low,
        close,
        volume,
    })
}

fn parse_time(text: &str) -> Result<i64, String> {
    if let Ok(seconds) = text.parse::<i64>() {
        return Ok(seconds);
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|time| time.timestamp())
        .map_err(|_| format!("time `{text}` is neither Unix seconds nor an RFC 3339 timestamp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Candle>, DatasetError> {
        parse_csv(text.as_bytes(), DatasetLimits::default())
    }

    #[test]
    fn a_valid_file_parses_with_either_time_format() {
        let candles = parse(
            "time,open,high,low,close,volume\n\
             1700000000,100,101.5,99.2,101,1250\n\
             2023-11-14T22:14:21Z,101,102,100.5,101.7,980\n",
        )
        .expect("valid");
        assert_eq!(candles.len(), 2);
        assert_eq!(candles[1].time, 1_700_000_061);
        assert!((candles[0].high - 101.5).abs() < f64::EPSILON);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let err = parse(
            "time,open,high,low,close,volume\n\
             1,10,11,9,10,1\n\
             2,10,eleven,9,10,1\n\
             2,10,11,12,10,1\n\
             1,10,11,9,10,1\n\
             4,10,11,9,10\n",
        )
        .expect_err("invalid");
        let lines: Vec<_> = err.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(3), Some(4), Some(5), Some(6)]);
        assert!(
            err.problems[0]
                .message
                .contains("high `eleven` is not a number")
        );
        assert!(err.problems[1].message.contains("below low"));
        assert!(err.problems[2].message.contains("not after"));
        assert!(err.problems[3].message.contains("expected 6 fields"));
    }

    #[test]
    fn the_header_row_limit_and_size_limit_are_enforced() {
        let wrong_header = parse("date,open,high,low,close\n1,1,1,1,1\n").expect_err("header");
        assert_eq!(wrong_header.problems[0].line, Some(1));

        let limits = DatasetLimits {
            max_rows: 2,
            max_bytes: 1_000,
        };
        let text = "time,open,high,low,close,volume\n1,1,1,1,1,1\n2,1,1,1,1,1\n3,1,1,1,1,1\n";
        let too_long = parse_csv(text.as_bytes(), limits).expect_err("rows");
        assert!(too_long.problems[0].message.contains("more than 2 rows"));

        let tiny = DatasetLimits {
            max_rows: 10,
            max_bytes: 10,
        };
        assert!(parse_csv(text.as_bytes(), tiny).is_err());
        assert!(parse("").is_err());
        assert!(parse("time,open,high,low,close,volume\n1,1,1,1,1,1\n").is_err());
    }

    #[test]
    fn a_streamed_check_agrees_with_the_parse_and_keeps_only_a_summary() {
        let text = "time,open,high,low,close,volume\n\
                    1700000000,100,101.5,99.2,101,1250\n\
                    \n\
                    2023-11-14T22:14:21Z,101,102,100.5,101.7,980\n\
                    1700000100,101,102,100.5,101.7,980\n";
        let summary = check_csv(text.as_bytes(), DatasetLimits::default()).expect("valid");
        assert_eq!(
            summary,
            DatasetSummary {
                rows: 3,
                first_time: 1_700_000_000,
                last_time: 1_700_000_100,
            }
        );
        let bad = "time,open,high,low,close,volume\n1,10,11,9,10,1\n2,10,9,11,10,1\n";
        let streamed = check_csv(bad.as_bytes(), DatasetLimits::default()).expect_err("bad");
        assert_eq!(streamed, parse(bad).expect_err("bad"));
        assert_eq!(streamed.problems[0].line, Some(3));
        assert!(check_csv(&b""[..], DatasetLimits::default()).is_err());
    }
}
