//! Data portability: a profile as a [JSON Resume](https://jsonresume.org/schema) document,
//! and a JSON Resume document read back into drafts that the same rules as the editor's
//! forms then check.
//!
//! The schema has no place for some of what a profile holds; those values travel in
//! extra properties the schema allows (`repository` on a project, `expiryDate` on a
//! certificate, `summary` on education and interests), so an export read back loses
//! nothing. A skill is one entry with its level, its category as its first keyword.

use app_model::profiles::{
    ItemFields, ItemKind, LANGUAGE_LEVELS, Network, Profile, SKILL_LEVELS, Section,
};
use serde_json::{Map, Value, json};

use super::rules::{self, ItemDraft};
use super::{ITEMS_PER_LIST, ProfileError};

/// The largest document an import reads.
pub const MAX_IMPORT_BYTES: usize = 512 * 1024;
/// The category of imported skills that name none.
const DEFAULT_CATEGORY: &str = "Skills";

/// The profile as a JSON Resume document; `url` is its public page.
pub fn export(profile: &Profile, url: &str) -> Value {
    let mut basics = json!({
        "name": profile.display_name,
        "label": profile.headline,
        "summary": profile.bio,
        "url": url,
        "profiles": profile.section(Section::Links).map(|link| {
            let network = Network::of(&link.fields.url);
            json!({
                "network": if link.fields.title.is_empty() { network.name() } else { link.fields.title.as_str() },
                "url": link.fields.url,
            })
        }).collect::<Vec<_>>(),
    });
    if !profile.location.is_empty() {
        basics["location"] = json!({ "city": profile.location });
    }
    let of = |kind: ItemKind| profile.items.iter().filter(move |item| item.kind == kind);
    let skills: Vec<Value> = of(ItemKind::SkillCategory)
        .flat_map(|category| {
            profile.children(&category.id).map(move |skill| {
                json!({
                    "name": skill.fields.title,
                    "level": skill.fields.level_label(ItemKind::Skill).unwrap_or_default(),
                    "keywords": [category.fields.title],
                })
            })
        })
        .collect();
    let mut resume = json!({
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": basics,
        "work": of(ItemKind::Experience).map(|item| compact(json!({
            "position": item.fields.title,
            "name": item.fields.subtitle,
            "location": item.fields.location,
            "url": item.fields.url,
            "startDate": item.fields.start,
            "endDate": item.fields.end,
            "summary": item.fields.description,
        }))).collect::<Vec<_>>(),
        "education": of(ItemKind::Education).map(|item| compact(json!({
            "institution": item.fields.subtitle,
            "area": item.fields.title,
            "location": item.fields.location,
            "startDate": item.fields.start,
            "endDate": item.fields.end,
            "summary": item.fields.description,
        }))).collect::<Vec<_>>(),
        "certificates": of(ItemKind::Certification).map(|item| compact(json!({
            "name": item.fields.title,
            "issuer": item.fields.subtitle,
            "date": item.fields.start,
            "expiryDate": item.fields.end,
            "url": item.fields.url,
        }))).collect::<Vec<_>>(),
        "awards": of(ItemKind::Award).map(|item| compact(json!({
            "title": item.fields.title,
            "awarder": item.fields.subtitle,
            "date": item.fields.start,
            "summary": item.fields.description,
        }))).collect::<Vec<_>>(),
        "languages": of(ItemKind::Language).map(|item| json!({
            "language": item.fields.title,
            "fluency": item.fields.level_label(ItemKind::Language).unwrap_or_default(),
        })).collect::<Vec<_>>(),
        "interests": of(ItemKind::Hobby).map(|item| compact(json!({
            "name": item.fields.title,
            "summary": item.fields.description,
        }))).collect::<Vec<_>>(),
        "projects": of(ItemKind::Project).map(|item| compact(json!({
            "name": item.fields.title,
            "description": item.fields.description,
            "url": item.fields.url,
            "repository": item.fields.repo_url,
            "keywords": item.fields.tags,
            "startDate": item.fields.start,
            "endDate": item.fields.end,
        }))).collect::<Vec<_>>(),
        "skills": skills,
    });
    resume["meta"] = json!({ "canonical": url, "version": "v1.0.0" });
    resume
}

/// `value` without its empty strings and empty lists.
fn compact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, value)| match value {
                    Value::String(text) => !text.is_empty(),
                    Value::Array(list) => !list.is_empty(),
                    _ => true,
                })
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

/// A document read for import: the profile's own fields, and its items in order.
#[derive(Debug, Default)]
pub struct Imported {
    pub display_name: String,
    pub headline: String,
    pub location: String,
    pub bio: String,
    pub items: Vec<ImportedItem>,
}

