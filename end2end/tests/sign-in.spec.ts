import { test, expect, signIn, signOut, hydrated, USERS } from "./fixtures";
import { BASE_URL, EMULATOR_URL } from "../playwright.config";

test("the admin signs in through AuthKit and sees the organization and the Members card", async ({ page }) => {
  await signIn(page, USERS.admin.email);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  await expect(page.locator(".domains")).toContainText("acme.test");
  await expect(page.getByTestId("member-count")).toHaveText("3 members");
  await expect(page.getByTestId("viewer-name")).toHaveText(USERS.admin.name);
  await expect(page.getByTestId("viewer-role")).toHaveText("admin");
  const members = page.locator('[data-card="users"]');
  await expect(members.getByRole("heading")).toHaveText("Members");
  await expect(members.getByTestId("card-state")).toHaveText("3 members · 0 pending invitations");
  await expect(members.getByRole("link", { name: "Open" })).toHaveAttribute("href", "/widgets/users");
  await expect(page.locator('[data-card="sso"]').getByTestId("card-state")).toHaveText("Not set up");
  await page.screenshot({ path: "screenshots/dashboard.png", fullPage: true });
});

test("the session cookie is sealed, HttpOnly and SameSite=Lax, and no secret reaches the browser", async ({ page, context, request }) => {
  await signIn(page, USERS.admin.email);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "wos-session");
  expect(session).toBeDefined();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Lax");
  expect(await page.evaluate(() => document.cookie)).not.toContain("wos-session");

  // Everything the server sends to a signed-in browser: pages, JS, WASM, the widgets bundle.
  const headers = { cookie: `wos-session=${session!.value}` };
  const { dir } = await (await request.get("/widget-host/manifest.json")).json();
  // The JS and WASM under the names this build gave them (the page's own preload links).
  const html = await (await request.get("/", { headers })).text();
  const pkg = [...html.matchAll(/\/pkg\/orgdeck\.[A-Za-z0-9_-]+\.(?:js|wasm)/g)].map((m) => m[0]);
  expect(new Set(pkg).size, html).toBe(2);
  const urls = ["/", "/widgets/users", "/return/users?outcome=done", ...new Set(pkg), `/widget-host/${dir}/host.js`];
  for (const url of urls) {
    const res = await request.get(url, { headers });
    expect(res.status(), url).toBe(200);
    const body = (await res.body()).toString("latin1");
    expect(body, url).not.toContain("sk_test_emulator");
    expect(body, url).not.toMatch(/sk_(test|live)_[A-Za-z0-9]/);
    expect(body, url).not.toContain(session!.value);
  }
});

test("a user with no organization is told so and can sign out", async ({ page }) => {
  await signIn(page, USERS.nobody.email);
  const notice = page.locator('[data-error="no-organization"]');
  await expect(notice.getByRole("heading")).toHaveText("You're not a member of an organization");
  await expect(notice).toContainText(USERS.nobody.email);
  await notice.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
});

test("signing out ends the session: the dashboard asks to sign in again", async ({ page }) => {
  await signIn(page, USERS.admin.email);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  await page.goto("/");
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("signing out ends every copy of the session: another browser holding the same cookie is asked to sign in", async ({ page, browser }) => {
  await signIn(page, USERS.admin.email);
  const copy = await browser.newContext({ baseURL: BASE_URL });
  await copy.addCookies(await page.context().cookies(BASE_URL));
  const other = await copy.newPage();
  await other.goto("/");
  await expect(other.getByTestId("org-name")).toHaveText("Acme Corp");
  await signOut(page);
  await other.goto("/");
  await expect(other).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  await copy.close();
});

test("a page asked for while signed out comes back after sign-in", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/return/users?outcome=done");
  await expect(page.getByTestId("outcome")).toHaveText("You finished with Members.");
  await hydrated(page);
});

test("a user in two organizations picks one on the hosted page", async ({ page }) => {
  await signIn(page, USERS.both.email, "/", "Globex Inc");
  await expect(page.getByTestId("org-name")).toHaveText("Globex Inc");
  await expect(page.getByTestId("viewer-role")).toHaveText("admin");
});

test("a user in two organizations switches between them from the dashboard", async ({ page }) => {
  await signIn(page, USERS.both.email, "/", "Globex Inc");
  await expect(page.getByTestId("org-name")).toHaveText("Globex Inc");
  await page.getByTestId("org-switcher").selectOption({ label: "Acme Corp" });
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  await expect(page.getByTestId("viewer-role")).toHaveText("member");
  await hydrated(page);
  // The new organization is the session's now: it survives a reload.
  await page.reload();
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  await expect(page.locator('[data-card="users"]').getByRole("link", { name: "Open widget" })).toHaveCount(0);
});

test("a user in one organization has no switcher", async ({ page }) => {
  await signIn(page, USERS.admin.email);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  await expect(page.getByTestId("org-switcher")).toHaveCount(0);
});
