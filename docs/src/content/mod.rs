//! Everything on the docs host that is written, not computed: pages, posts and the
//! sidebar, compiled into the binary and rendered once.

mod blog;
mod front_matter;
mod highlight;
pub mod markdown;
mod sidebar;

use std::sync::LazyLock;

pub use blog::{POSTS_PER_PAGE, Post, TagCount, page_count};
pub use sidebar::SidebarItem;

use chrono::NaiveDate;
use front_matter::{CategoryMatter, PageMatter};
use markdown::Section;

use crate::model::TocEntry;
use crate::search::SearchIndex;

/// A file under `docs/content/`, as the build script embeds it.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile {
    /// Relative to `docs/content/`, with `/`.
    pub path: &'static str,
    pub source: &'static str,
    /// `YYYY-MM-DD` of its last commit.
    pub updated: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/content_files.rs"));

/// Why the content cannot be published. Tests and server start-up check for these, so
/// a visitor never meets one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error("{path}: front matter: {reason}")]
    FrontMatter { path: String, reason: String },
    #[error("{path}: {reason}")]
    Markdown { path: String, reason: String },
    #[error("{path}: {reason}")]
    Layout { path: String, reason: String },
}

/// A documentation page.
#[derive(Clone, Debug)]
pub struct Page {
    /// URL path on the docs host: `/`, `/getting-started`, `/guides/accounts`.
    pub url: String,
    /// Source file, relative to `docs/content/` (for "Edit this page").
    pub source_path: &'static str,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub position: Option<i64>,
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub sections: Vec<Section>,
    pub updated: Option<NaiveDate>,
}

/// All published content.
#[derive(Debug)]
pub struct Library {
    /// Documentation pages in reading order (the sidebar's order, flattened).
    pub pages: Vec<Page>,
    pub sidebar: Vec<SidebarItem>,
    /// Blog posts, newest first.
    pub posts: Vec<Post>,
    pub search: SearchIndex,
}

impl Library {
    /// Builds the library from source files; any broken file is an error naming it.
    pub fn build(files: &[SourceFile]) -> Result<Self, ContentError> {
        let mut pages = Vec::new();
        let mut categories = Vec::new();
        let mut posts = Vec::new();
        for file in files {
            if let Some(path) = file.path.strip_prefix("docs/") {
                if path.ends_with("_category.toml") {
                    let matter: CategoryMatter = front_matter::parse(file.path, file.source)?;
                    let folder = path
                        .trim_end_matches("_category.toml")
                        .trim_end_matches('/');
                    categories.push((folder.to_owned(), matter));
                } else if path.ends_with(".md") {
                    pages.push(page(file, path)?);
                }
            } else if let Some(name) = file.path.strip_prefix("blog/") {
                if name.ends_with(".md") {
                    posts.push(blog::post(file, name)?);
                }
            } else {
                return Err(ContentError::Layout {
                    path: file.path.to_owned(),
                    reason: "content lives under docs/ or blog/".to_owned(),
                });
            }
        }
        let (sidebar, pages) = sidebar::arrange(pages, &categories)?;
        posts.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
        let search = SearchIndex::build(&pages, &posts);
        Ok(Self {
            pages,
            sidebar,
            posts,
            search,
        })
    }

    pub fn page(&self, url: &str) -> Option<(usize, &Page)> {
        self.pages
            .iter()
            .enumerate()
            .find(|(_, page)| page.url == url)
    }

    pub fn post(&self, slug: &str) -> Option<&Post> {
        self.posts.iter().find(|post| post.slug == slug)
    }

    /// Every blog tag with its number of posts, by name.
    pub fn tags(&self) -> Vec<TagCount> {
        blog::tag_counts(&self.posts)
    }

    pub fn posts_tagged(&self, tag: &str) -> Vec<&Post> {
        self.posts
            .iter()
            .filter(|post| post.tags.iter().any(|t| t == tag))
            .collect()
    }
}

static LIBRARY: LazyLock<Result<Library, ContentError>> = LazyLock::new(|| Library::build(FILES));

/// The compiled-in library. The server calls [`check`] before it serves anything, and
/// the tests build the same library, so the error branch is never reached by a request.
pub fn library() -> Option<&'static Library> {
    LIBRARY.as_ref().ok()
}

/// Renders all content now; the error names the broken file.
pub fn check() -> Result<&'static Library, ContentError> {
    LIBRARY.as_ref().map_err(Clone::clone)
}

fn page(file: &SourceFile, path: &str) -> Result<Page, ContentError> {
    let (matter, body): (PageMatter, _) = front_matter::split(file.path, file.source)?;
    let rendered = markdown::render(file.path, body)?;
    let stem = path.trim_end_matches(".md");
    let url = match stem.strip_suffix("index") {
        Some(folder) => format!("/{}", folder.trim_end_matches('/')),
        None => format!("/{stem}"),
    };
    Ok(Page {
        url,
        source_path: file.path,
        title: matter.title,
        description: matter.description,
        tags: matter.tags,
        position: matter.position,
        html: rendered.html,
        toc: rendered.toc,
        sections: rendered.sections,
        updated: file
            .updated
            .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_content_builds() {
        let library = check().unwrap_or_else(|err| panic!("{err}"));
        assert!(library.pages.len() >= 10, "{} pages", library.pages.len());
        assert!(library.posts.len() >= 2, "{} posts", library.posts.len());
        assert_eq!(library.pages[0].url, "/");
    }

    #[test]
    fn every_page_has_a_description_and_unique_url() {
        let library = check().unwrap_or_else(|err| panic!("{err}"));
        let mut urls = std::collections::HashSet::new();
        for page in &library.pages {
            assert!(urls.insert(page.url.clone()), "{} twice", page.url);
            assert!(!page.description.is_empty(), "{}", page.url);
            assert!(
                page.description.len() <= 200,
                "{}: description too long",
                page.url
            );
        }
    }
}
