//! Where a file keeps its candles: the delimiter, whether a header row comes first, which
//! rows to skip, and which column holds each field. [`detect`](super::detect) proposes a
//! layout from a file's first rows; a person (the upload query, `luckyplans dataset import`)
//! may correct any part of it with [`LayoutOverrides`].

use serde::{Deserialize, Serialize};

/// The character between fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub const ALL: [Self; 3] = [Self::Comma, Self::Semicolon, Self::Tab];

    pub const fn byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
            Self::Tab => b'\t',
        }
    }

    /// The name used in query strings and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Comma => "comma",
            Self::Semicolon => "semicolon",
            Self::Tab => "tab",
        }
    }

    /// `comma`, `semicolon` or `tab`, or the character itself.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim_matches(|c: char| c == ' ') {
            "comma" | "," => Ok(Self::Comma),
            "semicolon" | ";" => Ok(Self::Semicolon),
            "tab" | "\t" | "\\t" => Ok(Self::Tab),
            other => Err(format!(
                "the delimiter `{other}` is not one of comma, semicolon or tab"
            )),
        }
    }
}

/// One of the fields a candle is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Time,
    Open,
    High,
    Low,
    Close,
    Volume,
}

impl Field {
    pub const ALL: [Self; 6] = [
        Self::Time,
        Self::Open,
        Self::High,
        Self::Low,
        Self::Close,
        Self::Volume,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Time => "time",
            Self::Open => "open",
            Self::High => "high",
            Self::Low => "low",
            Self::Close => "close",
            Self::Volume => "volume",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == text)
    }
}

/// Which column (0-based) holds each field. Volume may be absent: such a file's candles
/// get a volume of 0, which no built-in strategy reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Columns {
    pub time: usize,
    pub open: usize,
    pub high: usize,
    pub low: usize,
    pub close: usize,
    pub volume: Option<usize>,
}

impl Columns {
    /// `time, open, high, low, close, volume` in that order, as the dataset format and
    /// exchange kline files keep them.
    pub const POSITIONAL: Self = Self {
        time: 0,
        open: 1,
        high: 2,
        low: 3,
        close: 4,
        volume: Some(5),
    };

    pub fn get(&self, field: Field) -> Option<usize> {
        match field {
            Field::Time => Some(self.time),
            Field::Open => Some(self.open),
            Field::High => Some(self.high),
            Field::Low => Some(self.low),
            Field::Close => Some(self.close),
            Field::Volume => self.volume,
        }
    }

    /// The widest row these columns need.
    pub fn needed_width(&self) -> usize {
        Field::ALL
            .iter()
            .filter_map(|field| self.get(*field))
            .max()
            .map_or(0, |last| last + 1)
    }

