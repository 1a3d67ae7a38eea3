#!/bin/sh
# A CI step (any CI: GitHub Actions `run:`, GitLab `script:`, a Jenkins `sh`): build the feeds,
# keep the JSON report as an artifact, and fail the job when any record was rejected, naming it.
#   sh ci-feeds.sh [RECORDS_DIR] [OUT_DIR]
set -eu
records="${1:-content}"
out="${2:-public/feeds}"

# The build itself exits 1 only when it cannot build; rejected records are in the report.
npx topicfeeds build "$records" --out "$out" --base-url https://news.example.com/feeds/ \
  --min-quality 60 --report json > feeds-report.json

node -e '
const report = JSON.parse(require("fs").readFileSync("feeds-report.json", "utf8"));
const { read, published, dropped, rejected } = report.records;
console.log(`feeds: ${read} records read, ${published} published, ${dropped} dropped, ${rejected} rejected`);
for (const d of report.diagnostics.filter((d) => d.severity === "error")) {
  console.error(`${d.file}:${d.line ?? 0}:${d.column ?? 0}  error  ${d.message}  [${d.code}]`);
}
if (rejected > 0) process.exit(1);
if (published === 0) { console.error("feeds: nothing was published"); process.exit(1); }
'
