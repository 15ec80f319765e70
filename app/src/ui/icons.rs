//! Inline SVG icons (decorative: every use sits next to text or an `aria-label`).

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconKind {
    Sun,
    Moon,
    Menu,
    ArrowRight,
    Chart,
    Server,
    User,
    Shield,
    Book,
    Search,
    Rss,
    Edit,
    Cpu,
    Upload,
    Home,
    Database,
    Key,
    Copy,
    Bell,
}

#[component]
pub fn Icon(kind: IconKind, #[prop(optional)] class: &'static str) -> impl IntoView {
    let path = match kind {
        IconKind::Sun => {
            "M12 3v2m0 14v2m9-9h-2M5 12H3m15.36-6.36-1.42 1.42M7.05 16.95l-1.41 1.41m12.72 0-1.42-1.41M7.05 7.05 5.64 5.64M16 12a4 4 0 1 1-8 0 4 4 0 0 1 8 0Z"
        }
        IconKind::Moon => "M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8Z",
        IconKind::Menu => "M4 6h16M4 12h16M4 18h16",
        IconKind::ArrowRight => "M5 12h14m-6-6 6 6-6 6",
        IconKind::Chart => "M3 3v18h18M7 15l4-4 3 3 5-6",
        IconKind::Server => "M4 5h16v6H4zM4 13h16v6H4zM8 8h.01M8 16h.01",
        IconKind::User => "M20 21a8 8 0 0 0-16 0M12 13a5 5 0 1 0 0-10 5 5 0 0 0 0 10Z",
        IconKind::Shield => "M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6l-8-3Z",
        IconKind::Book => "M4 19V5a2 2 0 0 1 2-2h14v16H6a2 2 0 0 0-2 2Zm0 0a2 2 0 0 0 2 2h14",
        IconKind::Search => "m21 21-4.3-4.3M11 18a7 7 0 1 1 0-14 7 7 0 0 1 0 14Z",
        IconKind::Rss => "M4 11a9 9 0 0 1 9 9M4 4a16 16 0 0 1 16 16M5 20h.01",
        IconKind::Edit => "M12 20h9M16.5 3.5a2.12 2.12 0 0 1 3 3L7 19l-4 1 1-4Z",
        IconKind::Cpu => {
            "M9 3v2m6-2v2M9 19v2m6-2v2M3 9h2m-2 6h2m14-6h2m-2 6h2M7 5h10a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2Zm2 4h6v6H9z"
        }
        IconKind::Upload => "M12 16V4m0 0-4 4m4-4 4 4M4 20h16",
        IconKind::Home => "M3 11 12 4l9 7M5 10v10h5v-6h4v6h5V10",
        IconKind::Database => {
            "M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3Zm0 0v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"
        }
        IconKind::Key => {
            "M15 7a3 3 0 1 1-3 3m3-3a3 3 0 0 0-3 3m3-3 6-4m-9 7-8 8v3h3l1-1v-2h2v-2h2l2-2"
        }
        IconKind::Copy => "M8 8h12v12H8zM16 8V4H4v12h4",
        IconKind::Bell => "M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0",
    };
    let class = if class.is_empty() { "size-5" } else { class };
    view! {
        <svg
            class=class
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=path></path>
        </svg>
    }
}
