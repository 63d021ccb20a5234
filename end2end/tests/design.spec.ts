import type { Locator, Page, TestInfo } from "@playwright/test";
import { test, expect, signIn, hydrated, portalAction, USERS } from "./fixtures";
import { BASE_URL, EMULATOR_URL } from "../playwright.config";

// Radix Themes' slate step 2 (Orgdeck's page background), light and dark.
const PAGE_LIGHT = "rgb(249, 249, 251)";
const PAGE_DARK = "rgb(24, 25, 27)";

const pageBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
const widgetTheme = (page: Page, component: string) => page.locator(`[data-component="${component}"] .radix-themes`).first();

test("dark mode: the system's preference, then the toggle (remembered), for Orgdeck's page and the widget together", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await signIn(page, USERS.admin.email, "/widgets/users");
  const widget = widgetTheme(page, "UsersManagement");
  await expect(widget).toHaveClass(/\bdark\b/);
  expect(await pageBackground(page)).toBe(PAGE_DARK);
  // The frame is as tall as its widget (three members), not a screen of empty space.
  await expect(page.locator('[data-component="UsersManagement"]').getByText("max@acme.test", { exact: true })).toBeVisible();
  const frame = (await page.locator(".widget-frame").boundingBox())!;
  const shown = (await page.locator(".woswidgets-widget").first().boundingBox())!;
  expect(frame.height - shown.height, "the frame's height beyond its widget's").toBeLessThan(80);

  // Chosen light on a dark system: both follow at once, without a reload.
  await page.getByTestId("theme").selectOption("light");
  await expect(page.locator("html")).toHaveClass(/\blight\b/);
  await expect(widget).toHaveClass(/\blight\b/);
  expect(await pageBackground(page)).toBe(PAGE_LIGHT);

  // Remembered in this browser: the next page starts light, before hydration too.
  await page.goto("/events");
  await expect(page.locator("html")).toHaveClass(/\blight\b/);
  expect(await pageBackground(page)).toBe(PAGE_LIGHT);
  await hydrated(page);
  await expect(page.getByTestId("theme")).toHaveValue("light");

  // Back to the system's: dark again, everywhere.
  await page.getByTestId("theme").selectOption("system");
  await expect(page.locator("html")).not.toHaveClass(/\b(light|dark)\b/);
  expect(await pageBackground(page)).toBe(PAGE_DARK);
  await page.goto("/widgets/users");
  await hydrated(page);
  await expect(widgetTheme(page, "UsersManagement")).toHaveClass(/\bdark\b/);
  // The system turns light: the widget follows it.
  await page.emulateMedia({ colorScheme: "light" });
  await expect(widgetTheme(page, "UsersManagement")).toHaveClass(/\blight\b/);
  expect(await pageBackground(page)).toBe(PAGE_LIGHT);
});

