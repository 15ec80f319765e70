//! The profiles' server functions, under `/api/profile/`. Each change acts on the
//! caller's own profile only; signed out, they answer 401. The public page's read answers
//! 404 alike for an unknown handle and for a profile its owner keeps private.

// An item's form posts one field per value, and a server function takes each as an
// argument (the browser-side function the macro generates too).
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::{DirectoryPage, MyProfile, Profile, ProfileError};
#[cfg(feature = "ssr")]
use crate::errors::with_status;

/// The caller's profile (none until they save it) and their account's name.
#[server(prefix = "/api", endpoint = "profile/mine")]
pub async fn own_profile() -> Result<MyProfile, ProfileError> {
    with_status(super::handlers::mine().await)
}

/// Creates the caller's profile or changes its own fields.
#[server(prefix = "/api", endpoint = "profile/save")]
pub async fn save_profile(
    handle: String,
    display_name: String,
    #[server(default)] headline: String,
    #[server(default)] location: String,
    #[server(default)] bio: String,
    visibility: String,
) -> Result<Profile, ProfileError> {
    let draft = domain::profiles::BasicsDraft {
        handle,
        display_name,
        headline,
        location,
        bio,
        visibility,
    };
    with_status(super::handlers::save(draft).await)
}

/// Adds an item to a section (no `id`) or changes one of the caller's items. `kind`
/// names what it is (`project`, `skill`, …); a skill names its category in `parent`.
/// Fields the kind does not use are ignored.
#[server(prefix = "/api", endpoint = "profile/save_item")]
pub async fn save_profile_item(
    #[server(default)] id: Option<String>,
    kind: String,
    #[server(default)] parent: Option<String>,
    #[server(default)] title: String,
    #[server(default)] subtitle: String,
    #[server(default)] location: String,
    #[server(default)] url: String,
    #[server(default)] repo_url: String,
    #[server(default)] tags: String,
    #[server(default)] start: String,
    #[server(default)] end: String,
    #[server(default)] level: String,
    #[server(default)] description: String,
) -> Result<Profile, ProfileError> {
    let draft = domain::profiles::ItemDraft {
        title,
        subtitle,
        location,
        url,
        repo_url,
        tags,
        start,
        end,
        level,
        description,
    };
    with_status(super::handlers::save_item(id, kind, parent, draft).await)
}

/// Deletes one of the caller's items (a skill category with its skills).
#[server(prefix = "/api", endpoint = "profile/delete_item")]
pub async fn delete_profile_item(id: String) -> Result<Profile, ProfileError> {
    with_status(super::handlers::delete_item(id).await)
}

/// Moves one of the caller's items one place `up` or `down` in its list, or `to` the
/// place `position` (from 0), as dragging it there does.
#[server(prefix = "/api", endpoint = "profile/move_item")]
pub async fn move_profile_item(
    id: String,
    direction: String,
    #[server(default)] position: Option<usize>,
) -> Result<Profile, ProfileError> {
    with_status(super::handlers::move_item(id, direction, position).await)
}

/// The profile at `/u/{handle}`, if the caller may see it.
#[server(prefix = "/api", endpoint = "profile/public")]
pub async fn public_profile(handle: String) -> Result<Profile, ProfileError> {
    with_status(super::handlers::public(handle).await)
}

/// One page of the people directory: listed profiles matching the words `q` (name,
/// headline, skills, project tags, bio) and having the skill `skill`, both optional.
/// Anyone may search it, signed in or not.
#[server(prefix = "/api", endpoint = "profile/directory")]
pub async fn people_directory(
    #[server(default)] q: String,
    #[server(default)] skill: String,
    #[server(default)] page: u32,
) -> Result<DirectoryPage, ProfileError> {
    let query = super::model::DirectoryQuery { q, skill, page };
    with_status(super::handlers::directory(query).await)
}

/// Fills the caller's new profile from a JSON Resume document (`resume`), under the
/// handle and visibility the form gives. Refused, with nothing stored, when the caller
/// already has a profile or when anything in the document breaks the editor's rules.
#[server(prefix = "/api", endpoint = "profile/import")]
pub async fn import_profile(
    handle: String,
    visibility: String,
    resume: String,
) -> Result<Profile, ProfileError> {
    with_status(super::handlers::import(handle, visibility, resume).await)
}
