//! The docs host's pages, rendered on the server only.

mod blog;
mod chrome;
mod doc_page;
mod not_found;
mod search_page;
mod sidebar;

use app::site::Site;
use app::ui::Document;
use leptos::prelude::*;
use leptos_meta::{Link, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::path;

use crate::content::library;

/// Settings of the docs site, provided by the server in every request's context.
#[derive(Clone, Debug, Default)]
pub struct DocsSettings {
    /// Base of the "Edit this page" links; the source path is appended. `None` hides them.
    pub edit_url: Option<String>,
}

/// The server-rendered document for the docs host.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <Document options site=Site::Docs>
            <DocsApp />
        </Document>
    }
}

/// The docs site: one catch-all route, resolved against the compiled-in content.
#[component]
pub fn DocsApp() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|title: String| format!("{title} · LuckyPlans Docs") />
        <Link rel="alternate" type_="application/atom+xml" title="LuckyPlans blog (Atom)" href="/blog/atom.xml" />
        <Link rel="alternate" type_="application/rss+xml" title="LuckyPlans blog (RSS)" href="/blog/rss.xml" />
        <Router>
            <chrome::DocsHeader />
            <main id="main" tabindex="-1" class="flex-1">
                <Routes fallback=not_found::DocsNotFound>
                    <Route path=path!("/") view=Resolve />
                    <Route path=path!("/*path") view=Resolve />
                </Routes>
            </main>
            <app::ui::SiteFooter />
        </Router>
    }
}

/// What a docs URL shows.
enum Target {
    Doc(usize),
    BlogIndex(usize),
    Tags,
    Tag(&'static str),
    Post(&'static crate::content::Post),
    Search,
    Missing,
}

fn resolve(path: &str) -> Target {
    let Some(library) = library() else {
        return Target::Missing;
    };
    let path = path.trim_matches('/');
    let segments: Vec<&str> = path.split('/').collect();
    match segments.as_slice() {
        ["blog"] => Target::BlogIndex(1),
        ["blog", "page", n] => match n.parse::<usize>() {
            Ok(page) if page >= 2 && page <= crate::content::page_count(library.posts.len()) => {
                Target::BlogIndex(page)
            }
            _ => Target::Missing,
        },
        ["blog", "tags"] => Target::Tags,
        ["blog", "tags", tag] => library
            .posts
            .iter()
            .flat_map(|post| &post.tags)
            .find(|known| known == tag)
            .map_or(Target::Missing, |known| Target::Tag(known)),
        ["blog", slug] => library.post(slug).map_or(Target::Missing, Target::Post),
        ["search"] => Target::Search,
        _ => library
            .page(&format!("/{path}"))
            .map_or(Target::Missing, |(index, _)| Target::Doc(index)),
    }
}

#[component]
fn Resolve() -> impl IntoView {
    let params = use_params_map();
    let path = params.read_untracked().get("path").unwrap_or_default();
    match resolve(&path) {
        Target::Doc(index) => view! { <doc_page::DocPage index /> }.into_any(),
        Target::BlogIndex(page) => view! { <blog::BlogIndex page /> }.into_any(),
        Target::Tags => view! { <blog::TagList /> }.into_any(),
        Target::Tag(tag) => view! { <blog::TagPage tag /> }.into_any(),
        Target::Post(post) => view! { <blog::PostPage post /> }.into_any(),
        Target::Search => view! { <search_page::SearchPage /> }.into_any(),
        Target::Missing => view! { <not_found::DocsNotFound /> }.into_any(),
    }
}
