import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium; Playwright's own browser download cannot work offline.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // *.localhost is loopback in Chromium already; say it explicitly all the same.
  "--host-resolver-rules=MAP localhost 127.0.0.1, MAP *.localhost 127.0.0.1",
];

// A second server runs as in production (base domain luckyplans.test, cookies `Secure` and
// shared across the sites); Chromium resolves those hosts to it and treats them as secure
// origins, as it would over HTTPS.
const productionPort = process.env.LP_E2E_PRODUCTION_PORT;
const productionHosts = ["luckyplans.test", "docs.luckyplans.test", "beta.luckyplans.test", "admin.luckyplans.test"];
const productionArgs = [
  ...chromiumArgs.filter((arg) => !arg.startsWith("--host-resolver-rules")),
  "--host-resolver-rules=MAP luckyplans.test 127.0.0.1, MAP *.luckyplans.test 127.0.0.1, MAP localhost 127.0.0.1, MAP *.localhost 127.0.0.1",
  `--unsafely-treat-insecure-origin-as-secure=${productionHosts.map((host) => `http://${host}:${productionPort}`).join(",")}`,
];

export default defineConfig({
  testDir: "./tests",
  // Screenshots and traces land under target/, which CI keeps as artifacts.
  outputDir: "../target/playwright",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  timeout: 30_000,
  projects: [
    {
      name: "development hosts",
      testIgnore: /production\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: chromiumArgs,
        },
      },
    },
    {
      name: "production hosts",
      // The live updates run here too: this server is on PostgreSQL and Redis.
      testMatch: /(production|live)\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: productionArgs,
        },
      },
    },
  ],
});
