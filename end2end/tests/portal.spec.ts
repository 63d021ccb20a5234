import { test, expect, signIn, hydrated, expectLoggedStatus, USERS, portalAction } from "./fixtures";
import { BASE_URL, EMULATOR_URL } from "../playwright.config";

test("SSO through the hosted Admin Portal: from the dashboard button to the return page with the new connection", async ({ page, consoleErrors }) => {
  await signIn(page, USERS.admin.email);
  await expect(page.locator('[data-card="sso"]').getByTestId("card-state")).toHaveText("Not set up");
  await portalAction(page, "sso", "Set up in Admin Portal");
  await expect(page).toHaveURL(`${EMULATOR_URL}/portal/sso`);
  await page.getByRole("button", { name: "Okta (SAML)" }).click();
  // A wrong answer is explained, and nothing is lost.
  await page.getByLabel("IdP metadata URL").fill("http://idp.acme.test/metadata");
  await page.getByRole("button", { name: "Save configuration" }).click();
  await expect(page.getByRole("alert")).toContainText("https://");
  expectLoggedStatus(consoleErrors, 422);
  await page.getByLabel("IdP metadata URL").fill("https://idp.acme.test/app/metadata");
  await page.getByRole("button", { name: "Save configuration" }).click();
  await page.getByRole("button", { name: "Test sign-in" }).click();
  await expect(page.getByTestId("test-result")).toContainText("succeeded");
  await page.getByRole("button", { name: "Activate connection" }).click();

  await expect(page).toHaveURL(new RegExp(`^${BASE_URL}/return/sso\\?flow=flow_\\w+&outcome=completed$`));
  await hydrated(page);
  await expect(page.getByTestId("outcome")).toHaveText("You finished setting up Single sign-on in the Admin Portal.");
  await expect(page.getByTestId("flow")).toHaveAttribute("data-outcome", "completed");
  await expect(page.getByTestId("changes")).toContainText("Added Acme Corp Okta (OktaSAML · active · certificate ends 20");
  await expect(page.getByTestId("connections")).toContainText("Acme Corp Okta");
  await page.goto("/");
  await expect(page.locator('[data-card="sso"]').getByTestId("card-state")).toHaveText("Acme Corp Okta · active");
});

test("Domain verification through the hosted portal, and the logo's way back changes nothing", async ({ page, request }) => {
  await signIn(page, USERS.admin.email);
  // First visit: the logo, without finishing.
  await portalAction(page, "domains", "Set up in Admin Portal");
  await expect(page).toHaveURL(`${EMULATOR_URL}/portal/domain_verification`);
  await page.getByTestId("portal-logo").click();
  await expect(page).toHaveURL(/\/return\/domains\?flow=flow_\w+&outcome=returned$/);
  await expect(page.getByTestId("outcome")).toHaveText("You came back from the Admin Portal without finishing Domains.");
  await expect(page.getByTestId("changes")).toHaveText("Nothing changed at WorkOS.");

  // Second: add a domain, publish its record (the emulator's DNS), verify.
  await page.goto("/");
  await hydrated(page);
  await portalAction(page, "domains", "Set up in Admin Portal");
  await page.getByLabel("Domain").fill("acme-eu.test");
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByTestId("txt-host")).toHaveText("workos-verification.acme-eu.test");
  expect((await request.post(`${EMULATOR_URL}/_emulator/dns`, { data: { domain: "acme-eu.test", present: true } })).ok()).toBeTruthy();
  await page.getByRole("button", { name: "Verify domain" }).click();
  await expect(page).toHaveURL(/\/return\/domains\?flow=flow_\w+&outcome=completed$/);
  await expect(page.getByTestId("changes")).toContainText("Added acme-eu.test (verified)");
  await expect(page.getByTestId("domains")).toContainText("acme-eu.test");
  // Both flows are on the dashboard, newest first, with how they ended (older
  // tests' flows may follow: Orgdeck's database outlives the emulator's resets).
  await page.goto("/");
  await hydrated(page);
  const statuses = page.getByTestId("flows").locator("tbody tr");
  await expect(statuses.nth(0)).toHaveAttribute("data-status", "completed");
  await expect(statuses.nth(1)).toHaveAttribute("data-status", "returned");
});

