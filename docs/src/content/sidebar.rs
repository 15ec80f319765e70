//! The sidebar is the folder tree of `content/docs/`: a folder is a category (named by
//! its `_category.toml`), a file a page; both ordered by `position`, then by name.

use super::front_matter::CategoryMatter;
use super::{ContentError, Page};

/// One entry of the sidebar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SidebarItem {
    Page {
        url: String,
        title: String,
    },
    Category {
        label: String,
        items: Vec<SidebarItem>,
    },
}

/// The folder of a page, relative to `content/docs/` (`""` at the top).
fn folder_of(source_path: &str) -> &str {
    let path = source_path.strip_prefix("docs/").unwrap_or(source_path);
    path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

fn parent_of(folder: &str) -> &str {
    folder.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// Builds the sidebar and returns the pages in its reading order.
pub fn arrange(
    pages: Vec<Page>,
    categories: &[(String, CategoryMatter)],
) -> Result<(Vec<SidebarItem>, Vec<Page>), ContentError> {
    for page in &pages {
        let folder = folder_of(page.source_path);
        if !folder.is_empty() && !categories.iter().any(|(known, _)| known == folder) {
            return Err(ContentError::Layout {
                path: page.source_path.to_owned(),
                reason: format!("the folder `{folder}` needs a _category.toml (label, position)"),
            });
        }
    }
    let items = level("", &pages, categories);
    let mut order = Vec::new();
    flatten(&items, &mut order);
    let mut pages = pages;
    pages.sort_by_key(|page| order.iter().position(|url| *url == page.url));
    Ok((items, pages))
}

fn level(
    folder: &str,
    pages: &[Page],
    categories: &[(String, CategoryMatter)],
) -> Vec<SidebarItem> {
    let mut entries: Vec<(i64, String, SidebarItem)> = pages
        .iter()
        .filter(|page| folder_of(page.source_path) == folder)
        .map(|page| {
            (
                page.position.unwrap_or(i64::MAX),
                page.title.clone(),
                SidebarItem::Page {
                    url: page.url.clone(),
                    title: page.title.clone(),
                },
            )
        })
        .collect();
    for (path, category) in categories {
        if parent_of(path) == folder && !path.is_empty() {
            entries.push((
                category.position,
                category.label.clone(),
                SidebarItem::Category {
                    label: category.label.clone(),
                    items: level(path, pages, categories),
                },
            ));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    entries.into_iter().map(|(_, _, item)| item).collect()
}

fn flatten(items: &[SidebarItem], order: &mut Vec<String>) {
    for item in items {
        match item {
            SidebarItem::Page { url, .. } => order.push(url.clone()),
            SidebarItem::Category { items, .. } => flatten(items, order),
        }
    }
}
