import { expect, test } from "@playwright/test";
import { hydrated, origin, watchErrors } from "./support";

const PASSWORD = "copper kettle orbits lazily";

test("register, sign out, sign in and see the account page", async ({ page }, info) => {
  const errors = watchErrors(page);
  const email = `ada-${Date.now()}-${info.workerIndex}@example.org`;
  const beta = origin("beta.localhost");

  await page.goto(`${beta}/account`);
  await expect(page).toHaveURL(/\/login\?returnTo=\/account$/);
  await hydrated(page);

  await page.getByRole("link", { name: "Create one" }).click();
  await expect(page).toHaveURL(/\/register\?returnTo=/);
  await hydrated(page);
  await page.getByLabel("Name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("password1234");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-password-error")).toContainText("too easy to guess");
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: info.outputPath("register-errors.png") });

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  // Registering signs nobody in (the answer is the same for a taken email): sign in next.
  await expect(page).toHaveURL(/\/login\?registered=1&returnTo=\/account$/);
  await expect(page.getByTestId("registered")).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-name")).toHaveText("Ada Lovelace");
  await hydrated(page);
  await page.screenshot({ path: info.outputPath("account.png") });

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(`${beta}/`);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.goto(`${beta}/login`);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the right password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("The email or password is not correct.");

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${beta}/`);
  await expect(page.getByTestId("account-link")).toHaveText("Ada Lovelace");
  expect(errors.filter((e) => !e.includes("status of 401") && !e.includes("status of 422"))).toEqual([]);
});

test("the sign-in form works with JavaScript disabled", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const beta = origin("beta.localhost");
  const email = `grace-${Date.now()}@example.org`;

  await page.goto(`${beta}/register`);
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(`${beta}/login?registered=1`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${beta}/`);
  // The header's account corner is rendered before the page is sent, not swapped in later.
  await expect(page.getByTestId("account-link")).toHaveText("Grace Hopper");
  await page.goto(`${beta}/account`);
  await expect(page.getByTestId("account-name")).toHaveText("Grace Hopper");
  await context.close();
});
