//! How text becomes search terms: lower case, split at anything that is not a letter,
//! digit or `_`; `snake_case` words are also indexed by their parts.

/// Terms of `text`, in order, with repeats.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in words(text) {
        let word = word.to_lowercase();
        if word.contains('_') {
            out.extend(
                word.split('_')
                    .filter(|part| !part.is_empty())
                    .map(str::to_owned),
            );
        }
        out.push(word);
    }
    out
}

/// The words of `text` with their byte ranges, for snippets.
pub fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !is_word_char(c))
        .filter(|word| !word.is_empty())
        .map(move |word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|word| !word.is_empty())
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_and_snake_case_is_split() {
        assert_eq!(
            terms("Set LP_BASE_DOMAIN, then run!"),
            [
                "set",
                "lp",
                "base",
                "domain",
                "lp_base_domain",
                "then",
                "run"
            ]
        );
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "a  bc, déf";
        let spans: Vec<_> = word_spans(text).collect();
        assert_eq!(spans, [(0, "a"), (3, "bc"), (7, "déf")]);
        assert_eq!(&text[7..], "déf");
    }
}
