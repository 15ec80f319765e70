// The browser half of bench/watch-reload: keeps the beta home open, saves each change,
// and times the page's own reload.
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

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const page = await browser.newPage();
await page.goto(url, { waitUntil: "load" });
// Let the live-reload socket connect before the first change.
await page.waitForTimeout(2000);

const results = [];
for (const change of changes) {
  const path = join(checkout, change.file);
  const original = readFileSync(path, "utf8");
  if (!original.includes(change.from)) throw new Error(`${change.file} lacks ${change.from}`);
  const times = [];
  let wasmRebuilds = 0;
  for (let round = 1; round <= rounds; round++) {
    const before = wasmStamp();
    const reloaded = page.waitForEvent("load", { timeout: 600_000 });
    const saved = performance.now();
    writeFileSync(path, original.replace(change.from, change.to(round)));
    await reloaded;
    if (change.shows) {
      await page.getByText(change.shows(round)).waitFor({ timeout: 600_000 });
    }
    const seconds = (performance.now() - saved) / 1000;
    times.push(seconds);
    if (wasmStamp() !== before) wasmRebuilds++;
    console.log(`${change.name}, round ${round}: ${seconds.toFixed(1)} s`);
    writeFileSync(path, original);
    // Let the revert's own rebuild and reload finish before the next round.
    await page.waitForEvent("load", { timeout: 600_000 });
    await page.waitForTimeout(2000);
  }
  results.push({ change: change.name, median: median(times), wasmRebuilds });
}
await browser.close();

console.log("\nsave → browser reloaded (median of %d)", rounds);
for (const { change, median: m, wasmRebuilds } of results) {
  console.log(`  ${change}: ${m.toFixed(1)} s; wasm rebuilt ${wasmRebuilds}/${rounds}`);
}
