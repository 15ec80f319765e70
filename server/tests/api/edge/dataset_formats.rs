//! Datasets in the shapes people have them — pandas' `to_csv`, yfinance's two-level
//! header, spreadsheets with `;` and decimal commas, headerless exchange klines — are
//! converted into the dataset format on upload, and their owner can correct the layout.

use domain::fleet::datasets;
use edge_protocol::dataset::{DatasetLimits, parse_csv};
use futures::StreamExt;
use serde_json::Value;

use super::support::{edge, owner, upload_with};
use crate::helpers::{TestApp, spawn_app};

/// The stored file of a dataset, as an agent downloads it.
async fn stored(app: &TestApp, dataset: &Value) -> String {
    let id = dataset["id"].as_str().expect("an id");
    let row = datasets::find(edge(app), id)
        .await
        .expect("found")
        .expect("a row");
    let mut chunks = datasets::open(edge(app), &row).await.expect("opened");
    let mut bytes = Vec::new();
    while let Some(chunk) = chunks.next().await {
        bytes.extend_from_slice(&chunk.expect("a chunk"));
    }
    String::from_utf8(bytes).expect("UTF-8")
}

#[tokio::test]
async fn files_in_the_shapes_people_have_are_converted_into_the_dataset_format() {
    let app = spawn_app().await;
    let (_, cookie) = owner(&app, "ada@example.com").await;
    let files = [
        (
            "pandas to_csv",
            ",Open,High,Low,Close,Volume\n\
             2024-01-02,100.5,102.25,99.75,101.0,1200\n\
             2024-01-03,101.0,103.0,100.5,102.5,1300\n\
             2024-01-04,102.5,104.0,101.0,103.5,900\n",
        ),
        (
            "yfinance",
            "Price,Close,High,Low,Open,Volume\n\
             Ticker,AAPL,AAPL,AAPL,AAPL,AAPL\n\
             Date,,,,,\n\
             2024-01-02,101.0,102.25,99.75,100.5,1200\n\
             2024-01-03,102.5,103.0,100.5,101.0,1300\n\
             2024-01-04,103.5,104.0,101.0,102.5,900\n",
        ),
        (
            "spreadsheet",
            "Date;Open;High;Low;Close;Adj Close;Volume\n\
             2024-01-02 00:00:00;100,5;102,25;99,75;101;100,9;1200\n\
             2024-01-03 00:00:00;101;103;100,5;102,5;102,4;1300\n\
             2024-01-04 00:00:00;102,5;104;101;103,5;103,4;900\n",
        ),
        (
            "klines",
            "1704153600000,100.5,102.25,99.75,101.0,1200,1704239999999,0,10,0,0,0\n\
             1704240000000,101.0,103.0,100.5,102.5,1300,1704326399999,0,10,0,0,0\n\
             1704326400000,102.5,104.0,101.0,103.5,900,1704412799999,0,10,0,0,0\n",
        ),
    ];
    let expected = "time,open,high,low,close,volume\n\
                    1704153600,100.5,102.25,99.75,101,1200\n\
                    1704240000,101,103,100.5,102.5,1300\n\
                    1704326400,102.5,104,101,103.5,900\n";
    for (name, text) in files {
        let (status, dataset) =
            upload_with(&app, &[("name", name)], text.to_owned(), Some(&cookie)).await;
        assert_eq!(status, 201, "{name}: {dataset}");
        assert_eq!(dataset["rows"], 3, "{name}");
        assert_eq!(dataset["first_time"], 1_704_153_600, "{name}");
        assert_eq!(dataset["size_bytes"], expected.len(), "{name}");
        let file = stored(&app, &dataset).await;
        assert_eq!(file, expected, "{name}");
        assert_eq!(
            parse_csv(file.as_bytes(), DatasetLimits::default()).map(|c| c.len()),
            Ok(3)
        );
    }
}

#[tokio::test]
async fn the_owner_corrects_the_layout_and_a_bad_choice_is_refused_clearly() {
    let app = spawn_app().await;
    let (_, cookie) = owner(&app, "ada@example.com").await;
    // Column names no detection can read.
    let text = "a|b|c|d|e\n1704153600|10|11|9|10.5\n1704240000|10.5|12|10|11\n".replace('|', ";");

    let (status, refused) = upload_with(&app, &[("name", "x")], text.clone(), Some(&cookie)).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["code"], "dataset_invalid");
    assert_eq!(refused["problems"][0]["line"], 1);
    let message = refused["message"].as_str().unwrap_or_default();
    assert!(message.contains("names no open"), "{message}");

    let chosen = [
        ("name", "chosen"),
        ("delimiter", "semicolon"),
        ("columns", "time=1,open=2,high=3,low=4,close=5"),
    ];
    let (status, dataset) = upload_with(&app, &chosen, text.clone(), Some(&cookie)).await;
    assert_eq!(status, 201, "{dataset}");
    assert_eq!(dataset["rows"], 2);
    assert_eq!(
        stored(&app, &dataset).await,
        "time,open,high,low,close,volume\n1704153600,10,11,9,10.5,0\n1704240000,10.5,12,10,11,0\n"
    );

    for (key, value, says) in [
        ("delimiter", "pipe", "comma, semicolon or tab"),
        ("columns", "time=0,open=2", "column number from 1"),
        ("header", "perhaps", "neither yes nor no"),
        ("skip_rows", "many", "not a count"),
    ] {
        let query = [("name", "bad"), (key, value)];
        let (status, refused) = upload_with(&app, &query, text.clone(), Some(&cookie)).await;
        assert_eq!(status, 400, "{key}: {refused}");
        assert_eq!(refused["code"], "invalid_layout", "{key}");
        let message = refused["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{key}: {message}");
    }

    // Columns past the rows' width are refused with the widths, not a panic.
    let wide = [
        ("name", "wide"),
        ("columns", "time=1,open=2,high=3,low=4,close=9"),
    ];
    let (status, refused) = upload_with(&app, &wide, text, Some(&cookie)).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (400, Some("dataset_invalid")),
        "{refused}"
    );
    assert!(
        refused["message"]
            .as_str()
            .unwrap_or_default()
            .contains("need 9"),
        "{refused}"
    );
}
