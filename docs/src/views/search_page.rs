//! `/search?q=…`: search results rendered on the server, for browsers without
//! JavaScript and for links to a search.

use app::site::Site;
use app::ui::SeoMeta;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::content::library;
use crate::model::{MAX_QUERY_CHARS, SearchHit};
use crate::search::MAX_HITS;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map()
        .read_untracked()
        .get("q")
        .unwrap_or_default();
    let query = query
        .trim()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect::<String>();
    let hits = library()
        .map(|library| library.search.search(&query, MAX_HITS))
        .unwrap_or_default();
    let title = if query.is_empty() {
        "Search".to_owned()
    } else {
        format!("Search: {query}")
    };
    view! {
        <SeoMeta site=Site::Docs path="/search" title description="Search the LuckyPlans documentation and blog." />
        <Meta name="robots" content="noindex" />
        <div class="container-narrow py-10 sm:py-14">
            <h1 id="page-title" class="display-2">
                "Search"
            </h1>
            <SearchForm query=query.clone() />
            <SearchResults query hits />
        </div>
    }
}

/// A search form that posts to this page; used here and on the 404 page.
#[component]
pub fn SearchForm(#[prop(optional)] query: String) -> impl IntoView {
    view! {
        <form
            action="/search"
            method="get"
            role="search"
            aria-label="Search again"
            class="mt-6 flex gap-2"
        >
            <label for="page-search" class="sr-only">
                "Search docs and blog"
            </label>
            <input
                id="page-search"
                name="q"
                type="search"
                class="input"
                value=query
                placeholder="For example: enrollment token"
                maxlength="200"
            />
            <button type="submit" class="btn btn-primary">
                "Search"
            </button>
        </form>
    }
}

#[component]
fn SearchResults(query: String, hits: Vec<SearchHit>) -> impl IntoView {
    if query.is_empty() {
        return view! {
            <p class="mt-6 text-muted">"Search titles, headings and text of every documentation page and blog post."</p>
        }
            .into_any();
    }
    if hits.is_empty() {
        return view! {
            <div class="card mt-8" role="status">
                <p class="font-semibold">{format!("Nothing matches “{query}”.")}</p>
                <p class="mt-2 text-muted">
                    "Try fewer or different words, or start from "
                    <a class="link" href="/">"the introduction"</a>
                    "."
                </p>
            </div>
        }
        .into_any();
    }
    let count = hits.len();
    view! {
        <p class="mt-6 text-sm text-muted" role="status">
            {if count == 1 { "1 result".to_owned() } else { format!("{count} results") }}
        </p>
        <ol class="mt-4 space-y-3">
            {hits
                .into_iter()
                .map(|hit| {
                    view! {
                        <li>
                            <a class="search-hit" href=hit.url.clone()>
                                <span class="search-hit-title">
                                    <span class="badge-muted">{hit.kind.label()}</span>
                                    <span>{hit.title.clone()}</span>
                                    {hit.heading.clone().map(|heading| view! { <span class="text-muted">{format!("› {heading}")}</span> })}
                                </span>
                                <span class="search-hit-snippet" inner_html=hit.snippet.clone()></span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
        .into_any()
}
