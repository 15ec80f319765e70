//! Reading a task's results back: ranked in the database by any metric, paged, filtered,
//! one config in full, the downloads and `luckyplans task results` — and none of it for
//! anyone but the owner.

use app_model::results::{ResultMetric, ResultQuery};
use domain::fleet::FleetError;
use domain::fleet::results::{self, Valued};
use serde_json::{Value, json};

use super::support::{call_ok, edge, lease, owner, owner_with_worker, task};
use crate::helpers::{TestApp, spawn_app};

/// A result whose figures differ by config, so every ranking has one right order:
/// return rises with the id, Sharpe falls with it, trades are `id % 3`, and configs with an
/// even id have no profit factor (no losing trade).
pub(crate) fn varied_result(config_id: u64) -> Value {
    #[expect(clippy::cast_precision_loss, reason = "small test ids")]
    let id = config_id as f64;
    let trades: Vec<Value> = (0..config_id % 3)
        .map(|n| {
            json!({"entry_time": 1_700_000_000 + n * 86_400, "exit_time": 1_700_086_400 + n * 86_400,
                   "entry_price": 100.0, "exit_price": 101.0 + id, "return": 0.01 * (id + 1.0)})
        })
        .collect();
    json!({
        "config_id": config_id,
        "metrics": {
            "total_return": 0.125 * id, "annualised_return": 0.25 * id, "sharpe": 2.0 - 0.25 * id,
            "sortino": 1.0, "max_drawdown": 0.05, "win_rate": 0.5, "trades": config_id % 3,
            "exposure": 0.6, "volatility": 0.2, "buy_and_hold_return": 0.3,
            "profit_factor": if config_id.is_multiple_of(2) { Value::Null } else { json!(1.0 + id) },
        },
        "equity_curve": [{"time": 1_700_000_000, "equity": 1.0}, {"time": 1_700_086_400, "equity": 1.0 + 0.125 * id}],
        "trades": trades,
    })
}

/// A task of 8 configs with every result stored.
async fn finished_task(app: &TestApp, email: &str) -> (domain::fleet::Owner, String, String) {
    let (owner, cookie, worker) = owner_with_worker(app, email).await;
    let task_id = task(app, &owner, "fast=5..20:5,slow=30..40:10").await;
    lease(app, &worker).await;
    let batch: Vec<Value> = (0..8).map(varied_result).collect();
    let body = call_ok(
        app,
        &format!("/tasks/{task_id}/results"),
        &worker.credential,
        &json!({"results": batch}),
    )
    .await;
    assert_eq!(body["accepted"], 8, "{body}");
    (owner, cookie, task_id)
}

fn query(sort: ResultMetric, descending: bool) -> ResultQuery {
    ResultQuery {
        sort,
        descending,
        ..ResultQuery::default()
    }
}

fn ids(page: &app_model::results::ResultPage) -> Vec<u32> {
    page.rows.iter().map(|row| row.config_id).collect()
}

/// The first four pages of a ranking by profit factor, `(descending, min_trades,
/// per_page)`, each as its matching count and config ids.
async fn profit_factor_pages(
    context: &domain::fleet::EdgeContext,
    owner: &domain::fleet::Owner,
    task_id: &str,
    (descending, min_trades, per_page): (bool, u32, u32),
) -> Vec<(u64, Vec<u32>)> {
    let mut pages = Vec::new();
    for page in 0..4 {
        let page_query = ResultQuery {
            per_page,
            page,
            min_trades,
            ..query(ResultMetric::ProfitFactor, descending)
        };
        let page = results::page(context, owner, task_id, page_query)
            .await
            .expect("a page");
        pages.push((page.matching, ids(&page)));
    }
    pages
}

