import { test, expect, signIn, hydrated, USERS } from "./fixtures";
import { BASE_URL } from "../playwright.config";

test("Organization switcher: the official widget moves the session and lands on the other dashboard", async ({ page }) => {
  await signIn(page, USERS.both.email, "/", "Globex Inc");
  await expect(page.getByTestId("org-name")).toHaveText("Globex Inc");
  await page.getByTestId("switcher-link").click();
  await expect(page).toHaveURL(/\/widgets\/organization-switcher$/);
  await hydrated(page);

  const widget = page.locator('[data-component="OrganizationSwitcher"]');
  await widget.getByRole("button", { name: /Globex Inc/ }).click();
  await page.screenshot({ path: "screenshots/switcher.png", fullPage: true });
  await page.getByRole("menuitem", { name: /Acme Corp/ }).click();
  await expect(page).toHaveURL(`${BASE_URL}/`);
  await hydrated(page);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  // Bea is a member in Acme: the admin cards are closed to her here.
  await expect(page.getByTestId("viewer-role")).toHaveText("member");
  await expect(page.locator('[data-card="users"]').getByRole("link", { name: "Open widget" })).toHaveCount(0);
});

test("Self-service cards are open to a member and show live state", async ({ page }) => {
  await signIn(page, USERS.member.email);
  for (const slug of ["profile", "security", "sessions"]) {
    await expect(page.locator(`[data-card="${slug}"]`).getByRole("link", { name: "Open" })).toBeVisible();
  }
  await expect(page.locator('[data-card="security"]').getByTestId("card-state")).toHaveText("Authenticator app off");
  await expect(page.locator('[data-card="sessions"]').getByTestId("card-state")).toHaveText("1 active session");
});
