//! The admin section's read queries: users with search and paging, the audit log with
//! filters and paging, and the overview's counts; every user's fleet in `fleet`. The same
//! SQL on SQLite and PostgreSQL.

pub mod fleet;

use chrono::NaiveDate;

use app_model::admin::{AdminUser, AuditEntry, AuditFilter, Overview, UserRef, UserStatus};
use app_model::auth::{AuditAction, Role};

use crate::sessions::SessionLimits;
use crate::storage::on_pool;
use crate::storage::{Database, StorageError};

pub const PER_PAGE: u32 = 25;

/// `%term%` for LIKE, with the wildcards in the term itself escaped.
fn contains_pattern(term: &str) -> String {
    let escaped = term
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn offset(page: u32) -> i64 {
    i64::from(page.max(1) - 1) * i64::from(PER_PAGE)
}

/// A user row as the admin section shows it; `$2` and `$3` bound the sessions counted as
/// signed in (idle and absolute limits).
const USER_COLUMNS: &str = "SELECT id, email, display_name, role, status, created_at, \
     last_sign_in_at, password_hash IS NOT NULL AS has_password, \
     (SELECT COUNT(*) FROM user_sessions s WHERE s.user_id = users.id \
        AND s.last_seen_at > $2 AND s.created_at > $3) AS sessions";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    display_name: String,
    role: Role,
    status: UserStatus,
    created_at: i64,
    last_sign_in_at: Option<i64>,
    sessions: i64,
    has_password: bool,
}

impl From<UserRow> for AdminUser {
    fn from(row: UserRow) -> Self {
        Self {
            role: row.role,
            status: row.status,
            created_at: row.created_at,
            last_sign_in_at: row.last_sign_in_at,
            sessions: u32::try_from(row.sessions).unwrap_or(u32::MAX),
            has_password: row.has_password,
            id: row.id,
            email: row.email,
            display_name: row.display_name,
        }
    }
}

