import { expect, test } from "@playwright/test";
import { hydrated, origin, watchErrors } from "./support";

const PASSWORD = "copper kettle orbits lazily";
const ADMIN_EMAIL = process.env.LP_E2E_ADMIN_EMAIL;
const ADMIN_PASSWORD = process.env.LP_E2E_ADMIN_PASSWORD;

test("an administrator finds a user, disables them and reads it in the audit log", async ({ browser, page }, info) => {
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD) throw new Error("LP_E2E_ADMIN_EMAIL and LP_E2E_ADMIN_PASSWORD name the suite's administrator");
  const beta = origin("beta.localhost");
  const admin = origin("admin.localhost");
  const email = `mallory-${Date.now()}-${info.workerIndex}@example.org`;

  // Someone to administer, signed in elsewhere.
  const theirs = await browser.newContext();
  const them = await theirs.newPage();
  await them.goto(`${beta}/register`);
  await hydrated(them);
  await them.getByLabel("Name").fill("Mallory Example");
  await them.getByLabel("Email").fill(email);
  await them.getByLabel("Password").fill(PASSWORD);
  await them.getByRole("button", { name: "Create account" }).click();
  // Registering signs nobody in: sign in with the password just chosen.
  await expect(them).toHaveURL(`${beta}/login?registered=1`);
  await hydrated(them);
  await them.getByLabel("Email").fill(email);
  await them.getByLabel("Password").fill(PASSWORD);
  await them.getByRole("button", { name: "Sign in" }).click();
  await expect(them).toHaveURL(`${beta}/`);

  // A plain user sees the 403 page. (Development hosts do not share sessions, so they
  // sign in on the admin host too.)
  await them.goto(`${admin}/users`);
  await expect(them).toHaveURL(/\/login\?returnTo=\/users$/);
  await hydrated(them);
  await them.getByLabel("Email").fill(email);
  await them.getByLabel("Password").fill(PASSWORD);
  await them.getByRole("button", { name: "Sign in" }).click();
  await expect(them).toHaveURL(`${admin}/users`);
  await expect(them.getByRole("heading", { name: "Administrators only" })).toBeVisible();

  const errors = watchErrors(page);
  await page.goto(`${admin}/users`);
  await expect(page).toHaveURL(/\/login\?returnTo=\/users$/);
  await hydrated(page);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${admin}/users`);
  await hydrated(page);

  await page.getByLabel("Search by email or name").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/users\?q=/);
  const row = page.getByTestId("user-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Mallory Example");
  await page.screenshot({ path: info.outputPath("admin-users.png"), fullPage: true });

  await page.getByRole("button", { name: "Disable: Mallory Example" }).click();
  await expect(row.getByTestId("user-status")).toHaveText("Disabled");

  // Signed out everywhere at once.
  await them.goto(`${beta}/account`);
  await expect(them).toHaveURL(/\/login\?returnTo=\/account$/);

  await page.getByRole("link", { name: "Audit log" }).first().click();
  await expect(page).toHaveURL(`${admin}/audit`);
  await hydrated(page);
  await page.getByLabel("User email").fill(email);
  await page.getByLabel("Action").selectOption("user_disabled");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  await expect(page.getByTestId("audit-row")).toContainText("Account disabled");
  await page.screenshot({ path: info.outputPath("admin-audit.png"), fullPage: true });

  await page.goto(`${admin}/`);
  await expect(page.getByTestId("admin-figures")).toContainText("Disabled accounts");
  await page.screenshot({ path: info.outputPath("admin-overview.png"), fullPage: true });
  expect(errors).toEqual([]);
  await theirs.close();
});
