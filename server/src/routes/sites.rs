//! The four Leptos sites, each its own router, picked by the request's `Host`.
//!
//! Every router registers every server function of the binary (that is how Leptos
//! works), so merging them would clash; dispatching by host keeps them apart. Server
//! functions therefore check who is calling themselves.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use app::site::Site;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower::ServiceExt;

use super::page_cache::{CachedSites, PageCache, serve_cached};
use super::seo;
use super::static_files::{StaticAssets, files_first};
use crate::middleware::auth_rate_limit::{AuthRateLimit, auth_rate_limit};
use crate::middleware::same_origin::{OwnOrigins, same_origin};
use crate::middleware::security_headers::{CspNonce, SecurityPolicy};
use crate::state::AppState;

/// The name cargo-leptos gives the bundle of every site.
const OUTPUT_NAME: &str = "luckyplans";

/// One router per site.
#[derive(Clone, Debug)]
pub struct Sites {
    base_domain: String,
    landing_cache: Arc<PageCache>,
    docs_cache: Arc<PageCache>,
    landing: Router,
    docs: Router,
    beta: Router,
    admin: Router,
}

impl Sites {
    pub fn build(state: &AppState) -> Self {
        let config = state.config();
        // While `cargo leptos watch` runs, files change under the running server.
        let watching = std::env::var_os("LEPTOS_WATCH").is_some();
        let rate_limit = Arc::new(AuthRateLimit::per_minute(config.auth_rate_limit_per_minute));
        AuthRateLimit::spawn_pruning(&rate_limit);
        let session = domain::sessions::session_layer(
            state.sessions().clone(),
            &config.session_settings(state.urls()),
        );
        let site = |name: &str| {
            let root = config.site_root.join(name);
            let assets = StaticAssets::new(&root, !watching);
            (options(&root, &assets, config.addr, watching), assets)
        };
        let (landing_options, landing_assets) = site("landing");
        let (docs_options, docs_assets) = site("docs");
        let (beta_options, beta_assets) = site("beta");
        let landing_cache = PageCache::new();
        let docs_cache = PageCache::new();
        Self {
            base_domain: config.base_domain.clone(),
            landing_cache: landing_cache.clone(),
            docs_cache: docs_cache.clone(),
            landing: site_router(
                Site::Landing,
                state,
                landing_options,
                landing_assets,
                landing::LandingApp,
                landing::shell,
                Router::new(),
            )
            .layer(session.clone())
            .layer(from_fn_with_state(rate_limit.clone(), auth_rate_limit))
            .layer(from_fn_with_state(landing_cache, serve_cached)),
            docs: site_router(
                Site::Docs,
                state,
                docs_options,
                docs_assets,
                docs::DocsApp,
                docs::shell,
                Router::new(),
            )
            .layer(session.clone())
            .layer(from_fn_with_state(rate_limit.clone(), auth_rate_limit))
            .layer(from_fn_with_state(docs_cache, serve_cached)),
            beta: site_router(
                Site::Beta,
                state,
                beta_options.clone(),
                beta_assets.clone(),
                app::beta::App,
                app::beta::shell,
                // Single sign-on, dataset uploads (which stream past the server
                // functions' body limit), results downloads (saved as files) and the live
                // event stream: plain routes, inside the session layer and the same-origin
                // check like everything else.
                app::auth::ssr::oidc::routes(state.auth().clone(), state.urls().clone())
                    .merge(super::datasets::routes(state))
                    .merge(super::results_export::routes(state))
                    .merge(super::profile_export::routes(state))
                    .merge(super::live::routes(state)),
            )
            .layer(session.clone())
            .layer(from_fn_with_state(rate_limit.clone(), auth_rate_limit)),
            // The admin section is part of the product build: same bundle, own root.
            admin: site_router(
                Site::Admin,
                state,
                beta_options,
                beta_assets,
                app::admin::AdminApp,
                app::admin::shell,
                // The login page offers single sign-on here too; the product app runs it.
                // The fleet section downloads results and follows every user's changes.
                app::auth::ssr::oidc::admin_routes(state.urls().clone())
                    .merge(super::results_export::routes(state))
                    .merge(super::profile_export::routes(state))
                    .merge(super::live::admin_routes(state)),
            )
            .layer(session)
            .layer(from_fn_with_state(rate_limit, auth_rate_limit)),
        }
    }

