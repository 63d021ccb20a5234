import { test, expect, signIn, hydrated, setClock, USERS } from "./fixtures";
import { EMULATOR_URL } from "../playwright.config";

test("Sessions: signed in twice, one browser signs the other out", async ({ page, browser, request }) => {
  // Tokens minted "250 s ago" have under a minute left, so Orgdeck refreshes at
  // every request: the other browser hears of the revocation at its next one.
  await setClock(request, -250);
  const other = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1" });
  const phone = await other.newPage();
  const phoneErrors: string[] = [];
  phone.on("console", (m) => m.type() === "error" && phoneErrors.push(m.text()));
  phone.on("pageerror", (e) => phoneErrors.push(e.message));
  await signIn(phone, USERS.admin.email);
  await expect(phone.getByTestId("live-feed")).toHaveAttribute("data-connected", "true");

  await signIn(page, USERS.admin.email, "/widgets/sessions");
  const widget = page.locator('[data-component="UserSessions"]');
  await expect(widget.getByText("This device")).toBeVisible();
  await expect(widget.getByText(/iPhone|iOS/)).toBeVisible();
  await expect(widget.getByRole("button", { name: "Sign out", exact: true })).toHaveCount(2); // the other session, and "all other devices"
  await page.screenshot({ path: "screenshots/sessions.png", fullPage: true });

  await widget.getByRole("button", { name: "Sign out", exact: true }).first().click();
  const dialog = page.getByRole("alertdialog").or(page.getByRole("dialog"));
  await dialog.getByRole("button", { name: /Sign out/ }).click();
  await expect(dialog).toBeHidden();
  await expect(widget.getByText(/iPhone|iOS/)).toBeHidden();

  // The phone's open dashboard hears of it at once (WorkOS's session.revoked, live).
  await expect(phone.getByTestId("signed-out")).toBeVisible();
  // The phone's next request: its refresh is refused, so it is signed out.
  await phone.goto("/");
  await expect(phone).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  // And this browser is still in.
  await page.goto("/");
  await hydrated(page);
  await expect(page.locator('[data-card="sessions"]').getByTestId("card-state")).toHaveText("1 active session");
  await page.goto("/return/sessions");
  await expect(page.getByTestId("sessions").locator('tr[data-status="revoked"]')).toHaveCount(1);
  await other.close();
  expect(phoneErrors).toEqual([]);
});
