//! The edge API reference page of the docs site, written from the OpenAPI document.
//!
//! `docs/content/docs/reference/edge-api.md` is this function's output, committed so the docs site
//! compiles it in like any page. A test fails when the file and the document disagree,
//! naming the first line that differs; `LP_UPDATE_REFERENCE=1 cargo test -p server
//! reference` rewrites it instead (and refuses to when `CI` is set).

use std::fmt::Write as _;

use edge_protocol::api::ErrorCode;
use serde_json::Value;

use super::document;

/// The reference page, as markdown.
pub fn markdown() -> String {
    let document = serde_json::to_value(document()).unwrap_or_default();
    let mut out = String::new();
    out.push_str(
        "+++\n\
         title = \"Edge API reference\"\n\
         description = \"Every /edge/v1 endpoint the edge agent calls, its authentication, \
         bodies and error codes, generated from the protocol's types.\"\n\
         position = 2\n\
         tags = [\"edge\", \"api\"]\n\
         +++\n\n\
         The REST control plane edge agents call, under `/edge/v1` on every host. Every call \
         is JSON over HTTPS with a bearer token: the enrollment token (`etr_live_…`) for \
         `register`, the worker credential (`wk_live_…`) for everything else. This page is \
         generated from the same Rust types the server and the agent use; the machine-readable \
         OpenAPI 3.1 document is served at `/edge/v1/openapi.json`.\n\n\
         ## Errors\n\n\
         Every failure answers `{\"code\": …, \"message\": …}`. Branch on `code`; `message` is \
         for people and may change.\n\n\
         | Code | Status | Meaning |\n|---|---|---|\n",
    );
    for code in ErrorCode::ALL {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            code.as_str(),
            code.status(),
            code.description()
        );
    }
    out.push_str("\n## Endpoints\n");
    if let Some(paths) = document["paths"].as_object() {
        for (path, operations) in paths {
            let Some(operations) = operations.as_object() else {
                continue;
            };
            for (method, operation) in operations {
                endpoint(&mut out, method, path, operation);
            }
        }
    }
    out.push_str("\n## Types\n");
    if let Some(schemas) = document["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            schema_section(&mut out, name, schema);
        }
    }
    out
}

fn endpoint(out: &mut String, method: &str, path: &str, operation: &Value) {
    let _ = writeln!(out, "\n### `{} {path}`\n", method.to_uppercase());
    for key in ["summary", "description"] {
        if let Some(text) = operation[key].as_str() {
            let _ = writeln!(out, "{}\n", one_line(text));
        }
    }
    let auth = match operation["security"][0]
        .as_object()
        .and_then(|o| o.keys().next())
    {
        Some(scheme) if scheme == "enrollment_token" => "enrollment token (`etr_live_…`)",
        Some(_) => "worker credential (`wk_live_…`)",
        None => "none",
    };
    let _ = writeln!(out, "- Authentication: {auth}");
    if let Some(parameters) = operation["parameters"].as_array() {
        for parameter in parameters {
            let _ = writeln!(
                out,
                "- Path parameter `{}`: {} ({})",
                parameter["name"].as_str().unwrap_or_default(),
                parameter["description"].as_str().unwrap_or_default(),
                type_of(&parameter["schema"])
            );
        }
    }
    if let Some(schema) =
        operation["requestBody"]["content"]["application/json"]["schema"].as_object()
    {
        let _ = writeln!(out, "- Body: {}", type_of(&Value::Object(schema.clone())));
    }
    out.push_str("\n| Status | Body | When |\n|---|---|---|\n");
    if let Some(responses) = operation["responses"].as_object() {
        for (status, response) in responses {
            let body = response["content"]
                .as_object()
                .and_then(|content| content.iter().next())
                .map(|(media, content)| match media.as_str() {
                    "application/json" => type_of(&content["schema"]),
                    other => format!("`{other}`"),
                })
                .unwrap_or_else(|| "—".to_owned());
            let _ = writeln!(
                out,
                "| {status} | {body} | {} |",
                one_line(response["description"].as_str().unwrap_or_default())
            );
        }
    }
}

fn schema_section(out: &mut String, name: &str, schema: &Value) {
    let _ = writeln!(out, "\n### {name} {{#{}}}\n", name.to_lowercase());
    if let Some(text) = schema["description"].as_str() {
        let _ = writeln!(out, "{}\n", one_line(text));
    }
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(|value| format!("`{value}`"))
            .collect();
        let _ = writeln!(out, "One of {}.", values.join(", "));
        return;
    }
    if let Some(variants) = schema["oneOf"].as_array() {
        out.push_str("One of:\n");
        for variant in variants {
            let tag = variant["properties"]["strategy"]["enum"][0]
                .as_str()
                .map(|tag| format!("`\"strategy\": \"{tag}\"`"))
                .unwrap_or_else(|| type_of(variant));
            let _ = writeln!(
                out,
                "- {tag} with {} — {}",
                fields_inline(variant),
                one_line(variant["description"].as_str().unwrap_or_default())
            );
        }
        return;
    }
    fields_table(out, schema);
}

