#!/usr/bin/env bash
# Everything that must pass before a change lands: formatting, lints, unit and integration tests
# on SQLite and PostgreSQL, then the browser journeys against a freshly built site.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
loud() { printf '\n\033[1;41;97m %s \033[0m\n\n' "$*"; }

scripts/setup.sh test
# The tests start their SMTP and S3 servers with the Python that setup made for them.
export PYTHON="$(scripts/python-env)/bin/python"

say "formatting"
cargo fmt --all -- --check

say "clippy (server side and browser side)"
cargo clippy -p app -p server -p migrations --features app/ssr --all-targets -- -D warnings
cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

pg_url=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
skip=()
if psql "$pg_url" -Atc 'select 1' >/dev/null 2>&1; then
  say "PostgreSQL reachable: integration tests run on SQLite and PostgreSQL"
elif [ "${CI:-}" = "true" ]; then
  loud "PostgreSQL is not reachable at $pg_url: CI needs it (set TEST_POSTGRES_URL)"
  exit 1
else
  loud "PostgreSQL is not reachable at $pg_url: SKIPPING the PostgreSQL half of the integration tests"
  skip=(--skip on_postgres)
fi

say "unit and integration tests"
cargo test -p app -p server -p migrations --features app/ssr -- "${skip[@]}"

say "building the site"
cargo leptos build --split

say "the open data API, as a generic client reads its document"
scripts/api-check.sh

say "browser journeys (Playwright in Debian Chromium)"
(cd end2end && npx playwright test)
say "all tests passed"
