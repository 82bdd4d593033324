#!/usr/bin/env bash
# Installs what building and testing Vì Dân needs, skipping what is already there.
#   scripts/setup.sh build   toolchain for building and serving the site
#   scripts/setup.sh test    the above, plus browser, Playwright and the SMTP test server
#   scripts/setup.sh release the above build toolchain's part for release builds: wasm-opt (npm), zopfli
#   scripts/setup.sh bench   the build toolchain, wasm-opt, wrk, brotli, Chromium and Playwright
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m==> %s\033[0m\n' "$*"; }

CARGO_LEPTOS_VERSION=0.3.10
what=${1:-build}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# What building needs beyond rustup: a C compiler and make (crates that build C), pkg-config,
# and perl (building OpenSSL for cargo-leptos). A fresh Debian has none of them.
apt_install build-essential pkg-config perl

# rust-toolchain.toml names the Rust (with rustfmt, clippy and the wasm target); rustup
# installs what is missing of it on first use.
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  # A tool, not something to make fast: its own release profile (link-time optimisation over
  # one codegen unit, every crate optimised) would take most of the set-up, so it is built
  # unoptimised, but for the crates it runs hot in every site build: reading cargo's metadata
  # (serde_json), the styles (lightningcss) and splitting the WebAssembly (wasm_split_cli_support,
  # walrus). Measured on 2 cores: 8 min 34 s instead of 23 min (16 min at opt-level 1), and a
  # site build with nothing to compile within a tenth of a second of the optimised tool's.
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once)"
  hot=()
  for crate in serde_json lightningcss wasm_split_cli_support walrus; do
    hot+=(--config "profile.release.package.$crate.opt-level=3")
  done
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=0 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads \
    "${hot[@]}"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
wbg_lock=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
wbg_have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$wbg_have" != "$wbg_lock" ]; then
  say "installing wasm-bindgen-cli $wbg_lock (Cargo.lock has $wbg_lock, found '${wbg_have:-none}')"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install wasm-bindgen-cli --version "$wbg_lock" --force
fi
scripts/check-wasm-bindgen.sh


# The browser tests, wasm-opt and Lighthouse run on Node.js 20 or newer (npm comes with it).
node_tools() {
  local major
  major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)
  if [ -z "$major" ]; then
    apt_install nodejs npm
    major=$(node --version | sed -E 's/^v([0-9]+).*/\1/')
  fi
  if [ "$major" -lt 20 ]; then
    warn "Node.js $(node --version) is too old: the browser tests and the release tools need 20 or newer (Debian 13's nodejs, or nodejs.org); install it and run this again"
    exit 1
  fi
}

browser() {
  node_tools
  # The open data API check (scripts/api-check.sh) asks the server with curl.
  apt_install chromium curl
  if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
    say "installing Playwright and axe-core for the browser tests (no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Release builds optimise the WebAssembly with binaryen's wasm-opt from npm (Debian's is too old)
# and gzip their files beforehand with zopfli (scripts/precompress.sh).
release_tools() {
  node_tools
  apt_install zopfli
  if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
    say "installing binaryen's wasm-opt from npm (release builds)"
    (cd tools && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ "$what" = "release" ]; then
  release_tools
fi

if [ "$what" = "bench" ]; then
  release_tools
  apt_install wrk brotli
  # The benchmark weighs a first visit in Chromium, and Lighthouse scores the pages in it.
  browser
  if [ ! -x tools/lighthouse/node_modules/.bin/lighthouse ]; then
    say "installing Lighthouse from npm (the benchmark's page scores)"
    (cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# The mail and file-storage tests talk to real servers written in Python (aiosmtpd, moto). They
# live in a virtual environment inside the project (tools/python-venv), with exactly the versions
# tools/python-requirements.txt pins: a Debian system Python refuses `pip install` outside one,
# and nothing else of the machine's Python is used. It is made again when the pins change.
python_tools() {
  local venv pins stamp
  venv=$(scripts/python-env)
  pins=tools/python-requirements.txt
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    apt_install python3-venv
  fi
  if [ ! -x "$venv/bin/python" ]; then
    say "making a Python environment for the test servers in $venv"
    python3 -m venv "$venv"
  fi
  stamp=$(sha256sum "$pins" | cut -d' ' -f1)
  if [ "$(cat "$venv/.pins" 2>/dev/null)" != "$stamp" ]; then
    say "installing the test servers' Python packages, as $pins pins them"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$pins"
    echo "$stamp" > "$venv/.pins"
  fi
}

# cargo-deny checks the supply chain in make test (scripts/deny.sh). Its release binary comes
# with the Python tools on x86-64 Linux; elsewhere it is built once, like cargo-leptos.
deny_tool() {
  local deny_version=0.20.2
  if [ -x "$(scripts/python-env)/bin/cargo-deny" ] \
    || cargo deny --version 2>/dev/null | grep -q "$deny_version"; then
    return
  fi
  say "installing cargo-deny $deny_version (once)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install cargo-deny --version "$deny_version" --locked
}

if [ "$what" = "test" ]; then
  python_tools
  deny_tool
  browser
  # The browser tests also run the site through deploy/nginx/vidan.conf (end2end/nginx/serve.sh).
  [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || apt_install nginx
  apt_install openssl
fi
say "setup done"
