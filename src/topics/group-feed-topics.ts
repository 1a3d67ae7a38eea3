import type { DroppedSummary } from "../select/prefilter.js";
import type { ResolvedRules } from "../select/resolve-rules.js";
import type { ArticleRecord, Diagnostic, FeedsConfig } from "../types.js";
import { groupByTopic, type Topic } from "./group-by-topic.js";

/** What {@link groupFeedTopics} returns. */
export interface FeedTopics {
  /** The records the public may see (all of them when the rules do not filter on `published`). */
  visible: ArticleRecord[];
  /** The topics that get a feed, by slug. */
  topics: Topic[];
  /** Every topic's shown name by topic key, including topics left out by `includeTopics`/`excludeTopics`. */
  nameOf: Map<string, string>;
  diagnostics: Diagnostic[];
}

/**
 * The group stage of a build: the topics that get a feed. Topics come from the records the
 * public may see (a topic used only by drafts gets no feed), plus the topics of records a
 * prefilter set aside, plus those named in the config; `includeTopics`/`excludeTopics` apply.
 *
 * @param records - the build's records
 * @param global - the site-wide rules
 * @param config - the config (its `topics`)
 * @param dropped - what a prefilter set aside, if anything
 * @returns visible records, topics with a feed, topic names, diagnostics
 * @example
 * groupFeedTopics(records, resolveBuildRules(config).global, config).topics.map((t) => t.slug)
 */
export function groupFeedTopics(
  records: ArticleRecord[],
  global: ResolvedRules,
  config: FeedsConfig,
  dropped?: DroppedSummary,
): FeedTopics {
  const publishedFilter = global.filters.find((f) => f.name === "published");
  const visible = publishedFilter === undefined ? records : records.filter(publishedFilter.keep);
  const grouped = groupByTopic(visible, config.topics ?? {}, dropped?.topicSpellings);
  const topics = grouped.topics.filter(
    (t) => !global.excludeTopics?.has(t.key) && (global.includeTopics === undefined || global.includeTopics.has(t.key)),
  );
  const nameOf = new Map(grouped.topics.map((t) => [t.key, t.name]));
  return { visible, topics, nameOf, diagnostics: grouped.diagnostics };
}
