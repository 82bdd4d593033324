#!/usr/bin/env bash
# Fails loudly when wasm-bindgen-cli and the wasm-bindgen crate in Cargo.lock drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."
lock=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$lock" != "$have" ]; then
  echo "ERROR: Cargo.lock pins wasm-bindgen $lock but wasm-bindgen-cli is '${have:-missing}'." >&2
  echo "Fix:   cargo install wasm-bindgen-cli --version $lock --force" >&2
  exit 1
fi
