//! Sign-in through a real OpenID Connect provider: the npm `oidc-provider` started from
//! `end2end/oidc/provider.mjs` (installed by `scripts/setup`). The test plays the browser:
//! it follows the app's redirect, fills in the provider's own login and consent forms,
//! and brings the answer back to the app's callback.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::Url;
use reqwest::header::LOCATION;
use reqwest::redirect::Policy;
use secrecy::SecretString;

use crate::helpers::{
    PASSWORD, Setup, TestApp, audit_count, count, location, me, page, post, register,
    session_cookie, spawn_app, spawn_app_with,
};

/// The provider process, stopped when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    fn start() -> Self {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut child = Command::new("node")
            .arg(root.join("end2end/oidc/provider.mjs"))
            .current_dir(&root)
            .env("OIDC_PORT", "0")
            .env("OIDC_REDIRECT_ANY_PORT", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs end2end/oidc/provider.mjs (scripts/setup installs oidc-provider)");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the provider prints where it listens");
        let issuer = line
            .trim()
            .rsplit(' ')
            .next()
            .filter(|url| url.starts_with("http://"))
            .unwrap_or_else(|| panic!("the provider did not start: {line:?}"))
            .to_owned();
        Self { child, issuer }
    }

    fn settings(&self, role_claim: Option<&str>) -> domain::oidc::OidcSettings {
        domain::oidc::OidcSettings {
            issuer_url: self.issuer.clone(),
            client_id: "luckyplans".to_owned(),
            client_secret: SecretString::from("luckyplans-test-secret"),
            scopes: vec!["email".to_owned(), "profile".to_owned()],
            display_name: "Test SSO".to_owned(),
            role_claim: role_claim.map(str::to_owned),
            admin_role: "admin".to_owned(),
        }
    }
}

async fn app_with_provider(provider: &Provider, role_claim: Option<&str>) -> TestApp {
    spawn_app_with(Setup {
        oidc: Some(provider.settings(role_claim)),
        ..Setup::default()
    })
    .await
}

/// What the provider finally sends the browser to, after `login` signs in there and
/// consents (or cancels).
async fn at_provider(authorize_url: &str, login: &str, consent: bool) -> Url {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client");
    let mut url = Url::parse(authorize_url).expect("authorize URL");
    let provider = url.origin();
    let mut form: Option<Vec<(&str, String)>> = None;
    for _ in 0..12 {
        let request = match form.take() {
            Some(fields) => http.post(url.clone()).form(&fields),
            None => http.get(url.clone()),
        };
        let response = request.send().await.expect("the provider answers");
        match response.status().as_u16() {
            302 | 303 => {
                let next = url
                    .join(response.headers()[LOCATION].to_str().expect("ascii"))
                    .expect("location");
                if next.origin() != provider {
                    return next;
                }
                url = next;
            }
            200 => {
                let html = response.text().await.expect("page");
                if html.contains(r#"name="prompt" value="login""#) {
                    form = Some(vec![
                        ("prompt", "login".into()),
                        ("login", login.into()),
                        ("password", "anything".into()),
                    ]);
                } else if html.contains(r#"name="prompt" value="consent""#) {
                    if consent {
                        form = Some(vec![("prompt", "consent".into())]);
                    } else {
                        url = Url::parse(&format!("{url}/abort")).expect("abort URL");
                    }
                } else {
                    panic!("unexpected provider page: {html}");
                }
            }
            status => panic!("the provider answered {status} at {url}"),
        }
    }
    panic!("too many hops at the provider");
}

/// Starts a sign-in at the app; returns the provider URL and the app's session cookie.
async fn start(app: &TestApp, return_to: &str) -> (String, String) {
    let response = page(
        app,
        "beta.localhost",
        &format!("/auth/oidc/start?returnTo={return_to}"),
        None,
    )
    .await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let cookie = session_cookie(&response).expect("the pending sign-in lives in the session");
    (location(&response), cookie)
}

