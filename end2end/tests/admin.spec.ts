import { expect, test } from "@playwright/test";
import { hydrated, origin, screenshots, signUp, watchErrors } from "./support";

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

test("an administrator finds another user's agent in the fleet section and disables it; the owner sees it live", async ({ browser, page, request }, info) => {
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD) throw new Error("LP_E2E_ADMIN_EMAIL and LP_E2E_ADMIN_PASSWORD name the suite's administrator");
  test.setTimeout(180_000);
  const beta = origin("beta.localhost");
  const admin = origin("admin.localhost");
  const email = `owner-${Date.now()}-${info.workerIndex}@example.org`;
  const agentName = `admin-seen-${info.workerIndex}`;

  // An owner with one agent, enrolled with a token from their tokens page and heard from.
  const theirs = await browser.newContext();
  const owner = await theirs.newPage();
  await signUp(owner, beta, "Otto Owner", email);
  await owner.goto(`${beta}/fleet/tokens`);
  await hydrated(owner);
  await owner.getByRole("button", { name: "Create token" }).click();
  const token = ((await owner.getByTestId("token-value").textContent()) ?? "").trim();
  const registered = await request.post(`${origin("localhost")}/edge/v1/register`, {
    headers: { authorization: `Bearer ${token}` },
    data: { display_name: agentName, platform: "linux", arch: "x86_64", version: "0.1.0", cpus: 2 },
  });
  expect(registered.status()).toBe(201);
  const { worker_id: workerId, credential } = await registered.json();
  const heartbeat = await request.post(`${origin("localhost")}/edge/v1/heartbeat`, {
    headers: { authorization: `Bearer ${credential}` },
    data: { sent_at: new Date().toISOString(), version: "0.1.0", platform: "linux", arch: "x86_64", state: "idle", active_task: null, uptime_seconds: 1, last_error: null },
  });
  expect(heartbeat.status()).toBe(200);
  await owner.goto(`${beta}/fleet/${workerId}`);
  await hydrated(owner);
  await expect(owner.getByTestId("worker-status").first()).not.toHaveAttribute("data-status", "disabled");

  // The administrator finds it by its owner's email.
  const errors = watchErrors(page);
  await page.goto(`${admin}/login?returnTo=/fleet`);
  await hydrated(page);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${admin}/fleet`);
  await hydrated(page);
  await page.getByLabel("Search by agent name, id, version or owner email").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/fleet\?q=/);
  const row = page.getByTestId("admin-agent-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(agentName);
  await expect(row).toContainText(email);
  await screenshots(page, info, "admin-fleet");

  // Its page is the owner's, with the owner's actions; disabling is confirmed first.
  await row.getByRole("link", { name: agentName }).click();
  await expect(page).toHaveURL(`${admin}/fleet/${workerId}`);
  await hydrated(page);
  await page.getByTestId("action-disable").locator("summary").click();
  await page.getByRole("button", { name: "Confirm: disable" }).click();
  await expect(page.getByTestId("worker-status").first()).toHaveAttribute("data-status", "disabled");
  await expect(page.getByTestId("why-offline")).toContainText("Why is it disabled?");
  await screenshots(page, info, "admin-agent");

  // The owner's open page follows, without a reload.
  await expect(owner.getByTestId("worker-status").first()).toHaveAttribute("data-status", "disabled", { timeout: 10_000 });

  // The backtests list answers too, empty for this owner.
  await page.goto(`${admin}/backtests?q=${encodeURIComponent(email)}`);
  await hydrated(page);
  await expect(page.getByTestId("admin-backtests-empty")).toContainText("No backtests match");
  await screenshots(page, info, "admin-backtests");
  expect(errors).toEqual([]);
  await theirs.close();
});
