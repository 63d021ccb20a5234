import { test as base, expect, type Page } from "@playwright/test";
import { BASE_URL, EMULATOR_URL } from "../playwright.config";

export const USERS = {
  admin: { email: "ada@acme.test", name: "Ada Admin" },
  member: { email: "max@acme.test", name: "Max Member" },
  both: { email: "bea@globex.test", name: "Bea Both" },
  nobody: { email: "nora@example.test", name: "Nora Nobody" },
} as const;

/**
 * Every test starts on a freshly seeded emulator, and fails on any console error
 * or uncaught page error: hydration mismatches and widget failures only show there.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page, request }, use) => {
      const reset = await request.post(`${EMULATOR_URL}/_emulator/reset`);
      expect(reset.ok()).toBeTruthy();
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(`console: ${msg.text()} (${msg.location().url})`);
      });
      page.on("pageerror", (err) => errors.push(`page error: ${err.message}`));
      await use(errors);
      expect(errors, "no console errors or page errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the Leptos app has hydrated (clicks before that are lost). */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toBeAttached();
}

/**
 * Signs in through the emulator's hosted AuthKit page, starting from `path`
 * (a page that needs a session, so it sends us to sign in and back).
 */
export async function signIn(page: Page, email: string, path = "/", organization?: string) {
  await page.goto(path);
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  await page.locator(`button[data-email="${email}"]`).click();
  if (organization) {
    await page.getByRole("button", { name: organization }).click();
  }
  await expect(page).toHaveURL(BASE_URL + path);
  await hydrated(page);
}
