#!/usr/bin/env bash
# deploy/package.sh BIN_DIR SITE_DIR OUT: one folder that runs Orgdeck on a machine
# with nothing else installed (no Rust, no Node): the server binary and the hash
# file cargo-leptos wrote beside it, the site (WASM, JS, CSS, the widgets bundle),
# Orgdeck's own settings file, and what deploys it (the systemd unit, the Caddyfile,
# the environment file to fill in, the scripts). The migrations are inside the
# binary (sqlx::migrate!). `make release` calls it with the release build;
# tests/deploy.rs with the debug one.
#   STRIP=1  strip the binary's debug symbols (make release)
set -euo pipefail
bin_dir=$1 site_dir=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
for f in "$bin_dir/orgdeck" "$bin_dir/hash.txt" "$site_dir/widget-host/manifest.json"; do
  [ -e "$f" ] || { echo "package: $f is missing: build first (make release)" >&2; exit 2; }
done
rm -rf "$out"
mkdir -p "$out"
cp "$bin_dir/orgdeck" "$bin_dir/hash.txt" "$out/"
# STRIP=1 (make release): without the symbols the profiles in `make bench` use.
if [ "${STRIP:-0}" = 1 ]; then strip --strip-debug "$out/orgdeck"; fi
# The site as cargo-leptos left it, without compressed copies (the server makes
# its own beside the site at start, into site.compressed/).
cp -r "$site_dir" "$out/site"
find "$out/site" \( -name '*.gz' -o -name '*.br' \) -delete
mkdir -p "$out/site.compressed"
cp "$here/../Leptos.toml" "$out/"
cp "$here/orgdeck@.service" "$here/Caddyfile" "$here/orgdeck.env.example" "$here/instance.sh" "$here/rolling-restart.sh" "$out/"
echo "package: $out ($(du -sh "$out" | cut -f1))"
