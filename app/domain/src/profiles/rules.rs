//! The rules a profile's input must follow, checked before anything is stored. Each
//! broken rule is a field error naming the form field, with a message for people.

use app_model::auth::FieldError;
use app_model::profiles::{FieldSpec, Input, ItemFields, ItemKind, Visibility};

use super::ProfileError;

/// Handles that would read as one of the product's own pages or roles.
const RESERVED_HANDLES: &[&str] = &[
    "about",
    "account",
    "admin",
    "administrator",
    "api",
    "app",
    "backtests",
    "beta",
    "blog",
    "datasets",
    "docs",
    "edge",
    "fleet",
    "help",
    "login",
    "logout",
    "luckyplans",
    "me",
    "media",
    "new",
    "notifications",
    "people",
    "pkg",
    "profile",
    "profiles",
    "register",
    "root",
    "security",
    "settings",
    "signin",
    "signup",
    "static",
    "support",
    "system",
    "u",
    "user",
    "users",
    "www",
];

pub const HANDLE_MIN: usize = 3;
pub const HANDLE_MAX: usize = 30;
pub const DISPLAY_NAME_MAX: usize = 80;
pub const HEADLINE_MAX: usize = 160;
pub const LOCATION_MAX: usize = 120;
pub const BIO_MAX: usize = 5_000;
pub const TAGS_MAX: usize = 10;
pub const TAG_MAX: usize = 30;

/// The profile's own fields as a form sends them.
#[derive(Clone, Debug, Default)]
pub struct BasicsDraft {
    pub handle: String,
    pub display_name: String,
    pub headline: String,
    pub location: String,
    pub bio: String,
    pub visibility: String,
}

/// The checked basics, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Basics {
    pub handle: String,
    pub display_name: String,
    pub headline: String,
    pub location: String,
    pub bio: String,
    pub visibility: Visibility,
}

/// One item's fields as a form sends them (tags comma-separated).
#[derive(Clone, Debug, Default)]
pub struct ItemDraft {
    pub title: String,
    pub subtitle: String,
    pub location: String,
    pub url: String,
    pub repo_url: String,
    pub tags: String,
    pub start: String,
    pub end: String,
    pub level: String,
    pub description: String,
}

impl ItemDraft {
    fn get(&self, name: &str) -> &str {
        match name {
            "title" => &self.title,
            "subtitle" => &self.subtitle,
            "location" => &self.location,
            "url" => &self.url,
            "repo_url" => &self.repo_url,
            "tags" => &self.tags,
            "start" => &self.start,
            "end" => &self.end,
            "level" => &self.level,
            "description" => &self.description,
            _ => "",
        }
    }
}

/// Collects field errors while a form is checked.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|problem| problem.field == field) {
            self.0.push(FieldError::new(field, message));
        }
    }

    fn into_result<T>(self, value: T) -> Result<T, ProfileError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ProfileError::Invalid(self.0))
        }
    }
}

/// Text as stored: trimmed, line endings normalised, control characters (but newlines
/// and tabs) removed.
fn tidy(text: &str) -> String {
    text.trim()
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// One line of text: as [`tidy`], and inner whitespace runs become single spaces.
fn one_line(text: &str) -> String {
    tidy(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn too_long(count: usize) -> String {
    format!("Use at most {count} characters.")
}

/// A handle as stored (lower case), or why it cannot be one.
pub fn handle(raw: &str) -> Result<String, String> {
    let handle = raw.trim().to_ascii_lowercase();
    let length = handle.chars().count();
    if !(HANDLE_MIN..=HANDLE_MAX).contains(&length) {
        return Err(format!(
            "Use {HANDLE_MIN} to {HANDLE_MAX} characters: letters, digits and hyphens."
        ));
    }
    if !handle
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("Use only letters a–z, digits and hyphens.".to_owned());
    }
    if RESERVED_HANDLES.contains(&handle.as_str()) {
        return Err("This handle is reserved. Choose another.".to_owned());
    }
    Ok(handle)
}

/// Checks a profile's own fields.
pub fn basics(draft: &BasicsDraft) -> Result<Basics, ProfileError> {
    let mut problems = Problems::default();
    let handle = handle(&draft.handle).unwrap_or_else(|message| {
        problems.add("handle", message);
        String::new()
    });
    let display_name = one_line(&draft.display_name);
    if display_name.is_empty() {
        problems.add("display_name", "Enter the name people know you by.");
    } else if display_name.chars().count() > DISPLAY_NAME_MAX {
        problems.add("display_name", too_long(DISPLAY_NAME_MAX));
    }
    let headline = one_line(&draft.headline);
    if headline.chars().count() > HEADLINE_MAX {
        problems.add("headline", too_long(HEADLINE_MAX));
    }
    let location = one_line(&draft.location);
    if location.chars().count() > LOCATION_MAX {
        problems.add("location", too_long(LOCATION_MAX));
    }
    let bio = tidy(&draft.bio);
    if bio.chars().count() > BIO_MAX {
        problems.add("bio", too_long(BIO_MAX));
    }
    let visibility = Visibility::parse(draft.visibility.trim()).unwrap_or_else(|| {
        problems.add("visibility", "Choose who may see your profile.");
        Visibility::Private
    });
    problems.into_result(Basics {
        handle,
        display_name,
        headline,
        location,
        bio,
        visibility,
    })
}

/// Whether `text` is an absolute http(s) address with a host.
fn is_web_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|host| !host.is_empty())
    })
}

