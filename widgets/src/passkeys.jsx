// Orgdeck's passkey panel, under the official UserSecurity widget: the widget
// (1.18) has no passkey section, but WorkOS's widget API has the endpoints.
// It calls them as the widgets do (same token, same headers) and runs the
// WebAuthn ceremony in the browser.
import { useCallback, useEffect, useState } from "react";
import { Button, Card, Flex, Text } from "@radix-ui/themes";

const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\])$/i;

async function call(baseUrl, token, method, path, body) {
  const res = await fetch(`${baseUrl}/_widgets/UserProfile${path}`, {
    method,
    cache: "no-store",
    headers: {
      Authorization: `Bearer ${token}`,
      "WorkOS-Widgets-Version": "1",
      "WorkOS-Widgets-Type": "user-security",
      "Content-Type": "application/json",
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.message || res.statusText);
  return json;
}

export function Passkeys({ baseUrl, token }) {
  const [passkeys, setPasskeys] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const onIp = IP_HOST.test(window.location.hostname);
  const supported = typeof window.PublicKeyCredential?.parseCreationOptionsFromJSON === "function";

  const load = useCallback(async () => {
    const info = await call(baseUrl, await token(), "GET", "/authentication-information");
    setPasskeys(info.data.verificationMethods.Passkey?.passKeys ?? []);
  }, [baseUrl, token]);

  useEffect(() => {
    load().catch((e) => setError(e.message));
  }, [load]);

  const run = (action) => async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await load();
    } catch (e) {
      setError(e.name === "NotAllowedError" ? "The passkey prompt was closed before it finished." : e.message);
    } finally {
      setBusy(false);
    }
  };

  const add = run(async () => {
    const t = await token();
    const { challengeId, options } = await call(baseUrl, t, "POST", "/passkeys");
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
    const credential = await navigator.credentials.create({ publicKey });
    await call(baseUrl, t, "POST", "/passkeys/verify", { challengeId, response: credential.toJSON() });
  });
  const remove = (id) => run(async () => call(baseUrl, await token(), "DELETE", `/passkeys/${id}`));

  const localhost = `${window.location.protocol}//localhost${window.location.port ? `:${window.location.port}` : ""}${window.location.pathname}`;
  return (
    <Card size="2" mt="4" data-testid="passkeys">
      <Flex direction="column" gap="3">
        <Flex justify="between" align="center" gap="4">
          <Flex direction="column">
            <Text size="2" weight="bold" highContrast>Passkeys</Text>
            <Text size="2" color="gray">Sign in with your fingerprint, face or device PIN.</Text>
          </Flex>
          <Button variant="soft" onClick={add} disabled={busy || onIp || !supported}>Add a passkey</Button>
        </Flex>
        {onIp && (
          <Text size="2" color="amber" role="status">
            Passkeys need a domain name, not an IP address. <a href={localhost}>Open this page on localhost</a>.
          </Text>
        )}
        {!supported && !onIp && <Text size="2" color="amber" role="status">This browser cannot create passkeys.</Text>}
        {error && <Text size="2" color="red" role="alert">{error}</Text>}
        {passkeys?.length === 0 && <Text size="2" color="gray">No passkeys yet.</Text>}
        {passkeys?.map((p, i) => (
          <Flex key={p.id} justify="between" align="center" data-testid="passkey" data-id={p.id}>
            <Text size="2">Passkey {i + 1} <Text color="gray">· {p.id}</Text></Text>
            <Button variant="soft" color="red" onClick={remove(p.id)} disabled={busy}>Delete</Button>
          </Flex>
        ))}
        <Text size="1" color="gray">
          Orgdeck's own panel: the UserSecurity widget has no passkey section yet; this one uses the same WorkOS endpoints.
        </Text>
      </Flex>
    </Card>
  );
}
