import type { Page } from "@playwright/test";
import { test, expect, signIn, hydrated, USERS, portalAction } from "./fixtures";
import { BASE_URL, EMULATOR_URL } from "../playwright.config";

test("an invitation made in the Members widget shows in the open dashboard's live feed, and its counts update, without a reload", async ({ page, context }) => {
  await signIn(page, USERS.admin.email);
  await expect(page.getByTestId("live-feed")).toHaveAttribute("data-connected", "true");
  const card = page.locator('[data-card="users"]').getByTestId("card-state");
  await expect(card).toHaveText("3 members · 0 pending invitations");
  let navigations = 0;
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) navigations++;
  });

  // Another tab: the Members widget invites someone.
  const other = await context.newPage();
  await other.goto("/widgets/users");
  await hydrated(other);
  const widget = other.locator('[data-component="UsersManagement"]');
  await widget.getByRole("button", { name: "Invite user" }).click();
  const dialog = other.getByRole("dialog");
  await dialog.getByLabel("Email address").fill("live@acme.test");
  await dialog.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(dialog).toBeHidden();

  // The dashboard heard it from WorkOS (webhook → Orgdeck → server-sent event).
  const feed = page.getByTestId("live-feed");
  await expect(feed.locator('li[data-event="invitation.created"]')).toBeVisible();
  await expect(feed.locator('li[data-event="organization_membership.created"]')).toBeVisible();
  await expect(card).toHaveText("3 members · 1 pending invitation");
  expect(navigations, "no reload").toBe(0);
  await other.close();
});

test("a domain verified in the hosted portal: its events on the return page, then on /events with the payload", async ({ page, request }) => {
  await signIn(page, USERS.admin.email);
  await portalAction(page, "domains", "Set up in Admin Portal");
  await page.getByLabel("Domain").fill("events.acme.test");
  await page.getByRole("button", { name: "Add domain" }).click();
  expect((await request.post(`${EMULATOR_URL}/_emulator/dns`, { data: { domain: "events.acme.test", present: true } })).ok()).toBeTruthy();
  await page.getByRole("button", { name: "Verify domain" }).click();
  await expect(page).toHaveURL(/\/return\/domains\?flow=flow_\w+&outcome=completed$/);
  await hydrated(page);
  const events = page.getByTestId("flow-events");
  await expect(events.locator('li[data-event="organization_domain.created"]')).toBeVisible();
  await expect(events.locator('li[data-event="organization_domain.verified"]')).toBeVisible();

  // The events page: filter by type, and the payload on demand.
  await page.goto("/events");
  await hydrated(page);
  await page.getByLabel("Type", { exact: true }).selectOption("organization_domain.verified");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/event=organization_domain.verified/);
  // Only that type (earlier tests of this run may have verified domains too), newest first.
  const rows = page.getByTestId("events").locator("li[data-event]");
  await expect(rows.first()).toHaveAttribute("data-event", "organization_domain.verified");
  await expect(page.getByTestId("events").locator('li[data-event]:not([data-event="organization_domain.verified"])')).toHaveCount(0);
  await rows.first().locator("summary", { hasText: "Show payload" }).click();
  await expect(rows.first().getByTestId("payload")).toContainText('"domain": "events.acme.test"');
  await expect(rows.first().getByTestId("payload")).toContainText('"state": "verified"');
});

test("the live feed stays quiet for someone signed out", async ({ page }) => {
  const res = await page.request.get("/events/live");
  expect(res.status()).toBe(204);
});

test("the events page lists only the organizations the user belongs to", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/events");
  const options = page.getByLabel("Organization", { exact: true }).locator("option");
  await expect(options).toHaveText(["Acme Corp"]);
  const res = await page.request.post("/api/events_page", { form: { organization: "org_not_mine" }, headers: { Origin: new URL(page.url()).origin } });
  expect(await res.text()).toContain("You are not a member of org_not_mine.");
});

/** The users the `session.created` events listed on `page` (at /events?event=session.created) are about. */
async function sessionOwners(page: Page): Promise<Set<string>> {
  const rows = page.getByTestId("events").locator('li[data-event="session.created"]');
  const owners = new Set<string>();
  for (let i = 0; i < (await rows.count()); i++) {
    await rows.nth(i).locator("summary", { hasText: "Show payload" }).click();
    const payload = rows.nth(i).getByTestId("payload");
    await expect(payload).toContainText('"user_id"');
    owners.add(/"user_id": "(\w+)"/.exec((await payload.textContent()) ?? "")![1]);
  }
  return owners;
}

test("a member's events page lists only the events about him: nobody else's sign-in or address", async ({ page, browser }) => {
  // Ada signs in from another browser: her sign-in, with her address and browser, is an event of Acme.
  const elsewhere = await browser.newContext({ baseURL: BASE_URL });
  const ada = await elsewhere.newPage();
  await signIn(ada, USERS.admin.email, "/events?event=session.created");
  await signIn(page, USERS.member.email, "/events?event=session.created");
  const rows = (p: Page) => p.getByTestId("events").locator('li[data-event="session.created"]');
  // Max's own sign-in arrives by webhook; the page may have been read before it.
  await expect(async () => {
    await page.reload();
    await expect(rows(page).first()).toBeVisible({ timeout: 1000 });
  }).toPass();
  await hydrated(page);
  const mine = await sessionOwners(page);
  expect(mine.size, `only one user's sign-ins: ${[...mine]}`).toBe(1);
  // Ada, an admin, reads both sign-ins.
  let adaReads = new Set<string>();
  await expect(async () => {
    await ada.reload();
    await hydrated(ada);
    adaReads = await sessionOwners(ada);
    expect(adaReads.size).toBeGreaterThanOrEqual(2);
  }).toPass();
  const [maxId] = [...mine];
  expect(adaReads).toContain(maxId);
  await elsewhere.close();
});
