// Sharing with a partner in two browser contexts, with JavaScript off and on: the owner shares
// a folder from its page, the partner finds it under Shared with us with the role it was
// given, the owner moves a file out of it with "Move to…", and revokes; the share form's
// people search, and the daily email setting.
import { expect, test, type Browser, type Page } from "@playwright/test";

import { hasJavaScript, isAppError, open } from "./support";

const PASSWORD = "correct horse battery";

/** A new context (its own cookies) with the project's JavaScript setting. */
async function newPage(browser: Browser, javaScript: boolean, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, baseURL });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error" && isAppError(message.text())) {
      throw new Error(`console error: ${message.text()}`);
    }
  });
  return page;
}

/** Signs up an organization through its page, then confirms its address through the server
 * functions the mailbox and the confirmation page call (the pages are tested elsewhere). */
async function signUp(page: Page, javaScript: boolean, baseURL: string, name: string, email: string) {
  await open(page, "/sign-up", javaScript);
  await page.getByLabel("Organization name").fill(name);
  await page.getByLabel("Your name").fill(`Admin of ${name}`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator('[data-test="signed-in-as"]')).toContainText(name);
  const request = page.context().request;
  const headers = { origin: baseURL };
  const emails = await (await request.post("/api/mailbox/list", { headers })).json();
  const entry = emails.find((sent: { to: string; kind: string }) => sent.to === email && sent.kind === "email_verification");
  const opened = await (await request.post("/api/mailbox/email", { form: { id: entry.id }, headers })).json();
  const token = (opened.text_body as string).match(/\/verify-email\?token=([0-9a-f]{64})/)![1];
  expect((await request.post("/api/verify_email", { form: { token }, headers })).status()).toBe(200);
}

/** `from` invites `toEmail` and `to` accepts, through the Partners tab's server functions. */
async function partner(from: Page, to: Page, baseURL: string, toEmail: string, fromName: string) {
  const headers = { origin: baseURL };
  expect((await from.context().request.post("/api/partners/send", { form: { email: toEmail }, headers })).status()).toBe(200);
  const list = await (await to.context().request.post("/api/partners/list", { form: {}, headers })).json();
  const row = list.rows.find((row_: { other_organization: string }) => row_.other_organization === fromName);
  const accepted = await to.context().request.post("/api/partners/act", {
    form: { action: "accept", request_id: row.request.id },
    headers,
  });
  expect(accepted.status()).toBe(200);
}