/// Brings the provider's answer to the app's callback, as the browser does when the
/// provider redirects it (a cross-site top-level navigation); returns the response.
async fn back_at_app(app: &TestApp, callback: &Url, cookie: &str) -> reqwest::Response {
    assert_eq!(callback.path(), "/auth/oidc/callback");
    assert_eq!(callback.host_str(), Some("beta.localhost"));
    let path = format!(
        "{}?{}",
        callback.path(),
        callback.query().unwrap_or_default()
    );
    app.get("beta.localhost", &path)
        .header("accept", "text/html")
        .header("sec-fetch-site", "cross-site")
        .header("sec-fetch-mode", "navigate")
        .header("cookie", cookie)
        .send()
        .await
        .expect("callback")
}

/// A new session a response gives the browser in place of `sent`, if any: a removal cookie
/// (empty value) or `sent` saved again under its own id are not new sessions.
fn issued_session(response: &reqwest::Response, sent: &str) -> Option<String> {
    session_cookie(response).filter(|cookie| cookie != "lp_session=" && cookie != sent)
}

/// A whole sign-in as `login`; returns the new session cookie.
async fn sign_in_with_provider(app: &TestApp, login: &str) -> String {
    let (authorize, cookie) = start(app, "/account").await;
    let callback = at_provider(&authorize, login, true).await;
    let response = back_at_app(app, &callback, &cookie).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(location(&response), "/account");
    let signed_in = session_cookie(&response).expect("a new session");
    assert_ne!(signed_in, cookie, "a fresh session id at sign-in");
    signed_in
}

#[tokio::test]
async fn the_whole_flow_creates_an_account_once_and_signs_it_in() {
    let provider = Provider::start();
    let app = app_with_provider(&provider, None).await;

    let (authorize, _) = start(&app, "/account").await;
    let url = Url::parse(&authorize).expect("url");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert!(authorize.starts_with(&format!("{}/auth?", provider.issuer)));
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], "luckyplans");
    assert_eq!(query["code_challenge_method"], "S256");
    assert!(query.contains_key("state") && query.contains_key("nonce"));
    assert!(query["scope"].contains("openid") && query["scope"].contains("email"));

    let cookie = sign_in_with_provider(&app, "alice").await;
    let alice = me(&app, &cookie).await;
    assert_eq!(alice["email"], "alice@example.test");
    assert_eq!(alice["display_name"], "Alice");
    assert_eq!(alice["role"], "user");

    // The second sign-in finds the linked account.
    let again = sign_in_with_provider(&app, "alice").await;
    assert_eq!(me(&app, &again).await["id"], alice["id"]);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users WHERE email LIKE $1", "%").await,
        1
    );
    assert_eq!(audit_count(&app, "oidc_linked").await, 1);
    assert_eq!(audit_count(&app, "sign_in").await, 2);
    let via_provider = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in' AND details LIKE $1",
        "%\"method\":\"oidc\"%",
    )
    .await;
    assert_eq!(via_provider, 2);

    // The login page offers the provider.
    let html = page(&app, "beta.localhost", "/login", None)
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("Sign in with Test SSO"), "{html}");
    assert!(html.contains("href=\"/auth/oidc/start\""), "{html}");
}

