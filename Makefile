# Orgdeck's two commands, `make run` and `make test`, and the set-up they share.
# Every set-up step checks first and is skipped when already done.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO_HOME ?= $(HOME)/.cargo
export PATH := $(CARGO_HOME)/bin:$(PATH)
# cargo-leptos compiles with this set; plain cargo (tests) must too, or the server
# it builds asks for `orgdeck_bg.wasm` and both keep rebuilding each other's binary.
export LEPTOS_OUTPUT_NAME := orgdeck

CARGO_LEPTOS_VERSION := 0.3.9
# The wasm-bindgen CLI must equal the crate in Cargo.lock (schema check at build time).
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
WASM_BINDGEN_PIN := $(shell sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
# chromium for the browser suite; libssl-dev and pkg-config for webauthn-rs (OpenSSL);
# postgresql for the several-instances test (it starts its own server in a temporary folder);
# prometheus for its promtool, which checks a scrape of /metrics; caddy, the proxy
# the deployment test (tests/deploy.rs) puts in front of two instances.
APT_PACKAGES := chromium libssl-dev pkg-config postgresql prometheus caddy
# The official widgets, bundled; cargo-leptos copies public/ into the site.
WIDGETS_BUNDLE := public/widget-host/manifest.json
WIDGETS_DEPS := widgets/node_modules/.package-lock.json
# The widgets' design tokens for Orgdeck's own CSS (generated, not committed).
STYLE_TOKENS := style/tokens.css
END2END_DEPS := end2end/node_modules/.package-lock.json
# WorkOS's official OpenAPI spec (npm, pinned): the conformance suite's oracle.
SPEC_DEPS := emulator/spec/node_modules/.package-lock.json

.PHONY: run test screenshots fuzz faults setup build bench release check-browser-deps \
        setup-wasm-target setup-cargo-leptos setup-wasm-bindgen setup-nextest setup-debian setup-perf

# `--split`: the lazy islands (#[island(lazy)], the lab bench) become WASM files of
# their own, fetched only on the pages that have them; every build needs it, since
# the lazy islands' WASM imports only resolve once it is split.
LEPTOS_BUILD_FLAGS := --split
# cargo-leptos reports a failure with its cause first and a backtrace of its
# own frames after; CI shows only an output's tail, where the cause belongs.
export RUST_LIB_BACKTRACE := 0

# cargo-leptos renames every file it finds in the site's pkg/ when it hashes a
# build: last build's files (and any compressed copies in there) must go first,
# or they come back double-hashed, or stop the build. Orgdeck's own start-up
# writes its compressed copies beside the site (target/site.compressed).
CLEAN_PKG := rm -rf target/site/pkg

## make run: set up what is missing, build, serve on http://127.0.0.1:3000
run: setup
	$(CLEAN_PKG)
	cargo leptos serve $(LEPTOS_BUILD_FLAGS)

## make test: set up what is missing, then every test (Rust, then the browser suite)
# The Rust tests run under cargo-nextest (.config/nextest.toml): a process per
# test, and a hung test is stopped and named rather than holding CI.
test: build setup-nextest $(SPEC_DEPS) $(END2END_DEPS) check-browser-deps
	cargo nextest run --workspace --features orgdeck/ssr
	cd end2end && npx playwright test

## make screenshots: README's screenshots (docs/screenshots/, light and dark),
## taken by the browser suite's design spec (which takes them in every run too,
## into its own results).
screenshots: build $(END2END_DEPS)
	cd end2end && SCREENSHOTS=1 npx playwright test design.spec.ts -g screenshots

## make fuzz: every fuzz property (tests named fuzz_*) for FUZZ_CASES cases each;
## `make test` runs them for proptest's 256. A failure is shrunk, printed, and its
## seed kept in proptest-regressions/ (commit it: every later run tries it first).
FUZZ_CASES ?= 20000
fuzz: build setup-nextest $(SPEC_DEPS)
	PROPTEST_CASES=$(FUZZ_CASES) cargo nextest run --workspace --features orgdeck/ssr --profile fuzz -E 'test(/fuzz_/)'

## make faults: the faults-under-load run for FAULTS_SECONDS (60 by default; 5 in
## `make test`), its figures written to bench/FAULTS.md.
FAULTS_SECONDS ?= 60
faults: build setup-nextest
	LOAD_SECONDS=$(FAULTS_SECONDS) FAULTS_REPORT=$(CURDIR)/bench/FAULTS.md \
	  cargo nextest run --workspace --features orgdeck/ssr --profile fuzz -E 'test(/under_load/)'

# The browser's WASM must not pull in server crates (the SDK, the runtime, HTTP stacks).
SERVER_CRATES := workos|workos-emulator|tokio|axum|hyper|reqwest|rsa|sqlx|dotenvy
check-browser-deps:
	@found=$$(cargo tree -p orgdeck --no-default-features --features hydrate --target wasm32-unknown-unknown \
	  -e normal --prefix none | awk '{print $$1}' | { grep -xE '$(SERVER_CRATES)' || true; } | sort -u); \
	if [ -n "$$found" ]; then echo "server crates in the hydrate build: $$found"; exit 1; fi; \
	echo "hydrate build: no server crates"

build: setup
	$(CLEAN_PKG)
	cargo leptos build $(LEPTOS_BUILD_FLAGS)

# Bench tools from npm: wasm-opt for release builds (binaryen; Debian's wasm-opt 108
# corrupts the module) and the load generator (autocannon).
BINARYEN_VERSION := 132.0.0
AUTOCANNON_VERSION := 9.0.0
TOOLS := $(CURDIR)/.tools
BENCH_TOOLS := $(TOOLS)/.installed-$(BINARYEN_VERSION)-$(AUTOCANNON_VERSION)

$(BENCH_TOOLS):
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error \
	  binaryen@$(BINARYEN_VERSION) autocannon@$(AUTOCANNON_VERSION)
	@touch $@

## make bench: Orgdeck (release) beside the official Next.js widgets example, both on
## the emulator (WIDGETS_EXAMPLES=<clone of workos/widgets-examples>; without it, Orgdeck
## alone). Results in bench/RESULTS.md and bench/SIZES.md; nothing here asserts a time.
bench: setup setup-perf $(BENCH_TOOLS) $(END2END_DEPS)
	$(CLEAN_PKG)
	PATH=$(TOOLS)/node_modules/.bin:$$PATH cargo leptos build --release --precompress $(LEPTOS_BUILD_FLAGS)
	cargo build --release -p workos-emulator --bin workos-emulator --example mint_tokens --example post_load
	node bench/sizes.mjs
	node bench/bench.mjs

## make release: the release build, packed to run on a machine with nothing else
## installed: dist/orgdeck/ and dist/orgdeck-<version>.tar.gz (README, "Deploying it").
## wasm-opt (binaryen, from the bench tools) shrinks the WASM as in `make bench`.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
release: setup $(BENCH_TOOLS)
	$(CLEAN_PKG)
	PATH=$(TOOLS)/node_modules/.bin:$$PATH cargo leptos build --release $(LEPTOS_BUILD_FLAGS)
	STRIP=1 deploy/package.sh target/release target/site dist/orgdeck
	tar -C dist -czf dist/orgdeck-$(VERSION).tar.gz orgdeck
	@echo "release: dist/orgdeck-$(VERSION).tar.gz"

setup: setup-wasm-target setup-cargo-leptos setup-wasm-bindgen setup-debian $(WIDGETS_BUNDLE) $(STYLE_TOKENS)

$(WIDGETS_DEPS): widgets/package.json widgets/package-lock.json
	cd widgets && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STYLE_TOKENS): $(WIDGETS_DEPS) widgets/tokens.mjs widgets/src/theme.json style/main.css
	cd widgets && node tokens.mjs

