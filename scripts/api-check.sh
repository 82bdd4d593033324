#!/usr/bin/env bash
# A generic client that reads only the open data's OpenAPI document (schemathesis, every check)
# tries every operation against the demo data: each answer must be one the document promises.
# Runs the server `cargo leptos build` made; the seed makes every run try the same cases.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }

target=${CARGO_TARGET_DIR:-target}
port=${API_CHECK_PORT:-3200}
work=$(mktemp -d)
# The client asks faster than a person: the rate limit (documented, 429) is raised for it.
env -i PATH="$PATH" VIDAN_ENV=development VIDAN_DEMO_DATA=true VIDAN_ADDR="127.0.0.1:$port" \
  DATABASE_URL="sqlite://$work/vidan.db?mode=rwc" VIDAN_FILES_DIR="$work/files" \
  LEPTOS_SITE_ROOT=target/site VIDAN_API_RATE_PER_MINUTE=1000000 RUST_LOG=error \
  "$target/debug/vidan" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
say "schemathesis: every operation of /api/v1, every check"
"$(scripts/python-env)/bin/schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --checks all --max-examples 25 --seed 20261206 --workers 2 --request-timeout 20 \
  --warnings off --report-dir "$work/report"
