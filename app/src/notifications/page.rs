//! `/notifications`: the signed-in user's notifications, newest first, unread ones marked,
//! each leading to what it is about.

use app_model::live::ChangeKind;
use app_model::notifications::{Notification, NotificationKind};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{MarkAllNotificationsRead, MarkNotificationRead, list_notifications};
use crate::auth::require::RequireUser;
use crate::beta::frame::{AppFrame, Breadcrumbs};
use crate::ui::clock::Ago;
use crate::ui::live::use_live;
use crate::ui::{Icon, IconKind};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <Title text="Notifications" />
        <RequireUser children=|_| view! { <AppFrame><Inbox /></AppFrame> } />
    }
}

#[component]
fn Inbox() -> impl IntoView {
    let live = use_live(&[ChangeKind::Notification]);
    let read_all = ServerAction::<MarkAllNotificationsRead>::new();
    let read_one = ServerAction::<MarkNotificationRead>::new();
    let list = Resource::new(
        move || {
            (
                live.get(),
                read_all.version().get(),
                read_one.version().get(),
            )
        },
        |_| list_notifications(),
    );
    view! {
        <Breadcrumbs trail=vec![("Notifications".to_owned(), "/notifications".to_owned())] />
        <div class="page-head mt-3">
            <div>
                <h1 class="display-2">"Notifications"</h1>
                <p class="mt-2 text-muted">"What your agents and backtests did while you were not looking."</p>
            </div>
            <div class="flex flex-wrap gap-2">
                <a class="btn btn-secondary" href="/account#notifications">"Settings"</a>
                <ActionForm action=read_all>
                    <button class="btn btn-primary" type="submit" disabled=move || read_all.pending().get()>
                        "Mark all as read"
                    </button>
                </ActionForm>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="mt-8 text-muted" role="status">"Loading your notifications..."</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.items.is_empty() => EitherOf3::A(view! {
                        <div class="empty-state mt-8" data-testid="notifications-empty">
                            <span class="icon-tile mx-auto"><Icon kind=IconKind::Bell /></span>
                            <h2 class="title-3 mt-4">"Nothing yet"</h2>
                            <p class="mx-auto mt-2 max-w-md text-muted">
                                "You will hear here when an agent goes offline or is quarantined, and when a backtest finishes or fails. Choose which on your account page."
                            </p>
                        </div>
                    }),
                    Ok(list) => EitherOf3::B(view! {
                        <p class="mt-6 text-sm text-muted" data-testid="notifications-unread">
                            {match list.unread {
                                0 => "All read.".to_owned(),
                                1 => "1 unread.".to_owned(),
                                count => format!("{count} unread."),
                            }}
                        </p>
                        <ul class="notification-list mt-3">
                            {list.items.into_iter().map(|item| view! { <Item item read_one /> }).collect_view()}
                        </ul>
                    }),
                    Err(err) => EitherOf3::C(view! { <p class="alert mt-8" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

fn icon(kind: NotificationKind) -> IconKind {
    match kind {
        NotificationKind::AgentOffline | NotificationKind::AgentQuarantined => IconKind::Server,
        NotificationKind::CredentialExpiring => IconKind::Key,
        NotificationKind::BacktestFinished | NotificationKind::BacktestFailed => IconKind::Chart,
    }
}

#[component]
fn Item(item: Notification, read_one: ServerAction<MarkNotificationRead>) -> impl IntoView {
    let Notification {
        id,
        kind,
        title,
        body,
        link,
        created_at,
        read,
    } = item;
    let opened = id.clone();
    // Following the link reads it; the form marks it read without leaving.
    let on_open = move |_| {
        if !read {
            read_one.dispatch(MarkNotificationRead { id: opened.clone() });
        }
    };
    let mark = (!read).then(|| {
        view! {
            <ActionForm action=read_one>
                <input type="hidden" name="id" value=id.clone() />
                <button class="btn btn-secondary btn-sm" type="submit">"Mark as read"</button>
            </ActionForm>
        }
    });
    let state = if read { "read" } else { "unread" };
    view! {
        <li class="notification" data-state=state data-kind=kind.as_str() data-testid="notification">
            <span class="icon-tile"><Icon kind=icon(kind) /></span>
            <div class="min-w-0 flex-1">
                <p class="flex flex-wrap items-baseline gap-x-2">
                    <a class="notification-title" href=link on:click=on_open>{title}</a>
                    {(!read).then(|| view! { <span class="badge">"New"</span> })}
                </p>
                <p class="mt-1 text-sm text-muted">{body}</p>
                <p class="mt-1 text-xs text-muted"><Ago at=created_at /></p>
            </div>
            {mark}
        </li>
    }
}
