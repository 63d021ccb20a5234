import { test, expect, signIn, hydrated, setClock, USERS } from "./fixtures";
import { EMULATOR_URL } from "../playwright.config";

const API = { Authorization: "Bearer sk_test_emulator" };

test("SSO widget: Globex's Okta connection, and its certificate once expired", async ({ page, request }) => {
  await signIn(page, USERS.both.email, "/", "Globex Inc");
  await expect(page.locator('[data-card="sso"]').getByTestId("card-state")).toHaveText("Globex Okta · active");
  await page.locator('[data-card="sso"]').getByRole("link", { name: "Open" }).click();
  await hydrated(page);
  const widget = page.locator('[data-component="AdminPortalSsoConnection"]');
  await expect(widget.getByText("Okta")).toBeVisible();
  await expect(widget.getByText("Connected")).toBeVisible();
  await expect(widget.getByRole("button", { name: "Manage" })).toBeVisible();

  // The seeded certificate ends in 20 days (widget 1.18 shows no warning before
  // it ends): three weeks later at WorkOS, it asks for action.
  await setClock(request, 21 * 24 * 3600);
  await page.reload();
  await hydrated(page);
  await expect(widget.getByText("Requires action")).toBeVisible();
  await expect(widget.getByText(/signing certificate expired on/)).toBeVisible();
  await page.screenshot({ path: "screenshots/sso.png", fullPage: true });
  await page.getByTestId("done").click();
  await expect(page.getByTestId("connections")).toContainText("Globex Okta");
  await expect(page.getByTestId("connections")).toContainText("OktaSAML");
});

test("Domain widget: a failed domain is re-verified once its TXT record answers, and one is removed", async ({ page, request }) => {
  // WorkOS's own check of acme-labs.test fails first: no TXT record yet.
  const orgs = await (await request.get(`${EMULATOR_URL}/organizations?limit=10`, { headers: API })).json();
  const acme = orgs.data.find((o: { name: string }) => o.name === "Acme Corp");
  const labs = acme.domains.find((d: { domain: string }) => d.domain === "acme-labs.test");
  expect((await request.post(`${EMULATOR_URL}/organization_domains/${labs.id}/verify`, { headers: API })).ok()).toBeTruthy();

  await signIn(page, USERS.admin.email, "/widgets/domains");
  const widget = page.locator('[data-component="AdminPortalDomainVerification"]');
  await expect(widget.getByText("Verification failed")).toBeVisible();

  // The customer adds the record at their DNS provider; then "Restart verification".
  expect((await request.post(`${EMULATOR_URL}/_emulator/dns`, { data: { domain: "acme-labs.test", present: true } })).ok()).toBeTruthy();
  await widget.getByRole("button", { name: "Domain actions" }).last().click();
  await page.getByRole("menuitem", { name: "Restart verification" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("workos-verification");
  await dialog.getByRole("button", { name: "Restart verification" }).click();
  await expect(widget.getByText("Verification failed")).toBeHidden();
  await expect(widget.getByText("Verified")).toHaveCount(2);

  // A verified domain has its own "Remove domain" button.
  await widget.getByRole("button", { name: "Remove domain" }).last().click();
  await page.getByRole("alertdialog").or(page.getByRole("dialog")).getByRole("button", { name: "Remove domain" }).click();
  await expect(widget.getByText("acme-labs.test")).toHaveCount(0);

  await page.getByTestId("done").click();
  await expect(page.getByTestId("domains")).toContainText("acme.test");
  await expect(page.getByTestId("domains")).not.toContainText("acme-labs.test");
  const events = await (await request.get(`${EMULATOR_URL}/events?events=organization_domain.verified,organization_domain.deleted`, { headers: API })).json();
  expect(events.data.map((e: { event: string }) => e.event)).toEqual(["organization_domain.deleted", "organization_domain.verified"]);
});

test("Directory sync and log streams: Globex's directory with its counts, and its Datadog stream", async ({ page }) => {
  await signIn(page, USERS.both.email, "/", "Globex Inc");
  await expect(page.locator('[data-card="directory-sync"]').getByTestId("card-state")).toHaveText("Globex Okta SCIM · linked · 3 users");
  await page.goto("/widgets/directory-sync");
  await hydrated(page);
  const dsync = page.locator('[data-component="DirectorySync"]');
  await expect(dsync.getByText(/3 users/)).toBeVisible();
  await expect(dsync.getByText(/2 groups/)).toBeVisible();
  // Its own "Manage" opens the hosted portal on this directory, in a new tab.
  const [portal] = await Promise.all([page.waitForEvent("popup"), dsync.getByRole("link", { name: "Manage" }).click()]);
  await expect(portal.getByTestId("existing-directory")).toHaveText("Globex Okta SCIM · okta scim v2.0 · linked");
  await portal.close();
  await page.getByTestId("done").click();
  await expect(page.getByTestId("directories")).toContainText("okta scim v2.0");

  await page.goto("/widgets/audit-log-streaming");
  await hydrated(page);
  await expect(page.locator('[data-component="AdminPortalAuditLogStreaming"]').getByText("Streaming")).toBeVisible();
});

test("Log streams: Acme has none yet, and the widget says so", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/widgets/audit-log-streaming");
  await expect(page.locator('[data-component="AdminPortalAuditLogStreaming"]').getByText("You haven't set up Log Streams yet.")).toBeVisible();
});

test("a member cannot open the SSO widget", async ({ page }) => {
  await signIn(page, USERS.member.email, "/widgets/sso");
  await expect(page.locator('[data-error="missing-permission"]')).toContainText("widgets:sso:manage");
  await expect(page.locator('[data-component="AdminPortalSsoConnection"]')).toHaveCount(0);
});