#[tokio::test]
async fn results_rank_by_any_metric_in_pages_with_a_trade_filter() {
    let app = spawn_app().await;
    let (owner, _, task_id) = finished_task(&app, "ada@example.com").await;
    let context = edge(&app);

    let best = results::page(
        context,
        &owner,
        &task_id,
        query(ResultMetric::TotalReturn, true),
    )
    .await
    .expect("a page");
    assert_eq!((best.stored, best.matching), (8, 8));
    assert_eq!(ids(&best), [7, 6, 5, 4, 3, 2, 1, 0]);
    assert_eq!(
        best.rows[0].config,
        Some(edge_protocol::strategy::StrategyConfig::SmaCrossover { fast: 20, slow: 40 })
    );

    let by_sharpe = results::page(context, &owner, &task_id, query(ResultMetric::Sharpe, true))
        .await
        .expect("a page");
    assert_eq!(ids(&by_sharpe), [0, 1, 2, 3, 4, 5, 6, 7]);

    // Runs without a value come last whichever way the sort goes.
    for descending in [true, false] {
        let page = results::page(
            context,
            &owner,
            &task_id,
            query(ResultMetric::ProfitFactor, descending),
        )
        .await
        .expect("a page");
        let order = ids(&page);
        let (valued, empty) = order.split_at(4);
        assert!(valued.iter().all(|id| !id.is_multiple_of(2)), "{order:?}");
        assert!(empty.iter().all(|id| id.is_multiple_of(2)), "{order:?}");
        let expected: &[u32] = if descending {
            &[7, 5, 3, 1]
        } else {
            &[1, 3, 5, 7]
        };
        assert_eq!(valued, expected);
    }

    // A page that crosses from the valued runs to those without a value, in either
    // direction: ties and empty runs follow the config id the same way.
    let pages = profit_factor_pages(context, &owner, &task_id, (true, 0, 3)).await;
    assert_eq!(
        pages,
        [
            (8, vec![7, 5, 3]),
            (8, vec![1, 6, 4]),
            (8, vec![2, 0]),
            (8, vec![])
        ]
    );
    // With at least one trade (ids 1, 2, 4, 5, 7): valued 7, 5, 1; then 4, 2.
    let pages = profit_factor_pages(context, &owner, &task_id, (true, 1, 2)).await;
    assert_eq!(
        pages,
        [(5, vec![7, 5]), (5, vec![1, 4]), (5, vec![2]), (5, vec![])]
    );
    let pages = profit_factor_pages(context, &owner, &task_id, (false, 1, 2)).await;
    assert_eq!(
        pages,
        [(5, vec![1, 5]), (5, vec![7, 2]), (5, vec![4]), (5, vec![])]
    );

    // Pages of 3, then a filter: configs with at least 2 trades are 2 and 5.
    let second = ResultQuery {
        per_page: 3,
        page: 1,
        ..query(ResultMetric::TotalReturn, true)
    };
    let page = results::page(context, &owner, &task_id, second)
        .await
        .expect("a page");
    assert_eq!(ids(&page), [4, 3, 2]);
    let filtered = ResultQuery {
        min_trades: 2,
        ..query(ResultMetric::TotalReturn, true)
    };
    let page = results::page(context, &owner, &task_id, filtered)
        .await
        .expect("a page");
    assert_eq!((page.matching, ids(&page)), (2, vec![5, 2]));

    // One config in full: its curve and its trades, as the agent sent them.
    let detail = results::detail(context, &owner, &task_id, 5)
        .await
        .expect("a result");
    assert_eq!(detail.equity_curve.len(), 2);
    assert_eq!(detail.trades.len(), 2);
    assert!((detail.trades[1].trade_return - 0.06).abs() < 1e-12);
    assert_eq!(detail.metrics.profit_factor, Some(6.0));
    assert!(matches!(
        results::detail(context, &owner, &task_id, 99).await,
        Err(FleetError::Refused { .. })
    ));

    // The grid of one metric, for the heatmap.
    let grid = results::metric_grid(context, &owner, &task_id, ResultMetric::TotalReturn)
        .await
        .expect("a grid");
    assert_eq!(grid.len(), 8);

    // The page's report: without a choice it compares the ranking's best; chosen configs
    // without a result are left out, and no more than four are read.
    let report = results::report(
        context,
        &owner,
        &task_id,
        query(ResultMetric::TotalReturn, true),
        &[],
    )
    .await
    .expect("a report");
    let best = report.page.rows[0].config_id;
    assert_eq!(
        report
            .compared
            .iter()
            .map(|d| d.config_id)
            .collect::<Vec<_>>(),
        [best]
    );
    // Still leased: the agent has not said it is done.
    assert_eq!((report.configs_total, report.finished), (8, false));
    let heatmap = report.heatmap.as_ref().expect("fast and slow both vary");
    assert_eq!(
        (heatmap.x.name.as_str(), heatmap.y.name.as_str()),
        ("fast", "slow")
    );
    assert_eq!(heatmap.x.labels, ["5", "10", "15", "20"]);
    assert_eq!(heatmap.y.labels, ["30", "40"]);
    assert!(heatmap.cells.iter().all(Option::is_some), "{heatmap:?}");
    let report = results::report(
        context,
        &owner,
        &task_id,
        query(ResultMetric::Sharpe, true),
        &[5, 99, 1, 3, 7, 2],
    )
    .await
    .expect("a report");
    assert_eq!(
        report
            .compared
            .iter()
            .map(|d| d.config_id)
            .collect::<Vec<_>>(),
        [5, 1, 3]
    );
}

