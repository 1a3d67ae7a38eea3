import { sameArticleKey } from "../records/canonical-url.js";
import { collapseSpace } from "../records/clean-text.js";
import type { ArticleRecord, FeedAuthor, FeedItem, FeedModel } from "../types.js";
import { VERSION } from "../version.js";

/** The site-level settings every feed of a build shares. */
export interface FeedContext {
  baseUrl: string;
  siteUrl: string;
  siteTitle: string;
  description?: string;
  language?: string;
  copyright?: string;
  author: FeedAuthor;
  /** Same-article keys of records that are not published: related links to them are left out. */
  hiddenUrls: ReadonlySet<string>;
  /** The shown name of each topic, by topic key, so every feed spells a topic the same way. */
  topicName: (name: string) => string;
  /** `updated` of a feed without items: the newest date of the build. */
  emptyUpdated: string;
}

/** What is particular to one feed. */
export interface FeedSpec {
  /** `""` for the site-wide feed. */
  slug: string;
  topic?: string;
  title?: string;
  description?: string;
  language?: string;
  /** The feed's web page (its home link); default the site URL. */
  homeUrl?: string;
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  svg: "image/svg+xml",
};

/**
 * Builds the format-neutral model of one feed from its selected, ordered records. `updated` is
 * the newest item date, never the clock.
 *
 * @param spec - slug, topic and overrides of this feed
 * @param records - the items, already selected, ordered and limited
 * @param ctx - the build's shared settings
 * @returns the model every renderer writes
 * @example
 * buildFeedModel({ slug: "ai", topic: "AI" }, records, ctx).urls.rss // "https://example.com/feeds/ai/rss.xml"
 */
export function buildFeedModel(spec: FeedSpec, records: readonly ArticleRecord[], ctx: FeedContext): FeedModel {
  const folder = spec.slug === "" ? ctx.baseUrl : `${ctx.baseUrl}${encodeURIComponent(spec.slug)}/`;
  const items = records.map((r) => buildItem(r, ctx));
  let updated = toSecond(ctx.emptyUpdated);
  if (items.length > 0) {
    updated = items.reduce(
      (max, i) => (Date.parse(i.updated) > Date.parse(max) ? i.updated : max),
      items[0]?.updated ?? updated,
    );
  }
  const title = spec.title ?? (spec.topic === undefined ? ctx.siteTitle : `${ctx.siteTitle}: ${spec.topic}`);
  const description =
    spec.description ??
    (spec.topic === undefined
      ? (ctx.description ?? `The newest articles from ${ctx.siteTitle}`)
      : `The newest articles on ${spec.topic} from ${ctx.siteTitle}`);
  const model: FeedModel = {
    slug: spec.slug,
    title: collapseSpace(title),
    description: collapseSpace(description),
    siteUrl: spec.homeUrl ?? ctx.siteUrl,
    id: folder,
    urls: { rss: `${folder}rss.xml`, atom: `${folder}atom.xml`, json: `${folder}feed.json` },
    author: ctx.author,
    updated,
    items,
    generator: { name: "topicfeeds", uri: "https://www.npmjs.com/package/topicfeeds", version: VERSION },
  };
  if (spec.topic !== undefined) model.topic = spec.topic;
  const language = spec.language ?? ctx.language;
  if (language !== undefined) model.language = language;
  if (ctx.copyright !== undefined) model.copyright = ctx.copyright;
  return model;
}

/**
 * An RFC 3339 UTC date to the second: RSS dates (RFC 822) have no fractions, so all three formats
 * publish whole seconds and say the same time.
 */
function toSecond(iso: string): string {
  const ms = Date.parse(iso);
  return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace(".000Z", "Z");
}

function buildItem(r: ArticleRecord, ctx: FeedContext): FeedItem {
  const published = toSecond(r.publishedDateTime);
  const modified = r.updatedDateTime === undefined ? undefined : toSecond(r.updatedDateTime);
  const updated = modified !== undefined && Date.parse(modified) > Date.parse(published) ? modified : published;
  // An item without a provider is by the feed's author in every format (Atom would inherit it anyway).
  let author: FeedAuthor = ctx.author;
  if (r.provider !== undefined) {
    author = { name: r.provider.name };
    if (r.provider.domain !== undefined) author.url = `https://${r.provider.domain}/`;
  }
  const authors: FeedAuthor[] = [author];
  const categories: string[] = [];
  for (const t of r.topics) {
    const name = ctx.topicName(t);
    if (!categories.includes(name)) categories.push(name);
  }
  const own = sameArticleKey(r.webUrl);
  const seen = new Set<string>();
  const related = r.related.filter((link) => {
    const key = sameArticleKey(link.url);
    if (key === own || ctx.hiddenUrls.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const item: FeedItem = {
    id: r.id,
    idIsLink: r.id === r.webUrl,
    title: r.title,
    link: r.webUrl,
    published,
    updated,
    authors,
    categories,
    related,
  };
  if (r.excerpt !== undefined) item.summary = r.excerpt;
  const img = r.images[0];
  if (img !== undefined) {
    const image: NonNullable<FeedItem["image"]> = { url: img.url };
    const ext = /\.([a-z0-9]+)$/i.exec(new URL(img.url).pathname)?.[1]?.toLowerCase();
    const type = ext === undefined ? undefined : IMAGE_TYPES[ext];
    if (type !== undefined) image.type = type;
    if (img.width !== undefined && img.height !== undefined) {
      image.width = img.width;
      image.height = img.height;
    }
    item.image = image;
  }
  return item;
}
