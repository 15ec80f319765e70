//! The HTML document every site renders around its app.

use leptos::prelude::*;
use leptos_meta::MetaTags;

use crate::site::{Site, use_site_urls};

/// The product's name as shown to people.
pub const SITE_NAME: &str = "LuckyPlans";

/// The `<html>` shell shared by all sites: theme class, site URLs for the client,
/// hydration scripts, the stylesheet and the app itself.
#[component]
pub fn Document(options: LeptosOptions, site: Site, children: Children) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let theme = super::theme::request_theme().map(super::theme::Theme::class);
    #[cfg(not(feature = "ssr"))]
    let theme: Option<&'static str> = None;

    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html
            lang="en"
            class=theme
            data-site=site.key()
            data-origin=use_site_urls().to_attribute()
        >
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="theme-color" content="#4338ca" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/apple-touch-icon.png" />
                <link rel="manifest" href="/site.webmanifest" />
                <link rel="stylesheet" href=stylesheet />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="flex min-h-dvh flex-col bg-canvas text-fg antialiased">{children()}</body>
        </html>
    }
}
