// Measures what the browser downloads: the release hydrate WASM and JS, the CSS,
// and the widgets bundle (loaded on widget pages only). Raw, gzip -9 and brotli.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

// The widgets bundle lives in a folder named by its hash (widgets/build.mjs).
const manifest = "target/site/widget-host/manifest.json";
const widgets = existsSync(manifest) ? `target/site/widget-host/${JSON.parse(readFileSync(manifest, "utf8")).dir}` : "target/site/widget-host";
// The hydrate files are named by their content; the release build lists the names.
const hashes = Object.fromEntries(
  readFileSync("target/release/hash.txt", "utf8").trim().split("\n").map((l) => l.split(":").map((p) => p.trim())),
);
const pkg = (ext) => `target/site/pkg/orgdeck.${hashes[ext]}.${ext}`;
// Lazy islands (`--split`): a WASM file each, fetched only where the island is.
const lazy = readdirSync("target/site/pkg")
  .filter((f) => f.startsWith("split_") && f.endsWith(".wasm"))
  .map((f) => [`lazy island WASM \`${f.replace(/^split_(.*)_loader_.*$/, "$1")}\` (its page only)`, `target/site/pkg/${f}`]);
const files = [
  ["hydrate WASM (release, pages with islands: dashboard, events, lab; not widget pages)", pkg("wasm")],
  ["hydrate JS glue", pkg("js")],
  ...(hashes.split ? [["lazy-island loader JS", `target/site/pkg/__wasm_split.${hashes.split}.js`]] : []),
  ...lazy,
  ["app CSS", pkg("css")],
  ["widgets host JS: React, Radix, the widgets' shared code (widget pages only)", `${widgets}/host.js`],
  // A chunk per widget (fetched by the page that mounts it), and the chunks two or more share.
  ...readdirSync(widgets)
    .filter((f) => f.endsWith(".js") && f !== "host.js")
    .sort()
    .map((f) => [
      /\.client-/.test(f) ? `widget chunk \`${f.replace(/\.client-.*$/, "")}\`` : f.startsWith("chunk-") ? `shared chunk \`${f}\`` : `Orgdeck's chunk \`${f}\` (UserSecurity's page only)`,
      `${widgets}/${f}`,
    ]),
  ["widgets bundle CSS (widget pages only)", `${widgets}/host.css`],
];
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const measured = files.map(([what, path]) => {
  const data = readFileSync(path);
  const gzip = gzipSync(data, { level: 9 }).length;
  const brotli = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { what, path, raw: data.length, gzip, brotli };
});
const rows = measured.map((m) => `| ${m.what} | \`${m.path}\` | ${kb(m.raw)} | ${kb(m.gzip)} | ${kb(m.brotli)} |`);
// For bench.mjs's report.
mkdirSync("target/bench", { recursive: true });
writeFileSync("target/bench/sizes.json", JSON.stringify(measured));
const table = [
  `# Sizes (measured ${new Date().toISOString().slice(0, 10)} by \`make bench\`)`,
  "",
  "| what | file | raw | gzip -9 | brotli 11 |",
  "|---|---|---|---|---|",
  ...rows,
  "",
].join("\n");
writeFileSync("bench/SIZES.md", table);
console.log(table);
