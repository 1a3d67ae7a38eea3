import { makeRecord } from "../records/normalize-record.js";
import type { ArticleRecord } from "../types.js";

/**
 * Drops the fields that only matter once a record is rendered (excerpt, images, related links),
 * so a 100,000-record build keeps little more than what selection needs. `hydrate` restores them
 * for the few records that reach a feed.
 *
 * @example
 * leanRecord(record).excerpt // undefined
 */
export function leanRecord(r: ArticleRecord): ArticleRecord {
  return makeRecord({ ...r, excerpt: undefined, images: [], related: [] });
}
