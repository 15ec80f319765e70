use super::*;

fn detected(text: &str) -> Detection {
    detect(text.as_bytes(), true, &LayoutOverrides::default()).expect("a layout")
}

fn columns(
    time: usize,
    open: usize,
    high: usize,
    low: usize,
    close: usize,
    volume: Option<usize>,
) -> Columns {
    Columns {
        time,
        open,
        high,
        low,
        close,
        volume,
    }
}

#[test]
fn the_format_itself_is_detected_as_itself() {
    let detection = detected("time,open,high,low,close,volume\n1,10,11,9,10,5\n2,10,11,9,10,5\n");
    assert_eq!(detection.layout, Layout::CANONICAL);
    assert_eq!(detection.rows_read, 2);
    assert!(detection.problems.is_empty());
}

#[test]
fn a_pandas_file_with_an_unnamed_date_index_is_read() {
    // `df.to_csv("prices.csv")` of a frame indexed by date, the index unnamed.
    let detection = detected(
        ",Open,High,Low,Close,Volume\n\
         2024-01-02,100.5,102.25,99.75,101.0,1200\n\
         2024-01-03,101.0,103.0,100.5,102.5,1300\n",
    );
    assert_eq!(detection.layout.columns, Columns::POSITIONAL);
    assert!(detection.layout.header);
    assert_eq!(detection.preview[0].time, 1_704_153_600);
    assert_eq!(detection.preview[1].close, 102.5);
    assert!(detection.problems.is_empty(), "{:?}", detection.problems);
}

#[test]
fn a_pandas_file_with_a_numbered_index_and_a_datetime_column_is_read() {
    let detection = detected(
        ",Datetime,Open,High,Low,Close,Adj Close,Volume\n\
         0,2024-01-02 09:30:00-05:00,100,101,99,100.5,100.4,5000\n\
         1,2024-01-02 09:31:00-05:00,100.5,101.5,100,101,100.9,4000\n",
    );
    assert_eq!(detection.layout.columns, columns(1, 2, 3, 4, 5, Some(7)));
    assert_eq!(detection.preview[0].time, 1_704_205_800);
    assert_eq!(detection.preview[1].volume, 4000.0);
}

#[test]
fn a_yfinance_file_with_a_two_level_header_skips_its_ticker_rows() {
    let detection = detected(
        "Price,Close,High,Low,Open,Volume\n\
         Ticker,AAPL,AAPL,AAPL,AAPL,AAPL\n\
         Date,,,,,\n\
         2024-01-02,185.64,188.44,183.89,187.15,82488700\n\
         2024-01-03,184.25,185.88,183.43,184.22,58414500\n",
    );
    assert_eq!(detection.layout.skip_rows, 2);
    assert_eq!(detection.layout.columns, columns(0, 4, 2, 3, 1, Some(5)));
    assert_eq!(detection.preview.len(), 2);
    assert_eq!(detection.preview[0].open, 187.15);
    assert!(detection.problems.is_empty(), "{:?}", detection.problems);
}

#[test]
fn a_headerless_exchange_kline_file_is_read_by_position() {
    // Binance's monthly kline files: open time in milliseconds, then OHLCV and six more.
    let detection = detected(
        "1704153600000,42283.58,42554.57,42261.02,42475.23,1271.68108,1704157199999,53957592.07,47134,682.57,28958508.31,0\n\
         1704157200000,42475.23,42775.00,42431.65,42613.56,1196.37856,1704160799999,50984349.97,44618,617.65,26323446.19,0\n",
    );
    assert!(!detection.layout.header);
    assert_eq!(detection.layout.columns, Columns::POSITIONAL);
    assert_eq!(detection.names[0], "column 1");
    assert_eq!(detection.preview[0].time, 1_704_153_600);
    assert_eq!(detection.preview[1].high, 42775.0);
}

#[test]
fn a_spreadsheet_export_with_semicolons_and_decimal_commas_is_read() {
    let detection = detected(
        "DATE;OPEN;HIGH;LOW;CLOSE;VOL\n\
         2024-01-02;100,5;102;99,25;101;1200\n\
         2024-01-03;101;103,5;100;102,75;900\n",
    );
    assert_eq!(detection.layout.delimiter, Delimiter::Semicolon);
    assert_eq!(detection.layout.columns, Columns::POSITIONAL);
    assert_eq!(detection.preview[0].low, 99.25);
    assert_eq!(detection.preview[1].close, 102.75);
}

