//! The dataset format: OHLCV candles as CSV, one bar per row.
//!
//! ```text
//! time,open,high,low,close,volume
//! 1700000000,100.0,101.5,99.2,101.0,1250
//! 1700000060,101.0,102.0,100.5,101.7,980
//! ```
//!
//! `time` is Unix seconds at the bar's open, strictly increasing. This is what the server
//! stores and the agent parses with [`parse_csv`]. People's files come in other shapes —
//! pandas' `to_csv`, spreadsheets with `;` and decimal commas, exchange kline files without
//! a header, dates instead of seconds — so an upload's [`Layout`] is first proposed by
//! [`detect`] from its opening rows (and corrected by its owner if need be), then the file
//! is rewritten into this format by [`convert_csv`] as it streams in. Both run the same row
//! rules as the agent, so the server and the agent agree on what a dataset is.

mod detect;
mod layout;
mod outline;
mod values;

pub use detect::{DETECT_BYTES, Detection, PREVIEW_ROWS, detect};
pub use layout::{Columns, Delimiter, Field, Layout, LayoutOverrides, MAX_SKIP_ROWS};
pub use outline::{MAX_OUTLINE_POINTS, OutlineBuilder, PriceOutline};
pub use values::parse_time;

use serde::{Deserialize, Serialize};
use std::io::Write;

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

/// What checking a dataset found, without its candles: how many, the time they span, and
/// the price in outline.
#[derive(Clone, Debug, PartialEq)]
pub struct DatasetSummary {
    pub rows: usize,
    pub first_time: i64,
    pub last_time: i64,
    pub outline: PriceOutline,
}

/// Parses and checks a whole dataset in the format itself (what the agent downloads).
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
    let rules = Rules {
        layout: &Layout::CANONICAL,
        strict_header: true,
        limits,
    };
    let visited = visit(bytes, &rules, |candle| {
        candles.push(candle);
        Ok(())
    });
    visited.into_result()?;
    Ok(candles)
}

/// Reads a file of the given layout from `reader` and writes it to `out` in the dataset
/// format, with the same rules as [`parse_csv`], keeping only a summary: a file streamed in
/// (an upload) is converted as it arrives, without ever holding it or its candles in
/// memory. Stops reading at the first problem that ends the check (more than
/// [`MAX_REPORTED_PROBLEMS`], too many rows); after a refusal, what was written to `out`
/// is to be thrown away. The byte limit is the caller's to enforce, since only the caller
/// knows how much it has read.
pub fn convert_csv<R: std::io::Read, W: Write>(
    reader: R,
    layout: &Layout,
    limits: DatasetLimits,
    mut out: W,
) -> Result<DatasetSummary, DatasetError> {
    let unwritable = |err: std::io::Error| {
        DatasetError::one(
            None,
            format!("the converted dataset could not be written: {err}"),
        )
    };
    writeln!(out, "{}", HEADER.join(",")).map_err(unwritable)?;
    let mut span: Option<(usize, i64, i64)> = None;
    let mut outline = OutlineBuilder::default();
    let rules = Rules {
        layout,
        strict_header: false,
        limits,
    };
    let visited = visit(reader, &rules, |candle| {
        let Candle {
            time,
            open,
            high,
            low,
            close,
            volume,
        } = candle;
        writeln!(out, "{time},{open},{high},{low},{close},{volume}")?;
        let (rows, _, last_time) = span.get_or_insert((0, time, time));
        *rows += 1;
        *last_time = time;
        outline.push(time, open, close);
        Ok(())
    });
    if let Some(err) = visited.write_error {
        return Err(unwritable(err));
    }
    visited.into_result()?;
    out.flush().map_err(unwritable)?;
    match (span, outline.finish()) {
        (Some((rows, first_time, last_time)), Some(outline)) => Ok(DatasetSummary {
            rows,
            first_time,
            last_time,
            outline,
        }),
        _ => Err(DatasetError::one(
            None,
            "a dataset needs at least two rows of candles",
        )),
    }
}

/// How one reading treats a file.
struct Rules<'a> {
    layout: &'a Layout,
    /// The header must be the dataset format's own (the agent's reading of a stored file);
    /// otherwise the header row is only skipped, its names having been read by [`detect`].
    strict_header: bool,
    limits: DatasetLimits,
}

/// What one reading found.
#[derive(Debug, Default)]
struct Visited {
    rows: usize,
    problems: Vec<DatasetProblem>,
    /// `on_candle` failed; reading stopped there.
    write_error: Option<std::io::Error>,
}

