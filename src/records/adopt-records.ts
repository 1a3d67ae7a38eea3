import type { ArticleRecord, Diagnostic, RecordInput } from "../types.js";
import { makeRecord, normalizeRecord } from "./normalize-record.js";

/** What {@link adoptRecords} returns: records ready to select, and what normalising the others found. */
export interface AdoptedRecords {
  records: ArticleRecord[];
  diagnostics: Diagnostic[];
  /** Records that were not normalised yet and were rejected now. */
  rejected: number;
  /** Same-article keys of the newly rejected drafts (related links to them are left out). */
  hiddenKeys: string[];
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const HTTP = /^https?:\/\/\S+$/;

/**
 * Makes sure every record handed to `buildFeeds` has the shape the renderers rely on. A record
 * that already has it (from `loadRecords`, `normalizeRecords`, or built by hand with every
 * field right) is kept as it is; anything else (a plain object from code in JavaScript, a record
 * edited into a wrong type) is normalised like `normalizeRecords` would, so a bad one becomes a
 * diagnostic naming it `records[i]` (or its `source`) instead of a TypeError deep in a renderer.
 *
 * @param input - records or plain objects
 * @returns the records, the diagnostics of those normalised now, and how many were rejected
 * @example
 * adoptRecords([{ title: "Hi", webUrl: "https://a.com/x", publishedDateTime: "2024-01-01T00:00:00Z", published: true }]).records[0].id
 * // "https://a.com/x"
 */
export function adoptRecords(input: readonly (ArticleRecord | RecordInput)[]): AdoptedRecords {
  const records: ArticleRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  const hiddenKeys: string[] = [];
  let rejected = 0;
  for (let i = 0; i < input.length; i++) {
    const r = input[i];
    if (isArticleRecord(r)) {
      records.push(r);
      continue;
    }
    const source = isObject(r) && typeof r.source === "string" && r.source !== "" ? r.source : `records[${i}]`;
    const result = normalizeRecord(r, { file: source });
    for (const d of result.diagnostics) diagnostics.push(d);
    if (result.hiddenKeys !== undefined) for (const k of result.hiddenKeys) hiddenKeys.push(k);
    if (result.record === undefined) rejected++;
    else records.push(makeRecord(result.record));
  }
  return { records, diagnostics, rejected, hiddenKeys };
}

/**
 * Whether a value has every field of an {@link ArticleRecord} with the right type (dates in UTC
 * RFC 3339, URLs absolute http(s)). Cheap: no URL or date parsing.
 *
 * @example
 * isArticleRecord({ title: "Hi" }) // false
 */
export function isArticleRecord(v: unknown): v is ArticleRecord {
  if (!isObject(v)) return false;
  const r = v as Partial<Record<keyof ArticleRecord, unknown>>;
  return (
    typeof r.id === "string" &&
    r.id !== "" &&
    typeof r.title === "string" &&
    optional(r.excerpt, "string") &&
    typeof r.publishedDateTime === "string" &&
    ISO_UTC.test(r.publishedDateTime) &&
    (r.updatedDateTime === undefined || (typeof r.updatedDateTime === "string" && ISO_UTC.test(r.updatedDateTime))) &&
    typeof r.webUrl === "string" &&
    HTTP.test(r.webUrl) &&
    typeof r.originalUrl === "string" &&
    HTTP.test(r.originalUrl) &&
    optional(r.category, "string") &&
    optional(r.type, "string") &&
    (r.quality === undefined || Number.isFinite(r.quality)) &&
    (r.heat === undefined || Number.isFinite(r.heat)) &&
    typeof r.published === "boolean" &&
    (r.provider === undefined ||
      (isObject(r.provider) && typeof r.provider.name === "string" && optional(r.provider.domain, "string"))) &&
    Array.isArray(r.topics) &&
    r.topics.every((t) => typeof t === "string") &&
    Array.isArray(r.images) &&
    r.images.every(
      (m) =>
        isObject(m) &&
        typeof m.url === "string" &&
        HTTP.test(m.url) &&
        (m.width === undefined || Number.isFinite(m.width)) &&
        (m.height === undefined || Number.isFinite(m.height)),
    ) &&
    Array.isArray(r.related) &&
    r.related.every(
      (l) => isObject(l) && typeof l.title === "string" && typeof l.url === "string" && HTTP.test(l.url),
    ) &&
    optional(r.source, "string")
  );
}

function optional(v: unknown, type: "string"): boolean {
  return v === undefined || typeof v === type;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