test("a member is refused at /portal/sso with the permission named, and no link is made", async ({ page }) => {
  await signIn(page, USERS.member.email);
  await expect(page.locator('[data-card="sso"]').getByRole("button", { name: "Set up in Admin Portal" })).toHaveCount(0);
  const res = await page.request.post("/portal/sso", { headers: { Origin: BASE_URL }, maxRedirects: 0 });
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain("widgets:sso:manage");
  // And from another site, nobody gets one: the Origin check refuses it first.
  const forged = await page.request.post("/portal/sso", { headers: { Origin: "https://evil.example" }, maxRedirects: 0 });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).toContain("Cross-site request refused");
});

test("Directory sync through the hosted portal: linked, provisioned, and the change on the return page", async ({ page }) => {
  await signIn(page, USERS.admin.email);
  await expect(page.locator('[data-card="directory-sync"]').getByTestId("card-state")).toHaveText("Not set up");
  await portalAction(page, "directory-sync", "Set up in Admin Portal");
  await page.getByRole("button", { name: "Okta (SCIM v2.0)" }).click();
  await expect(page.getByTestId("scim-endpoint")).toContainText("/scim/v2.0/");
  await page.getByRole("button", { name: "I've configured my provider" }).click();
  await expect(page).toHaveURL(/\/return\/directory-sync\?flow=flow_\w+&outcome=completed$/);
  await expect(page.getByTestId("changes")).toContainText("Added Acme Corp Okta (okta scim v2.0 · linked · 3 users · 2 groups)");
  await page.goto("/");
  await expect(page.locator('[data-card="directory-sync"]').getByTestId("card-state")).toHaveText("Acme Corp Okta · linked · 3 users");
});

test("the SSO widget's own button opens the hosted portal in a new tab (form POST with apiToken)", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/widgets/sso");
  const widget = page.locator('[data-component="AdminPortalSsoConnection"]');
  await expect(widget.getByText("You haven't set up Single Sign-On yet.")).toBeVisible();
  const [portal] = await Promise.all([page.waitForEvent("popup"), widget.getByRole("button", { name: "Set up SSO" }).click()]);
  await expect(portal).toHaveURL(`${EMULATOR_URL}/portal/sso`);
  await expect(portal.getByRole("heading", { name: "Set up Single Sign-On" })).toBeVisible();
  // The widget page has Orgdeck's own way in too.
  await page.getByRole("button", { name: "Set up in Admin Portal" }).click();
  await expect(page).toHaveURL(`${EMULATOR_URL}/portal/sso`);
});

test("an Admin Portal link works once: opened again, it shows the expired-link page", async ({ page, request, consoleErrors }) => {
  const orgs = await (await request.get(`${EMULATOR_URL}/organizations?limit=10`, { headers: { Authorization: "Bearer sk_test_emulator" } })).json();
  const acme = orgs.data.find((o: { name: string }) => o.name === "Acme Corp");
  const res = await request.post(`${EMULATOR_URL}/portal/generate_link`, {
    headers: { Authorization: "Bearer sk_test_emulator" },
    data: { organization: acme.id, intent: "domain_verification", return_url: `${BASE_URL}/return/domains` },
  });
  expect(res.status()).toBe(201);
  const { link } = await res.json();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Verify a domain" })).toBeVisible();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link has expired" })).toBeVisible();
  expectLoggedStatus(consoleErrors, 410);
});

