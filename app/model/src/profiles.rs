//! Portfolio profiles: one per user, with a handle, a bio and ordered sections of items
//! (projects, skills, experience, …), shown on a public page when the owner allows it.
//!
//! Every kind of item is stored as the same flat [`ItemFields`]; [`ItemKind::fields`]
//! says which of them a kind uses, under which label, and which are required. The editor
//! renders its forms from that table and the server validates against it, so the two can
//! never disagree about a field.

use serde::{Deserialize, Serialize};

/// Who may see a profile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum Visibility {
    /// Only its owner.
    #[default]
    Private,
    /// Anyone with the link to `/u/{handle}`.
    Public,
    /// Anyone, and it is listed in the people directory.
    Listed,
}

impl Visibility {
    pub const ALL: [Self; 3] = [Self::Private, Self::Public, Self::Listed];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Public => "public",
            Self::Listed => "listed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|visibility| visibility.as_str() == text)
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Private => "Private: only you",
            Self::Public => "Public: anyone with the link",
            Self::Listed => "Public and listed in the directory",
        }
    }

    pub const fn is_public(self) -> bool {
        !matches!(self, Self::Private)
    }
}

/// One tab of the editor and one part of the public page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Projects,
    Skills,
    Experience,
    Education,
    Certifications,
    Languages,
    Awards,
    Hobbies,
    Links,
}

impl Section {
    pub const ALL: [Self; 9] = [
        Self::Projects,
        Self::Skills,
        Self::Experience,
        Self::Education,
        Self::Certifications,
        Self::Languages,
        Self::Awards,
        Self::Hobbies,
        Self::Links,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Projects => "projects",
            Self::Skills => "skills",
            Self::Experience => "experience",
            Self::Education => "education",
            Self::Certifications => "certifications",
            Self::Languages => "languages",
            Self::Awards => "awards",
            Self::Hobbies => "hobbies",
            Self::Links => "links",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|section| section.as_str() == text)
    }

    pub const fn title(self) -> &'static str {
        match self {
            Self::Projects => "Projects",
            Self::Skills => "Skills",
            Self::Experience => "Experience",
            Self::Education => "Education",
            Self::Certifications => "Certifications",
            Self::Languages => "Languages",
            Self::Awards => "Awards",
            Self::Hobbies => "Hobbies",
            Self::Links => "Links",
        }
    }

    /// The kind of the section's top-level items.
    pub const fn kind(self) -> ItemKind {
        match self {
            Self::Projects => ItemKind::Project,
            Self::Skills => ItemKind::SkillCategory,
            Self::Experience => ItemKind::Experience,
            Self::Education => ItemKind::Education,
            Self::Certifications => ItemKind::Certification,
            Self::Languages => ItemKind::Language,
            Self::Awards => ItemKind::Award,
            Self::Hobbies => ItemKind::Hobby,
            Self::Links => ItemKind::Link,
        }
    }

    /// What the editor's empty tab suggests.
    pub const fn empty_hint(self) -> &'static str {
        match self {
            Self::Projects => {
                "Show what you built: a strategy, a tool, a study. Add a link to it running or to its code."
            }
            Self::Skills => {
                "Group your skills into categories such as Languages or Research, then add each skill with its level."
            }
            Self::Experience => "Add the roles you held, newest first.",
            Self::Education => "Add your degrees, courses and schools.",
            Self::Certifications => "Add certifications with a link where someone can verify them.",
            Self::Languages => "Add the languages you speak and how well.",
            Self::Awards => "Add prizes, rankings and recognitions.",
            Self::Hobbies => "Add what you do when you are not at a screen.",
            Self::Links => {
                "Add your GitHub, LinkedIn, website or any other place people can find you."
            }
        }
    }
}

/// What an item is. Skills live inside a skill category (their `parent`); every other
/// kind is a section's top-level item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum ItemKind {
    Project,
    SkillCategory,
    Skill,
    Experience,
    Education,
    Certification,
    Language,
    Award,
    Hobby,
    Link,
}

/// How a field is typed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Text,
    /// An http(s) address.
    Url,
    /// A month, `YYYY-MM`.
    Month,
    LongText,
    /// A comma-separated list of short tags.
    Tags,
    /// One of a fixed list of `(value, label)`.
    Choice(&'static [(&'static str, &'static str)]),
}

