import { defineConfig } from "@playwright/test";

// Debian's Chromium: Playwright cannot download its own browsers here.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const BASE_URL = "http://127.0.0.1:3000";
export const EMULATOR_URL = process.env.WORKOS_EMULATOR_URL ?? "http://127.0.0.1:4100";

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // One app and one emulator for the whole run: tests reset it and run in turn.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: BASE_URL,
    viewport: { width: 1280, height: 900 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  // The server cargo-leptos built (make test builds it first), on the embedded emulator.
  webServer: {
    command: "./target/debug/orgdeck",
    cwd: "..",
    url: `${BASE_URL}/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      LEPTOS_OUTPUT_NAME: "orgdeck",
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_SITE_ADDR: "127.0.0.1:3000",
      LEPTOS_RELOAD_PORT: "3001",
      // The suite is always on the emulator, whatever the developer's .env says.
      WORKOS_API_KEY: "",
      WORKOS_CLIENT_ID: "",
      RUST_LOG: "warn",
    },
  },
});
