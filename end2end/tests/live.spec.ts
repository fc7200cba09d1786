// Live updates (issue 16) with two organizations in two browser contexts, JavaScript on: what one
// side does appears on the other's open page without a reload — an invitation on the Partners
// tab with the navigation's badge, its acceptance on the sender's tab, a newly shared folder
// under Shared with us, a partner reviewer's decision and comment on the proof page — with a
// notice saying what changed, and what the person was typing left as it was. Without
// JavaScript the pages are as before (every other spec runs them so).
import { expect, test, type Page } from "@playwright/test";

import { newPage, openFolder, signUp, twoPartners, upload } from "./orgs";
import { hasJavaScript, open } from "./support";

/** Posts `form` to the server function at `path` with `page`'s cookies, as its page would. */
async function call(page: Page, origin: string, path: string, form: Record<string, string>) {
  const answer = await page.context().request.post(path, { form, headers: { origin } });
  expect(answer.status(), `${path}: ${await answer.text()}`).toBe(200);
  return answer;
}

/** Marks the page, so a reload (which would drop the mark) cannot pass for a live update. */
async function markNoReload(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __stillHere: boolean }).__stillHere = true;
  });
}

async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere)).toBe(true);
}

test.describe("live", () => {
  test.describe.configure({ timeout: 180_000 });

  test.beforeEach(({}, testInfo) => {
    test.skip(!hasJavaScript(testInfo.project.name), "live updates need JavaScript; without it the pages are unchanged");
  });

  test("an invitation appears on the other side's Partners tab with its badge, and its acceptance on the sender's", async ({ browser, baseURL }, testInfo) => {
    const origin = baseURL!;
    const stamp = `${testInfo.project.name}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
    const acme = await newPage(browser, true, origin);
    const globex = await newPage(browser, true, origin);
    const acmeName = `Acme ${stamp}`;
    const globexName = `Globex ${stamp}`;
    const gilEmail = `gil-${stamp}@e2e.example`;
    await signUp(acme, true, origin, acmeName, `ada-${stamp}@e2e.example`);
    await signUp(globex, true, origin, globexName, gilEmail);

    // Globex's administrator has the Partners tab open and is typing a search.
    await open(globex, "/settings/partners", true);
    await expect(globex.locator('[data-test="partners-empty"]')).toBeVisible();
    const search = globex.getByLabel("Search");
    await search.fill("half-typed");
    await markNoReload(globex);

    // Acme invites Globex's administrator.
    await call(acme, origin, "/api/partners/send", { email: gilEmail });

    const row = globex.locator('[data-test="partner-row"]').filter({ hasText: acmeName });
    await expect(row.locator('[data-test="partner-status"]')).toHaveText("Received - Awaiting Your Approval");
    await expect(globex.locator('[data-test="partners-badge"]')).toContainText("1");
    await expect(globex.locator('[data-test="live-notices"]')).toContainText(`${acmeName} sent a partner invitation`);
    await expect(search).toHaveValue("half-typed");
    await expectNoReload(globex);

    // Acme watches its tab while Globex accepts there.
    await open(acme, "/settings/partners", true);
    const sent = acme.locator('[data-test="partner-row"]').filter({ hasText: globexName });
    await expect(sent.locator('[data-test="partner-status"]')).toHaveText("Sent - Awaiting Approval");
    await markNoReload(acme);
    // Accept needs no confirmation.
    await row.getByRole("button", { name: `Accept: ${acmeName}` }).click();
    await expect(globex.locator('[data-test="partners-done"]')).toContainText("Request accepted");
    await expect(row.locator('[data-test="partner-status"]')).toHaveText("Partner");
    await expect(sent.locator('[data-test="partner-status"]')).toHaveText("Partner");
    await expect(acme.locator('[data-test="live-notices"]')).toContainText(`${globexName} accepted the partner invitation`);
    await expectNoReload(acme);
    // Globex's badge went with the request it counted.
    await expect(globex.locator('[data-test="partners-badge"]')).toHaveCount(0);
  });

  test("a folder shared with the organization appears under Shared with us, and a partner's people in Contacts", async ({ browser, baseURL }, testInfo) => {
    const { acme, globex, globexName } = await twoPartners(browser, baseURL!, testInfo.project.name);

    // Globex is looking at Shared with us; Acme makes a folder.
    await open(globex, "/shared-with-us", true);
    await expect(globex.getByRole("heading", { name: "Shared with us", level: 1 })).toBeVisible();
    await markNoReload(globex);
    await open(acme, "/documents", true);
    await acme.getByLabel("Name", { exact: true }).fill("Spring campaign");
    await acme.getByRole("button", { name: "Create folder" }).click();
    await openFolder(acme, true, "Spring campaign");
    const panel = acme.locator('[data-test="sharing-panel"]');
    await panel.getByLabel("With").selectOption({ label: `${globexName} (whole organization)` });
    await panel.getByLabel("As").selectOption("viewer");
    await panel.getByRole("button", { name: "Share", exact: true }).click();

    await expect(globex.locator('[data-test="shared-table"]').getByRole("link", { name: "Spring campaign" })).toBeVisible();
    await expect(globex.locator('[data-test="live-notices"]')).toContainText("Spring campaign");
    await expectNoReload(globex);

    // Globex opens the folder; a file Acme uploads into it appears there.
    await globex.locator('[data-test="shared-table"]').getByRole("link", { name: "Spring campaign" }).click();
    await expect(globex.getByRole("heading", { name: "Spring campaign", level: 1 })).toBeVisible();
    await markNoReload(globex);
    await upload(acme, "cover.txt", "The cover");
    await expect(globex.locator('[data-test="item-row"]').filter({ hasText: "cover.txt" })).toBeVisible();
    await expectNoReload(globex);

    // Globex's Contacts are open when Acme adds a user: the new member appears.
    await open(globex, "/contacts", true);
    await markNoReload(globex);
    await call(acme, baseURL!, "/api/add_user", { name: "Nadia New", email: `nadia-${Date.now()}@e2e.example`, profile: "standard" });
    await expect(globex.locator('[data-test="contact-row"]').filter({ hasText: "Nadia New" })).toBeVisible();
    await expectNoReload(globex);
  });

  test("the proof page shows a partner reviewer's decision and comment as they happen", async ({ browser, baseURL }, testInfo) => {
    const { origin, acme, globex, globexName } = await twoPartners(browser, baseURL!, testInfo.project.name);
    const gilLabel = `Admin of ${globexName} (${globexName})`;

    await open(acme, "/documents", true);
    await upload(acme, "flyer.txt", "Spring flyer, first draft");
    await acme.locator('[data-test="item-row"]').filter({ hasText: "flyer.txt" }).getByRole("link", { name: "flyer.txt" }).click();
    await expect(acme.getByRole("heading", { name: "flyer.txt", level: 1 })).toBeVisible();
    const file = new URL(acme.url()).searchParams.get("file")!;
    const send = acme.locator('[data-test="send-review"]');
    await send.getByLabel(gilLabel).check();
    await send.getByRole("button", { name: "Send for review" }).click();
    await expect(acme).toHaveURL(new RegExp(`/proofs/proof\\?proof=${file}`));
    await expect(acme.locator('[data-test="overall-status"]')).toHaveText("Pending");
    await markNoReload(acme);

    // Gil comments and decides from Globex.
    await call(globex, origin, "/api/proofs/comment", { proof: file, version: "1", text: "Make the date bigger." });
    await expect(acme.locator('[data-test="comment-body"]')).toHaveText(["Make the date bigger."]);
    await expect(acme.locator('[data-test="live-notices"]')).toContainText("commented");
    await call(globex, origin, "/api/proofs/decide", { proof: file, version: "1", decision: "changes_required" });
    await expect(acme.locator('[data-test="overall-status"]')).toHaveText("Changes required");
    await expect(acme.locator('[data-test="reviewer-decision"]')).toHaveText(["Changes required"]);
    await expectNoReload(acme);
  });
});
