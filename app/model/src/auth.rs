//! Who is signed in and what they did: the user as the pages see them, their role, their
//! sessions, and the audit log's actions.

use serde::{Deserialize, Serialize};

/// What a user may do beyond their own data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "lowercase")
)]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "user" => Some(Self::User),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// The signed-in user, as the pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// One of the signed-in user's sessions, as their account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// An opaque handle for ending it; never the session id itself.
    pub id: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, to the minute.
    pub last_seen_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// "Firefox on Linux", from the user agent.
    pub device: String,
    /// The session this request came with.
    pub current: bool,
}

/// What happened. The string form is stored and filtered on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Register,
    SignIn,
    SignInFailed,
    Lockout,
    LockoutEnded,
    SignOut,
    PasswordChange,
    SessionEnded,
    RoleChange,
    UserDisabled,
    UserEnabled,
    UserCreated,
    OidcLinked,
    ProfileUpdated,
    // Changes to a fleet, by its owner or an administrator; the subject is the owner.
    FleetTokenCreated,
    FleetTokenRevoked,
    FleetWorkerDisabled,
    FleetWorkerEnabled,
    FleetWorkerReleased,
    FleetRotationRequested,
    FleetCredentialsRevoked,
    FleetTaskCreated,
    FleetTaskCancelled,
    FleetTaskRetried,
    FleetDatasetUploaded,
    FleetDatasetDeleted,
}

impl AuditAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::Lockout => "lockout",
            Self::LockoutEnded => "lockout_ended",
            Self::PasswordChange => "password_change",
            Self::SignOut => "sign_out",
            Self::SessionEnded => "session_ended",
            Self::RoleChange => "role_change",
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::UserCreated => "user_created",
            Self::OidcLinked => "oidc_linked",
            Self::ProfileUpdated => "profile_updated",
            Self::FleetTokenCreated => "fleet_token_created",
            Self::FleetTokenRevoked => "fleet_token_revoked",
            Self::FleetWorkerDisabled => "fleet_worker_disabled",
            Self::FleetWorkerEnabled => "fleet_worker_enabled",
            Self::FleetWorkerReleased => "fleet_worker_released",
            Self::FleetRotationRequested => "fleet_rotation_requested",
            Self::FleetCredentialsRevoked => "fleet_credentials_revoked",
            Self::FleetTaskCreated => "fleet_task_created",
            Self::FleetTaskCancelled => "fleet_task_cancelled",
            Self::FleetTaskRetried => "fleet_task_retried",
            Self::FleetDatasetUploaded => "fleet_dataset_uploaded",
            Self::FleetDatasetDeleted => "fleet_dataset_deleted",
        }
    }

    /// Every action, in the order the audit log viewer offers them.
    pub const ALL: [Self; 26] = [
        Self::Register,
        Self::SignIn,
        Self::SignInFailed,
        Self::Lockout,
        Self::LockoutEnded,
        Self::SignOut,
        Self::PasswordChange,
        Self::SessionEnded,
        Self::RoleChange,
        Self::UserDisabled,
        Self::UserEnabled,
        Self::UserCreated,
        Self::OidcLinked,
        Self::ProfileUpdated,
        Self::FleetTokenCreated,
        Self::FleetTokenRevoked,
        Self::FleetWorkerDisabled,
        Self::FleetWorkerEnabled,
        Self::FleetWorkerReleased,
        Self::FleetRotationRequested,
        Self::FleetCredentialsRevoked,
        Self::FleetTaskCreated,
        Self::FleetTaskCancelled,
        Self::FleetTaskRetried,
        Self::FleetDatasetUploaded,
        Self::FleetDatasetDeleted,
    ];

    /// How the audit log viewer names it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Register => "Registered",
            Self::SignIn => "Signed in",
            Self::SignInFailed => "Sign-in failed",
            Self::Lockout => "Locked out",
            Self::LockoutEnded => "Lockout ended",
            Self::SignOut => "Signed out",
            Self::PasswordChange => "Password changed",
            Self::SessionEnded => "Session ended",
            Self::RoleChange => "Role changed",
            Self::UserDisabled => "Account disabled",
            Self::UserEnabled => "Account enabled",
            Self::UserCreated => "Account created",
            Self::OidcLinked => "Provider account linked",
            Self::ProfileUpdated => "Profile updated",
            Self::FleetTokenCreated => "Enrollment token created",
            Self::FleetTokenRevoked => "Enrollment token revoked",
            Self::FleetWorkerDisabled => "Worker disabled",
            Self::FleetWorkerEnabled => "Worker enabled",
            Self::FleetWorkerReleased => "Worker released from quarantine",
            Self::FleetRotationRequested => "Worker credential rotation asked",
            Self::FleetCredentialsRevoked => "Worker credentials revoked",
            Self::FleetTaskCreated => "Task created",
            Self::FleetTaskCancelled => "Task cancelled",
            Self::FleetTaskRetried => "Task retried",
            Self::FleetDatasetUploaded => "Dataset uploaded",
            Self::FleetDatasetDeleted => "Dataset deleted",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == value)
    }
}

/// A problem with one form field, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}
