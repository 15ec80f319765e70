//! Light and dark theme.
//!
//! The choice is kept in a cookie so the server renders `<html class="dark">` (or `light`)
//! straight away: no flash of the wrong theme and no inline script. Without a cookie the
//! page follows the operating system through `prefers-color-scheme` in the stylesheet.

use leptos::prelude::*;

/// The cookie holding an explicit theme choice.
pub const THEME_COOKIE: &str = "lp_theme";

/// An explicit theme choice; `None` means "follow the system".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub const fn class(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            _ => None,
        }
    }

    /// Reads the theme cookie out of a `Cookie` request header.
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == THEME_COOKIE)
            .and_then(|(_, value)| Self::parse(value.trim()))
    }

    pub const fn opposite(self) -> Self {
        match self {
            Self::Light => Self::Dark,
            Self::Dark => Self::Light,
        }
    }
}

#[cfg(feature = "ssr")]
impl Theme {
    /// The theme chosen in a request's `Cookie` headers, if any.
    pub fn from_headers(headers: &http::HeaderMap) -> Option<Self> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(Self::from_cookie_header)
    }
}

/// The theme chosen by the visitor of the current request, if any.
#[cfg(feature = "ssr")]
pub fn request_theme() -> Option<Theme> {
    Theme::from_headers(&use_context::<http::request::Parts>()?.headers)
}

/// A button that flips between light and dark and remembers the choice for a year.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        browser::flip_theme();
    };
    view! {
        <button
            type="button"
            class="btn-icon"
            aria-label="Switch between light and dark theme"
            title="Switch theme"
            data-testid="theme-toggle"
            on:click=on_click
        >
            <span class="dark:hidden">
                <super::Icon kind=super::IconKind::Moon />
            </span>
            <span class="hidden dark:inline">
                <super::Icon kind=super::IconKind::Sun />
            </span>
        </button>
    }
}

#[cfg(feature = "hydrate")]
pub use browser::flip_theme;

#[cfg(feature = "hydrate")]
mod browser {
    use super::{THEME_COOKIE, Theme};
    use wasm_bindgen::JsCast;

    /// The theme currently on screen: the explicit class, else the system preference.
    fn current(root: &web_sys::Element, window: &web_sys::Window) -> Theme {
        let classes = root.class_list();
        if classes.contains("dark") {
            Theme::Dark
        } else if classes.contains("light") {
            Theme::Light
        } else if window
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|query| query.matches())
        {
            Theme::Dark
        } else {
            Theme::Light
        }
    }

    pub fn flip_theme() {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        let Some(root) = document.document_element() else {
            return;
        };
        let next = current(&root, &window).opposite();
        let classes = root.class_list();
        // A failed class or cookie write leaves the page as it was; nothing to recover.
        let _ = classes.remove_2("light", "dark");
        let _ = classes.add_1(next.class());

        let domain = crate::site::use_site_urls()
            .cookie_domain()
            .map(|domain| format!("; Domain={domain}"))
            .unwrap_or_default();
        let cookie = format!(
            "{THEME_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{domain}",
            next.class()
        );
        if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&cookie);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_cookie_is_found_among_others() {
        assert_eq!(
            Theme::from_cookie_header("a=1; lp_theme=dark; b=2"),
            Some(Theme::Dark)
        );
        assert_eq!(
            Theme::from_cookie_header("lp_theme=light"),
            Some(Theme::Light)
        );
    }

    #[test]
    fn unknown_theme_values_fall_back_to_the_system() {
        assert_eq!(Theme::from_cookie_header("lp_theme=\"><script>"), None);
        assert_eq!(Theme::from_cookie_header("xlp_theme=dark"), None);
        assert_eq!(Theme::from_cookie_header(""), None);
    }
}
