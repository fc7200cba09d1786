// The Partners tab between two organizations, each in its own browser context, through the UI
// only, with JavaScript off and on: every scenario of the two help pages (SPEC 4).
import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";

import { hasJavaScript, isAppError, open } from "./support";

const PASSWORD = "correct horse battery";

/** One organization: its administrator's signed-in page and the names used in the test. */
interface Org {
  page: Page;
  name: string;
  adminEmail: string;
  javaScript: boolean;
}

/** A stamp unique to this test and project, so runs never share an account. */
function stampFor(project: string): string {
  return `${project}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
}

/** A new browser context (its own cookies) with the project's JavaScript setting. */
async function newPage(browser: Browser, javaScript: boolean, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, baseURL });
  const page = await context.newPage();
  if (javaScript) {
    page.on("console", (message) => {
      if (message.type() === "error" && isAppError(message.text())) {
        throw new Error(`console error: ${message.text()}`);
      }
    });
  }
  return page;
}

/** Signs up a new organization in a fresh context and returns it. */
async function signUpOrg(
  browser: Browser,
  javaScript: boolean,
  baseURL: string | undefined,
  name: string,
  adminEmail: string,
): Promise<Org> {
  const page = await newPage(browser, javaScript, baseURL);
  await open(page, "/sign-up", javaScript);
  await page.getByLabel("Organization name").fill(name);
  await page.getByLabel("Your name").fill(`Admin of ${name}`);
  await page.getByLabel("Email", { exact: true }).fill(adminEmail);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator('[data-test="signed-in-as"]')).toContainText(name);
  // Until its address is confirmed, an organization neither invites nor is invited.
  await expect(page.locator('[data-test="verification-notice"]')).toBeVisible();
  await confirmAddress(page, javaScript, adminEmail);
  return { page, name, adminEmail, javaScript };
}

/** Confirms the address `email` signed up with through the server functions the mailbox and
 * the confirmation page call, for set-ups made without the pages. */
async function confirmThroughTheMailbox(context: BrowserContext, origin: string, email: string) {
  const emails = await (await context.request.post("/api/mailbox/list", { headers: { origin } })).json();
  const entry = emails.find((email_: { to: string; kind: string }) => email_.to === email && email_.kind === "email_verification");
  const opened = await (await context.request.post("/api/mailbox/email", { form: { id: entry.id }, headers: { origin } })).json();
  const token = (opened.text_body as string).match(/\/verify-email\?token=([0-9a-f]{64})/)![1];
  const confirmed = await context.request.post("/api/verify_email", { form: { token }, headers: { origin } });
  expect(confirmed.status()).toBe(200);
}

/** Opens the link the sign-up emailed to `email` (from the developers' mailbox) and confirms. */
async function confirmAddress(page: Page, javaScript: boolean, email: string) {
  await open(page, "/mailbox", javaScript);
  await page.locator('[data-test="mailbox-row"]', { hasText: email }).filter({ hasText: "Confirm your address" }).first().getByRole("link").click();
  const body = (await page.locator('[data-test="mailbox-text"]').textContent()) ?? "";
  const link = body.match(/\/verify-email\?token=[0-9a-f]{64}/)![0];
  await open(page, link, javaScript);
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.locator('[data-test="verification-outcome"]')).toContainText("Your address is confirmed");
  await expect(page.locator('[data-test="verification-notice"]')).toHaveCount(0);
}

/** Adds a user to `org` on the Users page (their set-password email goes to the mailbox). */
async function addUser(org: Org, name: string, email: string, profile: string) {
  await open(org.page, "/settings/users", org.javaScript);
  await org.page.getByLabel("Name", { exact: true }).fill(name);
  await org.page.getByLabel("Email", { exact: true }).fill(email);
  await org.page.getByLabel("Profile", { exact: true }).selectOption(profile);
  await org.page.getByRole("button", { name: "Add user" }).click();
  await expect(org.page.locator(`[data-test="user-row"][data-email="${email}"]`)).toBeVisible();
}

/** Opens the Partners tab from the navigation. */
async function openPartners(org: Org) {
  await open(org.page, "/", org.javaScript);
  await org.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Partners/ }).click();
  await expect(org.page).toHaveURL(/\/settings\/partners$/);
  await expect(org.page.getByRole("heading", { name: "Partners", level: 1 })).toBeVisible();
  if (org.javaScript) await expect(org.page.locator("body[data-hydrated]")).toBeAttached();
}

/** "Send new partner invitation", the address, "Send"; returns the field's error, if any. */
async function invite(org: Org, email: string): Promise<Locator> {
  await openPartners(org);
  await org.page.getByRole("button", { name: "Send new partner invitation" }).click();
  const box = org.page.locator('[data-test="invitation-box"]');
  await expect(box.getByRole("heading", { name: "Send invitation" })).toBeVisible();
  await box.getByLabel("Email", { exact: true }).fill(email);
  await box.getByRole("button", { name: "Send", exact: true }).click();
  return org.page.locator('[data-test="email-error"]');
}

/** Sends an invitation that must go through. */
async function inviteOk(org: Org, email: string) {
  await invite(org, email);
  await expect(org.page.locator('[data-test="partners-done"]')).toContainText("Invitation sent.");
}

/** The row of `other` in `org`'s Partners tab (the one for `email`, when there are several). */
function rowOf(org: Org, other: Org, email?: string): Locator {
  const row = `[data-test="partner-row"][data-organization="${other.name}"]`;
  return org.page.locator(email ? `${row}[data-email="${email}"]` : row);
}

/** Checks what `org` sees of its relationship with `other` after reopening the tab. */
async function expectStatus(org: Org, other: Org, status: string | null, actions: string[] = []) {
  await openPartners(org);
  const row = rowOf(org, other);
  if (status === null) {
    await expect(row).toHaveCount(0);
    return;
  }
  await expect(row.locator('[data-test="partner-status"]')).toHaveText(status);
  await expect(row.getByRole("button")).toHaveText(actions);
}

/** Clicks a row's action; Reject and Delete ask first, and the confirmation says what happens. */
async function act(
  org: Org,
  other: Org,
  action: "Accept" | "Reject and ignore" | "Delete",
  says?: RegExp,
  email?: string,
) {
  await openPartners(org);
  // With JavaScript the change happens in place: this marker would not survive a page load.
  if (org.javaScript) await org.page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await rowOf(org, other, email).getByRole("button", { name: `${action}: ${other.name}` }).click();
  if (action !== "Accept") {
    const confirmation = org.page.locator('[data-test="confirmation"]');
    await expect(confirmation).toBeVisible();
    if (says) await expect(confirmation).toContainText(says);
    await confirmation.getByRole("button", { name: action, exact: true }).click();
  }
  const done = { Accept: "Request accepted", "Reject and ignore": "Request rejected", Delete: "Deleted from" }[action];
  await expect(org.page.locator('[data-test="partners-done"]')).toContainText(done);
  if (org.javaScript) {
    expect(await org.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  }
}

/** The Contacts row of `email` in `org`, after searching for it. */
async function contact(org: Org, email: string): Promise<Locator> {
  await open(org.page, `/contacts?q=${encodeURIComponent(email)}`, org.javaScript);
  return org.page.locator('[data-test="contact-row"]', { hasText: email });
}

test.describe("partners tab", () => {
  // Each scenario loads thirty-odd pages in two contexts.
  test.describe.configure({ timeout: 120_000 });

  test("send, accept by another administrator, members both ways, later users synced", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = stampFor(testInfo.project.name);
    const acme = await signUpOrg(browser, javaScript, baseURL, `Acme ${stamp}`, `ada-${stamp}@e2e.example`);
    const globex = await signUpOrg(browser, javaScript, baseURL, `Globex ${stamp}`, `gil-${stamp}@e2e.example`);
    // The invitation is addressed to Sam, a Standard user; Globex's administrator answers it.
    const sam = `sam-${stamp}@e2e.example`;
    await addUser(globex, "Sam Addressee", sam, "standard");

    // Checked by entente-core in the browser (with JavaScript) and on the server (always).
    const malformed = await invite(acme, "someone@localhost");
    await expect(malformed).toHaveText("The part after the @ must be a domain such as example.com.");
    if (javaScript) {
      // With JavaScript, core's refusal is the field's validity: the browser does not send it.
      const field = acme.page.locator('[data-test="invitation-box"]').getByLabel("Email", { exact: true });
      expect(await field.evaluate((input) => (input as HTMLInputElement).validity.valid)).toBe(false);
    }
    const unknown = await invite(acme, `nobody-${stamp}@e2e.example`);
    await expect(unknown).toContainText("No active Entente user has this email address.");
    await expect(rowOf(acme, globex)).toHaveCount(0);
    await inviteOk(acme, sam);
    await expectStatus(acme, globex, "Sent - Awaiting Approval", ["Delete"]);
    await expectStatus(globex, acme, "Received - Awaiting Your Approval", ["Accept", "Reject and ignore", "Delete"]);
    const badge = globex.page.locator('[data-test="partners-badge"]');
    await expect(badge).toHaveText(/^1/);
    await expect(rowOf(globex, acme)).toContainText(sam);
    await expect(rowOf(globex, acme)).toContainText(`Admin of ${acme.name}`);

    await act(globex, acme, "Accept");
    await expect(rowOf(globex, acme).locator('[data-test="partner-status"]')).toHaveText("Partner");
    await expect(badge).toHaveCount(0);
    await expectStatus(acme, globex, "Partner", ["Delete"]);

    const samAtAcme = await contact(acme, sam);
    await expect(samAtAcme.locator('[data-test="contact-kind"]')).toHaveText("Member");
    await expect(samAtAcme.locator('[data-test="contact-partner"]')).toHaveText(globex.name);
    const adaAtGlobex = await contact(globex, acme.adminEmail);
    await expect(adaAtGlobex.locator('[data-test="contact-kind"]')).toHaveText("Member");

    const later = `lena-${stamp}@e2e.example`;
    await addUser(acme, "Lena Later", later, "reviewer");
    const lenaAtGlobex = await contact(globex, later);
    await expect(lenaAtGlobex.locator('[data-test="contact-kind"]')).toHaveText("Member");
    await expect(lenaAtGlobex.locator('[data-test="contact-sync"]')).toHaveText("Synced");
  });

  test("reject: Rejected on both sides, an email, the address blocked until both delete", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = stampFor(testInfo.project.name);
    const acme = await signUpOrg(browser, javaScript, baseURL, `Acme ${stamp}`, `ada-${stamp}@e2e.example`);
    const globex = await signUpOrg(browser, javaScript, baseURL, `Globex ${stamp}`, `gil-${stamp}@e2e.example`);
    const other = `otto-${stamp}@e2e.example`;
    await addUser(globex, "Otto Other", other, "manager");

    await inviteOk(acme, globex.adminEmail);
    await act(globex, acme, "Reject and ignore", /sees it as Rejected/);
    await expectStatus(globex, acme, "Rejected", ["Accept", "Delete"]);
    await expectStatus(acme, globex, "Rejected", ["Delete"]);

    await open(acme.page, "/mailbox", javaScript);
    const rejection = acme.page.locator('[data-test="mailbox-row"]', { hasText: acme.adminEmail }).first();
    await expect(rejection).toContainText(`${globex.name} declined your partner request`);

    const refused = await invite(acme, globex.adminEmail);
    await expect(refused).toContainText("they declined");
    // Another user of the same organization may still be invited.
    await inviteOk(acme, other);
    await expect(rowOf(acme, globex, other).locator('[data-test="partner-status"]')).toHaveText("Sent - Awaiting Approval");
    await act(acme, globex, "Delete", /Withdraw your invitation/, other);

    // The recipient deletes the rejected request, then the sender: the address is free again.
    await act(globex, acme, "Delete", /They can invite .* again only once they have deleted it/);
    await expectStatus(globex, acme, null);
    await expectStatus(acme, globex, "Rejected", ["Delete"]);
    await act(acme, globex, "Delete", /You can invite .* again\./);
    await expectStatus(acme, globex, null);
    await inviteOk(acme, globex.adminEmail);
    await expectStatus(globex, acme, "Received - Awaiting Your Approval", ["Accept", "Reject and ignore", "Delete"]);
  });

  test("a rejected request can still be accepted, even after the sender deleted it, and accepting archives the other requests", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = stampFor(testInfo.project.name);
    const acme = await signUpOrg(browser, javaScript, baseURL, `Acme ${stamp}`, `ada-${stamp}@e2e.example`);
    const globex = await signUpOrg(browser, javaScript, baseURL, `Globex ${stamp}`, `gil-${stamp}@e2e.example`);
    const otto = `otto-${stamp}@e2e.example`;
    await addUser(globex, "Otto Other", otto, "standard");
    await inviteOk(acme, globex.adminEmail);
    await inviteOk(acme, otto);

    await act(globex, acme, "Reject and ignore", /sees it as Rejected/, globex.adminEmail);
    await act(acme, globex, "Delete", /once Globex .* has deleted it too/, globex.adminEmail);
    await expect(rowOf(acme, globex)).toHaveCount(1);
    await expect(rowOf(acme, globex, otto).locator('[data-test="partner-status"]')).toHaveText("Sent - Awaiting Approval");

    await act(globex, acme, "Accept", undefined, globex.adminEmail);
    await expectStatus(globex, acme, "Partner", ["Delete"]);
    await expectStatus(acme, globex, "Partner", ["Delete"]);
    await expect(rowOf(acme, globex, globex.adminEmail)).toHaveCount(1);
  });

  test("deleting a pending request: by the sender gone for both, by the recipient Rejected for the sender", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = stampFor(testInfo.project.name);
    const acme = await signUpOrg(browser, javaScript, baseURL, `Acme ${stamp}`, `ada-${stamp}@e2e.example`);
    const globex = await signUpOrg(browser, javaScript, baseURL, `Globex ${stamp}`, `gil-${stamp}@e2e.example`);

    await inviteOk(acme, globex.adminEmail);
    await act(acme, globex, "Delete", /disappears from Globex .*'s Partners tab too/);
    await expectStatus(acme, globex, null);
    await expectStatus(globex, acme, null);

    await inviteOk(acme, globex.adminEmail);
    await act(globex, acme, "Delete", /sees it as Rejected, without an email/);
    await expectStatus(globex, acme, null);
    await expectStatus(acme, globex, "Rejected", ["Delete"]);
  });

  test("deleting a partner: by the sender gone for both, members kept, later users not synced; by the recipient Rejected for the sender", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = stampFor(testInfo.project.name);
    const acme = await signUpOrg(browser, javaScript, baseURL, `Acme ${stamp}`, `ada-${stamp}@e2e.example`);
    const globex = await signUpOrg(browser, javaScript, baseURL, `Globex ${stamp}`, `gil-${stamp}@e2e.example`);

    await inviteOk(acme, globex.adminEmail);
    await act(globex, acme, "Accept");
    await act(acme, globex, "Delete", /The partnership ends/);
    await expectStatus(acme, globex, null);
    await expectStatus(globex, acme, null);
    const gilAtAcme = await contact(acme, globex.adminEmail);
    await expect(gilAtAcme.locator('[data-test="contact-kind"]')).toHaveText("Member");
    await expect(gilAtAcme.locator('[data-test="contact-sync"]')).toHaveText("No longer synced");
    const later = `nico-${stamp}@e2e.example`;
    await addUser(globex, "Nico Later", later, "standard");
    await expect(await contact(acme, later)).toHaveCount(0);

    // Partnered again (either side may invite), then the recipient ends it.
    await inviteOk(globex, acme.adminEmail);
    await act(acme, globex, "Accept");
    await expect((await contact(acme, later)).locator('[data-test="contact-sync"]')).toHaveText("Synced");
    await act(acme, globex, "Delete", /sees it as Rejected, without an email, until they delete it too/);
    await expectStatus(acme, globex, null);
    await expectStatus(globex, acme, "Rejected", ["Delete"]);
  });

  test("a Standard user has no Partners tab, and the server refuses its functions", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = stampFor(testInfo.project.name);
    const acme = await signUpOrg(browser, javaScript, baseURL, `Acme ${stamp}`, `ada-${stamp}@e2e.example`);
    const standardEmail = `sue-${stamp}@e2e.example`;
    await addUser(acme, "Sue Standard", standardEmail, "standard");

    // Sue sets her password from the emailed link and signs in, in her own context.
    await open(acme.page, "/mailbox", javaScript);
    await acme.page.locator('[data-test="mailbox-row"]', { hasText: standardEmail }).first().getByRole("link").click();
    const body = (await acme.page.locator('[data-test="mailbox-text"]').textContent()) ?? "";
    const link = body.match(/\/set-password\?token=[0-9a-f]{64}/)![0];
    const sue = await newPage(browser, javaScript, baseURL);
    await open(sue, link, javaScript);
    await sue.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await sue.getByLabel("Confirm password").fill(PASSWORD);
    await sue.getByRole("button", { name: "Set password" }).click();
    await sue.getByLabel("Email", { exact: true }).fill(standardEmail);
    await sue.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await sue.getByRole("button", { name: "Sign in" }).click();
    await expect(sue.locator('[data-test="signed-in-as"]')).toContainText("Sue Standard");

    const nav = sue.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Contacts" })).toBeVisible();
    await expect(nav.getByRole("link", { name: /^Partners/ })).toHaveCount(0);
    const page = await sue.goto("/settings/partners");
    expect(page?.status()).toBe(403);
    await expect(sue.getByText("Your profile does not allow this action.")).toBeVisible();

    // A direct call with her session, as a page script would make it, is refused too.
    const answer = await sue.request.post("/api/partners/send", {
      form: { email: acme.adminEmail },
      headers: { origin: new URL(baseURL ?? "http://127.0.0.1:3000").origin },
    });
    expect(answer.status()).toBe(403);
    expect(await answer.json()).toBe("Forbidden");
  });

  test("more than a page of requests: page links, fifty rows a page, the count of matches", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = stampFor(testInfo.project.name);
    const origin = new URL(baseURL ?? "http://127.0.0.1:3000").origin;
    const globex = await signUpOrg(browser, javaScript, baseURL, `Globex ${stamp}`, `gil-${stamp}@e2e.example`);
    // 52 users at Globex, invited by two organizations (26 each, under the hourly limit of 30),
    // set up through the server functions the pages post to.
    const addresses = Array.from({ length: 52 }, (_, n) => `user${n}-${stamp}@e2e.example`);
    for (const email of addresses) {
      const added = await globex.page.request.post("/api/add_user", {
        form: { name: "Paged User", email, profile: "standard" },
        headers: { origin },
      });
      expect(added.status()).toBe(200);
    }
    for (const half of [addresses.slice(0, 26), addresses.slice(26)]) {
      const sender = await browser.newContext({ baseURL });
      const signedUp = await sender.request.post("/api/sign_up", {
        form: { account_name: `Sender ${half[0]}`, name: "Sender Admin", email: `admin-${half[0]}`, password: PASSWORD },
        headers: { origin },
      });
      expect(signedUp.status()).toBe(200);
      await confirmThroughTheMailbox(sender, origin, `admin-${half[0]}`);
      for (const email of half) {
        const sent = await sender.request.post("/api/partners/send", { form: { email }, headers: { origin } });
        expect(sent.status()).toBe(200);
      }
      await sender.close();
    }

    await openPartners(globex);
    const rows = globex.page.locator('[data-test="partner-row"]');
    await expect(rows).toHaveCount(50);
    await expect(globex.page.locator('[data-test="partners-matched"]')).toContainText("52 matching rows");
    await globex.page.getByRole("navigation", { name: "Partners pages" }).getByRole("link", { name: "Next page" }).click();
    await expect(rows).toHaveCount(2);
    await expect(globex.page).toHaveURL(/after=/);
    const pager = globex.page.getByRole("navigation", { name: "Partners pages" });
    await expect(pager.getByRole("link", { name: "Next page" })).toHaveCount(0);
    await pager.getByRole("link", { name: "First page" }).click();
    await expect(rows).toHaveCount(50);

    // A search narrows the count and pages with it.
    await globex.page.getByLabel("Search").fill("user1");
    await globex.page.getByRole("button", { name: "Filter" }).click();
    // user1, user10..user19: eleven addresses.
    await expect(rows).toHaveCount(11);
  });

  test("a row's actions fit inside the card at every width from 360 to 1920 pixels", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = stampFor(testInfo.project.name);
    const longName = `Acme International Printing and Packaging Cooperative ${stamp}`;
    const acme = await signUpOrg(browser, javaScript, baseURL, longName, `ada-${stamp}@e2e.example`);
    const longAddress = `purchasing.department-${stamp}@globex-international-printing-and-packaging.example`;
    const globex = await signUpOrg(browser, javaScript, baseURL, `Globex ${stamp}`, longAddress);
    await inviteOk(acme, globex.adminEmail);

    for (const width of [360, 414, 768, 1024, 1280, 1366, 1440, 1920]) {
      await globex.page.setViewportSize({ width, height: 900 });
      await openPartners(globex);
      const card = await globex.page.locator('[data-test="partners"]').boundingBox();
      const buttons = rowOf(globex, acme).getByRole("button");
      await expect(buttons).toHaveText(["Accept", "Reject and ignore", "Delete"]);
      for (const button of await buttons.all()) {
        const box = await button.boundingBox();
        expect(box, `a visible button at ${width}px`).not.toBeNull();
        expect(card).not.toBeNull();
        const label = `${await button.textContent()} at ${width}px`;
        expect(box!.x, `${label}: left edge`).toBeGreaterThanOrEqual(card!.x);
        expect(box!.x + box!.width, `${label}: right edge`).toBeLessThanOrEqual(card!.x + card!.width);
      }
      const table = await globex.page.locator('[data-test="partners-table"]').boundingBox();
      expect(table!.x + table!.width, `the table at ${width}px`).toBeLessThanOrEqual(card!.x + card!.width);
    }
  });
});