#[tokio::test]
async fn an_account_registered_first_with_the_victims_email_is_never_handed_the_victims_sign_on() {
    let provider = Provider::start();
    let app = app_with_provider(&provider, Some("realm_access.roles")).await;
    // The attacker registers the victim's address first, with their own password. The
    // victim is an administrator at the provider.
    let attacker = register(&app, "admin-victim@example.test").await;
    let attacker_account = me(&app, &attacker).await;

    // The victim signs in with single sign-on for the first time.
    let (authorize, cookie) = start(&app, "/account").await;
    let callback = at_provider(&authorize, "admin-victim", true).await;
    let response = back_at_app(&app, &callback, &cookie).await;
    assert_eq!(
        location(&response),
        "/login?error=provider_account_exists&returnTo=/account"
    );
    assert!(
        issued_session(&response, &cookie).is_none(),
        "no session was issued"
    );
    assert!(me(&app, &cookie).await.is_null(), "not signed in");
    let html = page(
        &app,
        "beta.localhost",
        "/login?error=provider_account_exists",
        None,
    )
    .await
    .text()
    .await
    .expect("html");
    assert!(
        html.contains("then link the provider from your account page"),
        "{html}"
    );

    // The attacker's account got nothing: no link, no role, no sign-in.
    let identities = count(
        &app,
        "SELECT COUNT(*) FROM user_identities WHERE user_id = $1",
        attacker_account["id"].as_str().expect("id"),
    )
    .await;
    assert_eq!(identities, 0);
    assert_eq!(me(&app, &attacker).await["role"], "user");
    assert_eq!(audit_count(&app, "role_change").await, 0);
    assert_eq!(audit_count(&app, "oidc_linked").await, 0);
    let via_provider = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in' AND details LIKE $1",
        "%\"method\":\"oidc\"%",
    )
    .await;
    assert_eq!(via_provider, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users WHERE email LIKE $1", "%").await,
        1,
        "no second account either"
    );
}

/// A same-origin form post to the account page's link route.
fn link_post(app: &TestApp) -> reqwest::RequestBuilder {
    let port = app.addr.port();
    app.client
        .post(app.url("/auth/oidc/link"))
        .header("host", format!("beta.localhost:{port}"))
        .header("origin", format!("http://beta.localhost:{port}"))
}

/// Links the provider to the account `cookie` is signed in to, as `login` at the provider;
/// returns the app's final answer.
async fn link(app: &TestApp, cookie: &str, login: &str) -> reqwest::Response {
    let response = link_post(app)
        .header("cookie", cookie)
        .send()
        .await
        .expect("link");
    assert_eq!(response.status(), 303, "{:?}", response.text().await);
    let callback = at_provider(&location(&response), login, true).await;
    back_at_app(app, &callback, cookie).await
}

#[tokio::test]
async fn the_owner_links_the_provider_from_the_account_page_and_then_roles_follow_the_claim() {
    let provider = Provider::start();
    let app = app_with_provider(&provider, Some("realm_access.roles")).await;
    let password_session = register(&app, "admin-carol@example.test").await;
    let existing = me(&app, &password_session).await;
    let html = page(&app, "beta.localhost", "/account", Some(&password_session))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("Link Test SSO"), "{html}");
    assert!(html.contains("action=\"/auth/oidc/link\""), "{html}");

    let linked = link(&app, &password_session, "admin-carol").await;
    assert_eq!(location(&linked), "/account?linked=1");
    assert!(
        issued_session(&linked, &password_session).is_none(),
        "linking keeps the session"
    );
    assert_eq!(me(&app, &password_session).await["id"], existing["id"]);
    let html = page(
        &app,
        "beta.localhost",
        "/account?linked=1",
        Some(&password_session),
    )
    .await
    .text()
    .await
    .expect("html");
    assert!(html.contains("data-testid=\"linked-identities\""), "{html}");
    assert!(!html.contains("Link Test SSO"), "{html}");

    // Now single sign-on reaches the account, and the role claim applies.
    let cookie = sign_in_with_provider(&app, "admin-carol").await;
    let carol = me(&app, &cookie).await;
    assert_eq!(carol["id"], existing["id"], "linked, not duplicated");
    assert_eq!(carol["role"], "admin", "realm_access.roles contains admin");
    assert_eq!(audit_count(&app, "role_change").await, 1);
    let linked_from_account = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'oidc_linked' AND details LIKE $1",
        "%\"via\":\"account\"%",
    )
    .await;
    assert_eq!(linked_from_account, 1);

    // A provider user without the role is a plain user.
    let bob = sign_in_with_provider(&app, "bob").await;
    assert_eq!(me(&app, &bob).await["role"], "user");

    // The password still works for the linked account.
    let response = post(
        &app,
        "login",
        &[
            ("email", "admin-carol@example.test"),
            ("password", PASSWORD),
        ],
        None,
    )
    .await;
    assert_eq!(response.status(), 200);

    // Bob's identity belongs to Bob: nobody else can link it.
    let dave = register(&app, "dave@example.test").await;
    let refused = link(&app, &dave, "bob").await;
    assert_eq!(
        location(&refused),
        "/account?link_error=provider_already_linked"
    );
    assert_eq!(me(&app, &bob).await["email"], "bob@example.test");
}

