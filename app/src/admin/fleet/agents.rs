//! `/fleet` on the admin host: every user's agents, newest first, searched by name, id,
//! version or owner and filtered by status; and `/fleet/:id`, the beta host's agent page
//! with its actions, for anyone's agent.

use app_model::live::ChangeKind;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{AdminFrame, ListQuery, SearchForm, filter_tabs};
use crate::admin::api::admin_agents;
use crate::admin::model::FleetAgent;
use crate::auth::require::{Audience, RequireUser};
use crate::beta::frame::Breadcrumbs;
use crate::fleet::model::WorkerStatus;
use crate::fleet::pages::Agent;
use crate::fleet::widgets::{WorkerBadge, worker_status_badge};
use crate::ui::clock::Ago;
use crate::ui::live::use_live;
use crate::ui::paging::{Pagination, query_string};

#[component]
pub fn AdminFleetPage() -> impl IntoView {
    view! {
        <Title text="Fleet" />
        <RequireUser audience=Audience::Administrators children=|_| view! { <AdminFrame><Agents /></AdminFrame> } />
    }
}

#[component]
pub fn AdminAgentPage() -> impl IntoView {
    view! {
        <Title text="Agent" />
        <RequireUser audience=Audience::Administrators children=|_| view! { <AdminFrame><Agent /></AdminFrame> } />
    }
}

#[component]
fn Agents() -> impl IntoView {
    let query = ListQuery::read("status");
    let refresh = use_live(&[ChangeKind::Worker, ChangeKind::Task]);
    let listed = Resource::new(
        move || {
            (
                query.search.get(),
                query.filter.get(),
                query.page.get(),
                refresh.get(),
            )
        },
        |(search, status, page, _)| admin_agents(search, status, page),
    );
    view! {
        <Breadcrumbs trail=vec![("Fleet".to_owned(), "/fleet".to_owned())] />
        <h1 class="display-2 mt-3">"Fleet"</h1>
        <p class="mt-2 text-muted">"Every user's edge agents. Open one to see why it is offline or to act on it; each action is audited in its owner's name."</p>
        <SearchForm query filter_key="status" label="Search by agent name, id, version or owner email" id="agent-search" />
        <Transition fallback=|| view! { <p class="mt-6 text-muted" role="status">"Loading agents..."</p> }>
            {move || Suspend::new(async move {
                match listed.await {
                    Ok(listed) => {
                        let search = query.search.get_untracked();
                        let status = query.filter.get_untracked();
                        let all = listed.by_status.iter().map(|(_, count)| count).sum();
                        let tabs = filter_tabs(
                            "status",
                            &search,
                            &status,
                            all,
                            listed
                                .by_status
                                .iter()
                                .map(|&(status, count)| (status.as_str(), worker_status_badge(status).0, count))
                                .collect(),
                        );
                        let body = if listed.agents.is_empty() {
                            Either::Left(view! {
                                <div class="empty-state mt-6" data-testid="admin-agents-empty">
                                    <p class="title-3">{if all == 0 && search.is_empty() { "No agents yet" } else { "No agents match" }}</p>
                                    <p class="mt-2 text-muted">{if all == 0 && search.is_empty() {
                                        "Agents appear here once a user onboards one with an enrollment token."
                                    } else {
                                        "Try part of a name, an id or an owner's email, or another status."
                                    }}</p>
                                </div>
                            })
                        } else {
                            let pages = move |page: u32| {
                                query_string(&[("q", search.clone()), ("status", status.clone()), ("page", page.to_string())])
                            };
                            Either::Right(view! {
                                <AgentTable agents=listed.agents />
                                <Pagination page=listed.page total=listed.total per_page=listed.per_page noun="agents" href=pages />
                            })
                        };
                        Either::Left(view! {
                            <nav aria-label="Filter by status" class="mt-6"><ul class="flex flex-wrap gap-1">{tabs}</ul></nav>
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
fn AgentTable(agents: Vec<FleetAgent>) -> impl IntoView {
    view! {
        <div class="table-wrap mt-6" role="region" aria-label="Agents" tabindex="0">
            <table class="data-table" data-testid="admin-agents-table">
                <caption class="sr-only">"Every user's agents"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Agent"</th>
                        <th scope="col">"Owner"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Platform"</th>
                        <th scope="col">"Last contact"</th>
                    </tr>
                </thead>
                <tbody>
                    {agents.into_iter().map(|FleetAgent { worker, owner }| {
                        let last = worker.last_seen_at.map_or_else(
                            || view! { <span class="text-muted">"Never"</span> }.into_any(),
                            |at| view! { <Ago at /> }.into_any(),
                        );
                        let status: WorkerStatus = worker.status;
                        view! {
                            <tr data-testid="admin-agent-row" data-worker=worker.id.clone()>
                                <td>
                                    <a class="link font-medium" href=format!("/fleet/{}", worker.id)>{worker.display_name.clone()}</a>
                                    <p class="font-mono text-xs text-muted">{worker.id.get(..8).unwrap_or(&worker.id).to_owned()}</p>
                                </td>
                                <td class="break-all">{owner.email}</td>
                                <td><WorkerBadge status /></td>
                                <td class="tabular-nums">{worker.version.clone()}</td>
                                <td>{format!("{} {} · {} CPUs", worker.platform, worker.arch, worker.cpus)}</td>
                                <td>{last}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
