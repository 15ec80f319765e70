//! Markdown to HTML, GitHub-flavoured: tables, task lists, footnotes, strikethrough,
//! autolinks and alerts (`> [!NOTE]`) as admonitions. Headings get ids and anchor links,
//! code is highlighted on the server, and the result goes through the sanitizer.

use std::collections::HashSet;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};
use pulldown_cmark_escape::escape_html;

use super::{ContentError, highlight};
use crate::model::TocEntry;

/// A rendered page: its HTML, table of contents and plain text by section for search.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub sections: Vec<Section>,
    pub words: usize,
}

/// The text under one heading (the first section is the text before any heading).
#[derive(Clone, Debug, Default)]
pub struct Section {
    pub anchor: Option<String>,
    pub heading: Option<String>,
    pub text: String,
}

struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<String>,
    inner: Vec<Event<'a>>,
}

/// Renders one file's markdown body. `path` names the file in errors.
pub fn render(path: &str, markdown: &str) -> Result<Rendered, ContentError> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    let mut out: Vec<Event<'_>> = Vec::new();
    let mut ids = HashSet::new();
    let mut toc = Vec::new();
    let mut sections = vec![Section::default()];
    let mut words = 0;
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut code: Option<(String, String)> = None;
    // Each code block is a named region; the number keeps the names unique on the page.
    let mut code_blocks = 0_usize;
    let mut tables = 0_usize;
    let mut links_open = 0_usize;

    for event in Parser::new_ext(markdown, options) {
        if let Some(open) = heading.as_mut() {
            if let Event::End(TagEnd::Heading(_)) = event {
                let Some(open) = heading.take() else { continue };
                let entry = close_heading(path, open, &mut ids, &mut out)?;
                words += count_words(&entry.title);
                sections.push(Section {
                    anchor: Some(entry.id.clone()),
                    heading: Some(entry.title.clone()),
                    text: String::new(),
                });
                if entry.level <= 3 {
                    toc.push(entry);
                }
            } else {
                open.inner.push(event);
            }
            continue;
        }
        if let Some((language, text)) = code.as_mut() {
            match event {
                Event::Text(chunk) => text.push_str(&chunk),
                Event::End(TagEnd::CodeBlock) => {
                    let highlighted = highlight::highlight(language, text).map_err(|reason| {
                        ContentError::Markdown {
                            path: path.to_owned(),
                            reason,
                        }
                    })?;
                    // Code is searchable too: commands and settings are what people look for.
                    if let Some(section) = sections.last_mut() {
                        section.text.push(' ');
                        section.text.push_str(text);
                        section.text.push(' ');
                    }
                    let label = if language.is_empty() {
                        "text"
                    } else {
                        language.as_str()
                    };
                    // Long lines scroll sideways: the scroller says what it is, and
                    // takes keyboard focus so arrow keys scroll it (`tabindex`, which
                    // the sanitizer sets on every `<pre>`).
                    code_blocks += 1;
                    out.push(Event::Html(CowStr::from(format!(
                        "<div class=\"code-block\"><pre class=\"code\" data-lang=\"{label}\" role=\"region\" aria-label=\"Code {code_blocks}: {label}\"><code>{highlighted}</code></pre></div>\n"
                    ))));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                if level == HeadingLevel::H1 {
                    return Err(ContentError::Markdown {
                        path: path.to_owned(),
                        reason: "the title comes from the front matter; start sections at `##`"
                            .to_owned(),
                    });
                }
                heading = Some(OpenHeading {
                    level,
                    id: id.map(|id| id.to_string()),
                    inner: Vec::new(),
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = admonition(kind);
                out.push(Event::Html(CowStr::from(format!(
                    "<aside class=\"admonition admonition-{class}\" role=\"note\" aria-label=\"{label}\"><p class=\"admonition-title\">{label}</p>\n"
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                out.push(Event::Html(CowStr::Borrowed("</aside>\n")));
            }
            Event::Start(Tag::Table(alignments)) => {
                // A wide table scrolls sideways: a named region that keyboard users can reach.
                tables += 1;
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" role=\"region\" aria-label=\"Table {tables}\" tabindex=\"0\">"
                ))));
                out.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            // A task's box is read out as its state; it is not a control anyone can use.
            Event::TaskListMarker(done) => {
                let (checked, state) = if done {
                    (" checked", "Done")
                } else {
                    ("", "Not done")
                };
                out.push(Event::Html(CowStr::from(format!(
                    "<input type=\"checkbox\" disabled{checked} aria-label=\"{state}\"> "
                ))));
            }
            Event::Start(Tag::Link { .. }) => {
                links_open += 1;
                out.push(event);
            }
            Event::End(TagEnd::Link) => {
                links_open = links_open.saturating_sub(1);
                out.push(event);
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                words += count_words(text);
                if let Some(section) = sections.last_mut() {
                    section.text.push_str(text);
                }
                match event {
                    Event::Text(text) if links_open == 0 => autolink(text, &mut out),
                    other => out.push(other),
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition,
            ) => {
                if let Some(section) = sections.last_mut() {
                    section.text.push(' ');
                }
                out.push(event);
            }
            other => out.push(other),
        }
    }
    if heading.is_some() || code.is_some() {
        return Err(ContentError::Markdown {
            path: path.to_owned(),
            reason: "the file ends inside a heading or a code block".to_owned(),
        });
    }
    let mut raw = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut raw, out.into_iter());
    for section in &mut sections {
        section.text = collapse_whitespace(&section.text);
    }
    Ok(Rendered {
        html: markup::clean(&raw),
        toc,
        sections,
        words,
    })
}

/// Writes `<hN id>…<a class="heading-anchor">#</a></hN>` and returns its TOC entry.
fn close_heading<'a>(
    path: &str,
    open: OpenHeading<'a>,
    ids: &mut HashSet<String>,
    out: &mut Vec<Event<'a>>,
) -> Result<TocEntry, ContentError> {
    let title = collapse_whitespace(&plain_text(&open.inner));
    if title.is_empty() {
        return Err(ContentError::Markdown {
            path: path.to_owned(),
            reason: "a heading has no text".to_owned(),
        });
    }
    let base = open.id.unwrap_or_else(|| slugify(&title));
    let mut id = base.clone();
    let mut n = 1;
    while !ids.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    let level = match open.level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    };
    let mut label = String::new();
    let _ = escape_html(&mut label, &title);
    out.push(Event::Html(CowStr::from(format!("<h{level} id=\"{id}\">"))));
    out.extend(open.inner);
    out.push(Event::Html(CowStr::from(format!(
        "<a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"Link to the section {label}\">#</a></h{level}>\n"
    ))));
    Ok(TocEntry { level, id, title })
}

/// GitHub's extended autolinks: bare `http://` and `https://` URLs in text become links.
/// Trailing sentence punctuation stays outside the link.
fn autolink<'a>(text: CowStr<'a>, out: &mut Vec<Event<'a>>) {
    let mut rest: &str = &text;
    if !rest.contains("http://") && !rest.contains("https://") {
        out.push(Event::Text(text));
        return;
    }
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        let after = &rest[start..];
        let mut end = after
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
            .unwrap_or(after.len());
        while end > 0 && after[..end].ends_with(['.', ',', ';', ':', '!', '?', ')', '\'', '"']) {
            end -= 1;
        }
        let url = &after[..end];
        if url.len() <= "https://".len() {
            out.push(Event::Text(CowStr::from(
                rest[..start + end.max(1)].to_owned(),
            )));
            rest = &rest[start + end.max(1)..];
            continue;
        }
        if start > 0 {
            out.push(Event::Text(CowStr::from(rest[..start].to_owned())));
        }
        out.push(Event::Start(Tag::Link {
            link_type: pulldown_cmark::LinkType::Autolink,
            dest_url: CowStr::from(url.to_owned()),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(CowStr::from(url.to_owned())));
        out.push(Event::End(TagEnd::Link));
        rest = &after[end..];
    }
    if !rest.is_empty() {
        out.push(Event::Text(CowStr::from(rest.to_owned())));
    }
}

fn admonition(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect()
}

/// GitHub's heading ids: lower case, spaces to `-`, punctuation dropped.
pub fn slugify(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        render("test.md", markdown).expect("renders").html
    }

    #[test]
    fn headings_get_unique_ids_anchor_links_and_a_table_of_contents() {
        let page = render(
            "t.md",
            "## Run it\n\ntext\n\n### The `serve` command\n\n## Run it\n\n## Custom {#mine}\n",
        )
        .expect("renders");
        assert!(
            page.html
                .contains("<h2 id=\"run-it\">Run it<a class=\"heading-anchor\" href=\"#run-it\""),
            "{}",
            page.html
        );
        assert!(page.html.contains("id=\"run-it-1\""));
        assert!(page.html.contains("id=\"mine\""));
        let ids: Vec<_> = page.toc.iter().map(|entry| entry.id.as_str()).collect();
        assert_eq!(ids, ["run-it", "the-serve-command", "run-it-1", "mine"]);
        assert_eq!(page.toc[1].title, "The serve command");
        assert_eq!(page.toc[1].level, 3);
    }

    #[test]
    fn gfm_features_render() {
        let out = html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n~~old~~ and https://example.org\n\nNote[^1].\n\n[^1]: The footnote.\n",
        );
        assert!(
            out.contains("<div class=\"table-wrap\" role=\"region\" aria-label=\"Table 1\" tabindex=\"0\"><table>"),
            "{out}"
        );
        assert!(out.contains("type=\"checkbox\""), "{out}");
        assert!(out.contains("<del>old</del>"), "{out}");
        assert!(out.contains("<a href=\"https://example.org\">"), "{out}");
        assert!(out.contains("footnote-definition"), "{out}");
    }

    #[test]
    fn alerts_become_admonitions() {
        let out = html("> [!WARNING]\n> Back up first.\n\n> [!TIP]\n> Use `--once`.\n");
        assert!(out.contains("<aside class=\"admonition admonition-warning\" role=\"note\" aria-label=\"Warning\">"), "{out}");
        assert!(out.contains("admonition-tip"), "{out}");
        assert!(out.contains("Back up first."));
    }

    #[test]
    fn code_blocks_are_highlighted_and_labelled() {
        let out = html("```rust\nfn main() {}\n```\n\n```toml\nx = 1\n```\n");
        assert!(
            out.contains("<pre class=\"code\" data-lang=\"rust\" ")
                && out.contains(" role=\"region\" aria-label=\"Code 1: rust\"")
                && out.contains(" role=\"region\" aria-label=\"Code 2: toml\"")
                && out.contains(" tabindex=\"0\""),
            "{out}"
        );
        assert!(out.contains("hl-"), "{out}");
        assert!(render("t.md", "```nosuchlang\nx\n```\n").is_err());
    }

    #[test]
    fn raw_html_in_markdown_is_inert() {
        let out = html(
            "<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(2)\" alt=\"x\">\n\n[click](javascript:alert(3))\n\n<a href=\"javascript:alert(4)\">raw</a>\n\n<div onmouseover=\"alert(5)\">hover</div>\n",
        );
        for forbidden in ["<script", "alert", "onerror", "onmouseover", "javascript:"] {
            assert!(!out.contains(forbidden), "{forbidden} survived: {out}");
        }
        assert!(out.contains("hover"));
    }

    #[test]
    fn section_text_feeds_search() {
        let page = render(
            "t.md",
            "Intro words.\n\n## Database\n\nUse `DATABASE_URL`.\n",
        )
        .expect("renders");
        assert_eq!(page.sections.len(), 2);
        assert_eq!(page.sections[0].text, "Intro words.");
        assert_eq!(page.sections[1].heading.as_deref(), Some("Database"));
        assert_eq!(page.sections[1].text, "Use DATABASE_URL.");
    }

    #[test]
    fn a_level_one_heading_is_refused() {
        assert!(render("t.md", "# Title\n").is_err());
    }
}
