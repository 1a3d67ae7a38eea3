import { diagnostic } from "../diagnostics/diagnostic.js";
import type { FeedSpec } from "../model/build-feed-model.js";
import type { Topic } from "../topics/group-by-topic.js";
import type { ArchiveConfig, ArticleRecord, Diagnostic, FeedsConfig } from "../types.js";
import type { BuildRules } from "./resolve-build-rules.js";
import { resolveTopicRules } from "./resolve-build-rules.js";
import type { ResolvedRules } from "./resolve-rules.js";
import type { Selection } from "./select-records.js";
import { selectRecords } from "./select-records.js";

/** One feed of a build: what is particular to it and its items in feed order. */
export interface FeedItems {
  spec: FeedSpec;
  items: ArticleRecord[];
  /** RFC 5005 archive page size, when archives are on for this feed (then `items` holds every selected record). */
  pageSize?: number;
}

/** How {@link takeFeeds} gets the rules and the selection of a topic with rules of its own. */
export interface OwnSelection {
  rules: (topic: Topic) => ResolvedRules;
  kept: (topic: Topic, rules: ResolvedRules) => ArticleRecord[];
}

/**
 * The take stage of a build: each feed's items. The site-wide feed (unless `siteFeeds: false`)
 * takes the site-wide selection; a topic takes its bucket, or, when it has rules of its own,
 * selects from its records under them. Without archives a feed keeps the newest `limit`; with
 * archives every selected item (the subscription document holds the newest `pageSize` of them,
 * archive pages the rest).
 *
 * @param rules - the site-wide rules
 * @param selection - the site-wide selection
 * @param topics - topics with a feed
 * @param byTopic - the site-wide selection by topic key
 * @param config - the config (`siteFeeds`)
 * @param own - for a long-running driver that keeps them: a topic's compiled rules, and its
 *   selection under them (default: compiled and selected from `topic.records` here)
 * @returns the feeds and an `empty-feed` warning per topic
 *   without items (it gets no feed) naming the rules its records all fail
 * @example
 * takeFeeds(rules, selection, topics, bucketByTopic(selection.kept), config).feeds.map((f) => f.spec.slug) // ["", "ai", "cloud"]
 */
export function takeFeeds(
  rules: BuildRules,
  selection: Selection,
  topics: readonly Topic[],
  byTopic: ReadonlyMap<string, ArticleRecord[]>,
  config: FeedsConfig,
  own: OwnSelection = {
    rules: (topic) => resolveTopicRules(rules, topic.config.select ?? []),
    kept: (topic, topicRules) => selectRecords(topic.records, topicRules).kept,
  },
): { feeds: FeedItems[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const feeds: FeedItems[] = [];
  const take = (kept: ArticleRecord[], limit: number, archive: ArchiveConfig | undefined, spec: FeedSpec) => {
    const pageSize = archive === undefined || archive === false ? undefined : archivePageSize(archive, limit);
    const items = pageSize === undefined ? kept.slice(0, limit) : kept;
    feeds.push(pageSize === undefined ? { spec, items } : { spec, items, pageSize });
  };
  if (config.siteFeeds !== false) take(selection.kept, rules.global.limit, config.archive, { slug: "" });
  for (const topic of topics) {
    let kept: ArticleRecord[];
    let limit = rules.global.limit;
    let topicRules: ResolvedRules | undefined;
    if (topic.config.select !== undefined && topic.config.select.length > 0) {
      topicRules = own.rules(topic);
      kept = own.kept(topic, topicRules);
      limit = topicRules.limit;
    } else {
      kept = byTopic.get(topic.key) ?? [];
    }
    const spec: FeedSpec = { slug: topic.slug, topic: topic.name };
    if (topic.config.title !== undefined) spec.title = topic.config.title;
    if (topic.config.description !== undefined) spec.description = topic.config.description;
    if (topic.config.language !== undefined) spec.language = topic.config.language;
    // The topic's own page on the site, when the config names one.
    if (config.topicUrl !== undefined)
      spec.homeUrl = new URL(config.topicUrl.replaceAll("{slug}", encodeURIComponent(topic.slug))).href;
    take(kept, limit, topic.config.archive ?? config.archive, spec);
    const archived = (topic.config.archive ?? config.archive ?? false) !== false;
    if (kept.length === 0 || (limit === 0 && !archived))
      diagnostics.push(emptyFeedDiagnostic(topic, topicRules ?? rules.global));
  }
  return { feeds, diagnostics };
}

// A topic without items (it gets no feed) says why: which rules its records all failed. The counts per rule
// are the report's `droppedBy`; per topic they are not known when a prefilter set records aside
// while reading, and the report must not depend on whether one did.
function emptyFeedDiagnostic(topic: Topic, rules: ResolvedRules): Diagnostic {
  const names = rules.filters.map((f) => f.name);
  const why =
    rules.limit === 0
      ? "its limit is 0"
      : `none of its records passes the rules ${names.join(", ")} (drops by rule are counted in the summary)`;
  return diagnostic("empty-feed", `topic ${JSON.stringify(topic.name)} gets no feed (${topic.slug}/): ${why}`, {
    field: `topics[${JSON.stringify(topic.name)}]`,
  });
}

// RFC 5005 archive page size: the configured one, else the feed's limit (at least one item).
function archivePageSize(archive: true | { pageSize?: number }, limit: number): number {
  return (archive === true ? undefined : archive.pageSize) ?? Math.max(1, limit);
}
