//! The inverted index: every term of every section, with a field-weighted frequency,
//! scored with BM25. The last query word also matches as a prefix, so results appear
//! while typing.

use std::collections::HashMap;

use super::snippet::snippet;
use super::tokens::terms;
use crate::content::Page;
use crate::content::Post;
use crate::content::markdown::Section;
use crate::model::{HitKind, SearchHit};

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// A prefix match counts for less than the whole word.
const PREFIX_FACTOR: f32 = 0.7;
/// At most this many words complete a prefix.
const MAX_EXPANSIONS: usize = 64;
/// At most this many hits from one page, so one long page does not fill the list.
const HITS_PER_PAGE: usize = 3;
/// A section whose label (the page title for its top section, else its heading) holds
/// every query word scores this much more: a reader typing a page's name wants that
/// page, not the section that repeats the words most.
const LABEL_BOOST: f32 = 2.0;

#[derive(Debug)]
struct Document {
    kind: HitKind,
    title: String,
    heading: Option<String>,
    url: String,
    /// The page's own URL, for grouping its sections.
    page_url: String,
    text: String,
    /// Terms of the page title (top section) or the heading (other sections).
    label: Vec<String>,
    length: f32,
}

#[derive(Clone, Copy, Debug)]
struct Posting {
    document: u32,
    weight: f32,
}

/// The search index over docs and blog.
#[derive(Debug, Default)]
pub struct SearchIndex {
    documents: Vec<Document>,
    /// Sorted, for prefix lookups.
    terms: Vec<String>,
    /// `postings[i]` belongs to `terms[i]`.
    postings: Vec<Vec<Posting>>,
    average_length: f32,
}

/// What is indexed about one page or post.
struct Source<'a> {
    kind: HitKind,
    url: &'a str,
    title: &'a str,
    description: &'a str,
    tags: &'a [String],
    sections: &'a [Section],
}

impl SearchIndex {
    pub fn build(pages: &[Page], posts: &[Post]) -> Self {
        let sources = pages
            .iter()
            .map(|page| Source {
                kind: HitKind::Docs,
                url: &page.url,
                title: &page.title,
                description: &page.description,
                tags: &page.tags,
                sections: &page.sections,
            })
            .chain(posts.iter().map(|post| Source {
                kind: HitKind::Blog,
                url: &post.url,
                title: &post.title,
                description: &post.description,
                tags: &post.tags,
                sections: &post.sections,
            }));
        let mut documents = Vec::new();
        let mut weights: HashMap<String, Vec<Posting>> = HashMap::new();
        for source in sources {
            for (position, section) in source.sections.iter().enumerate() {
                let mut fields: Vec<(&str, f32)> = Vec::new();
                let text = if position == 0 {
                    fields.push((source.title, 5.0));
                    fields.push((source.description, 1.5));
                    fields.extend(source.tags.iter().map(|tag| (tag.as_str(), 2.0)));
                    if section.text.is_empty() {
                        source.description.to_owned()
                    } else {
                        section.text.clone()
                    }
                } else {
                    fields.push((source.title, 1.0));
                    fields.push((section.heading.as_deref().unwrap_or_default(), 3.0));
                    section.text.clone()
                };
                fields.push((&section.text, 1.0));
                let id = u32::try_from(documents.len()).unwrap_or(u32::MAX);
                let mut frequencies: HashMap<String, f32> = HashMap::new();
                let mut length = 0.0;
                for (field, weight) in fields {
                    for term in terms(field) {
                        *frequencies.entry(term).or_default() += weight;
                        length += 1.0;
                    }
                }
                for (term, weight) in frequencies {
                    weights.entry(term).or_default().push(Posting {
                        document: id,
                        weight,
                    });
                }
                let label = if position == 0 {
                    terms(source.title)
                } else {
                    terms(section.heading.as_deref().unwrap_or_default())
                };
                let url = match &section.anchor {
                    Some(anchor) => format!("{}#{anchor}", source.url),
                    None => source.url.to_owned(),
                };
                documents.push(Document {
                    kind: source.kind,
                    title: source.title.to_owned(),
                    heading: section.heading.clone(),
                    url,
                    page_url: source.url.to_owned(),
                    text,
                    label,
                    length,
                });
            }
        }
        let average_length = if documents.is_empty() {
            1.0
        } else {
            documents.iter().map(|d| d.length).sum::<f32>() / documents.len() as f32
        };
        let mut entries: Vec<(String, Vec<Posting>)> = weights.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let (terms, postings) = entries.into_iter().unzip();
        Self {
            documents,
            terms,
            postings,
            average_length,
        }
    }

    /// The number of indexed sections and distinct terms.
    pub fn size(&self) -> (usize, usize) {
        (self.documents.len(), self.terms.len())
    }

