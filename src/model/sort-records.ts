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
    const ta = sortTime(a, by);
    const tb = sortTime(b, by);
    if (ta !== tb) return tb - ta;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/**
 * Sorts records in place in the order of {@link compareRecords}, parsing each date once.
 *
 * @example
 * sortRecords(records, "published")
 */
export function sortRecords(records: ArticleRecord[], by: "published" | "updated" = "published"): ArticleRecord[] {
  const keyed = records.map((r) => ({ r, t: sortTime(r, by) }));
  keyed.sort((a, b) => (a.t !== b.t ? b.t - a.t : a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) records[i] = (keyed[i] as { r: ArticleRecord }).r;
  return records;
}

function sortTime(r: ArticleRecord, by: "published" | "updated"): number {
  return Date.parse(by === "updated" ? (r.updatedDateTime ?? r.publishedDateTime) : r.publishedDateTime);
}
