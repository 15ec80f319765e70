//! The datasets already stored, newest first, each deletable once no backtest refers to it.

use app_model::live::ChangeKind;
use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::ui::live::use_live;

use crate::beta::forms::{FormAlert, form_error};
use crate::fleet::api::{DeleteDataset, list_datasets};
use crate::fleet::model::Dataset;
use crate::ui::clock::Ago;
use crate::ui::time::format_utc;

/// `1.2 MB`, `340 KB`, `512 B`.
pub fn format_bytes(bytes: i64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let value = bytes.max(0) as f64;
    if value >= 1e6 {
        format!("{:.1} MB", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.0} KB", value / 1e3)
    } else {
        format!("{bytes} B")
    }
}

#[component]
pub fn DatasetList(uploaded: RwSignal<u32>) -> impl IntoView {
    let delete = ServerAction::<DeleteDataset>::new();
    // Imported or deleted elsewhere (another tab, the CLI): the list follows.
    let live = use_live(&[ChangeKind::Dataset]);
    let datasets = Resource::new(
        move || (uploaded.get(), delete.version().get(), live.get()),
        |_| list_datasets(),
    );
    view! {
        <section class="mt-10" aria-labelledby="datasets-title">
            <h2 id="datasets-title" class="title-2">"Your datasets"</h2>
            <div class="mt-3"><FormAlert message=form_error(delete) /></div>
            <Transition fallback=|| view! { <p class="mt-4 text-muted" role="status">"Loading datasets..."</p> }>
                {move || Suspend::new(async move {
                    match datasets.await {
                        Ok(datasets) if datasets.is_empty() => EitherOf3::A(view! {
                            <p class="empty-state mt-4" data-testid="datasets-empty">"No datasets yet. Upload a CSV file above to run your first backtest."</p>
                        }),
                        Ok(datasets) => EitherOf3::B(view! { <DatasetTable datasets delete /> }),
                        Err(err) => EitherOf3::C(view! { <p class="alert mt-4" role="alert">{err.to_string()}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DatasetTable(datasets: Vec<Dataset>, delete: ServerAction<DeleteDataset>) -> impl IntoView {
    view! {
        <div class="table-wrap mt-4" role="region" aria-label="Datasets" tabindex="0">
            <table class="data-table" data-testid="datasets-table">
                <caption class="sr-only">"Your datasets"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Dataset"</th>
                        <th scope="col" class="text-right">"Candles"</th>
                        <th scope="col">"From"</th>
                        <th scope="col">"To"</th>
                        <th scope="col" class="text-right">"Size"</th>
                        <th scope="col">"Uploaded"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {datasets.into_iter().map(|dataset| {
                        let id = dataset.id.clone();
                        let label = format!("Delete {}", dataset.name);
                        view! {
                            <tr id=format!("dataset-{}", dataset.id) data-testid="dataset-row">
                                <td>
                                    <p class="font-medium">{dataset.name.clone()}</p>
                                    <p class="font-mono text-xs text-muted" title="SHA-256 of the stored file">{dataset.sha256.get(..12).unwrap_or(&dataset.sha256).to_owned()}</p>
                                </td>
                                <td class="text-right tabular-nums">{dataset.rows}</td>
                                <td class="whitespace-nowrap">{format_utc(dataset.first_time)}</td>
                                <td class="whitespace-nowrap">{format_utc(dataset.last_time)}</td>
                                <td class="text-right tabular-nums">{format_bytes(dataset.size_bytes)}</td>
                                <td><Ago at=dataset.created_at /></td>
                                <td class="flex flex-wrap items-start gap-2">
                                    <a class="btn btn-secondary btn-sm" href=format!("?chart={}#price", dataset.id) aria-label=format!("Chart {}", dataset.name)>"Chart"</a>
                                    <details>
                                        <summary class="btn btn-secondary btn-sm cursor-pointer" aria-label=label.clone()>"Delete"</summary>
                                        <div class="mt-2 w-56">
                                            <p class="text-xs text-muted">"The file is removed for good. A dataset that backtests refer to stays."</p>
                                            <ActionForm action=delete attr:class="mt-2">
                                                <input type="hidden" name="id" value=id />
                                                <button class="btn btn-danger btn-sm" type="submit" aria-label=format!("Confirm: {label}")>"Confirm delete"</button>
                                            </ActionForm>
                                        </div>
                                    </details>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
