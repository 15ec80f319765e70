//! What every file a plain route sends for saving carries: its name, and that no shared
//! cache may keep it (each is one user's own data).

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// Marks `response` as the file `filename` to save, never stored by a shared cache.
pub fn as_attachment(response: &mut Response, filename: &str) {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
}
