//! The docs host's 404 page, with a search form.

use leptos::prelude::*;
use leptos_meta::Title;

use super::search_page::SearchForm;

#[component]
pub fn DocsNotFound() -> impl IntoView {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="container-narrow py-20" aria-labelledby="not-found-title">
            <p class="eyebrow">"404"</p>
            <h1 id="not-found-title" class="display-2 mt-2">
                "This page does not exist"
            </h1>
            <p class="lead mt-4">
                "The page may have moved. Search for it, or start from the introduction or the blog."
            </p>
            <SearchForm />
            <p class="mt-8 flex flex-wrap gap-3">
                <a class="btn btn-secondary" href="/">
                    "Documentation home"
                </a>
                <a class="btn btn-secondary" href="/blog">
                    "Blog"
                </a>
            </p>
        </section>
    }
}
