//! `/audit` on the admin host: the audit log, filtered by user, action and day, paged.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::api::audit_log;
use super::model::{AdminError, AuditEntry, AuditFilter};
use crate::auth::model::AuditAction;
use crate::auth::require::{Audience, RequireUser};
use crate::errors::ServerFnFailure as _;
use crate::ui::paging::{Pagination, query_string};
use crate::ui::time::{format_utc, iso};

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <section class="container-wide py-12" aria-labelledby="audit-title">
            <h1 id="audit-title" class="display-2">"Audit log"</h1>
            <p class="lead mt-2">"Who did what to which account, from where. Newest first; times in UTC."</p>
            <RequireUser audience=Audience::Administrators children=|_| view! { <AuditTable /> } />
        </section>
    }
}

#[component]
fn AuditTable() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let filter = Memo::new(move |_| AuditFilter {
        user: param("user"),
        action: param("action"),
        from: param("from"),
        to: param("to"),
    });
    let page = Memo::new(move |_| param("page").parse::<u32>().unwrap_or(1).max(1));
    let entries = Resource::new(
        move || (filter.get(), page.get()),
        |(filter, page)| audit_log(filter, page),
    );
    let field_error = move |field: &'static str| {
        Signal::derive(move || match entries.get() {
            Some(Err(err)) => err.message_for(field),
            _ => None,
        })
    };
    view! {
        <Form method="GET" action="" attr:class="filter-bar mt-8" attr:aria-label="Filter the audit log">
            <FilterField name="user" label="User email" input_type="search" value=Signal::derive(move || filter.get().user) error=field_error("user") />
            <div class="field">
                <label class="label" for="filter-action">"Action"</label>
                <select class="input" id="filter-action" name="action" aria-invalid=move || field_error("action").get().is_some().then_some("true")>
                    <option value="" selected=move || filter.get().action.is_empty()>"All actions"</option>
                    {AuditAction::ALL.into_iter().map(|action| view! {
                        <option value=action.as_str() selected=move || filter.get().action == action.as_str()>{action.label()}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || field_error("action").get()}</p>
            </div>
            <FilterField name="from" label="From" input_type="date" value=Signal::derive(move || filter.get().from) error=field_error("from") />
            <FilterField name="to" label="To" input_type="date" value=Signal::derive(move || filter.get().to) error=field_error("to") />
            <div class="flex gap-2 lg:pb-7">
                <button class="btn btn-primary" type="submit">"Apply"</button>
                <a class="btn btn-secondary" href="/audit">"Clear"</a>
            </div>
        </Form>
        <Transition fallback=|| view! { <p class="text-muted" role="status">"Loading the audit log..."</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(listed) if listed.entries.is_empty() => EitherOf3::A(view! {
                        <div class="card text-center" data-testid="audit-empty">
                            <p class="title-3">"Nothing recorded matches"</p>
                            <p class="mt-2 text-muted">"Widen the days or clear the filters."</p>
                        </div>
                    }),
                    Ok(listed) => {
                        let filter = filter.get_untracked();
                        EitherOf3::B(view! {
                            // Wider than a phone: the table scrolls, so keyboard users
                            // must be able to reach the scroller (and hear what it is).
                            <div class="table-wrap" role="region" aria-label="Audit entries" tabindex="0">
                                <table class="data-table" data-testid="audit-table">
                                    <caption class="sr-only">"Audit entries"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Time"</th>
                                            <th scope="col">"Action"</th>
                                            <th scope="col">"By"</th>
                                            <th scope="col">"Account"</th>
                                            <th scope="col">"From"</th>
                                            <th scope="col">"Details"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {listed.entries.into_iter().map(|entry| view! { <AuditRow entry /> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination
                                page=listed.page
                                total=listed.total
                                per_page=listed.per_page
                                noun="entries"
                                href=move |page| query_string(&[
                                    ("user", filter.user.clone()),
                                    ("action", filter.action.clone()),
                                    ("from", filter.from.clone()),
                                    ("to", filter.to.clone()),
                                    ("page", page.to_string()),
                                ])
                            />
                        })
                    }
                    Err(AdminError::InvalidInput { .. }) => EitherOf3::C(view! {
                        <p class="alert" role="alert">"Check the highlighted filters."</p>
                    }),
                    Err(err) => EitherOf3::C(view! { <p class="alert" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn FilterField(
    name: &'static str,
    label: &'static str,
    input_type: &'static str,
    value: Signal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label class="label" for=id.clone()>{label}</label>
            <input
                class="input"
                id=id
                name=name
                type=input_type
                prop:value=move || value.get()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=error_id.clone()
            />
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let badge = match entry.action {
        AuditAction::SignInFailed | AuditAction::Lockout | AuditAction::UserDisabled => {
            "badge-danger"
        }
        AuditAction::SignIn | AuditAction::Register | AuditAction::UserCreated => "badge",
        _ => "badge-muted",
    };
    let who = |user: Option<crate::admin::model::UserRef>| {
        user.map_or_else(|| "—".to_owned(), |user| user.email)
    };
    let details = (entry.details != "{}").then_some(entry.details);
    view! {
        <tr data-testid="audit-row">
            <td class="whitespace-nowrap"><time datetime=iso(entry.at)>{format_utc(entry.at)}</time></td>
            <td><span class=badge>{entry.action.label()}</span></td>
            <td>{who(entry.actor)}</td>
            <td>{who(entry.subject)}</td>
            <td>
                <span title=entry.user_agent.unwrap_or_default()>{entry.ip.unwrap_or_else(|| "—".to_owned())}</span>
            </td>
            <td>{details.map(|details| view! { <code class="text-xs break-all">{details}</code> })}</td>
        </tr>
    }
}
