//! The beta header's account corner: for a signed-in user, the notifications bell and
//! the account link; for a stranger, sign-in and registration.

use app_model::live::ChangeKind;
use leptos::either::Either;
use leptos::prelude::*;

use crate::auth::api::me;
use crate::notifications::NotificationBell;
use crate::notifications::api::notification_badge;
use crate::site::{Site, use_site_urls};
use crate::ui::live::use_live;

#[component]
pub fn BetaAccountNav() -> impl IntoView {
    let live = use_live(&[ChangeKind::Notification]);
    // Who is signed in and their unread count, in one resource so the server and the
    // browser agree on both. Started together: a server function called while the page
    // renders finds its context only until the fetcher first awaits.
    let corner = Resource::new_blocking(
        move || live.get(),
        |_| async move {
            let (user, unread) = futures::future::join(me(), notification_badge()).await;
            (user, unread.ok().flatten().unwrap_or_default())
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
                    let (user, unread) = corner.await;
                    match user {
                        Ok(Some(user)) => {
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