test("Log streams, audit logs and certificate renewal through the hosted portal, from Globex's dashboard", async ({ page, request, consoleErrors }) => {
  await signIn(page, USERS.both.email, "/", "Globex Inc");
  // Log streams: Datadog today; now to an HTTPS endpoint.
  await expect(page.locator('[data-card="audit-log-streaming"]').getByTestId("card-state")).toHaveText("Datadog · Active");
  await portalAction(page, "audit-log-streaming", "Set up in Admin Portal");
  await expect(page.getByTestId("existing-stream")).toHaveText("Datadog · Active");
  await page.getByRole("button", { name: "HTTPS endpoint" }).click();
  await page.getByLabel("Endpoint URL").fill("https://siem.globex.test/ingest");
  await page.getByRole("button", { name: "Start streaming" }).click();
  await expect(page).toHaveURL(/\/return\/audit-log-streaming\?flow=flow_\w+&outcome=completed$/);
  await hydrated(page);
  await expect(page.getByTestId("stream")).toHaveText("GenericHttps · Active");
  await expect(page.getByTestId("changes")).toHaveText("Audit-log stream: Datadog · Active → GenericHttps · Active");
  await page.goto("/widgets/audit-log-streaming");
  await hydrated(page);
  await expect(page.locator('[data-component="AdminPortalAuditLogStreaming"]').getByText("Streaming")).toBeVisible();

  // Audit logs: what the application recorded, through the SDK's endpoint.
  const orgs = await (await request.get(`${EMULATOR_URL}/organizations?limit=10`, { headers: { Authorization: "Bearer sk_test_emulator" } })).json();
  const globex = orgs.data.find((o: { name: string }) => o.name === "Globex Inc");
  const recorded = await request.post(`${EMULATOR_URL}/audit_logs/events`, {
    headers: { Authorization: "Bearer sk_test_emulator" },
    data: { organization_id: globex.id, event: { action: "invoice.paid", occurred_at: "2026-11-26T09:00:00.000Z", actor: { id: "user_1", type: "user", name: "Bea Both" }, targets: [{ id: "inv_1", type: "invoice" }], context: { location: "203.0.113.7" } } },
  });
  expect(recorded.status()).toBe(200); // the spec's status for a recorded event
  await page.goto("/");
  await hydrated(page);
  await portalAction(page, "audit-log-streaming", "View audit logs");
  await expect(page.getByTestId("audit-event")).toContainText("invoice.paid");

  // Certificate renewal: a PEM the customer pastes (here one the emulator made).
  await page.goto("/");
  await hydrated(page);
  await portalAction(page, "sso", "Renew certificate");
  await expect(page.getByRole("heading", { name: "Renew the certificate of Globex Okta" })).toBeVisible();
  await expect(page.getByTestId("current-certificate")).toContainText("The current certificate ends");
  await page.getByLabel("New certificate (PEM)").fill("-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----");
  await page.getByRole("button", { name: "Upload certificate" }).click();
  await expect(page.getByRole("alert")).toContainText("not a PEM certificate");
  expectLoggedStatus(consoleErrors, 422);
  // The identity provider's new certificate (the emulated IdP makes one), valid three years.
  const pem = await (await request.get(`${EMULATOR_URL}/_emulator/idp/certificate?subject=CN%3DGlobex%20Okta%202029&days=1095`)).text();
  await page.getByLabel("New certificate (PEM)").fill(pem);
  await page.getByRole("button", { name: "Upload certificate" }).click();
  await expect(page).toHaveURL(/\/return\/sso\?flow=flow_\w+&outcome=completed$/);
  await hydrated(page);
  const { now } = await (await request.get(`${EMULATOR_URL}/_emulator/clock`)).json();
  const renewedUntil = new Date(Date.parse(now) + 1095 * 86_400_000).toISOString().slice(0, 10);
  await expect(page.getByTestId("changes")).toContainText(`Globex Okta: OktaSAML · active · certificate ends`);
  await expect(page.getByTestId("changes")).toContainText(`→ OktaSAML · active · certificate ends ${renewedUntil}`);
  await expect(page.getByTestId("connections")).toContainText(renewedUntil);
});
