//! The blog's Atom and RSS feeds, and the list of every URL for the sitemap.

use atom_syndication as atom;
use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::content::{Library, Post, page_count};

/// The feeds' title.
const BLOG_TITLE: &str = "LuckyPlans blog";
const BLOG_SUBTITLE: &str = "News and engineering notes from the LuckyPlans team.";

fn midnight(date: NaiveDate) -> DateTime<FixedOffset> {
    date.and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .fixed_offset()
}

fn last_change(post: &Post) -> NaiveDate {
    post.updated
        .map_or(post.date, |updated| updated.max(post.date))
}

/// The Atom feed; `origin` is the docs site's origin (`https://docs.example.org`).
pub fn atom(library: &Library, origin: &str) -> String {
    let updated = library
        .posts
        .iter()
        .map(last_change)
        .max()
        .map_or_else(|| midnight(NaiveDate::default()), midnight);
    let entries = library
        .posts
        .iter()
        .map(|post| {
            let url = format!("{origin}{}", post.url);
            atom::Entry {
                title: atom::Text::plain(&post.title),
                id: url.clone(),
                updated: midnight(last_change(post)),
                published: Some(midnight(post.date)),
                authors: vec![atom::Person {
                    name: post.author.clone(),
                    ..Default::default()
                }],
                categories: post
                    .tags
                    .iter()
                    .map(|tag| atom::Category {
                        term: tag.clone(),
                        ..Default::default()
                    })
                    .collect(),
                links: vec![atom::Link {
                    href: url,
                    rel: "alternate".to_owned(),
                    mime_type: Some("text/html".to_owned()),
                    ..Default::default()
                }],
                summary: Some(atom::Text::plain(&post.summary)),
                content: Some(atom::Content {
                    value: Some(post.html.clone()),
                    content_type: Some("html".to_owned()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let feed = atom::Feed {
        title: atom::Text::plain(BLOG_TITLE),
        subtitle: Some(atom::Text::plain(BLOG_SUBTITLE)),
        id: format!("{origin}/blog"),
        updated,
        links: vec![
            atom::Link {
                href: format!("{origin}/blog/atom.xml"),
                rel: "self".to_owned(),
                mime_type: Some("application/atom+xml".to_owned()),
                ..Default::default()
            },
            atom::Link {
                href: format!("{origin}/blog"),
                rel: "alternate".to_owned(),
                mime_type: Some("text/html".to_owned()),
                ..Default::default()
            },
        ],
        entries,
        ..Default::default()
    };
    feed.to_string()
}

/// The RSS 2.0 feed.
pub fn rss(library: &Library, origin: &str) -> String {
    let items = library
        .posts
        .iter()
        .map(|post| {
            let url = format!("{origin}{}", post.url);
            rss::Item {
                title: Some(post.title.clone()),
                link: Some(url.clone()),
                description: Some(post.summary.clone()),
                author: None,
                categories: post
                    .tags
                    .iter()
                    .map(|tag| rss::Category {
                        name: tag.clone(),
                        domain: None,
                    })
                    .collect(),
                guid: Some(rss::Guid {
                    value: url,
                    permalink: true,
                }),
                pub_date: Some(midnight(post.date).to_rfc2822()),
                ..Default::default()
            }
        })
        .collect();
    let channel = rss::Channel {
        title: BLOG_TITLE.to_owned(),
        link: format!("{origin}/blog"),
        description: BLOG_SUBTITLE.to_owned(),
        language: Some("en".to_owned()),
        last_build_date: library
            .posts
            .iter()
            .map(last_change)
            .max()
            .map(|date| midnight(date).to_rfc2822()),
        items,
        ..Default::default()
    };
    channel.to_string()
}

/// Every page of the docs host with the date it last changed, for `sitemap.xml`.
pub fn published_urls(library: &Library) -> Vec<(String, Option<NaiveDate>)> {
    let mut urls: Vec<(String, Option<NaiveDate>)> = library
        .pages
        .iter()
        .map(|page| (page.url.clone(), page.updated))
        .collect();
    let newest = library.posts.first().map(last_change);
    urls.push(("/blog".to_owned(), newest));
    for page in 2..=page_count(library.posts.len()) {
        urls.push((format!("/blog/page/{page}"), newest));
    }
    urls.push(("/blog/tags".to_owned(), newest));
    for tag in library.tags() {
        urls.push((format!("/blog/tags/{}", tag.tag), newest));
    }
    urls.extend(
        library
            .posts
            .iter()
            .map(|post| (post.url.clone(), Some(last_change(post)))),
    );
    urls
}
