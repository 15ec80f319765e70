//! `/fleet`: every agent of the signed-in user with its live status, what it is running
//! and when it last called in; filtered by status with `?status=`. A user without agents
//! gets the three steps that add the first one.

use app_model::live::ChangeKind;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::require::RequireUser;
use crate::beta::frame::{AppFrame, Breadcrumbs};
use crate::fleet::api::{list_tasks, list_workers};
use crate::fleet::model::{Task, Worker, WorkerStatus};
use crate::fleet::widgets::{Progress, WorkerBadge, worker_status_badge};
use crate::ui::clock::Ago;
use crate::ui::live::use_live;
use crate::ui::{Icon, IconKind};

#[component]
pub fn FleetPage() -> impl IntoView {
    view! {
        <Title text="Fleet" />
        <RequireUser children=|_| view! { <AppFrame><Fleet /></AppFrame> } />
    }
}

#[component]
fn Fleet() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query
            .read()
            .get("status")
            .and_then(|status| WorkerStatus::parse(&status))
    });
    let refresh = use_live(&[ChangeKind::Worker, ChangeKind::Task]);
    let fleet = Resource::new(
        move || refresh.get(),
        |_| async move {
            // Started together: a server function called while the server renders the
            // page finds its context only until the fetcher first awaits.
            let (workers, tasks) = futures::future::join(list_workers(), list_tasks()).await;
            Ok::<_, crate::fleet::model::FleetError>((workers?, tasks?))
        },
    );
    view! {
        <Breadcrumbs trail=vec![("Fleet".to_owned(), "/fleet".to_owned())] />
        <div class="page-head mt-3">
            <div>
                <h1 class="display-2">"Fleet"</h1>
                <p class="mt-2 text-muted">"Your edge agents: the machines that run your backtests."</p>
            </div>
            <div class="flex flex-wrap gap-2">
                <a class="btn btn-secondary" href="/fleet/tokens">
                    <Icon kind=IconKind::Key class="size-4" />
                    "Enrollment tokens"
                </a>
                <a class="btn btn-primary" href="/fleet/tokens#new-token">"Add an agent"</a>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="mt-8 text-muted" role="status">"Loading your agents..."</p> }>
            {move || Suspend::new(async move {
                match fleet.await {
                    Ok((workers, _)) if workers.is_empty() => EitherOf3::A(view! { <FirstAgent /> }),
                    Ok((workers, tasks)) => EitherOf3::B(view! { <AgentList workers tasks filter=filter.get() /> }),
                    Err(err) => EitherOf3::C(view! { <p class="alert mt-8" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn FirstAgent() -> impl IntoView {
    view! {
        <div class="empty-state mt-8" data-testid="fleet-empty">
            <span class="icon-tile mx-auto"><Icon kind=IconKind::Server /></span>
            <h2 class="title-3 mt-4">"Add your first agent"</h2>
            <p class="mx-auto mt-2 max-w-xl text-muted">
                "An agent is a small program on a machine of yours. It calls this server for work and runs your backtests on all its cores."
            </p>
            <ol class="mx-auto mt-6 grid max-w-3xl gap-4 text-left sm:grid-cols-3">
                <li class="card">
                    <span class="step-number">"1"</span>
                    <p class="mt-3 font-semibold">"Create a token"</p>
                    <p class="mt-1 text-sm text-muted">"A one-time enrollment token, shown once."</p>
                </li>
                <li class="card">
                    <span class="step-number">"2"</span>
                    <p class="mt-3 font-semibold">"Install the agent"</p>
                    <p class="mt-1 text-sm text-muted">"Build "<code>"edge-agent"</code>" on the machine."</p>
                </li>
                <li class="card">
                    <span class="step-number">"3"</span>
                    <p class="mt-3 font-semibold">"Onboard it"</p>
                    <p class="mt-1 text-sm text-muted">"One command; it shows up here within seconds."</p>
                </li>
            </ol>
            <a class="btn btn-primary mt-6" href="/fleet/tokens#new-token">"Create an enrollment token"</a>
        </div>
    }
}

#[component]
fn AgentList(
    workers: Vec<Worker>,
    tasks: Vec<Task>,
    filter: Option<WorkerStatus>,
) -> impl IntoView {
    let count = |status: WorkerStatus| {
        workers
            .iter()
            .filter(|worker| worker.status == status)
            .count()
    };
    let tabs = std::iter::once((None, format!("All ({})", workers.len())))
        .chain(WorkerStatus::ALL.into_iter().map(|status| {
            let (label, _) = worker_status_badge(status);
            (Some(status), format!("{label} ({})", count(status)))
        }))
        .map(|(status, label)| {
            let href = status.map_or_else(
                || "/fleet".to_owned(),
                |status| format!("/fleet?status={}", status.as_str()),
            );
            let current = (status == filter).then_some("page");
            view! { <li><a class="tab-link" href=href aria-current=current>{label}</a></li> }
        })
        .collect_view();
    let shown: Vec<Worker> = workers
        .into_iter()
        .filter(|worker| filter.is_none_or(|status| worker.status == status))
        .collect();
    let rows = if shown.is_empty() {
        view! {
            <p class="empty-state mt-6" data-testid="fleet-filter-empty">"No agent has this status right now."</p>
        }
        .into_any()
    } else {
        view! {
            <div class="table-wrap mt-6" role="region" aria-label="Agents" tabindex="0">
                <table class="data-table" data-testid="fleet-table">
                    <caption class="sr-only">"Your agents"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Agent"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Running"</th>
                            <th scope="col">"Version"</th>
                            <th scope="col">"Platform"</th>
                            <th scope="col">"Last contact"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {shown
                            .into_iter()
                            .map(|worker| {
                                let task = worker
                                    .active_task_id
                                    .as_ref()
                                    .and_then(|id| tasks.iter().find(|task| &task.id == id).cloned());
                                view! { <AgentRow worker task /> }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <nav aria-label="Filter by status" class="mt-8">
            <ul class="flex flex-wrap gap-1">{tabs}</ul>
        </nav>
        {rows}
    }
}

#[component]
fn AgentRow(worker: Worker, task: Option<Task>) -> impl IntoView {
    let href = format!("/fleet/{}", worker.id);
    let running = task.map_or_else(
        || view! { <span class="text-muted">"Idle"</span> }.into_any(),
        |task| {
            let href = format!("/backtests/{}", task.id);
            view! {
                <a class="link" href=href>{task.strategy.clone()}</a>
                <Progress done=task.configs_done total=task.configs_total label="Configs done" />
            }
            .into_any()
        },
    );
    let last = worker.last_seen_at.map_or_else(
        || view! { <span class="text-muted">"Never"</span> }.into_any(),
        |at| view! { <Ago at /> }.into_any(),
    );
    view! {
        <tr data-testid="agent-row" data-worker=worker.id.clone()>
            <td>
                <a class="font-medium link" href=href>{worker.display_name.clone()}</a>
                <p class="font-mono text-xs text-muted">{worker.id.get(..8).unwrap_or(&worker.id).to_owned()}</p>
            </td>
            <td><WorkerBadge status=worker.status /></td>
            <td class="min-w-48">{running}</td>
            <td class="tabular-nums">{worker.version.clone()}</td>
            <td>{format!("{} {} · {} CPUs", worker.platform, worker.arch, worker.cpus)}</td>
            <td data-testid="last-contact">{last}</td>
        </tr>
    }
}