$(WIDGETS_BUNDLE): $(WIDGETS_DEPS) widgets/build.mjs $(wildcard widgets/src/*)
	cd widgets && node build.mjs

$(SPEC_DEPS): emulator/spec/package.json emulator/spec/package-lock.json
	cd emulator/spec && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(END2END_DEPS): end2end/package.json end2end/package-lock.json
	cd end2end && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup-wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown

# `no_downloads`: this cargo-leptos never fetches tools from outside the registries.
setup-cargo-leptos:
	@cargo leptos --version 2>/dev/null | grep -q " $(CARGO_LEPTOS_VERSION)$$" \
	  || cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads

# Not --locked: the CLI's own lockfile names a crate version the registry lacks.
setup-wasm-bindgen:
	@if [ -z "$(WASM_BINDGEN_VERSION)" ] || [ "$(WASM_BINDGEN_PIN)" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  echo "Cargo.toml pins wasm-bindgen =$(WASM_BINDGEN_PIN) but Cargo.lock has $(WASM_BINDGEN_VERSION):"; \
	  echo "make them equal (cargo update -p wasm-bindgen --precise <version>)."; exit 1; fi
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force

# On these machines' images already; installed where it is not.
setup-nextest:
	@cargo nextest --version >/dev/null 2>&1 || cargo install cargo-nextest --locked

# perf, for the CPU breakdown `make bench` writes (bench/profile.mjs).
setup-perf:
	@dpkg -s linux-perf >/dev/null 2>&1 || { sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q linux-perf; }

setup-debian:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi
