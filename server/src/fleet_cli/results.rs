//! `luckyplans task results ID [--json|--csv] [--sort METRIC] [--ascending] [--limit N]`:
//! a task's results, ranked in the database like the app's results page. JSON and CSV
//! list every config (the same bytes as the app's downloads); the table shows the best.

use app_model::results::{ResultMetric, ResultRow, describe as describe_config};
use domain::fleet::{EdgeContext, Owner, results, results_export, tasks};

use super::describe;

#[derive(Debug, clap::Args)]
pub struct ResultsArgs {
    id: String,
    /// Print every config as JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print every config as CSV.
    #[arg(long)]
    csv: bool,
    /// The metric to rank by, by its `Metrics` name (`total_return`, `sharpe`, …).
    #[arg(long, default_value = "total_return")]
    sort: String,
    /// Smallest first, instead of the metric's better end first.
    #[arg(long)]
    ascending: bool,
    /// How many configs the table shows.
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

pub async fn execute(
    context: &EdgeContext,
    owner: &Owner,
    args: ResultsArgs,
) -> Result<String, String> {
    let sort = ResultMetric::parse(args.sort.trim()).ok_or_else(|| {
        let known: Vec<_> = ResultMetric::ALL
            .iter()
            .map(|metric| metric.as_str())
            .collect();
        format!("--sort: choose one of {}", known.join(", "))
    })?;
    // "Better first": largest return first, smallest drawdown first.
    let descending = sort.higher_is_better() != args.ascending;
    let task = tasks::owned(context, owner, &args.id)
        .await
        .map_err(|err| describe(&err))?
        .to_model();
    let rows = results::all(context, owner, &task.id, sort, descending)
        .await
        .map_err(|err| describe(&err))?;
    if args.json {
        return Ok(results_export::to_json(&task, sort, &rows));
    }
    if args.csv {
        return Ok(results_export::to_csv(&rows).trim_end().to_owned());
    }
    Ok(table(&rows, sort, args.limit, task.configs_total))
}

/// The table: rank, config, parameters and the figures people compare first.
fn table(rows: &[ResultRow], sort: ResultMetric, limit: usize, configs_total: i64) -> String {
    if rows.is_empty() {
        return format!("no results yet (0 of {configs_total} configs)");
    }
    let mut columns = vec![
        ResultMetric::TotalReturn,
        ResultMetric::Sharpe,
        ResultMetric::MaxDrawdown,
        ResultMetric::Trades,
        ResultMetric::WinRate,
    ];
    if !columns.contains(&sort) {
        columns.push(sort);
    }
    let mut lines = vec![format!(
        "{:>5}  {:>6}  {:<28}{}",
        "rank",
        "config",
        "parameters",
        columns
            .iter()
            .map(|metric| format!("{:>14}", metric.label()))
            .collect::<String>()
    )];
    for (index, row) in rows.iter().take(limit).enumerate() {
        let parameters = row.config.as_ref().map(describe_config).unwrap_or_default();
        lines.push(format!(
            "{:>5}  {:>6}  {:<28}{}",
            index + 1,
            row.config_id,
            parameters,
            columns
                .iter()
                .map(|metric| format!("{:>14}", metric.format(&row.metrics)))
                .collect::<String>()
        ));
    }
    lines.push(format!(
        "{} of {} results, ranked by {}",
        rows.len().min(limit),
        rows.len(),
        sort.as_str()
    ));
    lines.join("\n")
}
