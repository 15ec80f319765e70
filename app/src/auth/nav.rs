//! The account corner of every site's header: "Sign in", or the user's name and
//! "Open the app". Landing, docs and the product all ask the same `me` function.

use leptos::either::Either;
use leptos::prelude::*;

use super::api::me;
use crate::site::{Site, use_site_urls};

#[component]
pub fn AccountNav() -> impl IntoView {
    let urls = use_site_urls();
    let user = Resource::new_blocking(|| (), |()| me());
    let app_url = urls.url(Site::Beta, "/");
    let login_url = urls.url(Site::Beta, "/login");
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let app_url = app_url.clone();
                let login_url = login_url.clone();
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => {
                            Either::Left(
                                view! {
                                    <span class="hidden text-sm text-muted lg:inline" data-testid="signed-in-as">
                                        {user.display_name}
                                    </span>
                                    <a class="btn btn-primary btn-sm" href=app_url>
                                        "Open the app"
                                    </a>
                                },
                            )
                        }
                        _ => {
                            Either::Right(
                                view! {
                                    <a class="btn btn-primary btn-sm" href=login_url>
                                        "Sign in"
                                    </a>
                                },
                            )
                        }
                    }
                })
            }}
        </Suspense>
    }
}