test.describe("sharing", () => {
  test.describe.configure({ timeout: 120_000 });

  test("a folder shared with a partner is found under Shared with us, as Viewer without downloads, until revoked", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = `${testInfo.project.name}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
    const origin = baseURL!;
    const acme = await newPage(browser, javaScript, baseURL);
    const globex = await newPage(browser, javaScript, baseURL);
    const acmeName = `Acme ${stamp}`;
    const globexName = `Globex ${stamp}`;
    await signUp(acme, javaScript, origin, acmeName, `ada-${stamp}@e2e.example`);
    await signUp(globex, javaScript, origin, globexName, `gil-${stamp}@e2e.example`);
    await partner(acme, globex, origin, `gil-${stamp}@e2e.example`, acmeName);

    // Acme makes a folder with a file in it.
    await open(acme, "/documents", javaScript);
    await acme.getByLabel("Name", { exact: true }).fill("Campaign");
    await acme.getByRole("button", { name: "Create folder" }).click();
    const rows = acme.locator('[data-test="item-row"]');
    await rows.filter({ hasText: "Campaign" }).getByRole("link", { name: "Campaign" }).click();
    await expect(acme.getByRole("heading", { name: "Campaign", level: 1 })).toBeVisible();
    await acme.getByLabel("Upload files").setInputFiles({ name: "brief.txt", mimeType: "text/plain", buffer: Buffer.from("The brief") });
    await acme.getByRole("button", { name: "Upload", exact: true }).click();
    await expect(rows.filter({ hasText: "brief.txt" })).toBeVisible();

    // Shares it from the folder's page: the whole partner organization, Viewer, no downloads.
    const panel = acme.locator('[data-test="sharing-panel"]');
    await expect(panel.locator('[data-test="no-shares"]')).toBeVisible();
    await panel.getByLabel("With").selectOption({ label: `${globexName} (whole organization)` });
    await panel.getByLabel("As").selectOption("viewer");
    await panel.getByLabel("Allow downloads").uncheck();
    await panel.getByRole("button", { name: "Share", exact: true }).click();
    const access = panel.locator('[data-test="access-row"]');
    await expect(access).toHaveCount(1);
    await expect(access).toContainText(`${globexName} (whole organization) · Viewer · no downloads · shared directly`);

    // Globex finds it under Shared with us, opens it and the file in it, with no download.
    await open(globex, "/", javaScript);
    await globex.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Shared with us" }).click();
    await expect(globex.getByRole("heading", { name: "Shared with us", level: 1 })).toBeVisible();
    const group = globex.locator('[data-test="shared-group"]');
    await expect(group.getByRole("heading", { name: acmeName })).toBeVisible();
    await group.getByRole("link", { name: "Campaign" }).click();
    await expect(globex.getByRole("heading", { name: "Campaign", level: 1 })).toBeVisible();
    await expect(globex.locator('[data-test="shared-banner"]')).toHaveText(`Shared with you by ${acmeName}`);
    await expect(globex.getByLabel("Upload files")).toHaveCount(0);
    await expect(globex.locator('[data-test="sharing-panel"]')).toHaveCount(0);
    await globex.getByRole("link", { name: "brief.txt" }).click();
    await expect(globex.getByRole("heading", { name: "brief.txt", level: 1 })).toBeVisible();
    await expect(globex.locator('[data-test="downloads-off"]')).toBeVisible();
    await expect(globex.locator('[data-test="download-current"]')).toHaveCount(0);
    const briefUrl = globex.url();

    // Acme moves the file out of the shared folder with "Move to…": no longer shared.
    await open(acme, "/documents", javaScript);
    await rows.filter({ hasText: "Campaign" }).getByRole("link", { name: "Campaign" }).click();
    const brief = rows.filter({ hasText: "brief.txt" });
    await brief.locator("summary").click();
    await brief.getByRole("link", { name: "Move to another folder…" }).click();
    await expect(acme.getByRole("heading", { name: "Move brief.txt", level: 1 })).toBeVisible();
    await expect(acme.locator('[data-test="move-refusal"]')).toHaveText("brief.txt is already in this folder.");
    await acme.getByRole("navigation", { name: "Folders above" }).getByRole("link", { name: "Documents" }).click();
    await acme.locator('[data-test="move-here"]').click();
    await expect(acme.getByRole("heading", { name: "Documents", level: 1 })).toBeVisible();
    await expect(rows.filter({ hasText: "brief.txt" })).toBeVisible();
    await open(globex, new URL(briefUrl).pathname + new URL(briefUrl).search, javaScript);
    await expect(globex.getByText("We could not find that. It may have been removed.")).toBeVisible();

    // Acme revokes the folder's share; Globex's list is empty again.
    await rows.filter({ hasText: "Campaign" }).getByRole("link", { name: "Campaign" }).click();
    await panel.getByRole("button", { name: `Revoke the share with ${globexName} (whole organization)` }).click();
    await expect(panel.locator('[data-test="no-shares"]')).toBeVisible();
    await open(globex, "/shared-with-us", javaScript);
    await expect(globex.locator('[data-test="shared-with-us-empty"]')).toBeVisible();

    // The share form's people search (shown while a search is on, or when partners have more
    // people than the form lists) narrows the people offered by name or address.
    const folderUrl = new URL(acme.url());
    await open(acme, `${folderUrl.pathname}${folderUrl.search}&people=nobody-${stamp}`, javaScript);
    const search = panel.locator('[data-test="people-search"]');
    await expect(search.getByLabel("Find a person")).toHaveValue(`nobody-${stamp}`);
    const recipient = panel.getByLabel("With");
    await expect(recipient.locator("option")).toHaveText([`${globexName} (whole organization)`]);
    await search.getByLabel("Find a person").fill(`gil-${stamp}`);
    await search.getByRole("button", { name: "Search" }).click();
    await expect(recipient.locator("option")).toHaveText([
      `${globexName} (whole organization)`,
      `Admin of ${globexName} (${globexName})`,
    ]);
    await search.getByRole("link", { name: "Show everyone" }).click();
    await expect(panel.locator('[data-test="people-search"]')).toHaveCount(0);

    // Globex's admin turns the daily email off; the choice is kept.
    await open(globex, "/shared-with-us", javaScript);
    const daily = globex.locator('[data-test="daily-email"]');
    await expect(daily.getByLabel("One email a day listing what was added")).toBeChecked();
    await daily.getByLabel("No email").check();
    await daily.getByRole("button", { name: "Save" }).click();
    await expect(daily.locator('[data-test="daily-email-current"]')).toContainText("Off");
    await open(globex, "/shared-with-us", javaScript);
    await expect(daily.getByLabel("No email")).toBeChecked();
  });
});
