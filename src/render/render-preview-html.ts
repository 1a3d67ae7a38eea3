import type { FeedModel } from "../types.js";
import { alternateLinks, day, footer, itemList, page, subscribeBox } from "./_html.js";
import { escapeAttr, escapeXml } from "./_xml.js";

/**
 * Writes the preview page of one topic feed (`<slug>/index.html`): what a person sees who opens
 * the feed's folder in a browser. The feed's title and description, its items (title linked to
 * the article, date, provider, excerpt, image), subscribe links per format with the public URL and
 * a copy button, and `<link rel="alternate">` autodiscovery. Plain HTML and CSS, light and dark;
 * links to the feed files are relative, so the page works from any host or from the disk. Record
 * text is escaped: it never becomes markup.
 *
 * @param feed - the topic's feed model
 * @param options - `language` of the page (default the feed's, else `en`); `siteUrl`, the site's
 *   home page linked from the footer (default the feed's home link)
 * @returns the HTML document
 * @example
 * renderPreviewHtml(aiFeed, { siteUrl: "https://example.com/" }) // "<!doctype html>\n<html lang=\"en\">…"
 */
export function renderPreviewHtml(feed: FeedModel, options: { language?: string; siteUrl?: string } = {}): string {
  const count = feed.items.length;
  const newest = feed.items.length > 0 ? ` · newest <time datetime="${feed.updated}">${day(feed.updated)}</time>` : "";
  const body = [
    '<header class="site"><div class="wrap">',
    '<p class="crumb"><a href="../index.html">All feeds</a></p>',
    `<h1>${escapeXml(feed.title)}</h1>`,
    `<p>${escapeXml(feed.description)}</p>`,
    `<p>${count} article${count === 1 ? "" : "s"}${newest} · <a href="${escapeAttr(feed.siteUrl)}">Web page</a></p>`,
    ...subscribeBox(feed, "", "", "Subscribe to this feed"),
    "</div></header>",
    '<main class="wrap" aria-labelledby="items">',
    '<h2 id="items">Articles</h2>',
    ...(count > 0 ? itemList(feed.items, 3) : ["<p>No articles yet.</p>"]),
    "</main>",
    ...footer("../", options.siteUrl ?? feed.siteUrl),
  ];
  return page({
    title: feed.title,
    description: feed.description,
    language: options.language ?? feed.language ?? "en",
    head: alternateLinks(feed, ""),
    body,
    script: true,
  });
}
