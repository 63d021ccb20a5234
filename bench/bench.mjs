// `make bench`: Orgdeck (release) beside the official Next.js widgets example
// (workos/widgets-examples, nextjs/), both on one WorkOS emulator, measured in
// one run and interleaved. Results: bench/RESULTS.md (ratios and raw figures).
//
// The example's code is never committed: WIDGETS_EXAMPLES names a clone (or a
// bare git directory) of workos/widgets-examples; its nextjs/ folder is copied
// into target/bench/ and built there. Without it, or when it does not build,
// the Orgdeck half still runs and the results say why the other is missing.

import { spawn, execFileSync, execSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadavg, cpus } from "node:os";
import { perfWorks, record, table } from "./profile.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SCRATCH = join(ROOT, "target", "bench");
const TOOLS = join(ROOT, ".tools");
const autocannon = createRequire(join(TOOLS, "package.json"))("autocannon");
// Playwright comes with the browser suite (end2end/), loaded when first needed.
const playwright = () => createRequire(join(ROOT, "end2end", "package.json"))("@playwright/test");

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = [1, 16, 64];
const EMULATOR = "127.0.0.1:4200";
const ORGDECK = "127.0.0.1:4300";
const NEXT = "127.0.0.1:4040";
const EMAIL = "ada@acme.test";
const PASSWORD = "orgdeck-ada";
const COOKIE_PASSWORD = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const children = [];
process.on("exit", () => children.forEach((c) => { try { process.kill(-c.pid, "SIGKILL"); } catch {} }));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log("bench:", ...a);

function start(name, command, args, options) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output = (output + d).slice(-4000)));
  child.stderr.on("data", (d) => (output = (output + d).slice(-4000)));
  child.name = name;
  child.output = () => output;
  children.push(child);
  return child;
}

async function stop(child) {
  try { process.kill(-child.pid, "SIGTERM"); } catch {}
  for (let i = 0; i < 50 && child.exitCode === null && child.signalCode === null; i++) await sleep(100);
  try { process.kill(-child.pid, "SIGKILL"); } catch {}
}

/** Milliseconds from now until `url` answers at all (any status below 500). */
async function ready(url, child, limitMs = 120_000) {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (child.exitCode !== null) throw new Error(`${child.name} exited:\n${child.output()}`);
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return performance.now() - started;
    } catch {}
    await sleep(10);
  }
  throw new Error(`${child.name} did not answer ${url} in ${limitMs} ms:\n${child.output()}`);
}

/** The process listening on `port` (a launcher like `next start` may hand the socket to a child). */
function listener(port, fallback) {
  try {
    const out = execSync(`ss -ltnpH "sport = :${port}"`, { encoding: "utf8" });
    return Number(/pid=(\d+)/.exec(out)?.[1] ?? fallback);
  } catch {
    return fallback;
  }
}

/** Resident memory (KiB) of a process and its descendants: now, and at its peak. */
function memory(pid) {
  const parents = new Map();
  for (const p of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      parents.set(Number(p), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, parent] of parents) if (parent === tree[i]) tree.push(p);
  let rss = 0, hwm = 0;
  for (const p of tree) {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      hwm += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {}
  }
  return { rss, hwm };
}

