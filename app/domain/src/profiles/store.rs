//! A profile and its items in the database. Every statement that reads an item or
//! changes anything names the owner's user id, so ownership is the query's, not a check
//! beside it.

use app_model::profiles::{ItemFields, ItemKind, Move, Profile, ProfileItem, Visibility};
use uuid::Uuid;

use super::directory;
use super::error::During;
use super::resume::Imported;
use super::rules::{self, BasicsDraft, ItemDraft};
use super::{ITEMS_PER_LIST, ProfileError};
use crate::clock::now;
use crate::storage::{Database, in_transaction, on_pool};

#[derive(sqlx::FromRow)]
struct ProfileRow {
    handle: String,
    display_name: String,
    headline: String,
    location: String,
    bio: String,
    bio_html: String,
    visibility: Visibility,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    kind: ItemKind,
    parent_id: Option<String>,
    fields: String,
}

impl ItemRow {
    fn into_model(self) -> ProfileItem {
        // The column only ever holds what `save_item` wrote; an unreadable value shows
        // as an empty item rather than hiding the whole profile.
        let fields = serde_json::from_str(&self.fields).unwrap_or_else(|err| {
            tracing::warn!(item = %self.id, error = %err, "profiles: unreadable item fields");
            ItemFields::default()
        });
        ProfileItem {
            id: self.id,
            kind: self.kind,
            parent: self.parent_id,
            fields,
        }
    }
}

const PROFILE_COLUMNS: &str =
    "user_id, handle, display_name, headline, location, bio, bio_html, visibility, updated_at";

async fn items(database: &Database, user_id: &str) -> Result<Vec<ProfileItem>, ProfileError> {
    let sql = "SELECT id, kind, parent_id, fields FROM profile_items \
               WHERE user_id = $1 ORDER BY position, created_at, id";
    let rows: Vec<ItemRow> = on_pool!(database, |pool| sqlx::query_as(sql)
        .bind(user_id)
        .fetch_all(pool)
        .await)
    .during("loading profile items")?;
    Ok(rows.into_iter().map(ItemRow::into_model).collect())
}

async fn with_items(
    database: &Database,
    user_id: &str,
    row: ProfileRow,
) -> Result<Profile, ProfileError> {
    Ok(Profile {
        handle: row.handle,
        display_name: row.display_name,
        headline: row.headline,
        location: row.location,
        bio: row.bio,
        bio_html: row.bio_html,
        visibility: row.visibility,
        items: items(database, user_id).await?,
        updated_at: row.updated_at,
    })
}

/// The caller's own profile, if they made one.
pub async fn mine(database: &Database, user_id: &str) -> Result<Option<Profile>, ProfileError> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM profiles WHERE user_id = $1");
    let row: Option<ProfileRow> = on_pool!(database, |pool| sqlx::query_as(&sql)
        .bind(user_id)
        .fetch_optional(pool)
        .await)
    .during("loading a profile")?;
    match row {
        Some(row) => Ok(Some(with_items(database, user_id, row).await?)),
        None => Ok(None),
    }
}

async fn mine_or_missing(database: &Database, user_id: &str) -> Result<Profile, ProfileError> {
    mine(database, user_id)
        .await?
        .ok_or(ProfileError::NotFound("profile"))
}

/// The profile at `/u/{handle}`, as `viewer` (signed in, or not) may see it: a private
/// profile only to its owner. Unknown and private look the same to everyone else.
pub async fn public(
    database: &Database,
    handle: &str,
    viewer: Option<&str>,
) -> Result<Profile, ProfileError> {
    let Ok(handle) = rules::handle(handle) else {
        return Err(ProfileError::NotFound("profile"));
    };
    #[derive(sqlx::FromRow)]
    struct Found {
        user_id: String,
        #[sqlx(flatten)]
        row: ProfileRow,
    }
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM profiles WHERE handle = $1");
    let found: Option<Found> = on_pool!(database, |pool| sqlx::query_as(&sql)
        .bind(&handle)
        .fetch_optional(pool)
        .await)
    .during("finding a profile by handle")?;
    match found {
        Some(found) if found.row.visibility.is_public() || viewer == Some(&found.user_id) => {
            with_items(database, &found.user_id, found.row).await
        }
        _ => Err(ProfileError::NotFound("profile")),
    }
}

