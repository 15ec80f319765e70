//! `/profile`: the signed-in user's profile editor. The basics (handle, name, bio,
//! visibility) come first, then a tab per section with its items, each edited in place.
//! Every form posts to its server function, so the page works without JavaScript; with
//! it, moves and deletions show at once and are undone with a message if the server
//! refuses them.

mod basics;
mod item_form;
mod portability;
mod section;

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::own_profile;
use super::model::{MyProfile, Profile, Section, Visibility};
use crate::auth::require::RequireUser;
use crate::beta::frame::{AppFrame, Breadcrumbs};

/// What every part of the editor reads and changes: the profile as the server last
/// answered (or as an optimistic change left it), and the message of a change undone.
#[derive(Clone, Copy)]
pub(super) struct Editing {
    pub profile: RwSignal<Option<Profile>>,
    pub notice: RwSignal<Option<String>>,
    /// The item being dragged: its id, to drop it among its siblings.
    pub dragging: RwSignal<Option<String>>,
}

fn use_editing() -> Editing {
    expect_context::<Editing>()
}

#[component]
pub fn ProfileEditorPage() -> impl IntoView {
    view! {
        <Title text="Your profile" />
        <RequireUser children=|_| view! { <AppFrame><Editor /></AppFrame> } />
    }
}

