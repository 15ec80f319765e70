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
    let unlisted = search(&app, &[("skill", "rust")]).await;
    assert_eq!(unlisted["total"], 1);
    // The skill filters count listed profiles only.
    assert_eq!(
        unlisted["skills"],
        serde_json::json!([["python", "Python", 1], ["rust", "Rust", 1]])
    );
    let form = [
        ("handle", "named"),
        ("display_name", "Engine Ngo"),
        ("visibility", "listed"),
    ];
    ok(&app, "save", &form, &named).await;
    assert_eq!(search(&app, &[("q", "engine")]).await["total"], 3);
}

async fn export(app: &TestApp, cookie: Option<&str>) -> (u16, String, Value) {
    let mut request = app.get("beta.localhost", "/api/profile/export");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("export");
    let status = response.status().as_u16();
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        disposition,
        response.json().await.unwrap_or(Value::Null),
    )
}

/// Every item's kind, category title and fields, without ids: what a round trip keeps.
fn contents(profile: &Value) -> Vec<(String, String, Value)> {
    let items = profile["items"].as_array().expect("items");
    let title_of = |id: &Value| {
        items
            .iter()
            .find(|item| item["id"] == *id)
            .map(|item| {
                item["fields"]["title"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .unwrap_or_default()
    };
    let mut contents: Vec<(String, String, Value)> = items
        .iter()
        .map(|item| {
            (
                item["kind"].as_str().unwrap_or_default().to_owned(),
                title_of(&item["parent"]),
                item["fields"].clone(),
            )
        })
        .collect();
    contents.sort_by_key(|(kind, parent, fields)| format!("{kind}{parent}{fields}"));
    contents
}

#[tokio::test]
async fn a_profile_exported_as_json_resume_imports_whole_into_a_new_one() {
    let app = spawn().await;
    let ada = register(&app, "ada@example.com").await;
    ok(
        &app,
        "save",
        &[
            ("handle", "ada"),
            ("display_name", "Ada Lovelace"),
            ("headline", "Analyst"),
            ("location", "London"),
            ("bio", "Notes on the *engine*."),
            ("visibility", "public"),
        ],
        &ada,
    )
    .await;
    let items: [&[(&str, &str)]; 9] = [
        &[
            ("kind", "project"),
            ("title", "Engine"),
            ("description", "A machine."),
            ("url", "https://example.org/engine"),
            ("repo_url", "https://github.com/ada/engine"),
            ("tags", "rust, wasm"),
            ("start", "1942-01"),
            ("end", "1943-09"),
        ],
        &[
            ("kind", "experience"),
            ("title", "Analyst"),
            ("subtitle", "Babbage & Co"),
            ("location", "London"),
            ("start", "1940-05"),
            ("description", "Wrote the notes."),
        ],
        &[
            ("kind", "education"),
            ("title", "Mathematics"),
            ("subtitle", "Home tutoring"),
            ("start", "1930-01"),
            ("end", "1935-01"),
        ],
        &[
            ("kind", "certification"),
            ("title", "Fellow"),
            ("subtitle", "Royal Society"),
            ("start", "1943-01"),
            ("end", "1953-01"),
            ("url", "https://example.org/fellow"),
        ],
        &[("kind", "language"), ("title", "French"), ("level", "full")],
        &[
            ("kind", "award"),
            ("title", "Medal"),
            ("subtitle", "Academy"),
            ("start", "1944-02"),
        ],
        &[
            ("kind", "hobby"),
            ("title", "Horses"),
            ("description", "Racing."),
        ],
        &[("kind", "link"), ("url", "https://github.com/ada")],
        &[("kind", "skill_category"), ("title", "Mathematics")],
    ];
    let mut body = Value::Null;
    for item in items {
        body = ok(&app, "save_item", item, &ada).await;
    }
    let category = ids(&body, "skill_category")[0].clone();
    for (skill, level) in [("Analysis", "expert"), ("Notation", "advanced")] {
        let form = [
            ("kind", "skill"),
            ("parent", category.as_str()),
            ("title", skill),
            ("level", level),
        ];
        body = ok(&app, "save_item", &form, &ada).await;
    }

    let (status, disposition, resume) = export(&app, Some(&ada)).await;
    assert_eq!(status, 200, "{resume}");
    assert_eq!(disposition, "attachment; filename=\"ada.resume.json\"");
    assert_eq!(resume["basics"]["name"], "Ada Lovelace");
    assert_eq!(resume["basics"]["location"]["city"], "London");
    assert_eq!(resume["work"][0]["name"], "Babbage & Co");
    assert!(resume["work"][0].get("endDate").is_none(), "{resume}");
    assert_eq!(
        resume["skills"][0],
        serde_json::json!({ "name": "Analysis", "level": "Expert", "keywords": ["Mathematics"] })
    );
    assert_eq!(resume["basics"]["profiles"][0]["network"], "GitHub");
    let (status, _, _) = export(&app, None).await;
    assert_eq!(status, 401, "signed out, nothing to export");

    // Bea starts from Ada's file: everything arrives, in order.
    let bea = register(&app, "bea@example.com").await;
    let document = resume.to_string();
    let imported = ok(
        &app,
        "import",
        &[
            ("handle", "bea"),
            ("visibility", "private"),
            ("resume", &document),
        ],
        &bea,
    )
    .await;
    assert_eq!(imported["handle"], "bea");
    assert_eq!(imported["display_name"], "Ada Lovelace");
    assert_eq!(imported["bio"], "Notes on the *engine*.");
    assert_eq!(imported["visibility"], "private");
    assert_eq!(contents(&imported), contents(&body));
    // A second import would mix into a profile: refused.
    let (status, again) = api(
        &app,
        "import",
        &[
            ("handle", "bea2"),
            ("visibility", "private"),
            ("resume", &document),
        ],
        Some(&bea),
    )
    .await;
    assert_eq!(
        (status, again["code"].as_str()),
        (409, Some("conflict")),
        "{again}"
    );

    // A broken file is refused whole, with what is wrong, and stores nothing.
    let cleo = register(&app, "cleo@example.com").await;
    let broken = serde_json::json!({
        "basics": { "name": "Cleo" },
        "work": [{ "position": "Spy", "name": "Acme", "startDate": "2020-01", "url": "javascript:alert(1)" }],
    })
    .to_string();
    for document in [broken.as_str(), "{ not json", "[]"] {
        let (status, refused) = api(
            &app,
            "import",
            &[
                ("handle", "cleo"),
                ("visibility", "private"),
                ("resume", document),
            ],
            Some(&cleo),
        )
        .await;
        assert_eq!(status, 422, "{refused}");
        assert_eq!(refused["fields"][0]["field"], "file", "{refused}");
    }
    let mine = ok(&app, "mine", &[], &cleo).await;
    assert!(mine["profile"].is_null(), "{mine}");
    // A handle already taken is the form's field error, and nothing is stored either.
    let (status, taken) = api(
        &app,
        "import",
        &[
            ("handle", "ADA"),
            ("visibility", "private"),
            ("resume", &document),
        ],
        Some(&cleo),
    )
    .await;
    assert_eq!(status, 422, "{taken}");
    assert_eq!(taken["fields"][0]["field"], "handle", "{taken}");
    let (status, _) = api(
        &app,
        "import",
        &[("handle", "x"), ("visibility", "private"), ("resume", "{}")],
        None,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn public_pages_render_on_the_server_with_real_statuses() {
    let app = spawn().await;
    let ada = register(&app, "ada@example.com").await;
    profile(&app, &ada, "ada", "listed").await;
    let response = crate::helpers::page(&app, "beta.localhost", "/u/ADA", None).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap_or_default();
    assert!(html.contains("data-testid=\"public-profile\""), "{html}");
    assert!(
        html.contains("\"@type\":\"Person\""),
        "the JSON-LD is in the HTML"
    );
    assert!(
        !html.contains("<script>alert(1)"),
        "the bio's script is text"
    );
    let people = crate::helpers::page(&app, "beta.localhost", "/people?q=lovelace", None).await;
    assert_eq!(people.status(), 200);
    let html = people.text().await.unwrap_or_default();
    assert!(
        html.contains("href=\"/u/ada\""),
        "the directory links the profile"
    );
    // Private and unknown: the same 404.
    profile(&app, &ada, "ada", "private").await;
    for path in ["/u/ada", "/u/nobody-here", "/u/NOT%20A%20HANDLE"] {
        let response = crate::helpers::page(&app, "beta.localhost", path, None).await;
        assert_eq!(response.status(), 404, "{path}");
    }
}
