// The developers' Mailbox (the browser-test server runs with ENTENTE_DEV_MAILBOX=1, like `cargo xtask run`).
import { expect, test } from "@playwright/test";

test.describe("developers' mailbox", () => {
  test("is linked from the footer and lists the outbox", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("contentinfo").getByRole("link", { name: "Mailbox (dev)" }).click();
    await expect(page).toHaveURL(/\/mailbox$/);
    await expect(page).toHaveTitle("Mailbox · Entente");
    await expect(page.getByRole("heading", { name: "Mailbox (development)" })).toBeVisible();
    await expect(page.locator('[data-test="mailbox"]')).toBeVisible();
  });

  test("answers an unknown email id with a sentence, not an error", async ({ page }) => {
    const response = await page.goto("/mailbox?id=not-an-id");
    expect(response?.status()).toBe(200);
    await expect(page.getByText("There is no email with this id.")).toBeVisible();
  });
});