/// One page of users whose email or name contains `search`, newest first.
pub async fn users(
    database: &Database,
    search: &str,
    page: u32,
    limits: SessionLimits,
) -> Result<(Vec<AdminUser>, u64), StorageError> {
    let filter = "(email LIKE $1 ESCAPE '\\' OR LOWER(display_name) LIKE $1 ESCAPE '\\')";
    let sql = format!(
        "{USER_COLUMNS} FROM users WHERE {filter} \
         ORDER BY users.created_at DESC, id LIMIT $4 OFFSET $5"
    );
    let count = format!("SELECT COUNT(*) FROM users WHERE {filter}");
    let pattern = contains_pattern(search);
    let now = crate::clock::now();
    let rows = on_pool!(database, |pool| sqlx::query_as::<_, UserRow>(&sql)
        .bind(&pattern)
        .bind(now - limits.idle_secs())
        .bind(now - limits.absolute_secs())
        .bind(i64::from(PER_PAGE))
        .bind(offset(page))
        .fetch_all(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    let total: i64 = on_pool!(database, |pool| sqlx::query_scalar(&count)
        .bind(&pattern)
        .fetch_one(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    Ok((
        rows.into_iter().map(AdminUser::from).collect(),
        u64::try_from(total).unwrap_or(0),
    ))
}

/// One user, as the users list shows them.
pub async fn user(
    database: &Database,
    id: &str,
    limits: SessionLimits,
) -> Result<Option<AdminUser>, StorageError> {
    let sql = format!("{USER_COLUMNS} FROM users WHERE id = $1");
    let now = crate::clock::now();
    let row = on_pool!(database, |pool| sqlx::query_as::<_, UserRow>(&sql)
        .bind(id)
        .bind(now - limits.idle_secs())
        .bind(now - limits.absolute_secs())
        .fetch_optional(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    Ok(row.map(AdminUser::from))
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    action: String,
    actor_id: Option<String>,
    actor_email: Option<String>,
    subject_id: Option<String>,
    subject_email: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    details: String,
}

fn user_ref(id: Option<String>, email: Option<String>) -> Option<UserRef> {
    id.map(|id| UserRef {
        email: email.unwrap_or_else(|| "(deleted account)".to_owned()),
        id,
    })
}

/// Why an audit filter was refused.
#[derive(Debug)]
pub enum FilterError {
    Field(&'static str, String),
    Storage(StorageError),
}

/// A value bound to an audit filter's clause.
enum Param {
    Text(String),
    Time(i64),
}

/// A parsed filter: bound parameters, in order, with the WHERE clause using them.
struct AuditWhere {
    clause: String,
    params: Vec<Param>,
}

/// The first second of a day, UTC.
fn start_of(day: NaiveDate) -> i64 {
    day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp()
}

fn day(field: &'static str, value: &str) -> Result<Option<NaiveDate>, FilterError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| FilterError::Field(field, "Enter a date as YYYY-MM-DD.".to_owned()))
}

fn audit_where(filter: &AuditFilter) -> Result<AuditWhere, FilterError> {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if !filter.user.trim().is_empty() {
        params.push(Param::Text(contains_pattern(&filter.user)));
        let n = params.len();
        clauses.push(format!(
            "(actor.email LIKE ${n} ESCAPE '\\' OR subject.email LIKE ${n} ESCAPE '\\')"
        ));
    }
    if !filter.action.is_empty() {
        let action = AuditAction::parse(&filter.action).ok_or_else(|| {
            FilterError::Field("action", "Pick an action from the list.".to_owned())
        })?;
        params.push(Param::Text(action.as_str().to_owned()));
        clauses.push(format!("a.action = ${}", params.len()));
    }
    let from = day("from", &filter.from)?;
    let to = day("to", &filter.to)?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(FilterError::Field(
            "to",
            "The last day comes before the first day.".to_owned(),
        ));
    }
    if let Some(from) = from {
        params.push(Param::Time(start_of(from)));
        clauses.push(format!("a.at >= ${}", params.len()));
    }
    if let Some(to) = to.and_then(|to| to.succ_opt()) {
        params.push(Param::Time(start_of(to)));
        clauses.push(format!("a.at < ${}", params.len()));
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    Ok(AuditWhere { clause, params })
}

/// One page of audit entries matching `filter`, newest first.
pub async fn audit(
    database: &Database,
    filter: &AuditFilter,
    page: u32,
) -> Result<(Vec<AuditEntry>, u64), FilterError> {
    let filter = audit_where(filter)?;
    let from = "FROM audit_log a LEFT JOIN users actor ON actor.id = a.actor_id \
                LEFT JOIN users subject ON subject.id = a.subject_id";
    let n = filter.params.len();
    let sql = format!(
        "SELECT a.id, a.at, a.action, a.actor_id, actor.email AS actor_email, \
         a.subject_id, subject.email AS subject_email, a.ip, a.user_agent, a.details \
         {from} {clause} ORDER BY a.at DESC, a.id DESC LIMIT ${limit} OFFSET ${offset}",
        clause = filter.clause,
        limit = n + 1,
        offset = n + 2,
    );
    let count = format!("SELECT COUNT(*) {from} {}", filter.clause);
    let rows = on_pool!(database, |pool| {
        let mut query = sqlx::query_as::<_, AuditRow>(&sql);
        for param in &filter.params {
            query = match param {
                Param::Text(text) => query.bind(text),
                Param::Time(time) => query.bind(time),
            };
        }
        query
            .bind(i64::from(PER_PAGE))
            .bind(offset(page))
            .fetch_all(pool)
            .await
    })
    .map_err(|err| FilterError::Storage(database.error(&err)))?;
    let total: i64 = on_pool!(database, |pool| {
        let mut query = sqlx::query_scalar(&count);
        for param in &filter.params {
            query = match param {
                Param::Text(text) => query.bind(text),
                Param::Time(time) => query.bind(time),
            };
        }
        query.fetch_one(pool).await
    })
    .map_err(|err| FilterError::Storage(database.error(&err)))?;
    let entries = rows
        .into_iter()
        .filter_map(|row| {
            Some(AuditEntry {
                id: row.id,
                at: row.at,
                action: AuditAction::parse(&row.action)?,
                actor: user_ref(row.actor_id, row.actor_email),
                subject: user_ref(row.subject_id, row.subject_email),
                ip: row.ip,
                user_agent: row.user_agent,
                details: row.details,
            })
        })
        .collect();
    Ok((entries, u64::try_from(total).unwrap_or(0)))
}

/// The numbers on the admin overview.
pub async fn overview(
    database: &Database,
    limits: SessionLimits,
) -> Result<Overview, StorageError> {
    const DAY_SECS: i64 = 24 * 60 * 60;
    let sql = "SELECT \
           (SELECT COUNT(*) FROM users), \
           (SELECT COUNT(*) FROM users WHERE role = 'admin'), \
           (SELECT COUNT(*) FROM users WHERE status = 'disabled'), \
           (SELECT COUNT(*) FROM user_sessions WHERE last_seen_at > $1 AND created_at > $2), \
           (SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in' AND at >= $3), \
           (SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' AND at >= $3)";
    let now = crate::clock::now();
    let counts: (i64, i64, i64, i64, i64, i64) = on_pool!(database, |pool| sqlx::query_as(sql)
        .bind(now - limits.idle_secs())
        .bind(now - limits.absolute_secs())
        .bind(now - DAY_SECS)
        .fetch_one(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    let count = |value: i64| u64::try_from(value).unwrap_or(0);
    Ok(Overview {
        users: count(counts.0),
        admins: count(counts.1),
        disabled: count(counts.2),
        signed_in_sessions: count(counts.3),
        sign_ins_last_day: count(counts.4),
        failed_sign_ins_last_day: count(counts.5),
    })
}
