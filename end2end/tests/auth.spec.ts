// Sign-up, sign-in and sign-out in a real browser, with JavaScript off and on.
import { expect, test, type Page } from "@playwright/test";

/** A fresh address per test, so runs and projects never share an account or a throttle. */
function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@e2e.example`;
}

const PASSWORD = "correct horse battery";

async function signUp(page: Page, email: string) {
  await page.goto("/sign-up");
  await page.getByLabel("Organization name").fill("Northwind Studio");
  await page.getByLabel("Your name").fill("Nora Lindqvist");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
}

test.describe("accounts", () => {
  test("sign up, sign out, sign in again", async ({ page }) => {
    const email = uniqueEmail("nora");
    await signUp(page, email);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.locator('[data-test="greeting"]')).toHaveText("Signed in as Nora Lindqvist, Northwind Studio");
    await expect(page.locator('[data-test="signed-in-as"]')).toContainText("Nora Lindqvist");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
    await expect(page.locator('[data-test="greeting"]')).toHaveCount(0);

    await page.getByRole("link", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator('[data-test="greeting"]')).toHaveText("Signed in as Nora Lindqvist, Northwind Studio");
  });

  test("a wrong password is refused with one sentence beside the field", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email", { exact: true }).fill(uniqueEmail("nobody"));
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator('[data-test="password-error"]')).toHaveText("The email or password is not correct.");
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  });

  test("a taken email is refused beside the Email field", async ({ page, browser }) => {
    const email = uniqueEmail("taken");
    const other = await browser.newPage();
    await signUp(other, email);
    await expect(other.locator('[data-test="greeting"]')).toBeVisible();
    await other.close();

    await signUp(page, email);
    await expect(page.locator('[data-test="email-error"]')).toHaveText(
      "This email address is already used. Sign in instead, or use another address.",
    );
  });

  test("the browser explains a malformed email as soon as the field is left", async ({ page }, testInfo) => {
    test.skip(testInfo.project.name === "no-js", "instant feedback needs JavaScript");
    await page.goto("/sign-up");
    // Retried until the page has hydrated: a blur before that has no listener yet.
    await expect(async () => {
      await page.getByLabel("Email", { exact: true }).fill("nora.example.com");
      await page.getByLabel("Your name").focus();
      await expect(page.locator('[data-test="email-error"]')).toHaveText(
        "An email address needs an @, as in name@example.com.",
        { timeout: 1_000 },
      );
    }).toPass();
  });
});