/// Creates the caller's profile or changes its own fields.
pub async fn save(
    database: &Database,
    user_id: &str,
    draft: &BasicsDraft,
) -> Result<Profile, ProfileError> {
    let basics = rules::basics(draft)?;
    let bio_html = markup::user_markdown(&basics.bio);
    let sql = "INSERT INTO profiles \
               (user_id, handle, display_name, headline, location, bio, bio_html, visibility, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
               ON CONFLICT (user_id) DO UPDATE SET handle = excluded.handle, \
               display_name = excluded.display_name, headline = excluded.headline, \
               location = excluded.location, bio = excluded.bio, bio_html = excluded.bio_html, \
               visibility = excluded.visibility, updated_at = excluded.updated_at";
    let saved = on_pool!(database, |pool| sqlx::query(sql)
        .bind(user_id)
        .bind(&basics.handle)
        .bind(&basics.display_name)
        .bind(&basics.headline)
        .bind(&basics.location)
        .bind(&basics.bio)
        .bind(&bio_html)
        .bind(basics.visibility)
        .bind(now())
        .execute(pool)
        .await
        .map(drop));
    match saved {
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            return Err(ProfileError::field(
                "handle",
                "This handle is taken. Choose another.",
            ));
        }
        other => other.during("saving a profile")?,
    }
    changed(database, user_id).await
}

/// Whether the caller has saved a profile (without loading it).
async fn has_profile(database: &Database, user_id: &str) -> Result<bool, ProfileError> {
    let sql = "SELECT COUNT(*) FROM profiles WHERE user_id = $1";
    let count: i64 = on_pool!(database, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .fetch_one(pool)
        .await)
    .during("checking for a profile")?;
    Ok(count > 0)
}

/// Marks the profile changed (its public page's cache key).
async fn touch(database: &Database, user_id: &str) -> Result<(), ProfileError> {
    let sql = "UPDATE profiles SET updated_at = $1 WHERE user_id = $2";
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(now())
        .bind(user_id)
        .execute(pool)
        .await
        .map(drop))
    .during("marking a profile changed")
}

/// Marks the profile changed and brings its directory entry up to date; answers the
/// profile as it now is.
async fn changed(database: &Database, user_id: &str) -> Result<Profile, ProfileError> {
    touch(database, user_id).await?;
    let profile = mine_or_missing(database, user_id).await?;
    directory::reindex(database, user_id, &profile).await?;
    Ok(profile)
}

/// The kind of one of the caller's own items.
async fn owned_kind(
    database: &Database,
    user_id: &str,
    id: &str,
) -> Result<Option<ItemKind>, ProfileError> {
    let sql = "SELECT kind FROM profile_items WHERE id = $1 AND user_id = $2";
    on_pool!(database, |pool| sqlx::query_scalar(sql)
        .bind(id)
        .bind(user_id)
        .fetch_optional(pool)
        .await)
    .during("finding a profile item")
}