#[test]
fn aliases_in_any_order_and_tabs_are_read() {
    let detection = detected(
        "Symbol\tOpen time\tc\to\th\tl\tVolume BTC\tVolume USDT\n\
         BTCUSDT\t1704153600\t42475\t42283\t42554\t42261\t1271\t53957592\n\
         BTCUSDT\t1704157200\t42613\t42475\t42775\t42431\t1196\t50984349\n",
    );
    assert_eq!(detection.layout.delimiter, Delimiter::Tab);
    assert_eq!(detection.layout.columns, columns(1, 3, 4, 5, 2, Some(6)));
    assert_eq!(detection.preview[1].open, 42475.0);
}

#[test]
fn a_file_without_volumes_is_read_with_volume_zero() {
    let detection =
        detected("Date,Open,High,Low,Close\n2024-01-02,1,2,0.5,1.5\n2024-01-03,1.5,2,1,1.75\n");
    assert_eq!(detection.layout.columns.volume, None);
    assert_eq!(detection.preview[0].volume, 0.0);
}

#[test]
fn a_cut_last_line_is_left_out_and_problems_keep_their_lines() {
    let text = "Date,Open,High,Low,Close,Volume\n\
                2024-01-02,1,2,0.5,1.5,10\n\
                2024-01-03,1,0.5,2,1.5,10\n\
                2024-01-04,1,2,0.5,1.";
    let detection = detect(text.as_bytes(), false, &LayoutOverrides::default()).expect("a layout");
    assert_eq!(detection.rows_read, 1);
    assert_eq!(detection.problems.len(), 1);
    assert_eq!(detection.problems[0].line, Some(3));
    assert!(detection.problems[0].message.contains("below low"));
}

#[test]
fn a_persons_choices_override_what_detection_would_pick() {
    let text = "a,b,c,d,e,f\n1,10,11,9,10.5,7\n2,10.5,12,10,11,8\n";
    let refused = detect(text.as_bytes(), true, &LayoutOverrides::default()).expect_err("no names");
    assert!(
        refused.problems[0].message.contains("names no open"),
        "{refused}"
    );

    let chosen = LayoutOverrides {
        columns: Some(columns(0, 1, 2, 3, 4, None)),
        ..LayoutOverrides::default()
    };
    let detection = detect(text.as_bytes(), true, &chosen).expect("the chosen columns");
    assert!(detection.layout.header);
    assert_eq!(detection.layout.columns.volume, None);
    assert_eq!(detection.preview[1].close, 11.0);

    // Without a header, the names row holds no candle and is skipped...
    let as_data = LayoutOverrides {
        header: Some(false),
        ..chosen
    };
    let detection = detect(text.as_bytes(), true, &as_data).expect("the chosen header");
    assert_eq!(detection.layout.skip_rows, 1);
    assert!(detection.problems.is_empty(), "{:?}", detection.problems);
    // ...unless skipping is turned off too: then it is read as a candle, and refused.
    let nothing_skipped = LayoutOverrides {
        skip_rows: Some(0),
        ..as_data
    };
    let detection = detect(text.as_bytes(), true, &nothing_skipped).expect("the chosen rows");
    assert_eq!(
        detection.problems[0].line,
        Some(1),
        "the names row read as a candle"
    );
}

#[test]
fn files_that_are_no_dataset_are_refused_with_the_reason() {
    let none = LayoutOverrides::default();
    let missing_close = detect(
        b"Date,Open,High,Low,Volume\n2024-01-02,1,2,0.5,9\n",
        true,
        &none,
    )
    .expect_err("no close");
    assert!(
        missing_close.problems[0]
            .message
            .contains("no close column"),
        "{missing_close}"
    );
    let two_fields = detect(b"date,price\n2024-01-02,1\n", true, &none).expect_err("narrow");
    assert!(
        two_fields.problems[0].message.contains("four prices"),
        "{two_fields}"
    );
    assert!(detect(b"  \n", true, &none).is_err());
    assert!(detect(b"no newline in 64 KiB", false, &none).is_err());
}
