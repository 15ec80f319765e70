//! Markup that someone else wrote, made safe to put in a page. One allow-list sanitizer
//! serves both kinds of author:
//!
//! - [`clean`]: the docs pages' rendered markdown (the repository's own authors), the last
//!   step of every docs page;
//! - [`user_markdown`]: markdown a user typed (a profile's bio): raw HTML is shown as
//!   text, images are dropped (no tracking pixels), and links carry `rel="nofollow ugc"`.
//!
//! Either way `<script>`, `on…=` handlers and `javascript:` links can never survive.

use std::collections::HashSet;

use ammonia::Builder;
use pulldown_cmark::{Event, Options, Parser, html};

/// The allow-list both authors share: what the docs renderer produces (anchors,
/// admonitions, highlighted code, task lists, footnotes, tables) and nothing that could
/// execute or restyle the page.
fn base() -> Builder<'static> {
    let mut builder = Builder::default();
    builder
        .add_tags(["aside", "input", "span", "section"])
        .add_generic_attributes(["class", "id", "aria-label", "aria-hidden", "role"])
        .add_tag_attributes("pre", ["data-lang"])
        // Code blocks scroll sideways: keyboard users must be able to reach them.
        .set_tag_attribute_value("pre", "tabindex", "0")
        // So do wide tables, through their wrapper.
        .add_tag_attributes("div", ["tabindex"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .link_rel(None);
    builder
}

/// Sanitizes HTML rendered from the docs' own markdown.
pub fn clean(html: &str) -> String {
    base().clean(html).to_string()
}

/// Renders markdown a user wrote into HTML that is safe to show anywhere.
pub fn user_markdown(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS,
    )
    // Raw HTML is shown as the text it is, never interpreted.
    .map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, parser);
    let mut builder = base();
    builder
        .rm_tags(["img", "input"])
        // Nobody's ids or classes from a bio may collide with the page's own.
        .rm_generic_attributes(["class", "id", "role", "aria-hidden"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow ugc noopener noreferrer"));
    builder.clean(&rendered).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<p onclick=\"x()\">a<script>alert(1)</script></p>\
         <img src=\"/a.png\" onerror=\"alert(2)\" alt=\"a\">\
         <a href=\"javascript:alert(3)\">b</a><a href=\"/ok#x\">c</a>\
         <style>body{display:none}</style><iframe src=\"https://example.org\"></iframe>";

    const FORBIDDEN: [&str; 7] = [
        "<script",
        "alert(",
        "onclick",
        "onerror",
        "javascript:",
        "<style",
        "<iframe",
    ];

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = clean(HOSTILE);
        for forbidden in FORBIDDEN {
            assert!(!html.contains(forbidden), "{forbidden} survived: {html}");
        }
        assert!(html.contains("<a href=\"/ok#x\">c</a>"), "{html}");
    }

    #[test]
    fn a_users_raw_html_is_shown_as_text() {
        let html = user_markdown(HOSTILE);
        for forbidden in [
            "<script",
            "<p onclick",
            "<img",
            "<a href=\"javascript",
            "<iframe",
        ] {
            assert!(!html.contains(forbidden), "{forbidden} survived: {html}");
        }
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn a_users_markdown_keeps_emphasis_and_safe_links_only() {
        let html = user_markdown(
            "**Quant** at [Acme](https://acme.example) and [x](javascript:alert(1)) \
             ![pixel](https://tracker.example/p.gif) [mail](mailto:a@b.example)",
        );
        assert!(html.contains("<strong>Quant</strong>"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://acme.example\" rel=\"nofollow ugc noopener noreferrer\">Acme</a>"
            ),
            "{html}"
        );
        assert!(html.contains("href=\"mailto:a@b.example\""), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            !html.contains("<img") && !html.contains("tracker"),
            "{html}"
        );
    }
}
