//! "12 s ago", ticking: one clock signal per page, advanced every second in the browser,
//! that relative times read. On the server it holds the time of rendering, so the page
//! is right without JavaScript; after hydration it ticks.

use leptos::prelude::*;

/// The current Unix time, in seconds, as a signal.
#[derive(Clone, Copy)]
pub struct Clock(RwSignal<i64>);

impl Clock {
    pub fn now(self) -> i64 {
        self.0.get()
    }
}

/// The browser's clock in the browser (the standard library has none there), the
/// system's on the server.
#[allow(clippy::cast_possible_truncation)]
fn wall_clock() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        (js_sys::Date::now() / 1_000.0) as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::Utc::now().timestamp()
    }
}

/// The page's clock, created on first use. In the browser it ticks once a second.
pub fn use_clock() -> Clock {
    if let Some(clock) = use_context::<Clock>() {
        return clock;
    }
    let clock = Clock(RwSignal::new(wall_clock()));
    provide_context(clock);
    // Effects run only in the browser: the server renders one moment.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || clock.0.set(wall_clock()),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    clock
}

/// How long ago (or how far ahead) `at` is from `now`: `just now`, `12 s ago`,
/// `5 min ago`, `3 h ago`, `2 d ago`, `in 40 min`.
pub fn relative(at: i64, now: i64) -> String {
    let delta = now - at;
    let span = delta.unsigned_abs();
    if span < 2 {
        return "just now".to_owned();
    }
    let amount = match span {
        0..60 => format!("{span} s"),
        60..3_600 => format!("{} min", span / 60),
        3_600..86_400 => format!("{} h", span / 3_600),
        _ => format!("{} d", span / 86_400),
    };
    if delta >= 0 {
        format!("{amount} ago")
    } else {
        format!("in {amount}")
    }
}

/// A `<time>` that says how long ago `at` was and ticks; its title is the exact time.
#[component]
pub fn Ago(at: i64) -> impl IntoView {
    let clock = use_clock();
    view! {
        <time datetime=super::time::iso(at) title=super::time::format_utc(at)>
            {move || relative(at, clock.now())}
        </time>
    }
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn relative_times_read_in_the_largest_whole_unit() {
        assert_eq!(relative(100, 101), "just now");
        assert_eq!(relative(100, 112), "12 s ago");
        assert_eq!(relative(100, 100 + 5 * 60 + 59), "5 min ago");
        assert_eq!(relative(0, 3 * 3_600), "3 h ago");
        assert_eq!(relative(0, 2 * 86_400 + 5), "2 d ago");
        assert_eq!(relative(40 * 60, 0), "in 40 min");
    }
}