/// Whether `text` is a month, `YYYY-MM`, between 1900 and 2100.
fn is_month(text: &str) -> bool {
    let Some((year, month)) = text.split_once('-') else {
        return false;
    };
    year.len() == 4
        && month.len() == 2
        && year
            .parse::<u16>()
            .is_ok_and(|year| (1900..=2100).contains(&year))
        && month
            .parse::<u8>()
            .is_ok_and(|month| (1..=12).contains(&month))
}

fn tags(raw: &str, problems: &mut Problems) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').map(one_line).filter(|tag| !tag.is_empty()) {
        if tag.chars().count() > TAG_MAX {
            problems.add("tags", format!("Keep each tag to {TAG_MAX} characters."));
        } else if !tags.iter().any(|known| known.eq_ignore_ascii_case(&tag)) {
            tags.push(tag);
        }
    }
    if tags.len() > TAGS_MAX {
        problems.add("tags", format!("Use at most {TAGS_MAX} tags."));
    }
    tags
}

fn check_field(spec: &FieldSpec, raw: &str, problems: &mut Problems) -> String {
    let value = match spec.input {
        Input::LongText => tidy(raw),
        _ => one_line(raw),
    };
    if value.is_empty() {
        if spec.required {
            problems.add(spec.name, "Fill in this field.");
        }
        return value;
    }
    if value.chars().count() > spec.max_chars {
        problems.add(spec.name, too_long(spec.max_chars));
        return value;
    }
    match spec.input {
        Input::Url if !is_web_url(&value) => {
            problems.add(
                spec.name,
                "Enter a full web address starting with https://.",
            );
        }
        Input::Month if !is_month(&value) => {
            problems.add(spec.name, "Enter a month as YYYY-MM.");
        }
        Input::Choice(choices) if !choices.iter().any(|(choice, _)| *choice == value) => {
            problems.add(spec.name, "Choose one of the options.");
        }
        _ => {}
    }
    value
}

/// Checks one item against its kind's fields; fields the kind does not use are dropped.
pub fn item(kind: ItemKind, draft: &ItemDraft) -> Result<ItemFields, ProfileError> {
    let mut problems = Problems::default();
    let mut fields = ItemFields::default();
    for spec in kind.fields() {
        let raw = draft.get(spec.name);
        if spec.input == Input::Tags {
            if raw.chars().count() > spec.max_chars {
                problems.add(spec.name, too_long(spec.max_chars));
            } else {
                fields.tags = tags(raw, &mut problems);
            }
            continue;
        }
        let value = check_field(spec, raw, &mut problems);
        match spec.name {
            "title" => fields.title = value,
            "subtitle" => fields.subtitle = value,
            "location" => fields.location = value,
            "url" => fields.url = value,
            "repo_url" => fields.repo_url = value,
            "start" => fields.start = value,
            "end" => fields.end = value,
            "level" => fields.level = value,
            "description" => fields.description = value,
            _ => {}
        }
    }
    // Months compare as text: `YYYY-MM` sorts by date.
    if is_month(&fields.start) && is_month(&fields.end) && fields.end < fields.start {
        let message = if kind == ItemKind::Certification {
            "It cannot expire before it was issued."
        } else {
            "The end cannot be before the start."
        };
        problems.add("end", message);
    }
    problems.into_result(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_lower_case_and_bounded_and_reserved_words_are_refused() {
        assert_eq!(handle(" Ada-Lovelace ").as_deref(), Ok("ada-lovelace"));
        assert!(handle("ab").is_err());
        assert!(handle(&"a".repeat(31)).is_err());
        assert!(handle("ada_l").is_err());
        assert!(handle("adä").is_err());
        for reserved in ["admin", "API", "docs", "edge", "login", "u", "people"] {
            assert!(handle(reserved).is_err(), "{reserved}");
        }
    }

    #[test]
    fn urls_must_be_web_addresses() {
        assert!(is_web_url("https://example.org/x"));
        assert!(is_web_url("http://example.org"));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "ftp://example.org",
            "example.org",
            "https://",
            "//example.org",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }

    #[test]
    fn an_item_keeps_only_its_kinds_fields_and_checks_them() {
        let draft = ItemDraft {
            title: "  Mean   reversion ".into(),
            level: "ignored".into(),
            url: "https://example.org".into(),
            tags: "rust, Rust, , wasm".into(),
            start: "2024-03".into(),
            end: "2023-01".into(),
            ..ItemDraft::default()
        };
        let Err(ProfileError::Invalid(problems)) = item(ItemKind::Project, &draft) else {
            panic!("the end is before the start");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "end");
        let fields = item(
            ItemKind::Project,
            &ItemDraft {
                end: "2024-04".into(),
                ..draft
            },
        )
        .expect("valid");
        assert_eq!(fields.title, "Mean reversion");
        assert_eq!(fields.tags, ["rust", "wasm"]);
        assert!(fields.level.is_empty());
    }

    #[test]
    fn required_choice_and_month_fields_are_checked() {
        let Err(ProfileError::Invalid(problems)) = item(
            ItemKind::Skill,
            &ItemDraft {
                level: "guru".into(),
                ..ItemDraft::default()
            },
        ) else {
            panic!("invalid");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["title", "level"]);
        let Err(ProfileError::Invalid(problems)) = item(
            ItemKind::Experience,
            &ItemDraft {
                title: "Quant".into(),
                subtitle: "Acme".into(),
                start: "2024-13".into(),
                ..ItemDraft::default()
            },
        ) else {
            panic!("invalid");
        };
        assert_eq!(problems[0].field, "start");
    }
}