/** Signs in through the emulator's hosted page like a browser; returns the app's cookie header. */
async function signIn(base, startPath) {
  const jars = new Map();
  const cookieFor = (url) => [...(jars.get(new URL(url).host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join("; ");
  const keep = (url, res) => {
    const host = new URL(url).host;
    const jar = jars.get(host) ?? new Map();
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    jars.set(host, jar);
  };
  let url = base + startPath;
  let body;
  for (let hop = 0; hop < 20; hop++) {
    const init = { redirect: "manual", headers: { cookie: cookieFor(url) } };
    if (body) Object.assign(init, { method: "POST", body, headers: { ...init.headers, "content-type": "application/x-www-form-urlencoded" } });
    body = undefined;
    const res = await fetch(url, init);
    keep(url, res);
    if (res.status >= 300 && res.status < 400) {
      // Next.js answers with `localhost` for the loopback address it listens on.
      url = new URL(res.headers.get("location"), url).toString().replace("//localhost:", "//127.0.0.1:");
      continue;
    }
    const html = await res.text();
    if (url.includes("/user_management/authorize")) {
      const request = /name="request" value="([^"]*)"/.exec(html)?.[1];
      if (!request) throw new Error(`no sign-in form at ${url}`);
      url = `http://${EMULATOR}/user_management/authorize/sign-in`;
      body = new URLSearchParams({ request, email: EMAIL, password: PASSWORD, organization_id: "" }).toString();
      continue;
    }
    if (res.status !== 200) throw new Error(`sign-in ended at ${url} with ${res.status}`);
    return cookieFor(base);
  }
  throw new Error("sign-in went round in circles");
}

function load(opts) {
  return new Promise((resolveLoad, reject) => {
    autocannon({ duration: SECONDS, ...opts }, (err, r) => (err ? reject(err) : resolveLoad(r)));
  });
}

function summary(r) {
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r["2xx"],
    other: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/**
 * Bytes a first visit costs: every response's size on the wire (headers
 * included), by CDP; with `then`, also what a second page costs right after
 * (same browser, its cache warm).
 */
async function firstVisit(base, path, cookie, ready, then) {
  const browser = await playwright().chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext();
    const host = new URL(base).hostname;
    await context.addCookies(cookie.split("; ").filter(Boolean).map((c) => {
      const eq = c.indexOf("=");
      return { name: c.slice(0, eq), value: c.slice(eq + 1), domain: host, path: "/" };
    }));
    const page = await context.newPage();
    // Told when the page does not get there: what the browser said.
    const said = [];
    page.on("console", (m) => m.type() !== "log" && said.push(`${m.type()}: ${m.text()}`));
    page.on("response", (r) => r.status() >= 400 && said.push(`${r.status()} ${r.url()}`));
    const waitFor = (selector) =>
      page.locator(selector).first().waitFor({ timeout: 30_000 }).catch((e) => {
        throw new Error(`${e.message.split("\n")[0]} on ${page.url()}; the browser said:\n${said.join("\n") || "(nothing)"}`);
      });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    let bytes = 0, requests = 0;
    const byType = {};
    const types = new Map();
    const urls = new Map();
    let fetched = [];
    cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
    cdp.on("Network.responseReceived", (e) => types.set(e.requestId, e.type));
    cdp.on("Network.loadingFinished", (e) => {
      if (e.encodedDataLength > 0) fetched.push(urls.get(e.requestId) ?? "");
      bytes += e.encodedDataLength;
      requests += 1;
      const t = types.get(e.requestId) ?? "Other";
      byType[t] = (byType[t] ?? 0) + e.encodedDataLength;
    });
    const started = performance.now();
    await page.goto(base + path, { waitUntil: "networkidle" });
    await waitFor(ready);
    await page.waitForLoadState("networkidle");
    const ms = performance.now() - started;
    const first = { bytes, requests, byType: { ...byType }, ms };
    if (!then) return first;
    bytes = 0; requests = 0; fetched = [];
    for (const k of Object.keys(byType)) delete byType[k];
    await page.goto(base + then.path, { waitUntil: "networkidle" });
    await waitFor(then.waitFor);
    await page.waitForLoadState("networkidle");
    const scripts = fetched.filter((u) => /\.(js|wasm)(\?|$)/.test(u)).map((u) => new URL(u).pathname.split("/").pop());
    return { ...first, second: { bytes, requests, byType: { ...byType }, scripts } };
  } finally {
    await browser.close();
  }
}

/** `openssl speed rsa2048` signs/s: as the issue measured it (one process), or with `-multi <cores>`. */
function opensslSigns(multi) {
  try {
    const out = execSync(`openssl speed -seconds 3 ${multi ? `-multi ${cpus().length}` : ""} rsa2048 2>/dev/null`, { encoding: "utf8" });
    const line = out.split("\n").reverse().find((l) => /^rsa\s*2048/.test(l.trim()));
    const numbers = line.trim().split(/\s+/).filter((x) => /^[\d.]+$/.test(x)).map(Number);
    return numbers[numbers.length - 2];
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (USER_HZ: 100 on Linux)
}

/** `run(onSpawn)`'s result with the CPU seconds each of `pids` (and the spawned client, as `client`) used meanwhile. */
async function withCpu(pids, run) {
  const before = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuSeconds(p)]));
  const { child, done } = run();
  let client = 0;
  const sample = setInterval(() => { try { client = cpuSeconds(child.pid); } catch {} }, 200);
  const result = await done;
  clearInterval(sample);
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuSeconds(p) - before[k]]));
  return { result, cpu: { ...cpu, client } };
}

/** A Rust client's JSON line, as it runs (for its CPU). */
function rustClient(bin, args) {
  const child = spawn(join(ROOT, "target", "release", "examples", bin), args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const done = new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`${bin} exited ${code}`)))));
  return { child, done };
}

/** The official SDK minting widget tokens from the emulator directly, at `concurrency`. */
function mintTokens(concurrency) {
  return rustClient("mint_tokens", [`http://${EMULATOR}`, "sk_test_emulator", "Acme Corp", EMAIL, String(SECONDS), String(concurrency)]);
}

/**
 * The widget host's token call as Chromium sends it: the session cookie, its
 * Origin, and what it accepts (an answer compressed for it costs Orgdeck's
 * CPU; the direct SDK call accepts nothing, and the emulator compresses
 * nothing).
 */
function tokenHeaders(cookie, origin) {
  return { cookie, origin, "accept-encoding": "gzip, deflate, br, zstd" };
}

