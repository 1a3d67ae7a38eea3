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

# Every feed document of an output folder: its .xml and .json files, the manifest feeds.json
# included (it is a JSON Feed listing the feeds). Every file the manifest lists must be there.
check_out() {
  local out="$1"
  # "$out/": OUT is a symbolic link to the published build, which find does not follow otherwise.
  find "$out/" -type f \( -name '*.xml' -o -name '*.json' \) -print0 | sort -z |
    xargs -0 "$feedcheck" -q
  node -e '
    const fs = require("fs"), path = require("path");
    const out = process.argv[1];
    const listed = JSON.parse(fs.readFileSync(path.join(out, "feeds.json"), "utf8"))._topicfeeds.feeds.map((f) => f.path).sort();
    const found = [];
    const walk = (d) => { for (const n of fs.readdirSync(d)) { const p = path.join(d, n); if (fs.statSync(p).isDirectory()) walk(p); else if (/^(rss\.xml|atom\.xml|feed\.json)$/.test(n)) found.push(path.relative(out, p)); } };
    walk(out);
    found.sort();
    // Folders of topics that lost their items stay in OUT (frozen feeds), unlisted.
    const missing = listed.filter((p) => !found.includes(p));
    if (missing.length > 0) { console.error("manifest of", out, "lists files that are not there:", missing.join(", ")); process.exit(1); }
    console.log(`manifest: ${listed.length} feed files listed, all present (${found.length - listed.length} left from earlier builds)`);
  ' "$out"
}

npm run --silent example
check_out examples/out

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$shared/corpus/generate.mjs" --count 2000 --out "$work/corpus" --quiet
# The fast YAML path against gray-matter on every generated record (the suite does a sample).
TOPICFEEDS_CORPUS_DIR="$work/corpus" npx vitest run test/fast-yaml.test.ts
node dist/cli.js build "$work/corpus" --out "$work/out" --base-url https://example.com/feeds/ --min-quality 50 --quiet
check_out "$work/out"

# Feeds with WebSub hub links and RFC 5005 archives (subscription documents cut to a byte
# budget, archive pages, a complete feed): the site-wide chain and two topics' chains.
node dist/cli.js build "$work/corpus" --out "$work/archived" --base-url https://example.com/feeds/ --min-quality 50 \
  --quiet --archive --limit 20 --max-bytes 20000 --hub https://hub.example.com/ --hub "https://websub.example.org/publish?a=1&b=2"
complete="$(dirname "$(grep -rl --include=atom.xml "<fh:complete/>" "$work/archived" | sort | head -1)")"
grep -q "<fh:archive/>" "$work/archived/ai/archive/1/atom.xml"
"$feedcheck" -q "$work/archived/rss.xml" "$work/archived/atom.xml" "$work/archived/feed.json" "$work/archived/archive" \
  "$work/archived/ai" "$complete"

# No secured value and no unpublished title may reach any output file.
node -e '
const fs = require("fs"), path = require("path");
const matter = require(path.resolve("node_modules/gray-matter"));
const [corpus, ...outs] = process.argv.slice(1);
const secrets = [], drafts = new Set(), published = new Set();
for (const f of fs.readdirSync(corpus)) {
  const d = matter(fs.readFileSync(path.join(corpus, f), "utf8"), {}).data;
  if (typeof d.secured === "string") secrets.push(d.secured.slice(0, 40));
  if (d.published === true) published.add(d.title); else if (!/[&<>]/.test(d.title)) drafts.add(d.title);
  for (const r of d.related ?? []) published.add(r.title); // related entries carry their own titles
}
// Templated titles repeat across different articles: a draft title also used by a published one proves nothing.
const check = [...secrets, ...[...drafts].filter((t) => !published.has(t))];
let bad = 0, files = 0;
const walk = (d) => { for (const n of fs.readdirSync(d)) { const p = path.join(d, n); if (fs.statSync(p).isDirectory()) walk(p); else { files++; const t = fs.readFileSync(p, "utf8"); for (const x of check) if (t.includes(x)) { bad++; console.error("LEAK", p, x.slice(0, 60)); } } } };
for (const out of outs) walk(out);
console.log(`leak check: ${check.length} secured values and draft titles, ${files} files, ${bad} leaks`);
process.exit(bad ? 1 : 0);
' "$work/corpus" "$work/out" "$work/archived"

# The build over a folder of every hostile input (written by the test suite) passes too.
rm -rf "$work/hostile"
TOPICFEEDS_HOSTILE_OUT="$work/hostile" npx vitest run test/hostile.test.ts -t "the CLI over the mixed folder"
check_out "$work/hostile"

# With the opt-in stylesheet and topic pages: the same feeds, still clean.
printf '{"stylesheet":"/feed.xsl","topicUrl":"https://example.com/topics/{slug}/"}' > "$work/styled.json"
node dist/cli.js build "$work/corpus" --out "$work/styled" --base-url https://example.com/feeds/ --min-quality 50 --quiet -c "$work/styled.json"
check_out "$work/styled"

# The feeds every recipe in examples/recipes/ wrote in its last test run (test/recipes.test.ts
# keeps them); run the recipe test first when there are none.
recipes="node_modules/.cache/topicfeeds-recipes"
if [ ! -d "$recipes" ]; then npx vitest run test/recipes.test.ts; fi
# Every feed file, the manifests (JSON Feeds of the feeds) included.
for dir in "$recipes"/*/; do
  find "$dir" -type f \( -name '*.xml' -o -name '*.json' \) -print0 | sort -z |
    xargs -0 "$feedcheck" -q
done

# The same items, ids, links and dates in all three formats, as feedparser reads them.
for dir in "$work/out" "$work/out/ai" "$work/out/cloud"; do
  cmp="$work/compare-$(basename "$dir")"
  mkdir -p "$cmp"
  cp "$dir/rss.xml" "$cmp/feed.rss"; cp "$dir/atom.xml" "$cmp/feed.atom"; cp "$dir/feed.json" "$cmp/feed.json"
  "$feedcheck" -q --compare --strict "$cmp"
done
