//! Documentation pages: their list (shared with the browser) and their markdown source
//! (server only, compiled into the binary).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A page's place in the sidebar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageMeta {
    /// URL path segment; `""` is the docs home.
    pub slug: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

/// Every page, in sidebar order.
pub const PAGES: [PageMeta; 9] = [
    PageMeta {
        slug: "",
        title: "Introduction",
        description: "What LuckyPlans is, which sites it serves and how the pieces fit together.",
    },
    PageMeta {
        slug: "getting-started",
        title: "Getting started",
        description: "Run LuckyPlans locally with one command and run the test suite with another.",
    },
    PageMeta {
        slug: "configuration",
        title: "Configuration",
        description: "Every setting, its default and its environment variable.",
    },
    PageMeta {
        slug: "accounts",
        title: "Accounts and security",
        description: "Registering and signing in, sessions, single sign-on with Keycloak or any OpenID Connect provider, password rules, lockout, cross-site request defence and the audit log.",
    },
    PageMeta {
        slug: "administration",
        title: "Administration",
        description: "The first administrator, the user commands, the admin section (users, audit log) and the admin API.",
    },
    PageMeta {
        slug: "strategies",
        title: "Strategies and backtests",
        description: "How a backtest fills trades, the built-in strategies and their parameters, and what each metric means.",
    },
    PageMeta {
        slug: "edge-agents",
        title: "Edge agents",
        description: "Install, onboard and run the edge agent, as a systemd service too; credentials, stopping, and why an agent is offline.",
    },
    PageMeta {
        slug: "edge-api",
        title: "Edge API reference",
        description: "Every /edge/v1 endpoint the edge agent calls, its authentication, bodies and error codes, generated from the protocol's types.",
    },
    PageMeta {
        slug: "operations",
        title: "Operations",
        description: "Health and readiness probes, logs, shutdown, static assets, security headers and measured performance.",
    },
];

pub fn find_page(slug: &str) -> Option<&'static PageMeta> {
    PAGES.iter().find(|page| page.slug == slug)
}

/// A rendered page as sent to the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedDoc {
    pub slug: String,
    pub title: String,
    /// HTML rendered on the server from the page's markdown.
    pub html: String,
}

/// Renders one documentation page. Public: documentation needs no session.
#[server(prefix = "/api", endpoint = "docs/page")]
pub async fn doc_page(slug: String) -> Result<Option<RenderedDoc>, ServerFnError> {
    Ok(source::render(&slug))
}

#[cfg(feature = "ssr")]
mod source {
    use super::{RenderedDoc, find_page};
    use pulldown_cmark::{Options, Parser, html};

    fn markdown(slug: &str) -> Option<&'static str> {
        Some(match slug {
            "" => include_str!("../content/index.md"),
            "getting-started" => include_str!("../content/getting-started.md"),
            "configuration" => include_str!("../content/configuration.md"),
            "accounts" => include_str!("../content/accounts.md"),
            "administration" => include_str!("../content/administration.md"),
            "strategies" => include_str!("../content/strategies.md"),
            "edge-agents" => include_str!("../content/edge-agents.md"),
            "edge-api" => include_str!("../content/edge-api.md"),
            "operations" => include_str!("../content/operations.md"),
            _ => return None,
        })
    }

    pub fn render(slug: &str) -> Option<RenderedDoc> {
        let meta = find_page(slug)?;
        let source = markdown(slug)?;
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        // Our own markdown, compiled in: raw HTML in it is trusted. Pages written by
        // users go through a sanitizer instead.
        let mut out = String::with_capacity(source.len() * 2);
        html::push_html(&mut out, Parser::new_ext(source, options));
        Some(RenderedDoc {
            slug: meta.slug.to_owned(),
            title: meta.title.to_owned(),
            html: out,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_listed_page_has_markdown_with_a_heading() {
            for page in super::super::PAGES {
                let rendered = render(page.slug).expect(page.slug);
                assert!(rendered.html.contains("<h1"), "{} has no title", page.slug);
            }
        }

        #[test]
        fn unknown_pages_render_nothing() {
            assert_eq!(render("../secrets"), None);
            assert_eq!(render("nope"), None);
        }
    }
}