    /// The page caches, for the fast path in front of everything.
    pub fn cached_sites(&self, policy: Arc<SecurityPolicy>) -> CachedSites {
        CachedSites {
            base_domain: self.base_domain.clone(),
            landing: self.landing_cache.clone(),
            docs: self.docs_cache.clone(),
            policy,
        }
    }

    fn router(&self, site: Site) -> Router {
        match site {
            Site::Landing => self.landing.clone(),
            Site::Docs => self.docs.clone(),
            Site::Beta => self.beta.clone(),
            Site::Admin => self.admin.clone(),
        }
    }
}

fn options(
    root: &Path,
    assets: &StaticAssets,
    addr: std::net::SocketAddr,
    watching: bool,
) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(root.to_string_lossy().into_owned())
        .site_pkg_dir(assets.pkg_dir())
        .site_addr(addr)
        .env(if watching { Env::DEV } else { Env::PROD })
        .build()
}

/// Hands the request to the router of the site its host names.
pub async fn dispatch(State(sites): State<Arc<Sites>>, request: Request) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| request.uri().host())
        .unwrap_or_default();
    let site = Site::from_host(host, &sites.base_domain);
    tracing::Span::current().record("site", site.key());
    match sites.router(site).oneshot(request).await {
        Ok(response) => response,
        Err(infallible) => match infallible {},
    }
}

/// What every render and server function of a site gets in context.
fn request_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let urls = state.urls().clone();
    let database = state.database().clone();
    let auth = state.auth().clone();
    let edge = state.edge().clone();
    let docs_settings = docs::DocsSettings {
        edit_url: state.config().docs_edit_url.clone(),
    };
    move || {
        provide_context(urls.clone());
        provide_context(docs_settings.clone());
        provide_context(database.clone());
        provide_context(auth.clone());
        provide_context(edge.clone());
        provide_context(app::auth::ssr::guard::RequestCaller::default());
        let nonce = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
        // Pages without a request nonce (landing and docs, served from the page cache)
        // are shared by every visitor: their inline scripts are allowed by hash, and the
        // random nonce Leptos would otherwise render into them must not be baked in.
        let nonce = nonce.map_or_else(|| Arc::from(""), |CspNonce(nonce)| nonce);
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// Each site's route list, generated once per process.
///
/// Generating it renders the whole app in a throwaway reactive root. Doing that while
/// another server in the same process renders pages (several servers run side by side in
/// the test suite) can leave a page's suspense waiting forever; once per process, before
/// anything is served, is also all a real server needs.
fn route_list<A, AV>(site: Site, app: A) -> Vec<AxumRouteListing>
where
    A: Fn() -> AV + Clone + Send + Sync + 'static,
    AV: IntoView + 'static,
{
    static ROUTES: [OnceLock<Vec<AxumRouteListing>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    static GENERATING: Mutex<()> = Mutex::new(());
    let slot = &ROUTES[site as usize];
    if let Some(routes) = slot.get() {
        return routes.clone();
    }
    let _one_at_a_time = GENERATING.lock().unwrap_or_else(PoisonError::into_inner);
    slot.get_or_init(|| generate_route_list(app)).clone()
}

fn site_router<A, AV, SV>(
    site: Site,
    state: &AppState,
    options: LeptosOptions,
    assets: StaticAssets,
    app: A,
    shell: fn(LeptosOptions) -> SV,
    plain_routes: Router,
) -> Router
where
    A: Fn() -> AV + Clone + Send + Sync + 'static,
    AV: IntoView + 'static,
    SV: IntoView + 'static,
{
    let routes = route_list(site, app.clone());
    let context = request_context(state);
    let render = {
        let options = options.clone();
        move || shell(options.clone())
    };
    let not_found_page =
        leptos_axum::render_app_to_stream_with_context(context.clone(), render.clone());
    Router::new()
        .leptos_routes_with_context(&options, routes, context, render)
        .fallback(move |request: Request<Body>| not_found_page(request))
        .with_state(options)
        .merge(seo::routes(site, state.urls()))
        .merge(plain_routes)
        // Files first, so a route such as `/{slug}` never shadows `/favicon.svg`.
        .layer(from_fn_with_state(assets, files_first))
        .layer(from_fn_with_state(
            Arc::new(OwnOrigins::new(state.urls())),
            same_origin,
        ))
}
