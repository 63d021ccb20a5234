import { test, expect, signIn, USERS } from "./fixtures";

test("the doctor page: every check of the emulator setup passes, each line with its finding", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/doctor");
  await expect(page.getByTestId("doctor-summary")).toHaveText("0 failed");
  for (const name of ["WORKOS_API_KEY", "API key accepted", "Widget token", "Webhooks", "Allowed web origin", "Database"]) {
    await expect(page.locator(`tr[data-check="${name}"]`)).toHaveAttribute("data-verdict", "PASS");
  }
  await expect(page.locator('tr[data-check="WorkOS SDK"]')).toContainText("workos-rust/3.5");
});
