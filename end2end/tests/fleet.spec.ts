import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { hydrated, origin, screenshots, signUp, watchErrors } from "./support";

// From "I have a machine" to ranked results in the app, with the real `edge-agent`:
// token → onboard → the agent shows up online → a pandas CSV is uploaded and its mapping
// checked → a backtest from the form → progress → results, charts, heatmap, export →
// the agent stops and its badge turns stale, then offline, with the reason shown.
// The server runs with short liveness windows (scripts/test) so this takes seconds.

const AGENT = process.env.LP_E2E_AGENT;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

async function axe(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const violations = results.violations.map((violation) => ({
    rule: violation.id,
    nodes: violation.nodes.map((node) => `${node.target.join(" ")}: ${node.failureSummary}`),
  }));
  expect(violations, label).toEqual([]);
}

/** A year of daily candles as pandas writes them: `,Open,High,Low,Close,Volume`, dates first. */
function pandasCsv(): string {
  const lines = [",Open,High,Low,Close,Volume"];
  const start = Date.UTC(2023, 0, 2);
  let close = 100;
  for (let day = 0; day < 365; day++) {
    const open = close;
    close = 100 + 20 * Math.sin(day / 15) + 5 * Math.sin(day / 3.7);
    const high = Math.max(open, close) + 1;
    const low = Math.min(open, close) - 1;
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${date},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${1000 + day}`);
  }
  return `${lines.join("\n")}\n`;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args[0]} exited ${code}: ${output}`))));
  });
}

async function otherUser(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, origin("beta.localhost"), "Olivia Other", email);
  return page;
}