fn fields_inline(schema: &Value) -> String {
    schema["properties"]
        .as_object()
        .map(|properties| {
            properties
                .iter()
                .filter(|(field, _)| field.as_str() != "strategy")
                .map(|(field, property)| format!("`{field}` ({})", type_of(property)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

fn fields_table(out: &mut String, schema: &Value) {
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("| Field | Type | Required | Description |\n|---|---|---|---|\n");
    for (field, property) in properties {
        let _ = writeln!(
            out,
            "| `{field}` | {} | {} | {} |",
            type_of(property),
            if required.contains(&field.as_str()) {
                "yes"
            } else {
                "no"
            },
            one_line(property["description"].as_str().unwrap_or_default())
        );
    }
}

/// A schema's type in a few words, linking named types to their section.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("[{name}](#{})", name.to_lowercase());
    }
    if let Some(variants) = schema["oneOf"].as_array() {
        let types: Vec<String> = variants.iter().map(type_of).collect();
        return types.join(" or ");
    }
    let kinds: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let described: Vec<String> = kinds
        .iter()
        .map(|kind| match *kind {
            "array" => format!("array of {}", type_of(&schema["items"])),
            "string" => match schema["format"].as_str() {
                Some(format) => format!("string ({format})"),
                None => "string".to_owned(),
            },
            "integer" if schema["minimum"].as_f64() == Some(0.0) => "integer ≥ 0".to_owned(),
            other => other.to_owned(),
        })
        .collect();
    if described.is_empty() {
        "any".to_owned()
    } else {
        described.join(" or ")
    }
}

/// Doc comments wrap; table cells and list items must not.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// Set to rewrite the page instead of checking it.
    const UPDATE: &str = "LP_UPDATE_REFERENCE";

    /// Checks the committed page against the document. With `LP_UPDATE_REFERENCE` set it
    /// rewrites the page instead and checks nothing, so it refuses to run that way in CI,
    /// where a rewrite would hide a stale page.
    #[test]
    #[expect(
        clippy::print_stdout,
        reason = "the update mode tells the person running it what it did"
    )]
    fn the_docs_reference_page_matches_the_openapi_document() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/content/docs/reference/edge-api.md");
        let generated = super::markdown();
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if std::env::var_os(UPDATE).is_some() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI checks the reference page and never rewrites it: unset {UPDATE}"
            );
            if committed == generated {
                println!("{} is up to date", path.display());
            } else {
                std::fs::write(&path, &generated).expect("write the reference page");
                println!("rewrote {}; review and commit it", path.display());
            }
            return;
        }
        if let Some(difference) = first_difference(&committed, &generated) {
            panic!(
                "docs/content/docs/reference/edge-api.md is out of date with the edge API \
                 ({difference}); regenerate it with `{UPDATE}=1 cargo test -p server reference`"
            );
        }
    }

    #[test]
    fn a_difference_is_found_and_located() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(
            first_difference("a\nb\n", "a\nc\n").as_deref(),
            Some("line 2: committed `b`, generated `c`")
        );
        assert_eq!(
            first_difference("a\n", "a\nb\n").as_deref(),
            Some("line 2: committed `<end of file>`, generated `b`")
        );
        assert!(first_difference("", "a").is_some());
        assert!(first_difference("a\r\n", "a\n").is_some());
    }

    /// Where the first difference between the committed page and the generated one is, as
    /// "line N: committed `…`, generated `…`"; `None` when they are the same.
    fn first_difference(committed: &str, generated: &str) -> Option<String> {
        if committed == generated {
            return None;
        }
        let mut committed_lines = committed.lines();
        let mut generated_lines = generated.lines();
        let mut number = 1;
        loop {
            match (committed_lines.next(), generated_lines.next()) {
                (Some(old), Some(new)) if old == new => number += 1,
                (None, None) => {
                    return Some("the pages differ only in their line endings".to_owned());
                }
                (old, new) => {
                    return Some(format!(
                        "line {number}: committed `{}`, generated `{}`",
                        old.unwrap_or("<end of file>"),
                        new.unwrap_or("<end of file>")
                    ));
                }
            }
        }
    }
}
