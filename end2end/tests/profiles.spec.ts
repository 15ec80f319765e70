import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, hydrated, origin, screenshots, signUp, watchErrors } from "./support";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

async function noAxeViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const violations = results.violations.map((violation) => ({
    rule: violation.id,
    nodes: violation.nodes.map((node) => `${node.target.join(" ")}: ${node.failureSummary}`),
  }));
  expect(violations, label).toEqual([]);
}

/** A handle no earlier run took: handles are unique across the server. */
function freshHandle(name: string): string {
  return `${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** The titles of the rows of the open section's list, in order. */
function titles(page: Page) {
  return page.locator("[data-testid=profile-item][data-kind=project] [data-testid=profile-item-title]");
}

async function addProject(page: Page, title: string, tags = ""): Promise<void> {
  const form = page.getByTestId("add-project");
  if ((await form.getAttribute("open")) === null) await form.locator("summary").click();
  await form.getByLabel("Title").fill(title);
  if (tags) await form.getByLabel("Tags (comma-separated)").fill(tags);
  await form.getByRole("button", { name: "Add project" }).click();
  await expect(page.getByTestId("profile-item-title").filter({ hasText: title })).toBeVisible();
}

test("a profile built in the editor, reordered by keyboard and by drag, read signed out and printed", async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  const beta = origin("beta.localhost");
  await signUp(page, beta, "Ada Lovelace", `ada-${Date.now()}@example.org`);

  await page.goto(`${beta}/profile`);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Create your profile" })).toBeVisible();
  await expect(page.getByTestId("profile-sections-locked")).toBeVisible();
  // The handle starts from the account's name.
  await expect(page.getByTestId("profile-basics").getByLabel("Handle")).toHaveValue("ada-lovelace");

  // A handle the rules refuse gets its own message, and nothing is created.
  await page.getByTestId("profile-basics").getByLabel("Handle").fill("admin");
  await page.getByRole("button", { name: "Create profile" }).click();
  await expect(page.locator("#field-handle-error")).toContainText("reserved");
  await expect(page.getByTestId("view-public-page")).toHaveCount(0);

  const handle = freshHandle("ada");
  // A word only this run's profile has, to find it in the directory.
  const token = `zq${Date.now().toString(36)}`;
  await page.getByTestId("profile-basics").getByLabel("Handle").fill(handle);
  await page.getByLabel("Headline").fill("Analytical engine programmer");
  await page.getByLabel("Location").fill("London");
  await page
    .getByLabel("Bio")
    .fill(`I write **programs** for machines that do not exist yet. <script>window.pwned = 1</script> [click](javascript:window.pwned=2) and [notes](https://example.org/notes). Ref ${token}.`);
  await page.getByLabel("Public and listed in the directory").check();
  await page.getByRole("button", { name: "Create profile" }).click();
  await expect(page.getByTestId("basics-saved")).toHaveText("Profile created. Now add your sections below.");
  await expect(page.getByTestId("view-public-page")).toHaveAttribute("href", `/u/${handle}`);
  const before = Number((await page.getByTestId("completeness-percent").textContent())?.replace("%", ""));

  // Projects: the empty tab says what to do, and its form is open.
  await expect(page.getByTestId("section-empty")).toBeVisible();
  await addProject(page, "Engine", "rust, wasm");
  await addProject(page, "Notes");
  await addProject(page, "Loom");
  await expect(titles(page)).toHaveText(["Engine", "Notes", "Loom"]);

  // A move up by keyboard, twice: focus stays on the moved item's button.
  await page.getByRole("button", { name: "Move Loom up" }).focus();
  await page.keyboard.press("Enter");
  await expect(titles(page)).toHaveText(["Engine", "Loom", "Notes"]);
  await expect(page.getByRole("button", { name: "Move Loom up" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(titles(page)).toHaveText(["Loom", "Engine", "Notes"]);
  // At the top it says so and stays put.
  await expect(page.getByRole("button", { name: "Move Loom up" })).toHaveAttribute("aria-disabled", "true");

  // A move the server refuses is undone, with a message.
  await page.route("**/api/profile/move_item", (route) =>
    route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ code: "unavailable" }) }),
  );
  await page.getByRole("button", { name: "Move Engine down" }).click();
  await expect(page.getByTestId("profile-notice")).toContainText("The move was undone");
  await expect(titles(page)).toHaveText(["Loom", "Engine", "Notes"]);
  await page.unroute("**/api/profile/move_item");
  await page.getByRole("button", { name: "Dismiss" }).click();

  // Dragging a row onto another puts it in that one's place.
  const row = (title: string) => page.getByTestId("profile-item").filter({ hasText: title });
  await row("Notes").locator(".drag-handle").dragTo(row("Loom"));
  await expect(titles(page)).toHaveText(["Notes", "Loom", "Engine"]);

  // The order is the server's, not just the page's.
  await page.reload();
  await hydrated(page);
  await expect(titles(page)).toHaveText(["Notes", "Loom", "Engine"]);

  // Editing in place: a URL that is not http(s) is refused with the field's message.
  const engine = row("Engine");
  await engine.getByLabel("Edit Engine").click();
  await engine.getByLabel("Live URL").fill("javascript:alert(1)");
  await engine.getByRole("button", { name: "Save" }).click();
  await expect(engine.getByText("Enter a full web address starting with https://.")).toBeVisible();
  await engine.getByLabel("Live URL").fill("https://example.org/engine");
  await engine.getByRole("button", { name: "Save" }).click();
  // Saved, the row is redrawn with its form closed.
  await expect(row("Engine").getByLabel("Live URL")).toBeHidden();

  // Skills live in categories.
  await page.getByTestId("tab-skills").click();
  await expect(page).toHaveURL(/tab=skills/);
  await page.getByTestId("add-skill_category").getByLabel("Category").fill("Languages");
  await page.getByTestId("add-skill_category").getByRole("button", { name: "Add skill category" }).click();
  const category = page.getByTestId("profile-item").filter({ hasText: "Languages" });
  await category.getByTestId("add-skill").locator("summary").click();
  await category.getByTestId("add-skill").getByLabel("Skill").fill("Rust");
  await category.getByTestId("add-skill").getByLabel("Level").selectOption("expert");
  await category.getByTestId("add-skill").getByRole("button", { name: "Add skill" }).click();
  const skill = category.locator("[data-testid=profile-item][data-kind=skill]");
  await expect(skill.getByTestId("profile-item-title")).toHaveText("Rust");
  await expect(skill.getByTestId("profile-item-details")).toHaveText("Expert");

  await page.getByTestId("tab-links").click();
  await page.getByTestId("add-link").getByLabel("URL").fill("https://github.com/ada");
  await page.getByTestId("add-link").getByRole("button", { name: "Add link" }).click();
  await expect(page.getByTestId("profile-item-title").filter({ hasText: "GitHub" })).toBeVisible();

  // The export is the whole profile as a JSON Resume file.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download JSON Resume" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`${handle}.resume.json`);
  const resume = JSON.parse(await (await import("node:fs/promises")).readFile((await file.path()) ?? "", "utf8"));
  expect(resume.basics.name).toBe("Ada Lovelace");
  expect(resume.projects.map((project: { name: string }) => project.name)).toEqual(["Notes", "Loom", "Engine"]);

  const after = Number((await page.getByTestId("completeness-percent").textContent())?.replace("%", ""));
  expect(after).toBeGreaterThan(before);
  await noAxeViolations(page, "profile editor");
  await screenshots(page, info, "profile-editor");
  // The refusals this test provoked (422s, the 503 it injected) are the only failed loads.
  expect(errors.filter((error) => !/status of (422|503)/.test(error))).toEqual([]);

  // Signed out, the public page is all there before any script runs.
  const stranger = await browser.newContext({ javaScriptEnabled: false });
  const visitor = await stranger.newPage();
  const response = await visitor.goto(`${beta}/u/${handle}`);
  expect(response?.status()).toBe(200);
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Ada Lovelace");
  await expect(visitor.getByTestId("profile-section-projects").getByRole("heading", { level: 3 })).toHaveText(["Notes", "Loom", "Engine"]);
  await expect(visitor.getByRole("link", { name: "Engine" })).toHaveAttribute("href", "https://example.org/engine");
  // The bio's script and javascript: link are inert; its real link stays.
  const bio = visitor.getByTestId("profile-bio");
  await expect(bio.locator("strong")).toHaveText("programs");
  await expect(bio.locator("script")).toHaveCount(0);
  await expect(bio.locator("a[href^=javascript]")).toHaveCount(0);
  await expect(bio.getByRole("link", { name: "notes" })).toHaveAttribute("rel", /nofollow/);
  const person = JSON.parse((await visitor.locator("script[type='application/ld+json']").textContent()) ?? "{}");
  expect(person["@type"]).toBe("Person");
  expect(person.name).toBe("Ada Lovelace");
  expect(person.knowsAbout).toEqual(["Rust"]);
  expect(person.sameAs).toEqual(["https://github.com/ada"]);
  await expect(visitor.locator("meta[property='og:title']")).toHaveAttribute("content", "Ada Lovelace · Analytical engine programmer");

  // The directory finds it by a word of its bio, and by its skill, without JavaScript.
  await visitor.goto(`${origin("localhost")}/`);
  await visitor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
  await expect(visitor).toHaveURL(`${beta}/people`);
  await visitor.getByRole("searchbox", { name: "Search" }).fill(token);
  await visitor.getByRole("button", { name: "Search" }).click();
  await expect(visitor).toHaveURL(new RegExp(`/people\\?q=${token}`));
  const card = visitor.getByTestId("person");
  await expect(card).toHaveCount(1);
  await expect(card.getByRole("link", { name: "Ada Lovelace" })).toHaveAttribute("href", `/u/${handle}`);
  await expect(card.getByRole("listitem")).toHaveText(["Rust"]);
  await visitor.getByLabel("Skill", { exact: true }).selectOption("rust");
  await visitor.getByRole("button", { name: "Search" }).click();
  await expect(visitor).toHaveURL(new RegExp(`q=${token}&skill=rust`));
  await expect(visitor.getByTestId("person")).toHaveCount(1);
  await visitor.goto(`${beta}/people?q=${token}nothing`);
  await expect(visitor.getByTestId("people-no-match")).toBeVisible();
  await stranger.close();

  // Hydrated, signed out: no errors, nothing for axe; in print, a résumé without the site.
  const reader = await browser.newContext();
  const readerPage = await reader.newPage();
  const readerErrors = watchErrors(readerPage);
  await readerPage.goto(`${beta}/u/${handle}`);
  await hydrated(readerPage);
  expect(await readerPage.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
  await noAxeViolations(readerPage, "public profile");
  await screenshots(readerPage, info, "profile-public");
  await readerPage.emulateMedia({ media: "print" });
  await expect(readerPage.locator(".site-header")).toBeHidden();
  await expect(readerPage.getByRole("heading", { level: 1 })).toBeVisible();
  const pdf = await readerPage.pdf({ format: "A4" });
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  await info.attach("profile.pdf", { body: pdf, contentType: "application/pdf" });
  await readerPage.emulateMedia({ media: "screen" });
  await readerPage.goto(`${beta}/people?q=${token}`);
  await hydrated(readerPage);
  await expect(readerPage.getByTestId("person")).toHaveCount(1);
  await noAxeViolations(readerPage, "people directory");
  await screenshots(readerPage, info, "people");
  expect(readerErrors).toEqual([]);

  // Made private, it is the same 404 as a handle nobody has.
  await page.goto(`${beta}/profile`);
  await hydrated(page);
  await page.getByLabel("Private: only you").check();
  await page.getByRole("button", { name: "Save" }).first().click();
  await expect(page.getByTestId("basics-saved")).toHaveText("Saved.");
  const hidden = await readerPage.goto(`${beta}/u/${handle}`);
  expect(hidden?.status()).toBe(404);
  const hiddenText = await readerPage.locator("main").innerText();
  const unknown = await readerPage.goto(`${beta}/u/nobody-has-this-${Date.now()}`);
  expect(unknown?.status()).toBe(404);
  expect(await readerPage.locator("main").innerText()).toBe(hiddenText);
  // Its owner still sees it, marked private.
  await page.goto(`${beta}/u/${handle}`);
  await expect(page.getByTestId("private-preview")).toBeVisible();
  await reader.close();
});

