import type { RecordSet } from "../build.js";
import { sameArticleKey } from "../records/canonical-url.js";
import { topicKey } from "../topics/slug.js";
import type { ArticleRecord, FeedsConfig } from "../types.js";
import { hiddenName, nameHidden } from "./_hidden-names.js";
import { HiddenSet, hiddenKeysTable } from "./_hidden-set.js";
import type { FeedContext } from "./build-feed-model.js";

/**
 * The context stage of a build: the settings every feed shares. URLs and titles come from the
 * config; hidden URLs (related links to them are left out) from every unpublished record, read
 * or set aside; the `updated` of an empty feed from the newest date the public may see.
 *
 * @param config - a validated config
 * @param set - the record set (what a prefilter set aside, rejected drafts' URLs)
 * @param records - the build's records
 * @param visible - the records the public may see
 * @param nameOf - every topic's shown name by key
 * @returns the shared feed context
 * @example
 * buildFeedContext(config, set, set.records, set.records, new Map()).baseUrl // "https://example.com/feeds/"
 */
export function buildFeedContext(
  config: FeedsConfig,
  set: RecordSet,
  records: readonly ArticleRecord[],
  visible: readonly ArticleRecord[],
  nameOf: ReadonlyMap<string, string>,
): FeedContext {
  // (Over the table of a saved set's hidden keys, when the scan handed one on: no string per key.)
  const table = set.dropped === undefined ? undefined : hiddenKeysTable(set.dropped);
  const dropped = set.dropped;
  const hidden =
    table === undefined || dropped === undefined
      ? new Set<string>(set.dropped?.hiddenKeys)
      : new HiddenSet(table, () => dropped.hiddenKeys);
  // (A scan names the hidden keys of a set it hands on: the records' unpublished URLs are part of that.)
  const name = set.dropped === undefined ? undefined : hiddenName(set.dropped);
  if (name !== undefined) nameHidden(hidden, name);
  for (const k of set.hiddenKeys ?? []) hidden.add(k);
  for (const r of records) {
    if (!r.published) {
      hidden.add(sameArticleKey(r.webUrl));
      hidden.add(sameArticleKey(r.originalUrl));
    }
  }
  let newest = set.dropped?.newest ?? "1970-01-01T00:00:00Z";
  let newestMs = Date.parse(newest);
  for (const r of visible) {
    const d = newestDate(r);
    const ms = Date.parse(d);
    if (ms > newestMs) {
      newest = d;
      newestMs = ms;
    }
  }
  return feedContext(config, hidden, newest, nameOf);
}

/** A record's newest date: `updated` when later than `published`, else `published`. */
export function newestDate(r: ArticleRecord): string {
  return r.updatedDateTime !== undefined && r.updatedDateTime > r.publishedDateTime
    ? r.updatedDateTime
    : r.publishedDateTime;
}

/**
 * The second half of {@link buildFeedContext}: the context from the config and what the records
 * came to (a long-running driver keeps those up to date and calls only this).
 *
 * @param config - a validated config
 * @param hidden - same-article keys of unpublished records (related links to them are left out)
 * @param newest - the newest date the public may see (the `updated` of an empty feed)
 * @param nameOf - every topic's shown name by key
 * @returns the shared feed context
 * @example
 * feedContext(config, new Set(), "2024-01-01T00:00:00Z", new Map()).siteTitle // "example.com"
 */
export function feedContext(
  config: FeedsConfig,
  hidden: ReadonlySet<string>,
  newest: string,
  nameOf: ReadonlyMap<string, string>,
): FeedContext {
  const baseUrl = withSlash(new URL(config.baseUrl).href);
  const siteUrl = config.siteUrl !== undefined ? new URL(config.siteUrl).href : `${new URL(baseUrl).origin}/`;
  const siteTitle = config.title ?? new URL(siteUrl).hostname;
  const ctx: FeedContext = {
    baseUrl,
    siteUrl,
    siteTitle,
    author: config.author ?? { name: siteTitle, url: siteUrl },
    hiddenUrls: hidden,
    topicName: (name) => nameOf.get(topicKey(name)) ?? name,
    emptyUpdated: newest,
  };
  if (config.description !== undefined) ctx.description = config.description;
  if (config.language !== undefined) ctx.language = config.language;
  if (config.copyright !== undefined) ctx.copyright = config.copyright;
  return ctx;
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
