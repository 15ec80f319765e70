//! `/u/{handle}`: a profile as anyone may read it, signed in or not. Rendered on the
//! server in full (search engines and link previews read it without JavaScript), with
//! sharing metadata and a JSON-LD `Person`, and a print stylesheet that makes it a résumé.
//! A private profile is shown to its owner only; to everyone else it is a 404, the same
//! 404 as a handle nobody has.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::public_profile;
use super::format;
use super::model::{ItemKind, Network, Profile, ProfileError, ProfileItem, Section, Visibility};
use crate::site::Site;
use crate::ui::{NotFound, SeoMeta};

#[component]
pub fn PublicProfilePage() -> impl IntoView {
    let params = use_params_map();
    let handle = Memo::new(move |_| params.read().get("handle").unwrap_or_default());
    let profile = Resource::new_blocking(move || handle.get(), public_profile);
    view! {
        <Suspense fallback=|| view! { <p class="container-narrow py-16 text-muted" role="status">"Loading..."</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => EitherOf3::A(view! { <ProfileView profile /> }),
                    Err(ProfileError::NotFound) => EitherOf3::B(view! { <NotFound /> }),
                    Err(err) => EitherOf3::C(view! { <Unavailable message=err.to_string() /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Unavailable(message: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
    }
    view! {
        <section class="container-narrow py-24">
            <p class="alert" role="alert">{message}</p>
        </section>
    }
}

/// What a link preview and a search result say about the profile.
fn summary(profile: &Profile) -> String {
    if !profile.headline.is_empty() {
        return profile.headline.clone();
    }
    let bio: String = profile.bio.split_whitespace().collect::<Vec<_>>().join(" ");
    if bio.is_empty() {
        format!("{} on LuckyPlans.", profile.display_name)
    } else {
        bio.chars().take(160).collect()
    }
}

/// Initials for the avatar: the first letter of the first two words.
pub(super) fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let path = format!("/u/{}", profile.handle);
    let title = if profile.headline.is_empty() {
        profile.display_name.clone()
    } else {
        format!("{} · {}", profile.display_name, profile.headline)
    };
    let links: Vec<ProfileItem> = profile.section(Section::Links).cloned().collect();
    let private = profile.visibility == Visibility::Private;
    let sections = Section::ALL
        .into_iter()
        .filter(|section| *section != Section::Links && profile.section(*section).next().is_some())
        .map(|section| view! { <ProfileSection profile=profile.clone() section /> })
        .collect_view();
    let updated = crate::ui::time::format_utc(profile.updated_at);
    view! {
        <SeoMeta site=Site::Beta path title description=summary(&profile) kind="profile" />
        <script type="application/ld+json" inner_html=person_json_ld(&profile)></script>
        <article class="container-narrow profile-page py-12" aria-labelledby="profile-name" data-testid="public-profile">
            {private.then(|| view! {
                <p class="alert no-print mb-6" role="note" data-testid="private-preview">
                    "Your profile is private: only you can open this page. Make it public on "
                    <a class="link" href="/profile">"your profile"</a>
                    " to share it."
                </p>
            })}
            <header class="flex flex-wrap items-center gap-5">
                <span class="profile-avatar" aria-hidden="true">{initials(&profile.display_name)}</span>
                <div class="min-w-0 flex-1">
                    <h1 id="profile-name" class="display-2">{profile.display_name.clone()}</h1>
                    {(!profile.headline.is_empty()).then(|| view! { <p class="lead mt-1">{profile.headline.clone()}</p> })}
                    {(!profile.location.is_empty()).then(|| view! { <p class="mt-1 text-sm text-muted">{profile.location.clone()}</p> })}
                </div>
            </header>
            {(!links.is_empty()).then(|| view! {
                <ul class="mt-5 flex flex-wrap gap-2" aria-label="Links" data-testid="profile-links">
                    {links.into_iter().map(|link| {
                        let network = Network::of(&link.fields.url);
                        view! {
                            <li>
                                <a class="tag" href=link.fields.url.clone() rel="me nofollow noopener" data-network=network.name()>
                                    {format::title(&link)}
                                    <span class="print-only">{format!(" {}", format::host(&link.fields.url))}</span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!profile.bio_html.is_empty()).then(|| view! {
                <div class="prose-doc mt-8" data-testid="profile-bio" inner_html=profile.bio_html.clone()></div>
            })}
            {sections}
            <p class="mt-12 text-xs text-muted">{format!("Updated {updated}")}</p>
        </article>
    }
}

#[component]
fn ProfileSection(profile: Profile, section: Section) -> impl IntoView {
    let id = format!("profile-{}", section.as_str());
    let labelled_by = id.clone();
    let items: Vec<ProfileItem> = profile.section(section).cloned().collect();
    let body = if section == Section::Skills {
        items
            .into_iter()
            .map(|category| {
                let skills: Vec<ProfileItem> = profile.children(&category.id).cloned().collect();
                view! {
                    <div class="profile-entry">
                        <h3 class="font-semibold">{category.fields.title.clone()}</h3>
                        <ul class="mt-2 flex flex-wrap gap-2">
                            {skills.into_iter().map(|skill| {
                                let level = skill.fields.level_label(ItemKind::Skill).unwrap_or_default();
                                view! { <li class="tag">{skill.fields.title.clone()}<span class="text-muted">{format!(" · {level}")}</span></li> }
                            }).collect_view()}
                        </ul>
                    </div>
                }
                .into_any()
            })
            .collect_view()
    } else {
        items
            .into_iter()
            .map(|item| view! { <Entry item /> }.into_any())
            .collect_view()
    };
    view! {
        <section class="profile-section mt-10" aria-labelledby=labelled_by data-testid=format!("profile-section-{}", section.as_str())>
            <h2 id=id class="title-2">{section.title()}</h2>
            <div class="mt-4 grid gap-5">{body}</div>
        </section>
    }
}

#[component]
fn Entry(item: ProfileItem) -> impl IntoView {
    let title = format::title(&item);
    let details = format::details(&item);
    let fields = item.fields;
    let heading = if fields.url.is_empty() {
        view! { <h3 class="font-semibold">{title}</h3> }.into_any()
    } else {
        view! { <h3 class="font-semibold"><a class="link" href=fields.url.clone() rel="nofollow noopener">{title}</a></h3> }.into_any()
    };
    view! {
        <div class="profile-entry">
            {heading}
            {(!details.is_empty()).then(|| view! { <p class="text-sm text-muted">{details}</p> })}
            {(!fields.description.is_empty()).then(|| view! { <p class="mt-2 whitespace-pre-line">{fields.description.clone()}</p> })}
            {(!fields.repo_url.is_empty()).then(|| view! {
                <p class="mt-1 text-sm"><a class="link" href=fields.repo_url.clone() rel="nofollow noopener">{format!("Code: {}", format::host(&fields.repo_url))}</a></p>
            })}
            {(!fields.tags.is_empty()).then(|| view! {
                <ul class="mt-2 flex flex-wrap gap-1" aria-label="Tags">
                    {fields.tags.iter().map(|tag| view! { <li class="tag">{tag.clone()}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// A schema.org `Person`, as JSON-LD. Typed rather than built as a JSON value: the page
/// hydrates, so this code ships to the browser, and a generic JSON value would bring its
/// whole implementation along.
#[derive(serde::Serialize)]
struct Person<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    identifier: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(rename = "homeLocation", skip_serializing_if = "Option::is_none")]
    home_location: Option<Named<'a>>,
    #[serde(rename = "knowsAbout", skip_serializing_if = "Vec::is_empty")]
    knows_about: Vec<&'a str>,
    #[serde(rename = "knowsLanguage", skip_serializing_if = "Vec::is_empty")]
    knows_language: Vec<&'a str>,
    #[serde(rename = "worksFor", skip_serializing_if = "Vec::is_empty")]
    works_for: Vec<Named<'a>>,
    #[serde(rename = "alumniOf", skip_serializing_if = "Vec::is_empty")]
    alumni_of: Vec<Named<'a>>,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<&'a str>,
}

/// A place or organization, by name.
#[derive(serde::Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

const fn named<'a>(kind: &'static str, name: &'a str) -> Named<'a> {
    Named { kind, name }
}

/// The profile as a schema.org `Person`, for search engines. `<` is escaped so that no
/// value can close the script element it sits in.
fn person_json_ld(profile: &Profile) -> String {
    let of = |kind: ItemKind| profile.items.iter().filter(move |item| item.kind == kind);
    let person = Person {
        context: "https://schema.org",
        kind: "Person",
        name: &profile.display_name,
        identifier: &profile.handle,
        description: &profile.headline,
        home_location: (!profile.location.is_empty()).then(|| named("Place", &profile.location)),
        knows_about: of(ItemKind::Skill)
            .map(|item| item.fields.title.as_str())
            .collect(),
        knows_language: of(ItemKind::Language)
            .map(|item| item.fields.title.as_str())
            .collect(),
        works_for: of(ItemKind::Experience)
            .filter(|item| item.fields.end.is_empty())
            .map(|item| named("Organization", &item.fields.subtitle))
            .collect(),
        alumni_of: of(ItemKind::Education)
            .map(|item| named("EducationalOrganization", &item.fields.subtitle))
            .collect(),
        same_as: profile
            .section(Section::Links)
            .map(|link| link.fields.url.as_str())
            .collect(),
    };
    serde_json::to_string(&person)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::ItemFields;

    #[test]
    fn the_json_ld_cannot_close_its_script() {
        let profile = Profile {
            handle: "ada".into(),
            display_name: "Ada </script><script>alert(1)</script>".into(),
            items: vec![ProfileItem {
                id: "1".into(),
                kind: ItemKind::Skill,
                parent: Some("c".into()),
                fields: ItemFields {
                    title: "Rust".into(),
                    ..ItemFields::default()
                },
            }],
            ..Profile::default()
        };
        let json = person_json_ld(&profile);
        assert!(!json.contains('<'), "{json}");
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(parsed["name"], profile.display_name);
        assert_eq!(parsed["knowsAbout"][0], "Rust");
        assert!(parsed.get("worksFor").is_none());
    }

    #[test]
    fn initials_and_summaries() {
        assert_eq!(initials("ada king lovelace"), "AK");
        let profile = Profile {
            display_name: "Ada".into(),
            bio: "Builds\n\nengines.".into(),
            ..Profile::default()
        };
        assert_eq!(summary(&profile), "Builds engines.");
    }
}
