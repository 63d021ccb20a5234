import AxeBuilder from "@axe-core/playwright";
import { test, expect, signIn, hydrated, expectLoggedStatus, USERS } from "./fixtures";
import type { Page } from "@playwright/test";
import { BASE_URL } from "../playwright.config";

// WCAG 2.1 A and AA, as axe-core checks them.
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * Audits the page in its current colour scheme: Orgdeck's own markup must have
 * no violation; what axe finds inside the official widgets is listed in the
 * test's output (not Orgdeck's to fix) and not asserted.
 */
async function audit(page: Page, what: string) {
  const own = await new AxeBuilder({ page }).withTags(WCAG).exclude(".widget-host").analyze();
  const said = own.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(said, `${what}: WCAG 2.1 A/AA violations in Orgdeck's own markup`).toEqual([]);
  if ((await page.locator(".widget-host").count()) > 0) {
    const widget = await new AxeBuilder({ page }).withTags(WCAG).include(".widget-host").analyze();
    for (const v of widget.violations) {
      test.info().annotations.push({ type: "widget a11y (not asserted)", description: `${what}: ${v.id}: ${v.help} (${v.nodes.length})` });
    }
  }
}

/** The page in light, then in dark (the system's preference). */
async function auditBoth(page: Page, what: string) {
  await page.emulateMedia({ colorScheme: "light" });
  await audit(page, `${what}, light`);
  await page.emulateMedia({ colorScheme: "dark" });
  await audit(page, `${what}, dark`);
  await page.emulateMedia({ colorScheme: "light" });
}

async function widgetMounted(page: Page, component: string) {
  await expect(page.locator(`[data-component="${component}"]`)).not.toBeEmpty();
  await expect(page.getByTestId("widget-loading")).toHaveCount(0);
}

test("signed out: Orgdeck's sign-in error page has no violation", async ({ page, consoleErrors }) => {
  // (Every other path sends a signed-out visitor to WorkOS's hosted sign-in.)
  await page.goto("/auth/callback?code=bad&state=bad");
  await expect(page.getByRole("alert")).toBeVisible();
  await auditBoth(page, "sign-in error");
  expectLoggedStatus(consoleErrors, 400);
});

// Each page is audited twice (light, dark), and widget pages twice more: slow on a loaded machine.
test.beforeEach(() => test.setTimeout(150_000));

test("an admin's dashboard, widget and return pages have no violation in Orgdeck's markup, light and dark", async ({ page, consoleErrors }) => {
  await signIn(page, USERS.admin.email);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  await auditBoth(page, "dashboard");
  await page.goto("/no-such-page");
  await expect(page.getByText("Page not found.")).toBeVisible();
  await auditBoth(page, "not found");
  expectLoggedStatus(consoleErrors, 404);

  await page.goto("/widgets/users");
  await hydrated(page);
  await widgetMounted(page, "UsersManagement");
  await auditBoth(page, "members widget");

  await page.goto("/widgets/domains");
  await hydrated(page);
  await widgetMounted(page, "AdminPortalDomainVerification");
  await auditBoth(page, "domains widget");

  await page.getByTestId("done").click();
  await expect(page.getByTestId("outcome")).toContainText("You finished with");
  await hydrated(page);
  await auditBoth(page, "return page");
});

test("an admin's events, doctor and lab pages have no violation in Orgdeck's markup, light and dark", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/events");
  await hydrated(page);
  await auditBoth(page, "events");

  await page.goto("/doctor");
  await hydrated(page);
  await auditBoth(page, "doctor");

  await page.goto("/lab");
  await hydrated(page);
  await expect(page.getByTestId("lab")).toHaveAttribute("data-ready", "true");
  const acme = page.locator("#lab-org option", { hasText: "Acme Corp" });
  await page.locator("#lab-org").selectOption((await acme.getAttribute("value")) as string);
  await expect(page.locator("#lab-user option", { hasText: USERS.admin.email })).toBeAttached();
  await page.locator("#lab-user").selectOption({ label: `${USERS.admin.email} (admin)` });
  await page.getByRole("button", { name: "Mint token" }).click();
  await expect(page.getByTestId("token-table")).toBeVisible();
  await auditBoth(page, "lab with a minted token");
});

test("a member's pages, a user without an organization and error notices have no violation", async ({ page, browser }) => {
  await signIn(page, USERS.member.email);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  await auditBoth(page, "member dashboard");
  await page.goto("/widgets/profile");
  await hydrated(page);
  await widgetMounted(page, "UserProfile");
  await auditBoth(page, "member profile widget");
  await page.goto("/widgets/no-such-widget");
  await hydrated(page);
  await expect(page.locator("[data-error]").first()).toBeVisible();
  await auditBoth(page, "unknown widget notice");

  const elsewhere = await browser.newContext({ baseURL: BASE_URL });
  const nobody = await elsewhere.newPage();
  await signIn(nobody, USERS.nobody.email);
  await expect(nobody.locator("[data-error]").first()).toBeVisible();
  await auditBoth(nobody, "no organization notice");
  await elsewhere.close();
});
