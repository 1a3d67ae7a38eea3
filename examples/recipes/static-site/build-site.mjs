// Stands in for the site generator (Hugo, Jekyll, a custom script): it writes dist/. npm runs the
// "postbuild" script after "build", which adds dist/feeds/ with topicfeeds.
import { mkdirSync, writeFileSync } from "node:fs";

mkdirSync("dist", { recursive: true });
writeFileSync(
  "dist/index.html",
  `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Example News</title>
<link rel="alternate" type="application/rss+xml" title="Example News" href="/feeds/rss.xml"></head>
<body><h1>Example News</h1><p><a href="/feeds/">Feeds by topic</a></p></body>
</html>
`,
);
