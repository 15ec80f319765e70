//! Driving the fleet in tests: owners, tokens, enrolled workers, datasets and tasks.

use app_model::fleet::NewTask;
use domain::fleet::tokens::{self, TokenRequest};
use domain::fleet::workers::{self, WorkerAction};
use domain::fleet::{EdgeContext, Owner, datasets, tasks};
use edge_protocol::dataset::LayoutOverrides;
use serde_json::{Value, json};

use crate::helpers::{TestApp, count, register};

/// A small valid dataset: `rows` daily candles of a gentle zigzag.
pub fn csv(rows: usize) -> String {
    let mut text = String::from("time,open,high,low,close,volume\n");
    for (index, time) in (0..rows).zip((1_700_000_000_i64..).step_by(86_400)) {
        #[expect(clippy::cast_precision_loss, reason = "small test indices")]
        let close = 100.0 + ((index % 7) as f64 - 3.0) * 1.5 + index as f64 * 0.1;
        let open = close - 0.5;
        text.push_str(&format!(
            "{time},{open},{},{},{close},1000\n",
            close + 1.0,
            open - 1.0
        ));
    }
    text
}

pub fn edge(app: &TestApp) -> &EdgeContext {
    app.app_state.edge()
}

/// Registers an account and returns it as a fleet owner, with its session cookie.
pub async fn owner(app: &TestApp, email: &str) -> (Owner, String) {
    let cookie = register(app, email).await;
    let user_id = {
        use domain::storage::Database;
        let sql = "SELECT id FROM users WHERE email = $1";
        match app.app_state.database() {
            Database::Sqlite(pool) => sqlx::query_scalar(sql).bind(email).fetch_one(pool).await,
            Database::Postgres(pool) => sqlx::query_scalar(sql).bind(email).fetch_one(pool).await,
        }
        .expect("the user exists")
    };
    (
        Owner {
            user_id,
            is_admin: false,
        },
        cookie,
    )
}

pub async fn token(app: &TestApp, owner: &Owner, max_uses: i64) -> String {
    let request = TokenRequest {
        label: Some("test".to_owned()),
        max_uses: Some(max_uses),
        ttl_secs: None,
    };
    tokens::create(edge(app), owner, request)
        .await
        .expect("token")
        .token
}

/// A POST to the edge API with a bearer token and a JSON body.
pub async fn call(app: &TestApp, path: &str, bearer: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/edge/v1{path}")))
        .bearer_auth(bearer)
        .json(body)
        .send()
        .await
        .expect("edge call")
}

