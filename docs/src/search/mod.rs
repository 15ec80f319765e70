//! Search across docs and blog: an inverted index built from the compiled-in content
//! when the server starts, queried by a server function (and by the `/search` page when
//! JavaScript is off).

#[cfg(feature = "ssr")]
mod index;
#[cfg(feature = "ssr")]
mod snippet;
#[cfg(feature = "ssr")]
mod tokens;

use app::auth::model::AuthError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub use index::SearchIndex;

#[cfg(feature = "ssr")]
use crate::model::MAX_QUERY_CHARS;
use crate::model::SearchHit;

/// The most results one search returns.
pub const MAX_HITS: usize = 12;

/// Searches titles, headings and text of every page and post. Public, like the pages.
#[server(prefix = "/api", endpoint = "docs/search", input = server_fn::codec::GetUrl)]
pub async fn search_docs(query: String) -> Result<Vec<SearchHit>, AuthError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return app::auth::api::with_status(Err(AuthError::field(
            "query",
            format!("Search for at most {MAX_QUERY_CHARS} characters."),
        )));
    }
    Ok(crate::content::library()
        .map(|library| library.search.search(&query, MAX_HITS))
        .unwrap_or_default())
}
