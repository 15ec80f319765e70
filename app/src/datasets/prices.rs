//! The price chart of one dataset: its closes in outline (at most 2,000 points, each
//! stretch's lowest and highest kept), for the dataset chosen with `?chart=<id>` or, by
//! default, the newest.

use app_model::live::ChangeKind;
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::fleet::api::dataset_prices;
use crate::ui::chart::{LineChart, Series};
use crate::ui::live::use_live;
use crate::ui::time::format_utc;

/// A price with as many decimals as its size needs (`41,250.50`, `1.0842`, `0.00001234`).
fn price_label(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.2}")
    } else if magnitude >= 1.0 {
        format!("{value:.4}")
    } else {
        format!("{value:.8}")
    }
}

#[allow(clippy::cast_possible_truncation)]
fn date_label(value: f64) -> String {
    chrono::DateTime::from_timestamp(value as i64, 0)
        .map_or_else(String::new, |time| time.format("%Y-%m-%d").to_string())
}

#[component]
pub fn PriceChart(uploaded: RwSignal<u32>) -> impl IntoView {
    let query = use_query_map();
    let chosen = Memo::new(move |_| query.read().get("chart").unwrap_or_default());
    let live = use_live(&[ChangeKind::Dataset]);
    let prices = Resource::new(
        move || (chosen.get(), uploaded.get(), live.get()),
        |(id, ..)| dataset_prices(id),
    );
    view! {
        <section class="mt-10" id="price" aria-labelledby="price-title">
            <h2 id="price-title" class="title-2">"Price"</h2>
            <Transition fallback=|| view! { <p class="mt-4 text-muted" role="status">"Loading the chart..."</p> }>
                {move || Suspend::new(async move {
                    match prices.await {
                        Ok(None) => EitherOf4::A(view! {
                            <p class="mt-4 text-muted">"Upload a dataset to see its price here."</p>
                        }),
                        Ok(Some(prices)) => match prices.outline {
                            Some(outline) => {
                                #[allow(clippy::cast_precision_loss)]
                                let points = outline.closes.iter().map(|&(time, close)| (time as f64, close)).collect();
                                let dataset = prices.dataset;
                                let title = format!("{}: close", dataset.name);
                                let span = format!("{} candles, {} to {}", dataset.rows, format_utc(dataset.first_time), format_utc(dataset.last_time));
                                EitherOf4::B(view! {
                                    <p class="mt-2 text-sm text-muted" data-testid="price-span">{span}</p>
                                    <div class="mt-4" data-testid="price-chart">
                                        <LineChart id="price-chart" title series=vec![Series { label: "Close".to_owned(), points, reference: false }] format_y=price_label format_x=date_label />
                                    </div>
                                })
                            }
                            None => EitherOf4::C(view! {
                                <p class="mt-4 text-muted" data-testid="price-missing">
                                    {format!("{} was stored before price charts were kept. Upload the file again to chart it.", prices.dataset.name)}
                                </p>
                            }),
                        },
                        Err(err) => EitherOf4::D(view! { <p class="alert mt-4" role="alert">{err.to_string()}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}