test("the profile editor works without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const beta = origin("beta.localhost");
  const email = `grace-profile-${Date.now()}@example.org`;
  await page.goto(`${beta}/register`);
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${beta}/`);

  await page.goto(`${beta}/profile`);
  await page.getByTestId("profile-basics").getByLabel("Handle").fill(freshHandle("grace"));
  await page.getByRole("button", { name: "Create profile" }).click();
  await expect(page).toHaveURL(/\/profile\??$/);
  await expect(page.getByRole("heading", { name: "Basics" })).toBeVisible();

  await page.getByTestId("tab-experience").click();
  await expect(page).toHaveURL(/tab=experience/);
  const form = page.getByTestId("add-experience");
  await form.getByLabel("Role").fill("Rear admiral");
  await form.locator("[name=subtitle]").fill("US Navy");
  await form.getByLabel("Started").fill("1943-12");
  await form.getByRole("button", { name: "Add role" }).click();
  await expect(page).toHaveURL(/tab=experience/);
  await expect(page.getByTestId("profile-item-title")).toHaveText(["Rear admiral"]);
  await expect(page.getByText("US Navy · Dec 1943 – Present")).toBeVisible();

  // Moving and deleting are plain forms too.
  await page.getByRole("button", { name: "Delete Rear admiral" }).click();
  await expect(page.getByTestId("section-empty")).toBeVisible();
  await context.close();
});
