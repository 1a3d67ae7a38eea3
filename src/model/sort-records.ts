import type { ArticleRecord } from "../types.js";

/**
 * The one total order of feed items: newest first by `published` (or by `updated`, falling back
 * to `published`), ties broken by id, so output never depends on input order.
 *
 * @example
 * records.sort(compareRecords("published"))
 */
export function compareRecords(by: "published" | "updated" = "published"): (a: ArticleRecord, b: ArticleRecord) => number {
  return (a, b) => {
    const ka = by === "updated" ? (a.updatedDateTime ?? a.publishedDateTime) : a.publishedDateTime;
    const kb = by === "updated" ? (b.updatedDateTime ?? b.publishedDateTime) : b.publishedDateTime;
    const ta = Date.parse(ka);
    const tb = Date.parse(kb);
    if (ta !== tb) return tb - ta;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}
