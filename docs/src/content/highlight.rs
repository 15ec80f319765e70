//! Server-side syntax highlighting: `<span class="hl-…">` runs that the stylesheet
//! colours for the light and the dark theme (no inline styles: the CSP forbids them).

use std::sync::LazyLock;

use pulldown_cmark_escape::escape_html;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// syntect's own set lacks TOML; bat's (via two-face) has it and everything else we use.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// Languages shown as they are, without colour.
const PLAIN: [&str; 3] = ["", "text", "plain"];

/// Highlights `code` written in `language` (a fence's info string). An unknown language
/// is an error, so a typo in a fence fails the content check instead of going grey.
pub fn highlight(language: &str, code: &str) -> Result<String, String> {
    let language = language.trim().to_ascii_lowercase();
    if PLAIN.contains(&language.as_str()) {
        let mut out = String::with_capacity(code.len());
        // Writing into a String cannot fail.
        let _ = escape_html(&mut out, code);
        return Ok(out);
    }
    let token = match language.as_str() {
        "sh" | "shell" | "console" => "bash",
        "yml" => "yaml",
        "rs" => "rust",
        other => other,
    };
    let syntax = SYNTAXES
        .find_syntax_by_token(token)
        .ok_or_else(|| format!("code fences in `{language}` cannot be highlighted"))?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        &SYNTAXES,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .map_err(|err| format!("highlighting `{language}` failed: {err}"))?;
    }
    Ok(generator.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_the_docs_use_is_highlighted() {
        for (language, code) in [
            ("rust", "fn main() { let x = 1; }"),
            ("toml", "[server]\naddr = \"0.0.0.0:3000\""),
            ("bash", "echo \"$HOME\" | wc -c"),
            ("sh", "ls -la"),
            ("json", "{\"a\": [1, true]}"),
            ("sql", "SELECT id FROM tasks WHERE state = 'queued';"),
            ("yaml", "services:\n  db: postgres"),
        ] {
            let html = highlight(language, code).expect(language);
            assert!(html.contains("class=\"hl-"), "{language}: {html}");
        }
    }

    #[test]
    fn plain_text_is_escaped_and_unknown_languages_are_refused() {
        assert_eq!(highlight("text", "<b>&").expect("plain"), "&lt;b&gt;&amp;");
        assert!(highlight("klingon", "x").is_err());
    }

    #[test]
    fn code_is_escaped_inside_highlighting() {
        let html = highlight("rust", "let s = \"</code><script>\";").expect("rust");
        assert!(!html.contains("<script>"), "{html}");
    }
}
