//! Search across docs and blog: an inverted index built from the compiled-in content
//! when the server starts, queried by a server function (and by the `/search` page when
//! JavaScript is off).

#[cfg(feature = "ssr")]
mod index;
#[cfg(feature = "ssr")]
mod snippet;
#[cfg(feature = "ssr")]
mod tokens;

use app::auth::model::FieldError;
use app::errors::ServerFnFailure;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use index::SearchIndex;

#[cfg(feature = "ssr")]
use crate::model::MAX_QUERY_CHARS;
use crate::model::SearchHit;

/// The most results one search returns.
pub const MAX_HITS: usize = 12;

/// Why a search was not answered, with a stable `code` for clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SearchError {
    /// The query is too long.
    InvalidInput { fields: Vec<FieldError> },
    /// Something failed on the server; details are in its logs, not here.
    Internal,
    /// The request did not reach the function (network, encoding).
    Request { message: String },
}

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidInput { fields } => {
                let messages: Vec<&str> = fields.iter().map(|f| f.message.as_str()).collect();
                f.write_str(&messages.join(" "))
            }
            Self::Internal => f.write_str("Search failed on our side. Try again in a moment."),
            Self::Request { message } => write!(f, "The search request failed: {message}"),
        }
    }
}

impl ServerFnFailure for SearchError {
    const INTERNAL: Self = Self::Internal;

    fn invalid(fields: Vec<FieldError>) -> Self {
        Self::InvalidInput { fields }
    }

    fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::InvalidInput { fields } => fields,
            _ => &[],
        }
    }

    #[cfg(feature = "ssr")]
    fn status_code(&self) -> http::StatusCode {
        match self {
            Self::InvalidInput { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
            Self::Internal => http::StatusCode::INTERNAL_SERVER_ERROR,
            Self::Request { .. } => http::StatusCode::BAD_REQUEST,
        }
    }
}

app::server_fn_error!(SearchError);

/// Searches titles, headings and text of every page and post. Public, like the pages.
#[server(prefix = "/api", endpoint = "docs/search", input = server_fn::codec::GetUrl)]
pub async fn search_docs(query: String) -> Result<Vec<SearchHit>, SearchError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return app::errors::with_status(Err(SearchError::field(
            "query",
            format!("Search for at most {MAX_QUERY_CHARS} characters."),
        )));
    }
    Ok(crate::content::library()
        .map(|library| library.search.search(&query, MAX_HITS))
        .unwrap_or_default())
}
