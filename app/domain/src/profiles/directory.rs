//! The people directory: listed profiles, searched by the words of their name, headline,
//! skills, project tags and bio, and filtered by a skill.
//!
//! Each listed profile has one row in `profile_search` (FTS5 on SQLite, a weighted
//! `tsvector` under a GIN index on PostgreSQL) and its skills in `profile_skills`, both
//! rewritten by [`reindex`] after every change to the profile. Both backends tokenize
//! alike (letters and digits, lower case, no stemming, no accent folding), match every
//! word as a prefix, and rank a match in the name above the headline and skills, those
//! above tags, and tags above the bio; ties go to the most recently updated profile.

use app_model::profiles::{
    DirectoryEntry, DirectoryPage, DirectoryQuery, ItemKind, Profile, Visibility,
};

use super::ProfileError;
use super::error::During;
use crate::storage::{Database, in_transaction, on_pool};

/// Profiles on one page of the directory.
pub const PER_PAGE: u32 = 20;
/// Words of a search beyond these are ignored.
const MAX_WORDS: usize = 8;
/// Skills shown on each entry.
const SKILLS_PER_ENTRY: i64 = 6;
/// Skills offered as filters.
const SKILL_FILTERS: i64 = 30;

/// The words of a search as both backends' tokenizers cut text: runs of letters and
/// digits, in lower case. Nothing else reaches a full-text query, so its syntax cannot
/// be injected.
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .take(MAX_WORDS)
        .collect()
}

