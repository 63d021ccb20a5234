import { test, expect, signIn, hydrated, USERS } from "./fixtures";
import { EMULATOR_URL } from "../playwright.config";

const PERMISSION = "widgets:users-table:manage";

test("the Members widget lists the members, invites someone, and the return page shows the invitation", async ({ page }) => {
  await signIn(page, USERS.admin.email);
  await page.locator('[data-card="users"]').getByRole("link", { name: "Open" }).click();
  await expect(page).toHaveURL(/\/widgets\/users$/);
  await hydrated(page);

  // The official UsersManagement widget, rendering what the emulator holds.
  const widget = page.locator('[data-component="UsersManagement"]');
  for (const email of ["ada@acme.test", "max@acme.test", "bea@globex.test"]) {
    await expect(widget.getByText(email, { exact: true })).toBeVisible();
  }
  // A developer's detail: collapsed, for admins (everyone is one on the emulator).
  await page.getByTestId("token-details").locator("summary").click();
  await expect(page.getByTestId("token-clock")).toHaveText(/Token expires in (59|60):\d\d/);
  await page.screenshot({ path: "screenshots/members.png", fullPage: true });

  await widget.getByRole("button", { name: "Invite user" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email address").fill("newbie@acme.test");
  await dialog.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(dialog).toBeHidden();
  const row = widget.getByRole("row").filter({ hasText: "newbie@acme.test" });
  await expect(row).toBeVisible();
  await expect(row).toContainText(/invited/i);

  await page.getByTestId("done").click();
  await expect(page).toHaveURL(/\/return\/users\?outcome=done$/);
  await expect(page.getByTestId("outcome")).toHaveText("You finished with Members.");
  await expect(page.getByTestId("invitations")).toContainText("newbie@acme.test");
  await expect(page.getByTestId("members")).toContainText("ada@acme.test");
  await expect(page.getByTestId("members")).not.toContainText("newbie@acme.test");

  // Back on the dashboard, the card counts the invitation too.
  await page.goto("/");
  await expect(page.locator('[data-card="users"]').getByTestId("card-state")).toHaveText("3 members · 1 pending invitation");
});

test("a member's Members card is disabled and the widget page refuses, naming the permission", async ({ page }) => {
  await signIn(page, USERS.member.email);
  const card = page.locator('[data-card="users"]');
  await expect(card.getByRole("link", { name: "Open widget" })).toHaveCount(0);
  await expect(card.locator(".forbidden")).toContainText(PERMISSION);

  await page.goto("/widgets/users");
  await hydrated(page);
  const notice = page.locator('[data-error="missing-permission"]');
  await expect(notice).toContainText(PERMISSION);
  await expect(notice).toContainText("member");
  await expect(page.locator('[data-component="UsersManagement"]')).toHaveCount(0);
});

test("an unknown widget type is explained", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/widgets/nope");
  await expect(page.locator('[data-error="unknown-widget"]')).toContainText("There is no widget called “nope”");
});

test("an expired widget token is replaced: after the API's 403 the widget asks Orgdeck for a new one", async ({ page, request, consoleErrors }) => {
  await signIn(page, USERS.admin.email, "/widgets/users");
  const widget = page.locator('[data-component="UsersManagement"]');
  await expect(widget.getByText("max@acme.test", { exact: true })).toBeVisible();
  // A developer's detail: collapsed, for admins (everyone is one on the emulator).
  await page.getByTestId("token-details").locator("summary").click();
  await expect(page.getByTestId("token-clock")).toHaveText(/Token expires in (59|60):\d\d/);

  // Two hours pass at WorkOS: the token the widget holds is now refused with 403.
  const moved = await request.post(`${EMULATOR_URL}/_emulator/clock`, { data: { offset_seconds: 7200 } });
  expect(moved.ok()).toBeTruthy();
  await widget.getByPlaceholder("Search by name or e-mail").fill("max");
  await expect(widget.getByText("ada@acme.test", { exact: true })).toBeHidden();
  await expect(widget.getByText("max@acme.test", { exact: true })).toBeVisible();
  // The new token was minted at WorkOS's "now": two hours later than the browser's.
  await expect(page.getByTestId("token-clock")).toHaveText(/Token expires in 1[5-8]\d:\d\d/);

  // The browser logs the refused request itself; nothing else may be logged.
  const refused = consoleErrors.filter((e) => e.includes("status of 403"));
  expect(refused.length).toBeGreaterThan(0);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes("status of 403")));
});

test("the widgets bundle loads on widget pages only, each page only its own widget's chunk and no WASM, and the widget unmounts when you leave", async ({ page }) => {
  const bundle: string[] = [];
  const wasm: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/widget-host/")) bundle.push(r.url());
    if (/\/pkg\/.*\.(wasm|js)$/.test(new URL(r.url()).pathname)) wasm.push(r.url());
  });
  await signIn(page, USERS.admin.email);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  expect(bundle, "the dashboard does not load the widgets").toEqual([]);
  expect(wasm.some((u) => u.endsWith(".wasm")), "the dashboard has islands: it loads the WASM").toBe(true);
  wasm.length = 0;

  await page.locator('[data-card="users"]').getByRole("link", { name: "Open" }).click();
  const widget = page.locator('[data-component="UsersManagement"]');
  await expect(widget.getByText("max@acme.test", { exact: true })).toBeVisible();
  expect(bundle.some((u) => /\/widget-host\/[\w-]{16}\/host\.js$/.test(u))).toBe(true);
  // The widgets' own chunks (esbuild names them after the package's entry points).
  const widgetChunks = () => bundle.map((u) => /\/([a-z-]+)\.client-[\w]+\.js$/.exec(u)?.[1]).filter(Boolean);
  expect(widgetChunks(), "the Users page fetches the Users widget and no other").toEqual(["users-management"]);
  expect(wasm, "a widget page is server HTML and the widgets bundle: no WASM, no Leptos loader").toEqual([]);
  await expect(page.getByTestId("token-clock")).toHaveText(/Token expires in (59|60):\d\d/);

  // A second widget page fetches its own widget; the shared code is the same files as before.
  bundle.length = 0;
  await page.goto("/widgets/domains");
  await expect(page.locator('[data-component="AdminPortalDomainVerification"] .woswidgets-root')).toBeVisible();
  expect(widgetChunks()).toEqual(["admin-portal-domain-verification"]);

  // Back to the dashboard (a page load: pages are server HTML with islands): no widget there.
  await page.getByRole("link", { name: "← Dashboard" }).click();
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  await expect(page.locator(".woswidgets-root")).toHaveCount(0);
});
