// Helpers shared by the browser tests.
import { expect, type Page } from "@playwright/test";

/** Opens `path` and, when JavaScript is on, waits until the page has hydrated. */
export async function open(page: Page, path: string, javaScript: boolean): Promise<void> {
  await page.goto(path);
  if (javaScript) {
    await expect(page.locator("body[data-hydrated]")).toBeAttached();
  }
}

/** Whether the running project has JavaScript enabled. */
export function hasJavaScript(projectName: string): boolean {
  return projectName !== "no-js";
}

/**
 * Whether a console error comes from our pages rather than from the browser's own notes:
 * "Failed to load resource" follows each deliberate refusal (a 403 page, a 500 answer), and
 * "Blocked script execution in 'about:srcdoc'" is the developers' Mailbox frame, sandboxed
 * without scripts on purpose, refusing a script Playwright itself tries to run in every frame
 * (microsoft/playwright#33343; our email HTML has none; seen once in CI).
 */
export function isAppError(text: string): boolean {
  return !text.startsWith("Failed to load resource") && !text.startsWith("Blocked script execution in 'about:srcdoc'");
}