/// One item to create; a skill names its category by title.
#[derive(Debug)]
pub struct ImportedItem {
    pub kind: ItemKind,
    pub category: Option<String>,
    pub fields: ItemFields,
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(text)) => text.trim().to_owned(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

/// A JSON Resume date (`2021`, `2021-03` or `2021-03-14`) as a month, `YYYY-MM`.
fn month(value: &Value, key: &str) -> String {
    let date = text(value, key);
    match date.len() {
        4 => format!("{date}-01"),
        len if len >= 7 => date[..7].to_owned(),
        _ => date,
    }
}

fn list<'a>(resume: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    resume
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The value of a choice from its label or its value, in any case (`"Expert"`, `"native
/// speaker"` → the nearest level); empty when nothing fits.
fn level(choices: &[(&str, &str)], given: &str) -> String {
    let given = given.trim().to_lowercase();
    if given.is_empty() {
        return String::new();
    }
    choices
        .iter()
        .find(|(value, label)| given == *value || given == label.to_lowercase())
        .or_else(|| {
            choices.iter().find(|(value, label)| {
                given.contains(value) || label.to_lowercase().contains(&given)
            })
        })
        .map(|(value, _)| (*value).to_owned())
        .unwrap_or_default()
}

/// Reads a JSON Resume document and checks every value by the editor's rules. Every
/// problem is reported at once, each naming the entry it is in.
pub fn read(document: &str) -> Result<Imported, ProfileError> {
    if document.len() > MAX_IMPORT_BYTES {
        return Err(ProfileError::field(
            "file",
            format!("The file is larger than {} KB.", MAX_IMPORT_BYTES / 1024),
        ));
    }
    let resume: Value = serde_json::from_str(document).map_err(|err| {
        ProfileError::field(
            "file",
            format!(
                "This is not JSON (line {}, column {}).",
                err.line(),
                err.column()
            ),
        )
    })?;
    if !resume.is_object() {
        return Err(ProfileError::field(
            "file",
            "This is not a JSON Resume document.",
        ));
    }
    let basics = resume.get("basics").cloned().unwrap_or_default();
    let location = basics.get("location").map_or_else(String::new, |place| {
        ["city", "region", "countryCode"]
            .iter()
            .map(|key| text(place, key))
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    });
    let mut imported = Imported {
        display_name: text(&basics, "name"),
        headline: text(&basics, "label"),
        location,
        bio: text(&basics, "summary"),
        items: Vec::new(),
    };
    let mut drafts: Vec<(ItemKind, Option<String>, String, ItemDraft)> = Vec::new();
    let mut add = |kind: ItemKind, category: Option<String>, entry: String, draft: ItemDraft| {
        drafts.push((kind, category, entry, draft));
    };
    for (n, work) in (1..).zip(list(&resume, "work")) {
        add(
            ItemKind::Experience,
            None,
            format!("work {n}"),
            ItemDraft {
                title: text(work, "position"),
                subtitle: text(work, "name"),
                location: text(work, "location"),
                url: text(work, "url"),
                start: month(work, "startDate"),
                end: month(work, "endDate"),
                description: text(work, "summary"),
                ..ItemDraft::default()
            },
        );
    }
    for (n, school) in (1..).zip(list(&resume, "education")) {
        let study = [text(school, "studyType"), text(school, "area")]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        add(
            ItemKind::Education,
            None,
            format!("education {n}"),
            ItemDraft {
                title: study,
                subtitle: text(school, "institution"),
                location: text(school, "location"),
                start: month(school, "startDate"),
                end: month(school, "endDate"),
                description: text(school, "summary"),
                ..ItemDraft::default()
            },
        );
    }
    for (n, certificate) in (1..).zip(list(&resume, "certificates")) {
        add(
            ItemKind::Certification,
            None,
            format!("certificate {n}"),
            ItemDraft {
                title: text(certificate, "name"),
                subtitle: text(certificate, "issuer"),
                start: month(certificate, "date"),
                end: month(certificate, "expiryDate"),
                url: text(certificate, "url"),
                ..ItemDraft::default()
            },
        );
    }
    for (n, award) in (1..).zip(list(&resume, "awards")) {
        add(
            ItemKind::Award,
            None,
            format!("award {n}"),
            ItemDraft {
                title: text(award, "title"),
                subtitle: text(award, "awarder"),
                start: month(award, "date"),
                description: text(award, "summary"),
                ..ItemDraft::default()
            },
        );
    }
    for (n, language) in (1..).zip(list(&resume, "languages")) {
        add(
            ItemKind::Language,
            None,
            format!("language {n}"),
            ItemDraft {
                title: text(language, "language"),
                level: level(LANGUAGE_LEVELS, &text(language, "fluency")),
                ..ItemDraft::default()
            },
        );
    }
    for (n, interest) in (1..).zip(list(&resume, "interests")) {
        let keywords = keywords(interest);
        let description = match text(interest, "summary") {
            summary if summary.is_empty() => keywords.join(", "),
            summary => summary,
        };
        add(
            ItemKind::Hobby,
            None,
            format!("interest {n}"),
            ItemDraft {
                title: text(interest, "name"),
                description,
                ..ItemDraft::default()
            },
        );
    }
    for (n, project) in (1..).zip(list(&resume, "projects")) {
        add(
            ItemKind::Project,
            None,
            format!("project {n}"),
            ItemDraft {
                title: text(project, "name"),
                description: text(project, "description"),
                url: text(project, "url"),
                repo_url: text(project, "repository"),
                tags: keywords(project).join(", "),
                start: month(project, "startDate"),
                end: month(project, "endDate"),
                ..ItemDraft::default()
            },
        );
    }
    for (n, skill) in (1..).zip(list(&resume, "skills")) {
        let category = keywords(skill)
            .into_iter()
            .next()
            .unwrap_or_else(|| DEFAULT_CATEGORY.to_owned());
        // A level the editor does not know (or none) reads as intermediate.
        let level = match level(SKILL_LEVELS, &text(skill, "level")) {
            known if !known.is_empty() => known,
            _ => "intermediate".to_owned(),
        };
        add(
            ItemKind::Skill,
            Some(category),
            format!("skill {n}"),
            ItemDraft {
                title: text(skill, "name"),
                level,
                ..ItemDraft::default()
            },
        );
    }
    for (n, link) in (1..).zip(list(&basics, "profiles")) {
        let network = text(link, "network");
        let url = text(link, "url");
        let title = if Network::of(&url).name().eq_ignore_ascii_case(&network) {
            String::new()
        } else {
            network
        };
        add(
            ItemKind::Link,
            None,
            format!("profile link {n}"),
            ItemDraft {
                title,
                url,
                ..ItemDraft::default()
            },
        );
    }

    let mut problems: Vec<String> = Vec::new();
    for (kind, category, entry, draft) in drafts {
        match rules::item(kind, &draft) {
            Ok(fields) => imported.items.push(ImportedItem {
                kind,
                category,
                fields,
            }),
            Err(ProfileError::Invalid(errors)) => {
                for error in errors {
                    problems.push(format!("{entry}, {}: {}", error.field, error.message));
                }
            }
            Err(other) => return Err(other),
        }
    }
    problems.extend(over_limits(&imported.items));
    if !problems.is_empty() {
        let more = problems.len().saturating_sub(5);
        let mut message = format!(
            "Nothing was imported. {}",
            problems[..problems.len().min(5)].join("; ")
        );
        if more > 0 {
            message.push_str(&format!("; and {more} more."));
        } else {
            message.push('.');
        }
        return Err(ProfileError::field("file", message));
    }
    Ok(imported)
}

fn keywords(value: &Value) -> Vec<String> {
    list(value, "keywords")
        .filter_map(Value::as_str)
        .map(|keyword| keyword.trim().to_owned())
        .filter(|keyword| !keyword.is_empty())
        .collect()
}

/// The lists an import would fill past what a profile holds.
fn over_limits(items: &[ImportedItem]) -> Vec<String> {
    let limit = usize::try_from(ITEMS_PER_LIST).unwrap_or(usize::MAX);
    let mut problems = Vec::new();
    for kind in ItemKind::ALL {
        let count = items.iter().filter(|item| item.kind == kind).count();
        let per_list = if kind == ItemKind::Skill {
            let mut categories: Vec<&str> = items
                .iter()
                .filter_map(|item| item.category.as_deref())
                .collect();
            categories.sort_unstable();
            categories.dedup();
            categories
                .iter()
                .map(|category| {
                    items
                        .iter()
                        .filter(|item| item.category.as_deref() == Some(category))
                        .count()
                })
                .max()
                .unwrap_or(0)
        } else {
            count
        };
        if per_list > limit {
            problems.push(format!(
                "more than {limit} entries of {} in one list",
                kind.noun()
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_levels_are_read_as_the_editor_keeps_them() {
        let value = json!({ "a": "2021", "b": "2021-03-14", "c": "2021-03" });
        assert_eq!(month(&value, "a"), "2021-01");
        assert_eq!(month(&value, "b"), "2021-03");
        assert_eq!(month(&value, "c"), "2021-03");
        assert_eq!(level(SKILL_LEVELS, "Expert"), "expert");
        assert_eq!(level(LANGUAGE_LEVELS, "Native or bilingual"), "native");
        assert_eq!(level(LANGUAGE_LEVELS, "native"), "native");
        assert_eq!(level(SKILL_LEVELS, "Wizard"), "");
    }

    #[test]
    fn a_broken_document_is_refused_whole_with_every_problem_named() {
        let err = read("{ not json").err();
        assert!(matches!(err, Some(ProfileError::Invalid(_))), "{err:?}");
        let document = json!({
            "basics": { "name": "Ada" },
            "work": [{ "position": "Researcher", "name": "Acme", "startDate": "2020-01", "url": "javascript:alert(1)" }],
            "projects": [{ "name": "" }],
        });
        let Err(ProfileError::Invalid(errors)) = read(&document.to_string()) else {
            panic!("a bad URL and a missing name are refused");
        };
        assert_eq!(errors[0].field, "file");
        assert!(
            errors[0].message.contains("work 1, url"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[0].message.contains("project 1, title"),
            "{}",
            errors[0].message
        );
    }
}
