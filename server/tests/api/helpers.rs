//! The test harness: a fresh server with fresh storage per test.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use domain::storage::{DatabaseConfig, ObjectStoreConfig, S3Config};
use secrecy::SecretString;
use server::config::{Environment, LogFormat, PublicPort, Scheme};
use server::{Application, Config};
use tempfile::TempDir;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub const S3_ACCESS_KEY: &str = "lp-test-access";
pub const S3_SECRET_KEY: &str = "lp-test-secret-key";
pub const S3_BUCKET: &str = "lp-test";
/// A file next to the site folders that no URL may reach.
pub const SECRET_FILE_CONTENT: &str = "outside-the-site-root";

/// Which backends this test run uses.
pub struct Backends {
    pub postgres_admin_url: Option<String>,
    pub redis_url: Option<String>,
    pub s3: bool,
}

impl Backends {
    pub fn from_env() -> Self {
        let non_empty = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            postgres_admin_url: non_empty("LP_TEST_DATABASE_URL"),
            redis_url: non_empty("LP_TEST_REDIS_URL"),
            s3: non_empty("LP_TEST_S3").is_some_and(|v| v != "0"),
        }
    }
}

/// A running server and everything it owns.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub app_state: server::state::AppState,
    /// What the server was built with, for starting a second replica beside it.
    pub config: Config,
    pub dir: TempDir,
    /// Runs the server and any replicas; taken and shut down when the test ends.
    runtime: Option<tokio::runtime::Runtime>,
    /// Held so the database is dropped when the test ends.
    _postgres: Option<TestPostgres>,
    pub database_proxy: Option<TcpProxy>,
    pub redis_proxy: Option<TcpProxy>,
    pub s3: Option<S3Server>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Not a blocking shutdown: the test's own runtime is still running this drop.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Options a test may change before the server starts.
pub struct Setup {
    pub environment: Environment,
    pub base_domain: String,
    pub lockout: domain::accounts::throttle::LockoutPolicy,
    pub session_absolute_timeout: Duration,
    pub session_idle_timeout: Duration,
    pub auth_rate_limit_per_minute: u32,
    pub oidc: Option<domain::oidc::OidcSettings>,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub edge: server::config::EdgeConfig,
    pub request_timeout: Duration,
    pub upload_stall_timeout: Duration,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            environment: Environment::Development,
            base_domain: "localhost".to_owned(),
            lockout: domain::accounts::throttle::LockoutPolicy::default(),
            session_absolute_timeout: Duration::from_secs(24 * 60 * 60),
            session_idle_timeout: Duration::from_secs(2 * 60 * 60),
            // High enough that no other test meets it.
            auth_rate_limit_per_minute: 10_000,
            oidc: None,
            trusted_proxies: Vec::new(),
            edge: server::config::EdgeConfig::default(),
            request_timeout: Duration::from_secs(60),
            upload_stall_timeout: Duration::from_secs(30),
        }
    }
}

/// The runtime a test's servers run on, owned by its `TestApp` and shut down with it.
///
/// Each `#[tokio::test]` has its own single-threaded runtime; the servers get one with two
/// worker threads, as in production. When the test ends, everything its servers started
/// stops with them (background jobs, listeners, replicas, connection pools), so nothing
/// of one test keeps running, retrying or holding threads while the next tests run.
fn server_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("test-server")
        .enable_all()
        .build()
        .expect("a test server's runtime")
}

/// How long a test waits for any one answer from its server: a request that never
/// completes fails the test naming the request, instead of stalling the whole run.
const REQUEST_LIMIT: Duration = Duration::from_secs(120);

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Setup::default()).await
}