/** `body` posted to `url` by `concurrency` workers with `headers`. */
function postLoad(url, body, concurrency, headers) {
  return rustClient("post_load", [url, String(SECONDS), body, String(concurrency), ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`])]);
}

/** Users widget tokens asked of the Orgdeck at `base` by `concurrency` workers, signed in with `cookie`. */
function tokenLoad(base, cookie, concurrency) {
  return postLoad(`${base}/api/widget_token`, "slug=users", concurrency, tokenHeaders(cookie, base));
}

/** The release emulator on EMULATOR, once it answers. */
async function startEmulator() {
  const emulator = start("emulator", join(ROOT, "target", "release", "workos-emulator"), ["--addr", EMULATOR], { cwd: ROOT, env: { ...process.env, RUST_LOG: "error" } });
  await ready(`http://${EMULATOR}/health`, emulator);
  return emulator;
}

/**
 * One more Orgdeck beside the bench's own (`command` with `args`, which runs
 * `bin`), on ORGDECK's port + `offset` with a database of its own in
 * SCRATCH/`name`; not yet waited for.
 */
function extraOrgdeck(name, offset, command, args) {
  const [host, firstPort] = ORGDECK.split(":");
  const addr = `${host}:${Number(firstPort) + offset}`;
  const dir = join(SCRATCH, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env = { ...orgdeckEnv(), LEPTOS_SITE_ADDR: addr, WORKOS_REDIRECT_URI: `http://${addr}/auth/callback`, DATABASE_URL: `sqlite://${dir}/orgdeck.db` };
  const child = start(name, command, args, { cwd: ROOT, env });
  return { child, addr, base: `http://${addr}`, dir };
}

/** The binaries named after `flag` on the command line. */
function binariesAfter(flag) {
  return process.argv.slice(process.argv.indexOf(flag) + 1).filter((a) => !a.startsWith("--"));
}

/**
 * One widget-token cell at `concurrency`: Orgdeck's endpoint at `base` and the
 * SDK calling the emulator directly, alternated for `TOKEN_ROUNDS` rounds
 * (default 4) of `SECONDS` each, the order flipped every round (A B, B A,
 * …: with an even count each side goes first as often, and a steady drift
 * of the machine's speed cancels out), so it falls on both sides alike.
 * Rates are all calls over all the seconds; latencies the rounds' mean; CPU
 * per call over all the calls.
 */
async function tokenCell(concurrency, base, cookie, emulatorPid, orgdeckPid) {
  const sides = { orgdeck: [], sdk: [] };
  const run = {
    orgdeck: () => withCpu({ emulator: emulatorPid, orgdeck: orgdeckPid }, () => tokenLoad(base, cookie, concurrency)),
    sdk: () => withCpu({ emulator: emulatorPid }, () => mintTokens(concurrency)),
  };
  for (let round = 0; round < Number(process.env.TOKEN_ROUNDS ?? 4); round++) {
    for (const side of round % 2 ? ["sdk", "orgdeck"] : ["orgdeck", "sdk"]) sides[side].push(await run[side]());
  }
  const combined = (rounds) => {
    const calls = rounds.reduce((n, r) => n + r.result.requests, 0);
    const seconds = rounds.reduce((t, r) => t + (r.result.rate ? r.result.requests / r.result.rate : 0), 0);
    const mean = (k) => rounds.reduce((t, r) => t + r.result[k], 0) / rounds.length;
    const cpu = {};
    for (const r of rounds) for (const [k, v] of Object.entries(r.cpu)) cpu[k] = (cpu[k] ?? 0) + v;
    const perCall = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, calls ? (v * 1e6) / calls : null]));
    const failed = rounds.reduce((n, r) => n + (r.result.failed ?? 0), 0);
    return { side: { rps: seconds ? calls / seconds : 0, p50: mean("p50_ms"), p99: mean("p99_ms"), ok: calls, other: failed, errors: 0 }, perCall };
  }
  const via = combined(sides.orgdeck), direct = combined(sides.sdk);
  return { orgdeck: via.side, sdk: direct.side, cpu: { via: via.perCall, direct: direct.perCall }, rounds: sides.orgdeck.length };
}

/**
 * Orgdeck's own instructions per widget-token call (user space), counted by
 * valgrind's callgrind on the running emulator: `bin` under callgrind on a
 * port of its own, a warm-up, its counters zeroed, SECONDS of load at 16
 * connections, a dump. SHA-256 given apart (see the report).
 */
async function instructionsPerCall(bin, i) {
  const name = `callgrind-${i}`;
  const out = join(SCRATCH, name, "callgrind.out");
  const { child, base, dir } = extraOrgdeck(name, 10 + i, "valgrind", ["--tool=callgrind", `--callgrind-out-file=${out}`, resolve(ROOT, bin)]);
  try {
    await ready(`${base}/health`, child, 300_000);
    const cookie = await signIn(base, "/login");
    await tokenLoad(base, cookie, 16).done;
    execFileSync("callgrind_control", ["-z", String(child.pid)], { stdio: "ignore" });
    const r = await tokenLoad(base, cookie, 16).done;
    execFileSync("callgrind_control", ["-d", String(child.pid)], { stdio: "ignore" });
    const dump = readdirSync(dir).filter((f) => f.startsWith("callgrind.out.")).sort().pop();
    if (!dump) throw new Error("callgrind wrote no dump");
    const text = readFileSync(join(dir, dump), "utf8");
    const total = Number(/^(?:summary|totals):\s+(\d+)/m.exec(text)?.[1]);
    const annotated = execFileSync("callgrind_annotate", ["--threshold=100", join(dir, dump)], { encoding: "utf8", maxBuffer: 1 << 28 });
    const sha = annotated.split("\n").filter((l) => /sha2::sha256::/.test(l)).reduce((t, l) => t + Number(l.trim().split(" ")[0].replace(/,/g, "")), 0);
    if (!total || !r.requests) throw new Error(`no count (${total} instructions, ${r.requests} calls)`);
    return { bin, calls: r.requests, perCall: total / r.requests, shaPerCall: sha / r.requests };
  } finally {
    await stop(child);
  }
}

