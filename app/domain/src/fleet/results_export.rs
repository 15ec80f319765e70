//! A task's results as files: CSV for spreadsheets, JSON for programs. Both list every
//! config in rank order with its parameters and its metrics under the protocol's
//! `Metrics` names; the app's download and `luckyplans task results` write the same bytes.

use app_model::fleet::Task;
use app_model::results::{ResultMetric, ResultRow, StrategyConfig};
use serde::Serialize;
use serde_json::{Map, Value};

/// A config's parameters by name, without the strategy tag.
fn parameters(config: Option<&StrategyConfig>) -> Map<String, Value> {
    let mut fields = match config.map(serde_json::to_value) {
        Some(Ok(Value::Object(fields))) => fields,
        _ => Map::new(),
    };
    fields.remove("strategy");
    fields
}

#[derive(Serialize)]
struct ExportTask<'a> {
    id: &'a str,
    strategy: &'a str,
    grid: &'a str,
    dataset_id: &'a str,
    fee: f64,
    slippage: f64,
    state: &'a str,
    configs_total: i64,
}

#[derive(Serialize)]
struct ExportRow<'a> {
    rank: usize,
    config_id: u32,
    parameters: Map<String, Value>,
    metrics: &'a app_model::results::Metrics,
    trades_truncated: bool,
}

#[derive(Serialize)]
struct Export<'a> {
    task: ExportTask<'a>,
    sorted_by: &'static str,
    results: Vec<ExportRow<'a>>,
}

/// The JSON export: the task, then every config in rank order.
pub fn to_json(task: &Task, sort: ResultMetric, rows: &[ResultRow]) -> String {
    let export = Export {
        task: ExportTask {
            id: &task.id,
            strategy: &task.strategy,
            grid: &task.grid,
            dataset_id: &task.dataset_id,
            fee: task.fee,
            slippage: task.slippage,
            state: task.state.as_str(),
            configs_total: task.configs_total,
        },
        sorted_by: sort.as_str(),
        results: rows
            .iter()
            .enumerate()
            .map(|(index, row)| ExportRow {
                rank: index + 1,
                config_id: row.config_id,
                parameters: parameters(row.config.as_ref()),
                metrics: &row.metrics,
                trades_truncated: row.trades_truncated,
            })
            .collect(),
    };
    // Plain data with string keys and finite numbers: encoding cannot fail.
    serde_json::to_string_pretty(&export).unwrap_or_default()
}

/// The CSV export: `rank`, `config_id`, one column per parameter, one per metric (by its
/// protocol name, fractions as fractions, durations in seconds; empty where a run has none).
pub fn to_csv(rows: &[ResultRow]) -> String {
    let parameter_names: Vec<String> = rows
        .first()
        .map(|row| parameters(row.config.as_ref()).keys().cloned().collect())
        .unwrap_or_default();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["rank".to_owned(), "config_id".to_owned()];
    header.extend(parameter_names.iter().cloned());
    header.extend(
        ResultMetric::ALL
            .iter()
            .map(|metric| metric.as_str().to_owned()),
    );
    header.push("trades_truncated".to_owned());
    // Writing into memory cannot fail.
    let _ = writer.write_record(&header);
    for (index, row) in rows.iter().enumerate() {
        let parameters = parameters(row.config.as_ref());
        let mut record = vec![(index + 1).to_string(), row.config_id.to_string()];
        record.extend(parameter_names.iter().map(|name| {
            parameters
                .get(name)
                .map(|value| value.to_string())
                .unwrap_or_default()
        }));
        record.extend(ResultMetric::ALL.iter().map(|metric| {
            metric
                .value(&row.metrics)
                .map(|value| value.to_string())
                .unwrap_or_default()
        }));
        record.push(row.trades_truncated.to_string());
        let _ = writer.write_record(&record);
    }
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app_model::results::Metrics;

    fn row(config_id: u32, fast: usize, total_return: f64) -> ResultRow {
        ResultRow {
            config_id,
            config: Some(StrategyConfig::SmaCrossover { fast, slow: 30 }),
            metrics: Metrics {
                total_return,
                trades: 3,
                ..Metrics::default()
            },
            trades_truncated: false,
        }
    }

    #[test]
    fn the_csv_names_parameters_and_metrics_and_leaves_missing_values_empty() {
        let csv = to_csv(&[row(4, 10, 0.25), row(1, 5, -0.5)]);
        let mut lines = csv.lines();
        let header = lines.next().expect("a header");
        assert!(
            header.starts_with("rank,config_id,fast,slow,total_return,"),
            "{header}"
        );
        assert!(header.ends_with(",expectancy,trades_truncated"), "{header}");
        let first = lines.next().expect("a first row");
        assert!(first.starts_with("1,4,10,30,0.25,"), "{first}");
        // No profit factor or expectancy without trades that lost: empty, not zero.
        assert!(first.ends_with(",,false"), "{first}");
        assert!(
            lines
                .next()
                .expect("a second row")
                .starts_with("2,1,5,30,-0.5,")
        );
    }

    #[test]
    fn the_json_lists_parameters_and_metrics_by_their_protocol_names() {
        let task = Task {
            id: "t1".to_owned(),
            state: app_model::fleet::TaskState::Done,
            strategy: "sma_crossover".to_owned(),
            grid: "fast=5..10:5,slow=30".to_owned(),
            dataset_id: "d1".to_owned(),
            worker_id: None,
            leased_by: None,
            configs_total: 2,
            configs_done: 2,
            result_count: 2,
            fee: 0.001,
            slippage: 0.0,
            attempts: 1,
            cancel_requested: false,
            error: None,
            created_at: 0,
            started_at: None,
            finished_at: None,
        };
        let json: Value = serde_json::from_str(&to_json(
            &task,
            ResultMetric::TotalReturn,
            &[row(4, 10, 0.25)],
        ))
        .expect("valid JSON");
        assert_eq!(json["task"]["id"], "t1");
        assert_eq!(json["sorted_by"], "total_return");
        let first = &json["results"][0];
        assert_eq!(first["rank"], 1);
        assert_eq!(first["config_id"], 4);
        assert_eq!(
            first["parameters"],
            serde_json::json!({"fast": 10, "slow": 30})
        );
        assert_eq!(first["metrics"]["total_return"], 0.25);
        assert_eq!(first["metrics"]["trades"], 3);
        assert!(first["metrics"]["profit_factor"].is_null());
    }
}
