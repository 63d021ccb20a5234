import { test, expect, signIn, expectLoggedStatus, USERS } from "./fixtures";
import type { Page } from "@playwright/test";
import { EMULATOR_URL } from "../playwright.config";

test("the lab mints a token for another organization's member, decodes it, and opens the widget with exactly that token", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/lab");
  await labReady(page);
  const globex = page.locator("#lab-org option", { hasText: "Globex Inc" });
  await page.locator("#lab-org").selectOption(await globex.getAttribute("value") as string);
  await expect(page.locator("#lab-user option", { hasText: "bea@globex.test" })).toBeAttached();
  await page.locator("#lab-user").selectOption({ label: "bea@globex.test (admin)" });
  await page.getByRole("button", { name: "Mint token" }).click();
  const claims = page.getByTestId("token-claims");
  await expect(claims).toContainText('"org_id": "org_');
  await expect(claims).toContainText("widgets:users-table:manage");
  await expect(page.getByTestId("token-header")).toContainText('"alg": "RS256"');
  await expect(page.getByTestId("token-curl")).toContainText("sk_…REDACTED");
  await expect(page.getByTestId("token-curl")).not.toContainText("sk_test_emulator");
  await expect(page.getByTestId("token-clock")).toHaveText(/Token expires in (59|60):\d\d/);
  await page.getByRole("button", { name: "Open the widget with this token" }).click();
  const widget = page.locator('[data-component="UsersManagement"]');
  await expect(widget.getByText("bea@globex.test", { exact: true })).toBeVisible();
  await expect(widget.getByText("ada@acme.test", { exact: true })).toHaveCount(0);
  // Recorded, with who and what.
  await page.reload();
  await labReady(page);
  await expect(page.getByTestId("lab-actions")).toContainText("minted a widget token");
  await expect(page.getByTestId("lab-actions")).toContainText(USERS.admin.email);
});

test("the lab shows what a missing scope does, and opens the hosted portal for any intent", async ({ page, consoleErrors }) => {
  await signIn(page, USERS.admin.email, "/lab");
  await labReady(page);
  const acme = page.locator("#lab-org option", { hasText: "Acme Corp" });
  await page.locator("#lab-org").selectOption(await acme.getAttribute("value") as string);
  await expect(page.locator("#lab-user option", { hasText: "ada@acme.test" })).toBeAttached();
  await page.locator("#lab-user").selectOption({ label: "ada@acme.test (admin)" });
  await page.getByLabel("widgets:users-table:manage").uncheck();
  await page.getByRole("button", { name: "Mint token" }).click();
  await expect(page.getByTestId("token-claims")).not.toContainText("widgets:users-table:manage");
  await page.getByRole("button", { name: "Open the widget with this token" }).click();
  await expect(page.locator('[data-component="UsersManagement"]')).toContainText(/permission|not authorized|error/i);
  expectLoggedStatus(consoleErrors, 403);
  consoleErrors.splice(0, consoleErrors.length);

  await page.locator("#lab-intent").selectOption("dsync");
  await page.getByRole("button", { name: "Open Admin Portal" }).click();
  await expect(page).toHaveURL(`${EMULATOR_URL}/portal/dsync`);
});

test("the lab bench's code is fetched on /lab only", async ({ page }) => {
  const lazy: string[] = [];
  page.on("request", (r) => {
    if (/\/pkg\/split_[\w.-]+\.wasm$/.test(r.url())) lazy.push(r.url());
  });
  await signIn(page, USERS.admin.email);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  expect(lazy, "the dashboard does not load the lab").toEqual([]);
  await page.goto("/lab");
  await labReady(page);
  expect(lazy.length).toBeGreaterThan(0);
  for (const url of lazy) expect(url).toMatch(/\/pkg\/split_lab_bench_loader_\d+\.[\w-]{16,}\.wasm$/);
});

/** The bench is a lazy island: its code arrives after the page's first hydration. */
async function labReady(page: Page) {
  await expect(page.getByTestId("lab")).toHaveAttribute("data-ready", "true");
}
