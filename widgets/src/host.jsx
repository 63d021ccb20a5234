// The widget host: mounts one official WorkOS widget into an element Leptos
// rendered empty, and unmounts it when the Leptos page goes away. Each widget
// is a chunk of its own (the package's per-widget entry points), fetched when
// a page mounts it: React, Radix and the widgets' shared code come with this
// file, and a widget page downloads only its own widget besides.
import { createRoot } from "react-dom/client";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { WorkOsWidgets } from "@workos-inc/widgets/workos-widgets";
import THEME from "./theme.json";
import { claimsOf, startFrame, tokenClock } from "./frame.js";
import "@radix-ui/themes/styles.css";
import "@workos-inc/widgets/styles.css";

// Component name (from Orgdeck's catalog) -> what loads the component, and the
// widgetType it keys its token query with (see the widgets' api/api-provider.js).
const COMPONENTS = {
  UsersManagement: [() => import("@workos-inc/widgets/users-management").then((m) => m.UsersManagement), "user-management"],
  AdminPortalSsoConnection: [() => import("@workos-inc/widgets/admin-portal-sso-connection").then((m) => m.AdminPortalSsoConnection), "admin-portal-sso-connection"],
  AdminPortalDomainVerification: [() => import("@workos-inc/widgets/admin-portal-domain-verification").then((m) => m.AdminPortalDomainVerification), "admin-portal-domain-verification"],
  AdminPortalAuditLogStreaming: [() => import("@workos-inc/widgets/admin-portal-audit-log-streaming").then((m) => m.AdminPortalAuditLogStreaming), "admin-portal-audit-log-streaming"],
  DirectorySync: [() => import("@workos-inc/widgets/directory-sync").then((m) => m.DirectorySync), "directory-sync"],
  ApiKeys: [() => import("@workos-inc/widgets/api-keys").then((m) => m.ApiKeys), "api-keys"],
  UserProfile: [() => import("@workos-inc/widgets/user-profile").then((m) => m.UserProfile), "user-profile"],
  UserSecurity: [() => import("@workos-inc/widgets/user-security").then((m) => m.UserSecurity), "user-security"],
  UserSessions: [() => import("@workos-inc/widgets/user-sessions").then((m) => m.UserSessions), "user-sessions"],
  OrganizationSwitcher: [() => import("@workos-inc/widgets/organization-switcher").then((m) => m.OrganizationSwitcher), "organization-switcher"],
};

/** The page's appearance: the toggle's class on <html>, else the system's. */
function appearance() {
  const chosen = document.documentElement.classList;
  if (chosen.contains("dark")) return "dark";
  if (chosen.contains("light")) return "light";
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

const AUTH_ERRORS = new Set(["IncorrectPermissionsError", "ExpiredTokenError"]);

// The same policy as the provider's own client: never retry an auth error, and
// keep the last good data when a refetch fails on one.
function queryClient() {
  const client = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.state.data !== undefined && AUTH_ERRORS.has(error?.name)) {
          client.setQueryData(query.queryKey, query.state.data);
        }
      },
    }),
    defaultOptions: {
      queries: { retry: (failures, error) => !AUTH_ERRORS.has(error?.name) && failures < 3 },
    },
  });
  return client;
}

/**
 * Adds the stylesheet once; resolves when it has loaded (or failed to), so the
 * widget never renders before its styles: a provider logo drawn before
 * offline-icons.css applies is fetched from WorkOS's CDN.
 */
function ensureStylesheet(file) {
  const href = new URL(file, import.meta.url).href;
  let link = document.querySelector(`link[data-widget-host][href="${href}"]`);
  if (link?.sheet) return Promise.resolve();
  if (!link) {
    link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.dataset.widgetHost = "";
    document.head.appendChild(link);
  }
  return new Promise((resolve) => {
    link.addEventListener("load", resolve, { once: true });
    link.addEventListener("error", resolve, { once: true });
  });
}

