// The smoke test of the foundation: server-side rendering, hydration, a clean console.
import { expect, test } from "@playwright/test";
import { hasJavaScript, open } from "./support";

test.describe("home page", () => {
  test("is rendered on the server: its text is in the first HTML response", async ({ request }) => {
    const response = await request.get("/");
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).toContain("Work with your partners as one team");
    expect(html).toContain("The service is running and its database answered in");
  });

  test("shows the service status and the navigation", async ({ page }, testInfo) => {
    await open(page, "/", hasJavaScript(testInfo.project.name));
    await expect(page).toHaveTitle("Entente");
    await expect(page.getByRole("heading", { name: "Work with your partners as one team" })).toBeVisible();
    await expect(page.locator('[data-test="status-line"]')).toContainText("The service is running and its database answered in");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" })).toBeVisible();
  });

  test("hydrates: the check button works in place and the console stays clean", async ({ page }, testInfo) => {
    test.skip(testInfo.project.name === "no-js", "hydration needs JavaScript");
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("requestfailed", (request) => problems.push(`requestfailed: ${request.url()}`));

    await open(page, "/", true);
    await page.getByRole("button", { name: "Check again" }).click();
    await expect(page.locator('[data-test="check-count"]')).toHaveText("Checked 2 times on this visit.");
    await expect(page.locator('[data-test="status-line"]')).toContainText("The service is running and its database answered in");
    expect(problems).toEqual([]);
  });

  test("without JavaScript the check button does nothing but the page is complete", async ({ page }, testInfo) => {
    test.skip(testInfo.project.name === "js", "this checks the no-JavaScript rendering");
    await open(page, "/", false);
    await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
    await page.getByRole("button", { name: "Check again" }).click();
    await expect(page.locator('[data-test="check-count"]')).toHaveText("Checked once on this visit.");
  });
});

test.describe("unknown pages", () => {
  test("answer 404 with a readable page", async ({ page }, testInfo) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page).toHaveTitle("Page not found · Entente");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    if (hasJavaScript(testInfo.project.name)) await expect(page.locator("body[data-hydrated]")).toBeAttached();
    await page.getByRole("link", { name: "Go to the home page" }).click();
    await expect(page).toHaveURL(/\/$/);
  });
});

test("the health check answers ok", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.text()).toBe("ok");
});