/// Status and JSON body of an edge call.
pub async fn call_json(app: &TestApp, path: &str, bearer: &str, body: &Value) -> (u16, Value) {
    let response = call(app, path, bearer, body).await;
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

pub fn register_body(name: &str) -> Value {
    json!({"display_name": name, "platform": "linux", "arch": "x86_64", "version": "0.1.0", "cpus": 4})
}

/// An enrolled worker.
pub struct Enrolled {
    pub id: String,
    pub credential: String,
}

pub async fn enrol(app: &TestApp, token: &str, name: &str) -> Enrolled {
    let (status, body) = call_json(app, "/register", token, &register_body(name)).await;
    assert_eq!(status, 201, "{body}");
    Enrolled {
        id: body["worker_id"].as_str().expect("worker id").to_owned(),
        credential: body["credential"].as_str().expect("credential").to_owned(),
    }
}

/// A user with one enrolled worker.
pub async fn owner_with_worker(app: &TestApp, email: &str) -> (Owner, String, Enrolled) {
    let (owner, cookie) = owner(app, email).await;
    let token = token(app, &owner, 1).await;
    let worker = enrol(app, &token, "runner-1").await;
    (owner, cookie, worker)
}

pub fn heartbeat_body() -> Value {
    json!({
        "sent_at": chrono::Utc::now(),
        "version": "0.1.0",
        "platform": "linux",
        "arch": "x86_64",
        "state": "idle",
        "active_task": null,
        "uptime_seconds": 5,
        "last_error": null,
    })
}

pub async fn dataset(app: &TestApp, owner: &Owner, rows: usize) -> String {
    let body = bytes::Bytes::from(csv(rows));
    let chunks = futures::stream::iter([Ok::<_, std::convert::Infallible>(body)]);
    datasets::import(
        edge(app),
        owner,
        "zigzag.csv",
        &LayoutOverrides::default(),
        chunks,
    )
    .await
    .map_err(|err| format!("{err:?}"))
    .expect("dataset")
    .id
}

/// Uploads a dataset as a page of the beta host does: the file is the body of a
/// same-origin POST. Returns the status and the JSON answer.
pub async fn upload(
    app: &TestApp,
    name: &str,
    body: impl Into<reqwest::Body>,
    cookie: Option<&str>,
) -> (u16, Value) {
    upload_with(app, &[("name", name)], body, cookie).await
}

/// [`upload`] with any query: the name and the layout's overrides.
pub async fn upload_with(
    app: &TestApp,
    query: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
    cookie: Option<&str>,
) -> (u16, Value) {
    let mut request = crate::helpers::beta_post(app, "fleet/datasets/upload")
        .query(query)
        .header("content-type", "text/csv")
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("upload");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// An SMA crossover task over a dataset, with the usual costs.
pub fn sma_task(dataset_id: &str, grid: &str) -> NewTask {
    NewTask {
        dataset_id: dataset_id.to_owned(),
        strategy: "sma_crossover".to_owned(),
        grid: grid.to_owned(),
        fee: 0.001,
        slippage: 0.0005,
        worker_id: None,
    }
}

/// An SMA crossover task over a fresh dataset of `rows` candles.
pub async fn task_over(app: &TestApp, owner: &Owner, rows: usize, grid: &str) -> String {
    let dataset_id = dataset(app, owner, rows).await;
    tasks::create(edge(app), owner, &sma_task(&dataset_id, grid))
        .await
        .expect("task")
        .id
}

/// An SMA crossover task over a fresh 60-candle dataset.
pub async fn task(app: &TestApp, owner: &Owner, grid: &str) -> String {
    task_over(app, owner, 60, grid).await
}

pub async fn task_state(app: &TestApp, task_id: &str) -> String {
    let task = tasks::find(edge(app), task_id)
        .await
        .expect("lookup")
        .expect("the task exists");
    task.state.as_str().to_owned()
}

/// Leases the next task; panics when there is none.
pub async fn lease(app: &TestApp, worker: &Enrolled) -> Value {
    let (status, body) = call_json(app, "/tasks/next", &worker.credential, &json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["task"].is_object(), "a task is leased: {body}");
    body["task"].clone()
}

/// A plausible result for one config.
pub fn result(config_id: u64) -> Value {
    json!({
        "config_id": config_id,
        "metrics": {
            "total_return": 0.1, "annualised_return": 0.2, "sharpe": 1.1, "sortino": 1.4,
            "max_drawdown": 0.05, "win_rate": 0.5, "trades": 4, "exposure": 0.6
        },
        "equity_curve": [{"time": 1_700_000_000, "equity": 1.0}, {"time": 1_700_086_400, "equity": 1.1}],
    })
}

pub async fn events(app: &TestApp, worker_id: &str, kind: &str) -> i64 {
    let sql =
        format!("SELECT COUNT(*) FROM worker_events WHERE worker_id = $1 AND kind = '{kind}'");
    count(app, &sql, worker_id).await
}

/// Runs one statement with one text parameter on whichever database the app uses.
pub async fn exec(app: &TestApp, sql: &str, bind: &str) {
    use domain::storage::Database;
    match app.app_state.database() {
        Database::Sqlite(pool) => sqlx::query(sql).bind(bind).execute(pool).await.map(drop),
        Database::Postgres(pool) => sqlx::query(sql).bind(bind).execute(pool).await.map(drop),
    }
    .expect("statement runs");
}

/// `luckyplans` as another process on the same database, object store and data folder as
/// `config` (a test app's): for a second replica or a command-line call.
pub fn luckyplans_on(config: &server::config::Config) -> std::process::Command {
    use secrecy::ExposeSecret;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_luckyplans"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LP_DATA_DIR", &config.data_dir)
        .env("LP_SITE_ROOT", &config.site_root)
        .env("LP_LOG", "warn")
        .current_dir(std::env::temp_dir())
        .stdin(std::process::Stdio::null());
    if let domain::storage::DatabaseConfig::Postgres { url } = &config.database {
        command.env("DATABASE_URL", url.expose_secret());
    }
    if let domain::storage::ObjectStoreConfig::S3(s3) = &config.objects {
        command
            .env("LP_S3_ENDPOINT", s3.endpoint.clone().unwrap_or_default())
            .env("LP_S3_REGION", &s3.region)
            .env("LP_S3_BUCKET", &s3.bucket)
            .env("LP_S3_ACCESS_KEY_ID", &s3.access_key_id)
            .env(
                "LP_S3_SECRET_ACCESS_KEY",
                s3.secret_access_key.expose_secret(),
            );
    }
    command
}

/// An edge call that must succeed: asserts a 200 and returns the JSON body, for the
/// checks that follow on what it says.
pub async fn call_ok(app: &TestApp, path: &str, bearer: &str, body: &Value) -> Value {
    let (status, reply) = call_json(app, path, bearer, body).await;
    assert_eq!(status, 200, "{path}: {reply}");
    reply
}

/// An edge call that must be refused: asserts the status and the error `code` together
/// (as `(status, code)`) and returns the JSON body, for checks on its message.
pub async fn call_refused(
    app: &TestApp,
    path: &str,
    bearer: &str,
    body: &Value,
    (status, code): (u16, &str),
) -> Value {
    let (got, reply) = call_json(app, path, bearer, body).await;
    assert_eq!(
        (got, reply["code"].as_str()),
        (status, Some(code)),
        "{path}: {reply}"
    );
    reply
}

/// Applies `action` to `worker` as its owner would from the fleet page; panics when the
/// action is refused, since every caller expects it to go through.
pub async fn act_on(app: &TestApp, owner: &Owner, worker: &Enrolled, action: WorkerAction) {
    workers::act(edge(app), owner, &worker.id, action)
        .await
        .unwrap_or_else(|err| panic!("{action:?}: {err:?}"));
}
