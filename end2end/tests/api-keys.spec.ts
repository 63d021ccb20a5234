import { test, expect, signIn, hydrated, USERS } from "./fixtures";
import { EMULATOR_URL } from "../playwright.config";

const API_KEY = "sk_test_emulator";

async function validate(request: import("@playwright/test").APIRequestContext, value: string) {
  const res = await request.post(`${EMULATOR_URL}/api_keys/validations`, { headers: { Authorization: `Bearer ${API_KEY}` }, data: { value } });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).api_key;
}

test("API keys: a new key is shown once, listed obfuscated, works, and stops working when revoked", async ({ page, request, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, USERS.admin.email);
  await expect(page.locator('[data-card="api-keys"]').getByTestId("card-state")).toHaveText("1 API key");
  await page.locator('[data-card="api-keys"]').getByRole("link", { name: "Open" }).click();
  await hydrated(page);
  const widget = page.locator('[data-component="ApiKeys"]');
  await expect(widget.getByText("CI pipeline")).toBeVisible();
  await expect(widget.getByText("sk_...ijkl")).toBeVisible();

  await widget.getByRole("button", { name: "Create API key" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Deploy bot");
  await dialog.getByRole("button", { name: "Create API key" }).click();
  await expect(dialog.getByText("Save your key")).toBeVisible();
  const value = await dialog.getByRole("textbox").inputValue();
  expect(value).toMatch(/^sk_[a-z0-9]{32}$/);
  expect((await validate(request, value)).name).toBe("Deploy bot");
  await dialog.getByRole("button", { name: "Copy and close" }).click();
  await expect(dialog).toBeHidden();

  const row = widget.getByRole("row").filter({ hasText: "Deploy bot" });
  await expect(row).toContainText(`sk_...${value.slice(-4)}`);
  await page.screenshot({ path: "screenshots/api-keys.png", fullPage: true });
  await expect(page.getByText(value)).toHaveCount(0);

  await row.getByRole("button", { name: "API key actions" }).click();
  await page.getByRole("menuitem", { name: "Revoke key" }).click();
  const confirm = page.getByRole("alertdialog").or(page.getByRole("dialog"));
  await confirm.getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toHaveCount(0);
  // The row can go before the revocation is done (a CI run found the key still
  // good right after): WorkOS must refuse it once it is.
  await expect.poll(() => validate(request, value)).toBeNull();

  await page.getByTestId("done").click();
  await expect(page.getByTestId("api-keys")).toContainText("CI pipeline");
  await expect(page.getByTestId("api-keys")).not.toContainText("Deploy bot");
});

test("API keys: a member's card is disabled and names the permission", async ({ page }) => {
  await signIn(page, USERS.member.email);
  const card = page.locator('[data-card="api-keys"]');
  await expect(card.getByRole("link", { name: "Open widget" })).toHaveCount(0);
  await expect(card.locator(".forbidden")).toContainText("widgets:api-keys:manage");
});