test("a new user adds an agent, uploads a pandas CSV, runs a backtest and reads its results", async ({ browser, page }, info) => {
  if (!AGENT) throw new Error("LP_E2E_AGENT names the edge-agent binary");
  test.setTimeout(480_000);
  const errors = watchErrors(page);
  const beta = origin("beta.localhost");
  const email = `fleet-${Date.now()}-${info.workerIndex}@example.org`;
  await signUp(page, origin("beta.localhost"), "Fiona Fleet", email);

  // The dashboard walks a new user through the three steps.
  await expect(page.getByTestId("getting-started")).toBeVisible();
  await page.getByRole("link", { name: "Fleet", exact: true }).first().click();
  await expect(page).toHaveURL(`${beta}/fleet`);
  await expect(page.getByTestId("fleet-empty")).toBeVisible();

  // A token, shown once, with the command that uses it.
  await page.getByRole("link", { name: "Create an enrollment token" }).click();
  await expect(page).toHaveURL(`${beta}/fleet/tokens#new-token`);
  await hydrated(page);
  await page.getByLabel("Label (optional)").fill("lab machine");
  await page.getByLabel("Agents it may add").fill("2");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("token-secret")).toBeVisible();
  const token = ((await page.getByTestId("token-value").textContent()) ?? "").trim();
  expect(token).toMatch(/^etr_live_[0-9a-f]+_[0-9a-f]+$/);
  const onboard = (await page.getByTestId("onboard-command").textContent()) ?? "";
  expect(onboard).toContain(`edge-agent onboard --server ${origin("localhost")} --token ${token}`);
  await expect(page.getByTestId("token-row")).toHaveCount(1);
  await expect(page.getByTestId("token-row")).toContainText("2 of 2");
  await axe(page, "tokens page with a new secret");

  // The agent, onboarded with exactly that command, appears on the open Fleet page.
  await page.goto(`${beta}/fleet`);
  await hydrated(page);
  const home = mkdtempSync(path.join(tmpdir(), "lp-e2e-agent-"));
  const config = path.join(home, "edge-agent.toml");
  const env = { PATH: process.env.PATH ?? "", HOME: home, EDGE_AGENT_LOG: "info" };
  await run(AGENT, ["onboard", "--server", origin("localhost"), "--token", token, "--name", "e2e-box", "--config", config], env);
  let agent: ChildProcess | undefined = spawn(AGENT, ["run", "--config", config], { env, stdio: "ignore" });
  try {
    const row = page.getByTestId("agent-row").filter({ hasText: "e2e-box" });
    await expect(row.getByTestId("worker-status")).toHaveAttribute("data-status", "online", { timeout: 5_000 });
    await expect(row.getByTestId("last-contact")).toContainText(/ago|just now/);
    await screenshots(page, info, "fleet");
    await axe(page, "fleet page with an agent");

    // A pandas export, read as such in the preview, then stored.
    await page.getByRole("link", { name: "Datasets", exact: true }).first().click();
    await expect(page).toHaveURL(`${beta}/datasets`);
    await hydrated(page);
    const csv = path.join(home, "pandas-daily.csv");
    writeFileSync(csv, pandasCsv());
    await page.getByTestId("dataset-file").setInputFiles(csv);
    await expect(page.getByTestId("detected-columns")).toHaveText("time=1,open=2,high=3,low=4,close=5,volume=6");
    await expect(page.getByTestId("preview-table").locator("tbody tr")).toHaveCount(20);
    await expect(page.getByLabel("Name")).toHaveValue("pandas-daily");
    await axe(page, "datasets page with a preview");
    await page.getByTestId("upload-dataset").click();
    await expect(page.getByTestId("upload-stored")).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId("dataset-row")).toHaveCount(1);
    await expect(page.getByTestId("dataset-row")).toContainText("365");
    // Its price, charted from the outline kept at import, with the span in words.
    await expect(page.getByTestId("price-span")).toContainText("365 candles");
    await expect(page.getByTestId("price-chart").locator("svg[role=img] path.chart-line")).toHaveCount(1);

    // A backtest from the form; the number of configs is counted as the ranges are typed.
    await page.goto(`${beta}/backtests/new`);
    await hydrated(page);
    await page.locator("#param-sma_crossover-fast-from").fill("5");
    await page.locator("#param-sma_crossover-fast-to").fill("15");
    await page.locator("#param-sma_crossover-fast-step").fill("5");
    await page.locator("#param-sma_crossover-slow-from").fill("20");
    await page.locator("#param-sma_crossover-slow-to").fill("40");
    await page.locator("#param-sma_crossover-slow-step").fill("10");
    await expect(page.getByTestId("config-count")).toHaveText("9 configs");
    await expect(page.getByLabel("Grid")).toHaveValue("fast=5..15:5,slow=20..40:10");
    await axe(page, "new backtest form");
    await page.getByTestId("create-backtest").click();
    await expect(page).toHaveURL(/\/backtests\/[0-9a-f-]{36}$/);
    const taskId = page.url().split("/").pop() ?? "";

    // Progress and results arrive without a reload.
    await expect(page.getByTestId("task-state")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
    await expect(page.getByTestId("result-row")).toHaveCount(9, { timeout: 10_000 });
    await expect(page.getByTestId("results-count")).toContainText("9 of 9 configs reported");
    await expect(page.getByTestId("compare").locator("svg[role=img]")).toHaveCount(2);
    await expect(page.getByTestId("heatmap").locator("td.heat-cell")).toHaveCount(9);
    await expect(page.getByTestId("metrics-table")).toBeVisible();

    // Ranked by Sharpe: the table says so and its values fall.
    await page.getByRole("link", { name: "Sharpe" }).click();
    await expect(page).toHaveURL(/sort=sharpe&order=desc/);
    await expect(page.locator("th[aria-sort=descending]")).toContainText("Sharpe");
    const sharpes = (await page.getByTestId("result-row").locator("td:nth-child(5)").allTextContents()).map(Number);
    expect(sharpes).toEqual([...sharpes].sort((a, b) => b - a));

    // Two configs compared: two lines on each chart.
    const rows = page.getByTestId("result-row");
    await rows.nth(0).getByRole("link", { name: /^Compare/ }).click();
    await expect(page).toHaveURL(/compare=\d+/);
    await page.getByTestId("result-row").nth(1).getByRole("link", { name: /^Compare/ }).click();
    await expect(page).toHaveURL(/compare=\d+%2C\d+|compare=\d+,\d+/);
    await expect(page.getByTestId("compare").locator("path.chart-line")).toHaveCount(4);
    // Buy and hold, dashed, on the equity chart only.
    await expect(page.getByTestId("compare").locator("path.chart-line-reference")).toHaveCount(1);
    await expect(page.getByTestId("compare")).toContainText("Buy and hold");
    await screenshots(page, info, "backtest-results");
    await axe(page, "results page");

    // The CSV download lists every config with its parameters and metrics.
    const downloading = page.waitForEvent("download");
    await page.getByTestId("export-csv").click();
    const download = await downloading;
    const saved = path.join(home, "results.csv");
    await download.saveAs(saved);
    const lines = readFileSync(saved, "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^rank,config_id,fast,slow,total_return,/);
    expect(lines).toHaveLength(10);

    // Someone else reaches none of it.
    const other = await otherUser(browser, `other-${Date.now()}-${info.workerIndex}@example.org`);
    const workerHref = await page.goto(`${beta}/fleet`).then(() => page.getByTestId("agent-row").getByRole("link").first().getAttribute("href"));
    await other.goto(`${beta}${workerHref}`);
    await expect(other.getByTestId("agent-missing")).toBeVisible();
    await other.goto(`${beta}/backtests/${taskId}`);
    await expect(other.getByTestId("backtest-missing")).toBeVisible();
    // Fetched from the browser, which resolves the development hosts.
    const refused = await other.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, body: await response.json() };
    }, `${beta}/api/fleet/tasks/${taskId}/results.csv`);
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ code: "not_found" });
    await other.context().close();

    // The agent stops: on its open page the badge turns stale, then offline, with the reason.
    await page.goto(`${beta}${workerHref}`);
    await hydrated(page);
    await expect(page.getByTestId("worker-status").first()).toHaveAttribute("data-status", "online");
    agent.kill("SIGTERM");
    agent = undefined;
    await expect(page.getByTestId("worker-status").first()).toHaveAttribute("data-status", "stale", { timeout: 20_000 });
    await expect(page.getByTestId("worker-status").first()).toHaveAttribute("data-status", "offline", { timeout: 30_000 });
    await expect(page.getByTestId("why-offline")).toContainText("Why is it offline?");
    await expect(page.getByTestId("why-last-contact")).toContainText(/ago/);
    await screenshots(page, info, "agent-offline");
    await axe(page, "agent page, offline");
  } finally {
    agent?.kill("SIGKILL");
  }
  expect(errors).toEqual([]);
});