/// Every metric ranks along an index of its own, in both directions, for the valued runs
/// and those without a value: on SQLite the plan of each ranked read uses the metric's
/// index and sorts nothing; on PostgreSQL each metric's index exists with that key.
#[tokio::test]
async fn every_metric_ranks_along_an_index_of_its_own() {
    use domain::storage::Database;
    let app = spawn_app().await;
    for metric in ResultMetric::ALL {
        let column = metric.as_str();
        let index = format!("task_results_rank_{column}");
        match app.app_state.database() {
            Database::Sqlite(pool) => {
                for (descending, valued) in [
                    (true, Valued::Yes),
                    (false, Valued::Yes),
                    (true, Valued::No),
                    (false, Valued::No),
                ] {
                    let sql = results::ranking_sql(metric, descending, valued);
                    let plan: Vec<(i64, i64, i64, String)> =
                        sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                            .bind("a task")
                            .bind(0.0)
                            .bind(25)
                            .bind(0)
                            .fetch_all(pool)
                            .await
                            .expect("a plan");
                    let steps: Vec<String> = plan.into_iter().map(|step| step.3).collect();
                    assert!(
                        steps.iter().any(|step| step.contains(&index)),
                        "{sql}: {steps:?}"
                    );
                    assert!(
                        !steps.iter().any(|step| step.contains("TEMP B-TREE")),
                        "{sql}: {steps:?}"
                    );
                }
            }
            Database::Postgres(pool) => {
                let definition: Option<String> =
                    sqlx::query_scalar("SELECT indexdef FROM pg_indexes WHERE indexname = $1")
                        .bind(&index)
                        .fetch_optional(pool)
                        .await
                        .expect("the catalogue");
                assert!(
                    definition
                        .as_deref()
                        .is_some_and(|definition| definition
                            .contains(&format!("(task_id, {column}, config_id"))),
                    "{index}: {definition:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn nobody_else_reads_a_tasks_results() {
    let app = spawn_app().await;
    let (_, cookie, task_id) = finished_task(&app, "ada@example.com").await;
    let (stranger, stranger_cookie) = owner(&app, "eve@example.com").await;
    let context = edge(&app);
    let refused = results::page(context, &stranger, &task_id, ResultQuery::default()).await;
    assert!(
        matches!(refused, Err(FleetError::Refused { code, .. }) if code == edge_protocol::api::ErrorCode::NotFound)
    );
    assert!(
        results::detail(context, &stranger, &task_id, 0)
            .await
            .is_err()
    );
    assert!(
        results::metric_grid(context, &stranger, &task_id, ResultMetric::Sharpe)
            .await
            .is_err()
    );
    assert!(
        results::report(context, &stranger, &task_id, ResultQuery::default(), &[0])
            .await
            .is_err()
    );

    let download = |cookie: String, path: String| {
        let request = app.get("beta.localhost", &path);
        async move {
            let request = if cookie.is_empty() {
                request
            } else {
                request.header("cookie", cookie)
            };
            request.send().await.expect("download")
        }
    };
    let csv = format!("/api/fleet/tasks/{task_id}/results.csv");
    let theirs = download(stranger_cookie.clone(), csv.clone()).await;
    assert_eq!(theirs.status(), 404);
    let body: Value = theirs.json().await.expect("a typed error");
    assert_eq!(body["code"], "not_found");
    let anonymous = download(String::new(), csv.clone()).await;
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.expect("a typed error");
    assert_eq!(body["code"], "unauthenticated");

    let mine = download(cookie.clone(), csv).await;
    assert_eq!(mine.status(), 200);
    assert_eq!(mine.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        mine.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment; filename=\"results-sma_crossover-")
    );
    let text = mine.text().await.expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 9, "{text}");
    assert!(
        lines[0].starts_with("rank,config_id,fast,slow,total_return,"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("1,7,20,40,0.875,"), "{}", lines[1]);

    let json = download(
        cookie.clone(),
        format!("/api/fleet/tasks/{task_id}/results.json?sort=sharpe"),
    )
    .await;
    assert_eq!(json.status(), 200);
    let body: Value = json.json().await.expect("json");
    assert_eq!(body["sorted_by"], "sharpe");
    assert_eq!(body["results"][0]["config_id"], 0);
    assert_eq!(body["results"].as_array().map(Vec::len), Some(8));
    let bad = download(
        cookie,
        format!("/api/fleet/tasks/{task_id}/results.json?sort=drop_table"),
    )
    .await;
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.expect("a typed error");
    assert_eq!(body["code"], "validation");
}

#[tokio::test]
async fn the_command_line_prints_results_as_a_table_json_and_csv() {
    let app = spawn_app().await;
    let (_, _, task_id) = finished_task(&app, "ada@example.com").await;
    let run = |args: Vec<String>| {
        let mut command = super::support::luckyplans_on(&app.config);
        command.arg("task").arg("results").args(args);
        async move {
            let output = tokio::task::spawn_blocking(move || command.output())
                .await
                .expect("the command thread")
                .expect("run luckyplans");
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
    };
    let table = run(vec![task_id.clone()]).await;
    let first = table.lines().nth(1).unwrap_or_default();
    assert!(first.contains("fast=20 slow=40"), "{table}");
    assert!(
        table.contains("8 of 8 results, ranked by total_return"),
        "{table}"
    );

    let json: Value =
        serde_json::from_str(&run(vec![task_id.clone(), "--json".to_owned()]).await).expect("json");
    let rows = json["results"].as_array().expect("results");
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[0]["parameters"], json!({"fast": 20, "slow": 40}));
    assert_eq!(rows[0]["metrics"]["total_return"], 0.875);
    assert_eq!(rows[0]["metrics"]["trades"], 1);

    let csv = run(vec![
        task_id.clone(),
        "--csv".to_owned(),
        "--sort".to_owned(),
        "max_drawdown".to_owned(),
    ])
    .await;
    assert_eq!(csv.lines().count(), 9, "{csv}");

    let mut command = super::support::luckyplans_on(&app.config);
    command.args(["task", "results", &task_id, "--sort", "luck"]);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the command thread")
        .expect("run luckyplans");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--sort: choose one of total_return"));
}

/// The close of candle `index` of `support::csv`, and its open.
fn candle(index: usize) -> (f64, f64) {
    #[expect(clippy::cast_precision_loss, reason = "small test indices")]
    let close = 100.0 + ((index % 7) as f64 - 3.0) * 1.5 + index as f64 * 0.1;
    (close, close - 0.5)
}

#[tokio::test]
async fn the_report_draws_buy_and_hold_from_the_datasets_prices_which_only_the_owner_charts() {
    let app = spawn_app().await;
    let (ada, cookie, task_id) = finished_task(&app, "ada@example.com").await;
    let context = edge(&app);
    let report = results::report(
        context,
        &ada,
        &task_id,
        query(ResultMetric::TotalReturn, true),
        &[],
    )
    .await
    .expect("a report");
    // 60 candles fit the outline whole: holding from the first open, at every close.
    let first_open = candle(0).1;
    assert_eq!(report.buy_and_hold.len(), 60);
    for (index, point) in report.buy_and_hold.iter().enumerate() {
        let expected = candle(index).0 / first_open;
        assert!(
            (point.equity - expected).abs() < 1e-12,
            "{index}: {} vs {expected}",
            point.equity
        );
    }
    let last = report.buy_and_hold.last().expect("points");
    assert_eq!(last.time, 1_700_000_000 + 59 * 86_400);

    // The datasets page's chart: the newest dataset by default, or the one asked for.
    let dataset_id = domain::fleet::tasks::find(context, &task_id)
        .await
        .expect("lookup")
        .expect("the task")
        .dataset_id;
    for form in [vec![], vec![("id", dataset_id.as_str())]] {
        let response =
            crate::helpers::call(&app, "fleet/dataset_prices", &form, Some(&cookie)).await;
        assert_eq!(response.status(), 200);
        let chart: Value = response.json().await.expect("json");
        assert_eq!(chart["dataset"]["id"], dataset_id.as_str(), "{form:?}");
        assert_eq!(
            chart["outline"]["closes"].as_array().map(Vec::len),
            Some(60)
        );
        assert_eq!(chart["outline"]["first_open"], first_open);
    }
    let (_, stranger) = owner(&app, "eve@example.com").await;
    let form = [("id", dataset_id.as_str())];
    let refused = crate::helpers::call(&app, "fleet/dataset_prices", &form, Some(&stranger)).await;
    assert_eq!(refused.status(), 404, "another user's dataset");
    let none = crate::helpers::call(&app, "fleet/dataset_prices", &[], Some(&stranger)).await;
    assert_eq!(none.status(), 200);
    assert_eq!(none.json::<Value>().await.expect("json"), Value::Null);
    let anonymous = crate::helpers::call(&app, "fleet/dataset_prices", &[], None).await;
    assert_eq!(anonymous.status(), 401);
}
