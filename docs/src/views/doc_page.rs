//! A documentation page: sidebar, article, table of contents, previous/next links.

use app::site::Site;
use app::ui::{Icon, IconKind, SeoMeta};
use chrono::NaiveDate;
use leptos::prelude::*;

use super::DocsSettings;
use super::sidebar::{Sidebar, Toc, TocMenu};
use crate::content::library;

/// `22 November 2026`.
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The "Edit this page" URL for a source file, when the site has an edit base.
pub fn edit_url(source_path: &str) -> Option<String> {
    use_context::<DocsSettings>()
        .and_then(|settings| settings.edit_url)
        .filter(|base| !base.is_empty())
        .map(|base| format!("{}/{source_path}", base.trim_end_matches('/')))
}

#[component]
pub fn DocPage(index: usize) -> impl IntoView {
    let library = library()?;
    let page = library.pages.get(index)?;
    let previous = index.checked_sub(1).and_then(|i| library.pages.get(i));
    let next = library.pages.get(index + 1);
    let edit = edit_url(page.source_path);
    Some(view! {
        <SeoMeta
            site=Site::Docs
            path=page.url.clone()
            title=page.title.clone()
            description=page.description.clone()
        />
        <div class="docs-layout container-wide">
            <Sidebar current=&page.url />
            <article class="docs-article" aria-labelledby="page-title">
                <header>
                    <h1 id="page-title" class="display-2">
                        {page.title.clone()}
                    </h1>
                    <p class="lead mt-3">{page.description.clone()}</p>
                </header>
                <TocMenu entries=&page.toc />
                <div class="prose-doc mt-8" inner_html=page.html.clone()></div>
                <PageFooter updated=page.updated edit />
                <Pager
                    label="Previous and next page"
                    previous=previous.map(|page| ("Previous", page.url.as_str(), page.title.as_str()))
                    next=next.map(|page| ("Next", page.url.as_str(), page.title.as_str()))
                />
            </article>
            <Toc entries=&page.toc />
        </div>
    })
}

/// A neighbour in reading order: caption ("Previous"), URL and title.
pub type Neighbour = (&'static str, &'static str, &'static str);

/// Links to the neighbours of a page or post.
#[component]
pub fn Pager(
    label: &'static str,
    previous: Option<Neighbour>,
    next: Option<Neighbour>,
) -> impl IntoView {
    let link = |(caption, href, title): Neighbour, rel: &'static str, class: &'static str| {
        view! {
            <a class=class href=href rel=rel>
                <span class="text-muted text-sm">{caption}</span>
                <span>{title}</span>
            </a>
        }
    };
    view! {
        <nav class="pager" aria-label=label>
            {previous.map(|neighbour| link(neighbour, "prev", "pager-link"))}
            {next.map(|neighbour| link(neighbour, "next", "pager-link ml-auto text-right"))}
        </nav>
    }
}

/// Last updated date and the edit link under a page or post.
#[component]
pub fn PageFooter(updated: Option<NaiveDate>, edit: Option<String>) -> impl IntoView {
    view! {
        <div class="page-footer">
            {edit
                .map(|href| {
                    view! {
                        <a class="link-quiet inline-flex items-center gap-1.5" href=href>
                            <Icon kind=IconKind::Edit class="size-4" />
                            "Edit this page"
                        </a>
                    }
                })}
            {updated
                .map(|date| {
                    view! {
                        <p class="ml-auto">
                            "Last updated on "
                            <time datetime=date.to_string()>{long_date(date)}</time>
                        </p>
                    }
                })}
        </div>
    }
}
