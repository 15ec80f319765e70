//! The beta header's account corner: for a signed-in user, the notifications bell and
//! the account link; for a stranger, sign-in and registration.

use app_model::live::ChangeKind;
use leptos::either::Either;
use leptos::prelude::*;

use crate::auth::api::me;
use crate::notifications::NotificationBell;
use crate::notifications::api::unread_notifications;
use crate::site::{Site, use_site_urls};
use crate::ui::live::use_live;

#[component]
pub fn BetaAccountNav() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |()| me());
    let live = use_live(&[ChangeKind::Notification]);
    // Asked only once someone is signed in: a stranger's page never calls it (its refusal
    // would set the page's own status).
    let unread = Resource::new(
        move || (live.get(), matches!(user.get(), Some(Ok(Some(_))))),
        |(_, signed_in)| async move {
            if signed_in {
                unread_notifications().await.unwrap_or_default()
            } else {
                0
            }
        },
    );
    // Absolute, because the admin host shows this corner too and has no account pages.
    let urls = use_site_urls();
    let account = urls.url(Site::Beta, "/account");
    let register = urls.url(Site::Beta, "/register");
    let inbox = urls.url(Site::Beta, "/notifications");
    view! {
        <Transition fallback=|| ()>
            {move || {
                let (account, register, inbox) = (account.clone(), register.clone(), inbox.clone());
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => {
                            let unread = unread.await;
                            Either::Left(view! {
                                <NotificationBell href=inbox unread />
                                <a class="btn btn-secondary btn-sm" href=account data-testid="account-link">
                                    {user.display_name}
                                </a>
                            })
                        }
                        _ => Either::Right(view! {
                            <a class="nav-link" href="/login">"Sign in"</a>
                            <a class="btn btn-primary btn-sm" href=register>"Create account"</a>
                        }),
                    }
                })
            }}
        </Transition>
    }
}