/** The Next.js example, copied from WIDGETS_EXAMPLES and built; a reason string when it cannot be. */
function buildNext() {
  const source = process.env.WIDGETS_EXAMPLES;
  if (!source) return { missing: "WIDGETS_EXAMPLES is not set (a clone or bare git directory of workos/widgets-examples)" };
  const dir = join(SCRATCH, "widgets-examples");
  const app = join(dir, "nextjs");
  const env = nextEnv();
  try {
    const commit = execFileSync("git", ["-C", source, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const stamp = join(dir, ".commit");
    const built = existsSync(stamp) && readFileSync(stamp, "utf8") === commit && existsSync(join(app, ".next", "BUILD_ID"));
    if (!built) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      execSync(`git -C "${source}" archive HEAD nextjs | tar -x -C "${dir}"`, { stdio: "inherit" });
      log("installing the Next.js example's packages");
      execSync("npm install --include=dev --no-audit --no-fund --loglevel=error", { cwd: app, stdio: "inherit", env });
      log("building the Next.js example (next build)");
      execSync("npx next build", { cwd: app, stdio: "inherit", env });
      writeFileSync(stamp, commit);
    }
    return { app, commit };
  } catch (e) {
    return { missing: `the Next.js example did not build: ${String(e.message).split("\n")[0]}` };
  }
}

/** WorkOS as both apps see it: the emulator, through the widgets-examples variables. */
function workosOnEmulator() {
  const [host, port] = EMULATOR.split(":");
  return {
    ...process.env,
    WORKOS_API_KEY: "sk_test_emulator",
    WORKOS_CLIENT_ID: "client_emulator",
    WORKOS_COOKIE_PASSWORD: COOKIE_PASSWORD,
    WORKOS_API_HOSTNAME: host,
    WORKOS_API_PORT: port,
    WORKOS_API_HTTPS: "false",
  };
}

function nextEnv() {
  return {
    ...workosOnEmulator(),
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
    NEXT_PUBLIC_WORKOS_REDIRECT_URI: `http://${NEXT}/auth/callback`,
  };
}

function orgdeckEnv() {
  return {
    ...workosOnEmulator(),
    LEPTOS_OUTPUT_NAME: "orgdeck",
    LEPTOS_SITE_ROOT: "target/site",
    LEPTOS_SITE_PKG_DIR: "pkg",
    LEPTOS_SITE_ADDR: ORGDECK,
    LEPTOS_ENV: "PROD",
    WORKOS_REDIRECT_URI: `http://${ORGDECK}/auth/callback`,
    WORKOS_WEBHOOK_SECRET: "",
    // One user at full speed against the emulator: the limits that hold a
    // deployment under WorkOS's 6,000 a minute would measure only refusals.
    ORGDECK_USER_CALLS_PER_MINUTE: "1000000000",
    ORGDECK_USER_CALLS_BURST: "1000000000",
    WORKOS_CALLS_PER_MINUTE: "1000000000",
    // One worker thread, as the Next.js example has one event loop: the two
    // cores are shared with the emulator's RSA signing and the load generator,
    // and a second worker only added wake-ups between threads (the token call:
    // 183 µs of CPU a call with two, 133 µs with one; the dashboard faster too).
    TOKIO_WORKER_THREADS: "1",
    DATABASE_URL: "sqlite://target/bench/orgdeck-data/orgdeck.db",
    RUST_LOG: "error",
  };
}

/** Stops the run when something already answers on an address the bench's own servers need. */
async function portsFree() {
  for (const addr of [EMULATOR, ORGDECK, NEXT]) {
    const answered = await fetch(`http://${addr}/`, { redirect: "manual", signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
    if (answered) {
      const pid = listener(addr.split(":")[1], null);
      throw new Error(`${addr} is already taken${pid ? ` by process ${pid}` : ""}: stop it first (the bench would measure it instead of its own server)`);
    }
  }
}

async function main() {
  mkdirSync(SCRATCH, { recursive: true });
  await portsFree();
  const next = buildNext();
  if (next.missing) log(`Next.js half skipped: ${next.missing}`);

  const emulator = await startEmulator();

  rmSync(join(SCRATCH, "orgdeck-data"), { recursive: true, force: true });
  const orgdeck = start("orgdeck", join(ROOT, "target", "release", "orgdeck"), [], { cwd: ROOT, env: orgdeckEnv() });
  const coldOrgdeck = await ready(`http://${ORGDECK}/health`, orgdeck);
  let nextServer, coldNext;
  if (!next.missing) {
    nextServer = start("next", join(next.app, "node_modules", ".bin", "next"), ["start", "-H", NEXT.split(":")[0], "-p", NEXT.split(":")[1]], { cwd: next.app, env: nextEnv() });
    coldNext = await ready(`http://${NEXT}/`, nextServer);
  }
  const apps = {
    orgdeck: { base: `http://${ORGDECK}`, pid: orgdeck.pid, signIn: "/login", dashboard: "/", widget: "/widgets/users", widgetReady: '[data-component="UsersManagement"] >> text=ada@acme.test', second: { path: "/widgets/domains", waitFor: '[data-component="AdminPortalDomainVerification"] >> text=acme.test' } },
  };
  if (nextServer) apps.next = { base: `http://${NEXT}`, pid: nextServer.pid, signIn: "/users", dashboard: "/", widget: "/users", widgetReady: "text=ada@acme.test" };

  const before = await (await fetch(`http://${EMULATOR}/_emulator/requests`)).json();
  const results = {};
  const scenarios = [
    { key: "home", title: "unauthenticated `/`", path: (a) => "/", signedIn: false },
    { key: "dashboard", title: "signed-in dashboard (`/`)", path: (a) => a.dashboard, signedIn: true },
    { key: "widget", title: "signed-in widget page (Users)", path: (a) => a.widget, signedIn: true },
  ];
  let turn = 0;
  for (const s of scenarios) {
    results[s.key] = {};
    for (const c of CONNECTIONS) {
      const order = Object.keys(apps);
      if (turn++ % 2) order.reverse();
      for (const name of order) {
        const app = apps[name];
        const cookie = s.signedIn ? await signIn(app.base, app.signIn) : "";
        const r = await load({ url: app.base + s.path(app), connections: c, headers: cookie ? { cookie } : {} });
        (results[s.key][c] ??= {})[name] = summary(r);
        log(s.key, c, name, JSON.stringify(summary(r)));
      }
    }
  }
  const after = await (await fetch(`http://${EMULATOR}/_emulator/requests`)).json();

  // The widget-token call: Orgdeck's endpoint beside the SDK calling WorkOS
  // directly, a concurrency at a time, each side driven by the same client
  // stack (reqwest on tokio: `mint_tokens` is the SDK's own loop, `post_load`
  // sends Orgdeck the widget host's POST), with each process's CPU per call.
  results.token = {};
  const emulatorPid = listener(EMULATOR.split(":")[1], emulator.pid);
  const orgdeckPid = listener(new URL(apps.orgdeck.base).port, orgdeck.pid);
  for (const c of CONNECTIONS) {
    const cookie = await signIn(apps.orgdeck.base, apps.orgdeck.signIn);
    results.token[c] = await tokenCell(c, apps.orgdeck.base, cookie, emulatorPid, orgdeckPid);
    log("token", c, JSON.stringify(results.token[c]));
  }

  // Where Orgdeck's CPU goes per request (perf, after the measured cells: it slows what it watches).
  let profile = null;
  if (perfWorks()) {
    const pid = listener(new URL(apps.orgdeck.base).port, orgdeck.pid);
    const cells = [
      { title: "dashboard, 16 conns", opts: (cookie) => ({ url: apps.orgdeck.base + "/", headers: { cookie } }) },
      {
        title: "token call, 16 conns",
        opts: (cookie) => ({
          url: `${apps.orgdeck.base}/api/widget_token`,
          method: "POST",
          headers: { ...tokenHeaders(cookie, apps.orgdeck.base), "content-type": "application/x-www-form-urlencoded" },
          body: "slug=users",
        }),
      },
    ];
    profile = [];
    for (const cell of cells) {
      const cookie = await signIn(apps.orgdeck.base, apps.orgdeck.signIn);
      const { profile: p, result } = await record(pid, SECONDS, join(SCRATCH, "perf.data"), () => load({ ...cell.opts(cookie), connections: 16 }));
      profile.push({ title: cell.title, requests: result["2xx"], profile: p });
      log("profile", cell.title, `${result["2xx"]} requests`);
    }
  } else {
    log("no CPU profile: perf cannot record here (install linux-perf; perf_event_paranoid ≤ 2)");
  }

  const memoryAfter = Object.fromEntries(Object.entries(apps).map(([n, a]) => [n, memory(listener(new URL(a.base).port, a.pid))]));
  const instructions = await instructionsPerCall(join(ROOT, "target", "release", "orgdeck"), 0).catch((e) => ({ failed: e.message.split("\n")[0] }));
  log("instructions", JSON.stringify(instructions));
  const wire = {};
  for (const [name, app] of Object.entries(apps)) {
    const cookie = await signIn(app.base, app.signIn);
    try {
      wire[name] = await firstVisit(app.base, app.widget, cookie, app.widgetReady, app.second);
    } catch (e) {
      // Once more, then the run goes on without it (the report says so).
      log("first visit", name, "failed, once more:", e.message);
      wire[name] = await firstVisit(app.base, app.widget, cookie, app.widgetReady, app.second).catch((e2) => ({ failed: e2.message, bytes: 0, requests: 0, byType: {}, ms: 0 }));
    }
    log("first visit", name, JSON.stringify(wire[name]));
  }

  // Emulator signing capacity against this machine's OpenSSL.
  const signs = opensslSigns(false);
  const signsAllCores = opensslSigns(true);
  // The emulator's best rate is the direct SDK run's best cell.
  const mint = CONNECTIONS.map((c) => ({ concurrency: c, rate: results.token[c].sdk.rps })).reduce((best, m) => (m.rate > best.rate ? m : best));

  // Dashboard reads per view at steady state: a warm cache, then N views.
  const cookie = await signIn(apps.orgdeck.base, apps.orgdeck.signIn);
  await fetch(apps.orgdeck.base + "/", { headers: { cookie } });
  const warm = await (await fetch(`http://${EMULATOR}/_emulator/requests`)).json();
  const steady = await load({ url: apps.orgdeck.base + "/", connections: 16, headers: { cookie } });
  const cold = await (await fetch(`http://${EMULATOR}/_emulator/requests`)).json();
  const readsPerView = (cold.total - warm.total) / Math.max(1, steady["2xx"]);

  const sizes = JSON.parse(readFileSync(join(ROOT, "target", "bench", "sizes.json"), "utf8"));

  writeFileSync(join(ROOT, "bench", "RESULTS.md"), report({ results, wire, memoryAfter, coldOrgdeck, coldNext, next, signs, signsAllCores, mint, readsPerView, steadyViews: steady["2xx"], sizes, profile, instructions, workosDuringLoad: after.total - before.total, titles: Object.fromEntries(scenarios.map((s) => [s.key, s.title])) }));
  log("wrote bench/RESULTS.md");
  for (const c of children) await stop(c);
}

const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const fmt = (x, d = 1) => (x === undefined || x === null ? "—" : Number(x).toFixed(d));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : "—");

function report(r) {
  const has = !r.next.missing;
  const lines = [];
  const [l1, l5, l15] = loadavg();
  lines.push("# Orgdeck beside the Next.js widgets example (`make bench`)", "");
  lines.push(`Measured ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}; load average after the run ${fmt(l1, 2)} / ${fmt(l5, 2)} / ${fmt(l15, 2)}.`);
  lines.push(`Both apps on one WorkOS emulator (release), release builds, ${SECONDS} s per cell, autocannon on the same machine, runs interleaved (the order flips each cell). Orgdeck runs one tokio worker (\`TOKIO_WORKER_THREADS=1\`), as the Next.js server runs one event loop.`);
  lines.push(has ? `Next.js example: workos/widgets-examples ${r.next.commit.slice(0, 12)} \`nextjs/\`, \`next build\` + \`next start\`.` : `**Next.js example not measured: ${r.next.missing}.**`);
  lines.push("", "Ratios are Orgdeck ÷ Next.js for requests/s (higher is better for Orgdeck) and Next.js ÷ Orgdeck for latency (higher is better for Orgdeck).", "");
  lines.push("| scenario | conns | Orgdeck req/s | p50 ms | p99 ms | Next.js req/s | p50 ms | p99 ms | req/s ratio | p99 ratio |");
  lines.push("|---|---|---|---|---|---|---|---|---|---|");
  const titles = r.titles;
  for (const key of ["home", "dashboard", "widget"]) {
    for (const c of CONNECTIONS) {
      const o = r.results[key][c].orgdeck, n = r.results[key][c].next;
      lines.push(`| ${titles[key]} | ${c} | ${fmt(o.rps)} | ${o.p50} | ${o.p99} | ${n ? fmt(n.rps) : "—"} | ${n?.p50 ?? "—"} | ${n?.p99 ?? "—"} | ${ratio(o.rps, n?.rps)} | ${ratio(n?.p99, o.p99)} |`);
    }
  }
  lines.push("", "Answers other than 2xx (Orgdeck/Next.js; Orgdeck's signed-out `/` is a 303 to sign-in, Next.js's a landing page) and connection errors per cell: " + ["home", "dashboard", "widget"].flatMap((k) => CONNECTIONS.map((c) => `${k}@${c} ${r.results[k][c].orgdeck.other}/${r.results[k][c].next?.other ?? "—"} (errors ${r.results[k][c].orgdeck.errors}/${r.results[k][c].next?.errors ?? "—"})`)).join(", ") + ".");
  lines.push("", "## The widget-token call", "", "Orgdeck's `POST /api/widget_token` (session, Origin check, limits, SDK call), sent as Chromium sends the widgets' call (cookie, Origin, `Accept-Encoding: gzip, deflate, br, zstd`), beside the official Rust SDK calling the emulator directly (`emulator/examples/mint_tokens.rs`), a concurrency at a time, the two sides alternated for " + r.results.token[CONNECTIONS[0]].rounds + " rounds of " + SECONDS + " s each (the order flipped each round; rates over all the rounds, latencies their mean), each side driven by the same client stack (reqwest on tokio; Orgdeck's by `emulator/examples/post_load.rs`), with each process's CPU per call (/proc). All three share the machine's cores, so Orgdeck's CPU per call is what sets the ratio.", "");
  lines.push("| conns | Orgdeck req/s | p50 ms | p99 ms | SDK direct req/s | p50 ms | p99 ms | ratio | CPU per call through Orgdeck: emulator / Orgdeck / client | direct: emulator / client |", "|---|---|---|---|---|---|---|---|---|---|");
  const us = (x) => (x == null ? "—" : `${fmt(x, 0)} µs`);
  for (const c of CONNECTIONS) {
    const o = r.results.token[c].orgdeck, d = r.results.token[c].sdk, cpu = r.results.token[c].cpu;
    lines.push(`| ${c} | ${fmt(o.rps)} | ${fmt(o.p50, 2)} | ${fmt(o.p99, 2)} | ${fmt(d.rps)} | ${fmt(d.p50, 2)} | ${fmt(d.p99, 2)} | ${fmt(o.rps / d.rps, 2)}× | ${us(cpu?.via.emulator)} / ${us(cpu?.via.orgdeck)} / ${us(cpu?.via.client)} | ${us(cpu?.direct.emulator)} / ${us(cpu?.direct.client)} |`);
  }
  lines.push("", `Per call at 1 connection Orgdeck adds ${fmt(1000 / r.results.token[1].orgdeck.rps - 1000 / r.results.token[1].sdk.rps, 2)} ms to the direct call.`);
  lines.push("", "## Memory, cold start, first visit", "");
  lines.push("| | Orgdeck | Next.js | ratio |", "|---|---|---|---|");
  const mo = r.memoryAfter.orgdeck, mn = r.memoryAfter.next;
  lines.push(`| RSS after the load (peak) | ${kib(mo.rss * 1024)} (${kib(mo.hwm * 1024)}) | ${mn ? `${kib(mn.rss * 1024)} (${kib(mn.hwm * 1024)})` : "—"} | ${ratio(mn?.rss, mo.rss)} |`);
  lines.push(`| cold start to first answer | ${fmt(r.coldOrgdeck, 0)} ms | ${r.coldNext ? fmt(r.coldNext, 0) + " ms" : "—"} | ${ratio(r.coldNext, r.coldOrgdeck)} |`);
  const wo = r.wire.orgdeck, wn = r.wire.next;
  lines.push(`| widget page, first visit: bytes on the wire | ${kib(wo.bytes)} in ${wo.requests} responses | ${wn ? `${kib(wn.bytes)} in ${wn.requests} responses` : "—"} | ${ratio(wn?.bytes, wo.bytes)} |`);
  if (wo.failed) lines.push(`| **Orgdeck's first visit did not finish** | ${wo.failed.replace(/\n/g, " · ").replace(/\|/g, "/")} | — | — |`);
  if (wo.second) {
    lines.push(`| a second widget page right after (Domains), its cache warm: bytes on the wire | ${kib(wo.second.bytes)} in ${wo.second.requests} responses; scripts fetched: ${wo.second.scripts.map((s) => `\`${s}\``).join(", ") || "none"} | — | — |`);
  }
  lines.push(`| widget page, first visit: until the widget shows its first member and the network is idle | ${fmt(wo.ms, 0)} ms | ${wn ? fmt(wn.ms, 0) + " ms" : "—"} | ${ratio(wn?.ms, wo.ms)} |`);
  lines.push("", "Bytes by resource type (first visit): Orgdeck " + Object.entries(wo.byType).map(([t, b]) => `${t} ${kib(b)}`).join(", ") + (wn ? "; Next.js " + Object.entries(wn.byType).map(([t, b]) => `${t} ${kib(b)}`).join(", ") : "") + ".");
  lines.push("", "## WorkOS reads and the emulator", "");
  lines.push(`- WorkOS reads per dashboard view at steady state: **${fmt(r.readsPerView, 3)}** (${r.steadyViews} views at 16 connections after one warm view).`);
  lines.push(`- Emulator requests during the page scenarios (both apps, sign-ins and widget tokens included): ${r.workosDuringLoad}.`);
  const pct = (a, b) => (a && b ? `${((100 * a) / b).toFixed(0)}%` : "—");
  lines.push(`- Emulator widget-token minting through the SDK (${r.mint.concurrency} concurrent, the SDK client on the same cores): **${fmt(r.mint.rate)} tokens/s**. \`openssl speed rsa2048\` on this machine: ${fmt(r.signs)} signs/s in one process → **${pct(r.mint.rate, r.signs)}**; ${fmt(r.signsAllCores)} signs/s with \`-multi ${cpus().length}\` → ${pct(r.mint.rate, r.signsAllCores)}.`);
  lines.push("", "## Where Orgdeck's CPU goes, per request", "");
  lines.push("`perf record --call-graph dwarf` on the server during a load cell of its own (after the measured cells); each sample counted for the innermost frame that names a part (`bench/profile.mjs`), so the allocator and the kernel count for whoever called them. Absolute figures include perf's own cost (it copies every sample's stack); the shares and the before/after are what to read.", "");
  const before = join(ROOT, "bench", "PROFILE-BEFORE.md");
  if (existsSync(before)) {
    lines.push("Before (6ef97c4, the same machine and method):", "", readFileSync(before, "utf8").replace(/^<!--[\s\S]*?-->\n/, "").trim(), "");
  }
  lines.push(r.profile ? `This run:\n\n${table(r.profile)}` : "This run: not profiled (perf cannot record on this machine).");
  lines.push("", "## Orgdeck's instructions per token call", "");
  lines.push("Counted by valgrind's callgrind, not timed: the same build gives the same count whatever else the machine does, where its CPU seconds per call drift ±10% from minute to minute here; so a change's effect on Orgdeck's own code reads here exactly. User space only (the kernel's TCP and epoll are not counted). Release binary under callgrind at 16 connections on the same emulator, counters zeroed after a warm-up. SHA-256 (the session cache's hash of the ~2 KB cookie) is given apart: valgrind hides the CPU's SHA instructions, so it runs there in software at ~50× its real cost.", "");
  lines.push(r.instructions?.failed ? `Not counted: ${r.instructions.failed}` : `${r.instructions.calls} calls: **${fmt(r.instructions.perCall - r.instructions.shaPerCall, 0)} instructions a call** besides SHA-256 (${fmt(r.instructions.perCall, 0)} in all, ${fmt(r.instructions.shaPerCall, 0)} of them SHA-256 in software).`);
  lines.push("", "## The browser's share (release)", "");
  lines.push("| file | raw | gzip -9 | brotli 11 |", "|---|---|---|---|");
  for (const f of r.sizes) lines.push(`| ${f.what} | ${kib(f.raw)} | ${kib(f.gzip)} | ${kib(f.brotli)} |`);
  lines.push("");
  return lines.join("\n");
}

/**
 * `--token`: only the widget-token cells at 16 and 64 connections (Orgdeck
 * beside the SDK direct, with the CPU per call, then perf's breakdown),
 * printed and not written: a quick A/B of a change to the server, from the
 * release binary `ORGDECK_BIN` names (target/release/orgdeck by default).
 */
async function tokenOnly() {
  mkdirSync(SCRATCH, { recursive: true });
  await portsFree();
  const emulator = await startEmulator();
  rmSync(join(SCRATCH, "orgdeck-data"), { recursive: true, force: true });
  const bin = resolve(ROOT, process.env.ORGDECK_BIN ?? join("target", "release", "orgdeck"));
  const orgdeck = start("orgdeck", bin, [], { cwd: ROOT, env: orgdeckEnv() });
  await ready(`http://${ORGDECK}/health`, orgdeck);
  const base = `http://${ORGDECK}`;
  const emulatorPid = listener(EMULATOR.split(":")[1], emulator.pid);
  const orgdeckPid = listener(ORGDECK.split(":")[1], orgdeck.pid);
  if (process.argv.includes("--warm")) {
    // The page cells first, as the full run has them before the token cells.
    for (const [path, signedIn] of [["/", false], ["/", true], ["/widgets/users", true]]) {
      for (const c of CONNECTIONS) {
        const cookie = signedIn ? await signIn(base, "/login") : "";
        await load({ url: base + path, connections: c, headers: cookie ? { cookie } : {} });
      }
    }
    log("warmed with the page cells");
  }
  const us = (perCall) => Object.entries(perCall).map(([k, v]) => `${k} ${v.toFixed(1)} µs`).join(", ");
  for (const c of [16, 64]) {
    const cookie = await signIn(base, "/login");
    const t = await tokenCell(c, base, cookie, emulatorPid, orgdeckPid);
    log(`token @${c}: Orgdeck ${t.orgdeck.rps.toFixed(1)}/s (failed ${t.orgdeck.other}), SDK ${t.sdk.rps.toFixed(1)}/s → ${(t.orgdeck.rps / t.sdk.rps).toFixed(3)}× over ${t.rounds} rounds; per call via Orgdeck: ${us(t.cpu.via)}; direct: ${us(t.cpu.direct)}`);
  }
  const rss = memory(orgdeckPid);
  log(`RSS after the load ${rss.rss} KiB (peak ${rss.hwm} KiB)`);
  if (perfWorks()) {
    const cookie = await signIn(base, "/login");
    const opts = { url: `${base}/api/widget_token`, method: "POST", headers: { ...tokenHeaders(cookie, base), "content-type": "application/x-www-form-urlencoded" }, body: "slug=users", connections: 16 };
    const { profile, result } = await record(orgdeckPid, SECONDS, join(SCRATCH, "perf.data"), () => load(opts));
    console.log(table([{ title: "token call, 16 conns", requests: result["2xx"], profile }]));
  }
  for (const child of children) await stop(child);
}

/**
 * `--ab <binary> <binary>...`: the widget-token call through each release
 * binary, all running at once on one emulator and loaded in turn (16
 * connections, `AB_ROUNDS` rounds, the order reversed every other round), with
 * each one's CPU per call. On a shared machine whose speed drifts from minute
 * to minute, builds measured in one interleaved run compare where two
 * `--token` runs minutes apart do not.
 */
async function abRun() {
  const bins = binariesAfter("--ab");
  if (bins.length < 2) throw new Error("--ab needs two binaries or more: node bench/bench.mjs --ab target/release/orgdeck /tmp/orgdeck-before");
  mkdirSync(SCRATCH, { recursive: true });
  await portsFree();
  await startEmulator();
  const servers = [];
  for (const [i, bin] of bins.entries()) {
    const { child, addr, base } = extraOrgdeck(`ab-${i}`, i, resolve(ROOT, bin), []);
    await ready(`${base}/health`, child);
    servers.push({ bin, base, cookie: await signIn(base, "/login"), pid: listener(addr.split(":")[1], child.pid), calls: 0, cpu: 0, rounds: [] });
  }
  for (let round = 0; round < Number(process.env.AB_ROUNDS ?? 6); round++) {
    for (const s of round % 2 ? [...servers].reverse() : servers) {
      const before = cpuSeconds(s.pid);
      const r = await tokenLoad(s.base, s.cookie, 16).done;
      const used = cpuSeconds(s.pid) - before;
      s.calls += r.requests;
      s.cpu += used;
      s.rounds.push(`${((used * 1e6) / r.requests).toFixed(0)} µs at ${r.rate.toFixed(0)}/s`);
    }
  }
  for (const s of servers) log(`${s.bin}: ${((s.cpu * 1e6) / s.calls).toFixed(1)} µs of CPU a token call (rounds: ${s.rounds.join(", ")})`);
  for (const child of children) await stop(child);
}

/**
 * `--instructions <binary>...`: each binary's own instructions per widget
 * token call (callgrind; see `instructionsPerCall`), one after another on one
 * emulator: a repeatable A/B of a change to Orgdeck's own code.
 */
async function instructionsRun() {
  const bins = binariesAfter("--instructions");
  if (!bins.length) bins.push(join("target", "release", "orgdeck"));
  mkdirSync(SCRATCH, { recursive: true });
  await portsFree();
  await startEmulator();
  for (const [i, bin] of bins.entries()) {
    const n = await instructionsPerCall(bin, i);
    log(`${bin}: ${(n.perCall - n.shaPerCall).toFixed(0)} instructions a token call besides SHA-256 (${n.perCall.toFixed(0)} in all) over ${n.calls} calls`);
  }
  for (const child of children) await stop(child);
}

// `--prepare`: only build the Next.js example (so a later run measures at once).
const run = process.argv.includes("--prepare")
  ? async () => { const n = buildNext(); log(n.missing ?? `Next.js example ready in ${n.app}`); }
  : process.argv.includes("--token") ? tokenOnly : process.argv.includes("--ab") ? abRun : process.argv.includes("--instructions") ? instructionsRun : main;
run().catch((e) => {
  console.error("bench:", e.stack ?? e);
  process.exit(1);
});
