//! The blog: the index with paging, tag pages and posts.

use app::site::Site;
use app::ui::{Icon, IconKind, SeoMeta};
use leptos::prelude::*;

use super::doc_page::{PageFooter, Pager, edit_url, long_date};
use super::sidebar::{Toc, TocMenu};
use crate::content::{POSTS_PER_PAGE, Post, library, page_count};

fn tag_href(tag: &str) -> String {
    format!("/blog/tags/{tag}")
}

fn index_href(page: usize) -> String {
    if page <= 1 {
        "/blog".to_owned()
    } else {
        format!("/blog/page/{page}")
    }
}

#[component]
fn Tags(tags: Vec<String>) -> impl IntoView {
    view! {
        <ul class="flex flex-wrap gap-2" aria-label="Tags">
            {tags
                .into_iter()
                .map(|tag| {
                    view! {
                        <li>
                            <a class="tag" href=tag_href(&tag)>
                                {format!("#{tag}")}
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Date, author and reading time of a post.
#[component]
fn Byline(post: Post) -> impl IntoView {
    view! {
        <p class="byline">
            <time datetime=post.date.to_string()>{long_date(post.date)}</time>
            <span aria-hidden="true">"·"</span>
            <span>{post.author}</span>
            <span aria-hidden="true">"·"</span>
            <span>{format!("{} min read", post.reading_minutes)}</span>
        </p>
    }
}

#[component]
fn PostCard(post: Post) -> impl IntoView {
    view! {
        <li class="card">
            <article aria-labelledby=format!("post-{}", post.slug)>
                <h2 id=format!("post-{}", post.slug) class="title-2">
                    <a class="hover:text-brand" href=post.url.clone()>
                        {post.title.clone()}
                    </a>
                </h2>
                <Byline post=post.clone() />
                <p class="mt-3 text-muted">{post.summary.clone()}</p>
                <div class="mt-4">
                    <Tags tags=post.tags.clone() />
                </div>
            </article>
        </li>
    }
}

#[component]
fn BlogHeader(title: String, lead: String) -> impl IntoView {
    view! {
        <header class="flex flex-wrap items-end justify-between gap-4">
            <div>
                <p class="eyebrow">"Blog"</p>
                <h1 id="page-title" class="display-2 mt-2">
                    {title}
                </h1>
                <p class="lead mt-3 max-w-2xl">{lead}</p>
            </div>
            <p class="flex gap-3 text-sm">
                <a class="link-quiet inline-flex items-center gap-1.5" href="/blog/atom.xml">
                    <Icon kind=IconKind::Rss class="size-4" />
                    "Atom"
                </a>
                <a class="link-quiet inline-flex items-center gap-1.5" href="/blog/rss.xml">
                    <Icon kind=IconKind::Rss class="size-4" />
                    "RSS"
                </a>
            </p>
        </header>
    }
}

#[component]
fn PostList(posts: Vec<Post>) -> impl IntoView {
    if posts.is_empty() {
        return view! { <p class="card mt-10 text-muted">"No posts yet. Subscribe to the feed to hear about the first one."</p> }
            .into_any();
    }
    view! {
        <ul class="mt-10 grid gap-6">
            {posts.into_iter().map(|post| view! { <PostCard post /> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/blog` and `/blog/page/N`.
#[component]
pub fn BlogIndex(page: usize) -> impl IntoView {
    let library = library()?;
    let pages = page_count(library.posts.len());
    let posts: Vec<Post> = library
        .posts
        .iter()
        .skip((page - 1) * POSTS_PER_PAGE)
        .take(POSTS_PER_PAGE)
        .cloned()
        .collect();
    let title = if page == 1 {
        "Blog".to_owned()
    } else {
        format!("Blog, page {page} of {pages}")
    };
    let tags = library.tags();
    Some(view! {
        <SeoMeta
            site=Site::Docs
            path=index_href(page)
            title=title.clone()
            description="News and engineering notes from the LuckyPlans team: releases, design decisions and measurements."
        />
        <div class="container-wide py-10 sm:py-14">
            <BlogHeader
                title="News and engineering notes".to_owned()
                lead="Releases, how LuckyPlans is built, and what we measured along the way.".to_owned()
            />
            <nav aria-label="Blog tags" class="mt-6 flex flex-wrap items-center gap-3">
                <a class="link text-sm" href="/blog/tags">
                    "All tags"
                </a>
                <ul class="flex flex-wrap gap-2">
                    {tags
                        .into_iter()
                        .map(|tag| {
                            view! {
                                <li>
                                    <a class="tag" href=tag_href(&tag.tag)>
                                        {format!("#{} ({})", tag.tag, tag.count)}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <PostList posts />
            <nav class="pagination" aria-label="Blog pages">
                {(page > 1)
                    .then(|| {
                        view! {
                            <a class="btn btn-secondary btn-sm" href=index_href(page - 1) rel="prev">
                                "Newer posts"
                            </a>
                        }
                    })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages)
                    .then(|| {
                        view! {
                            <a class="btn btn-secondary btn-sm" href=index_href(page + 1) rel="next">
                                "Older posts"
                            </a>
                        }
                    })}
            </nav>
        </div>
    })
}

/// `/blog/tags`.
#[component]
pub fn TagList() -> impl IntoView {
    let tags = library()?.tags();
    Some(view! {
        <SeoMeta site=Site::Docs path="/blog/tags" title="Blog tags" description="Every topic of the LuckyPlans blog." />
        <div class="container-wide py-10 sm:py-14">
            <BlogHeader title="Tags".to_owned() lead="Every topic we have written about.".to_owned() />
            <ul class="mt-10 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {tags
                    .into_iter()
                    .map(|tag| {
                        view! {
                            <li>
                                <a class="card flex items-center justify-between hover:border-brand" href=tag_href(&tag.tag)>
                                    <span class="font-semibold">{format!("#{}", tag.tag)}</span>
                                    <span class="badge-muted">
                                        {if tag.count == 1 { "1 post".to_owned() } else { format!("{} posts", tag.count) }}
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    })
}

/// `/blog/tags/{tag}`.
#[component]
pub fn TagPage(tag: &'static str) -> impl IntoView {
    let posts: Vec<Post> = library()?.posts_tagged(tag).into_iter().cloned().collect();
    let count = posts.len();
    Some(view! {
        <SeoMeta
            site=Site::Docs
            path=tag_href(tag)
            title=format!("Posts tagged #{tag}")
            description=format!("Posts of the LuckyPlans blog about {tag}.")
        />
        <div class="container-wide py-10 sm:py-14">
            <BlogHeader
                title=format!("#{tag}")
                lead=if count == 1 { "1 post.".to_owned() } else { format!("{count} posts.") }
            />
            <p class="mt-4 text-sm">
                <a class="link" href="/blog/tags">
                    "All tags"
                </a>
            </p>
            <PostList posts />
        </div>
    })
}

/// `/blog/{slug}`.
#[component]
pub fn PostPage(post: &'static Post) -> impl IntoView {
    let library = library()?;
    let position = library
        .posts
        .iter()
        .position(|known| known.slug == post.slug)?;
    let newer = position.checked_sub(1).and_then(|i| library.posts.get(i));
    let older = library.posts.get(position + 1);
    let edit = edit_url(post.source_path);
    Some(view! {
        <SeoMeta
            site=Site::Docs
            path=post.url.clone()
            title=post.title.clone()
            description=post.description.clone()
            kind="article"
        />
        <div class="docs-layout docs-layout-post container-wide">
            <article class="docs-article" aria-labelledby="page-title">
                <header>
                    <p class="eyebrow">
                        <a href="/blog">"Blog"</a>
                    </p>
                    <h1 id="page-title" class="display-2 mt-2">
                        {post.title.clone()}
                    </h1>
                    <Byline post=post.clone() />
                    <div class="mt-4">
                        <Tags tags=post.tags.clone() />
                    </div>
                </header>
                <TocMenu entries=&post.toc />
                <div class="prose-doc mt-8" inner_html=post.html.clone()></div>
                <PageFooter updated=post.updated edit />
                <Pager
                    label="Newer and older posts"
                    previous=newer.map(|post| ("Newer post", post.url.as_str(), post.title.as_str()))
                    next=older.map(|post| ("Older post", post.url.as_str(), post.title.as_str()))
                />
            </article>
            <Toc entries=&post.toc />
        </div>
    })
}
