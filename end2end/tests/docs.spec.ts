import { expect, test } from "@playwright/test";
import { hydrated, origin, watchErrors } from "./support";

const docs = origin("docs.localhost");

test("search finds a page by keyboard alone: '/', type, arrows, Enter", async ({ page }, info) => {
  const errors = watchErrors(page);
  await page.goto(`${docs}/`);
  await hydrated(page);
  await page.keyboard.press("/");
  const input = page.getByRole("combobox", { name: "Search docs and blog" });
  await expect(input).toBeFocused();
  await page.keyboard.type("onboard");
  const options = page.getByRole("option");
  await expect(options.first()).toBeVisible();
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("listbox").locator("mark").first()).toBeVisible();
  await page.screenshot({ path: info.outputPath("docs-search.png") });
  // Down and back up: the choice follows the arrows.
  if ((await options.count()) > 1) {
    await page.keyboard.press("ArrowDown");
    await expect(options.nth(1)).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("ArrowUp");
  }
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  const target = await options.first().locator("a").getAttribute("href");
  expect(target).toBe("/guides/edge-agents#onboard");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/guides\/edge-agents#onboard$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Edge agents");
  expect(errors).toEqual([]);
});

test("Ctrl-K opens search, Escape closes it, and an unknown word says so", async ({ page }) => {
  await page.goto(`${docs}/getting-started`);
  await hydrated(page);
  await page.keyboard.press("Control+k");
  const dialog = page.getByRole("dialog", { name: "Search docs and blog" });
  await expect(dialog).toBeVisible();
  await page.keyboard.type("qqzzxxyy");
  await expect(dialog.getByText("Nothing matches “qqzzxxyy”.")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("without JavaScript the search box posts to a results page", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${docs}/`);
  await page.getByRole("searchbox", { name: "Search docs and blog" }).first().fill("lease");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=lease/);
  await expect(page.locator(".search-hit").first()).toBeVisible();
  await expect(page.locator(".search-hit mark").first()).toContainText(/lease/i);
  await context.close();
});

test("the table of contents follows the reading position and the sidebar navigates", async ({ page }, info) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`${docs}/guides/edge-agents`);
  await hydrated(page);
  const toc = page.getByRole("navigation", { name: "On this page" });
  await expect(toc).toBeVisible();
  const links = toc.getByRole("link");
  expect(await links.count()).toBeGreaterThan(3);
  await expect(links.first()).toHaveAttribute("aria-current", "location");
  const third = links.nth(2);
  await third.click();
  const anchor = (await third.getAttribute("href"))!;
  await expect(page).toHaveURL(new RegExp(`${anchor}$`));
  await expect(third).toHaveAttribute("aria-current", "location");
  await expect(links.first()).not.toHaveAttribute("aria-current", "location");
  await page.screenshot({ path: info.outputPath("docs-page.png") });

  const sidebar = page.getByRole("navigation", { name: "Documentation", exact: true });
  await sidebar.getByRole("link", { name: "Configuration reference" }).click();
  await expect(page).toHaveURL(/\/reference\/configuration$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Configuration reference");
  await expect(page.getByRole("cell", { name: "LP_BASE_DOMAIN" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Documentation", exact: true }).getByRole("link", { name: "Configuration reference" }),
  ).toHaveAttribute("aria-current", "page");
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Configuration reference");
  expect(errors).toEqual([]);
});

test("code blocks have a copy button", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(`${docs}/getting-started`);
  await hydrated(page);
  const button = page.getByRole("button", { name: "Copy the code" }).first();
  await button.click();
  await expect(button).toHaveText("Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.length).toBeGreaterThan(0);
});

test("at 375 px the docs menu and the table of contents fold away and open", async ({ page }, info) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${docs}/guides/accounts`);
  await hydrated(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const menu = page.getByText("Documentation menu");
  await menu.click();
  const nav = page.getByRole("navigation", { name: "Documentation (menu)" });
  await expect(nav.getByRole("link", { name: "Edge agents" })).toBeVisible();
  await page.screenshot({ path: info.outputPath("docs-mobile-menu.png"), fullPage: false });
  await nav.getByRole("link", { name: "Edge agents" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Edge agents");
  await page.locator(".toc-mobile summary").click();
  await expect(page.locator(".toc-mobile a").first()).toBeVisible();
});

test("the blog lists posts, tags and feeds, and a post shows its byline", async ({ page }, info) => {
  const errors = watchErrors(page);
  await page.goto(`${docs}/blog`);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("News and engineering notes");
  await expect(page.getByRole("link", { name: "Atom" })).toHaveAttribute("href", "/blog/atom.xml");
  await page.screenshot({ path: info.outputPath("blog-index.png"), fullPage: true });
  const first = page.locator("li.card h2 a").first();
  const title = await first.textContent();
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title!);
  await expect(page.locator(".byline")).toContainText("min read");
  await page.locator(".byline").screenshot({ path: info.outputPath("blog-byline.png") });
  await page.getByRole("list", { name: "Tags" }).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/blog\/tags\//);
  await expect(page.locator("li.card").first()).toBeVisible();
  expect(errors).toEqual([]);
});
