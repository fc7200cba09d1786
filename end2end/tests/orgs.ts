// Organizations for the browser tests that need several: each signed up in its own browser
// context, partners, users added and signed in, and what they do in Documents; the developers'
// Mailbox, read through its server functions.
import { expect, type Browser, type Page } from "@playwright/test";

import { hasJavaScript, isAppError, open } from "./support";

/** Every test person's password. */
export const PASSWORD = "correct horse battery";

/** One email of the developers' Mailbox list. */
export interface SentEmail {
  id: string;
  to: string;
  kind: string;
  subject: string;
}

/** A new context (its own cookies) with the project's JavaScript setting; a console error from
 * our pages fails the test. */
export async function newPage(browser: Browser, javaScript: boolean, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, baseURL });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error" && isAppError(message.text())) {
      throw new Error(`console error: ${message.text()}`);
    }
  });
  return page;
}

/** The most recent emails of the developers' Mailbox (newest first), read with `page`'s cookies. */
export async function mailbox(page: Page, baseURL: string): Promise<SentEmail[]> {
  const answer = await page.context().request.post("/api/mailbox/list", { headers: { origin: baseURL } });
  expect(answer.status()).toBe(200);
  return answer.json();
}

/** The emails of `kind` sent to `to`. */
export async function emailsTo(page: Page, baseURL: string, to: string, kind: string): Promise<SentEmail[]> {
  return (await mailbox(page, baseURL)).filter((sent) => sent.to === to && sent.kind === kind);
}

/** The plain-text body of the newest email of `kind` sent to `to`. */
async function latestText(page: Page, baseURL: string, to: string, kind: string): Promise<string> {
  const headers = { origin: baseURL };
  const entry = (await emailsTo(page, baseURL, to, kind))[0];
  const opened = await (await page.context().request.post("/api/mailbox/email", { form: { id: entry.id }, headers })).json();
  return opened.text_body as string;
}

/** Signs up an organization through its page, then confirms its address through the server
 * functions the mailbox and the confirmation page call (the pages are tested elsewhere). */
export async function signUp(page: Page, javaScript: boolean, baseURL: string, name: string, email: string) {
  await open(page, "/sign-up", javaScript);
  await page.getByLabel("Organization name").fill(name);
  await page.getByLabel("Your name").fill(`Admin of ${name}`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator('[data-test="signed-in-as"]')).toContainText(name);
  const text = await latestText(page, baseURL, email, "email_verification");
  const token = text.match(/\/verify-email\?token=([0-9a-f]{64})/)![1];
  const headers = { origin: baseURL };
  expect((await page.context().request.post("/api/verify_email", { form: { token }, headers })).status()).toBe(200);
}

/** `from` invites `toEmail` and `to` accepts, through the Partners tab's server functions. */
export async function partner(from: Page, to: Page, baseURL: string, toEmail: string, fromName: string) {
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

/** A user `admin`'s organization adds, with their password set from the emailed link and
 * signed in, in a new context (the Users page and the set-password page are tested elsewhere). */
export async function addSignedInUser(
  browser: Browser,
  admin: Page,
  javaScript: boolean,
  baseURL: string,
  name: string,
  email: string,
): Promise<Page> {
  const headers = { origin: baseURL };
  const added = await admin.context().request.post("/api/add_user", { form: { name, email, profile: "standard" }, headers });
  expect(added.status()).toBe(200);
  const text = await latestText(admin, baseURL, email, "user_invitation");
  const token = text.match(/\/set-password\?token=([0-9a-f]{64})/)![1];
  const person = await newPage(browser, javaScript, baseURL);
  const set = await person.context().request.post("/api/set_password", {
    form: { token, password: PASSWORD, confirm_password: PASSWORD },
    headers,
  });
  expect(set.status()).toBe(200);
  const signedIn = await person.context().request.post("/api/sign_in", { form: { email, password: PASSWORD }, headers });
  expect(signedIn.status()).toBe(200);
  return person;
}

/** Opens the folder `name` from the Documents of the organization signed in on `page`. */
export async function openFolder(page: Page, javaScript: boolean, name: string) {
  await open(page, "/documents", javaScript);
  await page.locator('[data-test="item-row"]').filter({ hasText: name }).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
}

/** Uploads one file into the folder open on `page`: text by default, or `content` of `mimeType`. */
export async function upload(page: Page, name: string, content: string | Buffer, mimeType = "text/plain") {
  const buffer = typeof content === "string" ? Buffer.from(content) : content;
  await page.getByLabel("Upload files").setInputFiles({ name, mimeType, buffer });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.locator('[data-test="item-row"]').filter({ hasText: name })).toBeVisible();
}

/** Acme and Globex, each signed up in its own context, partners. */
export async function twoPartners(browser: Browser, origin: string, project: string) {
  const javaScript = hasJavaScript(project);
  const stamp = `${project}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const acme = await newPage(browser, javaScript, origin);
  const globex = await newPage(browser, javaScript, origin);
  const acmeName = `Acme ${stamp}`;
  const globexName = `Globex ${stamp}`;
  await signUp(acme, javaScript, origin, acmeName, `ada-${stamp}@e2e.example`);
  await signUp(globex, javaScript, origin, globexName, `gil-${stamp}@e2e.example`);
  await partner(acme, globex, origin, `gil-${stamp}@e2e.example`, acmeName);
  return { javaScript, stamp, origin, acme, globex, acmeName, globexName };
}
