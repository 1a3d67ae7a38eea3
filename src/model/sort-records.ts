import type { ArticleRecord } from "../types.js";

/**
 * The one total order of feed items: newest first by `published` (or by `updated`, falling back
 * to `published`), ties broken by id (then file, title, URLs), so output never depends on input order.
 *
 * @example
 * records.sort(compareRecords("published"))
 */
export function compareRecords(
  by: "published" | "updated" = "published",
): (a: ArticleRecord, b: ArticleRecord) => number {
  return (a, b) => {
    const ta = sortTime(a, by);
    const tb = sortTime(b, by);
    if (ta !== tb) return tb - ta;
    return tieBreak(a, b);
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
  keyed.sort((a, b) => (a.t !== b.t ? b.t - a.t : tieBreak(a.r, b.r)));
  for (let i = 0; i < keyed.length; i++) records[i] = (keyed[i] as { r: ArticleRecord }).r;
  return records;
}

/**
 * Sorts records oldest first by `published`, ties in the same order as {@link sortRecords}: the
 * order in which de-duplication meets copies (the first is the one kept).
 *
 * @example
 * sortOldestFirst([...records])[0] // the earliest record
 */
export function sortOldestFirst(records: ArticleRecord[]): ArticleRecord[] {
  const keyed = records.map((r) => ({ r, t: sortTime(r, "published") }));
  keyed.sort((a, b) => (a.t !== b.t ? a.t - b.t : tieBreak(a.r, b.r)));
  for (let i = 0; i < keyed.length; i++) records[i] = (keyed[i] as { r: ArticleRecord }).r;
  return records;
}

function sortTime(r: ArticleRecord, by: "published" | "updated"): number {
  return Date.parse(by === "updated" ? (r.updatedDateTime ?? r.publishedDateTime) : r.publishedDateTime);
}

// Same time: by id, then by file, title and URLs, so that which of two copies wins (and what the
// report says about the other) never depends on the order records arrived in.
function tieBreak(a: ArticleRecord, b: ArticleRecord): number {
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  const sa = a.source ?? "";
  const sb = b.source ?? "";
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (a.title !== b.title) return a.title < b.title ? -1 : 1;
  if (a.originalUrl !== b.originalUrl) return a.originalUrl < b.originalUrl ? -1 : 1;
  if (a.webUrl !== b.webUrl) return a.webUrl < b.webUrl ? -1 : 1;
  return 0;
}
