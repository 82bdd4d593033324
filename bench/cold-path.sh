#!/usr/bin/env bash
# A newcomer's first hour, timed: in a fresh clone with nothing built and no tools of ours
# installed (its own cargo target, install root and Python environment), the set-up, the first
# `make test`, a second one (warm), and the build the first `make run` does before it serves.
# Writes bench/results/DATE-HOST-cold.md. Takes well over an hour on two cores; run it on a
# machine with nothing else to do. Debian packages (Chromium, nginx…) already installed are not
# installed again: on a really fresh machine add their download to the set-up's time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /var/tmp/vidan-cold.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/vidan"
cd "$work/vidan"
export CARGO_TARGET_DIR="$work/target" CARGO_INSTALL_ROOT="$work/tools"
export VIDAN_PYTHON_ENV="$work/python" PATH="$work/tools/bin:$PATH"

timed() { # name, command…
  local name=$1 start
  shift
  start=$(date +%s)
  "$@" > "$work/$name.log" 2>&1
  echo "$name $(( $(date +%s) - start ))" >> "$work/times"
}
timed setup scripts/setup.sh test
timed first-make-test make test
timed warm-make-test make test
CARGO_TARGET_DIR="$work/target-run" timed first-make-run-build \
  bash -c 'scripts/setup.sh build && cargo leptos build --split'

host=$(hostname -s)
out="$root/bench/results/$(date +%F)-$host-cold.md"
{
  echo "# The cold path, $(date -Iseconds)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {print $2, $3}' /proc/meminfo)."
  echo "Code: commit $(git rev-parse --short HEAD)."
  echo
  echo "| step | seconds | minutes |"
  echo "|---|---:|---:|"
  while read -r name secs; do
    echo "| $name | $secs | $(( (secs + 30) / 60 )) |"
  done < "$work/times"
  echo
  echo "Each \`make test\` step's start, from its own lines:"
  echo
  echo '```'
  grep -h '==>' "$work/first-make-test.log" | sed 's/\x1b\[[0-9;]*m//g'
  echo '```'
} > "$out"
echo "wrote $out"
