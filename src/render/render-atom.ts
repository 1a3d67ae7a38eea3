import type { FeedAuthor, FeedModel } from "../types.js";
import { feedLinks, historyNamespace } from "./_feed-links.js";
import { escapeAttr, escapeHtmlInXml, escapeXml, mediaContent } from "./_xml.js";

/**
 * Writes a feed model as Atom 1.0 (RFC 4287): one `id`, `title`, `updated` and `author` on the
 * feed, the alternate (site) link before the self link, and per entry `id`, `title`, `updated`,
 * `published`, an alternate link, the author, topics as categories, the excerpt as an HTML
 * summary (HTML-escaped text, line breaks as `<br>`) and related articles as `link rel="related"`.
 *
 * @param feed - the model from {@link buildFeedModel}
 * @returns the XML document, UTF-8, ending in a newline
 * @example
 * writeFile("atom.xml", renderAtom(model))
 */
export function renderAtom(feed: FeedModel): string {
  const lang = feed.language === undefined ? "" : ` xml:lang="${escapeAttr(feed.language)}"`;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"${historyNamespace(feed)}${lang}>`,
    `  <id>${escapeXml(feed.id)}</id>`,
    `  <title type="text">${escapeXml(feed.title)}</title>`,
    `  <subtitle type="text">${escapeXml(feed.description)}</subtitle>`,
    // RFC 4287 §4.2.15: the last significant change, here the newest entry, never the build time.
    `  <updated>${feed.updated}</updated>`,
    // RFC 4287 does not order links; readers that take the first one as the site's get the site.
    `  <link rel="alternate" type="text/html" href="${escapeAttr(feed.siteUrl)}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeAttr(feed.urls.atom)}"/>`,
    ...feedLinks(feed, "atom", "  "),
  ];
  // RFC 4287 §4.1.1: atom:feed MUST contain an author unless every entry has one; always give one.
  if (feed.author !== undefined) out.push(...author(feed.author, "  "));
  if (feed.copyright !== undefined) out.push(`  <rights type="text">${escapeXml(feed.copyright)}</rights>`);
  out.push(
    `  <generator uri="${escapeAttr(feed.generator.uri)}" version="${escapeAttr(feed.generator.version)}">${escapeXml(feed.generator.name)}</generator>`,
  );
  for (const item of feed.items) {
    out.push(
      "  <entry>",
      `    <id>${escapeXml(item.id)}</id>`,
      `    <title type="text">${escapeXml(item.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${escapeAttr(item.link)}"/>`,
      `    <published>${item.published}</published>`,
      `    <updated>${item.updated}</updated>`,
    );
    for (const a of item.authors) out.push(...author(a, "    "));
    for (const c of item.categories) out.push(`    <category term="${escapeAttr(c)}"/>`);
    // An entry without an excerpt still gets textual content (its title), as JSON Feed's content_text does.
    // RFC 4287 §3.1.1.2: type="html" with escaped text; newsboat renders even type="text" as HTML
    // (dropping `& …;` runs and tags), so escaped HTML is the form every reader shows as written.
    out.push(`    <summary type="html">${escapeHtmlInXml(item.summary ?? item.title)}</summary>`);
    for (const r of item.related) {
      const title = r.title === "" ? "" : ` title="${escapeAttr(r.title)}"`;
      out.push(`    <link rel="related" type="text/html" href="${escapeAttr(r.url)}"${title}/>`);
    }
    if (item.image !== undefined) out.push(`    ${mediaContent(item.image)}`);
    out.push("  </entry>");
  }
  out.push("</feed>", "");
  return out.join("\n");
}

function author(a: FeedAuthor, indent: string): string[] {
  const lines = [`${indent}<author>`, `${indent}  <name>${escapeXml(a.name)}</name>`];
  if (a.url !== undefined) lines.push(`${indent}  <uri>${escapeXml(a.url)}</uri>`);
  if (a.email !== undefined) lines.push(`${indent}  <email>${escapeXml(a.email)}</email>`);
  lines.push(`${indent}</author>`);
  return lines;
}
