//! The bell in the header: a link to `/notifications` that counts what is unread and
//! follows the live stream.

use leptos::prelude::*;

/// The bell for a signed-in user; `unread` is the count as last fetched.
#[component]
pub fn NotificationBell(href: String, unread: i64) -> impl IntoView {
    let label = match unread {
        0 => "Notifications, none unread".to_owned(),
        1 => "Notifications, 1 unread".to_owned(),
        count => format!("Notifications, {count} unread"),
    };
    let badge = (unread > 0).then(|| {
        let text = if unread > 99 {
            "99+".to_owned()
        } else {
            unread.to_string()
        };
        view! { <span class="notification-count" aria-hidden="true" data-testid="notification-count">{text}</span> }
    });
    view! {
        <a class="btn-icon relative" href=href aria-label=label.clone() title=label data-testid="notification-bell">
            <crate::ui::Icon kind=crate::ui::IconKind::Bell class="size-5" />
            {badge}
        </a>
    }
}
