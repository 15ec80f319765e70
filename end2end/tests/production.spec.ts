import { expect, test } from "@playwright/test";
import { hydrated } from "./support";

// Runs against the production-style server: one session cookie for every site, scoped to
// the base domain, so signing in on the product app changes the landing and docs headers.

const port = process.env.LP_E2E_PRODUCTION_PORT;
const PASSWORD = "copper kettle orbits lazily";

function url(host: string, path = "/"): string {
  if (!port) throw new Error("LP_E2E_PRODUCTION_PORT names the production-style server's port");
  return `http://${host}:${port}${path}`;
}

test("signing in on the app changes the landing and docs headers", async ({ page, context }, info) => {
  const email = `june-${Date.now()}-${info.workerIndex}@example.org`;

  await page.goto(url("luckyplans.test"));
  await hydrated(page);
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toHaveAttribute(
    "href",
    url("beta.luckyplans.test", "/login"),
  );
  await expect(page.getByRole("main").getByRole("link", { name: "Create an account" }).first()).toBeVisible();

  await page.goto(url("beta.luckyplans.test", "/register"));
  await hydrated(page);
  await page.getByLabel("Name").fill("June Example");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  // Registering signs nobody in: sign in with the password just chosen.
  await expect(page).toHaveURL(url("beta.luckyplans.test", "/login?registered=1"));
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(url("beta.luckyplans.test"));

  const cookies = await context.cookies();
  const session = cookies.find((cookie) => cookie.name === "lp_session");
  expect(session?.domain).toMatch(/^\.?luckyplans\.test$/);
  expect(session?.secure).toBe(true);
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");

  for (const host of ["luckyplans.test", "docs.luckyplans.test"]) {
    await page.goto(url(host));
    await hydrated(page);
    await expect(page.getByTestId("signed-in-as")).toHaveText("June Example");
    await expect(page.getByRole("banner").getByRole("link", { name: "Open the app" })).toHaveAttribute("href", url("beta.luckyplans.test"));
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeHidden();
  }
  // The landing page's own call to action follows too.
  await page.goto(url("luckyplans.test"));
  await hydrated(page);
  await expect(page.getByRole("main").getByRole("link", { name: "Open the app" }).first()).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "Create an account" }).first()).toBeHidden();
  await page.screenshot({ path: info.outputPath("docs-signed-in.png") });

  await page.goto(url("beta.luckyplans.test", "/account"));
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(url("beta.luckyplans.test"));
  await page.goto(url("luckyplans.test"));
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
});
