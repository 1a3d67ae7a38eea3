import type { RecordSet } from "../build.js";
import type { ArticleRecord, Diagnostic, RecordInput } from "../types.js";
import { adoptRecords } from "./adopt-records.js";

/**
 * The adopt stage of a build: turns what `buildFeeds` was given (a record set, records, or plain
 * objects) into one {@link RecordSet} of records with the shape the renderers rely on, and the
 * diagnostics so far (the set's own, then those of records normalised now).
 *
 * @param input - a record set or a list of records / plain objects
 * @returns the record set and its diagnostics
 * @example
 * adoptRecordSet([{ title: "Hi", webUrl: "https://a.com/x", publishedDateTime: "2024-01-01T00:00:00Z", published: true }]).set.records.length // 1
 */
export function adoptRecordSet(input: RecordSet | readonly (ArticleRecord | RecordInput)[]): {
  set: RecordSet;
  diagnostics: Diagnostic[];
} {
  const list = Array.isArray(input);
  const given: RecordSet = list
    ? { records: [], diagnostics: [], read: input.length, rejected: 0 }
    : (input as RecordSet);
  // Plain objects from code, or records edited into a wrong shape: normalised here, so a bad one is
  // a diagnostic, never a TypeError in a renderer.
  const adopted = adoptRecords(list ? (input as readonly (ArticleRecord | RecordInput)[]) : given.records);
  const set: RecordSet = { ...given, records: adopted.records, rejected: given.rejected + adopted.rejected };
  if (adopted.hiddenKeys.length > 0) set.hiddenKeys = [...(given.hiddenKeys ?? []), ...adopted.hiddenKeys];
  return { set, diagnostics: [...given.diagnostics, ...adopted.diagnostics] };
}
