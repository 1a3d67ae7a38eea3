import type { FeedModel } from "../types.js";
import { feedLinks, historyNamespace } from "./_feed-links.js";
import { escapeAttr, escapeHtmlInXml, escapeRssPlain, escapeRssText, escapeXml, mediaContent, rfc822 } from "./_xml.js";

/**
 * Writes a feed model as RSS 2.0, following the RSS Advisory Board's Best Practices Profile:
 * RFC 822 dates with four-digit years in GMT, `atom:link rel="self"`, `dc:creator` for the
 * provider (RSS `author` must be an e-mail address), Media RSS for images, and the excerpt as
 * HTML-escaped text in `description` (line breaks as `<br>`). Text is escaped with `&amp;` and
 * `&lt;`, which every reader decodes (some Node readers leave `&#x26;` undecoded), with `&#x3C;`
 * only before tag-like text (see `escapeRssPlain`), and titles never look like markup to readers
 * that guess (see `escapeRssText`).
 *
 * @param feed - the model from {@link buildFeedModel}
 * @returns the XML document, UTF-8, ending in a newline
 * @example
 * writeFile("rss.xml", renderRss(model))
 */
export function renderRss(feed: FeedModel): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"${historyNamespace(feed)}>`,
    "  <channel>",
    `    <title>${escapeRssText(feed.title)}</title>`,
    `    <link>${escapeXml(feed.siteUrl)}</link>`,
    `    <description>${escapeRssPlain(feed.description)}</description>`,
    `    <atom:link href="${escapeAttr(feed.urls.rss)}" rel="self" type="application/rss+xml"/>`,
    ...feedLinks(feed, "rss", "    "),
  ];
  if (feed.language !== undefined) out.push(`    <language>${escapeXml(feed.language)}</language>`);
  if (feed.copyright !== undefined) out.push(`    <copyright>${escapeRssPlain(feed.copyright)}</copyright>`);
  if (feed.author?.email !== undefined)
    out.push(`    <managingEditor>${escapeXml(`${feed.author.email} (${feed.author.name})`)}</managingEditor>`);
  // Derived from the newest item (or the build's newest date), never from the clock.
  out.push(
    `    <pubDate>${rfc822(feed.updated)}</pubDate>`,
    `    <lastBuildDate>${rfc822(feed.updated)}</lastBuildDate>`,
  );
  out.push(`    <generator>${escapeXml(`${feed.generator.name} ${feed.generator.version}`)}</generator>`);
  out.push("    <docs>https://www.rssboard.org/rss-specification</docs>");
  for (const item of feed.items) {
    out.push(
      "    <item>",
      `      <title>${escapeRssText(item.title)}</title>`,
      `      <link>${escapeXml(item.link)}</link>`,
    );
    if (item.summary !== undefined) out.push(`      <description>${escapeHtmlInXml(item.summary)}</description>`);
    for (const a of item.authors) out.push(`      <dc:creator>${escapeRssPlain(a.name)}</dc:creator>`);
    for (const c of item.categories) out.push(`      <category>${escapeRssPlain(c)}</category>`);
    // A guid that is not the item's own URL must say so (RSS 2.0: isPermaLink defaults to true).
    out.push(`      <guid isPermaLink="${item.idIsLink ? "true" : "false"}">${escapeXml(item.id)}</guid>`);
    out.push(`      <pubDate>${rfc822(item.published)}</pubDate>`);
    if (item.image !== undefined) out.push(`      ${mediaContent(item.image)}`);
    out.push("    </item>");
  }
  out.push("  </channel>", "</rss>", "");
  return out.join("\n");
}
