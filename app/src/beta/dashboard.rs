//! The signed-in user's overview: how many agents are online, the backtests running with
//! their progress, and the latest ones with their results — each leading to its page.

use app_model::live::ChangeKind;
use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::auth::model::CurrentUser;
use crate::backtests::strategy_label;
use crate::fleet::api::{list_datasets, list_tasks, list_workers};
use crate::fleet::model::{FleetError, Task, TaskState, WorkerStatus};
use crate::fleet::widgets::{Progress, TaskBadge};
use crate::ui::clock::Ago;
use crate::ui::live::use_live;

const LATEST: usize = 5;

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Summary {
    online: usize,
    agents: usize,
    datasets: usize,
    tasks: Vec<Task>,
}

async fn summary() -> Result<Summary, FleetError> {
    // Started together: a server function called while the server renders the page finds
    // its context only until the fetcher first awaits.
    let (workers, datasets, tasks) =
        futures::future::join3(list_workers(), list_datasets(), list_tasks()).await;
    let workers = workers?;
    Ok(Summary {
        online: workers
            .iter()
            .filter(|worker| worker.status == WorkerStatus::Online)
            .count(),
        agents: workers.len(),
        datasets: datasets?.len(),
        tasks: tasks?,
    })
}

#[component]
pub fn Dashboard(user: CurrentUser) -> impl IntoView {
    let refresh = use_live(&[ChangeKind::Worker, ChangeKind::Task]);
    let loaded = Resource::new(move || refresh.get(), |_| summary());
    // One text node: hydration walks the server's HTML, where adjacent texts have merged.
    let CurrentUser { display_name, .. } = user;
    let greeting = format!("Welcome back, {display_name}");
    view! {
        <h1 class="display-2">{greeting}</h1>
        <Transition fallback=|| view! { <p class="mt-8 text-muted" role="status">"Loading your overview..."</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(summary) if summary.agents == 0 && summary.tasks.is_empty() => EitherOf3::A(view! { <GettingStarted summary /> }),
                    Ok(summary) => EitherOf3::B(view! { <Overview summary /> }),
                    Err(err) => EitherOf3::C(view! { <p class="alert mt-8" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn GettingStarted(summary: Summary) -> impl IntoView {
    let step = |done: bool,
                number: &'static str,
                title: &'static str,
                href: &'static str,
                action: &'static str| {
        view! {
            <li class="card">
                <span class="step-number">{if done { "✓" } else { number }}</span>
                <p class="mt-3 font-semibold">{title}</p>
                <a class="btn btn-secondary btn-sm mt-3" href=href>{action}</a>
            </li>
        }
    };
    view! {
        <p class="mt-2 text-muted">"Three steps to your first ranked results."</p>
        <ol class="mt-6 grid gap-4 md:grid-cols-3" data-testid="getting-started">
            {step(summary.agents > 0, "1", "Add an agent on a machine of yours", "/fleet/tokens#new-token", "Create a token")}
            {step(summary.datasets > 0, "2", "Upload a dataset of candles", "/datasets", "Upload")}
            {step(false, "3", "Run a backtest over a parameter grid", "/backtests/new", "New backtest")}
        </ol>
    }
}

#[component]
fn Overview(summary: Summary) -> impl IntoView {
    let running: Vec<Task> = summary
        .tasks
        .iter()
        .filter(|task| !task.state.is_finished())
        .cloned()
        .collect();
    let finished: Vec<Task> = summary
        .tasks
        .iter()
        .filter(|task| task.state == TaskState::Done)
        .take(LATEST)
        .cloned()
        .collect();
    view! {
        <div class="mt-6 grid gap-4 sm:grid-cols-3">
            <a class="stat hover:border-brand" href="/fleet" data-testid="stat-agents">
                <p class="stat-label">"Agents online"</p>
                <p class="stat-value">{format!("{} / {}", summary.online, summary.agents)}</p>
            </a>
            <a class="stat hover:border-brand" href="/backtests" data-testid="stat-running">
                <p class="stat-label">"Backtests running"</p>
                <p class="stat-value">{running.len()}</p>
            </a>
            <a class="stat hover:border-brand" href="/datasets" data-testid="stat-datasets">
                <p class="stat-label">"Datasets"</p>
                <p class="stat-value">{summary.datasets}</p>
            </a>
        </div>
        <section class="mt-8" aria-labelledby="running-title">
            <h2 id="running-title" class="title-3">"Running now"</h2>
            {if running.is_empty() {
                view! { <p class="mt-3 text-muted">"Nothing is running. "<a class="link" href="/backtests/new">"Start a backtest"</a>"."</p> }.into_any()
            } else {
                view! { <TaskList tasks=running /> }.into_any()
            }}
        </section>
        <section class="mt-8" aria-labelledby="latest-title">
            <h2 id="latest-title" class="title-3">"Latest results"</h2>
            {if finished.is_empty() {
                view! { <p class="mt-3 text-muted">"Finished backtests appear here with their results."</p> }.into_any()
            } else {
                view! { <TaskList tasks=finished /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn TaskList(tasks: Vec<Task>) -> impl IntoView {
    view! {
        <ul class="mt-3 flex flex-col gap-3">
            {tasks.into_iter().map(|task| view! {
                <li class="card flex flex-wrap items-center justify-between gap-4">
                    <div>
                        <a class="link font-medium" href=format!("/backtests/{}", task.id)>{strategy_label(&task.strategy)}</a>
                        <p class="font-mono text-xs text-muted">{task.grid.clone()}</p>
                    </div>
                    <div class="flex flex-wrap items-center gap-4">
                        <TaskBadge state=task.state />
                        <Progress done=task.configs_done total=task.configs_total label="Configs done" />
                        <span class="text-sm text-muted"><Ago at=task.finished_at.unwrap_or(task.created_at) /></span>
                    </div>
                </li>
            }).collect_view()}
        </ul>
    }
}
