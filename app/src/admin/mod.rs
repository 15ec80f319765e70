//! The admin section of the product app, served on the admin host.
//!
//! It shares the beta build (one wasm bundle); the hydrate entry picks this root when the
//! server marked the document with `data-site="admin"`.

use leptos::prelude::*;
use leptos_meta::{Meta, Title, provide_meta_context};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::site::{Site, use_site_urls};
use crate::ui::{Document, Icon, IconKind, NavLink, NotFound, SiteFooter, SiteHeader};

/// The server-rendered document for the admin host.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <Document options site=Site::Admin>
            <AdminApp />
        </Document>
    }
}

/// The admin section's root component.
#[component]
pub fn AdminApp() -> impl IntoView {
    provide_meta_context();
    let urls = use_site_urls();
    let links = vec![
        NavLink::new("Overview", "/"),
        NavLink::new("Product app", urls.url(Site::Beta, "/")),
        NavLink::new("Operations guide", urls.url(Site::Docs, "/operations")),
    ];
    view! {
        <Title formatter=|title: String| format!("{title} · LuckyPlans Admin") />
        <Router>
            <SiteHeader site=Site::Admin links />
            <main id="main" tabindex="-1" class="flex-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=AdminHome />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

#[component]
fn AdminHome() -> impl IntoView {
    let docs = use_site_urls().url(Site::Docs, "/operations");
    view! {
        <Title text="Overview" />
        <Meta name="robots" content="noindex" />
        <section class="container-wide py-16" aria-labelledby="admin-title">
            <p class="eyebrow">"Administration"</p>
            <h1 id="admin-title" class="display-2 mt-2">
                "Run this LuckyPlans instance"
            </h1>
            <p class="lead mt-4 max-w-2xl">
                "Administrators manage accounts and roles, read the audit log, oversee every edge agent and publish agent releases. Each of these needs an administrator account."
            </p>
            <div class="mt-8 card max-w-2xl">
                <div class="flex items-start gap-4">
                    <span class="icon-tile">
                        <Icon kind=IconKind::Shield />
                    </span>
                    <div>
                        <h2 class="title-3">"Health of this instance"</h2>
                        <p class="mt-2 text-muted">
                            "Every replica answers "<code>"/health"</code>" while it runs and "
                            <code>"/ready"</code>
                            " with the state of the database, the session store and the object store."
                        </p>
                        <a class="link mt-3 inline-block" href=docs>
                            "Read the operations guide"
                        </a>
                    </div>
                </div>
            </div>
        </section>
    }
}
