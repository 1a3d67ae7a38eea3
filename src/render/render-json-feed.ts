import type { FeedAuthor, FeedModel } from "../types.js";

/**
 * Writes a feed model as JSON Feed 1.1: `version` first, `home_page_url` and `feed_url`, and
 * per item a string `id`, `url`, `title`, the excerpt as `summary` and `content_text` (plain
 * text, never HTML), RFC 3339 dates, `authors` (plus the deprecated `author` for 1.0 readers),
 * topics as `tags`, the first image as `image`, and related links under `_topicfeeds`.
 *
 * @param feed - the model from {@link buildFeedModel}
 * @returns the JSON document, two-space indented, ending in a newline
 * @example
 * writeFile("feed.json", renderJsonFeed(model))
 */
export function renderJsonFeed(feed: FeedModel): string {
  const doc: Record<string, unknown> = {
    version: "https://jsonfeed.org/version/1.1",
    title: feed.title,
    home_page_url: feed.siteUrl,
    // JSON Feed 1.1: feed_url identifies the feed; an archive page belongs to the subscription feed
    // (as an RFC 5005 archive keeps the feed's atom:id) and is reached through next_url.
    feed_url: feed.history?.current?.json ?? feed.urls.json,
    description: feed.description,
  };
  if (feed.language !== undefined) doc.language = feed.language;
  if (feed.author !== undefined) doc.authors = [author(feed.author)];
  // JSON Feed 1.1: next_url pages to older items (here the next older archive page); hubs for WebSub.
  if (feed.history?.prevArchive !== undefined) doc.next_url = feed.history.prevArchive.json;
  if (feed.hubs !== undefined && feed.hubs.length > 0) doc.hubs = feed.hubs.map((url) => ({ type: "WebSub", url }));
  doc.items = feed.items.map((item) => {
    const o: Record<string, unknown> = { id: item.id, url: item.link, title: item.title };
    // JSON Feed 1.1: an item needs content_html or content_text; the excerpt is plain text.
    o.content_text = item.summary ?? item.title;
    if (item.summary !== undefined) o.summary = item.summary;
    if (item.image !== undefined) o.image = item.image.url;
    o.date_published = item.published;
    if (item.updated !== item.published) o.date_modified = item.updated;
    if (item.authors.length > 0) {
      o.authors = item.authors.map(author);
      o.author = author(item.authors[0] as FeedAuthor);
    }
    if (item.categories.length > 0) o.tags = item.categories;
    if (item.related.length > 0) o._topicfeeds = { related: item.related.map((r) => ({ url: r.url, title: r.title })) };
    return o;
  });
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function author(a: FeedAuthor): Record<string, string> {
  const o: Record<string, string> = { name: a.name };
  if (a.url !== undefined) o.url = a.url;
  else if (a.email !== undefined) o.url = `mailto:${a.email}`;
  return o;
}
