#!/usr/bin/env bash
# Everything that must pass before a change lands: formatting, lints, unit and integration tests
# on SQLite and PostgreSQL, then the browser journeys against a freshly built site.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step says when it starts and how long the run has taken so far (the cold and warm
# timings in bench/results are read from these lines).
started=$(date +%s)
say() { printf '\033[1;32m==>\033[0m %s \033[2m(%s, %ds in)\033[0m\n' "$*" "$(date +%T)" "$(( $(date +%s) - started ))"; }
loud() { printf '\n\033[1;41;97m %s \033[0m\n\n' "$*"; }

scripts/setup.sh test
# The tests start their SMTP and S3 servers with the Python that setup made for them.
export PYTHON="$(scripts/python-env)/bin/python"

say "formatting"
cargo fmt --all -- --check

say "the supply chain (cargo-deny: licences, bans, duplicates, sources, advisories)"
scripts/deny.sh

# Clippy's lints run inside the builds below, as the compiler of our own crates (what `cargo
# clippy` does, with a full build instead of a check): the dependencies are then compiled once,
# for the tests and the site, instead of once more for checking. Any warning fails the build.
say "clippy runs in the builds (server side with the tests, browser side with the site)"
RUSTC_WORKSPACE_WRAPPER="$(dirname "$(rustup which rustc)")/clippy-driver"
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"

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

say "building the tests (with clippy)"
cargo test -p app -p server -p migrations --features app/ssr --no-run

# Most tests wait on the server they start (a deadline, a worker's pass, an answer), so four run
# at once on two cores; none depends on finishing within a few seconds (a test moves a
# deadline when it is ready, `TestApp::entries_close`).
say "unit and integration tests"
cargo test -p app -p server -p migrations --features app/ssr -- \
  --test-threads "${VIDAN_TEST_THREADS:-4}" "${skip[@]}"

say "building the site (with clippy)"
cargo leptos build --split

say "the open data API, as a generic client reads its document"
scripts/api-check.sh

say "browser journeys (Playwright in Debian Chromium)"
(cd end2end && npx playwright test)
say "all tests passed"
