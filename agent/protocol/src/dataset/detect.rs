//! Proposing a layout from a file's opening rows: the delimiter, whether the first row is a
//! header, which rows hold no candles, and which column is which — from the header's names
//! (in any case and order, with the aliases files use) or, without a header, by position as
//! exchange kline files keep them.

use serde::{Deserialize, Serialize};

use super::layout::{Columns, Delimiter, Field, Layout, LayoutOverrides};
use super::{
    Candle, DatasetError, DatasetLimits, DatasetProblem, MAX_REPORTED_PROBLEMS, Rules, values,
    visit,
};

/// How much of a file detection reads: enough rows to be sure, little enough to send
/// from a browser before the upload.
pub const DETECT_BYTES: usize = 64 * 1024;

/// Candles shown in a preview.
pub const PREVIEW_ROWS: usize = 20;

/// Rows under a header that may be skipped as holding no candles.
const MAX_SKIPPED_ROWS: usize = 3;

/// Names a header gives each field, compared in lower case with everything but letters
/// and digits removed (`Open time`, `open_time` and `OpenTime` are one name).
const TIME_NAMES: &[&str] = &[
    "time",
    "date",
    "datetime",
    "timestamp",
    "opentime",
    "ts",
    "unix",
    "unixtime",
    "timeutc",
    "dateutc",
    "datetimeutc",
    "gmttime",
    "localtime",
    "day",
];
const OPEN_NAMES: &[&str] = &["open", "o", "openprice", "first"];
const HIGH_NAMES: &[&str] = &["high", "h", "highprice", "max"];
const LOW_NAMES: &[&str] = &["low", "l", "lowprice", "min"];
const CLOSE_NAMES: &[&str] = &["close", "c", "closeprice", "last"];
/// Volume also matches any name starting with `volume` (`Volume BTC`, `Volume USDT`).
const VOLUME_NAMES: &[&str] = &["volume", "vol", "v", "basevolume", "qty", "quantity"];

/// What detection proposes for a file, and what the file's opening rows look like read
/// that way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub layout: Layout,
    /// The columns' names: the header's, or `column 1`, `column 2`… without one.
    pub names: Vec<String>,
    /// The first candles, as the layout reads them.
    pub preview: Vec<Candle>,
    /// How many rows of the opening bytes were read as candles.
    pub rows_read: usize,
    /// What is wrong in the rows read, each with its line: the import refuses the file
    /// for these.
    pub problems: Vec<DatasetProblem>,
}

/// Proposes a layout for a file from its first bytes (up to [`DETECT_BYTES`]; `whole`
/// when that is the entire file, otherwise its last, cut line is left out), keeping every
/// part of `overrides` a person chose. Refused only when no reading of the opening rows
/// finds a time and four prices.
pub fn detect(
    head: &[u8],
    whole: bool,
    overrides: &LayoutOverrides,
) -> Result<Detection, DatasetError> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let head = if whole {
        head
    } else {
        match head.iter().rposition(|byte| *byte == b'\n') {
            Some(end) => &head[..=end],
            None => {
                return Err(DatasetError::one(
                    Some(1),
                    format!("the first line is longer than {DETECT_BYTES} bytes"),
                ));
            }
        }
    };
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(DatasetError::one(None, "the file is empty"));
    }
    let delimiters = match overrides.delimiter {
        Some(chosen) => vec![chosen],
        None => by_use_in_first_line(head),
    };
    let mut best: Option<Detection> = None;
    let mut first_refusal = None;
    for delimiter in delimiters {
        match propose(head, delimiter, overrides) {
            Ok(detection) => {
                let better = best
                    .as_ref()
                    .is_none_or(|best| score(&detection) > score(best));
                if better {
                    best = Some(detection);
                }
            }
            Err(reason) => {
                first_refusal.get_or_insert(reason);
            }
        }
    }
    best.ok_or_else(|| {
        DatasetError::one(
            Some(1),
            first_refusal.unwrap_or_else(|| "no delimiter splits the rows".to_owned()),
        )
    })
}

/// Rows read cleanly count for a reading; problems against it.
fn score(detection: &Detection) -> isize {
    let rows = isize::try_from(detection.rows_read).unwrap_or(isize::MAX);
    let problems = isize::try_from(detection.problems.len()).unwrap_or(isize::MAX);
    rows.saturating_sub(problems.saturating_mul(2))
}

/// The delimiters, the one the first line uses most first (the comma on a tie).
fn by_use_in_first_line(head: &[u8]) -> Vec<Delimiter> {
    let first_line = head.split(|byte| *byte == b'\n').next().unwrap_or_default();
    let mut delimiters = Delimiter::ALL.to_vec();
    delimiters.sort_by_key(|delimiter| {
        std::cmp::Reverse(
            first_line
                .iter()
                .filter(|byte| **byte == delimiter.byte())
                .count(),
        )
    });
    delimiters
}