/// Every word, as a prefix, in FTS5's query syntax.
fn fts5_query(words: &[String]) -> String {
    words
        .iter()
        .map(|word| format!("\"{word}\"*"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// Every word, as a prefix, in PostgreSQL's `to_tsquery` syntax.
fn tsquery(words: &[String]) -> String {
    words
        .iter()
        .map(|word| format!("{word}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// What the directory indexes of a profile.
struct Document {
    skills: Vec<(String, String)>,
    skills_text: String,
    tags: String,
}

fn document(profile: &Profile) -> Document {
    let mut skills: Vec<(String, String)> = Vec::new();
    for skill in profile
        .items
        .iter()
        .filter(|item| item.kind == ItemKind::Skill)
    {
        let key = skill.fields.title.trim().to_lowercase();
        if !key.is_empty() && !skills.iter().any(|(known, _)| *known == key) {
            skills.push((key, skill.fields.title.trim().to_owned()));
        }
    }
    let skills_text = skills
        .iter()
        .map(|(_, label)| label.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let tags = profile
        .items
        .iter()
        .filter(|item| item.kind == ItemKind::Project)
        .flat_map(|item| item.fields.tags.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    Document {
        skills,
        skills_text,
        tags,
    }
}

/// Rewrites the profile's directory rows: present while it is listed, gone otherwise.
pub(super) async fn reindex(
    database: &Database,
    user_id: &str,
    profile: &Profile,
) -> Result<(), ProfileError> {
    let listed = profile.visibility == Visibility::Listed;
    let doc = document(profile);
    let insert_search = match database {
        Database::Sqlite(_) => {
            "INSERT INTO profile_search (user_id, name, headline, skills, tags, bio) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        }
        Database::Postgres(_) => {
            "INSERT INTO profile_search (user_id, document) VALUES ($1, \
             setweight(to_tsvector('simple', $2), 'A') || \
             setweight(to_tsvector('simple', $3 || ' ' || $4), 'B') || \
             setweight(to_tsvector('simple', $5), 'C') || \
             setweight(to_tsvector('simple', $6), 'D'))"
        }
    };
    let insert_skill =
        "INSERT INTO profile_skills (user_id, skill, label, position) VALUES ($1, $2, $3, $4)";
    in_transaction!(database, database.write_begin(), |tx| {
        sqlx::query("DELETE FROM profile_search WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM profile_skills WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if listed {
            sqlx::query(insert_search)
                .bind(user_id)
                .bind(&profile.display_name)
                .bind(&profile.headline)
                .bind(&doc.skills_text)
                .bind(&doc.tags)
                .bind(&profile.bio)
                .execute(&mut *tx)
                .await?;
            for (position, (skill, label)) in (1_i64..).zip(&doc.skills) {
                sqlx::query(insert_skill)
                    .bind(user_id)
                    .bind(skill)
                    .bind(label)
                    .bind(position)
                    .execute(&mut *tx)
                    .await?;
            }
        }
    })
    .during("indexing a profile for the directory")
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    handle: String,
    display_name: String,
    headline: String,
    location: String,
    skills: Option<String>,
}

impl EntryRow {
    fn into_model(self) -> DirectoryEntry {
        DirectoryEntry {
            handle: self.handle,
            display_name: self.display_name,
            headline: self.headline,
            location: self.location,
            skills: self
                .skills
                .unwrap_or_default()
                .split('\n')
                .filter(|skill| !skill.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// The SQL of one search, for one backend: the page's rows and their count.
struct SearchSql {
    rows: String,
    count: String,
}

fn search_sql(database: &Database, searching: bool) -> SearchSql {
    let sqlite = matches!(database, Database::Sqlite(_));
    // A few of each entry's skills, in its owner's order, newline-separated.
    let skills = if sqlite {
        format!(
            "(SELECT group_concat(label, char(10)) FROM (SELECT label FROM profile_skills k \
             WHERE k.user_id = page.user_id ORDER BY k.position LIMIT {SKILLS_PER_ENTRY}))"
        )
    } else {
        format!(
            "(SELECT string_agg(label, chr(10) ORDER BY position) FROM (SELECT label, position \
             FROM profile_skills k WHERE k.user_id = page.user_id ORDER BY k.position \
             LIMIT {SKILLS_PER_ENTRY}) t)"
        )
    };
    let has_skill = "($2 = '' OR EXISTS (SELECT 1 FROM profile_skills f \
                     WHERE f.user_id = p.user_id AND f.skill = $2))";
    // What is searched, and each match's score (lower first).
    let (with, from, score) = match (searching, sqlite) {
        // Without words `$1` is empty; it is bound all the same, so every query of a
        // search takes the same parameters.
        (false, _) => (
            "",
            format!("FROM profiles p WHERE p.visibility = 'listed' AND {has_skill} AND $1 = ''"),
            "0",
        ),
        // The matches are found and scored once, first, and only then joined to their
        // profiles (`CROSS JOIN` fixes that order in SQLite): left to the planner, it
        // may walk every profile and run the full-text match once per row.
        // Columns: user_id, name, headline, skills, tags, bio.
        (true, true) => (
            "WITH hits AS MATERIALIZED (SELECT user_id, \
             bm25(profile_search, 0.0, 10.0, 5.0, 5.0, 2.0, 1.0) AS score \
             FROM profile_search WHERE profile_search MATCH $1)",
            format!("FROM hits s CROSS JOIN profiles p ON p.user_id = s.user_id WHERE {has_skill}"),
            "s.score",
        ),
        (true, false) => (
            "",
            format!(
                "FROM profile_search s JOIN profiles p ON p.user_id = s.user_id \
                 WHERE s.document @@ to_tsquery('simple', $1) AND {has_skill}"
            ),
            "-ts_rank(s.document, to_tsquery('simple', $1))",
        ),
    };
    // The page is chosen first and its skills read after: a column computed in the
    // query that sorts would be computed for every match, not just the twenty shown.
    SearchSql {
        rows: format!(
            "{with} SELECT page.handle, page.display_name, page.headline, page.location, \
             {skills} AS skills FROM (SELECT p.user_id, p.handle, p.display_name, p.headline, \
             p.location, p.updated_at, {score} AS score {from} \
             ORDER BY score, p.updated_at DESC, p.handle LIMIT $3 OFFSET $4) page \
             ORDER BY page.score, page.updated_at DESC, page.handle"
        ),
        count: format!("{with} SELECT COUNT(*) {from}"),
    }
}

/// One page of listed profiles matching `query`.
pub async fn search(
    database: &Database,
    query: &DirectoryQuery,
) -> Result<DirectoryPage, ProfileError> {
    let words = words(&query.q);
    let text = match database {
        _ if words.is_empty() => String::new(),
        Database::Sqlite(_) => fts5_query(&words),
        Database::Postgres(_) => tsquery(&words),
    };
    let skill = query.skill.trim().to_lowercase();
    let page = query.page.max(1);
    let offset = i64::from(page - 1) * i64::from(PER_PAGE);
    let sql = search_sql(database, !words.is_empty());
    let rows: Vec<EntryRow> = on_pool!(database, |pool| sqlx::query_as(&sql.rows)
        .bind(&text)
        .bind(&skill)
        .bind(i64::from(PER_PAGE))
        .bind(offset)
        .fetch_all(pool)
        .await)
    .during("searching the directory")?;
    let total: i64 = on_pool!(database, |pool| sqlx::query_scalar(&sql.count)
        .bind(&text)
        .bind(&skill)
        .fetch_one(pool)
        .await)
    .during("counting the directory")?;
    Ok(DirectoryPage {
        entries: rows.into_iter().map(EntryRow::into_model).collect(),
        total: u64::try_from(total).unwrap_or_default(),
        page,
        per_page: PER_PAGE,
        skills: skill_filters(database).await?,
    })
}

/// The skills most listed profiles have, to filter by.
async fn skill_filters(database: &Database) -> Result<Vec<(String, String, u64)>, ProfileError> {
    // Counted by the database's triggers as skills come and go (see the migration).
    let sql = format!(
        "SELECT skill, label, profiles FROM profile_skill_counts \
         ORDER BY profiles DESC, skill LIMIT {SKILL_FILTERS}"
    );
    let rows: Vec<(String, String, i64)> =
        on_pool!(database, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
            .during("listing the directory's skills")?;
    Ok(rows
        .into_iter()
        .map(|(skill, label, count)| (skill, label, u64::try_from(count).unwrap_or_default()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_letters_and_digits_reach_a_full_text_query() {
        let words = words("Rust\" OR * NEAR(x) -wasm ü'; DROP");
        assert_eq!(words, ["rust", "or", "near", "x", "wasm", "ü", "drop"]);
        assert_eq!(fts5_query(&words[..2]), "\"rust\"* AND \"or\"*");
        assert_eq!(tsquery(&words[..2]), "rust:* & or:*");
        assert!(super::words(" -- ").is_empty());
        assert_eq!(super::words(&"a ".repeat(20)).len(), MAX_WORDS);
    }
}
