//! The account corner of pages that are rendered once and served to everyone (landing
//! and docs): the server always writes the signed-out state and a hidden signed-in
//! state; the browser asks `me` and swaps them. Pages stay identical for every visitor,
//! so they can be cached, and people who are signed in still see "Open the app".

use leptos::prelude::*;

use crate::site::{Site, use_site_urls};

/// "Sign in", or the user's name and "Open the app" once the browser knows.
#[component]
pub fn AccountCorner() -> impl IntoView {
    let urls = use_site_urls();
    view! {
        <span data-account="signed-out" class="contents">
            <a class="btn btn-primary btn-sm" href=urls.url(Site::Beta, "/login")>
                "Sign in"
            </a>
        </span>
        <span data-account="signed-in" class="contents" hidden>
            <span class="hidden text-sm text-muted lg:inline" data-testid="signed-in-as" data-account-name></span>
            <a class="btn btn-primary btn-sm" href=urls.url(Site::Beta, "/")>
                "Open the app"
            </a>
        </span>
    }
}