/// Reads the opening rows with one delimiter and proposes the rest of the layout.
fn propose(
    head: &[u8],
    delimiter: Delimiter,
    overrides: &LayoutOverrides,
) -> Result<Detection, String> {
    let rows = opening_rows(head, delimiter);
    let first = rows.first().ok_or_else(|| "the file is empty".to_owned())?;
    if first.len() < 5 && overrides.columns.is_none() {
        return Err(format!(
            "the first row has {} field{} split by {}s; a dataset needs a time and four \
             prices (open, high, low, close)",
            first.len(),
            if first.len() == 1 { "" } else { "s" },
            delimiter.name()
        ));
    }
    let header = overrides
        .header
        .unwrap_or_else(|| !looks_like_candle(first, delimiter));
    let columns = match (overrides.columns, header) {
        (Some(chosen), _) => chosen,
        (None, true) => columns_by_name(first)?,
        (None, false) => Columns {
            volume: (first.len() >= 6).then_some(5),
            ..Columns::POSITIONAL
        },
    };
    if columns.needed_width() > first.len() {
        return Err(format!(
            "the first row has {} fields; the columns chosen need {}",
            first.len(),
            columns.needed_width()
        ));
    }
    let skip_rows = overrides.skip_rows.unwrap_or_else(|| {
        rows.iter()
            .skip(usize::from(header))
            .take(MAX_SKIPPED_ROWS)
            .take_while(|row| holds_no_candle(row, &columns, delimiter))
            .count()
    });
    let names = if header {
        first.clone()
    } else {
        (1..=first.len())
            .map(|column| format!("column {column}"))
            .collect()
    };
    let layout = Layout {
        delimiter,
        header,
        skip_rows,
        columns,
    };
    Ok(read_opening(head, layout, names))
}

/// Reads the opening bytes with a layout, for the preview and the score.
fn read_opening(head: &[u8], layout: Layout, names: Vec<String>) -> Detection {
    let rules = Rules {
        layout: &layout,
        strict_header: false,
        limits: DatasetLimits {
            max_rows: usize::MAX,
            max_bytes: usize::MAX,
        },
    };
    let mut preview = Vec::with_capacity(PREVIEW_ROWS);
    let visited = visit(head, &rules, |candle| {
        if preview.len() < PREVIEW_ROWS {
            preview.push(candle);
        }
        Ok(())
    });
    let mut problems = visited.problems;
    problems.truncate(MAX_REPORTED_PROBLEMS);
    Detection {
        layout,
        names,
        preview,
        rows_read: visited.rows,
        problems,
    }
}

/// The first rows, each as trimmed fields, counted as [`visit`] counts them when it skips
/// rows; rows that are not valid CSV are left out.
fn opening_rows(head: &[u8], delimiter: Delimiter) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter.byte())
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(head)
        .records()
        .filter_map(Result::ok)
        .take(1 + MAX_SKIPPED_ROWS + 1)
        .map(|record| record.iter().map(str::to_owned).collect())
        .collect()
}

/// A time followed by four numbers: a row of candles, as a headerless file starts.
fn looks_like_candle(row: &[String], delimiter: Delimiter) -> bool {
    let decimal_comma = delimiter != Delimiter::Comma;
    row.len() >= 5
        && values::parse_time(&row[0]).is_ok()
        && row[1..5]
            .iter()
            .all(|text| values::parse_number(text, decimal_comma).is_some())
}

/// Neither the time nor any price reads: a row of ticker names or an index's name.
fn holds_no_candle(row: &[String], columns: &Columns, delimiter: Delimiter) -> bool {
    let text = |index: usize| row.get(index).map_or("", String::as_str);
    let decimal_comma = delimiter != Delimiter::Comma;
    values::parse_time(text(columns.time)).is_err()
        && [Field::Open, Field::High, Field::Low, Field::Close]
            .iter()
            .filter_map(|field| columns.get(*field))
            .all(|index| values::parse_number(text(index), decimal_comma).is_none())
}

fn normalized(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Columns from a header's names. Without a time name the first column is the time when
/// no price claimed it: pandas writes its index there, unnamed or named after the header
/// row's label.
fn columns_by_name(header: &[String]) -> Result<Columns, String> {
    let names: Vec<String> = header.iter().map(|name| normalized(name)).collect();
    let mut taken = vec![false; names.len()];
    let mut claim = |aliases: &[&str], prefix: Option<&str>| -> Option<usize> {
        let found = names
            .iter()
            .enumerate()
            .position(|(index, name)| !taken[index] && aliases.contains(&name.as_str()))
            .or_else(|| {
                let prefix = prefix?;
                names
                    .iter()
                    .enumerate()
                    .position(|(index, name)| !taken[index] && name.starts_with(prefix))
            })?;
        taken[found] = true;
        Some(found)
    };
    let open = claim(OPEN_NAMES, None);
    let high = claim(HIGH_NAMES, None);
    let low = claim(LOW_NAMES, None);
    let close = claim(CLOSE_NAMES, None);
    let volume = claim(VOLUME_NAMES, Some("volume"));
    let time = claim(TIME_NAMES, None).or_else(|| {
        let first_is_free = !taken.first().copied().unwrap_or(true);
        first_is_free.then_some(0)
    });
    let missing: Vec<&str> = [
        (Field::Time, time),
        (Field::Open, open),
        (Field::High, high),
        (Field::Low, low),
        (Field::Close, close),
    ]
    .iter()
    .filter(|(_, column)| column.is_none())
    .map(|(field, _)| field.name())
    .collect();
    match (time, open, high, low, close) {
        (Some(time), Some(open), Some(high), Some(low), Some(close)) => Ok(Columns {
            time,
            open,
            high,
            low,
            close,
            volume,
        }),
        _ => Err(format!(
            "the header `{}` names no {} column; name the columns, or choose them",
            header.join(","),
            missing.join(", no ")
        )),
    }
}

#[cfg(test)]
mod tests;
