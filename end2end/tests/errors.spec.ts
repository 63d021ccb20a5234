import { test, expect, signIn, hydrated, expectLoggedStatus, USERS, portalAction } from "./fixtures";
import { EMULATOR_URL, REAL_MODE_URL } from "../playwright.config";
import type { APIRequestContext } from "@playwright/test";

/** Makes the emulator answer requests under `path` badly (see emulator/src/faults.rs). */
async function fault(request: APIRequestContext, f: Record<string, unknown>) {
  const res = await request.post(`${EMULATOR_URL}/_emulator/faults`, { data: f });
  expect(res.status()).toBe(201);
}

// The dashboard's WorkOS reads are kept for a while (server/reads.rs), and a
// sign-in starts afresh: so a fault is set before signing in, and the first view reads.

test("WorkOS refuses the API key (401): the dashboard says which setting and how to fix it", async ({ page, request }) => {
  await fault(request, { path: "/organizations", status: 401 });
  await signIn(page, USERS.admin.email);
  const notice = page.locator('[data-error="workos-unauthorized"]');
  await expect(notice).toContainText("WorkOS refused Orgdeck's API key");
  await expect(notice).toContainText("WORKOS_API_KEY");
  await expect(notice).toContainText("sk_");
});

test("an organization WorkOS does not know (404): named, with what to do, and no other customer's name", async ({ page, request }) => {
  await fault(request, {
    path: "/organizations/org_",
    method: "GET",
    status: 404,
    // For as long as the test looks: an event arriving meanwhile makes the
    // live feed read the page again, and a WorkOS that answered by then would
    // (rightly) replace the notice with the dashboard.
    body: { message: "Organization not found: 'org_01STAGING'.", code: "entity_not_found", entity_id: "org_01STAGING" },
  });
  await signIn(page, USERS.admin.email);
  const notice = page.locator('[data-error="organization-not-found"]');
  await expect(notice).toContainText("org_01STAGING");
  await expect(notice).toContainText("no longer knows your organization");
  await expect(notice).toContainText("Sign out and sign in again");
  // The API key sees Acme Corp and Globex Inc: an end user is shown neither.
  await expect(notice).not.toContainText("Globex");
  await expect(notice).not.toContainText("Acme Corp (org_");
  await request.delete(`${EMULATOR_URL}/_emulator/faults`);
});

test("a 422 names the field, and the hosted portal is not opened", async ({ page, request, consoleErrors }) => {
  await signIn(page, USERS.admin.email);
  await fault(request, {
    path: "/portal/generate_link",
    status: 422,
    body: { message: "Validation failed", code: "invalid_request_parameters", errors: [{ field: "return_url", code: "return_url_invalid" }] },
  });
  await portalAction(page, "sso", "Set up in Admin Portal");
  await expect(page.locator("body")).toContainText("return_url");
  expect(page.url()).not.toContain(EMULATOR_URL);
  expectLoggedStatus(consoleErrors, 422);
});

test("a widget token that cannot be had: the widget page offers to reload, nothing blank", async ({ page, request, consoleErrors }) => {
  await signIn(page, USERS.admin.email);
  await fault(request, { path: "/widgets/token", status: 500 });
  await page.goto("/widgets/users");
  await hydrated(page);
  const notice = page.locator('[data-error="widget"]');
  await expect(notice).toContainText("The widget could not load");
  await expect(notice.getByRole("button", { name: "Reload widget" })).toBeVisible();
  expectLoggedStatus(consoleErrors, 502);
  // WorkOS is back: the reload brings the widget.
  await request.delete(`${EMULATOR_URL}/_emulator/faults`);
  await notice.getByRole("button", { name: "Reload widget" }).click();
  await expect(page.locator('[data-component="UsersManagement"]').getByText("ada@acme.test", { exact: true })).toBeVisible();
});

test("WorkOS down (503, retried) or hung (timed out): a clear message, no hung page", async ({ page, request }) => {
  await fault(request, { path: "/organizations", status: 503 });
  await signIn(page, USERS.admin.email);
  await expect(page.locator('[data-error="workos"]')).toContainText("WorkOS answered 503");
  await request.delete(`${EMULATOR_URL}/_emulator/faults`);

  await fault(request, { path: "/organizations", hang: true });
  const started = Date.now();
  await page.reload();
  await expect(page.locator('[data-error="unavailable"]')).toContainText("WorkOS cannot be reached", { timeout: 30_000 });
  expect(Date.now() - started).toBeLessThan(30_000);
  await request.delete(`${EMULATOR_URL}/_emulator/faults`);
});

test("a brief 429 with Retry-After is ridden out: the dashboard loads", async ({ page, request }) => {
  await fault(request, { path: "/organizations", status: 429, retry_after: 1, count: 1 });
  await signIn(page, USERS.admin.email);
  await expect(page.locator('[data-card="users"]').getByTestId("card-state")).toHaveText("3 members · 0 pending invitations");
});

test("real-WorkOS mode from an origin WorkOS refuses (CORS): the widget page says which origin to allow", async ({ page, request }) => {
  expect((await request.post(`${EMULATOR_URL}/_emulator/cors`, { data: { refuse: [REAL_MODE_URL] } })).ok()).toBeTruthy();
  await page.goto(`${REAL_MODE_URL}/widgets/users`);
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  await page.locator(`button[data-email="${USERS.admin.email}"]`).click();
  await expect(page).toHaveURL(`${REAL_MODE_URL}/widgets/users`);
  await hydrated(page);
  const notice = page.locator('[data-error="origin-refused"]');
  await expect(notice).toContainText(REAL_MODE_URL);
  await expect(notice).toContainText("Allowed web origins");
  await expect(page.locator('[data-component="UsersManagement"]')).toHaveCount(0);
  // Against real WorkOS the admin tools are for Leptos.toml's admins only (none here): a clear refusal.
  await page.goto(`${REAL_MODE_URL}/doctor`);
  await expect(page.locator('[data-error="missing-permission"]')).toContainText("Leptos.toml");
});

test("one person asking too fast is told to wait and when to try again, and is served again soon after", async ({ page }) => {
  await signIn(page, USERS.both.email, "/", "Globex Inc");
  const origin = new URL(page.url()).origin;
  // As a script in a loop would: widget tokens until Orgdeck says no.
  let refused = null;
  for (let i = 0; i < 400 && !refused; i++) {
    const res = await page.request.post("/api/widget_token", { form: { slug: "profile" }, headers: { Origin: origin } });
    if (res.status() === 429) refused = res;
  }
  expect(refused, "a bucket of 100 runs out").not.toBeNull();
  expect(Number(refused!.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
  // The answer says it in words for any caller, not only Orgdeck's own WASM.
  const said = await refused!.json();
  expect(said.error).toHaveProperty("TooManyRequests");
  expect(said.title).toBe("Too many requests at once");
  expect(said.explained).toMatch(/Try again in \d+ seconds?\./);
  // The page that reads WorkOS afresh says so in words.
  await page.goto("/return/profile?outcome=done");
  const notice = page.locator('[data-error="too-many-requests"]');
  await expect(notice).toContainText("Too many requests at once");
  await expect(notice).toContainText(/Try again in \d+ seconds?\./);
  // The bucket refills: a moment later the same page is served.
  await expect(async () => {
    await page.goto("/return/profile?outcome=done");
    await expect(page.getByTestId("profile-name")).toBeVisible({ timeout: 500 });
  }).toPass();
});
