#!/usr/bin/env bash
# Side-by-side search measurement: tebiki's help-site search vs Pagefind
# (npm `pagefind`, extended build, Japanese) on the same help-site pages.
# Needs node ≥ 18 and network access to the npm registry on first run.
# Usage: scripts/search-eval/run.sh [--verbose]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${SEARCH_EVAL_DIR:-$(mktemp -d)}"
cd "$root"
cargo run --release -q -- build --today 2026-11-24 --out "$work/out" >/dev/null
# Pagefind indexes the pages a reader lands on: the print view (the whole
# manual on one page) and the search page are left out, as tebiki's index does.
rm -rf "$work/pf" && cp -r "$work/out/site" "$work/pf"
rm -f "$work/pf/search.html" "$work"/pf/*/print.html
if [ ! -x "$here/node_modules/.bin/pagefind" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent pagefind@1.6.0)
fi
"$here/node_modules/@pagefind/linux-x64/bin/pagefind_extended" \
  --site "$work/pf" --force-language ja --quiet >/dev/null
node "$here/eval.mjs" "$work/out/site" "$work/pf" "$@"