    /// `time=1,open=2,high=3,low=4,close=5,volume=6`: column numbers as people count them,
    /// from 1; `volume=none` (or leaving volume out) for a file without volumes.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut found: [Option<Option<usize>>; 6] = [None; 6];
        for pair in text
            .split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
        {
            let (name, number) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` is not `field=column`"))?;
            let field = Field::parse(&name.trim().to_ascii_lowercase()).ok_or_else(|| {
                format!("`{name}` is not one of time, open, high, low, close, volume")
            })?;
            let slot = &mut found[field as usize];
            if slot.is_some() {
                return Err(format!("{} is given twice", field.name()));
            }
            let number = number.trim();
            *slot = Some(if field == Field::Volume && number == "none" {
                None
            } else {
                match number.parse::<usize>() {
                    Ok(column) if column >= 1 => Some(column - 1),
                    _ => {
                        return Err(format!(
                            "{} = `{number}` is not a column number from 1",
                            field.name()
                        ));
                    }
                }
            });
        }
        let required = |field: Field| {
            found[field as usize]
                .flatten()
                .ok_or_else(|| format!("the {} column is missing", field.name()))
        };
        Ok(Self {
            time: required(Field::Time)?,
            open: required(Field::Open)?,
            high: required(Field::High)?,
            low: required(Field::Low)?,
            close: required(Field::Close)?,
            volume: found[Field::Volume as usize].flatten(),
        })
    }
}

impl std::fmt::Display for Columns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let numbered: Vec<String> = Field::ALL
            .iter()
            .map(|field| match self.get(*field) {
                Some(column) => format!("{}={}", field.name(), column + 1),
                None => format!("{}=none", field.name()),
            })
            .collect();
        f.write_str(&numbered.join(","))
    }
}

/// Where a file keeps its candles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub delimiter: Delimiter,
    /// The first row names the columns.
    pub header: bool,
    /// Rows after the header (or at the start, without one) that hold no candles: the
    /// ticker and index-name rows pandas writes under a two-level header.
    pub skip_rows: usize,
    pub columns: Columns,
}

impl Layout {
    /// The dataset format itself: `time,open,high,low,close,volume`.
    pub const CANONICAL: Self = Self {
        delimiter: Delimiter::Comma,
        header: true,
        skip_rows: 0,
        columns: Columns::POSITIONAL,
    };
}

/// The parts of a layout a person chose instead of leaving them to detection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayoutOverrides {
    pub delimiter: Option<Delimiter>,
    pub header: Option<bool>,
    pub skip_rows: Option<usize>,
    pub columns: Option<Columns>,
}

impl LayoutOverrides {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The overrides as a query string or command line gives them, each part optional:
    /// `delimiter` (comma, semicolon, tab), `header` (yes or no), `skip_rows` (a count) and
    /// `columns` (see [`Columns::parse`]). An empty part counts as not given.
    pub fn from_parts(
        delimiter: Option<&str>,
        header: Option<&str>,
        skip_rows: Option<&str>,
        columns: Option<&str>,
    ) -> Result<Self, String> {
        let header = given(header)
            .map(|text| match text.to_ascii_lowercase().as_str() {
                "yes" | "true" | "1" => Ok(true),
                "no" | "false" | "0" => Ok(false),
                _ => Err(format!("header `{text}` is neither yes nor no")),
            })
            .transpose()?;
        let skip_rows = given(skip_rows)
            .map(|text| {
                text.parse::<usize>()
                    .ok()
                    .filter(|rows| *rows <= MAX_SKIP_ROWS)
                    .ok_or_else(|| {
                        format!("skip rows `{text}` is not a count from 0 to {MAX_SKIP_ROWS}")
                    })
            })
            .transpose()?;
        Ok(Self {
            delimiter: given(delimiter).map(Delimiter::parse).transpose()?,
            header,
            skip_rows,
            columns: given(columns).map(Columns::parse).transpose()?,
        })
    }
}

/// A part of the overrides that is present and not blank.
fn given(part: Option<&str>) -> Option<&str> {
    part.map(str::trim).filter(|text| !text.is_empty())
}

/// The most rows a person may ask to skip: enough for any preamble a file has.
pub const MAX_SKIP_ROWS: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_read_and_write_as_people_count_them() {
        let columns =
            Columns::parse("time=1, open=2,high=3,low=4,close=5,volume=6").expect("valid");
        assert_eq!(columns, Columns::POSITIONAL);
        assert_eq!(
            columns.to_string(),
            "time=1,open=2,high=3,low=4,close=5,volume=6"
        );
        assert_eq!(Columns::parse(&columns.to_string()), Ok(columns));

        let without_volume = Columns::parse("close=2,time=1,open=5,high=3,low=4").expect("valid");
        assert_eq!(without_volume.volume, None);
        assert_eq!(without_volume.needed_width(), 5);
        assert_eq!(
            Columns::parse("time=1,open=2,high=3,low=4,close=5,volume=none"),
            Ok(without_volume_at(4, 1))
        );

        assert!(Columns::parse("time=0,open=2,high=3,low=4,close=5").is_err());
        assert!(
            Columns::parse("time=1,open=2,high=3,low=4")
                .expect_err("close")
                .contains("close")
        );
        assert!(
            Columns::parse("time=1,time=2")
                .expect_err("twice")
                .contains("twice")
        );
        assert!(
            Columns::parse("date=1")
                .expect_err("field")
                .contains("`date`")
        );
    }

    fn without_volume_at(close: usize, open: usize) -> Columns {
        Columns {
            time: 0,
            open,
            high: 2,
            low: 3,
            close,
            volume: None,
        }
    }

    #[test]
    fn overrides_read_from_their_parts() {
        assert_eq!(
            LayoutOverrides::from_parts(None, Some(""), None, Some(" ")),
            Ok(LayoutOverrides::default())
        );
        let chosen = LayoutOverrides::from_parts(
            Some("semicolon"),
            Some("no"),
            Some("2"),
            Some("time=1,open=2,high=3,low=4,close=5"),
        )
        .expect("valid");
        assert_eq!(chosen.delimiter, Some(Delimiter::Semicolon));
        assert_eq!(chosen.header, Some(false));
        assert_eq!(chosen.skip_rows, Some(2));
        assert_eq!(chosen.columns.map(|columns| columns.volume), Some(None));
        assert!(LayoutOverrides::from_parts(None, Some("maybe"), None, None).is_err());
        assert!(LayoutOverrides::from_parts(None, None, Some("-1"), None).is_err());
        assert!(LayoutOverrides::from_parts(None, None, Some("1000"), None).is_err());
        assert!(LayoutOverrides::from_parts(Some("pipe"), None, None, None).is_err());
    }

    #[test]
    fn delimiters_have_names_and_characters() {
        for delimiter in Delimiter::ALL {
            assert_eq!(Delimiter::parse(delimiter.name()), Ok(delimiter));
        }
        assert_eq!(Delimiter::parse(";"), Ok(Delimiter::Semicolon));
        assert_eq!(Delimiter::parse("\\t"), Ok(Delimiter::Tab));
        assert!(Delimiter::parse("|").is_err());
    }
}
