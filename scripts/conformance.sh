#!/usr/bin/env bash
# Runs ../shared/feedcheck (W3C Feed Validation Service code, feedparser, RFC 4287 RELAX NG with
# jing, JSON Feed 1.1 schemas) over the example output and over a generated 2,000-record corpus.
# Any error fails. Installs what it needs (Debian packages, feedcheck's npm packages) on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${TOPICFEEDS_SHARED:-../shared}"
feedcheck="$shared/feedcheck/feedcheck"
if [ ! -x "$feedcheck" ]; then
  echo "conformance: $feedcheck not found; skipped (it lives in the steering repo's shared/ folder)" >&2
  exit 0
fi
if ! dpkg -s python3-feedparser jing libxml2-utils >/dev/null 2>&1 || [ ! -d "$shared/feedcheck/node_modules" ]; then
  bash "$shared/feedcheck/setup-feedcheck.sh"
fi
[ -d /opt/feedvalidator ] || echo "conformance: no W3C feedvalidator at /opt/feedvalidator; feedcheck runs its other checks" >&2

npm run --silent example
"$feedcheck" -q examples/out

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$shared/corpus/generate.mjs" --count 2000 --out "$work/corpus" --quiet
# The fast YAML path against gray-matter on every generated record (the suite does a sample).
TOPICFEEDS_CORPUS_DIR="$work/corpus" npx vitest run test/fast-yaml.test.ts
node dist/cli.js build "$work/corpus" --out "$work/out" --base-url https://example.com/feeds/ --min-quality 50 --quiet
"$feedcheck" -q "$work/out"

# The same items, ids, links and dates in all three formats, as feedparser reads them.
for dir in "$work/out" "$work/out/ai" "$work/out/cloud"; do
  cmp="$work/compare-$(basename "$dir")"
  mkdir -p "$cmp"
  cp "$dir/rss.xml" "$cmp/feed.rss"; cp "$dir/atom.xml" "$cmp/feed.atom"; cp "$dir/feed.json" "$cmp/feed.json"
  "$feedcheck" -q --compare --strict "$cmp"
done
