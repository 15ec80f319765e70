import { expect, type BrowserContext, type Page, type TestInfo } from "@playwright/test";

const port = process.env.LP_E2E_PORT;
if (!port) throw new Error("LP_E2E_PORT names the port of the running server");

export const SITES = [
  { key: "landing", host: "localhost", heading: /Test trading strategies/ },
  { key: "docs", host: "docs.localhost", heading: /Introduction/ },
  { key: "beta", host: "beta.localhost", heading: /Your strategies, tested/ },
  // The admin section needs an administrator: strangers land on its sign-in page.
  { key: "admin", host: "admin.localhost", heading: /Sign in/ },
] as const;

export function origin(host: string): string {
  return `http://${host}:${port}`;
}

/**
 * Collects console errors and uncaught exceptions for the page's lifetime. A 404 page's
 * own status is reported by Chromium as a failed load of the document: that one is the
 * point of the page, not an error in it.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const documentItself = message.location().url === page.url() && message.text().includes("status of 404");
    if (!documentItself) errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Waits until the WebAssembly bundle has hydrated the page. */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
}

export const THEMES = ["light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

/** The theme choice the server renders (no flash), for every host of the suite. */
export async function chooseTheme(context: BrowserContext, theme: Theme): Promise<void> {
  const hosts = ["localhost", "docs.localhost", "beta.localhost", "admin.localhost"];
  await context.addCookies(hosts.map((host) => ({ name: "lp_theme", value: theme, url: origin(host) })));
}

const VIEWPORTS = [
  { label: "phone", size: { width: 390, height: 844 } },
  { label: "desktop", size: { width: 1280, height: 900 } },
] as const;

/**
 * Full-page screenshots of the current page on a phone and a desktop, in light and dark,
 * saved as `<name>-<viewport>-<theme>.png` beside the test's other output. Each theme is
 * chosen by its cookie and a reload, as a visitor's choice would be.
 */
export async function screenshots(page: Page, info: TestInfo, name: string): Promise<void> {
  const viewport = page.viewportSize();
  for (const theme of THEMES) {
    await chooseTheme(page.context(), theme);
    await page.reload();
    await hydrated(page);
    for (const { label, size } of VIEWPORTS) {
      await page.setViewportSize(size);
      await page.screenshot({ path: info.outputPath(`${name}-${label}-${theme}.png`), fullPage: true });
    }
  }
  if (viewport) await page.setViewportSize(viewport);
}

/** The password every account the suite registers uses. */
export const PASSWORD = "copper kettle orbits lazily";

/** Registers an account on the product app at `beta` and signs in with it; ends on the dashboard. */
export async function signUp(page: Page, beta: string, name: string, email: string): Promise<void> {
  await page.goto(`${beta}/register`);
  await hydrated(page);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/login\?registered=1/);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${beta}/`);
  await hydrated(page);
}
