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
