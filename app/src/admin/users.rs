//! `/users` on the admin host: search and page through accounts; change a role,
//! disable or enable an account, end its sessions.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use super::api::{EndUserSessions, SetUserRole, SetUserStatus, list_users};
use super::model::{AdminError, AdminUser, UserStatus};
use crate::auth::model::{CurrentUser, Role};
use crate::auth::require::{Audience, RequireUser};
use crate::beta::forms::FormAlert;
use crate::ui::paging::{Pagination, query_string};
use crate::ui::time::{format_utc, iso};

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Users" />
        <section class="container-wide py-12" aria-labelledby="users-title">
            <h1 id="users-title" class="display-2">"Users"</h1>
            <RequireUser
                audience=Audience::Administrators
                children=|me| view! { <UsersTable me /> }
            />
        </section>
    }
}

/// The message of an action's failure, field errors included.
fn action_error<S>(action: ServerAction<S>) -> Signal<Option<String>>
where
    S: ServerFn<Error = AdminError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(AdminError::InvalidInput { fields })) => Some(
            fields
                .into_iter()
                .map(|field| field.message)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    })
}

/// The actions a row's buttons run; shared by every row.
#[derive(Clone, Copy)]
struct RowActions {
    set_role: ServerAction<SetUserRole>,
    set_status: ServerAction<SetUserStatus>,
    end_sessions: ServerAction<EndUserSessions>,
}

#[component]
fn UsersTable(me: CurrentUser) -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|page| page.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1)
    });
    let actions = RowActions {
        set_role: ServerAction::new(),
        set_status: ServerAction::new(),
        end_sessions: ServerAction::new(),
    };
    let users = Resource::new(
        move || {
            (
                search.get(),
                page.get(),
                actions.set_role.version().get(),
                actions.set_status.version().get(),
                actions.end_sessions.version().get(),
            )
        },
        |(search, page, ..)| list_users(search, page),
    );
    let me = StoredValue::new(me.id);
    view! {
        <Form method="GET" action="" attr:class="mt-6 flex flex-wrap items-end gap-3" attr:role="search">
            <div class="field min-w-64 flex-1">
                <label class="label" for="user-search">"Search by email or name"</label>
                <input class="input" id="user-search" type="search" name="q" prop:value=move || search.get() autocomplete="off" />
            </div>
            <button class="btn btn-primary" type="submit">"Search"</button>
        </Form>
        <div class="mt-4">
            <FormAlert message=action_error(actions.set_role) />
            <FormAlert message=action_error(actions.set_status) />
            <FormAlert message=action_error(actions.end_sessions) />
        </div>
        <Transition fallback=|| view! { <p class="mt-6 text-muted" role="status">"Loading accounts..."</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(listed) if listed.users.is_empty() => EitherOf3::A(view! {
                        <div class="card mt-6 text-center" data-testid="users-empty">
                            <p class="title-3">"No accounts match"</p>
                            <p class="mt-2 text-muted">"Try part of an email address or a name."</p>
                        </div>
                    }),
                    Ok(listed) => {
                        let search = search.get_untracked();
                        EitherOf3::B(view! {
                            // Wider than a phone: the table scrolls, so keyboard users
                            // must be able to reach the scroller (and hear what it is).
                            <div class="table-wrap mt-6" role="region" aria-label="Accounts" tabindex="0">
                                <table class="data-table" data-testid="users-table">
                                    <caption class="sr-only">"Accounts"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Account"</th>
                                            <th scope="col">"Role"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Created"</th>
                                            <th scope="col">"Last sign-in"</th>
                                            <th scope="col">"Sessions"</th>
                                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {listed.users.into_iter().map(|user| {
                                            let is_me = me.with_value(|me| *me == user.id);
                                            view! { <UserRow user is_me actions /> }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination
                                page=listed.page
                                total=listed.total
                                per_page=listed.per_page
                                noun="accounts"
                                href=move |page| query_string(&[("q", search.clone()), ("page", page.to_string())])
                            />
                        })
                    }
                    Err(err) => EitherOf3::C(view! { <p class="alert mt-6" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn UserRow(user: AdminUser, is_me: bool, actions: RowActions) -> impl IntoView {
    let (role_label, role_class) = match user.role {
        Role::Admin => ("Administrator", "badge"),
        Role::User => ("User", "badge-muted"),
    };
    let (status_label, status_class) = match user.status {
        UserStatus::Active => ("Active", "badge-muted"),
        UserStatus::Disabled => ("Disabled", "badge-danger"),
    };
    let last_sign_in = user.last_sign_in_at.map_or_else(
        || Either::Left(view! { <span class="text-muted">"Never"</span> }),
        |at| Either::Right(view! { <time datetime=iso(at)>{format_utc(at)}</time> }),
    );
    view! {
        <tr data-testid="user-row">
            <td>
                <p class="font-medium">
                    {user.display_name.clone()}
                    {is_me.then(|| view! { <span class="badge ml-2">"You"</span> })}
                </p>
                <p class="text-muted">{user.email.clone()}</p>
                {(!user.has_password).then(|| view! { <p class="text-xs text-muted">"Signs in with a provider"</p> })}
            </td>
            <td><span class=role_class>{role_label}</span></td>
            <td><span class=status_class data-testid="user-status">{status_label}</span></td>
            <td><time datetime=iso(user.created_at)>{format_utc(user.created_at)}</time></td>
            <td>{last_sign_in}</td>
            <td class="tabular-nums">{user.sessions}</td>
            <td>
                {(!is_me).then(|| view! { <RowButtons user actions /> })}
            </td>
        </tr>
    }
}

#[component]
fn RowButtons(user: AdminUser, actions: RowActions) -> impl IntoView {
    let name = &user.display_name;
    let (next_role, role_text) = match user.role {
        Role::Admin => ("user", "Make user"),
        Role::User => ("admin", "Make administrator"),
    };
    let (next_status, status_text, status_class) = match user.status {
        UserStatus::Active => ("disabled", "Disable", "btn btn-danger btn-sm w-full"),
        UserStatus::Disabled => ("active", "Enable", "btn btn-secondary btn-sm w-full"),
    };
    let role_label = format!("{role_text}: {name}");
    let status_label = format!("{status_text}: {name}");
    let sessions_label = format!("End sessions: {name}");
    let (role_id, status_id, sessions_id) = (user.id.clone(), user.id.clone(), user.id);
    let no_sessions = user.sessions == 0;
    view! {
        <div class="flex min-w-48 flex-col gap-2">
            <ActionForm action=actions.set_role>
                <input type="hidden" name="user_id" value=role_id />
                <input type="hidden" name="role" value=next_role />
                <button class="btn btn-secondary btn-sm w-full" type="submit" aria-label=role_label>{role_text}</button>
            </ActionForm>
            <ActionForm action=actions.set_status>
                <input type="hidden" name="user_id" value=status_id />
                <input type="hidden" name="status" value=next_status />
                <button class=status_class type="submit" aria-label=status_label>{status_text}</button>
            </ActionForm>
            <ActionForm action=actions.end_sessions>
                <input type="hidden" name="user_id" value=sessions_id />
                <button class="btn btn-secondary btn-sm w-full" type="submit" disabled=no_sessions aria-label=sessions_label>
                    "End sessions"
                </button>
            </ActionForm>
        </div>
    }
}
