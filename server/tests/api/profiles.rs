//! Profiles through their server functions: the rules, the order, the public page's
//! read, and above all that nobody reads another user's private profile or changes
//! anything of theirs, whatever id they guess.

use serde_json::Value;

use crate::helpers::{TestApp, call, register};

async fn api(
    app: &TestApp,
    function: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> (u16, Value) {
    let response = call(app, &format!("profile/{function}"), form, cookie).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn ok(app: &TestApp, function: &str, form: &[(&str, &str)], cookie: &str) -> Value {
    let (status, body) = api(app, function, form, Some(cookie)).await;
    assert_eq!(status, 200, "{function}: {body}");
    body
}

async fn profile(app: &TestApp, cookie: &str, handle: &str, visibility: &str) -> Value {
    ok(
        app,
        "save",
        &[
            ("handle", handle),
            ("display_name", "Ada Lovelace"),
            ("headline", "Quant researcher"),
            (
                "bio",
                "**Hello** <script>alert(1)</script> [x](javascript:alert(2))",
            ),
            ("visibility", visibility),
        ],
        cookie,
    )
    .await
}

fn ids(body: &Value, kind: &str) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|item| item["kind"] == kind)
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn a_profile_is_validated_and_its_bio_renders_inert() {
    let app = spawn().await;
    let cookie = register(&app, "ada@example.com").await;
    let (status, body) = api(
        &app,
        "save",
        &[
            ("handle", "admin"),
            ("display_name", ""),
            ("visibility", "everyone"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("invalid_input")),
        "{body}"
    );
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|field| field["field"].as_str())
        .collect();
    assert_eq!(fields, ["handle", "display_name", "visibility"]);

    let saved = profile(&app, &cookie, "Ada-L", "public").await;
    assert_eq!(saved["handle"], "ada-l");
    let html = saved["bio_html"].as_str().expect("html");
    assert!(html.contains("<strong>Hello</strong>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );

    // Handles are unique whatever their case.
    let other = register(&app, "eve@example.com").await;
    let (status, body) = api(
        &app,
        "save",
        &[
            ("handle", "ADA-L"),
            ("display_name", "Eve"),
            ("visibility", "private"),
        ],
        Some(&other),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "handle");
}

async fn spawn() -> TestApp {
    crate::helpers::spawn_app().await
}

#[tokio::test]
async fn items_are_checked_kept_in_order_and_moved() {
    let app = spawn().await;
    let cookie = register(&app, "ada@example.com").await;
    // No item before the profile exists.
    let (status, _) = api(
        &app,
        "save_item",
        &[("kind", "hobby"), ("title", "Chess")],
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 409);
    profile(&app, &cookie, "ada", "private").await;

    let (status, body) = api(
        &app,
        "save_item",
        &[
            ("kind", "project"),
            ("title", "Momentum"),
            ("url", "javascript:alert(1)"),
            ("start", "2024-05"),
            ("end", "2024-01"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["url", "end"]);

    for title in ["First", "Second", "Third"] {
        ok(
            &app,
            "save_item",
            &[
                ("kind", "project"),
                ("title", title),
                ("tags", "rust, Rust, wasm"),
            ],
            &cookie,
        )
        .await;
    }
    let body = ok(&app, "mine", &[], &cookie).await;
    let projects = ids(&body["profile"], "project");
    assert_eq!(projects.len(), 3);
    assert_eq!(
        body["profile"]["items"][0]["fields"]["tags"],
        serde_json::json!(["rust", "wasm"])
    );

    let moved = ok(
        &app,
        "move_item",
        &[("id", &projects[2]), ("direction", "up")],
        &cookie,
    )
    .await;
    assert_eq!(
        ids(&moved, "project"),
        [
            projects[0].clone(),
            projects[2].clone(),
            projects[1].clone()
        ]
    );
    // The first one cannot go further up; nothing changes.
    let same = ok(
        &app,
        "move_item",
        &[("id", &projects[0]), ("direction", "up")],
        &cookie,
    )
    .await;
    assert_eq!(ids(&same, "project"), ids(&moved, "project"));
    // A drop puts it at a place; past the end means last.
    let dropped = ok(
        &app,
        "move_item",
        &[("id", &projects[0]), ("direction", "to"), ("position", "9")],
        &cookie,
    )
    .await;
    assert_eq!(
        ids(&dropped, "project"),
        [
            projects[2].clone(),
            projects[1].clone(),
            projects[0].clone()
        ]
    );
    let (status, body) = api(
        &app,
        "move_item",
        &[("id", &projects[0]), ("direction", "to")],
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "position");

    // A skill lives in a category; deleting the category deletes its skills.
    let body = ok(
        &app,
        "save_item",
        &[("kind", "skill_category"), ("title", "Research")],
        &cookie,
    )
    .await;
    let category = ids(&body, "skill_category")[0].clone();
    let (status, _) = api(
        &app,
        "save_item",
        &[("kind", "skill"), ("title", "Rust"), ("level", "expert")],
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 422, "a skill needs its category");
    let body = ok(
        &app,
        "save_item",
        &[
            ("kind", "skill"),
            ("parent", &category),
            ("title", "Rust"),
            ("level", "expert"),
        ],
        &cookie,
    )
    .await;
    assert_eq!(ids(&body, "skill").len(), 1);
    let body = ok(&app, "delete_item", &[("id", &category)], &cookie).await;
    assert!(
        ids(&body, "skill").is_empty() && ids(&body, "skill_category").is_empty(),
        "{body}"
    );
}

#[tokio::test]
async fn nobody_reads_a_private_profile_or_touches_anothers_items() {
    let app = spawn().await;
    let ada = register(&app, "ada@example.com").await;
    let eve = register(&app, "eve@example.com").await;
    let body = profile(&app, &ada, "ada", "private").await;
    assert_eq!(body["visibility"], "private");
    let body = ok(
        &app,
        "save_item",
        &[("kind", "hobby"), ("title", "Chess")],
        &ada,
    )
    .await;
    let hobby = ids(&body, "hobby")[0].clone();
    let body = ok(
        &app,
        "save_item",
        &[("kind", "skill_category"), ("title", "Research")],
        &ada,
    )
    .await;
    let category = ids(&body, "skill_category")[0].clone();
    profile(&app, &eve, "eve", "public").await;

    // Private: unknown to Eve and to strangers, exactly like a handle nobody has.
    for cookie in [Some(eve.as_str()), None] {
        for handle in ["ada", "nobody-here"] {
            let (status, body) = api(&app, "public", &[("handle", handle)], cookie).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (404, Some("not_found")),
                "{handle}"
            );
        }
    }
    let (status, _) = api(&app, "public", &[("handle", "ada")], Some(&ada)).await;
    assert_eq!(status, 200, "the owner sees their own private page");

    // Eve guesses Ada's ids: every change is "not found", and nothing of Ada's moves.
    let guesses: [(&str, Vec<(&str, &str)>); 4] = [
        (
            "save_item",
            vec![("id", &hobby), ("kind", "hobby"), ("title", "Pwned")],
        ),
        ("delete_item", vec![("id", &hobby)]),
        ("move_item", vec![("id", &hobby), ("direction", "down")]),
        (
            "save_item",
            vec![
                ("kind", "skill"),
                ("parent", &category),
                ("title", "x"),
                ("level", "expert"),
            ],
        ),
    ];
    for (function, form) in &guesses {
        let (status, body) = api(&app, function, form, Some(&eve)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("not_found")),
            "{function}: {body}"
        );
    }
    let (status, body) = api(&app, "public", &[("handle", "ada")], Some(&ada)).await;
    assert_eq!(status, 200);
    assert_eq!(body["items"].as_array().map(Vec::len), Some(2), "{body}");
    let hobbies: Vec<&Value> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|item| item["kind"] == "hobby")
        .collect();
    assert_eq!(hobbies[0]["fields"]["title"], "Chess", "{body}");
    let eves = ok(&app, "mine", &[], &eve).await;
    assert!(
        eves["profile"]["items"]
            .as_array()
            .expect("items")
            .is_empty(),
        "{eves}"
    );

    // Signed out, every change and the owner's read are refused.
    for function in ["mine", "save", "save_item", "delete_item", "move_item"] {
        let (status, body) = api(
            &app,
            function,
            &[
                ("id", &hobby),
                ("kind", "hobby"),
                ("handle", "x"),
                ("display_name", "x"),
                ("visibility", "public"),
                ("direction", "up"),
            ],
            None,
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("unauthenticated")),
            "{function}: {body}"
        );
    }

    // Public now: anyone reads it.
    profile(&app, &ada, "ada", "listed").await;
    let (status, body) = api(&app, "public", &[("handle", "ADA")], None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["display_name"], "Ada Lovelace");
}

/// Creates a profile for a new account and answers its cookie.
async fn person(app: &TestApp, handle: &str, fields: &[(&str, &str)]) -> String {
    let cookie = register(app, &format!("{handle}@example.com")).await;
    let mut form = vec![("handle", handle), ("visibility", "listed")];
    form.extend_from_slice(fields);
    ok(app, "save", &form, &cookie).await;
    cookie
}

async fn add_skill(app: &TestApp, cookie: &str, skill: &str) {
    let body = ok(
        app,
        "save_item",
        &[("kind", "skill_category"), ("title", "Languages")],
        cookie,
    )
    .await;
    let category = ids(&body, "skill_category")[0].clone();
    ok(
        app,
        "save_item",
        &[
            ("kind", "skill"),
            ("parent", &category),
            ("title", skill),
            ("level", "advanced"),
        ],
        cookie,
    )
    .await;
}

async fn search(app: &TestApp, form: &[(&str, &str)]) -> Value {
    let (status, body) = api(app, "directory", form, None).await;
    assert_eq!(status, 200, "{form:?}: {body}");
    body
}

fn handles(body: &Value) -> Vec<String> {
    body["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["handle"].as_str().expect("handle").to_owned())
        .collect()
}

#[tokio::test]
async fn the_directory_finds_listed_profiles_only_ranked_name_first() {
    let app = spawn().await;
    let named = person(&app, "named", &[("display_name", "Engine Ngo")]).await;
    let headlined = person(
        &app,
        "headlined",
        &[("display_name", "Hana Lee"), ("headline", "Engine builder")],
    )
    .await;
    let bio = person(
        &app,
        "bio-only",
        &[
            ("display_name", "Bo Ivers"),
            ("bio", "I once rebuilt a steam engine from scrap."),
        ],
    )
    .await;
    // Public but not listed, and private: neither is in the directory.
    let unlisted = register(&app, "unlisted@example.com").await;
    let form = [
        ("handle", "unlisted"),
        ("display_name", "Engine Public"),
        ("visibility", "public"),
    ];
    ok(&app, "save", &form, &unlisted).await;
    let private = register(&app, "private@example.com").await;
    let form = [
        ("handle", "private"),
        ("display_name", "Engine Private"),
        ("visibility", "private"),
    ];
    ok(&app, "save", &form, &private).await;

    // Name above headline above bio, on both backends; words match as prefixes and
    // in any case.
    for q in ["engine", "ENG", "  engine!  "] {
        let found = search(&app, &[("q", q)]).await;
        assert_eq!(handles(&found), ["named", "headlined", "bio-only"], "{q}");
        assert_eq!(found["total"], 3);
    }
    assert_eq!(
        handles(&search(&app, &[("q", "steam engine")]).await),
        ["bio-only"]
    );
    assert!(handles(&search(&app, &[("q", "zeppelin")]).await).is_empty());
    // Full-text syntax in the words is only text.
    for q in [
        "\"",
        "*",
        "NEAR(engine",
        "engine OR x",
        "e:* | !",
        "-",
        "'; DROP TABLE profiles; --",
    ] {
        search(&app, &[("q", q)]).await;
    }

    // Skills are searched and filtered by, whatever their case; project tags are searched.
    add_skill(&app, &named, "Rust").await;
    add_skill(&app, &bio, "rust").await;
    add_skill(&app, &headlined, "Python").await;
    let body = ok(
        &app,
        "save_item",
        &[
            ("kind", "project"),
            ("title", "Loom"),
            ("tags", "wasm, looms"),
        ],
        &headlined,
    )
    .await;
    assert_eq!(ids(&body, "project").len(), 1);
    assert_eq!(
        handles(&search(&app, &[("q", "wasm")]).await),
        ["headlined"]
    );
    let rust = search(&app, &[("skill", "RUST")]).await;
    let mut found = handles(&rust);
    found.sort();
    assert_eq!(found, ["bio-only", "named"]);
    assert_eq!(rust["skills"][0][0], "rust");
    assert_eq!(rust["skills"][0][2], 2);
    assert_eq!(
        handles(&search(&app, &[("q", "engine"), ("skill", "rust")]).await),
        ["named", "bio-only"]
    );
    let entry = &search(&app, &[("q", "ngo")]).await["entries"][0];
    assert_eq!(entry["skills"], serde_json::json!(["Rust"]));

    // Without words: every listed profile, and paging counts them all.
    let everyone = search(&app, &[]).await;
    assert_eq!(everyone["total"], 3);
    assert_eq!(everyone["page"], 1);
    let beyond = search(&app, &[("page", "2")]).await;
    assert!(handles(&beyond).is_empty());
    assert_eq!(beyond["total"], 3);

    // Unlisting takes a profile out at once; listing it again puts it back.
    let form = [
        ("handle", "named"),
        ("display_name", "Engine Ngo"),
        ("visibility", "public"),
    ];
    ok(&app, "save", &form, &named).await;
    assert_eq!(
        handles(&search(&app, &[("q", "engine")]).await),
        ["headlined", "bio-only"]
    );
    assert_eq!(search(&app, &[("skill", "rust")]).await["total"], 1);
    let form = [
        ("handle", "named"),
        ("display_name", "Engine Ngo"),
        ("visibility", "listed"),
    ];
    ok(&app, "save", &form, &named).await;
    assert_eq!(search(&app, &[("q", "engine")]).await["total"], 3);
}
