// Entente's browser tests: every spec runs twice, with JavaScript disabled and enabled.
//
// `cargo xtask test` starts a freshly built server with its own database and passes its
// address in BASE_URL. Chromium is Debian's (/usr/bin/chromium): Playwright's own browser
// download cannot work on these machines.
import { defineConfig } from "@playwright/test";

const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3000";

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-gpu",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // One rerun of a failed test: on a loaded 2-core machine a step can miss its time limit
  // (CI once failed on a test it passed on the next run). A rerun that passes is reported as
  // "flaky" in the list, so a flake stays visible; a test that fails twice fails the suite.
  retries: 1,
  workers: 2,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    { name: "no-js", use: { ...chromium, javaScriptEnabled: false } },
    { name: "js", use: { ...chromium, javaScriptEnabled: true } },
  ],
});
