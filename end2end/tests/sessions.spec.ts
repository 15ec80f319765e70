import { expect, test } from "@playwright/test";
import { hydrated, origin, watchErrors } from "./support";

const PASSWORD = "copper kettle orbits lazily";

test("the account page lists sessions and signs the other ones out", async ({ browser }, info) => {
  const beta = origin("beta.localhost");
  const email = `lin-${Date.now()}-${info.workerIndex}@example.org`;

  const laptop = await browser.newContext();
  const page = await laptop.newPage();
  const errors = watchErrors(page);
  await page.goto(`${beta}/register`);
  await hydrated(page);
  await page.getByLabel("Name").fill("Lin Laptop");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  // Registering signs nobody in: sign in with the password just chosen.
  await expect(page).toHaveURL(`${beta}/login?registered=1`);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${beta}/`);

  const phone = await browser.newContext({ userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1" });
  const other = await phone.newPage();
  await other.goto(`${beta}/login`);
  await hydrated(other);
  await other.getByLabel("Email").fill(email);
  await other.getByLabel("Password").fill(PASSWORD);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(`${beta}/`);

  await page.goto(`${beta}/account`);
  await hydrated(page);
  const sessions = page.getByTestId("session");
  await expect(sessions).toHaveCount(2);
  await expect(page.getByTestId("current-session")).toHaveCount(1);
  await expect(page.getByTestId("session-list")).toContainText("Safari on iOS");
  await page.screenshot({ path: info.outputPath("sessions.png"), fullPage: true });

  await page.getByTestId("end-other-sessions").click();
  await expect(page.getByTestId("sessions-status")).toHaveText("Signed out 1 other session.");
  await expect(sessions).toHaveCount(1);

  await other.goto(`${beta}/account`);
  await expect(other).toHaveURL(/\/login\?returnTo=\/account$/);
  expect(errors).toEqual([]);
  await laptop.close();
  await phone.close();
});
