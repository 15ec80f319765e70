//! `/people`: the directory of listed profiles, searched by words and filtered by a
//! skill. The search is a GET form, so every search has a URL to share
//! (`?q=…&skill=…&page=…`) and works without JavaScript.

use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::api::people_directory;
use super::model::{DirectoryEntry, DirectoryQuery};
use super::public::initials;
use crate::site::Site;
use crate::ui::SeoMeta;
use crate::ui::paging::{Pagination, query_string};

#[component]
pub fn PeoplePage() -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| {
        let query = query.read();
        DirectoryQuery {
            q: query.get("q").unwrap_or_default(),
            skill: query.get("skill").unwrap_or_default(),
            page: query
                .get("page")
                .and_then(|page| page.parse().ok())
                .unwrap_or(1),
        }
    });
    let results = Resource::new(
        move || search.get(),
        |search| people_directory(search.q, search.skill, search.page),
    );
    let searched = move || {
        let search = search.get();
        !search.q.trim().is_empty() || !search.skill.is_empty()
    };
    view! {
        <SeoMeta
            site=Site::Beta
            path="/people"
            title="People"
            description="Find the people building on LuckyPlans: search by name, skill or what they work on."
        />
        <section class="container-wide py-12" aria-labelledby="people-title">
            <h1 id="people-title" class="display-2">"People"</h1>
            <p class="lead mt-2 max-w-2xl">
                "Researchers and builders who list their profile here. Search by name, skill or what they work on."
            </p>
            <Form method="GET" action="" attr:class="mt-8 mb-8 flex flex-wrap items-end gap-x-3" attr:role="search" attr:aria-label="Search people">
                <div class="field min-w-64 flex-1">
                    <label class="label" for="people-q">"Search"</label>
                    <input class="input" id="people-q" name="q" type="search" maxlength="200"
                        placeholder="Rust, market making, Lovelace..." value=move || search.get().q />
                </div>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let skills = results.await.map(|page| page.skills).unwrap_or_default();
                        let chosen = search.get_untracked().skill;
                        view! {
                            <div class="field">
                                <label class="label" for="people-skill">"Skill"</label>
                                <select class="select" id="people-skill" name="skill">
                                    <option value="" selected=chosen.is_empty()>"Any skill"</option>
                                    {skills.into_iter().map(|(key, label, count)| {
                                        let selected = key == chosen;
                                        view! { <option value=key selected=selected>{format!("{label} ({count})")}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        }
                    })}
                </Transition>
                <div class="flex gap-2 pb-7">
                    <button class="btn btn-primary" type="submit">"Search"</button>
                    {move || searched().then(|| view! { <a class="btn btn-secondary" href="/people">"Clear"</a> })}
                </div>
            </Form>
            <Transition fallback=|| view! { <p class="text-muted" role="status">"Searching..."</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(page) if page.entries.is_empty() && searched() => EitherOf4::A(view! {
                            <div class="empty-state" data-testid="people-no-match">
                                <h2 class="title-3">"No one matches"</h2>
                                <p class="mx-auto mt-2 max-w-md text-muted">"Try fewer or shorter words, or another skill."</p>
                                <p class="mt-4"><a class="btn btn-secondary" href="/people">"Show everyone"</a></p>
                            </div>
                        }),
                        Ok(page) if page.entries.is_empty() => EitherOf4::B(view! {
                            <div class="empty-state" data-testid="people-empty">
                                <h2 class="title-3">"No one is listed yet"</h2>
                                <p class="mx-auto mt-2 max-w-md text-muted">"Make your profile public and listed, and you will be the first here."</p>
                                <p class="mt-4"><a class="btn btn-primary" href="/profile">"Edit your profile"</a></p>
                            </div>
                        }),
                        Ok(page) => {
                            let current = search.get_untracked();
                            EitherOf4::C(view! {
                                <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="people-results">
                                    {page.entries.into_iter().map(|entry| view! { <PersonCard entry /> }).collect_view()}
                                </ul>
                                <Pagination
                                    page=page.page
                                    total=page.total
                                    per_page=page.per_page
                                    noun="people"
                                    href=move |page| {
                                        let page = if page > 1 { page.to_string() } else { String::new() };
                                        format!("/people{}", query_string(&[("q", current.q.clone()), ("skill", current.skill.clone()), ("page", page)]))
                                    }
                                />
                            })
                        }
                        Err(err) => EitherOf4::D(view! { <p class="alert" role="alert">{err.to_string()}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PersonCard(entry: DirectoryEntry) -> impl IntoView {
    let href = format!("/u/{}", entry.handle);
    view! {
        <li class="card flex gap-4" data-testid="person">
            <span class="profile-avatar size-12 shrink-0 text-base" aria-hidden="true">{initials(&entry.display_name)}</span>
            <div class="min-w-0">
                <h2 class="font-semibold"><a class="link" href=href>{entry.display_name.clone()}</a></h2>
                {(!entry.headline.is_empty()).then(|| view! { <p class="text-sm">{entry.headline.clone()}</p> })}
                {(!entry.location.is_empty()).then(|| view! { <p class="text-xs text-muted">{entry.location.clone()}</p> })}
                {(!entry.skills.is_empty()).then(|| view! {
                    <ul class="mt-2 flex flex-wrap gap-1" aria-label="Skills">
                        {entry.skills.iter().map(|skill| view! { <li class="tag">{skill.clone()}</li> }).collect_view()}
                    </ul>
                })}
            </div>
        </li>
    }
}
