import type { ArticleRecord } from "../types.js";
import { topicKey } from "./slug.js";

/**
 * The bucket stage of a build: the selected records of each topic key, in feed order, from one
 * pass over the site-wide selection (topics without rules of their own take their feed from it).
 *
 * @param kept - selected records in feed order
 * @param keysOf - a record's topic keys, one per topic it names (a driver that keeps them passes its own)
 * @returns records by topic key, each list in feed order
 * @example
 * bucketByTopic(selection.kept).get("ai")?.length
 */
export function bucketByTopic(
  kept: readonly ArticleRecord[],
  keysOf: (record: ArticleRecord) => readonly string[] = (r) => r.topics.map(topicKey),
): Map<string, ArticleRecord[]> {
  const byTopic = new Map<string, ArticleRecord[]>();
  for (const r of kept) {
    for (const k of keysOf(r)) {
      const list = byTopic.get(k);
      if (list === undefined) byTopic.set(k, [r]);
      // A record naming one topic in two spellings is listed once.
      else if (list[list.length - 1] !== r) list.push(r);
    }
  }
  return byTopic;
}
