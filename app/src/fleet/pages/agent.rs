//! `/fleet/:id`: one agent — its facts, why it is not online (last contact, last error and
//! its class, clock skew, address and version, the event timeline), and the owner's
//! actions, each confirmed before it runs and reflected on the page at once.

use app_model::live::ChangeKind;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::auth::require::RequireUser;
use crate::beta::forms::FormAlert;
use crate::beta::frame::{AppFrame, Breadcrumbs};
use crate::fleet::api::{ChangeWorker, worker_detail};
use crate::fleet::model::{Worker, WorkerEvent, WorkerStatus};
use crate::fleet::widgets::WorkerBadge;
use crate::ui::clock::Ago;
use crate::ui::live::use_live;
use crate::ui::time::format_utc;

#[component]
pub fn AgentPage() -> impl IntoView {
    view! {
        <Title text="Agent" />
        <RequireUser children=|_| view! { <AppFrame><Agent /></AppFrame> } />
    }
}

/// The agent named by the route's `:id`, shown inside the host's frame.
#[component]
pub(crate) fn Agent() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let change = ServerAction::<ChangeWorker>::new();
    let refresh = use_live(&[ChangeKind::Worker, ChangeKind::Task]);
    let detail = Resource::new(
        move || (id.get(), change.version().get(), refresh.get()),
        |(id, ..)| worker_detail(id),
    );
    let failure = Signal::derive(move || match change.value().get() {
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    });
    view! {
        <Transition fallback=|| view! { <p class="text-muted" role="status">"Loading the agent..."</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok((worker, events)) => EitherOf3::A(view! {
                        <Title text=worker.display_name.clone() />
                        <Breadcrumbs trail=vec![
                            ("Fleet".to_owned(), "/fleet".to_owned()),
                            (worker.display_name.clone(), format!("/fleet/{}", worker.id)),
                        ] />
                        <div class="page-head mt-3">
                            <div>
                                <h1 class="display-2 flex flex-wrap items-center gap-3">
                                    {worker.display_name.clone()}
                                    <WorkerBadge status=worker.status />
                                </h1>
                                <p class="mt-2 font-mono text-xs text-muted">{worker.id.clone()}</p>
                            </div>
                        </div>
                        <div class="mt-6"><FormAlert message=failure /></div>
                        {(worker.status != WorkerStatus::Online).then(|| view! { <WhyNotOnline worker=worker.clone() /> })}
                        <div class="mt-6 grid gap-6 xl:grid-cols-[3fr_2fr]">
                            <Facts worker=worker.clone() />
                            <Actions worker change />
                        </div>
                        <Timeline events />
                    }),
                    Err(crate::fleet::model::FleetError::NotFound) => EitherOf3::B(view! {
                        <div class="empty-state" data-testid="agent-missing">
                            <h1 class="title-3">"No such agent"</h1>
                            <p class="mt-2 text-muted">"It was removed, or it belongs to another account."</p>
                            <a class="btn btn-secondary mt-4" href="/fleet">"Back to the fleet"</a>
                        </div>
                    }),
                    Err(err) => EitherOf3::C(view! { <p class="alert" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

/// What a status means, in a sentence.
const fn status_explained(status: WorkerStatus) -> &'static str {
    match status {
        WorkerStatus::Online => "It called in recently and takes work.",
        WorkerStatus::Stale => {
            "It has missed its last heartbeats. A slow network or a busy machine can do this; if it lasts, the agent turns offline and its task goes back to the queue."
        }
        WorkerStatus::Offline => {
            "It has not called in for a while: the machine is off, the agent stopped, or it cannot reach this server. Its tasks went back to the queue."
        }
        WorkerStatus::Quarantined => {
            "The server stopped giving it work after repeated failures. Fix the cause, then release it from quarantine."
        }
        WorkerStatus::Disabled => "It was disabled: it gets no work until it is enabled again.",
    }
}

#[component]
fn WhyNotOnline(worker: Worker) -> impl IntoView {
    let last = worker.last_seen_at.map_or_else(
        || view! { "never" }.into_any(),
        |at| view! { <Ago at /> }.into_any(),
    );
    let error = worker.last_error.clone().map(|error| {
        let class = worker
            .last_error_class
            .clone()
            .unwrap_or_else(|| "unclassified".to_owned());
        let at = worker.last_error_at.map(|at| view! { " · " <Ago at /> });
        view! {
            <dt>"Last error"</dt>
            <dd>
                <p class="font-mono text-sm break-words">{error}</p>
                <p class="text-xs text-muted"><span class="badge-muted">{class}</span>{at}</p>
            </dd>
        }
    });
    view! {
        <section class="card mt-6 border-danger/40" aria-labelledby="why-title" data-testid="why-offline">
            <h2 id="why-title" class="title-3">{match worker.status {
                WorkerStatus::Quarantined => "Why is it quarantined?",
                WorkerStatus::Disabled => "Why is it disabled?",
                WorkerStatus::Stale => "Why is it stale?",
                _ => "Why is it offline?",
            }}</h2>
            <p class="mt-2 text-muted">{status_explained(worker.status)}</p>
            <dl class="facts mt-4">
                <dt>"Last contact"</dt>
                <dd data-testid="why-last-contact">{last}</dd>
                {error}
                <dt>"Failures in a row"</dt>
                <dd class="tabular-nums">{worker.consecutive_failures}</dd>
                <dt>"Clock skew"</dt>
                <dd>{skew(worker.clock_skew_ms)}</dd>
                <dt>"Last address"</dt>
                <dd class="font-mono text-sm">{worker.last_ip.clone().unwrap_or_else(|| "unknown".to_owned())}</dd>
                <dt>"Version"</dt>
                <dd>{worker.version.clone()}</dd>
            </dl>
        </section>
    }
}

/// The agent's clock against the server's, in words.
fn skew(skew_ms: Option<i64>) -> String {
    match skew_ms {
        None => "unknown".to_owned(),
        Some(ms) if ms.abs() < 1_000 => format!("{ms} ms (in step)"),
        Some(ms) => {
            let direction = if ms > 0 { "ahead" } else { "behind" };
            #[allow(clippy::cast_precision_loss)]
            let seconds = ms.abs() as f64 / 1_000.0;
            format!("{seconds:.1} s {direction} of the server")
        }
    }
}

#[component]
fn Facts(worker: Worker) -> impl IntoView {
    let task = worker.active_task_id.clone().map_or_else(
        || view! { <span class="text-muted">"Idle"</span> }.into_any(),
        |id| view! { <a class="link font-mono text-sm" href=format!("/backtests/{id}")>{id.get(..8).unwrap_or(&id).to_owned()}</a> }.into_any(),
    );
    let last = worker.last_seen_at.map_or_else(
        || view! { <span class="text-muted">"Never"</span> }.into_any(),
        |at| view! { <Ago at /> }.into_any(),
    );
    let uptime = app_model::results::format_duration(worker.uptime_seconds);
    view! {
        <section class="card" aria-labelledby="facts-title">
            <h2 id="facts-title" class="title-3">"Details"</h2>
            <dl class="facts mt-4">
                <dt>"Running"</dt>
                <dd>{task}</dd>
                <dt>"Agent state"</dt>
                <dd>{worker.runtime_state.clone()}</dd>
                <dt>"Last contact"</dt>
                <dd>{last}</dd>
                <dt>"Platform"</dt>
                <dd>{format!("{} {}", worker.platform, worker.arch)}</dd>
                <dt>"CPUs"</dt>
                <dd class="tabular-nums">{worker.cpus}</dd>
                <dt>"Version"</dt>
                <dd>{worker.version.clone()}</dd>
                <dt>"Uptime"</dt>
                <dd>{uptime}</dd>
                <dt>"Clock skew"</dt>
                <dd>{skew(worker.clock_skew_ms)}</dd>
                <dt>"Enrolled"</dt>
                <dd>{format_utc(worker.created_at)}</dd>
            </dl>
        </section>
    }
}

/// One action, behind a disclosure that says what it does and asks to confirm.
#[component]
fn ConfirmedAction(
    worker_id: String,
    action: &'static str,
    label: &'static str,
    explanation: &'static str,
    danger: bool,
    change: ServerAction<ChangeWorker>,
) -> impl IntoView {
    let confirm_class = if danger {
        "btn btn-danger btn-sm"
    } else {
        "btn btn-primary btn-sm"
    };
    view! {
        <details class="rounded-lg border border-line" data-testid=format!("action-{action}")>
            <summary class="cursor-pointer px-4 py-3 text-sm font-medium">{label}</summary>
            <div class="border-t border-line px-4 py-3">
                <p class="text-sm text-muted">{explanation}</p>
                <ActionForm action=change attr:class="mt-3">
                    <input type="hidden" name="id" value=worker_id />
                    <input type="hidden" name="action" value=action />
                    <button class=confirm_class type="submit" disabled=move || change.pending().get()>
                        {format!("Confirm: {}", label.to_lowercase())}
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}

#[component]
fn Actions(worker: Worker, change: ServerAction<ChangeWorker>) -> impl IntoView {
    let id = worker.id.clone();
    let status = worker.status;
    view! {
        <section class="card" aria-labelledby="actions-title">
            <h2 id="actions-title" class="title-3">"Actions"</h2>
            <div class="mt-4 flex flex-col gap-3">
                {(status == WorkerStatus::Quarantined).then(|| view! {
                    <ConfirmedAction worker_id=id.clone() action="release" label="Release from quarantine"
                        explanation="The agent gets work again at its next heartbeat. Its failure count starts over."
                        danger=false change />
                })}
                {if status == WorkerStatus::Disabled {
                    view! {
                        <ConfirmedAction worker_id=id.clone() action="enable" label="Enable"
                            explanation="The agent takes work again at its next heartbeat."
                            danger=false change />
                    }.into_any()
                } else {
                    view! {
                        <ConfirmedAction worker_id=id.clone() action="disable" label="Disable"
                            explanation="The agent stops getting work; a task it is running goes back to the queue. It keeps its credential."
                            danger=true change />
                    }.into_any()
                }}
                <ConfirmedAction worker_id=id.clone() action="rotate_credential" label="Rotate credential"
                    explanation="The agent receives a new credential at its next heartbeat; the old one stops working once the new one is used."
                    danger=false change />
                <ConfirmedAction worker_id=id action="revoke_credentials" label="Revoke credentials"
                    explanation="The agent is locked out at once and must be onboarded again with a new enrollment token."
                    danger=true change />
            </div>
        </section>
    }
}

#[component]
fn Timeline(events: Vec<WorkerEvent>) -> impl IntoView {
    let items = if events.is_empty() {
        view! { <p class="mt-3 text-muted">"Nothing has happened yet."</p> }.into_any()
    } else {
        view! {
            <ol class="mt-4 flex flex-col gap-3" data-testid="agent-timeline">
                {events
                    .into_iter()
                    .map(|event| view! {
                        <li class="flex flex-wrap items-baseline gap-x-3 border-l-2 border-line pl-4">
                            <span class="font-medium">{event.kind.replace('_', " ")}</span>
                            <span class="text-xs text-muted"><Ago at=event.at /></span>
                            {event.detail.map(|detail| view! { <p class="w-full text-sm text-muted break-words">{detail}</p> })}
                        </li>
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <section class="card mt-6" aria-labelledby="timeline-title">
            <h2 id="timeline-title" class="title-3">"Timeline"</h2>
            {items}
        </section>
    }
}
