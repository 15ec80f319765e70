// Renders the raster images of public/ from their sources with Chromium: the sharing
// image (style/images/og.html → public/og.png) and the app icons (public/favicon.svg →
// public/icon-192.png, icon-512.png, apple-touch-icon.png). Run after changing a source:
//   node scripts/images.mjs
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";

const root = fileURLToPath(new URL("..", import.meta.url));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
const page = await browser.newPage();

await page.setViewportSize({ width: 1200, height: 630 });
await page.setContent(readFileSync(`${root}/style/images/og.html`, "utf8"));
await page.screenshot({ path: `${root}/public/og.png` });

const svg = readFileSync(`${root}/public/favicon.svg`, "utf8");
for (const [name, size, padding] of [
  ["icon-192.png", 192, 0],
  ["icon-512.png", 512, 0],
  ["apple-touch-icon.png", 180, 0],
]) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;padding:${padding}px">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`,
  );
  await page.screenshot({ path: `${root}/public/${name}`, omitBackground: true });
}
await browser.close();
