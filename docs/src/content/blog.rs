//! Blog posts: `content/blog/<slug>.md`, newest first.

use chrono::NaiveDate;

use super::front_matter::{self, PostMatter};
use super::markdown::{self, Section};
use super::{ContentError, SourceFile};
use crate::model::TocEntry;

/// Posts on one page of the blog index.
pub const POSTS_PER_PAGE: usize = 5;

/// Reading speed used for "N min read".
const WORDS_PER_MINUTE: usize = 220;

#[derive(Clone, Debug)]
pub struct Post {
    pub slug: String,
    /// `/blog/<slug>`.
    pub url: String,
    pub source_path: &'static str,
    pub title: String,
    pub description: String,
    pub summary: String,
    pub author: String,
    pub date: NaiveDate,
    pub tags: Vec<String>,
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub sections: Vec<Section>,
    pub reading_minutes: usize,
    pub updated: Option<NaiveDate>,
}

/// A blog tag and how many posts carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagCount {
    pub tag: String,
    pub count: usize,
}

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub fn post(file: &SourceFile, name: &str) -> Result<Post, ContentError> {
    let invalid = |reason: String| ContentError::Layout {
        path: file.path.to_owned(),
        reason,
    };
    let slug = name.trim_end_matches(".md");
    if !is_slug(slug) {
        return Err(invalid(
            "post file names are lower-case letters, digits and `-`".to_owned(),
        ));
    }
    let (matter, body): (PostMatter, _) = front_matter::split(file.path, file.source)?;
    if let Some(tag) = matter.tags.iter().find(|tag| !is_slug(tag)) {
        return Err(invalid(format!(
            "the tag `{tag}` must be lower-case letters, digits and `-`"
        )));
    }
    let date = matter
        .date
        .date
        .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()))
        .ok_or_else(|| invalid("`date` must be a date such as 2026-11-22".to_owned()))?;
    let rendered = markdown::render(file.path, body)?;
    Ok(Post {
        slug: slug.to_owned(),
        url: format!("/blog/{slug}"),
        source_path: file.path,
        title: matter.title,
        description: matter.description,
        summary: matter.summary,
        author: matter.author,
        date,
        tags: matter.tags,
        html: rendered.html,
        toc: rendered.toc,
        sections: rendered.sections,
        reading_minutes: rendered.words.div_ceil(WORDS_PER_MINUTE).max(1),
        updated: file
            .updated
            .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()),
    })
}

pub fn tag_counts(posts: &[Post]) -> Vec<TagCount> {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for tag in posts.iter().flat_map(|post| &post.tags) {
        *counts.entry(tag).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(tag, count)| TagCount {
            tag: tag.to_owned(),
            count,
        })
        .collect()
}

/// The number of index pages for `posts` posts (at least one, even when empty).
pub const fn page_count(posts: usize) -> usize {
    if posts == 0 {
        1
    } else {
        posts.div_ceil(POSTS_PER_PAGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_rounds_up_and_never_reaches_zero() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(1), 1);
        assert_eq!(page_count(POSTS_PER_PAGE), 1);
        assert_eq!(page_count(POSTS_PER_PAGE + 1), 2);
    }

    #[test]
    fn a_post_needs_a_date_and_clean_tags() {
        let file = |source| SourceFile {
            path: "blog/x.md",
            source,
            updated: None,
        };
        let good = "+++\ntitle = \"T\"\ndescription = \"D\"\ndate = 2026-11-22\nauthor = \"A\"\nsummary = \"S\"\ntags = [\"release\"]\n+++\n\nOne two three.\n";
        let post = post(&file(good), "x.md").expect("valid");
        assert_eq!(
            post.date,
            NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
        );
        assert_eq!(post.reading_minutes, 1);
        assert_eq!(post.url, "/blog/x");
        let bad_tag = good.replace("\"release\"", "\"Release Notes\"");
        assert!(super::post(&file(Box::leak(bad_tag.into_boxed_str())), "x.md").is_err());
        assert!(super::post(&file(good), "Bad Name.md").is_err());
    }
}
