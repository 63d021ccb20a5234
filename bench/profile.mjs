// A CPU profile of Orgdeck under load, by what the time goes to: `perf record`
// (DWARF call graphs) on the release server while autocannon drives one
// scenario, then every sample put in the bucket of the innermost frame that
// names one (so malloc, memmove and the kernel count for whoever called them).
// Used by bench.mjs (`make bench`); alone: node bench/profile.mjs <perf.data> <requests>.

import { execFileSync, spawn } from "node:child_process";

// Innermost match wins; order only breaks ties inside one frame.
export const BUCKETS = [
  ["AppState clone and drop (per layer, per request)", /orgdeck::server::state::AppState|leptos_config::LeptosOptions|drop_in_place<orgdeck::server::feed::Feed>/],
  ["session: cookie look-up (SHA-256 + cache)", /orgdeck::server::session::(resolved|revoked)|sha2::|ResolvedSessions|RevokedSessions/],
  ["session: unseal + JWT check", /workos::helpers::session|jsonwebtoken|aes_gcm|\baes::|\bring::|\brsa::|orgdeck::server::session::refresher/],
  ["session layer (cookies, redirects)", /orgdeck::server::session::/],
  ["Origin check", /orgdeck::server::guard|orgdeck::server::workos::cors/],
  ["per-user limits", /governor::|orgdeck::server::limits/],
  ["SDK call (workos client, reqwest, hyper client)", /workos::client|workos::transport|workos::widgets|reqwest::|hyper_util::client|hyper::client|BudgetTransport|orgdeck::server::workos::tokens/],
  ["database (sqlx)", /sqlx|libsqlite3|sqlite3/],
  ["dashboard data (read cache, capabilities, catalog)", /orgdeck::server::(dashboard|capabilities|read_cache|portal)/],
  ["in-memory caches (moka: sessions, reads, pages)", /moka::/],
  ["render cache", /orgdeck::server::page_cache/],
  ["render (Leptos SSR: tachys, reactive graph, router, pages)", /tachys::|reactive_graph::|leptos_router::|leptos::|leptos_meta::|orgdeck::(pages|components|app)::|leptos_axum::|any_spawner|throw_error/],
  ["serialisation (serde, server_fn codecs)", /serde_json|serde::|serde_urlencoded|server_fn::codec|base64/],
  ["server functions (server_fn dispatch)", /server_fn::/],
  ["compression", /tower_http::compression|brotli|flate2|async_compression/],
  ["metrics (recording, histograms, the route label)", /metrics_exporter_prometheus|metrics_util::|\bmetrics::|orgdeck::server::metrics/],
  ["spans and the trace id (tracing, observe.rs, traces.rs)", /tracing_subscriber|tracing_core|tracing::span|orgdeck::server::(observe|traces)|opentelemetry/],
  ["HTTP server (hyper, axum, tower layers)", /hyper::|axum::|tower_http::|tower::|http::|httparse|orgdeck::server::(router|security|assets|statuses|problem)/],
  ["socket I/O (the kernel's TCP, both ways)", /tcp_|sock_|skb|__GI___writev|__libc_(recv|send|write|read)|ip_(output|rcv|local)|net_rx|napi|__sys_(recv|send)/],
  ["tokio runtime, scheduling, epoll, futex", /tokio::|mio::|futex|epoll|schedule|finish_task_switch|__x64_sys_futex|syscall/],
];

/** Buckets of a `perf script` text: [{ name, ms }] with the total, in ms of CPU. */
export function fold(script) {
  const totals = new Map(BUCKETS.map(([n]) => [n, 0]));
  totals.set("other (allocator, kernel, libc without a known caller)", 0);
  let all = 0;
  for (const block of script.split("\n\n")) {
    const lines = block.split("\n").filter((l) => l.trim());
    if (!lines.length) continue;
    const period = Number(/\s(\d+)\s*$/.exec(lines[0])?.[1] ?? 0);
    if (!period) continue;
    all += period;
    let bucket = "other (allocator, kernel, libc without a known caller)";
    outer: for (const frame of lines.slice(1)) {
      const sym = frame.trim().replace(/^\S+\s+/, "");
      for (const [name, re] of BUCKETS) {
        if (re.test(sym)) { bucket = name; break outer; }
      }
    }
    totals.set(bucket, totals.get(bucket) + period);
  }
  return { all: all / 1e6, buckets: [...totals].map(([name, ns]) => ({ name, ms: ns / 1e6 })) };
}

/** Records `pid` for `seconds` while `load()` runs; the folded profile and the load's result. */
export async function record(pid, seconds, out, load) {
  const perf = spawn("perf", ["record", "-F", "999", "--call-graph", "dwarf,16384", "-p", String(pid), "-o", out, "--", "sleep", String(seconds)], { stdio: "ignore" });
  const done = new Promise((r) => perf.on("exit", r));
  const result = await load();
  await done;
  const script = execFileSync("perf", ["script", "-i", out, "--no-inline", "-F", "comm,tid,period,ip,sym"], { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
  return { profile: fold(script), result };
}

/** Whether `perf` can record here. */
export function perfWorks() {
  try {
    execFileSync("perf", ["record", "-o", "/dev/null", "--", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A markdown table: µs of Orgdeck's CPU per request, by bucket. */
export function table(profiles) {
  const names = profiles[0].profile.buckets.map((b) => b.name);
  const lines = [`| where the CPU goes | ${profiles.map((p) => p.title).join(" | ")} |`, `|---|${profiles.map(() => "---:|").join("")}`];
  for (const name of names) {
    const cells = profiles.map((p) => {
      const b = p.profile.buckets.find((x) => x.name === name);
      return `${((1000 * b.ms) / p.requests).toFixed(1)} µs`;
    });
    if (cells.every((c) => c === "0.0 µs")) continue;
    lines.push(`| ${name} | ${cells.join(" | ")} |`);
  }
  lines.push(`| **all of Orgdeck's CPU per request** | ${profiles.map((p) => `**${((1000 * p.profile.all) / p.requests).toFixed(1)} µs**`).join(" | ")} |`);
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("profile.mjs") && process.argv[2]) {
  const script = execFileSync("perf", ["script", "-i", process.argv[2], "--no-inline", "-F", "comm,tid,period,ip,sym"], { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
  console.log(table([{ title: process.argv[2], requests: Number(process.argv[3] ?? 1), profile: fold(script) }]));
}
