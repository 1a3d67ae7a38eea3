import type { FeedModel } from "../types.js";
import { alternateLinks, day, FORMAT_NAMES, footer, itemList, page, subscribeBox } from "./_html.js";
import { escapeAttr, escapeXml } from "./_xml.js";
import { FEED_FILE_NAMES, FEED_MEDIA_TYPES } from "./media-types.js";

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

/** How many of a topic's newest titles the front page shows. */
const NEWEST_TITLES = 3;

/**
 * Writes `index.html` of the output folder, the front page of all feeds: the site-wide feed's
 * subscribe links and autodiscovery, every topic with its item count, newest date, newest titles
 * and formats (linking to the topic's preview page), and the site-wide feed's articles. Plain HTML
 * and CSS, light and dark; record text is escaped.
 *
 * @param title - the page title (the site title)
 * @param feeds - the feed models, site-wide first
 * @param language - the page language, if known
 * @param siteUrl - the site's home page, linked from the footer (default the site-wide feed's)
 * @returns the HTML document
 *
 * @example
 * ```ts
 * const html = renderIndexHtml("Example feeds", [siteFeed, ...topicFeeds], "en");
 * ```
 */
export function renderIndexHtml(
  title: string,
  feeds: readonly FeedModel[],
  language?: string,
  siteUrl?: string,
): string {
  const site = feeds.find((f) => f.slug === "");
  const topics = feeds.filter((f) => f.slug !== "");
  const body = ['<header class="site"><div class="wrap">', `<h1>${escapeXml(title)}</h1>`];
  if (site !== undefined) {
    body.push(`<p>${escapeXml(site.description)}</p>`, ...subscribeBox(site, "", "", "Subscribe to every topic"));
  }
  body.push("</div></header>", '<main class="wrap">');
  body.push('<section aria-labelledby="topics">', `<h2 id="topics">Topics (${topics.length})</h2>`);
  if (topics.length === 0) body.push("<p>No topics yet.</p>");
  else body.push('<ul class="topics">');
  for (const t of topics) {
    const dir = `${encodeURIComponent(t.slug)}/`;
    const n = t.items.length;
    const newest = n > 0 ? ` · newest <time datetime="${t.updated}">${day(t.updated)}</time>` : "";
    body.push(
      `<li><h3><a href="${escapeAttr(`${dir}index.html`)}">${escapeXml(t.topic ?? t.title)}</a></h3>`,
      `<p class="meta">${n} article${n === 1 ? "" : "s"}${newest}</p>`,
    );
    if (n > 0) {
      body.push(
        `<ul aria-label="${escapeAttr(`Newest in ${t.topic ?? t.title}`)}">${t.items
          .slice(0, NEWEST_TITLES)
          .map((i) => `<li><a href="${escapeAttr(i.link)}">${escapeXml(i.title)}</a></li>`)
          .join("")}</ul>`,
      );
    }
    body.push(
      `<p class="formats">${(["rss", "atom", "json"] as const)
        .map(
          (f) =>
            `<a href="${escapeAttr(`${dir}${FEED_FILE_NAMES[f]}`)}" type="${FEED_MEDIA_TYPES[f].split(";")[0]}" aria-label="${escapeAttr(`${t.topic ?? t.title}: ${FORMAT_NAMES[f]}`)}">${FORMAT_NAMES[f]}</a>`,
        )
        .join(" · ")}</p></li>`,
    );
  }
  if (topics.length > 0) body.push("</ul>");
  body.push("</section>");
  if (site !== undefined) {
    body.push(
      '<section aria-labelledby="latest">',
      '<h2 id="latest">Latest articles</h2>',
      ...(site.items.length > 0 ? itemList(site.items, 3) : ["<p>No articles yet.</p>"]),
      "</section>",
    );
  }
  body.push("</main>", ...footer("", siteUrl ?? site?.siteUrl ?? "./"));
  return page({
    title,
    description: site?.description ?? `Feeds of ${title}`,
    language: language ?? "en",
    head: site === undefined ? [] : alternateLinks(site, ""),
    body,
    script: site !== undefined,
  });
}