/// One field of one kind of item: which of [`ItemFields`] it is, how it is labelled and
/// typed, and how long it may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub required: bool,
    pub max_chars: usize,
}

const fn field(name: &'static str, label: &'static str, input: Input, required: bool) -> FieldSpec {
    let max_chars = match input {
        Input::Url => 500,
        Input::LongText => 2_000,
        Input::Month => 7,
        Input::Tags => 300,
        Input::Text | Input::Choice(_) => 120,
    };
    FieldSpec {
        name,
        label,
        input,
        required,
        max_chars,
    }
}

pub const SKILL_LEVELS: &[(&str, &str)] = &[
    ("beginner", "Beginner"),
    ("intermediate", "Intermediate"),
    ("advanced", "Advanced"),
    ("expert", "Expert"),
];

pub const LANGUAGE_LEVELS: &[(&str, &str)] = &[
    ("elementary", "Elementary"),
    ("limited", "Limited working"),
    ("professional", "Professional working"),
    ("full", "Full professional"),
    ("native", "Native or bilingual"),
];

const PROJECT: &[FieldSpec] = &[
    field("title", "Title", Input::Text, true),
    field("description", "Description", Input::LongText, false),
    field("url", "Live URL", Input::Url, false),
    field("repo_url", "Repository URL", Input::Url, false),
    field("tags", "Tags (comma-separated)", Input::Tags, false),
    field("start", "Started", Input::Month, false),
    field("end", "Finished", Input::Month, false),
];
const SKILL_CATEGORY: &[FieldSpec] = &[field("title", "Category", Input::Text, true)];
const SKILL: &[FieldSpec] = &[
    field("title", "Skill", Input::Text, true),
    field("level", "Level", Input::Choice(SKILL_LEVELS), true),
];
const EXPERIENCE: &[FieldSpec] = &[
    field("title", "Role", Input::Text, true),
    field("subtitle", "Organization", Input::Text, true),
    field("location", "Location", Input::Text, false),
    field("start", "Started", Input::Month, true),
    field(
        "end",
        "Left (empty while you are there)",
        Input::Month,
        false,
    ),
    field("url", "Organization URL", Input::Url, false),
    field("description", "What you did", Input::LongText, false),
];
const EDUCATION: &[FieldSpec] = &[
    field("subtitle", "Institution", Input::Text, true),
    field("title", "Degree or course", Input::Text, true),
    field("location", "Location", Input::Text, false),
    field("start", "Started", Input::Month, false),
    field("end", "Finished", Input::Month, false),
    field("description", "Notes", Input::LongText, false),
];
const CERTIFICATION: &[FieldSpec] = &[
    field("title", "Certification", Input::Text, true),
    field("subtitle", "Issuer", Input::Text, true),
    field("start", "Issued", Input::Month, false),
    field("end", "Expires", Input::Month, false),
    field("url", "Credential URL", Input::Url, false),
];
const LANGUAGE: &[FieldSpec] = &[
    field("title", "Language", Input::Text, true),
    field("level", "Proficiency", Input::Choice(LANGUAGE_LEVELS), true),
];
const AWARD: &[FieldSpec] = &[
    field("title", "Award", Input::Text, true),
    field("subtitle", "Awarded by", Input::Text, false),
    field("start", "Date", Input::Month, false),
    field("description", "Description", Input::LongText, false),
];
const HOBBY: &[FieldSpec] = &[
    field("title", "Hobby", Input::Text, true),
    field("description", "Description", Input::LongText, false),
];
const LINK: &[FieldSpec] = &[
    field("url", "URL", Input::Url, true),
    field(
        "title",
        "Label (optional: the network's name is used)",
        Input::Text,
        false,
    ),
];

