//! Building the application from its configuration, and running it until shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use domain::fleet::EdgeSettings;
use domain::fleet::secrets::Pepper;
use domain::oidc::OidcProvider;
use domain::sessions::SessionBackend;
use domain::storage::{Database, ObjectStorage, StorageError};
use edge_protocol::api::Intervals;
use edge_protocol::dataset::DatasetLimits;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Config;
use crate::middleware::client_ip::{TrustedProxies, client_ip};
use crate::middleware::deadline::request_deadline;
use crate::middleware::request_id::{REQUEST_ID, request_span, untrusted_request_id};
use crate::middleware::security_headers::{SecurityPolicy, security_headers};
use crate::routes::{edge, health, page_cache, sites};
use crate::state::{AppState, Backends};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Storage(#[from] StorageError),
    #[error("single sign-on: {0}")]
    Oidc(#[from] domain::oidc::ProviderError),
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("the documentation cannot be published: {0}")]
    Content(#[from] docs::content::ContentError),
}

/// A built server, bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Binds the port, connects every backend (failing with a clear error if one is
    /// unreachable), runs migrations and assembles the routes.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        // Renders every docs page and post, and builds the search index, before a port is
        // bound: broken content stops the server here instead of reaching a visitor.
        let library = docs::content::check()?;
        let (sections, terms) = library.search.size();
        tracing::debug!(
            pages = library.pages.len(),
            posts = library.posts.len(),
            sections,
            terms,
            "docs content ready"
        );
        let listener =
            TcpListener::bind(config.addr)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: config.addr,
                    source,
                })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.addr,
            source,
        })?;

        let database = Database::connect(&config.database).await?;
        database.migrate().await?;
        let instance_id = database.instance_id().await?;
        let sessions = match &config.redis_url {
            Some(url) => SessionBackend::redis(url).await?,
            None => SessionBackend::sql(&database).await?,
        };
        let objects = ObjectStorage::connect(&config.objects).await?;
        let schema_version = database.schema_version().await.unwrap_or_default();
        tracing::info!(
            instance_id,
            database = database.backend(),
            schema_version,
            session_store = sessions.backend(),
            object_store = objects.backend(),
            "storage ready"
        );

        let urls = config.site_urls(local_addr.port());
        let oidc = match &config.oidc {
            Some(settings) => {
                let callback = urls.url(app::site::Site::Beta, app::auth::ssr::oidc::CALLBACK_PATH);
                let provider = OidcProvider::new(settings.clone(), &callback)?;
                tracing::info!(issuer = settings.issuer_url, %callback, "single sign-on configured");
                Some(Arc::new(provider))
            }
            None => None,
        };
        let edge = edge_settings(&config, &database).await?;
        let backends = Backends {
            database,
            sessions,
            objects,
            instance_id,
        };
        let state = AppState::new(config, urls, backends, oidc, edge);
        let router = router(&state);
        Ok(Self {
            listener,
            router,
            state,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.state.config().addr)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then stops accepting, gives in-flight requests
    /// up to the configured timeout, and closes the pools.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let Self {
            listener,
            router,
            state,
        } = self;
        let cleanup = state.sessions().spawn_expired_session_cleanup();
        let registry_cleanup = domain::jobs::spawn_registry_cleanup(state.auth().clone());
        let fleet_jobs = domain::jobs::spawn_fleet_jobs(state.edge().clone());
        let grace = state.config().shutdown_timeout;
        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        let live = std::sync::Arc::clone(&state.edge().live);
        let signal = async move {
            shutdown.await;
            // Event streams never finish on their own: end them so the drain is quick.
            live.close();
            tracing::info!(
                grace_secs = grace.as_secs(),
                "shutting down: no new connections"
            );
            // Nobody listening only means the server already stopped.
            let _ = stopping_tx.send(true);
        };
        let server = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal);
        let deadline = async move {
            if stopping_rx.wait_for(|stopping| *stopping).await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        let result = tokio::select! {
            result = server => result.map_err(StartupError::Serve),
            () = deadline => {
                tracing::warn!("in-flight requests did not finish within {} s; closing them", grace.as_secs());
                Ok(())
            }
        };
        // `abort` only asks: a job in the middle of a query runs on to its next await. Each
        // is waited for, so none finds the pools closed under it and logs a failure after
        // "shutdown complete".
        let jobs = cleanup.into_iter().chain([registry_cleanup, fleet_jobs]);
        for job in jobs {
            job.abort();
            let _ = job.await;
        }
        state.close().await;
        tracing::info!("shutdown complete");
        result
    }
}

/// The fleet's settings. Without a configured pepper (development), one is generated on
/// first start and kept in the database, so tokens and credentials survive restarts.
pub async fn edge_settings(
    config: &Config,
    database: &Database,
) -> Result<EdgeSettings, StorageError> {
    use secrecy::ExposeSecret;
    let edge = &config.edge;
    let pepper = match &edge.pepper {
        Some(pepper) => pepper.expose_secret().as_bytes().to_vec(),
        None => database.generated_secret("edge_pepper").await?.into_bytes(),
    };
    let mut settings = EdgeSettings::with_pepper(Pepper::new(pepper));
    settings.intervals = Intervals {
        heartbeat_seconds: edge.heartbeat_secs,
        poll_seconds: edge.poll_secs,
        task_heartbeat_seconds: edge.task_heartbeat_secs,
        lease_seconds: edge.lease_secs,
    };
    settings.online_secs = i64::from(edge.online_secs);
    settings.stale_secs = i64::from(edge.stale_secs);
    settings.rotation_grace_secs = i64::from(edge.rotation_grace_secs);
    settings.token_ttl_secs = i64::from(edge.token_ttl_secs);
    settings.quarantine_after = i64::from(edge.quarantine_after);
    settings.max_attempts = i64::from(edge.max_attempts);
    settings.dataset_limits = DatasetLimits {
        max_rows: edge.dataset_max_rows,
        max_bytes: edge.dataset_max_bytes,
    };
    Ok(settings)
}

fn router(state: &AppState) -> Router {
    let live_reload = std::env::var_os("LEPTOS_WATCH").map(|_| 3001);
    let mut policy = SecurityPolicy::new(state.config().hsts(), live_reload);
    if let Some(oidc) = &state.config().oidc {
        policy = policy.with_sign_on_provider(&oidc.issuer_url);
    }
    let policy = Arc::new(policy);
    let sites = Arc::new(sites::Sites::build(state));
    let cached = Arc::new(sites.cached_sites(policy.clone()));
    let proxies = Arc::new(TrustedProxies(state.config().trusted_proxies.clone()));
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .nest("/edge/v1", edge::router())
        .with_state(state.clone())
        .fallback(sites::dispatch)
        .with_state(sites)
        .layer(
            ServiceBuilder::new()
                .layer(from_fn_with_state(proxies.clone(), untrusted_request_id))
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_request(())
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
                .layer(from_fn_with_state(proxies, client_ip))
                .layer(CatchPanicLayer::custom(|_| internal_error()))
                .layer(from_fn_with_state(policy, security_headers))
                .layer(CompressionLayer::new())
                .layer(from_fn_with_state(
                    state.config().request_timeout,
                    request_deadline,
                )),
        )
        // Outermost: a landing or docs page already rendered is answered here.
        .layer(from_fn_with_state(cached, page_cache::serve_hit))
}

/// What a panicking handler answers: nothing about the panic itself.
fn internal_error() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(crate::routes::error_body::ErrorResponse::new(
            "internal",
            "the server failed to handle this request",
        )),
    )
        .into_response()
}
