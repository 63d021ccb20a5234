import { createHmac } from "node:crypto";
import { test as base, expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
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
      // A blocked load is a console error in Chromium already; this also names the directive.
      await page.addInitScript(() =>
        document.addEventListener("securitypolicyviolation", (e) =>
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline code"}`),
        ),
      );
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

/** The newest one-time code the emulator emailed to `to` (waits for it to arrive). */
export async function emailedCode(request: APIRequestContext, to: string, purpose: string, notBefore?: string): Promise<string> {
  let code = "";
  await expect
    .poll(async () => {
      const res = await request.get(`${EMULATOR_URL}/_emulator/outbox?to=${encodeURIComponent(to)}`);
      const mail = (await res.json()).data.find((m: { purpose: string; created_at: string }) => m.purpose === purpose && (!notBefore || m.created_at >= notBefore));
      code = mail?.code ?? "";
      return code;
    }, { message: `a ${purpose} email to ${to}` })
    .toMatch(/^\d{6}$/);
  return code;
}

/** The emulator's clock, moved `offset_seconds` from real time; returns its "now" (ISO). */
export async function setClock(request: APIRequestContext, offset_seconds: number): Promise<string> {
  const res = await request.post(`${EMULATOR_URL}/_emulator/clock`, { data: { offset_seconds } });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).now;
}

export async function emulatorNow(request: APIRequestContext): Promise<string> {
  return (await (await request.get(`${EMULATOR_URL}/_emulator/clock`)).json()).now;
}

/** RFC 6238 (SHA-1, 6 digits, 30 s): what an authenticator app shows for `secret` at `at`. */
export function totpCode(secret: string, at: Date): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at.getTime() / 1000 / 30)));
  const hmac = createHmac("sha1", key).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0xf;
  return String((hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** Types a code into the widgets' six one-digit boxes (they advance and submit by themselves). */
export async function typeCode(scope: Locator, code: string) {
  await scope.locator('input[inputmode="numeric"]').first().click();
  await scope.page().keyboard.type(code, { delay: 20 });
}

/** Signs in with email and password on the hosted page (not a user's button). */
export async function signInWithPassword(page: Page, email: string, password: string) {
  await page.goto("/");
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function signOut(page: Page) {
  await page.goto("/");
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
}

/** Drops the browser's own log lines for statuses a test provokes on purpose. */
export function expectLoggedStatus(consoleErrors: string[], status: number) {
  const line = `status of ${status}`;
  expect(consoleErrors.some((e) => e.includes(line)), `the browser logged the ${status}`).toBe(true);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes(line)));
}

/**
 * Starts a hosted Admin Portal flow from a dashboard card: its one portal
 * button, or the item of its "Admin Portal" menu when more than one applies.
 */
export async function portalAction(page: Page, card: string, name: string) {
  const scope = page.locator(`[data-card="${card}"]`);
  const menu = scope.locator("details.menu");
  if ((await menu.count()) > 0 && !(await menu.getAttribute("open"))) {
    await menu.locator("summary").click();
  }
  await scope.getByRole("button", { name }).click();
}
