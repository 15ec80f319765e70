//! The 404 page, answered with status 404 by the server.

use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any path a site does not have. Sets the response status to 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="container-narrow py-24 text-center" aria-labelledby="not-found-title">
            <p class="eyebrow">"404"</p>
            <h1 id="not-found-title" class="display-2 mt-2">
                "This page does not exist"
            </h1>
            <p class="lead mt-4">
                "The link may be old or mistyped. Everything that exists is one click from the home page."
            </p>
            <p class="mt-8">
                <a class="btn btn-primary" href="/">
                    "Back to the home page"
                </a>
            </p>
        </section>
    }
}
