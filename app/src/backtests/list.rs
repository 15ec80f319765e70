//! `/backtests`: the signed-in user's backtests (tasks), newest first, with their state
//! and live progress; each leads to its results.

use app_model::live::ChangeKind;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::require::RequireUser;
use crate::beta::frame::{AppFrame, Breadcrumbs};
use crate::fleet::api::{list_datasets, list_tasks, list_workers};
use crate::fleet::model::{Dataset, FleetError, Task, Worker};
use crate::fleet::widgets::{Progress, TaskBadge};
use crate::ui::clock::Ago;
use crate::ui::live::use_live;
use crate::ui::{Icon, IconKind};

use super::strategy_label;

#[component]
pub fn BacktestsPage() -> impl IntoView {
    view! {
        <Title text="Backtests" />
        <RequireUser children=|_| view! { <AppFrame><Backtests /></AppFrame> } />
    }
}

/// Everything the list shows: tasks, and the names of their datasets and agents.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Listing {
    tasks: Vec<Task>,
    datasets: Vec<Dataset>,
    workers: Vec<Worker>,
}

async fn listing() -> Result<Listing, FleetError> {
    // Started together: a server function called while the server renders the page finds
    // its context only until the fetcher first awaits.
    let (tasks, datasets, workers) =
        futures::future::join3(list_tasks(), list_datasets(), list_workers()).await;
    Ok(Listing {
        tasks: tasks?,
        datasets: datasets?,
        workers: workers?,
    })
}

#[component]
fn Backtests() -> impl IntoView {
    let refresh = use_live(&[ChangeKind::Task]);
    let listed = Resource::new(move || refresh.get(), |_| listing());
    view! {
        <Breadcrumbs trail=vec![("Backtests".to_owned(), "/backtests".to_owned())] />
        <div class="page-head mt-3">
            <div>
                <h1 class="display-2">"Backtests"</h1>
                <p class="mt-2 text-muted">"A strategy over a dataset for every config of a parameter grid, run by your agents."</p>
            </div>
            <a class="btn btn-primary" href="/backtests/new">"New backtest"</a>
        </div>
        <Transition fallback=|| view! { <p class="mt-8 text-muted" role="status">"Loading backtests..."</p> }>
            {move || Suspend::new(async move {
                match listed.await {
                    Ok(listing) if listing.tasks.is_empty() => EitherOf3::A(view! {
                        <div class="empty-state mt-8" data-testid="backtests-empty">
                            <span class="icon-tile mx-auto"><Icon kind=IconKind::Chart /></span>
                            <h2 class="title-3 mt-4">"No backtests yet"</h2>
                            <p class="mx-auto mt-2 max-w-xl text-muted">"Upload a dataset of candles, then choose a strategy and the parameter ranges to sweep. Your agents run every combination and rank the results."</p>
                            <div class="mt-6 flex flex-wrap justify-center gap-3">
                                <a class="btn btn-secondary" href="/datasets">"Upload a dataset"</a>
                                <a class="btn btn-primary" href="/backtests/new">"New backtest"</a>
                            </div>
                        </div>
                    }),
                    Ok(listing) => EitherOf3::B(view! { <TaskTable listing /> }),
                    Err(err) => EitherOf3::C(view! { <p class="alert mt-8" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn TaskTable(listing: Listing) -> impl IntoView {
    let Listing {
        tasks,
        datasets,
        workers,
    } = listing;
    let dataset_name = move |id: &str| {
        datasets
            .iter()
            .find(|dataset| dataset.id == id)
            .map_or_else(
                || "removed dataset".to_owned(),
                |dataset| dataset.name.clone(),
            )
    };
    let worker_name = move |id: &str| {
        workers.iter().find(|worker| worker.id == id).map_or_else(
            || id.get(..8).unwrap_or(id).to_owned(),
            |worker| worker.display_name.clone(),
        )
    };
    view! {
        <div class="table-wrap mt-8" role="region" aria-label="Backtests" tabindex="0">
            <table class="data-table" data-testid="backtests-table">
                <caption class="sr-only">"Your backtests"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Backtest"</th>
                        <th scope="col">"Dataset"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Progress"</th>
                        <th scope="col">"Agent"</th>
                        <th scope="col">"Created"</th>
                    </tr>
                </thead>
                <tbody>
                    {tasks.into_iter().map(|task| {
                        let href = format!("/backtests/{}", task.id);
                        let agent = task.leased_by.as_deref().or(task.worker_id.as_deref()).map_or_else(
                            || view! { <span class="text-muted">"Any of yours"</span> }.into_any(),
                            |id| view! { <a class="link" href=format!("/fleet/{id}")>{worker_name(id)}</a> }.into_any(),
                        );
                        view! {
                            <tr data-testid="backtest-row" data-task=task.id.clone()>
                                <td>
                                    <a class="link font-medium" href=href>{strategy_label(&task.strategy)}</a>
                                    <p class="font-mono text-xs text-muted">{task.grid.clone()}</p>
                                </td>
                                <td>{dataset_name(&task.dataset_id)}</td>
                                <td><TaskBadge state=task.state /></td>
                                <td><Progress done=task.configs_done total=task.configs_total label="Configs done" /></td>
                                <td>{agent}</td>
                                <td><Ago at=task.created_at /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
