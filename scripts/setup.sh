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

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
wbg_lock=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
wbg_have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$wbg_have" != "$wbg_lock" ]; then
  say "installing wasm-bindgen-cli $wbg_lock (Cargo.lock has $wbg_lock, found '${wbg_have:-none}')"
  cargo install wasm-bindgen-cli --version "$wbg_lock" --force
fi
scripts/check-wasm-bindgen.sh

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

browser() {
  apt_install chromium
  if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
    say "installing Playwright and axe-core for the browser tests (no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Release builds optimise the WebAssembly with binaryen's wasm-opt from npm (Debian's is too old)
# and gzip their files beforehand with zopfli (scripts/precompress.sh).
release_tools() {
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
  # The benchmark weighs a first visit in Chromium.
  browser
fi

# The mail and file-storage tests talk to real servers written in Python (aiosmtpd, moto). They
# live in a virtual environment of their own, outside the clone so that it is made once: a
# Debian system Python refuses `pip install` outside one, and nothing else of the machine's is used.
python_tools() {
  local venv
  venv=$(scripts/python-env)
  if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
      apt_install python3-venv
    fi
    say "making a Python environment for the test servers in $venv"
    python3 -m venv "$venv"
  fi
  if ! "$venv/bin/python" -c 'import aiosmtpd, moto.server' 2>/dev/null; then
    say "installing aiosmtpd and moto (the SMTP and S3 servers the tests talk to) into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check aiosmtpd 'moto[server]'
  fi
}

if [ "$what" = "test" ]; then
  python_tools
  browser
fi
say "setup done"
