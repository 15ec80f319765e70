//! The last step of every rendered page: an allow-list HTML sanitizer, so raw HTML in
//! markdown can never run script (`<script>`, `on…=` handlers, `javascript:` links).

use ammonia::Builder;

/// Keeps what the renderer produces (anchors, admonitions, highlighted code, task lists,
/// footnotes, tables) and drops everything else that could execute or restyle the page.
pub fn clean(html: &str) -> String {
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
    builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = clean(
            "<p onclick=\"x()\">a<script>alert(1)</script></p>\
             <img src=\"/a.png\" onerror=\"alert(2)\" alt=\"a\">\
             <a href=\"javascript:alert(3)\">b</a><a href=\"/ok#x\">c</a>\
             <style>body{display:none}</style><iframe src=\"https://example.org\"></iframe>",
        );
        for forbidden in [
            "<script",
            "alert",
            "onclick",
            "onerror",
            "javascript:",
            "<style",
            "<iframe",
        ] {
            assert!(!html.contains(forbidden), "{forbidden} survived: {html}");
        }
        assert!(html.contains("<a href=\"/ok#x\">c</a>"), "{html}");
    }
}