/** `<time>` says how long ago in words, and keeps the exact UTC time as its title. */
async function expectRelativeTime(time: Locator) {
  await expect(time).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  await expect(time).toHaveAttribute("title", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  await expect(time).toHaveText(/^(just now|a minute ago|\d+ minutes ago)$/);
}

test("events in plain words: invitations, memberships, domains, sessions and SSO connections, with relative times", async ({ page, request }) => {
  await signIn(page, USERS.admin.email);
  const api = { headers: { Authorization: "Bearer sk_test_emulator" } };
  const orgs = await (await request.get(`${EMULATOR_URL}/organizations?limit=10`, api)).json();
  const acme = orgs.data.find((o: { name: string }) => o.name === "Acme Corp");
  const users = await (await request.get(`${EMULATOR_URL}/user_management/users?limit=20`, api)).json();
  const id = (email: string) => users.data.find((u: { email: string }) => u.email === email).id;

  // An invitation by Ada, a new membership for Bea, a verified domain: through WorkOS's API.
  const invited = await request.post(`${EMULATOR_URL}/user_management/invitations`, {
    ...api,
    data: { email: "sam@acme.test", organization_id: acme.id, inviter_user_id: id(USERS.admin.email), role_slug: "member" },
  });
  expect(invited.status()).toBe(201);
  const kim = await (await request.post(`${EMULATOR_URL}/user_management/users`, { ...api, data: { email: "kim@acme.test", first_name: "Kim", last_name: "Lee" } })).json();
  const joined = await request.post(`${EMULATOR_URL}/user_management/organization_memberships`, {
    ...api,
    data: { user_id: kim.id, organization_id: acme.id, role_slug: "member" },
  });
  expect(joined.status()).toBe(201);
  const domain = await (await request.post(`${EMULATOR_URL}/organization_domains`, { ...api, data: { organization_id: acme.id, domain: "acme-eu.test" } })).json();
  expect((await request.post(`${EMULATOR_URL}/_emulator/dns`, { data: { domain: "acme-eu.test", present: true } })).ok()).toBeTruthy();
  expect((await request.post(`${EMULATOR_URL}/organization_domains/${domain.id}/verify`, api)).status()).toBe(201);

  // An SSO connection, through the hosted portal.
  await page.goto("/");
  await hydrated(page);
  await portalAction(page, "sso", "Set up in Admin Portal");
  await page.getByRole("button", { name: "Okta (SAML)" }).click();
  await page.getByLabel("IdP metadata URL").fill("https://idp.acme.test/app/metadata");
  await page.getByRole("button", { name: "Save configuration" }).click();
  await page.getByRole("button", { name: "Test sign-in" }).click();
  await expect(page.getByTestId("test-result")).toContainText("succeeded");
  await page.getByRole("button", { name: "Activate connection" }).click();
  await expect(page).toHaveURL(/\/return\/sso\?flow=flow_\w+&outcome=completed$/);
  await hydrated(page);
  // The return page says it in words too, with relative times.
  const flowEvents = page.getByTestId("flow-events");
  await expect(flowEvents.locator('li[data-event="connection.activated"]')).toContainText("SSO connection Acme Corp Okta is active");
  await expectRelativeTime(page.getByTestId("flow").locator("time").first());

  const sentences = [
    "Ada Admin signed in from Chrome on Linux",
    "Ada Admin invited sam@acme.test as member",
    "sam@acme.test was invited to join",
    "Kim Lee joined as member",
    "acme-eu.test was verified",
    "SSO connection Acme Corp Okta is active",
  ];
  // Every event arrives by webhook; the page is read again until all have.
  await expect(async () => {
    await page.goto("/events");
    const said = await page.getByTestId("sentence").allTextContents();
    for (const s of sentences) expect(said).toContain(s);
  }).toPass();
  await hydrated(page);
  const verified = page.getByTestId("events").locator('li[data-event="organization_domain.verified"]').first();
  await expectRelativeTime(verified.locator("time"));
  // The raw type and payload, one click away.
  await verified.locator("summary", { hasText: "Show payload" }).click();
  await expect(verified.getByTestId("raw-type")).toHaveText("organization_domain.verified");
  await expect(verified.getByTestId("payload")).toContainText('"domain": "acme-eu.test"');
});

test("the events page's empty state says what will appear and why", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/events?event=no.such_type");
  await expect(page.getByTestId("events-empty")).toContainText("No events of this type yet");
  await expect(page.getByLabel("Type", { exact: true })).toBeVisible();
});

test("dashboard cards: no certificate renewal without a SAML connection, one primary and one secondary action", async ({ page, browser }) => {
  await signIn(page, USERS.admin.email);
  const sso = page.locator('[data-card="sso"]');
  await expect(sso.getByTestId("card-state")).toHaveText("Not set up");
  await expect(sso.getByRole("button", { name: "Renew certificate" })).toHaveCount(0);
  await expect(sso.locator("details.menu")).toHaveCount(0);
  // Every open card: one primary action, and at most one secondary.
  for (const card of await page.locator("article.card:not(.disabled)").all()) {
    const footer = card.locator(".card-footer");
    await expect(footer.locator(":scope > a.button")).toHaveCount(1);
    expect(await footer.locator(":scope > form, :scope > details").count()).toBeLessThanOrEqual(1);
  }

  // Globex has a SAML connection: its certificate can be renewed.
  const elsewhere = await browser.newContext({ baseURL: BASE_URL });
  const bea = await elsewhere.newPage();
  await signIn(bea, USERS.both.email, "/", "Globex Inc");
  const globexSso = bea.locator('[data-card="sso"]');
  await expect(globexSso.getByTestId("card-state")).toHaveText("Globex Okta · active");
  await globexSso.locator("details.menu summary").click();
  await expect(globexSso.getByRole("button", { name: "Renew certificate" })).toBeVisible();
  await expect(globexSso.getByRole("button", { name: "Set up in Admin Portal" })).toBeVisible();
  await elsewhere.close();
});

