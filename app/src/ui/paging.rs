//! "Previous / Next" links under a paged list, with where you are in it.

use leptos::prelude::*;

use app_model::admin::page_count;

/// Links to the neighbouring pages; `href(page)` builds each link (keeping filters).
#[component]
pub fn Pagination<H>(
    page: u32,
    total: u64,
    per_page: u32,
    noun: &'static str,
    href: H,
) -> impl IntoView
where
    H: Fn(u32) -> String + 'static,
{
    let pages = page_count(total, per_page);
    let previous = (page > 1).then(|| href(page - 1));
    let next = (u64::from(page) < pages).then(|| href(page + 1));
    view! {
        <nav class="pagination" aria-label="Pages">
            <p>{format!("Page {page} of {pages} · {total} {noun}")}</p>
            <div class="flex gap-2">
                {match previous {
                    Some(href) => view! { <a class="btn btn-secondary btn-sm" href=href rel="prev">"Previous"</a> }.into_any(),
                    None => view! { <span class="btn btn-secondary btn-sm opacity-50" aria-disabled="true">"Previous"</span> }.into_any(),
                }}
                {match next {
                    Some(href) => view! { <a class="btn btn-secondary btn-sm" href=href rel="next">"Next"</a> }.into_any(),
                    None => view! { <span class="btn btn-secondary btn-sm opacity-50" aria-disabled="true">"Next"</span> }.into_any(),
                }}
            </div>
        </nav>
    }
}

/// `?a=1&b=x` from pairs, leaving out empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", crate::auth::return_to::encode(value)))
        .collect();
    if parts.is_empty() {
        "?".to_owned()
    } else {
        format!("?{}", parts.join("&"))
    }
}
