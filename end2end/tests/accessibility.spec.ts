import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { THEMES, chooseTheme, hydrated, origin } from "./support";

// axe-core over every page of every site: WCAG 2.0/2.1 A and AA, and axe's best practices.
// Any violation fails, with the rule, the elements and how to fix them in the report.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

const ADMIN_EMAIL = process.env.LP_E2E_ADMIN_EMAIL;
const ADMIN_PASSWORD = process.env.LP_E2E_ADMIN_PASSWORD;

/** Every path a site's sitemap lists (the landing and docs sites list all their pages). */
async function sitemapPaths(page: Page, host: string): Promise<string[]> {
  // Through the browser: *.localhost resolves by Chromium's host rules, not Node's.
  const response = await page.goto(`${origin(host)}/sitemap.xml`);
  expect(response?.ok()).toBe(true);
  const xml = (await response?.text()) ?? "";
  const paths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => new URL(match[1]).pathname);
  expect(paths.length).toBeGreaterThan(0);
  return paths;
}

/** Loads a page, waits for hydration, and fails on any axe violation. */
async function audit(page: Page, url: string, label: string, status = 200): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), `${label}: ${url}`).toBe(status);
  await hydrated(page);
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const violations = results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => `${node.target.join(" ")}: ${node.failureSummary}`),
  }));
  expect(violations, `${label}: ${url}`).toEqual([]);
}

/** Signs the context in as the suite's administrator on one host (development hosts do not share sessions). */
async function signInAsAdministrator(page: Page, host: string): Promise<void> {
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD) throw new Error("LP_E2E_ADMIN_EMAIL and LP_E2E_ADMIN_PASSWORD name the suite's administrator");
  await page.goto(`${origin(host)}/login`);
  await hydrated(page);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await hydrated(page);
}

for (const theme of THEMES) {
  test.describe(`accessibility, ${theme} theme`, () => {
    test.beforeEach(async ({ context }) => {
      await chooseTheme(context, theme);
    });

    test("every landing page passes axe", async ({ page }) => {
      test.setTimeout(120_000);
      for (const path of await sitemapPaths(page, "localhost")) {
        await audit(page, `${origin("localhost")}${path}`, `landing, ${theme}`);
      }
      await audit(page, `${origin("localhost")}/no/such/page`, `landing 404, ${theme}`, 404);
    });

    test("every docs page, post, tag page and search passes axe", async ({ page }) => {
      test.setTimeout(300_000);
      const paths = await sitemapPaths(page, "docs.localhost");
      // The sitemap holds the pages, the blog with its posts and its tag pages.
      expect(paths.some((path) => /^\/blog\/.+/.test(path) && !path.startsWith("/blog/tags"))).toBe(true);
      expect(paths.some((path) => path.startsWith("/blog/tags/"))).toBe(true);
      for (const path of [...paths, "/search?q=agent"]) {
        await audit(page, `${origin("docs.localhost")}${path}`, `docs, ${theme}`);
      }
      await audit(page, `${origin("docs.localhost")}/no-such-page`, `docs 404, ${theme}`, 404);
    });

    test("the product app's pages pass axe, signed out and signed in", async ({ page }) => {
      test.setTimeout(120_000);
      const beta = origin("beta.localhost");
      for (const path of ["/", "/login", "/register", "/people"]) {
        await audit(page, `${beta}${path}`, `beta signed out, ${theme}`);
      }
      await signInAsAdministrator(page, "beta.localhost");
      for (const path of ["/", "/account", "/fleet", "/fleet/tokens", "/datasets", "/backtests", "/backtests/new", "/notifications", "/profile"]) {
        await audit(page, `${beta}${path}`, `beta signed in, ${theme}`);
      }
    });

    test("the admin pages pass axe, signed out and signed in as an administrator", async ({ page }) => {
      test.setTimeout(120_000);
      const admin = origin("admin.localhost");
      await audit(page, `${admin}/login`, `admin signed out, ${theme}`);
      await signInAsAdministrator(page, "admin.localhost");
      for (const path of ["/", "/users", "/fleet", "/backtests", "/audit"]) {
        await audit(page, `${admin}${path}`, `admin signed in, ${theme}`);
      }
    });
  });
}