/**
 * Mounts `component` into `element`. `getToken` resolves to a fresh widget token;
 * the first one is placed in the token query before the widget renders, so its
 * first requests already carry it, and the widget still calls `getToken` itself
 * to refresh before `exp` and after a 403.
 * Returns a function that unmounts the widget.
 */
/** The paths of a successful password change through the widget API. */
const PASSWORD_CHANGED = /\/_widgets\/UserProfile\/(update|create)-password$/;

/**
 * Calls `onChanged` when a request of the page changes the user's password
 * (UserSecurity sends it through `fetch`); returns what puts `fetch` back.
 */
function watchPasswordChanges(onChanged) {
  const original = window.fetch;
  window.fetch = async (input, init) => {
    const response = await original(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (response.ok && PASSWORD_CHANGED.test(new URL(url, location.href).pathname)) onChanged();
    return response;
  };
  return () => {
    window.fetch = original;
  };
}

export async function mount(element, { component, getToken, apiHostname, port, https, props, offlineIcons, onPasswordChanged }) {
  const entry = COMPONENTS[component];
  if (!entry) {
    throw new Error(`Unknown widget component ${component}`);
  }
  const [load, widgetType] = entry;
  const styles = [ensureStylesheet("./host.css"), offlineIcons && ensureStylesheet("./offline-icons.css")];
  const passkeys = component === "UserSecurity" ? import("./passkeys.jsx").then((m) => m.Passkeys) : null;
  const [token, Component, Passkeys] = await Promise.all([getToken(), load(), passkeys, ...styles]);
  const claims = claimsOf(token);
  const client = queryClient();
  const key = ["authToken", widgetType];
  client.setQueryDefaults(key, { staleTime: Infinity });
  client.setQueryData(key, { authToken: token, permissions: claims.permissions, exp: claims.exp });
  // The widget keeps this query fresh; Orgdeck's own panels read the same token.
  const currentToken = async () => client.getQueryData(key)?.authToken ?? getToken();
  const baseUrl = `${https ? "https" : "http"}://${apiHostname}${port ? `:${port}` : ""}`;
  const root = createRoot(element);
  // Orgdeck's theme (src/theme.json, the same one its own CSS is generated
  // from), light or dark as the page is; drawn on the page's panel.
  const render = () =>
    root.render(
      <QueryClientProvider client={client}>
        <WorkOsWidgets
          queryClient={client}
          apiHostname={apiHostname}
          port={port ?? null}
          https={https}
          theme={{ ...THEME, appearance: appearance(), hasBackground: false }}
        >
          <Component authToken={getToken} {...(props ?? {})} />
          {Passkeys && <Passkeys baseUrl={baseUrl} token={currentToken} />}
        </WorkOsWidgets>
      </QueryClientProvider>,
    );
  render();
  const system = matchMedia("(prefers-color-scheme: dark)");
  system.addEventListener("change", render);
  window.addEventListener("orgdeck-theme", render);
  const unwatch = onPasswordChanged ? watchPasswordChanges(onPasswordChanged) : () => {};
  return () => {
    system.removeEventListener("change", render);
    window.removeEventListener("orgdeck-theme", render);
    unwatch();
    root.unmount();
    client.clear();
  };
}

/**
 * Starts the widget in a frame Orgdeck rendered (see frame.js); returns what
 * takes it down. The lab's island calls this.
 */
export function host(frame, onToken) {
  return startFrame(frame, mount, onToken);
}

/**
 * A widget page's frame (the page has no WASM): the widget, the page's token
 * clock, and the page's live marker, which tests (and anything else waiting
 * for the page to answer clicks) read as on the pages Leptos hydrates.
 */
export function page(frame) {
  const clock = tokenClock();
  const stop = host(frame, clock.set);
  document.body.dataset.hydrated = "true";
  return () => {
    clock.stop();
    stop();
  };
}
