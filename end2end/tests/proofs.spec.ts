// Proofs and review (issue 15, SPEC 3.2) across two organizations, with JavaScript off and on:
// Acme sends a two-page PDF for review to one of its own users and to Globex's admin (a member,
// synced when they partnered), with a deadline; the reviewers find it under My reviews, comment
// (pinned on page 2 by a click with JavaScript, by choosing the page without) and decide; Acme
// reads the overall status and why, uploads version 2, which asks everyone again while version 1
// keeps its decisions; the emails each side gets; a hostile comment shown as text; a stranger
// answered exactly like a random id; and a lock that stops decisions.
import { randomUUID } from "node:crypto";

import { expect, test, type Page } from "@playwright/test";

import { addSignedInUser, emailsTo, newPage, signUp, twoPartners, upload } from "./orgs";
import { hasJavaScript, open } from "./support";

/** A small valid PDF with one page per entry of `pages`, each showing that text (the
 * cross-reference table's offsets counted in bytes, as readers check them). */
function pdf(pages: string[]): Buffer {
  const escape = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);
  const objects: string[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + 2 * i} 0 R`).join(" ")}] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  pages.forEach((text, i) => {
    const stream = `BT /F1 32 Tf 72 700 Td (${escape(text)}) Tj ET`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`,
    );
    objects.push(`<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`);
  });
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** Opens `path` on `page` again until its preview is ready (made in the background). */
async function untilPreviewReady(page: Page, path: string, javaScript: boolean) {
  await expect(async () => {
    await open(page, path, javaScript);
    await expect(page.locator('[data-test="preview-ready"]')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 90_000, intervals: [1_000, 2_000, 3_000] });
}

/** A deadline `days` from now at 17:00 UTC, as a date-time field takes it. */
function deadlineIn(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  return `${date}T17:00`;
}

const HOSTILE = "<script>alert(1)</script>";

test.describe("proofs", () => {
  test.describe.configure({ timeout: 300_000 });

  test("a PDF sent for review to an own user and a partner's member: comments, decisions, a new version, emails, a stranger and a lock", async ({ browser, baseURL }, testInfo) => {
    const { javaScript, stamp, origin, acme, globex, acmeName, globexName } = await twoPartners(browser, baseURL!, testInfo.project.name);
    const adaEmail = `ada-${stamp}@e2e.example`;
    const gilEmail = `gil-${stamp}@e2e.example`;
    const ritaEmail = `rita-${stamp}@e2e.example`;
    const rita = await addSignedInUser(browser, acme, javaScript, origin, "Rita Reviewer", ritaEmail);
    const gil = globex;
    const gilLabel = `Admin of ${globexName} (${globexName})`;
    const ritaLabel = `Rita Reviewer (${acmeName})`;
    // No page may open a dialog: a comment's text is never run.
    const dialogs: string[] = [];
    for (const page of [acme, gil, rita]) {
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
    }

    // Acme uploads a two-page PDF; its preview has both pages.
    await open(acme, "/documents", javaScript);
    await upload(acme, "brochure.pdf", pdf(["Spring brochure, page one", "Prices and contacts, page two"]), "application/pdf");
    await acme.locator('[data-test="item-row"]').filter({ hasText: "brochure.pdf" }).getByRole("link", { name: "brochure.pdf" }).click();
    await expect(acme.getByRole("heading", { name: "brochure.pdf", level: 1 })).toBeVisible();
    const fileUrl = new URL(acme.url());
    const filePath = `${fileUrl.pathname}${fileUrl.search}`;
    const file = fileUrl.searchParams.get("file")!;
    const proofPath = `/proofs/proof?proof=${file}`;
    await untilPreviewReady(acme, filePath, javaScript);
    await expect(acme.locator('[data-test="preview-ready"] img')).toHaveCount(2);

    // Sends it for review to Rita (Acme) and Gil (Globex's admin, a member), with a deadline.
    const send = acme.locator('[data-test="send-review"]');
    await expect(send.getByRole("heading", { name: "Send for review" })).toBeVisible();
    await expect(send.locator("legend")).toHaveText([acmeName, globexName]);
    await send.getByLabel(ritaLabel).check();
    await send.getByLabel(gilLabel).check();
    const deadline = deadlineIn(10);
    await send.getByLabel("Deadline (UTC, optional)").fill(deadline);
    await send.getByRole("button", { name: "Send for review" }).click();
    await expect(acme).toHaveURL(new RegExp(`/proofs/proof\\?proof=${file}`));
    await expect(acme.getByRole("heading", { name: "brochure.pdf", level: 1 })).toBeVisible();
    await expect(acme.locator('[data-test="overall-status"]')).toHaveText("Pending");
    await expect(acme.locator('[data-test="proof-deadline"]')).toContainText(`Deadline: ${deadline.replace("T", " ")} UTC`);
    await expect(acme.locator('[data-test="reviewer-row"]')).toHaveCount(2);
    await expect(acme.locator('[data-test="reviewer-decision"]')).toHaveText(["Pending", "Pending"]);
    await expect(acme.locator('[data-test="status-reason"]')).toContainText("Waiting for");
    // The file's page now links to its proof instead of the form.
    await open(acme, filePath, javaScript);
    await expect(acme.locator('[data-test="proof-link"]').getByRole("link", { name: "Open the proof" })).toBeVisible();
    await expect(acme.locator('[data-test="send-review"]')).toHaveCount(0);
    for (const to of [ritaEmail, gilEmail]) {
      expect(await emailsTo(acme, origin, to, "proof_review_requested")).toHaveLength(1);
    }

    // Rita, from My reviews: a comment that tries to be a script stays text; she approves.
    await open(rita, "/reviews", javaScript);
    const ritaRow = rita.locator('[data-test="proof-row"]').filter({ hasText: "brochure.pdf" });
    await expect(ritaRow).toContainText(acmeName);
    await expect(ritaRow).toContainText("Pending");
    await ritaRow.getByRole("link", { name: "brochure.pdf" }).click();
    await expect(rita.getByRole("heading", { name: "brochure.pdf", level: 1 })).toBeVisible();
    await rita.locator('[data-test="comment-form"]').getByLabel("Comment", { exact: true }).fill(HOSTILE);
    await rita.locator('[data-test="comment-form"]').getByRole("button", { name: "Comment", exact: true }).click();
    const ritaComments = rita.locator('[data-test="comments"]');
    await expect(ritaComments.locator('[data-test="comment-body"]')).toHaveText([HOSTILE]);
    await expect(ritaComments.locator("script")).toHaveCount(0);
    await rita.locator('[data-test="decide"]').getByRole("button", { name: "Approved", exact: true }).click();
    await expect(rita.locator('[data-test="decide"]')).toContainText("Your decision on version 1: Approved");

    // Gil, from My reviews: a comment on page 2, then Changes required.
    await open(gil, "/reviews", javaScript);
    const gilRow = gil.locator('[data-test="proof-row"]').filter({ hasText: "brochure.pdf" });
    await expect(gilRow).toContainText(acmeName);
    await gilRow.getByRole("link", { name: "brochure.pdf" }).click();
    await expect(gil.getByRole("heading", { name: "brochure.pdf", level: 1 })).toBeVisible();
    await expect(gil.locator('[data-test="preview-ready"] img')).toHaveCount(2);
    const form = gil.locator('[data-test="comment-form"]');
    if (javaScript) {
      await gil.locator('[data-test="preview-ready"] [data-page="2"] img').click();
      await expect(gil.locator('[data-page="2"] [data-test="new-pin"]')).toBeVisible();
      await expect(form.getByLabel("On page")).toHaveValue("2");
      await expect(form).toContainText("Pinned to the point you clicked on page 2.");
    } else {
      await form.getByLabel("On page").selectOption({ label: "Page 2" });
    }
    await form.getByLabel("Comment", { exact: true }).fill("The prices on page two are last year's.");
    await form.getByRole("button", { name: "Comment", exact: true }).click();
    const gilComment = gil.locator('[data-test="comment"]').filter({ hasText: "The prices on page two are last year's." });
    await expect(gilComment).toContainText(javaScript ? "pinned on page 2" : "page 2");
    if (javaScript) {
      // The pin is drawn where the click was (the middle of the page), and the next comment
      // starts without one.
      const page2 = gil.locator('[data-test="preview-ready"] [data-page="2"]');
      await expect(page2.locator('[data-test="pin"]')).toHaveText("2");
      await expect
        .poll(async () => {
          const image = await page2.locator("img").boundingBox();
          const pin = await page2.locator('[data-test="pin"]').boundingBox();
          if (!image || !pin || image.height < 50) {
            return "not laid out yet";
          }
          const dx = Math.abs(pin.x + pin.width / 2 - (image.x + image.width / 2)) / image.width;
          const dy = Math.abs(pin.y + pin.height / 2 - (image.y + image.height / 2)) / image.height;
          return dx < 0.05 && dy < 0.05 ? "at the click" : `off by ${dx.toFixed(2)}, ${dy.toFixed(2)}`;
        })
        .toBe("at the click");
      await expect(gil.locator('[data-test="new-pin"]')).toHaveCount(0);
      await expect(form.getByLabel("On page")).toHaveValue("");
    }
    await gil.locator('[data-test="decide"]').getByRole("button", { name: "Changes required", exact: true }).click();
    await expect(gil.locator('[data-test="decide"]')).toContainText("Your decision on version 1: Changes required");

    // Acme sees Changes required, set by Gil, and both comments, Gil's on page 2.
    await open(acme, proofPath, javaScript);
    await expect(acme.locator('[data-test="overall-status"]')).toHaveText("Changes required");
    await expect(acme.locator('[data-test="status-reason"]')).toHaveText(`${gilLabel} requires changes.`);
    const acmeComments = acme.locator('[data-test="comment"]');
    await expect(acmeComments).toHaveCount(2);
    await expect(acmeComments.filter({ hasText: HOSTILE }).locator('[data-test="comment-body"]')).toHaveText(HOSTILE);
    await expect(acme.locator('[data-test="comments"] script')).toHaveCount(0);
    const pinned = acmeComments.filter({ hasText: "The prices on page two are last year's." });
    if (javaScript) {
      await expect(pinned).toContainText("pinned on page 2");
      await expect(acme.locator('[data-test="preview-ready"] [data-page="2"] [data-test="pin"]')).toHaveText("2");
      await expect(acme.locator('[data-test="preview-ready"] [data-page="2"] [data-test="pin"]')).toHaveAttribute("aria-label", "Comment 2");
      await expect(acme.locator('[data-test="preview-ready"] [data-page="1"] [data-test="pin"]')).toHaveCount(0);
    } else {
      await expect(pinned).toContainText(" · page 2");
      await expect(acme.locator('[data-test="pin"]')).toHaveCount(0);
    }
    expect(await emailsTo(acme, origin, adaEmail, "proof_decision")).toHaveLength(2);
    expect(await emailsTo(acme, origin, adaEmail, "proof_status_final")).toHaveLength(1);
    // Our proofs lists it as Changes required.
    await open(acme, "/proofs?status=changes_required", javaScript);
    await expect(acme.locator('[data-test="proof-row"]').filter({ hasText: "brochure.pdf" })).toContainText("Changes required");

    // Acme uploads version 2 on the file's page: both reviewers are Pending on it and told.
    await open(acme, filePath, javaScript);
    await acme.getByLabel("Upload a new version").setInputFiles({
      name: "brochure.pdf",
      mimeType: "application/pdf",
      buffer: pdf(["Spring brochure, page one", "New prices, page two"]),
    });
    await acme.getByRole("button", { name: "Upload new version" }).click();
    await expect(acme.locator('[data-test="version-row"]')).toHaveCount(2);
    await open(acme, proofPath, javaScript);
    await expect(acme.locator("#status-heading")).toContainText("Version 2:");
    await expect(acme.locator('[data-test="overall-status"]')).toHaveText("Pending");
    await expect(acme.locator('[data-test="reviewer-decision"]')).toHaveText(["Pending", "Pending"]);
    await expect(acme.locator('[data-test="no-comments"]')).toBeVisible();
    for (const to of [ritaEmail, gilEmail]) {
      expect(await emailsTo(acme, origin, to, "proof_new_version")).toHaveLength(1);
    }

    // Version 1, from the version picker, keeps its decisions and comments.
    const versions = acme.getByRole("navigation", { name: "Versions" });
    await expect(versions.getByText("Version 2 (current)")).toBeVisible();
    await versions.getByRole("link", { name: "Version 1", exact: true }).click();
    await expect(acme.locator('[data-test="old-version"]')).toBeVisible();
    await expect(acme.locator('[data-test="overall-status"]')).toHaveText("Changes required");
    await expect(acme.locator('[data-test="status-reason"]')).toHaveText(`${gilLabel} requires changes.`);
    await expect(acme.locator('[data-test="comment"]')).toHaveCount(2);
    await acme.locator('[data-test="old-version"]').getByRole("link", { name: "Go to the current version" }).click();
    await expect(acme.locator('[data-test="old-version"]')).toHaveCount(0);
    await expect(acme.locator('[data-test="overall-status"]')).toHaveText("Pending");

    // Both approve version 2; Acme sees Approved.
    for (const reviewer of [rita, gil]) {
      await open(reviewer, "/reviews", javaScript);
      const row = reviewer.locator('[data-test="proof-row"]').filter({ hasText: "brochure.pdf" });
      await expect(row).toContainText("Pending");
      await row.getByRole("link", { name: "brochure.pdf" }).click();
      await expect(reviewer.locator('[data-test="decide"]')).toContainText("Your decision on version 2: Pending");
      await reviewer.locator('[data-test="decide"]').getByRole("button", { name: "Approved", exact: true }).click();
      await expect(reviewer.locator('[data-test="decide"]')).toContainText("Your decision on version 2: Approved");
    }
    await open(acme, proofPath, javaScript);
    await expect(acme.locator('[data-test="overall-status"]')).toHaveText("Approved");
    await expect(acme.locator('[data-test="reviewer-decision"]')).toHaveText(["Approved", "Approved"]);
    expect(await emailsTo(acme, origin, adaEmail, "proof_decision")).toHaveLength(4);
    expect(await emailsTo(acme, origin, adaEmail, "proof_status_final")).toHaveLength(2);
    // The reviewers' decisions are no email to themselves.
    for (const to of [ritaEmail, gilEmail]) {
      expect(await emailsTo(acme, origin, to, "proof_decision")).toHaveLength(0);
    }

    // A user of an unrelated organization gets the same answer as for a random id.
    const initech = await newPage(browser, javaScript, origin);
    await signUp(initech, javaScript, origin, `Initech ${stamp}`, `ian-${stamp}@e2e.example`);
    const answers: { status: number | undefined; text: string }[] = [];
    for (const path of [proofPath, `/proofs/proof?proof=${randomUUID()}`]) {
      const response = await initech.goto(path);
      const alert = initech.locator('[role="alert"]').filter({ hasText: "could not be loaded" });
      await expect(alert).toContainText("We could not find that. It may have been removed.");
      await expect(initech.getByRole("heading", { name: "brochure.pdf" })).toHaveCount(0);
      answers.push({ status: response?.status(), text: (await alert.innerText()).trim() });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0].status).toBe(404);
    // Nor through the server function.
    const opened = await initech.context().request.post("/api/proofs/open", { form: { proof: file }, headers: { origin } });
    expect(opened.status()).toBe(404);

    // Acme locks the proof: Gil can no longer decide, on the page or by posting.
    await open(acme, proofPath, javaScript);
    await acme.locator('[data-test="lock-button"]').click();
    await expect(acme.locator('[data-test="proof-locked"]')).toBeVisible();
    await expect(acme.locator('[data-test="lock-button"]')).toHaveText("Unlock");
    await open(gil, proofPath, javaScript);
    await expect(gil.locator('[data-test="proof-locked"]')).toBeVisible();
    await expect(gil.locator('[data-test="overall-status"]')).toHaveText("Approved");
    await expect(gil.locator('[data-test="decide"]')).toHaveCount(0);
    await expect(gil.locator('[data-test="comment-form"]')).toHaveCount(0);
    const refused = await gil.context().request.post("/api/proofs/decide", {
      form: { proof: file, version: "2", decision: "changes_required" },
      headers: { origin },
    });
    expect(refused.status()).toBe(409);
    await open(acme, proofPath, javaScript);
    await expect(acme.locator('[data-test="overall-status"]')).toHaveText("Approved");
    await expect(acme.locator('[data-test="reviewer-decision"]')).toHaveText(["Approved", "Approved"]);

    expect(dialogs).toEqual([]);
  });
  test("a file uploaded for review from Our proofs opens at Send for review", async ({ browser, baseURL }, testInfo) => {
    const javaScript = hasJavaScript(testInfo.project.name);
    const origin = baseURL!;
    const stamp = `${testInfo.project.name}-${randomUUID()}`;
    const page = await newPage(browser, javaScript, origin);
    await signUp(page, javaScript, origin, `Umbrella ${stamp}`, `uma-${stamp}@e2e.example`);
    await open(page, "/documents", javaScript);
    await open(page, "/proofs", javaScript);
    await expect(page.locator('[data-test="no-proofs"]')).toBeVisible();
    const form = page.locator('[data-test="upload-for-review"]');
    await form.getByLabel("Upload a file for review").setInputFiles({
      name: "Poster.pdf",
      mimeType: "application/pdf",
      buffer: pdf(["Poster"]),
    });
    await form.getByRole("button", { name: "Upload and choose reviewers" }).click();
    await expect(page.getByRole("heading", { name: "Poster.pdf", level: 1 })).toBeVisible();
    expect(page.url()).toContain("/documents/file?file=");
    await expect(page.locator('[data-test="send-review"]')).toBeVisible();
  });
});
