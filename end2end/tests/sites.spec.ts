import { expect, test } from "@playwright/test";
import { SITES, hydrated, origin, watchErrors } from "./support";

for (const site of SITES) {
  test.describe(`${site.key} site`, () => {
    test("loads on its own host, hydrates without errors, and its theme switch survives a reload", async ({ page }, info) => {
      const errors = watchErrors(page);
      const response = await page.goto(`${origin(site.host)}/`);
      expect(response?.status()).toBe(200);
      await expect(page.locator("html")).toHaveAttribute("data-site", site.key);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(site.heading);
      await hydrated(page);
      await page.screenshot({ path: info.outputPath(`${site.key}-light.png`), fullPage: true });

      const html = page.locator("html");
      const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await expect(html).not.toHaveClass(/dark/);
      await page.getByTestId("theme-toggle").click();
      await expect(html).toHaveClass(/dark/);
      const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(darkBackground).not.toBe(lightBackground);

      await page.reload();
      await expect(html).toHaveClass(/dark/);
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(darkBackground);
      await hydrated(page);
      await page.screenshot({ path: info.outputPath(`${site.key}-dark.png`), fullPage: true });

      await page.getByTestId("theme-toggle").click();
      await expect(html).toHaveClass(/light/);
      expect(errors).toEqual([]);
    });

    test("answers unknown paths with its 404 page", async ({ page }) => {
      const errors = watchErrors(page);
      const response = await page.goto(`${origin(site.host)}/this/does/not/exist`);
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("This page does not exist");
      await expect(page.locator("html")).toHaveAttribute("data-site", site.key);
      await hydrated(page);
      expect(errors).toEqual([]);
    });
  });
}

test("the mobile menu opens at 375 px and keyboard focus is visible", async ({ page }, info) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${origin("localhost")}/`);
  await hydrated(page);
  const menu = page.getByLabel("Open menu");
  await expect(menu).toBeVisible();
  await menu.click();
  const mobileNav = page.getByRole("navigation", { name: "Main (mobile)" });
  await expect(mobileNav.getByRole("link", { name: "Docs" })).toBeVisible();
  await page.screenshot({ path: info.outputPath("landing-mobile-menu.png") });

  await page.keyboard.press("Escape");
  await page.goto(`${origin("localhost")}/`);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
});
