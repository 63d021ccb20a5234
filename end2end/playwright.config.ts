import { defineConfig } from "@playwright/test";

// Debian's Chromium: Playwright cannot download its own browsers here.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Ports of their own, so a `make run` on 3000/4100 is never mistaken for the suite's server.
export const SITE_ADDR = "127.0.0.1:3100";
export const EMULATOR_ADDR = "127.0.0.1:4101";
export const BASE_URL = `http://${SITE_ADDR}`;
export const EMULATOR_URL = `http://${EMULATOR_ADDR}`;
/** What both servers share: the binary cargo-leptos built, and its site. */
const SERVER = {
  cwd: "..",
  reuseExistingServer: !process.env.CI,
  timeout: 120_000,
  stdout: "pipe" as const,
  stderr: "pipe" as const,
};
// A hung WorkOS is given up on quickly (the errors spec hangs it on purpose).
const SITE = { LEPTOS_OUTPUT_NAME: "orgdeck", LEPTOS_SITE_ROOT: "target/site", LEPTOS_SITE_PKG_DIR: "pkg", WORKOS_TIMEOUT_MS: "1500" };

/** A second Orgdeck in real-WorkOS mode, pointed at the first one's emulator (as if it were WorkOS). */
export const REAL_MODE_ADDR = "127.0.0.1:3102";
export const REAL_MODE_URL = `http://${REAL_MODE_ADDR}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  // A run that stalls fails with what it was doing, long before CI's own limit.
  globalTimeout: 25 * 60_000,
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
  // The server cargo-leptos built (make test builds it first), on the embedded emulator;
  // and the same binary in real-WorkOS mode, pointed at that emulator.
  webServer: [{
    ...SERVER,
    // A database of its own, new for each run: the developer's data/ stays theirs.
    command: "rm -rf target/e2e-data && ./target/debug/orgdeck",
    url: `${BASE_URL}/health`,
    env: {
      ...SITE,
      LEPTOS_SITE_ADDR: SITE_ADDR,
      LEPTOS_RELOAD_PORT: "3101",
      WORKOS_EMULATOR_ADDR: EMULATOR_ADDR,
      // The suite is always on the emulator, whatever the developer's .env says.
      WORKOS_API_KEY: "",
      WORKOS_CLIENT_ID: "",
      WORKOS_COOKIE_PASSWORD: "",
      WORKOS_REDIRECT_URI: "",
      WORKOS_WEBHOOK_SECRET: "",
      DATABASE_URL: "sqlite://target/e2e-data/orgdeck.db",
      // Fast refills, so the test that empties a bucket leaves it usable for the next.
      ORGDECK_USER_CALLS_PER_MINUTE: "600",
      ORGDECK_USER_CALLS_BURST: "100",
      RUST_LOG: "warn",
    },
  }, {
    ...SERVER,
    command: "rm -rf target/e2e-real && ./target/debug/orgdeck",
    url: `${REAL_MODE_URL}/health`,
    env: {
      ...SITE,
      LEPTOS_SITE_ADDR: REAL_MODE_ADDR,
      LEPTOS_RELOAD_PORT: "3103",
      WORKOS_API_KEY: "sk_test_emulator",
      WORKOS_CLIENT_ID: "client_emulator",
      WORKOS_COOKIE_PASSWORD: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      WORKOS_API_HOSTNAME: "127.0.0.1",
      WORKOS_API_PORT: EMULATOR_ADDR.split(":")[1],
      WORKOS_API_HTTPS: "false",
      WORKOS_REDIRECT_URI: `${REAL_MODE_URL}/auth/callback`,
      WORKOS_WEBHOOK_SECRET: "",
      DATABASE_URL: "sqlite://target/e2e-real/orgdeck.db",
      RUST_LOG: "error",
    },
  }],
});