impl ItemKind {
    pub const ALL: [Self; 10] = [
        Self::Project,
        Self::SkillCategory,
        Self::Skill,
        Self::Experience,
        Self::Education,
        Self::Certification,
        Self::Language,
        Self::Award,
        Self::Hobby,
        Self::Link,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Project => "project",
            Self::SkillCategory => "skill_category",
            Self::Skill => "skill",
            Self::Experience => "experience",
            Self::Education => "education",
            Self::Certification => "certification",
            Self::Language => "language",
            Self::Award => "award",
            Self::Hobby => "hobby",
            Self::Link => "link",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The section it is shown in (a skill in its category's).
    pub const fn section(self) -> Section {
        match self {
            Self::Project => Section::Projects,
            Self::SkillCategory | Self::Skill => Section::Skills,
            Self::Experience => Section::Experience,
            Self::Education => Section::Education,
            Self::Certification => Section::Certifications,
            Self::Language => Section::Languages,
            Self::Award => Section::Awards,
            Self::Hobby => Section::Hobbies,
            Self::Link => Section::Links,
        }
    }

    /// What one item of this kind is called ("Add a project").
    pub const fn noun(self) -> &'static str {
        match self {
            Self::Project => "project",
            Self::SkillCategory => "skill category",
            Self::Skill => "skill",
            Self::Experience => "role",
            Self::Education => "education",
            Self::Certification => "certification",
            Self::Language => "language",
            Self::Award => "award",
            Self::Hobby => "hobby",
            Self::Link => "link",
        }
    }

    /// The fields this kind uses, in the order the form shows them.
    pub const fn fields(self) -> &'static [FieldSpec] {
        match self {
            Self::Project => PROJECT,
            Self::SkillCategory => SKILL_CATEGORY,
            Self::Skill => SKILL,
            Self::Experience => EXPERIENCE,
            Self::Education => EDUCATION,
            Self::Certification => CERTIFICATION,
            Self::Language => LANGUAGE,
            Self::Award => AWARD,
            Self::Hobby => HOBBY,
            Self::Link => LINK,
        }
    }

    /// Items of this kind sit inside another item (a skill in its category).
    pub const fn needs_parent(self) -> bool {
        matches!(self, Self::Skill)
    }
}

/// The values of one item. A kind uses some of them ([`ItemKind::fields`]); the others
/// stay empty. Stored as JSON with the empty ones left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemFields {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subtitle: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub location: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub repo_url: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub start: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub end: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub level: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl ItemFields {
    /// The value of the field called `name`, as a form shows it (tags comma-separated).
    pub fn get(&self, name: &str) -> String {
        match name {
            "title" => self.title.clone(),
            "subtitle" => self.subtitle.clone(),
            "location" => self.location.clone(),
            "url" => self.url.clone(),
            "repo_url" => self.repo_url.clone(),
            "tags" => self.tags.join(", "),
            "start" => self.start.clone(),
            "end" => self.end.clone(),
            "level" => self.level.clone(),
            "description" => self.description.clone(),
            _ => String::new(),
        }
    }

    /// The label of a choice field's value (`"expert"` → `"Expert"`).
    pub fn level_label(&self, kind: ItemKind) -> Option<&'static str> {
        kind.fields().iter().find_map(|spec| match spec.input {
            Input::Choice(choices) if spec.name == "level" => choices
                .iter()
                .find(|(value, _)| *value == self.level)
                .map(|(_, label)| *label),
            _ => None,
        })
    }
}

/// One item of a profile's section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileItem {
    pub id: String,
    pub kind: ItemKind,
    /// The category a skill belongs to.
    pub parent: Option<String>,
    pub fields: ItemFields,
}

/// A social network whose links get its name and icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    GitHub,
    GitLab,
    LinkedIn,
    X,
    Mastodon,
    YouTube,
    Kaggle,
    StackOverflow,
    Website,
}

impl Network {
    /// The network a URL belongs to, from its host (anything unknown is a website).
    pub fn of(url: &str) -> Self {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let host = rest
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let is = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
        if is("github.com") {
            Self::GitHub
        } else if is("gitlab.com") {
            Self::GitLab
        } else if is("linkedin.com") {
            Self::LinkedIn
        } else if is("x.com") || is("twitter.com") {
            Self::X
        } else if is("mastodon.social") || host.starts_with("mastodon.") {
            Self::Mastodon
        } else if is("youtube.com") || is("youtu.be") {
            Self::YouTube
        } else if is("kaggle.com") {
            Self::Kaggle
        } else if is("stackoverflow.com") {
            Self::StackOverflow
        } else {
            Self::Website
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::GitHub => "GitHub",
            Self::GitLab => "GitLab",
            Self::LinkedIn => "LinkedIn",
            Self::X => "X",
            Self::Mastodon => "Mastodon",
            Self::YouTube => "YouTube",
            Self::Kaggle => "Kaggle",
            Self::StackOverflow => "Stack Overflow",
            Self::Website => "Website",
        }
    }
}

