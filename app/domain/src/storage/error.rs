use std::fmt;

/// A storage backend could not be used. The text names the dependency and the reason,
/// never a connection string or a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct StorageError {
    /// Which dependency failed, e.g. `database (postgres)`.
    pub dependency: &'static str,
    pub kind: StorageErrorKind,
    /// A short human reason with credentials removed.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageErrorKind {
    /// The backend could not be reached or did not answer.
    Unreachable,
    /// The settings for the backend are wrong.
    Invalid,
    /// The backend answered with an error.
    Failed,
}

impl StorageError {
    fn new(dependency: &'static str, kind: StorageErrorKind, reason: &str) -> Self {
        Self {
            dependency,
            kind,
            reason: redact_credentials(reason),
        }
    }

    pub fn unreachable(dependency: &'static str, reason: &str) -> Self {
        Self::new(dependency, StorageErrorKind::Unreachable, reason)
    }

    pub fn invalid(dependency: &'static str, reason: &str) -> Self {
        Self::new(dependency, StorageErrorKind::Invalid, reason)
    }

    pub fn failed(dependency: &'static str, reason: &str) -> Self {
        Self::new(dependency, StorageErrorKind::Failed, reason)
    }

    /// Classifies an sqlx error: I/O, TLS and pool timeouts mean the database is unreachable.
    pub fn from_sqlx(dependency: &'static str, err: &sqlx::Error) -> Self {
        match err {
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => {
                Self::unreachable(dependency, &err.to_string())
            }
            sqlx::Error::Configuration(_) => Self::invalid(dependency, &err.to_string()),
            _ => Self::failed(dependency, &err.to_string()),
        }
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            StorageErrorKind::Unreachable => "is unreachable",
            StorageErrorKind::Invalid => "is misconfigured",
            StorageErrorKind::Failed => "failed",
        };
        write!(f, "{} {what}: {}", self.dependency, self.reason)
    }
}

/// Removes `user:password@` from anything that looks like a URL in `text`.
pub(crate) fn redact_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        let (head, tail) = rest.split_at(scheme_end + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match authority.rfind('@') {
            Some(at) => {
                out.push_str("***@");
                out.push_str(&authority[at + 1..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_urls_are_removed_from_reasons() {
        assert_eq!(
            redact_credentials("cannot reach postgres://lp:hunter2@db:5432/lp now"),
            "cannot reach postgres://***@db:5432/lp now"
        );
        assert_eq!(
            redact_credentials("redis://:s3cret@cache:6379 and http://plain/x"),
            "redis://***@cache:6379 and http://plain/x"
        );
        assert_eq!(redact_credentials("no url here"), "no url here");
    }

    #[test]
    fn errors_name_the_dependency_and_the_reason() {
        let err = StorageError::unreachable("database (postgres)", "connection refused");
        assert_eq!(
            err.to_string(),
            "database (postgres) is unreachable: connection refused"
        );
    }
}
