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
    PASSWORD, Setup, TestApp, audit_count, count, location, me, page, register, session_cookie,
    spawn_app, spawn_app_with,
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

    fn settings(&self, role_claim: Option<&str>) -> app::auth::ssr::oidc::OidcSettings {
        app::auth::ssr::oidc::OidcSettings {
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

/// Brings the provider's answer to the app's callback; returns the response.
async fn back_at_app(app: &TestApp, callback: &Url, cookie: &str) -> reqwest::Response {
    assert_eq!(callback.path(), "/auth/oidc/callback");
    assert_eq!(callback.host_str(), Some("beta.localhost"));
    let path = format!(
        "{}?{}",
        callback.path(),
        callback.query().unwrap_or_default()
    );
    page(app, "beta.localhost", &path, Some(cookie)).await
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
async fn a_verified_email_links_the_existing_account_and_roles_follow_the_claim() {
    let provider = Provider::start();
    let app = app_with_provider(&provider, Some("realm_access.roles")).await;
    let password_session = register(&app, "admin-carol@example.test").await;
    let existing = me(&app, &password_session).await;

    let cookie = sign_in_with_provider(&app, "admin-carol").await;
    let carol = me(&app, &cookie).await;
    assert_eq!(carol["id"], existing["id"], "linked, not duplicated");
    assert_eq!(carol["role"], "admin", "realm_access.roles contains admin");
    assert_eq!(audit_count(&app, "role_change").await, 1);
    let linked = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'oidc_linked' AND details LIKE $1",
        "%\"created\":false%",
    )
    .await;
    assert_eq!(linked, 1);

    // A provider user without the role is a plain user.
    let bob = sign_in_with_provider(&app, "bob").await;
    assert_eq!(me(&app, &bob).await["role"], "user");

    // The password still works for the linked account.
    let response = crate::helpers::post(
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
    let replay = back_at_app(&app, &callback, &signed_in).await;
    assert_eq!(location(&replay), "/login?error=provider_expired");

    // A disabled account cannot come in through the provider either.
    let dora_id = me(&app, &signed_in).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let auth = app.app_state.auth();
    let client = app::auth::ssr::request::ClientInfo::default();
    let actor = app::auth::ssr::accounts::Actor {
        user_id: None,
        client: &client,
        via: "cli",
    };
    app::auth::ssr::accounts::set_status(
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
    let settings = app::auth::ssr::oidc::OidcSettings {
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
