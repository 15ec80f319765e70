//! TOML front matter between `+++` lines at the top of a content file.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::ContentError;

/// A documentation page's front matter.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMatter {
    pub title: String,
    /// One sentence: the meta description, the search result's fallback snippet.
    pub description: String,
    /// Order in its sidebar category; pages without one come last, by title.
    pub position: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A blog post's front matter.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostMatter {
    pub title: String,
    pub description: String,
    pub date: toml::value::Datetime,
    pub author: String,
    /// One or two sentences for the blog index and the feeds.
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A sidebar category: the `_category.toml` of a folder.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryMatter {
    pub label: String,
    pub position: i64,
}

/// Splits `+++\n<toml>\n+++\n<body>` and parses the TOML part.
pub fn split<'a, T: DeserializeOwned>(
    path: &str,
    source: &'a str,
) -> Result<(T, &'a str), ContentError> {
    let invalid = |reason: String| ContentError::FrontMatter {
        path: path.to_owned(),
        reason,
    };
    let rest = source
        .strip_prefix("+++\n")
        .ok_or_else(|| invalid("the file must start with a `+++` line".to_owned()))?;
    let (matter, body) = rest
        .split_once("\n+++\n")
        .ok_or_else(|| invalid("the front matter has no closing `+++` line".to_owned()))?;
    let parsed = toml::from_str(matter).map_err(|err| invalid(err.message().to_owned()))?;
    Ok((parsed, body))
}

/// Parses a whole TOML file (a `_category.toml`).
pub fn parse<T: DeserializeOwned>(path: &str, source: &str) -> Result<T, ContentError> {
    toml::from_str(source).map_err(|err| ContentError::FrontMatter {
        path: path.to_owned(),
        reason: err.message().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_from_the_body() {
        let source = "+++\ntitle = \"A\"\ndescription = \"B\"\nposition = 2\n+++\n\nBody\n";
        let (matter, body): (PageMatter, _) = split("a.md", source).expect("valid");
        assert_eq!(matter.title, "A");
        assert_eq!(matter.position, Some(2));
        assert_eq!(body, "\nBody\n");
    }

    #[test]
    fn missing_or_unknown_fields_name_the_file() {
        let err =
            split::<PageMatter>("x.md", "+++\ntitle = \"A\"\n+++\n").expect_err("no description");
        assert!(err.to_string().contains("x.md"), "{err}");
        let err = split::<PageMatter>(
            "y.md",
            "+++\ntitle = \"A\"\ndescription = \"B\"\ncolour = 1\n+++\n",
        )
        .expect_err("unknown field");
        assert!(err.to_string().contains("colour"), "{err}");
        assert!(split::<PageMatter>("z.md", "# No front matter\n").is_err());
    }
}
