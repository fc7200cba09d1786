// The Contacts page in a real browser, with JavaScript off and on: find yourself, add, search, remove.
import { expect, test } from "@playwright/test";

import { hasJavaScript, open } from "./support";

const PASSWORD = "correct horse battery";

test.describe("contacts", () => {
  test("a new organization finds itself, then adds, searches and removes a contact", async ({ page }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e9)}-${testInfo.project.name}`;
    const ownEmail = `nora-${stamp}@e2e.example`;
    const contactEmail = `carl-${stamp}@e2e.example`;

    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") consoleErrors.push(message.text());
    });

    await open(page, "/sign-up", javaScript);
    await page.getByLabel("Organization name").fill("Northwind Studio");
    await page.getByLabel("Your name").fill("Nora Lindqvist");
    await page.getByLabel("Email", { exact: true }).fill(ownEmail);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page.locator('[data-test="greeting"]')).toBeVisible();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts" }).click();
    await expect(page).toHaveURL(/\/contacts$/);
    await expect(page.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
    const rows = page.locator('[data-test="contact-row"]');
    const me = rows.filter({ hasText: ownEmail });
    await expect(me.locator('[data-test="contact-kind"]')).toHaveText("User");

    // A marker that survives only if adding and removing update the page in place.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true)).catch(() => {});
    await page.getByLabel("Name", { exact: true }).fill("Carl Hand");
    await page.getByLabel("Email", { exact: true }).fill(contactEmail);
    await page.getByRole("button", { name: "Add contact" }).click();
    const carl = rows.filter({ hasText: contactEmail });
    await expect(carl.locator('[data-test="contact-kind"]')).toHaveText("Contact");
    await expect(carl.locator('[data-test="contact-name"]')).toHaveText("Carl Hand");

    // With JavaScript the list follows the typing; without it the form is submitted.
    await page.getByRole("searchbox", { name: "Search" }).fill(`carl-${stamp}`);
    if (!javaScript) {
      await page.getByRole("button", { name: "Search", exact: true }).click();
    }
    await expect(page).toHaveURL(/[?&]q=carl-/);
    await expect(rows).toHaveCount(1);
    await expect(carl).toBeVisible();

    await carl.getByRole("button", { name: "Remove" }).click();
    await expect(page.locator('[data-test="contacts-empty"]')).toBeVisible();
    await expect(carl).toHaveCount(0);

    if (javaScript) {
      expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
      expect(consoleErrors).toEqual([]);
    }
  });
});
