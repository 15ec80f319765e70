import { expect, test } from "@playwright/test";
import { hydrated, origin } from "./support";

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
  await expect(page.getByText(`${login}@example.test`)).toBeVisible();
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
