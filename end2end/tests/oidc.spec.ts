import { expect, test } from "@playwright/test";
import { hydrated, origin, screenshots } from "./support";

// The suite's server is configured with the test provider (end2end/oidc/provider.mjs),
// whose own pages accept any login name and password.

test("sign in through the identity provider and come back to the page asked for", async ({ page }, info) => {
  const beta = origin("beta.localhost");
  const login = `erin${Date.now()}${info.workerIndex}`;

  await page.goto(`${beta}/account`);
  await expect(page).toHaveURL(/\/login\?returnTo=\/account$/);
  await hydrated(page);
  await page.screenshot({ path: info.outputPath("login-with-provider.png") });
  await page.getByTestId("provider-sign-in").click();

  // The provider's login page, then its consent page.
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("anything");
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click();

  await expect(page).toHaveURL(`${beta}/account`);
  await expect(page.getByTestId("account-name")).toHaveText(login.charAt(0).toUpperCase() + login.slice(1));
  await expect(page.getByText(`${login}@example.test`, { exact: true })).toBeVisible();
});

test("cancelling at the provider lands on the login page with a message", async ({ page }) => {
  const beta = origin("beta.localhost");
  await page.goto(`${beta}/login`);
  await hydrated(page);
  await page.getByTestId("provider-sign-in").click();
  await page.getByRole("link", { name: /Cancel/ }).click();
  await expect(page).toHaveURL(/\/login\?error=provider_denied/);
  await expect(page.getByTestId("provider-error")).toContainText("cancelled at the identity provider");
});

const PASSWORD = "copper kettle orbits lazily";

async function atProvider(page: import("@playwright/test").Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("anything");
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click();
}

test("an email registered with a password is not handed to single sign-on, but its owner can link it", async ({ page }, info) => {
  const beta = origin("beta.localhost");
  const email = `pat${Date.now()}${info.workerIndex}@example.org`;

  // An account registered with a password first (by whoever typed the address).
  await page.goto(`${beta}/register`);
  await hydrated(page);
  await page.getByLabel("Name").fill("Pat Password");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/login\?registered=1/);

  // Single sign-on with the same email is refused, with what to do instead.
  await hydrated(page);
  await page.getByTestId("provider-sign-in").click();
  await atProvider(page, email);
  await expect(page).toHaveURL(/\/login\?error=provider_account_exists/);
  await expect(page.getByTestId("provider-error")).toContainText("link the provider from your account page");
  await screenshots(page, info, "login-provider-account-exists");
  await expect(page.getByTestId("provider-error")).toContainText("link the provider from your account page");

  // The owner signs in with the password and links the provider from the account page.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.origin === beta && !url.pathname.startsWith("/login"));
  await page.goto(`${beta}/account`);
  await hydrated(page);
  await page.getByTestId("link-provider").click();
  // The provider remembers the earlier sign-in; it may still ask to consent again.
  await page.waitForURL((url) => url.pathname.startsWith("/interaction") || url.searchParams.has("linked"));
  if (!page.url().startsWith(beta)) await page.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(`${beta}/account?linked=1`);
  await expect(page.getByTestId("link-status")).toBeVisible();
  await expect(page.getByTestId("linked-identities")).toContainText(email);
  await screenshots(page, info, "account-provider-linked");
  await expect(page.getByTestId("linked-identities")).toContainText(email);
});