/// A profile as its owner edits it and as its public page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Lower case, unique: the page lives at `/u/{handle}`.
    pub handle: String,
    pub display_name: String,
    pub headline: String,
    pub location: String,
    /// The bio as its owner wrote it (markdown).
    pub bio: String,
    /// The bio rendered and sanitized on the server.
    pub bio_html: String,
    pub visibility: Visibility,
    /// Every section's items, each section in its stored order (skills follow their
    /// category's order within it).
    pub items: Vec<ProfileItem>,
    pub updated_at: i64,
}

/// What a profile still lacks, and how complete it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completeness {
    pub percent: u8,
    pub missing: Vec<&'static str>,
}

impl Profile {
    /// The top-level items of one section, in order.
    pub fn section(&self, section: Section) -> impl Iterator<Item = &ProfileItem> {
        let kind = section.kind();
        self.items.iter().filter(move |item| item.kind == kind)
    }

    /// The skills of one category, in order.
    pub fn children<'a>(&'a self, parent: &'a str) -> impl Iterator<Item = &'a ProfileItem> {
        self.items
            .iter()
            .filter(move |item| item.parent.as_deref() == Some(parent))
    }

    /// Moves an item within its list (same kind, same category), as the server will;
    /// the editor shows the move before the server confirms it.
    pub fn move_item(&mut self, id: &str, direction: Move) {
        let Some(moved) = self.items.iter().find(|item| item.id == id) else {
            return;
        };
        let (kind, parent) = (moved.kind, moved.parent.clone());
        let slots: Vec<usize> = (0..self.items.len())
            .filter(|&slot| self.items[slot].kind == kind && self.items[slot].parent == parent)
            .collect();
        let mut siblings: Vec<ProfileItem> =
            slots.iter().map(|&slot| self.items[slot].clone()).collect();
        if let Some(at) = siblings.iter().position(|item| item.id == id) {
            direction.apply(&mut siblings, at);
        }
        for (slot, item) in slots.into_iter().zip(siblings) {
            self.items[slot] = item;
        }
    }

    /// Removes an item and, for a category, its skills, as the server will.
    pub fn remove_item(&mut self, id: &str) {
        self.items
            .retain(|item| item.id != id && item.parent.as_deref() != Some(id));
    }

    /// What a profile people would want to read has, and what this one lacks.
    pub fn completeness(&self) -> Completeness {
        let has = |kind: ItemKind| self.items.iter().any(|item| item.kind == kind);
        let checks = [
            (!self.headline.is_empty(), "a headline"),
            (!self.location.is_empty(), "a location"),
            (self.bio.trim().len() >= 80, "a bio of a few sentences"),
            (has(ItemKind::Project), "a project"),
            (has(ItemKind::Skill), "a skill"),
            (has(ItemKind::Experience), "a role in experience"),
            (has(ItemKind::Education), "education"),
            (has(ItemKind::Link), "a link"),
            (self.visibility.is_public(), "making it public"),
        ];
        let done = checks.iter().filter(|(done, _)| *done).count();
        Completeness {
            percent: u8::try_from(done * 100 / checks.len()).unwrap_or(100),
            missing: checks
                .iter()
                .filter(|(done, _)| !done)
                .map(|(_, what)| *what)
                .collect(),
        }
    }
}

/// The owner's view of their profile: the profile once created, and a name to start from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyProfile {
    pub profile: Option<Profile>,
    /// The account's display name, to prefill a new profile.
    pub account_name: String,
}

/// Where an item moves within its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// One place towards the top.
    Up,
    /// One place towards the bottom.
    Down,
    /// To this place, counted from 0 (past the end means last), as a drop puts it.
    To(usize),
}

impl Move {
    /// Where an item now at `at` of `len` lands, or `None` when it stays.
    pub fn target(self, at: usize, len: usize) -> Option<usize> {
        let to = match self {
            Self::Up => at.checked_sub(1)?,
            Self::Down => at + 1,
            Self::To(to) => to.min(len.saturating_sub(1)),
        };
        (to != at && to < len).then_some(to)
    }

    /// `list` with the element at `at` moved as this says.
    pub fn apply<T>(self, list: &mut Vec<T>, at: usize) {
        if let Some(to) = self.target(at, list.len()) {
            let moved = list.remove(at);
            list.insert(to, moved);
        }
    }
}

