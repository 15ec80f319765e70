//! The arrows between the workspace's crates, read from `cargo metadata`: the agent and
//! the domain never reach the UI, and the browser build never compiles the domain.
//!
//! `agent → protocol`; `model → protocol`; `domain → model, protocol, markup` (the
//! sanitizer the docs share); `app → domain` (its
//! `ssr` feature only), `app → model, protocol`; `server → app, landing, docs, domain,
//! model, protocol`. Never `domain → app`, never `agent → domain`, and no Leptos crate in
//! the domain or the model (`app-model`: the types the app's pages and the domain share).

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// Every workspace package by name, as `cargo metadata --no-deps` describes it.
fn packages() -> BTreeMap<String, Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    metadata["packages"]
        .as_array()
        .expect("a package list")
        .iter()
        .map(|package| {
            let name = package["name"].as_str().expect("a name").to_owned();
            (name, package.clone())
        })
        .collect()
}

/// The names of a package's normal dependencies (not dev or build) that are workspace
/// packages, each with whether it is optional.
fn workspace_deps(packages: &BTreeMap<String, Value>, name: &str) -> BTreeMap<String, bool> {
    packages[name]["dependencies"]
        .as_array()
        .expect("a dependency list")
        .iter()
        .filter(|dep| dep["kind"].is_null())
        .filter_map(|dep| {
            let dep_name = dep["name"].as_str()?;
            packages.contains_key(dep_name).then(|| {
                (
                    dep_name.to_owned(),
                    dep["optional"].as_bool().unwrap_or(false),
                )
            })
        })
        .collect()
}

fn names(deps: &BTreeMap<String, bool>) -> Vec<&str> {
    deps.keys().map(String::as_str).collect()
}

#[test]
fn the_agent_and_the_protocol_depend_on_nothing_of_the_server() {
    let packages = packages();
    assert_eq!(
        names(&workspace_deps(&packages, "edge-protocol")),
        Vec::<&str>::new()
    );
    assert_eq!(
        names(&workspace_deps(&packages, "edge-agent")),
        ["edge-protocol"]
    );
}

#[test]
fn the_domain_and_the_model_know_nothing_of_the_app_or_leptos() {
    let packages = packages();
    let deps = workspace_deps(&packages, "domain");
    assert!(
        names(&deps)
            .iter()
            .all(|name| ["app-model", "edge-protocol", "markup"].contains(name)),
        "the domain may depend on the model, the protocol and the sanitizer only: {deps:?}"
    );
    assert_eq!(
        names(&workspace_deps(&packages, "app-model")),
        ["edge-protocol"]
    );
    assert_eq!(
        names(&workspace_deps(&packages, "markup")),
        Vec::<&str>::new()
    );
    for name in ["domain", "app-model", "markup"] {
        let leptos: Vec<&str> = packages[name]["dependencies"]
            .as_array()
            .expect("a dependency list")
            .iter()
            .filter_map(|dep| dep["name"].as_str())
            .filter(|dep| dep.starts_with("leptos") || *dep == "server_fn")
            .collect();
        assert!(leptos.is_empty(), "Leptos in {name}: {leptos:?}");
    }
}

#[test]
fn the_app_reaches_the_domain_only_in_its_server_build() {
    let packages = packages();
    let deps = workspace_deps(&packages, "app");
    assert!(
        names(&deps)
            .iter()
            .all(|name| ["app-model", "domain", "edge-protocol"].contains(name)),
        "{deps:?}"
    );
    assert_eq!(deps.get("domain"), Some(&true), "an optional dependency");
    let features = &packages["app"]["features"];
    for (feature, enabled) in features.as_object().expect("a feature map") {
        let turns_on_domain = enabled
            .as_array()
            .expect("a feature list")
            .iter()
            .any(|item| item.as_str().is_some_and(|item| item.contains("domain")));
        assert_eq!(turns_on_domain, feature == "ssr", "feature `{feature}`");
    }
    let browser_entry = workspace_deps(&packages, "frontend");
    assert!(!browser_entry.contains_key("domain"), "{browser_entry:?}");
}

#[test]
fn the_server_is_the_only_crate_that_sees_everything() {
    let packages = packages();
    let allowed = [
        "app",
        "app-model",
        "docs",
        "domain",
        "edge-protocol",
        "landing",
    ];
    let deps = workspace_deps(&packages, "server");
    assert!(
        names(&deps).iter().all(|name| allowed.contains(name)),
        "{deps:?}"
    );
    assert!(
        deps.contains_key("domain"),
        "the edge API is mounted on the domain"
    );
    for name in packages.keys() {
        if name != "server" {
            assert!(
                !workspace_deps(&packages, name).contains_key("server"),
                "{name} depends on the server"
            );
        }
    }
}

/// The states the protocol and the model share decode from the database through their
/// optional `sqlx` feature: only the domain turns it on, so neither the agent nor the
/// browser build ever compiles a database driver.
#[test]
fn only_the_domain_turns_on_the_shared_types_database_decoding() {
    let packages = packages();
    for shared in ["edge-protocol", "app-model"] {
        let sqlx = packages[shared]["dependencies"]
            .as_array()
            .expect("a dependency list")
            .iter()
            .find(|dep| dep["name"] == "sqlx")
            .unwrap_or_else(|| panic!("{shared} has an optional sqlx dependency"));
        assert_eq!(sqlx["optional"], true, "{shared}: sqlx is optional");
    }
    for (name, package) in &packages {
        for dep in package["dependencies"]
            .as_array()
            .expect("a dependency list")
        {
            let dep_name = dep["name"].as_str().unwrap_or_default();
            if !["edge-protocol", "app-model"].contains(&dep_name) || !dep["kind"].is_null() {
                continue;
            }
            let turns_on_sqlx = dep["features"]
                .as_array()
                .expect("a feature list")
                .iter()
                .any(|feature| feature == "sqlx");
            assert_eq!(
                turns_on_sqlx,
                name == "domain",
                "{name} → {dep_name}: only the domain decodes from the database"
            );
        }
    }
}
