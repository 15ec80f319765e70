import { expect, test, type APIRequestContext } from "@playwright/test";
import { hydrated, origin, screenshots, signUp, watchErrors } from "./support";

// Live updates in the browser: an agent enrolled and heard from while its owner's Fleet
// page is open appears there, online, within seconds and without a reload; when it falls
// silent and goes offline, the notification reaches the header's bell the same way. The routine
// refresh runs every 30 s, so only the event stream can make it in time. It runs on both
// servers of the suite: the development one (SQLite) and the production-style one
// (PostgreSQL and Redis), where the change travels through NOTIFY.


/** The beta host and the server's own address on whichever server this project tests. */
function hosts(project: string): { beta: string; direct: string } {
  if (project === "production hosts") {
    const port = process.env.LP_E2E_PRODUCTION_PORT;
    if (!port) throw new Error("LP_E2E_PRODUCTION_PORT names the production-style server's port");
    return { beta: `http://beta.luckyplans.test:${port}`, direct: `http://127.0.0.1:${port}` };
  }
  return { beta: origin("beta.localhost"), direct: `http://127.0.0.1:${process.env.LP_E2E_PORT}` };
}

/** Enrols an agent with `token` and sends its first heartbeat, as `edge-agent` would. */
async function enrolAndHeartbeat(request: APIRequestContext, direct: string, token: string, name: string): Promise<void> {
  const registered = await request.post(`${direct}/edge/v1/register`, {
    headers: { authorization: `Bearer ${token}` },
    data: { display_name: name, platform: "linux", arch: "x86_64", version: "0.1.0", cpus: 2 },
  });
  expect(registered.status()).toBe(201);
  const { credential } = await registered.json();
  const heartbeat = await request.post(`${direct}/edge/v1/heartbeat`, {
    headers: { authorization: `Bearer ${credential}` },
    data: {
      sent_at: new Date().toISOString(),
      version: "0.1.0",
      platform: "linux",
      arch: "x86_64",
      state: "idle",
      active_task: null,
      uptime_seconds: 1,
      last_error: null,
    },
  });
  expect(heartbeat.status()).toBe(200);
}

test("an agent enrolled while the Fleet page is open appears there, online, without a reload, and its going offline rings the bell", async ({ page, request }, info) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  const { beta, direct } = hosts(info.project.name);
  await signUp(page, beta, "Lena Live", `live-${Date.now()}-${info.workerIndex}@example.org`);

  await page.goto(`${beta}/fleet/tokens`);
  await hydrated(page);
  await page.getByLabel("Agents it may add").fill("1");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = ((await page.getByTestId("token-value").textContent()) ?? "").trim();
  expect(token).toMatch(/^etr_live_/);

  await page.goto(`${beta}/fleet`);
  await hydrated(page);
  await expect(page.getByTestId("fleet-empty")).toBeVisible();
  // Survives only if the page is never reloaded or navigated away from.
  await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

  await enrolAndHeartbeat(request, direct, token, "live-box");
  const row = page.getByTestId("agent-row").filter({ hasText: "live-box" });
  await expect(row.getByTestId("worker-status")).toHaveAttribute("data-status", "online", { timeout: 5_000 });
  expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);

  // The token's only use is spent: the tokens page, opened in the app, says so.
  await page.getByRole("link", { name: "Enrollment tokens" }).click();
  await expect(page.getByTestId("token-row")).toContainText("0 of 1");

  // The agent says nothing more; once the server counts it offline (the suite's servers
  // use windows of seconds), the bell on the open page counts a notification.
  const bell = page.getByTestId("notification-bell");
  await expect(bell).toHaveAttribute("aria-label", "Notifications, none unread");
  await expect(page.getByTestId("notification-count")).toHaveText("1", { timeout: 40_000 });
  await expect(bell).toHaveAttribute("aria-label", "Notifications, 1 unread");
  expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);

  await bell.click();
  await expect(page).toHaveURL(`${beta}/notifications`);
  const item = page.getByTestId("notification");
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute("data-state", "unread");
  await expect(item).toContainText("live-box is offline");
  await screenshots(page, info, "notifications");
  await item.getByRole("link", { name: "live-box is offline" }).click();
  await expect(page).toHaveURL(/\/fleet\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("notification-count")).toHaveCount(0);
  expect(errors).toEqual([]);
});
