import type { ArticleRecord } from "../types.js";

/**
 * The hydrate stage of a build: completes the items of the feeds being rendered (lean records lack
 * excerpt, images and related links), calling `hydrate` once with all of them, and returns
 * the complete version of each. Without `hydrate` records are complete already.
 *
 * @param chosen - the items of the feeds being rendered (the render stage asks, once)
 * @param hydrate - completes records, answering in the order asked
 * @returns the complete record of a chosen one
 * @example
 * const full = hydrateFeeds(items, scan.hydrate); full(record).excerpt
 */
export function hydrateFeeds(
  chosen: Iterable<ArticleRecord>,
  hydrate?: (records: ArticleRecord[]) => ArticleRecord[],
): (record: ArticleRecord) => ArticleRecord {
  if (hydrate === undefined) return (r) => r;
  const list = [...chosen];
  const hydrated = hydrate(list);
  const map = new Map(list.map((r, i) => [r, hydrated[i] ?? r]));
  return (r) => map.get(r) ?? r;
}