/// Adds an item (`id` none) or changes one of the caller's own. A skill names the
/// caller's category it belongs to in `parent`.
pub async fn save_item(
    database: &Database,
    user_id: &str,
    id: Option<&str>,
    kind: ItemKind,
    parent: Option<&str>,
    draft: &ItemDraft,
) -> Result<Profile, ProfileError> {
    let fields = rules::item(kind, draft)?;
    let json = encode(&fields)?;
    let now = now();
    if let Some(id) = id {
        let sql = "UPDATE profile_items SET fields = $1, updated_at = $2 \
                   WHERE id = $3 AND user_id = $4 AND kind = $5";
        let changed = on_pool!(database, |pool| sqlx::query(sql)
            .bind(&json)
            .bind(now)
            .bind(id)
            .bind(user_id)
            .bind(kind)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))
        .during("changing a profile item")?;
        if changed == 0 {
            return Err(ProfileError::NotFound("item"));
        }
    } else {
        if !has_profile(database, user_id).await? {
            return Err(ProfileError::Conflict(
                "Save your profile's name and handle first.".to_owned(),
            ));
        }
        let parent = match (kind.needs_parent(), parent.filter(|p| !p.is_empty())) {
            (true, Some(parent)) => {
                if owned_kind(database, user_id, parent).await? != Some(ItemKind::SkillCategory) {
                    return Err(ProfileError::NotFound("skill category"));
                }
                Some(parent)
            }
            (true, None) => return Err(ProfileError::field("parent", "Choose a category.")),
            (false, _) => None,
        };
        let count_sql = "SELECT COUNT(*) FROM profile_items WHERE user_id = $1 AND kind = $2 \
                         AND COALESCE(parent_id, '') = COALESCE($3, '')";
        let insert_sql = "INSERT INTO profile_items \
                          (id, user_id, kind, parent_id, position, fields, created_at, updated_at) \
                          SELECT $1, $2, $3, $4, COALESCE(MAX(position), 0) + 1, $5, $6, $6 \
                          FROM profile_items WHERE user_id = $2 AND kind = $3 \
                          AND COALESCE(parent_id, '') = COALESCE($4, '')";
        let new_id = Uuid::new_v4().to_string();
        let count: i64 = in_transaction!(database, database.write_begin(), |tx| {
            let count: i64 = sqlx::query_scalar(count_sql)
                .bind(user_id)
                .bind(kind)
                .bind(parent)
                .fetch_one(&mut *tx)
                .await?;
            if count < ITEMS_PER_LIST {
                sqlx::query(insert_sql)
                    .bind(&new_id)
                    .bind(user_id)
                    .bind(kind)
                    .bind(parent)
                    .bind(&json)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            count
        })
        .during("adding a profile item")?;
        if count >= ITEMS_PER_LIST {
            return Err(ProfileError::Conflict(format!(
                "A list holds at most {ITEMS_PER_LIST} items. Remove one first."
            )));
        }
    }
    changed(database, user_id).await
}

