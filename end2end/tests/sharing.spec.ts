// Sharing with a partner in two browser contexts, with JavaScript off and on: the owner shares
// a folder from its page, the partner finds it under Shared with us with the role it was
// given, the owner moves a file out of it with "Move to…", and revokes; the share form's
// people search, and the daily email setting.
import { expect, test, type Page } from "@playwright/test";

import { addSignedInUser, openFolder, twoPartners, upload } from "./orgs";
import { open } from "./support";

/** Shares the item open on `page` with the option labelled `withLabel`, as Viewer with downloads. */
async function shareOpenItem(page: Page, withLabel: string) {
  const panel = page.locator('[data-test="sharing-panel"]');
  await panel.getByLabel("With").selectOption({ label: withLabel });
  await panel.getByLabel("As").selectOption("viewer");
  await panel.getByRole("button", { name: "Share", exact: true }).click();
  await expect(panel.locator('[data-test="access-row"]').filter({ hasText: withLabel })).toBeVisible();
}

/** The names listed under Shared with us on `page`, sorted. */
async function sharedWithUs(page: Page, javaScript: boolean): Promise<string[]> {
  await open(page, "/shared-with-us", javaScript);
  await expect(page.getByRole("heading", { name: "Shared with us", level: 1 })).toBeVisible();
  const names = await page.locator('[data-test="shared-table"] [data-test="shared-link"]').allTextContents();
  return names.map((name) => name.trim()).sort();
}

/** Opens the file `name` in the shared folder `folder` from Shared with us, and downloads it. */
async function downloadShared(page: Page, javaScript: boolean, folder: string, name: string): Promise<string> {
  await open(page, "/shared-with-us", javaScript);
  await page.locator('[data-test="shared-table"]').getByRole("link", { name: folder }).click();
  await expect(page.getByRole("heading", { name: folder, level: 1 })).toBeVisible();
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  const href = await page.locator('[data-test="download-current"]').getAttribute("href");
  const answer = await page.context().request.get(href!);
  expect(answer.status()).toBe(200);
  return answer.text();
}

test.describe("sharing", () => {
  test.describe.configure({ timeout: 120_000 });

  test("a folder shared with a partner is found under Shared with us, as Viewer without downloads, until revoked", async ({ browser, baseURL }, testInfo) => {
    const { javaScript, stamp, origin, acme, globex, acmeName, globexName } = await twoPartners(browser, baseURL!, testInfo.project.name);

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

  test("shares outlive the partnership for the people who were members then; a person's share reaches that person only", async ({ browser, baseURL }, testInfo) => {
    const { javaScript, stamp, origin, acme, globex, globexName } = await twoPartners(browser, baseURL!, testInfo.project.name);
    const gwen = await addSignedInUser(browser, globex, javaScript, origin, "Gwen Person", `gwen-${stamp}@e2e.example`);

    // Acme shares a folder with Globex as a whole; Globex downloads what is in it, and what
    // Acme adds later.
    await open(acme, "/documents", javaScript);
    await acme.getByLabel("Name", { exact: true }).fill("Campaign");
    await acme.getByRole("button", { name: "Create folder" }).click();
    await openFolder(acme, javaScript, "Campaign");
    await upload(acme, "first.txt", "the first file");
    await shareOpenItem(acme, `${globexName} (whole organization)`);
    expect(await downloadShared(globex, javaScript, "Campaign", "first.txt")).toBe("the first file");
    await openFolder(acme, javaScript, "Campaign");
    await upload(acme, "second.txt", "added later");
    expect(await downloadShared(globex, javaScript, "Campaign", "second.txt")).toBe("added later");

    // A file shared with Gwen alone: she finds it, Gil does not.
    await open(acme, "/documents", javaScript);
    await upload(acme, "for-gwen.txt", "just for Gwen");
    await acme.locator('[data-test="item-row"]').filter({ hasText: "for-gwen.txt" }).getByRole("link", { name: "for-gwen.txt" }).click();
    await shareOpenItem(acme, `Gwen Person (${globexName})`);
    expect(await sharedWithUs(gwen, javaScript)).toEqual(["Campaign", "for-gwen.txt"]);
    expect(await sharedWithUs(globex, javaScript)).toEqual(["Campaign"]);

    // Acme deletes the partnership; the confirmation lists what stays shared, each way.
    await open(acme, "/settings/partners", javaScript);
    await acme.locator(`[data-test="partner-row"][data-organization="${globexName}"]`).getByRole("button", { name: `Delete: ${globexName}` }).click();
    const confirmation = acme.locator('[data-test="confirmation"]');
    const stays = confirmation.locator('[data-test="stays-shared"]');
    await expect(stays).toContainText(`Stays shared by your organization with ${globexName}: 2 items`);
    await expect(stays).toContainText("Campaign — with");
    await expect(stays).toContainText(`for-gwen.txt — with Gwen Person (${globexName}) as Viewer`);
    await expect(stays).toContainText(`Stays shared by ${globexName} with your organization: nothing`);
    await confirmation.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(acme.locator('[data-test="partners-done"]')).toContainText("Deleted from");

    // What was shared stays, for the people who were members then.
    expect(await downloadShared(globex, javaScript, "Campaign", "first.txt")).toBe("the first file");
    expect(await sharedWithUs(gwen, javaScript)).toEqual(["Campaign", "for-gwen.txt"]);

    // Nothing new can be shared with Globex: the sharing section says why.
    await open(acme, "/documents", javaScript);
    await upload(acme, "too-late.txt", "after the end");
    await acme.locator('[data-test="item-row"]').filter({ hasText: "too-late.txt" }).getByRole("link", { name: "too-late.txt" }).click();
    await expect(acme.locator('[data-test="share-refusal"]')).toContainText("You have no partners now");

    // A user Globex adds afterwards sees nothing of it, not even by its address.
    const sharedFileUrl = new URL(globex.url());
    const nora = await addSignedInUser(browser, globex, javaScript, origin, "Nora Later", `nora-${stamp}@e2e.example`);
    expect(await sharedWithUs(nora, javaScript)).toEqual([]);
    await expect(nora.locator('[data-test="shared-with-us-empty"]')).toBeVisible();
    await open(nora, `${sharedFileUrl.pathname}${sharedFileUrl.search}`, javaScript);
    await expect(nora.getByText("We could not find that. It may have been removed.")).toBeVisible();
  });
});
