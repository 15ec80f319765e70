//! Live updates in the browser: one event stream per open app (see `app_model::live`),
//! and per kind of object a counter that goes up when such an object changes. A resource
//! that reads [`use_live`] fetches its data again; a `<Transition>` keeps the old data on
//! screen until the new arrives, so the page updates in place without a reload.
//!
//! Bursts are coalesced (a backtest reporting progress, a sweep marking ten agents
//! offline): changes within [`COALESCE`] cost one refetch. A `resync` (the stream missed
//! events) refreshes every kind. A slow safety refresh runs as well, for what is never
//! announced (an agent's routine heartbeat moving its "last contact") and in case the
//! stream cannot be opened at all.
//!
//! The stream resumes from the moment the page was rendered: the server writes its
//! position into `data-live-since` on the app frame, so nothing that changed between the
//! render and the stream's opening is missed.

use std::time::Duration;

use app_model::live::ChangeKind;
use leptos::prelude::*;

/// Changes closer together than this refresh a page once.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const COALESCE: Duration = Duration::from_millis(400);

/// Every page that shows live data refetches at least this often.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const SAFETY_REFRESH: Duration = Duration::from_secs(30);

/// The attribute the server writes the stream's resume point into.
pub const SINCE_ATTRIBUTE: &str = "data-live-since";

/// The app's live counters, shared by every page through the context.
#[derive(Clone, Copy)]
pub struct LiveFeed {
    versions: [RwSignal<u32>; ChangeKind::ALL.len()],
    safety: RwSignal<u32>,
    started: StoredValue<bool>,
}

impl LiveFeed {
    /// The app's feed, created on first use at the app's root so it outlives pages.
    fn get_or_provide() -> Self {
        if let Some(feed) = use_context::<Self>() {
            return feed;
        }
        let feed = Self {
            versions: std::array::from_fn(|_| RwSignal::new(0)),
            safety: RwSignal::new(0),
            started: StoredValue::new(false),
        };
        provide_context(feed);
        feed
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn bump(self, kind: ChangeKind) {
        self.versions[kind.index()].update(|version| *version = version.wrapping_add(1));
    }
}

/// Provides the app's feed at its root (before the router), so every page shares one
/// stream across navigations.
pub fn provide_live_feed() {
    LiveFeed::get_or_provide();
}

/// A counter that goes up when an object of one of `kinds` changes (or the safety
/// refresh comes round). Read it in a resource's source to keep the resource live.
pub fn use_live(kinds: &'static [ChangeKind]) -> Signal<u32> {
    let feed = LiveFeed::get_or_provide();
    Signal::derive(move || {
        kinds.iter().fold(feed.safety.get(), |sum, kind| {
            sum.wrapping_add(feed.versions[kind.index()].get())
        })
    })
}

/// Where the page's stream should resume: this replica's position as it renders, read
/// back by the browser from the frame (the browser writes nothing there itself).
pub fn render_position() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<domain::fleet::EdgeContext>()
            .map(|edge| edge.live.position().to_string())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// What a signed-in page's frame does first: own the page's ticking clock (relative
/// times inside views that reload find it instead of each starting and disposing their
/// own), open the app's stream, and return the stream's resume point to render into the
/// frame as [`SINCE_ATTRIBUTE`] — taken before the page's data is fetched, so the stream
/// replays anything newer.
pub fn live_frame() -> String {
    crate::ui::clock::use_clock();
    let since = render_position();
    start_live_feed();
    since
}

/// Opens the app's stream once, from the frame of the first signed-in page (a stranger's
/// page never opens one). Effects run only in the browser.
pub fn start_live_feed() {
    let feed = LiveFeed::get_or_provide();
    Effect::new(move |_| {
        if feed.started.get_value() {
            return;
        }
        feed.started.set_value(true);
        #[cfg(feature = "hydrate")]
        browser::connect(feed);
    });
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};

    use app_model::live::{CHANGE_EVENT, Change, ChangeKind, RESYNC_EVENT, STREAM_PATH};
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use super::{COALESCE, LiveFeed, SAFETY_REFRESH, SINCE_ATTRIBUTE};

    thread_local! {
        /// The open stream; kept so it is never collected while the app runs.
        static SOURCE: RefCell<Option<web_sys::EventSource>> = const { RefCell::new(None) };
        /// Kinds changed since the last refresh, as bits of `ChangeKind::index`.
        static PENDING: Cell<u8> = const { Cell::new(0) };
    }

    /// The resume point the server rendered into the frame, if any.
    fn rendered_position() -> String {
        web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| {
                document
                    .query_selector(&format!("[{SINCE_ATTRIBUTE}]"))
                    .ok()
                    .flatten()
            })
            .and_then(|element| element.get_attribute(SINCE_ATTRIBUTE))
            .unwrap_or_default()
    }

    fn stream_url() -> String {
        // An event id is hex digits, a dash and digits: nothing to escape.
        let since: String = rendered_position()
            .chars()
            .filter(|c| c.is_ascii_hexdigit() || *c == '-')
            .collect();
        if since.is_empty() {
            STREAM_PATH.to_owned()
        } else {
            format!("{STREAM_PATH}?since={since}")
        }
    }

    /// Marks `kinds` changed and schedules one refresh for everything marked meanwhile.
    fn mark(feed: LiveFeed, kinds: u8) {
        let before = PENDING.with(|pending| {
            let before = pending.get();
            pending.set(before | kinds);
            before
        });
        if before != 0 {
            return;
        }
        set_timeout(
            move || {
                let pending = PENDING.with(|pending| pending.replace(0));
                for kind in ChangeKind::ALL {
                    if pending & (1 << kind.index()) != 0 {
                        feed.bump(kind);
                    }
                }
            },
            COALESCE,
        );
    }

    fn listen(
        source: &web_sys::EventSource,
        event: &str,
        handler: impl Fn(web_sys::MessageEvent) + 'static,
    ) {
        let closure = Closure::<dyn Fn(web_sys::MessageEvent)>::new(handler);
        // A failed listener leaves the page on its safety refresh.
        let _ = source.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        // The stream lives as long as the app: nothing to drop.
        closure.forget();
    }

    pub(super) fn connect(feed: LiveFeed) {
        // The safety refresh, whether or not the stream opens.
        // The feed lives as long as the app: the interval is never cleared.
        let _ = set_interval_with_handle(
            move || feed.safety.update(|tick| *tick = tick.wrapping_add(1)),
            SAFETY_REFRESH,
        );
        let Ok(source) = web_sys::EventSource::new(&stream_url()) else {
            return;
        };
        listen(&source, CHANGE_EVENT, move |event| {
            let change = event
                .data()
                .as_string()
                .and_then(|data| serde_json::from_str::<Change>(&data).ok());
            if let Some(change) = change {
                mark(feed, 1 << change.kind.index());
            }
        });
        listen(&source, RESYNC_EVENT, move |_| {
            mark(feed, u8::MAX);
        });
        SOURCE.with(|slot| *slot.borrow_mut() = Some(source));
    }
}
