// Bundles the widget host (React + the official widgets + their CSS) into
// ../public/widget-host/, which cargo-leptos copies into the site.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const outdir = fileURLToPath(new URL("../public/widget-host/", import.meta.url));

await build({
  entryPoints: { host: fileURLToPath(new URL("./src/host.jsx", import.meta.url)) },
  outdir,
  bundle: true,
  format: "esm",
  minify: true,
  jsx: "automatic",
  target: ["chrome120", "firefox120", "safari17"],
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "none",
  logLevel: "warning",
});
console.log(`widget host bundled into ${outdir}`);