#[tokio::test]
async fn linking_needs_a_signed_in_same_site_request() {
    let provider = Provider::start();
    let app = app_with_provider(&provider, None).await;
    let cookie = register(&app, "erin@example.test").await;
    let port = app.addr.port();
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = app
            .client
            .post(app.url("/auth/oidc/link"))
            .header("host", format!("beta.localhost:{port}"))
            .header("cookie", &cookie)
            .header(header, value)
            .send()
            .await
            .expect("link");
        assert_eq!(response.status(), 403, "{header}: {value}");
        assert!(session_cookie(&response).is_none());
    }
    let anonymous = link_post(&app).send().await.expect("link");
    assert_eq!(location(&anonymous), "/login?returnTo=/account");
    assert_eq!(audit_count(&app, "oidc_linked").await, 0);
}

#[tokio::test]
async fn the_admin_login_page_signs_in_with_the_provider_and_comes_back_to_the_admin_host() {
    let provider = Provider::start();
    let app = app_with_provider(&provider, Some("realm_access.roles")).await;
    let port = app.addr.port();
    let html = page(&app, "admin.localhost", "/login?returnTo=/users", None)
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("Sign in with Test SSO"), "{html}");
    assert!(
        html.contains("href=\"/auth/oidc/start?returnTo=/users\""),
        "{html}"
    );

    let handover = page(
        &app,
        "admin.localhost",
        "/auth/oidc/start?returnTo=/users",
        None,
    )
    .await;
    assert!(handover.status().is_redirection(), "{}", handover.status());
    let beta_start = location(&handover);
    assert_eq!(
        beta_start,
        format!("http://beta.localhost:{port}/auth/oidc/start?site=admin&returnTo=/users")
    );
    let response = page(
        &app,
        "beta.localhost",
        beta_start.split_once(&format!(":{port}")).expect("port").1,
        None,
    )
    .await;
    let cookie = session_cookie(&response).expect("a pending sign-in");
    let callback = at_provider(&location(&response), "admin-frank", true).await;
    let back = back_at_app(&app, &callback, &cookie).await;
    assert_eq!(
        location(&back),
        format!("http://admin.localhost:{port}/users")
    );
    // The cookie is shared by the sites in production (one base domain).
    let signed_in = issued_session(&back, &cookie).expect("signed in");
    let users = page(&app, "admin.localhost", "/users", Some(&signed_in)).await;
    assert_eq!(users.status(), 200, "an administrator by the role claim");
}

