import { AuthenticationException, NotFoundException, WorkOS } from "@workos-inc/node";
import { EMULATOR_URL } from "../playwright.config";
import { expect, test } from "./fixtures";

// The official Node SDK (what the Next.js widgets example runs on) against the
// emulator: its calls answer, and its errors arrive as WorkOS exceptions, a 405
// and a 404 for an unknown path included (an empty 405 made it throw a SyntaxError).
function workos(): WorkOS {
  const url = new URL(EMULATOR_URL);
  return new WorkOS("sk_test_emulator", {
    apiHostname: url.hostname,
    port: Number(url.port),
    https: false,
    clientId: "client_emulator",
    maxRetries: 0,
  });
}

test("the Node SDK lists, creates and changes organizations, users, memberships and invitations", async () => {
  const sdk = workos();
  const both = await sdk.organizations.listOrganizations({ domains: ["acme.test", "globex.test"] });
  expect(both.data.map((o) => o.name).sort()).toEqual(["Acme Corp", "Globex Inc"]);

  const org = await sdk.organizations.createOrganization({ name: "Initech", externalId: "ext-initech" });
  const renamed = await sdk.organizations.updateOrganization({ organization: org.id, name: "Initech Ltd" });
  expect(renamed.name).toBe("Initech Ltd");
  expect((await sdk.organizations.getOrganizationByExternalId("ext-initech")).id).toBe(org.id);

  const user = await sdk.userManagement.createUser({ email: "zoe@initech.test", firstName: "Zoe", password: "Correct-Horse-2026!" });
  const membership = await sdk.userManagement.createOrganizationMembership({ organizationId: org.id, userId: user.id, roleSlug: "admin" });
  expect(membership.role.slug).toBe("admin");
  expect((await sdk.userManagement.deactivateOrganizationMembership(membership.id)).status).toBe("inactive");
  expect((await sdk.userManagement.reactivateOrganizationMembership(membership.id)).status).toBe("active");

  const invitation = await sdk.userManagement.sendInvitation({ email: "sam@initech.test", organizationId: org.id });
  const listed = await sdk.userManagement.listInvitations({ organizationId: org.id });
  expect(listed.data.map((i) => i.id)).toContain(invitation.id);
  expect((await sdk.userManagement.revokeInvitation(invitation.id)).state).toBe("revoked");
});

test("the Node SDK signs a user of two organizations in through organization selection", async () => {
  const sdk = workos();
  const pending = await sdk.userManagement
    .authenticateWithPassword({ clientId: "client_emulator", email: "bea@globex.test", password: "orgdeck-bea" })
    .then(() => null, (e: unknown) => e);
  expect(pending).toBeInstanceOf(AuthenticationException);
  const stop = pending as AuthenticationException;
  expect(stop.code).toBe("organization_selection_required");
  const orgs = await sdk.organizations.listOrganizations();
  const globex = orgs.data.find((o) => o.name === "Globex Inc")!;
  const signedIn = await sdk.userManagement.authenticateWithOrganizationSelection({
    clientId: "client_emulator",
    pendingAuthenticationToken: stop.pendingAuthenticationToken!,
    organizationId: globex.id,
  });
  expect(signedIn.user.email).toBe("bea@globex.test");
  expect(signedIn.organizationId).toBe(globex.id);
});

test("the Node SDK reads the emulator's errors as WorkOS exceptions: unknown id, unknown path, wrong method", async () => {
  const sdk = workos();
  await expect(sdk.organizations.getOrganization("org_01H0000000000000000000000")).rejects.toBeInstanceOf(NotFoundException);
  const unknownPath = await sdk.get("/no/such/endpoint").then(() => null, (e: { status?: number; name?: string; message?: string }) => e);
  expect(unknownPath?.status).toBe(404);
  expect(unknownPath?.name).not.toBe("SyntaxError");
  expect(unknownPath?.message).toContain("Cannot GET /no/such/endpoint");
  const wrongMethod = await sdk
    .put("/organizations", {})
    .then(() => null, (e: { status?: number; name?: string; rawData?: { message?: string } }) => e);
  expect(wrongMethod?.status).toBe(405);
  expect(wrongMethod?.name).not.toBe("SyntaxError"); // a WorkOS exception (NestJS's `error` field makes it an OauthException)
  expect(wrongMethod?.rawData?.message).toContain("Cannot PUT /organizations");
});
