import { test, expect, signIn, signOut, signInWithPassword, hydrated, typeCode, emailedCode, emulatorNow, setClock, totpCode, expectLoggedStatus, USERS } from "./fixtures";
import { BASE_URL, EMULATOR_URL } from "../playwright.config";

const STRONG = "Tr1cky-Horse-42";

test("Security: after a password change the user is offered to sign out the other sessions, and they end", async ({ page, browser }) => {
  const elsewhere = await browser.newContext({ baseURL: BASE_URL });
  const other = await elsewhere.newPage();
  await signIn(other, USERS.member.email);
  await signIn(page, USERS.member.email, "/widgets/security");
  await page.locator('[data-component="UserSecurity"]').getByRole("button", { name: "Change" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Enter your current password").fill("orgdeck-max");
  await dialog.getByLabel("Enter your new password").fill(STRONG);
  await dialog.getByLabel("Confirm your new password").fill(STRONG);
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expect(dialog).toBeHidden();
  const offer = page.getByTestId("end-other-sessions");
  await expect(offer).toContainText("Your password changed");
  await offer.getByRole("button", { name: "Sign out my other sessions" }).click();
  await expect(page.getByTestId("other-sessions-ended")).toHaveText("Signed out 1 other session.");
  // The other browser is asked to sign in again.
  await other.goto("/");
  await expect(other).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  await elsewhere.close();
});

test("Security: a weak password is refused rule by rule; a strong one is saved and signs in", async ({ page, consoleErrors }) => {
  await signIn(page, USERS.admin.email, "/widgets/security");
  const widget = page.locator('[data-component="UserSecurity"]');
  await widget.getByRole("button", { name: "Change" }).click();
  const dialog = page.getByRole("dialog");
  const change = async (next: string) => {
    await dialog.getByLabel("Enter your current password").fill("orgdeck-ada");
    await dialog.getByLabel("Enter your new password").fill(next);
    await dialog.getByLabel("Confirm your new password").fill(next);
    await dialog.getByRole("button", { name: "Change password" }).click();
  };
  await change("longbutweak");
  for (const rule of ["Must include an uppercase letter", "Must include a number", "Must include a special character"]) {
    await expect(dialog.getByText(rule, { exact: true })).toBeVisible();
  }
  expectLoggedStatus(consoleErrors, 400);
  await change(STRONG);
  await expect(dialog).toBeHidden();

  await signOut(page);
  await signInWithPassword(page, USERS.admin.email, STRONG);
  await expect(page).toHaveURL(`${BASE_URL}/`);
  await hydrated(page);
  await expect(page.getByTestId("viewer-name")).toHaveText(USERS.admin.name);
});

test("Security: an authenticator app is enrolled with a real code, and sign-in then asks for one", async ({ page, request }) => {
  await signIn(page, USERS.admin.email, "/widgets/security");
  const widget = page.locator('[data-component="UserSecurity"]');
  const since = await emulatorNow(request);
  await widget.getByRole("button", { name: "Set up authenticator app" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Send verification code" }).click();
  await typeCode(dialog, await emailedCode(request, USERS.admin.email, "elevated_access", since));

  await expect(dialog.getByRole("img", { name: "Scan this QR code to enroll" })).toBeVisible();
  await dialog.getByRole("button", { name: "View setup key" }).click();
  const keyDialog = page.getByRole("dialog").filter({ hasText: "Your setup key" });
  const secret = ((await keyDialog.textContent()) ?? "").match(/[A-Z2-7]{16,}/)?.[0];
  expect(secret, "the setup key is shown").toBeTruthy();
  await page.keyboard.press("Escape");
  await expect(keyDialog).toBeHidden();
  const enrol = page.getByRole("dialog");
  await typeCode(enrol, totpCode(secret!, new Date(await emulatorNow(request))));
  await expect(enrol).toBeHidden();
  await expect(widget.getByText("Authenticator app")).toBeVisible();

  await page.getByTestId("done").click();
  await expect(page.getByTestId("mfa-state")).toHaveText("Authenticator app: on");
  await expect(page.getByRole("link", { name: "← Dashboard" })).toBeVisible();

  // Next sign-in: password, then the code (a later step: each code is good once).
  await signOut(page);
  const later = new Date(await setClock(request, 30));
  await page.getByLabel("Email").fill(USERS.admin.email);
  await page.getByLabel("Password").fill("orgdeck-ada");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Multi-factor authentication" })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/`));
  await page.getByLabel("Authentication code").fill(totpCode(secret!, later));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(`${BASE_URL}/`);
  await hydrated(page);
  await expect(page.locator('[data-card="security"]').getByTestId("card-state")).toHaveText("Authenticator app on");
});

test("Security: a passkey is registered with the browser's authenticator, listed, and deleted", async ({ page }) => {
  // WebAuthn refuses IP addresses: this test uses the same server as localhost.
  const local = BASE_URL.replace("127.0.0.1", "localhost");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await page.goto(`${local}/widgets/security`);
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/user_management/authorize`));
  await page.locator(`button[data-email="${USERS.admin.email}"]`).click();
  await expect(page).toHaveURL(`${local}/widgets/security`);
  await hydrated(page);

  const panel = page.getByTestId("passkeys");
  await expect(panel.getByText("No passkeys yet.")).toBeVisible();
  await panel.getByRole("button", { name: "Add a passkey" }).click();
  await expect(panel.getByTestId("passkey")).toHaveCount(1);
  await page.screenshot({ path: "screenshots/security.png", fullPage: true });
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials.map((c) => c.rpId)).toEqual(["localhost"]);

  await panel.getByRole("button", { name: "Delete" }).click();
  await expect(panel.getByTestId("passkey")).toHaveCount(0);
  await expect(panel.getByText("No passkeys yet.")).toBeVisible();
});

test("Security: on an IP address the passkey panel says to use localhost", async ({ page }) => {
  await signIn(page, USERS.admin.email, "/widgets/security");
  const panel = page.getByTestId("passkeys");
  await expect(panel.getByRole("status")).toContainText("Passkeys need a domain name");
  await expect(panel.getByRole("link", { name: "Open this page on localhost" })).toHaveAttribute("href", /^http:\/\/localhost:\d+\/widgets\/security$/);
  await expect(panel.getByRole("button", { name: "Add a passkey" })).toBeDisabled();
});