#[tokio::test]
async fn cancelled_forged_replayed_and_disabled_sign_ins_land_on_the_login_page() {
    let provider = Provider::start();
    let app = app_with_provider(&provider, None).await;

    // Cancelled at the provider.
    let (authorize, cookie) = start(&app, "/account").await;
    let callback = at_provider(&authorize, "dora", false).await;
    assert!(
        callback
            .query()
            .unwrap_or_default()
            .contains("error=access_denied")
    );
    let response = back_at_app(&app, &callback, &cookie).await;
    assert_eq!(
        location(&response),
        "/login?error=provider_denied&returnTo=/account"
    );
    assert!(me(&app, &cookie).await.is_null());
    let html = page(&app, "beta.localhost", "/login?error=provider_denied", None)
        .await
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("Sign-in was cancelled at the identity provider"),
        "{html}"
    );

    // A forged state.
    let (authorize, cookie) = start(&app, "/").await;
    let callback = at_provider(&authorize, "dora", true).await;
    let forged = callback.as_str().replace("state=", "state=x");
    let response = back_at_app(&app, &Url::parse(&forged).expect("url"), &cookie).await;
    assert_eq!(location(&response), "/login?error=provider_expired");
    assert!(
        issued_session(&response, &cookie).is_none(),
        "no session issued"
    );
    assert!(me(&app, &cookie).await.is_null());

    // A callback without a sign-in started in this session.
    let (authorize, _) = start(&app, "/").await;
    let callback = at_provider(&authorize, "dora", true).await;
    let response = back_at_app(&app, &callback, "lp_session=someone-else").await;
    assert_eq!(location(&response), "/login?error=provider_expired");

    // A replayed callback: the pending sign-in was used up.
    let (authorize, cookie) = start(&app, "/").await;
    let callback = at_provider(&authorize, "dora", true).await;
    let first = back_at_app(&app, &callback, &cookie).await;
    let signed_in = session_cookie(&first).expect("signed in");
    assert_eq!(location(&first), "/");
    let sign_ins = audit_count(&app, "sign_in").await;
    let replay = back_at_app(&app, &callback, &signed_in).await;
    assert_eq!(location(&replay), "/login?error=provider_expired");
    assert!(
        issued_session(&replay, &signed_in).is_none(),
        "no session issued"
    );
    assert_eq!(audit_count(&app, "sign_in").await, sign_ins, "no sign-in");
    let replay_elsewhere = back_at_app(&app, &callback, "lp_session=another").await;
    assert!(
        issued_session(&replay_elsewhere, "lp_session=another").is_none(),
        "no session issued"
    );
    assert_eq!(audit_count(&app, "sign_in").await, sign_ins, "no sign-in");

    // A disabled account cannot come in through the provider either.
    let dora_id = me(&app, &signed_in).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let auth = app.app_state.auth();
    let client = app::auth::ssr::request::ClientInfo::default();
    let actor = domain::accounts::manage::Actor {
        user_id: None,
        client: &client,
        via: "cli",
    };
    domain::accounts::manage::set_status(
        auth,
        &actor,
        &dora_id,
        app::admin::model::UserStatus::Disabled,
    )
    .await
    .expect("disable");
    let (authorize, cookie) = start(&app, "/").await;
    let callback = at_provider(&authorize, "dora", true).await;
    let response = back_at_app(&app, &callback, &cookie).await;
    assert_eq!(location(&response), "/login?error=account_disabled");
}

#[tokio::test]
async fn without_a_provider_there_is_no_button_and_start_explains_why() {
    let app = spawn_app().await;
    let response = page(&app, "beta.localhost", "/auth/oidc/start", None).await;
    assert_eq!(location(&response), "/login?error=provider_unavailable");
    let html = page(&app, "beta.localhost", "/login", None)
        .await
        .text()
        .await
        .expect("html");
    assert!(!html.contains("Sign in with"), "{html}");
}

#[tokio::test]
async fn an_unreachable_provider_is_a_readable_error_not_a_crash() {
    let settings = domain::oidc::OidcSettings {
        issuer_url: "http://127.0.0.1:9/realms/gone".to_owned(),
        client_id: "luckyplans".to_owned(),
        client_secret: SecretString::from("secret"),
        scopes: vec![],
        display_name: "Gone".to_owned(),
        role_claim: None,
        admin_role: "admin".to_owned(),
    };
    let app = spawn_app_with(Setup {
        oidc: Some(settings),
        ..Setup::default()
    })
    .await;
    let response = page(
        &app,
        "beta.localhost",
        "/auth/oidc/start?returnTo=/account",
        None,
    )
    .await;
    assert_eq!(
        location(&response),
        "/login?error=provider_unavailable&returnTo=/account"
    );
}
