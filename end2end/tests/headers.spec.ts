import { test, expect, signIn, USERS } from "./fixtures";
import { EMULATOR_URL } from "../playwright.config";

test("the widget page runs under its Content-Security-Policy: the widget renders, an injected script does not", async ({ page, consoleErrors }) => {
  await signIn(page, USERS.admin.email);
  const res = await page.goto("/widgets/users");
  const csp = res!.headers()["content-security-policy"];
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=_-]+' 'wasm-unsafe-eval'/);
  expect(csp).toContain(`connect-src 'self' ${EMULATOR_URL}`);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res!.headers()["x-content-type-options"]).toBe("nosniff");

  // The official widget loads its bundle and calls WorkOS under that policy.
  await expect(page.locator('[data-component="UsersManagement"]').getByText("max@acme.test", { exact: true })).toBeVisible();

  // What an injected script would be: refused, and reported.
  const directive = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), { once: true });
        const s = document.createElement("script");
        s.textContent = "window.__injected = true";
        document.body.append(s);
        setTimeout(() => resolve("not blocked"), 3000);
      }),
  );
  expect(directive).toBe("script-src-elem");
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  // That refusal is the only console error this page may have.
  const refused = consoleErrors.filter((e) => e.includes("script-src"));
  expect(refused.length).toBeGreaterThan(0);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes("script-src")));
});

test("no page of Orgdeck can be framed by another site", async ({ page }) => {
  await signIn(page, USERS.admin.email);
  for (const path of ["/", "/events", "/lab", "/doctor"]) {
    const res = await page.goto(path);
    expect(res!.headers()["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(res!.headers()["x-frame-options"], path).toBe("DENY");
  }
});
