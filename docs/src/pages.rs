//! The docs page layout: sidebar, article and previous/next links.

use app::ui::NotFound;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::content::{PAGES, PageMeta, doc_page, find_page};

fn href(page: &PageMeta) -> String {
    format!("/{}", page.slug)
}

/// Any docs URL: a known page, or the 404 page.
#[component]
pub fn DocRoute() -> impl IntoView {
    let params = use_params_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    match find_page(&slug) {
        Some(meta) => Either::Left(view! { <DocLayout meta=*meta /> }),
        None => Either::Right(view! { <NotFound /> }),
    }
}

#[component]
fn DocLayout(meta: PageMeta) -> impl IntoView {
    let page = Resource::new_blocking(move || meta.slug.to_owned(), doc_page);
    let position = PAGES.iter().position(|p| p.slug == meta.slug).unwrap_or(0);
    let previous = position.checked_sub(1).and_then(|i| PAGES.get(i));
    let next = PAGES.get(position + 1);
    view! {
        <Title text=meta.title />
        <Meta name="description" content=meta.description />
        <div class="container-wide grid gap-10 py-10 lg:grid-cols-[14rem_minmax(0,1fr)]">
            <aside aria-label="Documentation">
                <nav class="docs-sidebar">
                    <p class="eyebrow">"Documentation"</p>
                    <ul class="mt-3 space-y-1">
                        {PAGES
                            .iter()
                            .map(|page| {
                                let current = (page.slug == meta.slug).then_some("page");
                                view! {
                                    <li>
                                        <a class="sidebar-link" href=href(page) aria-current=current>
                                            {page.title}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
            </aside>
            <div class="min-w-0">
                <Suspense fallback=|| {
                    view! { <p class="text-muted" role="status">"Loading the page..."</p> }
                }>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(Some(page)) => {
                                Either::Left(
                                    view! { <article class="prose-doc" inner_html=page.html></article> },
                                )
                            }
                            _ => {
                                Either::Right(
                                    view! {
                                        <div class="alert" role="alert">
                                            "This page could not be loaded. Reload to try again."
                                        </div>
                                    },
                                )
                            }
                        }
                    })}
                </Suspense>
                <nav class="mt-12 flex justify-between gap-4 border-t border-line pt-6" aria-label="Previous and next page">
                    {previous
                        .map(|page| {
                            view! {
                                <a class="pager-link" href=href(page) rel="prev">
                                    <span class="text-muted text-sm">"Previous"</span>
                                    <span>{page.title}</span>
                                </a>
                            }
                        })}
                    {next
                        .map(|page| {
                            view! {
                                <a class="pager-link ml-auto text-right" href=href(page) rel="next">
                                    <span class="text-muted text-sm">"Next"</span>
                                    <span>{page.title}</span>
                                </a>
                            }
                        })}
                </nav>
            </div>
        </div>
    }
}
