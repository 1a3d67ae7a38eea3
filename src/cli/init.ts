import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_NAMES } from "../io/load-config.js";
import { parseCommandArgs, UsageError } from "./_args.js";
import type { CliIo } from "./run-cli.js";

/** The config `init` writes: every line commented, and `$schema` for editors' completion and checks. */
export const INIT_CONFIG = `// topicfeeds config: \`topicfeeds build\` and \`topicfeeds check\` read it from this folder.
// Comments are allowed in a .jsonc config. Paths are relative to this file.
// Every key is described in the JSON Schema named by "$schema" (editors complete and check it).
{
  "$schema": "./node_modules/topicfeeds/config.schema.json",

  // Record files or folders: Markdown files whose YAML front matter holds the record.
  "input": "content",
  // Where the feeds are written: OUT/<topic>/{rss.xml,atom.xml,feed.json} and site-wide ones.
  "out": "public/feeds",
  // The public URL of the output folder. Change it to your site's.
  "baseUrl": "https://example.com/feeds/",
  // Feed metadata.
  "title": "Example News",
  "description": "News by topic",
  "language": "en",

  // Which records reach the feeds, in order. Records dropped by a rule are counted in the summary.
  "select": [
    // Only records with \`published: true\`.
    { "rule": "published", "value": true },
    // Only records with \`quality\` 50 or more.
    { "rule": "minQuality", "value": 50 }
  ],
  // At most this many items per feed.
  "limit": 50,

  // Per-topic settings, keyed by topic name (case and spacing ignored).
  "topics": {
    "Getting Started": { "description": "The first steps with topicfeeds" }
  }
}
`;

/** The example record `init` writes. */
export const INIT_RECORD = `---
title: "Hello, topicfeeds"
excerpt: "The example record topicfeeds init wrote. Copy it to add articles; delete it when you have your own."
publishedDateTime: 2024-01-15T09:00:00Z
webUrl: "https://example.com/articles/hello-topicfeeds"
published: true
quality: 80
heat: 50
provider:
  name: Example News
  domain: example.com
topics:
  - Getting Started
---
A record is YAML front matter between two --- lines; the text after it is not published.
`;

const RECORD_PATH = join("content", "hello-topicfeeds.md");
const CONFIG_PATH = "topicfeeds.config.jsonc";

/**
 * `topicfeeds init`: writes a commented config (`topicfeeds.config.jsonc`) and one example
 * record (`content/hello-topicfeeds.md`) into the working directory, so that `topicfeeds build`
 * right after it publishes a feed with an item. Never overwrites: when a config or the record
 * already exists, it writes nothing and exits 1.
 *
 * @returns the exit code
 */
export function runInit(argv: string[], io: CliIo): number {
  const { positionals } = parseCommandArgs("init", argv, { help: { type: "boolean", short: "h" } });
  if (positionals.length > 0) throw new UsageError(`init takes no arguments, got ${JSON.stringify(positionals[0])}`);
  const existing = [...CONFIG_NAMES, RECORD_PATH].filter((f) => existsSync(join(io.cwd, f)));
  if (existing.length > 0) {
    io.stderr(
      `topicfeeds init: ${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}; nothing was written\n`,
    );
    return 1;
  }
  mkdirSync(join(io.cwd, "content"), { recursive: true });
  // "wx": fails rather than overwrite a file created meanwhile.
  writeFileSync(join(io.cwd, RECORD_PATH), INIT_RECORD, { flag: "wx" });
  writeFileSync(join(io.cwd, CONFIG_PATH), INIT_CONFIG, { flag: "wx" });
  io.stdout(
    `wrote ${CONFIG_PATH} and ${RECORD_PATH}\nnext: set baseUrl in ${CONFIG_PATH}, add records to content/, then run: topicfeeds build\n`,
  );
  return 0;
}