/// One listed profile as the people directory shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub handle: String,
    pub display_name: String,
    pub headline: String,
    pub location: String,
    /// A few of its skills, as their owner wrote them.
    pub skills: Vec<String>,
}

/// A search of the people directory: words to find and a skill to have, both optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub skill: String,
    #[serde(default)]
    pub page: u32,
}

/// One page of the directory, best match first (newest first without words), with the
/// most common skills among listed profiles to filter by.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryPage {
    pub entries: Vec<DirectoryEntry>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// `(key, label, how many profiles)`: the key is the skill in lower case.
    pub skills: Vec<(String, String, u64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_networks_are_recognised_by_host_only() {
        assert_eq!(Network::of("https://github.com/ada"), Network::GitHub);
        assert_eq!(
            Network::of("https://www.linkedin.com/in/ada"),
            Network::LinkedIn
        );
        assert_eq!(Network::of("https://twitter.com/ada"), Network::X);
        assert_eq!(Network::of("https://ada.dev/github.com"), Network::Website);
        assert_eq!(
            Network::of("https://github.com.evil.example/"),
            Network::Website
        );
        assert_eq!(
            Network::of("https://user@github.com:443/x"),
            Network::GitHub
        );
    }

    #[test]
    fn every_kind_has_a_required_field_and_known_field_names() {
        let known = ItemFields {
            title: "t".into(),
            subtitle: "s".into(),
            location: "l".into(),
            url: "u".into(),
            repo_url: "r".into(),
            tags: vec!["a".into()],
            start: "st".into(),
            end: "e".into(),
            level: "lv".into(),
            description: "d".into(),
        };
        for kind in ItemKind::ALL {
            assert!(kind.fields().iter().any(|spec| spec.required), "{kind:?}");
            for spec in kind.fields() {
                assert!(!known.get(spec.name).is_empty(), "{kind:?}.{}", spec.name);
            }
        }
    }

    #[test]
    fn moves_stay_inside_the_list() {
        let mut list = vec!['a', 'b', 'c', 'd'];
        Move::Up.apply(&mut list, 0);
        assert_eq!(list, ['a', 'b', 'c', 'd']);
        Move::Down.apply(&mut list, 3);
        assert_eq!(list, ['a', 'b', 'c', 'd']);
        Move::Down.apply(&mut list, 1);
        assert_eq!(list, ['a', 'c', 'b', 'd']);
        Move::To(0).apply(&mut list, 3);
        assert_eq!(list, ['d', 'a', 'c', 'b']);
        Move::To(99).apply(&mut list, 0);
        assert_eq!(list, ['a', 'c', 'b', 'd']);
        assert_eq!(Move::To(2).target(2, 4), None);
    }

    fn item(id: &str, kind: ItemKind, parent: Option<&str>) -> ProfileItem {
        ProfileItem {
            id: id.into(),
            kind,
            parent: parent.map(Into::into),
            fields: ItemFields::default(),
        }
    }

    #[test]
    fn local_moves_and_removals_keep_other_lists_in_place() {
        let mut profile = Profile {
            items: vec![
                item("p1", ItemKind::Project, None),
                item("c1", ItemKind::SkillCategory, None),
                item("s1", ItemKind::Skill, Some("c1")),
                item("p2", ItemKind::Project, None),
                item("s2", ItemKind::Skill, Some("c1")),
            ],
            ..Profile::default()
        };
        let order = |profile: &Profile| -> Vec<String> {
            profile.items.iter().map(|item| item.id.clone()).collect()
        };
        profile.move_item("p2", Move::Up);
        assert_eq!(order(&profile), ["p2", "c1", "s1", "p1", "s2"]);
        profile.move_item("s1", Move::To(5));
        assert_eq!(order(&profile), ["p2", "c1", "s2", "p1", "s1"]);
        profile.move_item("missing", Move::Down);
        profile.remove_item("c1");
        assert_eq!(order(&profile), ["p2", "p1"]);
    }

    #[test]
    fn completeness_counts_what_is_there() {
        let mut profile = Profile::default();
        let empty = profile.completeness();
        assert_eq!(empty.percent, 0);
        assert_eq!(empty.missing.len(), 9);
        profile.headline = "Quant".into();
        profile.visibility = Visibility::Listed;
        let some = profile.completeness();
        assert_eq!(some.percent, 22);
        assert!(!some.missing.contains(&"a headline"));
    }
}
