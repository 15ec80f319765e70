//! A short window of a section's text around the first match, escaped, with the matched
//! words in `<mark>`.

use pulldown_cmark_escape::escape_html;

use super::tokens::word_spans;

/// Characters of context shown.
const WIDTH: usize = 180;

/// Whether `word` matches one of the query `terms` (a term matches words it begins).
pub fn matches(word: &str, terms: &[String]) -> bool {
    let word = word.to_lowercase();
    terms.iter().any(|term| {
        word.starts_with(term.as_str())
            || (word.contains('_') && word.split('_').any(|part| part.starts_with(term.as_str())))
    })
}

pub fn snippet(text: &str, terms: &[String]) -> String {
    let spans: Vec<(usize, &str)> = word_spans(text).collect();
    let first = spans
        .iter()
        .find(|(_, word)| matches(word, terms))
        .map_or(0, |(start, _)| *start);
    let lead = WIDTH / 3;
    let start = if first <= lead {
        0
    } else {
        spans
            .iter()
            .map(|(start, _)| *start)
            .find(|start| *start >= first - lead)
            .unwrap_or(first)
    };
    let mut end = (start + WIDTH).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if end < text.len()
        && let Some(space) = text[start..end].rfind(' ')
        && space > 0
    {
        end = start + space;
    }

    let mut out = String::with_capacity(WIDTH + 64);
    if start > 0 {
        out.push('…');
    }
    let mut cursor = start;
    for (at, word) in spans
        .iter()
        .filter(|(at, word)| *at >= start && at + word.len() <= end)
    {
        if matches(word, terms) {
            let _ = escape_html(&mut out, &text[cursor..*at]);
            out.push_str("<mark>");
            let _ = escape_html(&mut out, word);
            out.push_str("</mark>");
            cursor = at + word.len();
        }
    }
    let _ = escape_html(&mut out, &text[cursor..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn matched_words_are_marked_and_the_rest_escaped() {
        let out = snippet("Set <b> the database URL & restart.", &terms(&["data"]));
        assert_eq!(
            out,
            "Set &lt;b&gt; the <mark>database</mark> URL &amp; restart."
        );
    }

    #[test]
    fn long_text_is_cut_around_the_first_match() {
        let text = format!("{} needle {}", "word ".repeat(100), "tail ".repeat(100));
        let out = snippet(&text, &terms(&["needle"]));
        assert!(out.starts_with('…') && out.ends_with('…'), "{out}");
        assert!(out.contains("<mark>needle</mark>"));
        assert!(out.chars().count() < WIDTH + 20);
    }

    #[test]
    fn snake_case_parts_match() {
        let out = snippet("Use LP_BASE_DOMAIN here.", &terms(&["domain"]));
        assert_eq!(out, "Use <mark>LP_BASE_DOMAIN</mark> here.");
    }
}
