//! The beta header's account corner.

use leptos::either::Either;
use leptos::prelude::*;

use crate::auth::api::me;
use crate::site::{Site, use_site_urls};

#[component]
pub fn BetaAccountNav() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |()| me());
    // Absolute, because the admin host shows this corner too and has no account pages.
    let urls = use_site_urls();
    let account = urls.url(Site::Beta, "/account");
    let register = urls.url(Site::Beta, "/register");
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (account, register) = (account.clone(), register.clone());
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => Either::Left(view! {
                            <a class="btn btn-secondary btn-sm" href=account data-testid="account-link">
                                {user.display_name}
                            </a>
                        }),
                        _ => Either::Right(view! {
                            <a class="nav-link" href="/login">"Sign in"</a>
                            <a class="btn btn-primary btn-sm" href=register>"Create account"</a>
                        }),
                    }
                })
            }}
        </Suspense>
    }
}
