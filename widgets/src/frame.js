// The frame around one widget: what the page says while it loads, when it
// cannot load, after a failed organization switch and after a password change,
// and the calls to Orgdeck these need (its server functions, and the widget
// token's handler that answers as one, spoken as Leptos's own client speaks them). Plain DOM: a widget page ships no WASM, and the lab
// (which has its WASM anyway) starts the same frame from its island.

/**
 * Calls one of Orgdeck's server functions. Its failures arrive as
 * `{ error, title, explained }` (src/error.rs, `ExplainedJson`): the words are
 * the server's, so this file never needs to know the error kinds.
 */
export async function callServer(name, fields = {}) {
  const response = await fetch(`/api/${name}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams(fields),
    credentials: "same-origin",
  });
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's page): said below by status.
  }
  if (response.ok) return body;
  const said = body?.explained ?? `Orgdeck answered ${response.status} ${response.statusText}. Reload the page; if it keeps failing, tell your administrator.`;
  // The request's trace id (server/observe.rs): what an operator searches for.
  const id = response.headers.get("x-request-id");
  throw new Error(id ? `${said} (Request ID ${id})` : said);
}

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function button(label, attributes, onClick) {
  const node = element("button", { type: "button", ...attributes }, label);
  node.addEventListener("click", onClick);
  return node;
}

/** A widget token's claims, read the way the widgets read them (`atob` of the payload). */
export function claimsOf(token) {
  return JSON.parse(atob(token.split(".")[1]));
}

function expiry(token) {
  try {
    return claimsOf(token).exp;
  } catch {
    return undefined;
  }
}

/**
 * Keeps every `[data-token-clock]` of the page counting down to `exp`
 * (the widget page's "Token details"); returns what stops it.
 */
export function tokenClock() {
  let exp;
  const show = () => {
    const now = Math.floor(Date.now() / 1000);
    const text =
      exp === undefined
        ? "Fetching a widget token…"
        : exp > now
          ? `Token expires in ${Math.floor((exp - now) / 60)}:${String((exp - now) % 60).padStart(2, "0")}`
          : "Token expired; the widget fetches a new one";
    for (const clock of document.querySelectorAll("[data-token-clock]")) clock.textContent = text;
  };
  const timer = setInterval(show, 1000);
  return {
    set(next) {
      exp = next;
      show();
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Starts the widget in `frame` (server-rendered: a loading line and the
 * `.widget-host` leaf; `data-setup` is the page's WidgetSetup as JSON) with
 * `mount` (host.jsx). `onToken(exp)` hears each token's expiry. Returns what
 * takes the widget down again.
 */
export function startFrame(frame, mount, onToken = () => {}) {
  const setup = JSON.parse(frame.dataset.setup);
  const leaf = frame.querySelector(".widget-host");
  const loading = frame.querySelector("[data-testid=widget-loading]");
  let failed = false;
  let unmount = null;
  let disposed = false;

  const fail = (message) => {
    if (failed) return;
    failed = true;
    loading?.remove();
    const reload = button("Reload widget", {}, () => location.reload());
    leaf.before(
      element("section", { class: "notice error", role: "alert", "data-error": "widget" }, element("h2", {}, "The widget could not load"), element("p", { class: "detail" }, message), reload),
    );
  };

  // Above the widget, one at a time: a failed switch, the offer after a password change.
  const say = (testid, node) => {
    frame.querySelector(`[data-frame-notice="${testid}"]`)?.remove();
    node.dataset.frameNotice = testid;
    leaf.before(node);
  };

  const getToken = async () => {
    try {
      const token = setup.fixed_token ?? (await callServer("widget_token", { slug: setup.slug }));
      const exp = expiry(token);
      if (exp !== undefined) onToken(exp);
      return token;
    } catch (e) {
      fail(e.message);
      throw e;
    }
  };

  // The OrganizationSwitcher's `switchToOrganization`: moves the signed-in
  // session and opens that organization's dashboard. It never rejects: a
  // refusal is shown next to the widget, which stays usable.
  const switchToOrganization = async ({ organizationId }) => {
    try {
      await callServer("switch_organization", { organization_id: organizationId ?? "" });
      location.assign("/");
    } catch (e) {
      say("switch", element("p", { class: "notice error", role: "alert", "data-error": "switch" }, e.message));
    }
  };

  // After a password change (OWASP ASVS V3.3.3): sign out everywhere else?
  const offerToEndOthers = () => {
    const section = element("section", { class: "notice", role: "status", "data-testid": "end-other-sessions" });
    const end = button("Sign out my other sessions", {}, async () => {
      try {
        const n = await callServer("end_other_sessions");
        section.replaceChildren(element("p", { "data-testid": "other-sessions-ended" }, `Signed out ${n} other session${n === 1 ? "" : "s"}.`));
      } catch (e) {
        section.replaceChildren(element("p", { class: "error", role: "alert" }, e.message));
      }
    });
    const keep = button("Keep them", { class: "secondary" }, () => section.remove());
    section.append(element("p", {}, "Your password changed. Anyone still signed in elsewhere with the old one stays signed in until you end those sessions."), end, keep);
    say("end-other-sessions", section);
  };

  const props = {};
  if (setup.current_session_id) props.currentSessionId = setup.current_session_id;
  if (setup.component === "OrganizationSwitcher") props.switchToOrganization = switchToOrganization;
  mount(leaf, {
    component: setup.component,
    getToken,
    apiHostname: setup.api_hostname,
    port: setup.api_port,
    https: setup.api_https,
    offlineIcons: setup.offline_icons,
    props,
    onPasswordChanged: setup.component === "UserSecurity" ? offerToEndOthers : undefined,
  }).then(
    (done) => {
      if (disposed) return done();
      unmount = done;
      loading?.remove();
    },
    (e) => fail(e?.message || "the widgets bundle failed to load"),
  );
  return () => {
    disposed = true;
    unmount?.();
  };
}
