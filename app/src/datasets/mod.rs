//! `/datasets`: the signed-in user's datasets — upload one (a preview of how its columns
//! were read, correctable before anything is stored, and a progress bar while it goes),
//! the list, the price chart of one, and deleting one that no backtest refers to.
//!
//! The preview runs the same detection as the server (`edge_protocol::dataset::detect`),
//! in the browser, on the file's first 64 KiB; the upload then sends the layout the
//! person saw, so what is stored is what the preview showed.

#[cfg(feature = "hydrate")]
mod browser;
mod list;
mod preview;
mod prices;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::require::RequireUser;
use crate::beta::frame::{AppFrame, Breadcrumbs};

#[component]
pub fn DatasetsPage() -> impl IntoView {
    view! {
        <Title text="Datasets" />
        <RequireUser children=|_| view! { <AppFrame><Datasets /></AppFrame> } />
    }
}

#[component]
fn Datasets() -> impl IntoView {
    // Bumped after an upload, so the list shows the new dataset.
    let uploaded = RwSignal::new(0_u32);
    view! {
        <Breadcrumbs trail=vec![("Datasets".to_owned(), "/datasets".to_owned())] />
        <h1 class="display-2 mt-3">"Datasets"</h1>
        <p class="mt-2 max-w-2xl text-muted">
            "Candles your backtests run over. Upload the CSV files you have: pandas and yfinance exports, spreadsheets with "<code>";"</code>" and decimal commas, exchange kline files without a header, times as dates or Unix seconds or milliseconds."
        </p>
        <preview::Upload uploaded />
        <list::DatasetList uploaded />
        <prices::PriceChart uploaded />
    }
}