/// Deletes one of the caller's items (a category with its skills).
pub async fn delete_item(
    database: &Database,
    user_id: &str,
    id: &str,
) -> Result<Profile, ProfileError> {
    let sql = "DELETE FROM profile_items WHERE id = $1 AND user_id = $2";
    let deleted = on_pool!(database, |pool| sqlx::query(sql)
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    .during("deleting a profile item")?;
    if deleted == 0 {
        return Err(ProfileError::NotFound("item"));
    }
    changed(database, user_id).await
}

/// Moves one of the caller's items one place up or down among its siblings. The list is
/// renumbered 1…n in the same transaction, so the order stays total whatever happened
/// before; moving the first item up (or the last down) changes nothing.
pub async fn move_item(
    database: &Database,
    user_id: &str,
    id: &str,
    direction: Move,
) -> Result<Profile, ProfileError> {
    let siblings_sql = "SELECT s.id FROM profile_items s JOIN profile_items i \
                        ON i.id = $1 AND i.user_id = $2 AND s.user_id = i.user_id \
                        AND s.kind = i.kind AND COALESCE(s.parent_id, '') = COALESCE(i.parent_id, '') \
                        ORDER BY s.position, s.created_at, s.id";
    let renumber_sql = "UPDATE profile_items SET position = $1 WHERE id = $2 AND user_id = $3";
    let found = in_transaction!(database, database.write_begin(), |tx| {
        let mut siblings: Vec<String> = sqlx::query_scalar(siblings_sql)
            .bind(id)
            .bind(user_id)
            .fetch_all(&mut *tx)
            .await?;
        let at = siblings.iter().position(|sibling| sibling == id);
        if let Some(at) = at
            && direction.target(at, siblings.len()).is_some()
        {
            direction.apply(&mut siblings, at);
            for (position, sibling) in (1_i64..).zip(&siblings) {
                sqlx::query(renumber_sql)
                    .bind(position)
                    .bind(sibling)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        at.is_some()
    })
    .during("moving a profile item")?;
    if !found {
        return Err(ProfileError::NotFound("item"));
    }
    changed(database, user_id).await
}

/// Fills a new profile from an imported JSON Resume ([`resume::read`] has checked it);
/// the handle and visibility come from the import form. Refused when the caller already
/// has a profile: an import never mixes into one.
pub async fn import(
    database: &Database,
    user_id: &str,
    handle: &str,
    visibility: &str,
    imported: &Imported,
) -> Result<Profile, ProfileError> {
    if has_profile(database, user_id).await? {
        return Err(ProfileError::Conflict(
            "An import fills a new profile, and you have one already: edit it instead.".to_owned(),
        ));
    }
    let draft = BasicsDraft {
        handle: handle.to_owned(),
        display_name: imported.display_name.clone(),
        headline: imported.headline.clone(),
        location: imported.location.clone(),
        bio: imported.bio.clone(),
        visibility: visibility.to_owned(),
    };
    // `save` checks the basics before it writes anything. The form has the handle and
    // visibility; anything else wrong is in the file.
    match save(database, user_id, &draft).await {
        Err(ProfileError::Invalid(errors)) => {
            let (form, file): (Vec<_>, Vec<_>) = errors
                .into_iter()
                .partition(|error| error.field == "handle" || error.field == "visibility");
            return Err(match file.first() {
                Some(first) => ProfileError::field(
                    "file",
                    format!(
                        "Nothing was imported. basics, {}: {}",
                        first.field, first.message
                    ),
                ),
                None => ProfileError::Invalid(form),
            });
        }
        other => other?,
    };
    let insert = "INSERT INTO profile_items \
                  (id, user_id, kind, parent_id, position, fields, created_at, updated_at) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
    let now = now();
    // Rows in order: each skill category once, before its first skill.
    let mut rows: Vec<(String, ItemKind, Option<String>, String)> = Vec::new();
    let mut categories: Vec<(String, String)> = Vec::new();
    for item in &imported.items {
        let parent = match &item.category {
            Some(name) => Some(match categories.iter().find(|(known, _)| known == name) {
                Some((_, id)) => id.clone(),
                None => {
                    let id = Uuid::new_v4().to_string();
                    let fields = ItemFields {
                        title: name.clone(),
                        ..ItemFields::default()
                    };
                    rows.push((id.clone(), ItemKind::SkillCategory, None, encode(&fields)?));
                    categories.push((name.clone(), id.clone()));
                    id
                }
            }),
            None => None,
        };
        rows.push((
            Uuid::new_v4().to_string(),
            item.kind,
            parent,
            encode(&item.fields)?,
        ));
    }
    in_transaction!(database, database.write_begin(), |tx| {
        let mut positions: Vec<((ItemKind, Option<String>), i64)> = Vec::new();
        for (id, kind, parent, fields) in &rows {
            let key = (*kind, parent.clone());
            let position = match positions.iter_mut().find(|(known, _)| *known == key) {
                Some((_, position)) => {
                    *position += 1;
                    *position
                }
                None => {
                    positions.push((key, 1));
                    1
                }
            };
            sqlx::query(insert)
                .bind(id)
                .bind(user_id)
                .bind(kind)
                .bind(parent)
                .bind(position)
                .bind(fields)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
    })
    .during("importing a profile")?;
    changed(database, user_id).await
}

fn encode(fields: &ItemFields) -> Result<String, ProfileError> {
    serde_json::to_string(fields).map_err(|err| ProfileError::Storage {
        context: "encoding a profile item",
        source: crate::storage::StorageError::failed("profiles", &err.to_string()),
    })
}