#[component]
fn Editor() -> impl IntoView {
    let mine = Resource::new(|| (), |()| own_profile());
    view! {
        <Breadcrumbs trail=vec![("Profile".to_owned(), "/profile".to_owned())] />
        <Transition fallback=|| view! { <p class="mt-8 text-muted" role="status">"Loading your profile..."</p> }>
            {move || Suspend::new(async move {
                match mine.await {
                    Ok(mine) => Either::Left(view! { <Loaded mine /> }),
                    Err(err) => Either::Right(view! { <p class="alert mt-8" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Loaded(mine: MyProfile) -> impl IntoView {
    let editing = Editing {
        profile: RwSignal::new(mine.profile),
        notice: RwSignal::new(None),
        dragging: RwSignal::new(None),
    };
    provide_context(editing);
    let account_name = mine.account_name;
    // Memos, so a change to the profile redraws only what reads it, not the whole editor
    // (which would also take the focus away from the button just used).
    let handle = Memo::new(move |_| {
        editing
            .profile
            .with(|profile| profile.as_ref().map(|profile| profile.handle.clone()))
    });
    let has_profile = Memo::new(move |_| handle.with(Option::is_some));
    let had_profile = has_profile.get_untracked();
    view! {
        <div class="page-head mt-3">
            <div>
                <h1 class="display-2">"Your profile"</h1>
                <p class="mt-2 text-muted">
                    "A page about you and your work, to send or to be found by. You choose who sees it."
                </p>
            </div>
            {move || handle.get().map(|handle| {
                let href = format!("/u/{handle}");
                view! { <a class="btn btn-secondary" href=href data-testid="view-public-page">"View public page"</a> }
            })}
        </div>
        <Notice />
        // Drawn again once when the profile comes into being (saved or imported), so the
        // basics show what was stored.
        {move || if has_profile.get() {
            Either::Left(view! {
                <div class="mt-6 grid gap-6 lg:grid-cols-[1fr_18rem] lg:items-start">
                    <basics::BasicsCard account_name=account_name.clone() created=!had_profile />
                    <div>
                        <Completeness />
                        <portability::ExportCard />
                    </div>
                </div>
                <Sections />
            })
        } else {
            let suggested = basics::suggested_handle(&account_name);
            Either::Right(view! {
                <div class="mt-6 max-w-3xl">
                    <basics::BasicsCard account_name=account_name.clone() />
                    <portability::ImportCard suggested_handle=suggested />
                </div>
                <p class="mt-8 text-muted" data-testid="profile-sections-locked">
                    "Save the basics first; then add your projects, skills, experience and more here."
                </p>
            })
        }}
    }
}

/// The message of the last change the server refused, which the page undid.
#[component]
fn Notice() -> impl IntoView {
    let editing = use_editing();
    view! {
        <div role="alert" aria-live="assertive">
            {move || editing.notice.get().map(|text| view! {
                <p class="alert mt-6 flex flex-wrap items-center justify-between gap-3" data-testid="profile-notice">
                    <span>{text}</span>
                    <button class="btn btn-secondary btn-sm" type="button" on:click=move |_| editing.notice.set(None)>
                        "Dismiss"
                    </button>
                </p>
            })}
        </div>
    }
}

/// How complete the profile is, and what would make it more so.
#[component]
fn Completeness() -> impl IntoView {
    let editing = use_editing();
    let completeness = Memo::new(move |_| {
        editing
            .profile
            .with(|profile| profile.as_ref().map(Profile::completeness))
    });
    let visibility = move || {
        editing
            .profile
            .with(|profile| profile.as_ref().map(|profile| profile.visibility))
    };
    view! {
        <aside class="card" aria-labelledby="completeness-title" data-testid="profile-completeness">
            <h2 id="completeness-title" class="title-3">"Completeness"</h2>
            {move || completeness.get().map(|done| {
                let percent = done.percent;
                view! {
                    <div class="mt-4 flex items-center gap-3">
                        <div class="progress" role="progressbar" aria-label="Profile completeness" aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent>
                            // An SVG bar: the content security policy refuses inline styles.
                            <svg class="block h-full w-full" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
                                <rect class="progress-fill" width=percent.to_string() height="1" rx="0.5" />
                            </svg>
                        </div>
                        <span class="text-sm font-semibold tabular-nums" data-testid="completeness-percent">{format!("{percent}%")}</span>
                    </div>
                    {if done.missing.is_empty() {
                        EitherOf3::A(view! { <p class="mt-3 text-sm text-muted">"Everything a reader looks for is there."</p> })
                    } else if done.missing.len() > 4 {
                        EitherOf3::B(view! {
                            <p class="mt-3 text-sm text-muted">{format!("Next: add {}, and {} more.", done.missing[..3].join(", "), done.missing.len() - 3)}</p>
                        })
                    } else {
                        EitherOf3::C(view! {
                            <p class="mt-3 text-sm text-muted">{format!("Still missing: {}.", done.missing.join(", "))}</p>
                        })
                    }}
                }
            })}
            <p class="mt-3 text-sm" data-testid="profile-visibility">
                {move || match visibility() {
                    Some(Visibility::Private) => "Private: only you can open your page.",
                    Some(Visibility::Public) => "Public: anyone with the link can open your page.",
                    Some(Visibility::Listed) => "Public and listed in the people directory.",
                    None => "",
                }}
            </p>
        </aside>
    }
}

/// The section tabs (links, so they work without JavaScript) and the chosen section.
#[component]
fn Sections() -> impl IntoView {
    let editing = use_editing();
    let query = use_query_map();
    let current = Memo::new(move |_| {
        query
            .read()
            .get("tab")
            .and_then(|tab| Section::parse(&tab))
            .unwrap_or(Section::Projects)
    });
    let count = move |section: Section| {
        editing.profile.with(|profile| {
            profile
                .as_ref()
                .map_or(0, |profile| profile.section(section).count())
        })
    };
    view! {
        <nav class="mt-10" aria-label="Profile sections">
            <ul class="flex flex-wrap gap-1 border-b border-line pb-2">
                {Section::ALL.into_iter().map(|section| {
                    let href = format!("/profile?tab={}", section.as_str());
                    let selected = move || (current.get() == section).then_some("page");
                    view! {
                        <li>
                            <a class="tab-link" href=href aria-current=selected data-testid=format!("tab-{}", section.as_str())>
                                {section.title()}
                                <span class="ml-1 text-xs text-muted tabular-nums">{move || count(section)}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
        {move || view! { <section::SectionPanel section=current.get() /> }}
    }
}
