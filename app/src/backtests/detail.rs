//! `/backtests/:id`: one backtest — what it runs, its state and live progress, cancel and
//! retry — and below it the results.

use app_model::live::ChangeKind;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::results::{Results, ResultsKey};
use super::strategy_label;
use crate::auth::require::RequireUser;
use crate::beta::forms::FormAlert;
use crate::beta::frame::{AppFrame, Breadcrumbs};
use crate::fleet::FleetScope;
use crate::fleet::api::{CancelTask, RetryTask, task_detail};
use crate::fleet::model::{FleetError, Task, TaskState};
use crate::fleet::widgets::{Progress, TaskBadge};
use crate::ui::clock::{Ago, use_clock};
use crate::ui::live::use_live;

#[component]
pub fn BacktestPage() -> impl IntoView {
    view! {
        <Title text="Backtest" />
        <RequireUser children=|_| view! { <AppFrame><Backtest /></AppFrame> } />
    }
}

/// The backtest named by the route's `:id` and its results, shown inside the host's
/// frame.
#[component]
pub(crate) fn Backtest() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let cancel = ServerAction::<CancelTask>::new();
    let retry = ServerAction::<RetryTask>::new();
    let refresh = use_live(&[ChangeKind::Task]);
    let task = Resource::new(
        move || {
            (
                id.get(),
                cancel.version().get(),
                retry.version().get(),
                refresh.get(),
            )
        },
        |(id, ..)| task_detail(id),
    );
    let failure = Signal::derive(move || {
        [
            cancel.value().get().and_then(Result::err),
            retry.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|err| err.to_string())
    });
    // The results below reload only when the task has new results or a new state, not on
    // every progress refresh.
    let key = Memo::new(move |_| {
        task.get()
            .and_then(Result::ok)
            .map(|task| ResultsKey::of(&task))
    });
    view! {
        <Transition fallback=|| view! { <p class="text-muted" role="status">"Loading the backtest..."</p> }>
            {move || Suspend::new(async move {
                match task.await {
                    Ok(task) => EitherOf3::A(view! { <Header task cancel retry failure /> }),
                    Err(FleetError::NotFound) => EitherOf3::B(view! {
                        <div class="empty-state" data-testid="backtest-missing">
                            <h1 class="title-3">"No such backtest"</h1>
                            <p class="mt-2 text-muted">"It was removed, or it belongs to another account."</p>
                            <a class="btn btn-secondary mt-4" href="/backtests">"All backtests"</a>
                        </div>
                    }),
                    Err(err) => EitherOf3::C(view! { <p class="alert" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
        <Results id key />
    }
}

#[component]
fn Header(
    task: Task,
    cancel: ServerAction<CancelTask>,
    retry: ServerAction<RetryTask>,
    failure: Signal<Option<String>>,
) -> impl IntoView {
    let title = strategy_label(&task.strategy);
    let clock = use_clock();
    let started = task.started_at;
    let finished = task.finished_at;
    let elapsed = move || {
        started.map(|start| {
            let end = finished.unwrap_or_else(|| clock.now());
            app_model::results::format_duration(end - start)
        })
    };
    let can_cancel = !task.state.is_finished();
    let can_retry = matches!(task.state, TaskState::Failed | TaskState::Cancelled);
    let agent = task.leased_by.clone().or(task.worker_id.clone());
    let (id_for_cancel, id_for_retry) = (task.id.clone(), task.id.clone());
    // The datasets page is the owner's, on the beta host; the admin host names the dataset.
    let short_dataset = task
        .dataset_id
        .get(..8)
        .unwrap_or(&task.dataset_id)
        .to_owned();
    let (dataset, any_agent) = match FleetScope::current() {
        FleetScope::Own => (
            view! { <a class="link" href=format!("/datasets#dataset-{}", task.dataset_id)>{short_dataset}</a> }.into_any(),
            "Any of yours",
        ),
        FleetScope::Everyone => (
            view! { <span class="font-mono text-sm">{short_dataset}</span> }.into_any(),
            "Any of the owner's",
        ),
    };
    view! {
        <Title text=format!("{title} backtest") />
        <Breadcrumbs trail=vec![
            ("Backtests".to_owned(), "/backtests".to_owned()),
            (task.id.get(..8).unwrap_or(&task.id).to_owned(), format!("/backtests/{}", task.id)),
        ] />
        <div class="page-head mt-3">
            <div>
                <h1 class="display-2 flex flex-wrap items-center gap-3">{title}<TaskBadge state=task.state /></h1>
                <p class="mt-2 font-mono text-sm text-muted">{task.grid.clone()}</p>
            </div>
            <div class="flex flex-wrap gap-2">
                {can_cancel.then(|| view! {
                    <ActionForm action=cancel>
                        <input type="hidden" name="id" value=id_for_cancel />
                        <button class="btn btn-danger" type="submit" disabled=move || cancel.pending().get() data-testid="cancel-task">
                            {if task.cancel_requested { "Cancelling..." } else { "Cancel" }}
                        </button>
                    </ActionForm>
                })}
                {can_retry.then(|| view! {
                    <ActionForm action=retry>
                        <input type="hidden" name="id" value=id_for_retry />
                        <button class="btn btn-primary" type="submit" disabled=move || retry.pending().get() data-testid="retry-task">"Retry"</button>
                    </ActionForm>
                })}
            </div>
        </div>
        <div class="mt-4"><FormAlert message=failure /></div>
        {task.error.clone().map(|error| view! { <p class="alert mt-4" role="alert" data-testid="task-error">{error}</p> })}
        <section class="card mt-6" aria-label="Progress and details">
            <Progress done=task.configs_done total=task.configs_total label="Configs done" />
            <dl class="facts mt-5">
                <dt>"Dataset"</dt>
                <dd>{dataset}</dd>
                <dt>"Agent"</dt>
                <dd>{agent.map_or_else(
                    move || view! { <span class="text-muted">{any_agent}</span> }.into_any(),
                    |id| view! { <a class="link" href=format!("/fleet/{id}")>{id.get(..8).unwrap_or(&id).to_owned()}</a> }.into_any(),
                )}</dd>
                <dt>"Costs"</dt>
                <dd>{format!("fee {:.3} %, slippage {:.3} % per fill", task.fee * 100.0, task.slippage * 100.0)}</dd>
                <dt>"Created"</dt>
                <dd><Ago at=task.created_at /></dd>
                <dt>"Run time"</dt>
                <dd>{move || elapsed().unwrap_or_else(|| "not started".to_owned())}</dd>
                <dt>"Attempts"</dt>
                <dd class="tabular-nums">{task.attempts}</dd>
            </dl>
        </section>
    }
}
