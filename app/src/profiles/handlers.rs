//! The bodies of the profiles' server functions: the caller is checked first, and every
//! change is bound to their own user id.

use app_model::profiles::{ItemKind, Move};
use domain::profiles::{self as store, BasicsDraft, ItemDraft};

use super::model::{DirectoryPage, DirectoryQuery, MyProfile, Profile, ProfileError};
use crate::auth::ssr::guard::{Caller, optional_user, require_user};
use crate::errors::ServerFnFailure;

async fn caller() -> Result<Caller, ProfileError> {
    Ok(require_user().await?)
}

pub async fn mine() -> Result<MyProfile, ProfileError> {
    let caller = caller().await?;
    let profile = store::mine(caller.request.database(), &caller.user.id).await?;
    Ok(MyProfile {
        profile,
        account_name: caller.user.display_name.clone(),
    })
}

pub async fn save(draft: BasicsDraft) -> Result<Profile, ProfileError> {
    let caller = caller().await?;
    Ok(store::save(caller.request.database(), &caller.user.id, &draft).await?)
}

fn kind(raw: &str) -> Result<ItemKind, ProfileError> {
    ItemKind::parse(raw.trim()).ok_or_else(|| ProfileError::field("kind", "Choose what to add."))
}

/// An id as a form sends it: blank means none.
fn given(id: Option<String>) -> Option<String> {
    id.map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
}

pub async fn save_item(
    id: Option<String>,
    raw_kind: String,
    parent: Option<String>,
    draft: ItemDraft,
) -> Result<Profile, ProfileError> {
    let caller = caller().await?;
    let kind = kind(&raw_kind)?;
    let (id, parent) = (given(id), given(parent));
    Ok(store::save_item(
        caller.request.database(),
        &caller.user.id,
        id.as_deref(),
        kind,
        parent.as_deref(),
        &draft,
    )
    .await?)
}

pub async fn delete_item(id: String) -> Result<Profile, ProfileError> {
    let caller = caller().await?;
    Ok(store::delete_item(caller.request.database(), &caller.user.id, id.trim()).await?)
}

pub async fn move_item(
    id: String,
    direction: String,
    position: Option<usize>,
) -> Result<Profile, ProfileError> {
    let caller = caller().await?;
    let direction = match (direction.trim(), position) {
        ("up", _) => Move::Up,
        ("down", _) => Move::Down,
        ("to", Some(position)) => Move::To(position),
        ("to", None) => {
            return Err(ProfileError::field("position", "Say where to move it."));
        }
        _ => {
            return Err(ProfileError::field(
                "direction",
                "Move up, down or to a place.",
            ));
        }
    };
    Ok(store::move_item(
        caller.request.database(),
        &caller.user.id,
        id.trim(),
        direction,
    )
    .await?)
}

pub async fn public(handle: String) -> Result<Profile, ProfileError> {
    let (request, user) = optional_user().await?;
    let viewer = user.as_ref().map(|(user, _)| user.id.as_str());
    Ok(store::public(request.database(), &handle, viewer).await?)
}

pub async fn directory(query: DirectoryQuery) -> Result<DirectoryPage, ProfileError> {
    // Anyone may search, so who is asking is not looked up.
    let request = crate::auth::ssr::request::AuthRequest::current().await?;
    Ok(store::directory::search(request.database(), &query).await?)
}

pub async fn import(
    handle: String,
    visibility: String,
    resume: String,
) -> Result<Profile, ProfileError> {
    let caller = caller().await?;
    let imported = store::resume::read(&resume)?;
    Ok(store::import(
        caller.request.database(),
        &caller.user.id,
        &handle,
        &visibility,
        &imported,
    )
    .await?)
}