impl Visited {
    fn into_result(self) -> Result<(), DatasetError> {
        if !self.problems.is_empty() {
            return Err(DatasetError {
                problems: self.problems,
            });
        }
        if self.rows < 2 {
            return Err(DatasetError::one(
                None,
                "a dataset needs at least two rows of candles",
            ));
        }
        Ok(())
    }

    fn refused(line: Option<u64>, message: impl Into<String>) -> Self {
        Self {
            problems: DatasetError::one(line, message).problems,
            ..Self::default()
        }
    }
}

/// Reads and checks every row, handing each valid candle to `on_candle`.
fn visit<R: std::io::Read>(
    reader: R,
    rules: &Rules<'_>,
    mut on_candle: impl FnMut(Candle) -> std::io::Result<()>,
) -> Visited {
    let layout = rules.layout;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(layout.delimiter.byte())
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(reader);
    let mut records = reader.records();
    let mut width = None;
    if layout.header {
        let header = match records.next() {
            Some(Ok(header)) => header,
            Some(Err(err)) => return Visited::refused(Some(1), csv_problem(&err)),
            None => return Visited::refused(None, "the file is empty"),
        };
        let names: Vec<String> = header.iter().map(str::to_ascii_lowercase).collect();
        if rules.strict_header && names != HEADER {
            return Visited::refused(
                Some(1),
                format!(
                    "the header must be `{}`, found `{}`",
                    HEADER.join(","),
                    header.iter().collect::<Vec<_>>().join(",")
                ),
            );
        }
        width = Some(header.len());
    }
    for _ in 0..layout.skip_rows {
        if records.next().is_none() {
            break;
        }
    }

    let needed = layout.columns.needed_width();
    let decimal_comma = layout.delimiter != Delimiter::Comma;
    let mut visited = Visited::default();
    let mut previous_time: Option<i64> = None;
    for record in records {
        if visited.problems.len() >= MAX_REPORTED_PROBLEMS {
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map(csv::Position::line);
                visited.problems.push(DatasetProblem {
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
        let expected = *width.get_or_insert(record.len());
        if expected < needed {
            visited.problems.push(DatasetProblem {
                line,
                message: format!(
                    "the rows have {expected} fields; the columns chosen need {needed}"
                ),
            });
            break;
        }
        if visited.rows >= rules.limits.max_rows {
            visited.problems.push(DatasetProblem {
                line,
                message: format!("more than {} rows", rules.limits.max_rows),
            });
            break;
        }
        if record.len() != expected {
            visited.problems.push(DatasetProblem {
                line,
                message: format!("expected {expected} fields, found {}", record.len()),
            });
            continue;
        }
        match parse_row(&record, &layout.columns, decimal_comma) {
            Ok(candle) => {
                if let Some(previous) = previous_time
                    && candle.time <= previous
                {
                    let hint = if visited.rows == 1 && candle.time < previous {
                        ": the file looks newest first, and datasets go oldest first"
                    } else {
                        ""
                    };
                    visited.problems.push(DatasetProblem {
                        line,
                        message: format!(
                            "time {} is not after the previous row's {previous}{hint}",
                            candle.time
                        ),
                    });
                }
                previous_time = Some(candle.time);
                visited.rows += 1;
                if let Err(err) = on_candle(candle) {
                    visited.write_error = Some(err);
                    break;
                }
            }
            Err(message) => visited.problems.push(DatasetProblem { line, message }),
        }
    }
    visited
}

fn csv_problem(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_owned(),
        _ => "the row is not valid CSV".to_owned(),
    }
}

fn parse_row(
    record: &csv::StringRecord,
    columns: &Columns,
    decimal_comma: bool,
) -> Result<Candle, String> {
    let text = |index: usize| record.get(index).unwrap_or_default();
    let time = values::parse_time(text(columns.time))?;
    let number = |field: Field| -> Result<f64, String> {
        let Some(index) = columns.get(field) else {
            return Ok(0.0);
        };
        let name = field.name();
        let value = values::parse_number(text(index), decimal_comma)
            .ok_or_else(|| format!("{name} `{}` is not a number", text(index)))?;
        if !value.is_finite() || value < 0.0 {
            return Err(format!("{name} must be a finite number, at least 0"));
        }
        Ok(value)
    };
    let (open, high, low, close, volume) = (
        number(Field::Open)?,
        number(Field::High)?,
        number(Field::Low)?,
        number(Field::Close)?,
        number(Field::Volume)?,
    );
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

    fn convert(text: &str, layout: &Layout) -> Result<(DatasetSummary, String), DatasetError> {
        let mut out = Vec::new();
        let summary = convert_csv(text.as_bytes(), layout, DatasetLimits::default(), &mut out)?;
        Ok((summary, String::from_utf8(out).expect("UTF-8")))
    }

    #[test]
    fn a_converted_file_agrees_with_the_parse_and_keeps_only_a_summary() {
        let text = "time,open,high,low,close,volume\n\
                    1700000000,100,101.5,99.2,101,1250\n\
                    \n\
                    2023-11-14T22:14:21Z,101,102,100.5,101.7,980\n\
                    1700000100,101,102,100.5,101.7,980\n";
        let (summary, converted) = convert(text, &Layout::CANONICAL).expect("valid");
        assert_eq!(
            (summary.rows, summary.first_time, summary.last_time),
            (3, 1_700_000_000, 1_700_000_100)
        );
        assert_eq!(
            summary.outline,
            PriceOutline {
                first_open: 100.0,
                closes: vec![
                    (1_700_000_000, 101.0),
                    (1_700_000_061, 101.7),
                    (1_700_000_100, 101.7)
                ],
            }
        );
        assert_eq!(
            converted,
            "time,open,high,low,close,volume\n\
             1700000000,100,101.5,99.2,101,1250\n\
             1700000061,101,102,100.5,101.7,980\n\
             1700000100,101,102,100.5,101.7,980\n"
        );
        assert_eq!(
            parse(&converted).expect("parses"),
            parse(text).expect("parses")
        );
        let bad = "time,open,high,low,close,volume\n1,10,11,9,10,1\n2,10,9,11,10,1\n";
        let streamed = convert(bad, &Layout::CANONICAL).expect_err("bad");
        assert_eq!(streamed, parse(bad).expect_err("bad"));
        assert_eq!(streamed.problems[0].line, Some(3));
        assert!(convert("", &Layout::CANONICAL).is_err());
    }

    #[test]
    fn a_file_in_the_format_already_converts_to_the_same_bytes() {
        let mut text = String::from("time,open,high,low,close,volume\n");
        for row in 0..50_i32 {
            let close = 100.0 + f64::from(row) * 0.37;
            text.push_str(&format!(
                "{},{},{},{},{close},{}\n",
                1_700_000_000 + i64::from(row) * 60,
                close - 0.5,
                close + 1.25,
                close - 1.5,
                f64::from(row) * 10.5
            ));
        }
        let (_, converted) = convert(&text, &Layout::CANONICAL).expect("valid");
        assert_eq!(converted, text);
    }

    #[test]
    fn a_layout_picks_its_columns_delimiter_and_rows() {
        // Semicolons, decimal commas, the columns in another order, no volume, a row to skip.
        let text = "Close;Date;Open;Low;High\n\
                    ;;;;\n\
                    101,5;2024-01-02;100;99;102\n\
                    102;2024-01-03;101,5;101;103\n";
        let layout = Layout {
            delimiter: Delimiter::Semicolon,
            header: true,
            skip_rows: 1,
            columns: Columns {
                time: 1,
                open: 2,
                high: 4,
                low: 3,
                close: 0,
                volume: None,
            },
        };
        let (summary, converted) = convert(text, &layout).expect("valid");
        assert_eq!(summary.rows, 2);
        assert_eq!(
            converted,
            "time,open,high,low,close,volume\n\
             1704153600,100,102,99,101.5,0\n\
             1704240000,101.5,103,101,102,0\n"
        );

        let newest_first = "time,open,high,low,close,volume\n2,1,1,1,1,1\n1,1,1,1,1,1\n";
        let refused = convert(newest_first, &Layout::CANONICAL).expect_err("order");
        assert!(
            refused.problems[0].message.contains("newest first"),
            "{refused}"
        );

        let narrow = Layout {
            columns: Columns {
                volume: Some(7),
                ..Columns::POSITIONAL
            },
            ..Layout::CANONICAL
        };
        let refused = convert("time,open,high,low,close,volume\n1,1,1,1,1,1\n", &narrow)
            .expect_err("column 8 of 6");
        assert!(refused.problems[0].message.contains("need 8"), "{refused}");
    }
}
