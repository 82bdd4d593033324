#!/usr/bin/env bash
# Recompresses a release site's precompressed files as small as gzip allows. cargo-leptos writes
# each `.gz` with a fast encoder (the main WebAssembly: ~325 KB where `gzip -9` makes ~278 KB and
# zopfli ~266 KB); browsers that accept only gzip, and proxies that strip brotli, get these.
#   scripts/precompress.sh SITE_DIR
set -euo pipefail
site=${1:?usage: scripts/precompress.sh SITE_DIR}
if command -v zopfli >/dev/null; then
  encode() { zopfli -c "$1"; }
else
  encode() { gzip -9 -n -c "$1"; }
fi
export -f encode
# Each file that has a .gz beside it, a few at a time; a smaller result replaces the old one.
find "$site" -type f -name '*.gz' -print0 | xargs -0 -P "$(nproc)" -I{} bash -c '
  gz="$1"; src="${gz%.gz}"
  [ -f "$src" ] || exit 0
  encode "$src" > "$gz.new"
  if [ "$(stat -c %s "$gz.new")" -lt "$(stat -c %s "$gz")" ]; then mv "$gz.new" "$gz"; else rm "$gz.new"; fi
' _ {}
