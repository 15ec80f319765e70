//! Search and sharing metadata for public pages: description, canonical URL, OpenGraph
//! and Twitter cards. Every URL is absolute, built from the configured public origins.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

use super::SITE_NAME;
use crate::site::{Site, use_site_urls};

/// The sharing image, 1200 × 630, served from every site's public folder.
pub const SHARE_IMAGE: &str = "/og.png";

/// `<title>`, description, canonical link and the OpenGraph/Twitter tags of one page.
#[component]
pub fn SeoMeta(
    site: Site,
    /// Path of the page on its site, such as `/guides/accounts`.
    #[prop(into)]
    path: String,
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// `article` for blog posts; `website` otherwise.
    #[prop(default = "website")]
    kind: &'static str,
) -> impl IntoView {
    let urls = use_site_urls();
    let canonical = [urls.origin(site), path].concat();
    let image = urls.url(Site::Landing, SHARE_IMAGE);
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=description.clone() />
        <Link rel="canonical" href=canonical.clone() />
        <Meta property="og:type" content=kind />
        <Meta property="og:site_name" content=SITE_NAME />
        <Meta property="og:title" content=title.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:url" content=canonical />
        <Meta property="og:image" content=image.clone() />
        <Meta property="og:image:width" content="1200" />
        <Meta property="og:image:height" content="630" />
        <Meta name="twitter:card" content="summary_large_image" />
        <Meta name="twitter:title" content=title />
        <Meta name="twitter:description" content=description />
        <Meta name="twitter:image" content=image />
    }
}
