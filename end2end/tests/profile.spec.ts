import { test, expect, signIn, hydrated, typeCode, emailedCode, emulatorNow, USERS } from "./fixtures";

test("Profile: a new name shows on the dashboard, and a new email is confirmed through its code", async ({ page, request }) => {
  await signIn(page, USERS.admin.email, "/widgets/profile");
  const widget = page.locator('[data-component="UserProfile"]');
  await expect(widget.getByText("Ada Admin", { exact: true })).toBeVisible();
  // A developer's detail: collapsed, for admins (everyone is one on the emulator).
  await page.getByTestId("token-details").locator("summary").click();
  await expect(page.getByTestId("token-clock")).toHaveText(/Token expires in/);
  await page.screenshot({ path: "screenshots/profile.png", fullPage: true });

  // The name: the official dialog, then the dashboard after a reload (fresh from WorkOS).
  await widget.getByRole("button", { name: "Edit" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("First name").fill("Augusta");
  await dialog.getByLabel("Last name").fill("King");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(widget.getByText("Augusta King", { exact: true })).toBeVisible();
  await page.goto("/");
  await hydrated(page);
  await expect(page.getByTestId("viewer-name")).toHaveText("Augusta King");
  await expect(page.locator('[data-card="profile"]').getByTestId("card-state")).toHaveText("Augusta King · ada@acme.test");

  // The email: prove it's you (a code to the current address), then confirm the new one.
  await page.goto("/widgets/profile");
  await hydrated(page);
  const since = await emulatorNow(request);
  await widget.getByRole("button", { name: "Edit" }).nth(1).click();
  await dialog.getByRole("button", { name: "Send verification code" }).click();
  await typeCode(dialog, await emailedCode(request, "ada@acme.test", "elevated_access", since));
  await dialog.getByLabel("New email address").fill("augusta@acme.test");
  await dialog.getByRole("button", { name: "Send verification code" }).click();
  await typeCode(dialog, await emailedCode(request, "augusta@acme.test", "email_change", since));
  await expect(dialog).toBeHidden();
  await expect(widget.getByText("augusta@acme.test", { exact: true })).toBeVisible();

  await page.getByTestId("done").click();
  await expect(page).toHaveURL(/\/return\/profile\?outcome=done$/);
  await expect(page.getByTestId("profile-email")).toHaveText("augusta@acme.test (verified)");
  await expect(page.getByTestId("profile-name")).toHaveText("Augusta King");
});
