//! What every request handler may need: configuration and the storage backends.

use std::sync::Arc;
use std::time::Instant;

use app::site::SiteUrls;
use domain::accounts::context::AuthContext;
use domain::fleet::{EdgeContext, EdgeSettings};
use domain::oidc::OidcProvider;
use domain::sessions::SessionBackend;
use domain::storage::{Database, ObjectStorage};

use crate::config::Config;

/// Shared, cheaply cloned application state.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    urls: SiteUrls,
    database: Database,
    sessions: SessionBackend,
    objects: ObjectStorage,
    auth: AuthContext,
    edge: EdgeContext,
    instance_id: String,
    started_at: Instant,
}

/// The connected backends, as start-up hands them over.
pub struct Backends {
    pub database: Database,
    pub sessions: SessionBackend,
    pub objects: ObjectStorage,
    pub instance_id: String,
}

impl AppState {
    pub fn new(
        config: Config,
        urls: SiteUrls,
        backends: Backends,
        oidc: Option<Arc<OidcProvider>>,
        edge: EdgeSettings,
    ) -> Self {
        let Backends {
            database,
            sessions,
            objects,
            instance_id,
        } = backends;
        let auth = AuthContext {
            database: database.clone(),
            sessions: sessions.clone(),
            limits: config.session_limits(),
            lockout: config.lockout,
            oidc,
            hashing: domain::accounts::password::HashingGate::sized_to_cores(),
        };
        let edge = EdgeContext::new(database.clone(), objects.clone(), edge);
        Self {
            inner: Arc::new(Inner {
                auth,
                edge,
                config,
                urls,
                database,
                sessions,
                objects,
                instance_id,
                started_at: Instant::now(),
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn urls(&self) -> &SiteUrls {
        &self.inner.urls
    }

    pub fn database(&self) -> &Database {
        &self.inner.database
    }

    pub fn sessions(&self) -> &SessionBackend {
        &self.inner.sessions
    }

    /// What the auth layer needs on every request.
    pub fn auth(&self) -> &AuthContext {
        &self.inner.auth
    }

    /// What the fleet (edge API, fleet server functions) needs.
    pub fn edge(&self) -> &EdgeContext {
        &self.inner.edge
    }

    pub fn objects(&self) -> &ObjectStorage {
        &self.inner.objects
    }

    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    pub fn uptime_secs(&self) -> u64 {
        self.inner.started_at.elapsed().as_secs()
    }

    /// Closes connection pools at shutdown.
    pub async fn close(&self) {
        self.inner.edge.heartbeats.flush().await;
        self.inner.sessions.close().await;
        self.inner.database.close().await;
    }
}
