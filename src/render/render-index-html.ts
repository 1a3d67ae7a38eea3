import type { FeedModel } from "../types.js";
import { escapeAttr, escapeXml } from "./_xml.js";

/**
 * The `<link rel="alternate">` tags that let browsers and readers discover a feed from a page.
 * Put them in the `<head>` of the topic's page (or of every page for the site-wide feed).
 *
 * @param feed - a feed model
 * @returns three `<link>` elements, one per line
 * @example
 * discoveryLinks(model) // '<link rel="alternate" type="application/rss+xml" title="…" href="…/rss.xml">\n…'
 */
export function discoveryLinks(feed: FeedModel): string {
  const title = escapeAttr(feed.title);
  return [
    `<link rel="alternate" type="application/rss+xml" title="${title} (RSS)" href="${escapeAttr(feed.urls.rss)}">`,
    `<link rel="alternate" type="application/atom+xml" title="${title} (Atom)" href="${escapeAttr(feed.urls.atom)}">`,
    `<link rel="alternate" type="application/feed+json" title="${title} (JSON Feed)" href="${escapeAttr(feed.urls.json)}">`,
  ].join("\n");
}

/**
 * Writes `index.html` for the output folder: every feed with its three formats, the item count,
 * and discovery links for the site-wide feed, so the folder is browsable and discoverable.
 *
 * @param title - the page title
 * @param feeds - the feed models, site-wide first
 * @param language - the page language, if known
 * @returns the HTML document
 *
 * @example
 * ```ts
 * const html = renderIndexHtml("Example feeds", [siteFeed, ...topicFeeds], "en");
 * ```
 */
export function renderIndexHtml(title: string, feeds: readonly FeedModel[], language?: string): string {
  const site = feeds.find((f) => f.slug === "");
  const out = [
    "<!doctype html>",
    `<html lang="${escapeAttr(language ?? "en")}">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
  ];
  if (site !== undefined) out.push(discoveryLinks(site));
  out.push(
    "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}td,th{padding:.2rem .6rem;text-align:left}td.n{text-align:right}</style>",
    "</head>",
    "<body>",
    `<h1>${escapeXml(title)}</h1>`,
    '<p>Subscribe in a feed reader: copy a link below, or import <a href="feeds.opml">feeds.opml</a> to follow every topic.</p>',
    "<table>",
    '<thead><tr><th>Feed</th><th>Items</th><th colspan="3">Formats</th></tr></thead>',
    "<tbody>",
  );
  for (const f of feeds) {
    const rel = f.slug === "" ? "" : `${encodeURIComponent(f.slug)}/`;
    out.push(
      `<tr><td>${escapeXml(f.topic ?? "All topics")}</td><td class="n">${f.items.length}</td>` +
        `<td><a href="${rel}rss.xml" type="application/rss+xml">RSS</a></td>` +
        `<td><a href="${rel}atom.xml" type="application/atom+xml">Atom</a></td>` +
        `<td><a href="${rel}feed.json" type="application/feed+json">JSON Feed</a></td></tr>`,
    );
  }
  out.push("</tbody>", "</table>", "</body>", "</html>", "");
  return out.join("\n");
}
