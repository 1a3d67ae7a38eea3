import type { RecordSet } from "../build.js";
import type { ArticleRecord, Diagnostic, RecordInput } from "../types.js";
import { normalizeRecord } from "./normalize-record.js";

/**
 * Normalises records given as plain objects from code, e.g. from a CMS API. Bad records are
 * rejected with diagnostics that name them `records[i]` (or `label(i)`); the rest are returned.
 *
 * @param inputs - plain objects with the record fields
 * @param label - how diagnostics name record `i`; default `records[i]`
 * @returns a {@link RecordSet} for {@link buildFeeds}
 * @example
 * const set = normalizeRecords([{ title: "Hi", webUrl: "https://a.com/x", publishedDateTime: "2024-01-01T00:00:00Z", published: true }]);
 * buildFeeds(set, { baseUrl: "https://a.com/feeds/" });
 */
export function normalizeRecords(
  inputs: Iterable<RecordInput>,
  label: (i: number) => string = (i) => `records[${i}]`,
): RecordSet {
  const records: ArticleRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  let read = 0;
  const hiddenKeys: string[] = [];
  let rejected = 0;
  for (const input of inputs) {
    const result = normalizeRecord(input, { file: label(read) });
    read++;
    diagnostics.push(...result.diagnostics);
    if (result.hiddenKeys !== undefined) hiddenKeys.push(...result.hiddenKeys);
    if (result.record === undefined) rejected++;
    else records.push(result.record);
  }
  const set: RecordSet = { records, diagnostics, read, rejected };
  if (hiddenKeys.length > 0) set.hiddenKeys = hiddenKeys;
  return set;
}
