// Account settings → Users in a real browser, with JavaScript off and on: an administrator adds
// a Standard user, who sets a password from the emailed link, signs in, and cannot open Users;
// an administrator renames, changes the profile of, deactivates and reactivates a user.
import { expect, test, type Page } from "@playwright/test";
import { hasJavaScript, isAppError, open } from "./support";

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "a brand new passphrase";

/** A fresh address per test and project, so runs never share an account. */
function uniqueEmail(prefix: string, project: string): string {
  return `${prefix}-${project}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@e2e.example`;
}

async function signUp(page: Page, email: string, javaScript: boolean) {
  await open(page, "/sign-up", javaScript);
  await page.getByLabel("Organization name").fill("Northwind Studio");
  await page.getByLabel("Your name").fill("Nora Lindqvist");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator('[data-test="signed-in-as"]')).toContainText("Nora Lindqvist");
}

/**
 * Opens the newest email to `to` in the developers' Mailbox and follows its set-password link
 * as the person would: the absolute address built from the server's public URL, clicked.
 * Returns that address.
 */
async function followSetPasswordLink(page: Page, to: string, javaScript: boolean): Promise<string> {
  await open(page, "/mailbox", javaScript);
  const row = page.locator('[data-test="mailbox-row"]', { hasText: to }).first();
  await row.getByRole("link").click();
  const link = page.locator('[data-test="mailbox-text"]').getByRole("link", { name: /\/set-password\?token=/ });
  const href = (await link.getAttribute("href")) ?? "";
  expect(href).toMatch(new RegExp(`^${new URL(page.url()).origin}/set-password\\?token=[0-9a-f]{64}$`));
  await link.click();
  await expect(page).toHaveTitle("Set your password · Entente");
  return href;
}

async function addUser(page: Page, name: string, email: string, profile: string) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Profile", { exact: true }).selectOption(profile);
  await page.getByRole("button", { name: "Add user" }).click();
}

test.describe("account settings: users", () => {
  test("an administrator adds a Standard user, who sets a password and is kept out of Users", async ({ page }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const adminEmail = uniqueEmail("nora", testInfo.project.name);
    const userEmail = uniqueEmail("sam", testInfo.project.name);
    const nav = page.getByRole("navigation", { name: "Main" });
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });

    await signUp(page, adminEmail, javaScript);
    await expect(nav.getByText("Account settings")).toBeVisible();
    await nav.getByRole("link", { name: "Users" }).click();
    await expect(page).toHaveURL(/\/settings\/users$/);
    await expect(page).toHaveTitle("Users · Entente");
    await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
    await expect(page.locator('[data-test="user-row"]')).toHaveCount(1);

    if (javaScript) await expect(page.locator("body[data-hydrated]")).toBeAttached();
    await addUser(page, "Sam Ortiz", userEmail, "standard");
    const row = page.locator(`[data-test="user-row"][data-email="${userEmail}"]`);
    await expect(row).toBeVisible();
    await expect(row.locator('[data-test="user-profile"]')).toHaveText("Standard");
    await expect(row.locator('[data-test="user-status"]')).toHaveText("Active (invited)");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

    const link = await followSetPasswordLink(page, userEmail, javaScript);
    if (javaScript) await expect(page.locator("body[data-hydrated]")).toBeAttached();
    await page.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Confirm password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Set password" }).click();
    await expect(page).toHaveURL(/\/sign-in\?password_set=1$/);
    await expect(page.locator('[data-test="password-set"]')).toHaveText("Your password is set. Sign in with it.");

    await page.getByLabel("Email", { exact: true }).fill(userEmail);
    await page.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator('[data-test="signed-in-as"]')).toContainText("Sam Ortiz");
    await expect(nav.getByRole("link", { name: "Home" })).toBeVisible();
    await expect(nav.getByText("Account settings")).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);

    const refused = await page.goto("/settings/users");
    expect(refused?.status()).toBe(403);
    await expect(page.getByText("Your profile does not allow this action.")).toBeVisible();
    await expect(page.locator('[data-test="user-row"]')).toHaveCount(0);

    // A direct call with his session, as a page script would make it, is refused too.
    const answer = await page.request.post("/api/list_users", {
      form: {},
      headers: { origin: new URL(page.url()).origin },
    });
    expect(answer.status()).toBe(403);
    expect(await answer.json()).toBe("Forbidden");

    // The link worked once: a second use changes nothing and says so.
    await open(page, link, javaScript);
    await page.getByLabel("Password", { exact: true }).fill("yet another password");
    await page.getByLabel("Confirm password").fill("yet another password");
    await page.getByRole("button", { name: "Set password" }).click();
    await expect(page.getByRole("alert")).toContainText("This link to set a password does not work");
    // Hydrating each of these pages (loaded directly or reached by a link) logs nothing wrong.
    // The refusals (the 403 page, the 500 answer of the used token) are by design: the browser
    // notes each failed load, and those are the only errors it may report.
    expect(consoleErrors.filter(isAppError)).toEqual([]);
  });

  test("an administrator renames a user, changes the profile, deactivates and reactivates", async ({ page }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const userEmail = uniqueEmail("mia", testInfo.project.name);
    await signUp(page, uniqueEmail("nora", testInfo.project.name), javaScript);
    await open(page, "/settings/users", javaScript);
    await addUser(page, "Mia Chen", userEmail, "standard");
    const row = page.locator(`[data-test="user-row"][data-email="${userEmail}"]`);
    await expect(row).toBeVisible();
    if (javaScript) await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    await row.getByText("Rename", { exact: true }).click();
    await row.getByLabel("New name for Mia Chen").fill("Mia Chen-Okafor");
    await row.getByRole("button", { name: "Save name" }).click();
    await expect(row.getByRole("cell", { name: "Mia Chen-Okafor", exact: true })).toBeVisible();

    await row.getByLabel("Profile of Mia Chen-Okafor").selectOption("manager");
    await row.getByRole("button", { name: "Change profile" }).click();
    await expect(row.locator('[data-test="user-profile"]')).toHaveText("Manager");

    await row.getByRole("button", { name: "Deactivate" }).click();
    await expect(row.locator('[data-test="user-status"]')).toHaveText("Inactive");
    await row.getByRole("button", { name: "Reactivate" }).click();
    await expect(row.locator('[data-test="user-status"]')).toHaveText("Active (invited)");

    // A blank name is refused with core's sentence, and the name stays: with JavaScript the
    // browser holds the form back with it; without, the server answers with it.
    await row.getByText("Rename", { exact: true }).click();
    const field = row.getByLabel("New name for Mia Chen-Okafor");
    await field.fill("   ");
    await row.getByRole("button", { name: "Save name" }).click();
    if (javaScript) {
      expect(await field.evaluate((input: HTMLInputElement) => input.validationMessage)).toBe("Please enter a name.");
    } else {
      await expect(page.getByRole("alert")).toHaveText("Please enter a name.");
    }
    await expect(row.getByRole("cell", { name: "Mia Chen-Okafor", exact: true })).toBeVisible();

    // With JavaScript every change happened in place, without a page load.
    if (javaScript) expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  });

  test("forgot password answers with one sentence whatever the address", async ({ page }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    await open(page, "/sign-in", javaScript);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveTitle("Forgot your password? · Entente");
    if (javaScript) await expect(page.locator("body[data-hydrated]")).toBeAttached();
    await page.getByLabel("Email", { exact: true }).fill(uniqueEmail("nobody", testInfo.project.name));
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.locator('[data-test="reset-sent"]')).toHaveText(
      "If an account uses this address, we have sent it a link to set a new password.",
    );
  });
});