test("a card whose WorkOS read fails says so, and the rest of the dashboard works", async ({ page, request }) => {
  expect((await request.post(`${EMULATOR_URL}/_emulator/faults`, { data: { path: "/connections", status: 500 } })).status()).toBe(201);
  await signIn(page, USERS.admin.email);
  await expect(page.locator('[data-card="sso"]').getByTestId("card-problem")).toContainText("WorkOS");
  await expect(page.locator('[data-card="sso"]').getByRole("link", { name: "Open widget" })).toBeVisible();
  await expect(page.locator('[data-card="users"]').getByTestId("card-state")).toHaveText("3 members · 0 pending invitations");
  await request.delete(`${EMULATOR_URL}/_emulator/faults`);
});

test("every page fits a 390 px screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, USERS.admin.email);
  for (const path of ["/", "/widgets/users", "/widgets/sso", "/return/users?outcome=done", "/events", "/doctor", "/lab"]) {
    await page.goto(path);
    await hydrated(page);
    if (path.startsWith("/widgets/")) await expect(page.getByTestId("widget-loading")).toHaveCount(0);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
  }
});

/** Tabs until `target` has the focus (at most `max` presses). */
async function tabTo(page: Page, target: Locator, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`never reached ${target} by Tab`);
}

/** The focused element shows it: an outline drawn around it. */
async function expectVisibleFocus(target: Locator) {
  const outline = await target.evaluate((el) => {
    const s = getComputedStyle(el);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(outline.style).not.toBe("none");
  expect(outline.width).toBeGreaterThan(0);
}

test("keyboard only: sign in, skip to the content, open a widget, Done, the return page", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  const ada = page.locator(`button[data-email="${USERS.admin.email}"]`);
  await tabTo(page, ada);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  await hydrated(page);

  // The first Tab reaches the skip link, which shows itself and skips the navigation.
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await expectVisibleFocus(skip);
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();

  const open = page.locator('[data-card="users"]').getByRole("link", { name: "Open widget" });
  await tabTo(page, open);
  await expectVisibleFocus(open);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/widgets\/users$/);
  await hydrated(page);

  const done = page.getByTestId("done");
  await tabTo(page, done);
  await expectVisibleFocus(done);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("outcome")).toHaveText("You finished with Members.");
});

/** README's screenshots: written to docs/screenshots by `make screenshots`, else beside the test's results. */
function shotPath(info: TestInfo, name: string) {
  return process.env.SCREENSHOTS ? `../docs/screenshots/${name}.png` : info.outputPath(`${name}.png`);
}

test("screenshots: the dashboard, a widget page and the events page, light and dark", async ({ page, request }, info) => {
  await signIn(page, USERS.admin.email);
  // Something to read on the events page: an invitation and a verified domain.
  const api = { headers: { Authorization: "Bearer sk_test_emulator" } };
  const acme = (await (await request.get(`${EMULATOR_URL}/organizations?limit=10`, api)).json()).data.find((o: { name: string }) => o.name === "Acme Corp");
  const users = (await (await request.get(`${EMULATOR_URL}/user_management/users?limit=20`, api)).json()).data;
  const ada = users.find((u: { email: string }) => u.email === USERS.admin.email);
  await request.post(`${EMULATOR_URL}/user_management/invitations`, { ...api, data: { email: "sam@acme.test", organization_id: acme.id, inviter_user_id: ada.id, role_slug: "member" } });
  const domain = await (await request.post(`${EMULATOR_URL}/organization_domains`, { ...api, data: { organization_id: acme.id, domain: "acme-eu.test" } })).json();
  await request.post(`${EMULATOR_URL}/_emulator/dns`, { data: { domain: "acme-eu.test", present: true } });
  await request.post(`${EMULATOR_URL}/organization_domains/${domain.id}/verify`, api);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/");
    await hydrated(page);
    await page.screenshot({ path: shotPath(info, `dashboard-${scheme}`), fullPage: true });
    await page.goto("/widgets/users");
    await hydrated(page);
    await expect(page.locator('[data-component="UsersManagement"]').getByText("max@acme.test", { exact: true })).toBeVisible();
    await expect(widgetTheme(page, "UsersManagement")).toHaveClass(new RegExp(`\\b${scheme}\\b`));
    await page.screenshot({ path: shotPath(info, `widget-${scheme}`), fullPage: true });
    await expect(async () => {
      await page.goto("/events");
      await expect(page.getByTestId("sentence").filter({ hasText: "acme-eu.test was verified" }).first()).toBeVisible({ timeout: 1000 });
    }).toPass();
    await hydrated(page);
    await page.screenshot({ path: shotPath(info, `events-${scheme}`), fullPage: true });
  }
});
