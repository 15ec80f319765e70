// The browser half of bench/watch-reload: keeps the beta home open, saves each change,
// and times how long until the open page shows it.
import { readFileSync, writeFileSync, statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const checkout = process.env.CHECKOUT;
const rounds = Number(process.env.ROUNDS ?? 3);
const url = "http://beta.localhost:3000/";
const wasmDir = join(checkout, "target/site/beta/pkg");

const changes = [
  {
    name: "a view in app/ (the beta home's heading)",
    file: "app/src/beta/home.rs",
    from: '"Your strategies, tested on your machines"',
    to: (n) => `"Your strategies, tested on your machines ${n}"`,
    shows: (n) => `tested on your machines ${n}`,
  },
  {
    name: "a SQL query in the domain (the enrollment-token lookup)",
    file: process.env.SQL_FILE,
    from: "FROM enrollment_tokens WHERE id = $1",
    to: (n) => `FROM enrollment_tokens WHERE id = $1 AND ${n} = ${n}`,
    shows: null,
  },
];

function wasmStamp() {
  return readdirSync(wasmDir)
    .filter((name) => name.endsWith(".wasm"))
    .map((name) => statSync(join(wasmDir, name)).mtimeMs)
    .join(",");
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// How many times the watched server has started: each restart logs one "listening" line.
const watchLog = process.env.WATCH_LOG;
const starts = () => (readFileSync(watchLog, "utf8").match(/\blistening\b/g) ?? []).length;

async function until(check, what) {
  const deadline = performance.now() + 600_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// cargo-leptos sends its reload message once the site port answers or after 10 s, which
// ever comes first; a server that takes longer to come back is reloaded onto a closed port
// and the page is left with no socket. So the bench does what that message would: once the
// restarted server is up, it reloads the page, and again until the change shows.
async function reloadUntilShown(shows) {
  for (;;) {
    try {
      await page.reload({ waitUntil: "load", timeout: 30_000 });
      if (!shows || (await page.getByText(shows).count()) > 0) return;
    } catch {
      // The server is between restarts: try again.
    }
    await sleep(100);
  }
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const page = await browser.newPage();
await page.goto(url, { waitUntil: "load" });

const results = [];
for (const change of changes) {
  const path = join(checkout, change.file);
  const original = readFileSync(path, "utf8");
  if (!original.includes(change.from)) throw new Error(`${change.file} lacks ${change.from}`);
  const times = [];
  let wasmRebuilds = 0;
  for (let round = 1; round <= rounds; round++) {
    const before = wasmStamp();
    const started = starts();
    const saved = performance.now();
    writeFileSync(path, original.replace(change.from, change.to(round)));
    await until(() => starts() > started, "the server to restart");
    await reloadUntilShown(change.shows ? change.shows(round) : null);
    const seconds = (performance.now() - saved) / 1000;
    times.push(seconds);
    if (wasmStamp() !== before) wasmRebuilds++;
    console.log(`${change.name}, round ${round}: ${seconds.toFixed(1)} s`);
    // Revert, and let that rebuild and restart finish before the next round.
    const reverted = starts();
    writeFileSync(path, original);
    await until(() => starts() > reverted, "the server to restart after the revert");
    await reloadUntilShown(null);
  }
  results.push({ change: change.name, median: median(times), wasmRebuilds });
}
await browser.close();

console.log("\nsave → restarted server → page showing the change (median of %d)", rounds);
for (const { change, median: m, wasmRebuilds } of results) {
  console.log(`  ${change}: ${m.toFixed(1)} s; wasm rebuilt ${wasmRebuilds}/${rounds}`);
}
