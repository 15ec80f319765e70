//! WebAssembly entry points: cargo-leptos builds this crate once per site, with that
//! site's feature, and the page's hydration script calls `hydrate`.
//!
//! The product app (beta, admin) hydrates as a Leptos app. Landing and docs pages are
//! the same for every visitor and served from a cache, so their bundles only enhance
//! the server's HTML (theme switch, account corner, and on docs: search, table of
//! contents, copy buttons); that keeps them small.

#[cfg(any(feature = "beta", feature = "landing", feature = "docs"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    entry::hydrate();
    // Lets tests (and curious people) see that the page is interactive now.
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

#[cfg(feature = "beta")]
mod entry {
    /// The beta build serves two hosts; the server marks which one rendered the page.
    pub fn hydrate() {
        let site = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element())
            .and_then(|root| root.get_attribute("data-site"));
        if site.as_deref() == Some("admin") {
            leptos::mount::hydrate_body(app::admin::AdminApp);
        } else {
            leptos::mount::hydrate_body(app::beta::App);
        }
    }
}

#[cfg(all(feature = "landing", not(feature = "beta")))]
mod entry {
    pub fn hydrate() {
        app::ui::enhance::enhance_static_page();
    }
}

#[cfg(all(feature = "docs", not(any(feature = "beta", feature = "landing"))))]
mod entry {
    pub fn hydrate() {
        docs::client::enhance();
    }
}