pub async fn spawn_app_with(setup: Setup) -> TestApp {
    if let Ok(filter) = std::env::var("LP_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
    let backends = Backends::from_env();
    let dir = tempfile::tempdir().expect("temp dir");
    let site_root = write_site_fixture(dir.path());

    let (database, postgres, database_proxy) = match &backends.postgres_admin_url {
        Some(admin_url) => {
            let pg = TestPostgres::create(admin_url).await;
            let proxy = TcpProxy::start(pg.server_addr()).await;
            let url = pg.url_via(proxy.addr);
            (
                DatabaseConfig::Postgres {
                    url: SecretString::from(url),
                },
                Some(pg),
                Some(proxy),
            )
        }
        None => (
            DatabaseConfig::Sqlite {
                path: dir.path().join("data/luckyplans.db"),
            },
            None,
            None,
        ),
    };
    let (redis_url, redis_proxy) = match &backends.redis_url {
        Some(url) => {
            let target = url::Url::parse(url).expect("LP_TEST_REDIS_URL is a URL");
            let host = target.host_str().expect("redis host");
            let port = target.port().unwrap_or(6379);
            let addr = tokio::net::lookup_host((host, port))
                .await
                .expect("resolve redis")
                .next()
                .expect("redis address");
            let proxy = TcpProxy::start(addr).await;
            let mut via = target.clone();
            via.set_host(Some("127.0.0.1")).expect("host");
            via.set_port(Some(proxy.addr.port())).expect("port");
            (Some(SecretString::from(via.to_string())), Some(proxy))
        }
        None => (None, None),
    };
    let (objects, s3) = if backends.s3 {
        let server = S3Server::start(&dir.path().join("s3")).await;
        (
            ObjectStoreConfig::S3(S3Config {
                endpoint: Some(format!("http://{}", server.addr)),
                region: "us-east-1".to_owned(),
                bucket: S3_BUCKET.to_owned(),
                access_key_id: S3_ACCESS_KEY.to_owned(),
                secret_access_key: SecretString::from(S3_SECRET_KEY),
                path_style: true,
            }),
            Some(server),
        )
    } else {
        (
            ObjectStoreConfig::Local {
                root: dir.path().join("data/objects"),
            },
            None,
        )
    };

    let production = setup.environment == Environment::Production;
    let config = Config {
        environment: setup.environment,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        base_domain: setup.base_domain,
        data_dir: dir.path().join("data"),
        site_root,
        log_format: LogFormat::Pretty,
        log_filter: "warn".to_owned(),
        public_scheme: if production {
            Scheme::Https
        } else {
            Scheme::Http
        },
        public_port: if production {
            PublicPort::SchemeDefault
        } else {
            PublicPort::Listening
        },
        database,
        redis_url,
        objects,
        shutdown_timeout: Duration::from_secs(5),
        request_timeout: setup.request_timeout,
        upload_stall_timeout: setup.upload_stall_timeout,
        session_idle_timeout: setup.session_idle_timeout,
        session_absolute_timeout: setup.session_absolute_timeout,
        lockout: setup.lockout,
        auth_rate_limit_per_minute: std::num::NonZeroU32::new(setup.auth_rate_limit_per_minute)
            .expect("a positive limit"),
        oidc: setup.oidc,
        trusted_proxies: setup.trusted_proxies,
        edge: setup.edge,
        docs_edit_url: Some(server::config::DEFAULT_DOCS_EDIT_URL.to_owned()),
    };
    let kept = config.clone();
    let runtime = server_runtime();
    let app = runtime
        .spawn(Application::build(config))
        .await
        .expect("the build task finishes")
        .expect("the server starts");
    let addr = app.local_addr();
    let app_state = app.state().clone();
    runtime.spawn(async move {
        app.run_until(std::future::pending())
            .await
            .expect("server runs");
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_LIMIT)
        .build()
        .expect("client");
    TestApp {
        addr,
        client,
        app_state,
        config: kept,
        dir,
        runtime: Some(runtime),
        _postgres: postgres,
        database_proxy,
        redis_proxy,
        s3,
    }
}

impl TestApp {
    /// Starts a second server on the same database and object store (another replica);
    /// it runs until the test ends.
    /// Returns its address and its state, for tests that look inside it (its credential
    /// cache, say).
    pub async fn replica_with_state(&self) -> (SocketAddr, server::state::AppState) {
        let runtime = self.runtime.as_ref().expect("the test is running");
        let app = runtime
            .spawn(Application::build(self.config.clone()))
            .await
            .expect("the build task finishes")
            .expect("the replica starts");
        let addr = app.local_addr();
        let state = app.state().clone();
        runtime.spawn(async move {
            app.run_until(std::future::pending())
                .await
                .expect("replica runs");
        });
        (addr, state)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A GET for `path` with `Host: <host>` (the port is added like a browser would).
    pub fn get(&self, host: &str, path: &str) -> reqwest::RequestBuilder {
        self.client
            .get(self.url(path))
            .header("host", format!("{host}:{}", self.addr.port()))
    }

    pub async fn page(
        &self,
        host: &str,
        path: &str,
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        self.page_with_cookie(host, path, "").await
    }

    /// Like [`page`](Self::page), sending `cookie` (when not empty) as the `Cookie` header.
    pub async fn page_with_cookie(
        &self,
        host: &str,
        path: &str,
        cookie: &str,
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        let mut request = self.get(host, path);
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        (status, headers, response.text().await.expect("body"))
    }

    pub async fn ready(&self) -> (reqwest::StatusCode, serde_json::Value) {
        let response = self
            .client
            .get(self.url("/ready"))
            .send()
            .await
            .expect("ready");
        let status = response.status();
        (status, response.json().await.expect("ready is JSON"))
    }
}

/// Whether a response is an HTML page.
pub fn is_html(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// Writes a small built site for each of the three bundles, and a secret next to them.
fn write_site_fixture(root: &Path) -> PathBuf {
    let site_root = root.join("site");
    for site in ["landing", "docs", "beta"] {
        let pkg = site_root.join(site).join("pkg");
        std::fs::create_dir_all(&pkg).expect("pkg dir");
        std::fs::write(
            pkg.join("luckyplans.js"),
            format!("export default function() {{}} // {site}\n").repeat(40),
        )
        .expect("js");
        std::fs::write(pkg.join("luckyplans.wasm"), b"\0asm\x01\0\0\0").expect("wasm");
        std::fs::write(pkg.join("luckyplans.css"), "body{color:red}\n".repeat(100)).expect("css");
        // The public files, as cargo-leptos copies them into every site.
        let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
        for file in std::fs::read_dir(&public).expect("public/") {
            let file = file.expect("entry").path();
            std::fs::copy(
                &file,
                site_root.join(site).join(file.file_name().expect("name")),
            )
            .expect("copy a public file");
        }
    }
    std::fs::write(site_root.join("secret.txt"), SECRET_FILE_CONTENT).expect("secret");
    std::fs::write(root.join("secret.txt"), SECRET_FILE_CONTENT).expect("secret");
    site_root
}

/// A fresh PostgreSQL database, dropped when the test ends.
pub struct TestPostgres {
    admin_url: url::Url,
    pub name: String,
}

impl TestPostgres {
    pub async fn create(admin_url: &str) -> Self {
        use sqlx::Connection;
        let admin_url = url::Url::parse(admin_url).expect("LP_TEST_DATABASE_URL is a URL");
        let name = format!("lp_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(admin_url.as_str())
            .await
            .expect("connect to the PostgreSQL admin database");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.expect("close");
        Self { admin_url, name }
    }

    fn server_addr(&self) -> SocketAddr {
        let host = self.admin_url.host_str().unwrap_or("127.0.0.1");
        let port = self.admin_url.port().unwrap_or(5432);
        std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
            .expect("resolve postgres")
            .next()
            .expect("postgres address")
    }

    /// The URL of the test database on the server itself.
    pub fn url(&self) -> String {
        let mut url = self.admin_url.clone();
        url.set_path(&self.name);
        url.to_string()
    }

    /// The URL of the test database, through `proxy` instead of the server itself.
    fn url_via(&self, proxy: SocketAddr) -> String {
        let mut url = self.admin_url.clone();
        url.set_host(Some("127.0.0.1")).expect("host");
        url.set_port(Some(proxy.port())).expect("port");
        url.set_path(&self.name);
        url.to_string()
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let admin_url = self.admin_url.to_string();
        let name = self.name.clone();
        // Drop runs outside any runtime we could block on; a short-lived one does the job.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        });
        let _ = dropped.join();
    }
}

/// A TCP forwarder in front of a real backend; stopping it makes the backend unreachable
/// for the server without touching the shared service.
pub struct TcpProxy {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<JoinHandle<()>>>>,
}

impl TcpProxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
        let addr = listener.local_addr().expect("proxy addr");
        let connections = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let tracked = connections.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let connection = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tracked.lock().expect("lock").push(connection);
            }
        });
        Self {
            addr,
            task,
            connections,
        }
    }

    /// Closes the listener and every open connection.
    pub fn stop(&self) {
        self.task.abort();
        for connection in self.connections.lock().expect("lock").drain(..) {
            connection.abort();
        }
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A real S3 server (s3s-fs) on a temporary folder.
pub struct S3Server {
    pub addr: SocketAddr,
    proxy: TcpProxy,
    _server: JoinHandle<()>,
}

impl S3Server {
    async fn start(root: &Path) -> Self {
        use hyper_util::rt::{TokioExecutor, TokioIo};
        use hyper_util::server::conn::auto::Builder as ConnBuilder;
        use s3s::auth::SimpleAuth;
        use s3s::service::S3ServiceBuilder;

        std::fs::create_dir_all(root.join(S3_BUCKET)).expect("bucket folder");
        let fs = s3s_fs::FileSystem::new(root).expect("s3s-fs");
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(S3_ACCESS_KEY, S3_SECRET_KEY));
        let service = builder.build();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("s3 bind");
        let server_addr = listener.local_addr().expect("s3 addr");
        let server = tokio::spawn(async move {
            let http = ConnBuilder::new(TokioExecutor::new());
            while let Ok((socket, _)) = listener.accept().await {
                let connection = http
                    .serve_connection(TokioIo::new(socket), service.clone())
                    .into_owned();
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
        });
        // The server reaches S3 through a proxy so a test can cut it off.
        let proxy = TcpProxy::start(server_addr).await;
        Self {
            addr: proxy.addr,
            proxy,
            _server: server,
        }
    }

    pub fn stop(&self) {
        self.proxy.stop();
    }
}

// Calling server functions as a same-origin page of the beta host would.

pub const PASSWORD: &str = "copper kettle orbits lazily";

/// A form post to an auth server function (`/api/auth/<endpoint>`) on the beta host.
pub async fn post(
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    call(app, &format!("auth/{endpoint}"), form, cookie).await
}

/// A POST to `/api/<path>` as a same-origin page of the beta host sends it.
pub fn beta_post(app: &TestApp, path: &str) -> reqwest::RequestBuilder {
    app.client
        .post(app.url(&format!("/api/{path}")))
        .header("host", format!("beta.localhost:{}", app.addr.port()))
        .header(
            "origin",
            format!("http://beta.localhost:{}", app.addr.port()),
        )
}

/// A form post to any server function (`/api/<path>`) from a beta page.
pub async fn call(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = beta_post(app, path).form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("server function call")
}

/// The `lp_session=…` pair a response sets, if any.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("lp_session="))
        .and_then(|value| value.split(';').next())
        .map(str::to_owned)
}

pub async fn me(app: &TestApp, cookie: &str) -> serde_json::Value {
    let response = post(app, "me", &[], Some(cookie)).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

/// Creates an account and signs it in (registering alone signs nobody in); returns the
/// session cookie.
pub async fn register(app: &TestApp, email: &str) -> String {
    let response = post(
        app,
        "register",
        &[
            ("email", email),
            ("password", PASSWORD),
            ("display_name", "Ada Lovelace"),
        ],
        None,
    )
    .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    sign_in(app, email, "reqwest").await
}

pub async fn audit_count(app: &TestApp, action: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM audit_log WHERE action = $1",
        action,
    )
    .await
}

pub async fn page(
    app: &TestApp,
    host: &str,
    path: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    // Browsers ask for HTML; that is what makes redirects real 302s.
    let mut request = app.get(host, path).header("accept", "text/html");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("page")
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned()
}

/// Signs in with the test password; returns the session cookie.
pub async fn sign_in(app: &TestApp, email: &str, user_agent: &str) -> String {
    let response = beta_post(app, "auth/login")
        .header("user-agent", user_agent)
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    session_cookie(&response).expect("signing in sets a session")
}

/// Makes an account an administrator, as `luckyplans user set-role` would.
pub async fn make_admin(app: &TestApp, email: &str) {
    use app::auth::model::Role;
    use domain::accounts::input::Email;
    use domain::accounts::manage::{self as accounts, Actor};
    let auth = app.app_state.auth();
    let email = Email::parse(email).expect("email");
    let user = domain::accounts::users::find_by_email(&auth.database, &email)
        .await
        .expect("lookup")
        .expect("the account exists");
    let client = app::auth::ssr::request::ClientInfo::default();
    let actor = Actor {
        user_id: None,
        client: &client,
        via: "cli",
    };
    accounts::set_role(auth, &actor, &user.id, Role::Admin)
        .await
        .expect("set role");
}

/// Runs one SQL statement returning a count on whichever database the app uses.
pub async fn count(app: &TestApp, sql: &str, bind: &str) -> i64 {
    use domain::storage::Database;
    match app.app_state.database() {
        Database::Sqlite(pool) => sqlx::query_scalar(sql).bind(bind).fetch_one(pool).await,
        Database::Postgres(pool) => sqlx::query_scalar(sql).bind(bind).fetch_one(pool).await,
    }
    .expect("count")
}

/// Posts a sign-in with `email` and `password` and returns only its status: 200 when the
/// account takes that password, 401 when it refuses it. For checks of which password
/// works, where the session itself is not needed.
pub async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    post(
        app,
        "login",
        &[("email", email), ("password", password)],
        None,
    )
    .await
    .status()
    .as_u16()
}

/// Posts a password change from `current` to `new` with the session `cookie` (`None`: as
/// a stranger). Returns the whole response, since callers check its status, its error
/// body or the renewed session it sets.
pub async fn change_password(
    app: &TestApp,
    cookie: Option<&str>,
    current: &str,
    new: &str,
) -> reqwest::Response {
    post(
        app,
        "change_password",
        &[("current_password", current), ("new_password", new)],
        cookie,
    )
    .await
}
