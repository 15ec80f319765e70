//! `/backtests` on the admin host: every user's backtests, newest first, searched by id,
//! strategy, dataset or owner and filtered by state; and `/backtests/:id`, the beta
//! host's backtest page with its results, cancel and retry, for anyone's backtest.

use app_model::live::ChangeKind;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{AdminFrame, ListQuery, SearchForm, filter_tabs};
use crate::admin::api::admin_backtests;
use crate::admin::model::FleetTask;
use crate::auth::require::{Audience, RequireUser};
use crate::backtests::{Backtest, strategy_label};
use crate::beta::frame::Breadcrumbs;
use crate::fleet::widgets::{Progress, TaskBadge, task_state_badge};
use crate::ui::clock::Ago;
use crate::ui::live::use_live;
use crate::ui::paging::{Pagination, query_string};

#[component]
pub fn AdminBacktestsPage() -> impl IntoView {
    view! {
        <Title text="Backtests" />
        <RequireUser audience=Audience::Administrators children=|_| view! { <AdminFrame><Backtests /></AdminFrame> } />
    }
}

#[component]
pub fn AdminBacktestPage() -> impl IntoView {
    view! {
        <Title text="Backtest" />
        <RequireUser audience=Audience::Administrators children=|_| view! { <AdminFrame><Backtest /></AdminFrame> } />
    }
}

#[component]
fn Backtests() -> impl IntoView {
    let query = ListQuery::read("state");
    let refresh = use_live(&[ChangeKind::Task]);
    let listed = Resource::new(
        move || {
            (
                query.search.get(),
                query.filter.get(),
                query.page.get(),
                refresh.get(),
            )
        },
        |(search, state, page, _)| admin_backtests(search, state, page),
    );
    view! {
        <Breadcrumbs trail=vec![("Backtests".to_owned(), "/backtests".to_owned())] />
        <h1 class="display-2 mt-3">"Backtests"</h1>
        <p class="mt-2 text-muted">"Every user's backtests. Open one for its progress and results, or to cancel or retry it in its owner's name."</p>
        <SearchForm query filter_key="state" label="Search by backtest id, strategy, dataset id or owner email" id="backtest-search" />
        <Transition fallback=|| view! { <p class="mt-6 text-muted" role="status">"Loading backtests..."</p> }>
            {move || Suspend::new(async move {
                match listed.await {
                    Ok(listed) => {
                        let search = query.search.get_untracked();
                        let state = query.filter.get_untracked();
                        let all = listed.by_state.iter().map(|(_, count)| count).sum();
                        let tabs = filter_tabs(
                            "state",
                            &search,
                            &state,
                            all,
                            listed
                                .by_state
                                .iter()
                                .map(|&(state, count)| (state.as_str(), task_state_badge(state).0, count))
                                .collect(),
                        );
                        let body = if listed.tasks.is_empty() {
                            Either::Left(view! {
                                <div class="empty-state mt-6" data-testid="admin-backtests-empty">
                                    <p class="title-3">{if all == 0 && search.is_empty() { "No backtests yet" } else { "No backtests match" }}</p>
                                    <p class="mt-2 text-muted">{if all == 0 && search.is_empty() {
                                        "Backtests appear here once a user starts one."
                                    } else {
                                        "Try part of an id, a strategy or an owner's email, or another state."
                                    }}</p>
                                </div>
                            })
                        } else {
                            let pages = move |page: u32| {
                                query_string(&[("q", search.clone()), ("state", state.clone()), ("page", page.to_string())])
                            };
                            Either::Right(view! {
                                <TaskTable tasks=listed.tasks />
                                <Pagination page=listed.page total=listed.total per_page=listed.per_page noun="backtests" href=pages />
                            })
                        };
                        Either::Left(view! {
                            <nav aria-label="Filter by state" class="mt-6"><ul class="flex flex-wrap gap-1">{tabs}</ul></nav>
                            {body}
                        })
                    }
                    Err(err) => Either::Right(view! { <p class="alert mt-6" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn TaskTable(tasks: Vec<FleetTask>) -> impl IntoView {
    view! {
        <div class="table-wrap mt-6" role="region" aria-label="Backtests" tabindex="0">
            <table class="data-table" data-testid="admin-backtests-table">
                <caption class="sr-only">"Every user's backtests"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Backtest"</th>
                        <th scope="col">"Owner"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Progress"</th>
                        <th scope="col">"Agent"</th>
                        <th scope="col">"Created"</th>
                    </tr>
                </thead>
                <tbody>
                    {tasks.into_iter().map(|FleetTask { task, owner }| {
                        let agent = task.leased_by.clone().or_else(|| task.worker_id.clone()).map_or_else(
                            || view! { <span class="text-muted">"Any of the owner's"</span> }.into_any(),
                            |id| {
                                let short = id.get(..8).unwrap_or(&id).to_owned();
                                view! { <a class="link font-mono text-sm" href=format!("/fleet/{id}")>{short}</a> }.into_any()
                            },
                        );
                        view! {
                            <tr data-testid="admin-backtest-row" data-task=task.id.clone()>
                                <td>
                                    <a class="link font-medium" href=format!("/backtests/{}", task.id)>{strategy_label(&task.strategy)}</a>
                                    <p class="font-mono text-xs text-muted">{task.id.get(..8).unwrap_or(&task.id).to_owned()}</p>
                                </td>
                                <td class="break-all">{owner.email}</td>
                                <td><TaskBadge state=task.state /></td>
                                <td class="min-w-40"><Progress done=task.configs_done total=task.configs_total label="Configs done" /></td>
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
