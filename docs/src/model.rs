//! Types shared by the server and the browser.

use serde::{Deserialize, Serialize};

/// One entry of a page's table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// Whether a search hit is documentation or a blog post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HitKind {
    Docs,
    Blog,
}

impl HitKind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Docs => "Docs",
            Self::Blog => "Blog",
        }
    }
}

/// One search result: a page, or a section of one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub kind: HitKind,
    /// The page's title.
    pub title: String,
    /// The section's heading, when the hit is inside a section.
    pub heading: Option<String>,
    /// Path on the docs host, with `#anchor` for a section.
    pub url: String,
    /// Escaped HTML: a window of the text with the matched words in `<mark>`.
    pub snippet: String,
}

/// The longest query the search accepts, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
