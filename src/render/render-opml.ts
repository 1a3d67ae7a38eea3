import type { FeedModel } from "../types.js";
import { escapeAttr, escapeXml } from "./_xml.js";

/**
 * Writes an OPML 2.0 subscription list of every feed of a build, so a reader can subscribe to
 * all topics at once (`feeds.opml`). Lists the RSS documents; the date is the build's newest.
 *
 * @param title - the list's title
 * @param feeds - the feed models, site-wide first
 * @returns the XML document
 * @example
 * renderOpml("Example feeds", models)
 */
export function renderOpml(title: string, feeds: readonly FeedModel[]): string {
  const newest = feeds.reduce((m, f) => (f.updated > m ? f.updated : m), "1970-01-01T00:00:00Z");
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    "  <head>",
    `    <title>${escapeXml(title)}</title>`,
    `    <dateModified>${new Date(Date.parse(newest)).toUTCString()}</dateModified>`,
    "  </head>",
    "  <body>",
  ];
  for (const f of feeds) {
    out.push(
      `    <outline type="rss" text="${escapeAttr(f.title)}" title="${escapeAttr(f.title)}" xmlUrl="${escapeAttr(f.urls.rss)}" htmlUrl="${escapeAttr(f.siteUrl)}"/>`,
    );
  }
  out.push("  </body>", "</opml>", "");
  return out.join("\n");
}
