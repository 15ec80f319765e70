//! How an item reads in a list and on the public page: its name, what it is at, its
//! dates. The editor and the public page share these so both say the same thing.

use super::model::{ItemKind, Network, ProfileItem};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2024-03` as `Mar 2024` (anything else as it is).
pub fn month(value: &str) -> String {
    value
        .split_once('-')
        .and_then(|(year, month)| {
            let index = month.parse::<usize>().ok()?.checked_sub(1)?;
            Some(format!("{} {year}", MONTHS.get(index)?))
        })
        .unwrap_or_else(|| value.to_owned())
}

/// The item's name: a link without a label goes by its network's.
pub fn title(item: &ProfileItem) -> String {
    if item.kind == ItemKind::Link && item.fields.title.is_empty() {
        return Network::of(&item.fields.url).name().to_owned();
    }
    item.fields.title.clone()
}

/// Its dates as a range: `Mar 2021 – Present` for a role still held.
pub fn dates(item: &ProfileItem) -> Option<String> {
    let fields = &item.fields;
    let (start, end) = (fields.start.as_str(), fields.end.as_str());
    match (start.is_empty(), end.is_empty()) {
        (true, true) => None,
        (false, true) if item.kind == ItemKind::Experience => {
            Some(format!("{} – Present", month(start)))
        }
        (false, true) => Some(month(start)),
        (true, false) if item.kind == ItemKind::Certification => {
            Some(format!("Expires {}", month(end)))
        }
        (true, false) => Some(month(end)),
        (false, false) if item.kind == ItemKind::Certification => {
            Some(format!("{}, expires {}", month(start), month(end)))
        }
        (false, false) => Some(format!("{} – {}", month(start), month(end))),
    }
}

/// The line under its name: where, what level, when.
pub fn details(item: &ProfileItem) -> String {
    let fields = &item.fields;
    let mut parts: Vec<String> = Vec::new();
    for part in [&fields.subtitle, &fields.location] {
        if !part.is_empty() {
            parts.push(part.clone());
        }
    }
    if let Some(level) = fields.level_label(item.kind) {
        parts.push(level.to_owned());
    }
    if item.kind == ItemKind::Link {
        parts.push(host(&fields.url));
    }
    if let Some(dates) = dates(item) {
        parts.push(dates);
    }
    parts.join(" · ")
}

/// A URL without its scheme and trailing slash, as people say it.
pub fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.strip_prefix("www.")
        .unwrap_or(rest)
        .trim_end_matches('/')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::model::ItemFields;

    fn item(kind: ItemKind, fields: ItemFields) -> ProfileItem {
        ProfileItem {
            id: "i".into(),
            kind,
            parent: None,
            fields,
        }
    }

    #[test]
    fn months_and_ranges_read_as_people_write_them() {
        assert_eq!(month("2024-03"), "Mar 2024");
        assert_eq!(month("2024-13"), "2024-13");
        let role = item(
            ItemKind::Experience,
            ItemFields {
                title: "Researcher".into(),
                subtitle: "Acme".into(),
                start: "2021-03".into(),
                ..ItemFields::default()
            },
        );
        assert_eq!(details(&role), "Acme · Mar 2021 – Present");
        let certification = item(
            ItemKind::Certification,
            ItemFields {
                start: "2022-01".into(),
                end: "2025-01".into(),
                ..ItemFields::default()
            },
        );
        assert_eq!(
            dates(&certification).as_deref(),
            Some("Jan 2022, expires Jan 2025")
        );
    }

    #[test]
    fn a_link_goes_by_its_network() {
        let link = item(
            ItemKind::Link,
            ItemFields {
                url: "https://www.github.com/ada/".into(),
                ..ItemFields::default()
            },
        );
        assert_eq!(title(&link), "GitHub");
        assert_eq!(details(&link), "github.com/ada");
    }
}
