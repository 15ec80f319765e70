//! Domain types for what people type into auth forms, validated at the edge.

use app_model::auth::FieldError;

use super::AccountError;

/// A normalised email address: trimmed, lower case, one `@`, a dotted domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        let invalid = || FieldError::new("email", "Enter an email address like name@example.com.");
        if email.is_empty() {
            return Err(FieldError::new("email", "Enter your email address."));
        }
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, 1 to 80 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(FieldError::new(
                "display_name",
                "Enter the name others will see.",
            ));
        }
        if name.chars().count() > 80 {
            return Err(FieldError::new(
                "display_name",
                "Use at most 80 characters.",
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(FieldError::new(
                "display_name",
                "Use letters, digits and punctuation only.",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Collects field errors so a form shows all of them at once.
#[derive(Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.0.push(err);
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), AccountError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AccountError::Invalid(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_so_case_never_makes_a_second_account() {
        assert_eq!(
            Email::parse("  Ada.Lovelace@Example.ORG ")
                .expect("valid")
                .as_str(),
            "ada.lovelace@example.org"
        );
    }

    #[test]
    fn malformed_emails_are_refused_with_a_message() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "ada@@example.org",
            "a da@example.org",
            "ada@.org",
            "ada@example..org",
        ] {
            let err = Email::parse(bad).expect_err(bad);
            assert_eq!(err.field, "email");
            assert!(!err.message.is_empty());
        }
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Ada  ").expect("valid").as_str(),
            "Ada"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(81)).is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }
}