    /// Indices of the terms `word` matches: itself, and words it begins when `prefix`.
    fn expand(&self, word: &str, prefix: bool) -> Vec<(usize, f32)> {
        let start = self.terms.partition_point(|term| term.as_str() < word);
        let exact = self.terms.get(start).is_some_and(|term| term == word);
        let mut out = Vec::new();
        if exact {
            out.push((start, 1.0));
        }
        if prefix || !exact {
            out.extend(
                self.terms[start..]
                    .iter()
                    .enumerate()
                    .skip(usize::from(exact))
                    .take_while(|(_, term)| term.starts_with(word))
                    .take(MAX_EXPANSIONS)
                    .map(|(offset, _)| (start + offset, PREFIX_FACTOR)),
            );
        }
        out
    }

    fn score_word(&self, word: &str, prefix: bool) -> HashMap<u32, f32> {
        let total = self.documents.len() as f32;
        let mut scores: HashMap<u32, f32> = HashMap::new();
        for (term, factor) in self.expand(word, prefix) {
            let postings = &self.postings[term];
            let frequency = postings.len() as f32;
            let idf = (1.0 + (total - frequency + 0.5) / (frequency + 0.5)).ln();
            for posting in postings {
                let length = self.documents[posting.document as usize].length;
                let norm = K1 * (1.0 - B + B * length / self.average_length);
                let score = factor * idf * posting.weight * (K1 + 1.0) / (posting.weight + norm);
                let best = scores.entry(posting.document).or_default();
                *best = best.max(score);
            }
        }
        scores
    }

    /// Whether every query word is in the document's label, the last one as a prefix.
    fn label_holds(&self, document: u32, words: &[String]) -> bool {
        let label = &self.documents[document as usize].label;
        let last = words.len() - 1;
        words.iter().enumerate().all(|(i, word)| {
            label
                .iter()
                .any(|term| term == word || (i == last && term.starts_with(word.as_str())))
        })
    }

    /// The best `limit` hits for `query`: sections matching every word first; when none
    /// does, sections matching any word.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let mut words = terms(query);
        words.dedup();
        if words.is_empty() {
            return Vec::new();
        }
        let last = words.len() - 1;
        let per_word: Vec<HashMap<u32, f32>> = words
            .iter()
            .enumerate()
            .map(|(i, word)| self.score_word(word, i == last && word.chars().count() >= 2))
            .collect();
        let mut all: Vec<(u32, f32)> = per_word[0]
            .iter()
            .filter(|(document, _)| {
                per_word[1..]
                    .iter()
                    .all(|scores| scores.contains_key(document))
            })
            .map(|(document, score)| {
                (
                    *document,
                    score + per_word[1..].iter().map(|s| s[document]).sum::<f32>(),
                )
            })
            .collect();
        if all.is_empty() {
            let mut any: HashMap<u32, f32> = HashMap::new();
            for scores in &per_word {
                for (document, score) in scores {
                    *any.entry(*document).or_default() += score;
                }
            }
            all = any.into_iter().collect();
        }
        for (document, score) in &mut all {
            if self.label_holds(*document, &words) {
                *score *= LABEL_BOOST;
            }
        }
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        let mut per_page: HashMap<&str, usize> = HashMap::new();
        let mut hits = Vec::new();
        for (document, _) in all {
            let document = &self.documents[document as usize];
            let seen = per_page.entry(&document.page_url).or_default();
            if *seen >= HITS_PER_PAGE {
                continue;
            }
            *seen += 1;
            hits.push(SearchHit {
                kind: document.kind,
                title: document.title.clone(),
                heading: document.heading.clone(),
                url: document.url.clone(),
                snippet: snippet(&document.text, &words),
            });
            if hits.len() == limit {
                break;
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use crate::content::check;

    #[test]
    fn a_setting_name_finds_the_configuration_reference() {
        let library = check().unwrap_or_else(|err| panic!("{err}"));
        let hits = library.search.search("LP_BASE_DOMAIN", 10);
        assert!(
            hits.iter()
                .any(|hit| hit.url.starts_with("/reference/configuration")),
            "{hits:#?}"
        );
    }

    #[test]
    fn title_words_rank_their_page_first_and_prefixes_match_while_typing() {
        let library = check().unwrap_or_else(|err| panic!("{err}"));
        let hits = library.search.search("edge agen", 10);
        assert!(!hits.is_empty());
        assert!(hits[0].url.starts_with("/guides/edge-agents"), "{hits:#?}");
        assert!(hits[0].snippet.contains("<mark>"), "{}", hits[0].snippet);
    }

    #[test]
    fn blog_posts_are_found_and_nonsense_finds_nothing() {
        let library = check().unwrap_or_else(|err| panic!("{err}"));
        let hits = library.search.search("leptos", 20);
        assert!(
            hits.iter().any(|hit| hit.url.starts_with("/blog/")),
            "{hits:#?}"
        );
        assert!(library.search.search("qzxv", 10).is_empty());
        assert!(library.search.search("  ,; ", 10).is_empty());
    }
}
