// Measures what the browser downloads: the release hydrate WASM and JS, the CSS,
// and the widgets bundle (loaded on widget pages only). Raw, gzip -9 and brotli.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const files = [
  ["hydrate WASM (release)", "target/site/pkg/orgdeck.wasm"],
  ["hydrate JS glue", "target/site/pkg/orgdeck.js"],
  ["app CSS", "target/site/pkg/orgdeck.css"],
  ["widgets bundle JS (widget pages only)", "target/site/widget-host/host.js"],
  ["widgets bundle CSS (widget pages only)", "target/site/widget-host/host.css"],
];
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = files.map(([what, path]) => {
  const data = readFileSync(path);
  const gzip = gzipSync(data, { level: 9 }).length;
  const brotli = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return `| ${what} | \`${path}\` | ${kb(data.length)} | ${kb(gzip)} | ${kb(brotli)} |`;
});
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
