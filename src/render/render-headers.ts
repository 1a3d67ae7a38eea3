import type { OutputFile } from "../types.js";
import { FEED_FILE_NAMES, FEED_MEDIA_TYPES } from "./media-types.js";

/** How long hosts and readers may keep a feed before asking again (they revalidate with ETag). */
const MAX_AGE = 300;

const RULES: { name: string; type: string; cache: string; cors: boolean }[] = [
  { name: FEED_FILE_NAMES.rss, type: FEED_MEDIA_TYPES.rss, cache: `public, max-age=${MAX_AGE}`, cors: true },
  { name: FEED_FILE_NAMES.atom, type: FEED_MEDIA_TYPES.atom, cache: `public, max-age=${MAX_AGE}`, cors: true },
  { name: FEED_FILE_NAMES.json, type: FEED_MEDIA_TYPES.json, cache: `public, max-age=${MAX_AGE}`, cors: true },
  { name: "feeds.opml", type: FEED_MEDIA_TYPES.opml, cache: `public, max-age=${MAX_AGE}`, cors: true },
  { name: "feeds.json", type: FEED_MEDIA_TYPES.manifest, cache: "no-cache", cors: true },
];

/**
 * Writes `_headers`, the file Netlify and Cloudflare Pages read to set response headers: each
 * feed format with its media type and `charset=utf-8`, a cache lifetime, `nosniff`, and CORS for
 * readers that fetch from a web page. Paths are those of the output folder's public URL (`base`),
 * one rule per file kind and folder shape (the top, `/:topic/`, archive pages
 * `/:topic/archive/:page/`), so the file stays small (Cloudflare Pages reads at most 100 rules).
 *
 * @param base - the output folder's public URL, e.g. `https://example.com/feeds/`
 * @param files - the build's files (a rule is written only for kinds that exist)
 * @returns the `_headers` file
 * @example
 * renderHeaders("https://example.com/feeds/", files) // "/feeds/rss.xml\n  Content-Type: application/rss+xml; charset=utf-8\n…"
 */
export function renderHeaders(base: string, files: readonly OutputFile[]): string {
  const path = new URL(base).pathname;
  const prefix = path.endsWith("/") ? path : `${path}/`;
  // One rule per file kind and folder shape: `:topic` for a topic's folder, `:page` for an
  // archive page's number (`<slug>/archive/3/rss.xml`).
  const patterns = new Map<string, Set<string>>();
  for (const f of files) {
    const parts = f.path.split("/");
    const name = parts.pop() as string;
    const shape = parts.map((p) => (p === "archive" ? p : /^[0-9]+$/.test(p) ? ":page" : ":topic")).join("/");
    const folder = shape === "" ? "" : `${shape}/`;
    const names = patterns.get(folder) ?? new Set<string>();
    patterns.set(folder, names.add(name));
  }
  const out = [
    "# Response headers for Netlify and Cloudflare Pages, written by topicfeeds. When the feeds are",
    `# not the root of the published site, copy these rules into the site's own _headers file.`,
  ];
  for (const folder of [...patterns.keys()].sort(
    (a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : a > b ? 1 : 0),
  )) {
    const names = patterns.get(folder) as Set<string>;
    for (const rule of RULES) {
      if (!names.has(rule.name)) continue;
      out.push(
        `${prefix}${folder}${rule.name}`,
        `  Content-Type: ${rule.type}`,
        `  Cache-Control: ${rule.cache}`,
        "  X-Content-Type-Options: nosniff",
      );
      if (rule.cors) out.push("  Access-Control-Allow-Origin: *");
    }
  }
  return `${out.join("\n")}\n`;
}
