import { makeRecord } from "../records/normalize-record.js";
import type { DroppedSummary, Prefilter } from "../select/prefilter.js";
import type { ArticleRecord, Diagnostic } from "../types.js";

/** How a file looked when it was parsed: if any of these differ, it is parsed again. */
export type FileIdentity = [size: number, mtimeMs: number, ctimeMs: number, ino: number];

/** Whether two {@link FileIdentity} values are the same. */
export function sameIdentities(a: FileIdentity, b: FileIdentity): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** A record as an array in a fixed order: compact to send between threads and to cache. */
export type RecordRow = [
  id: string,
  title: string,
  excerpt: string | null,
  published: string,
  updated: string | null,
  webUrl: string,
  originalUrl: string | 0,
  category: string | null,
  type: string | null,
  quality: number | null,
  heat: number | null,
  isPublished: 0 | 1,
  provider: [string, string | null] | 0,
  topics: string[],
  images: [string, number | null, number | null][],
  related: [string, string][],
  source: string | null,
];

/**
 * A record a prefilter set aside: the rule, its hidden URL keys, its topics and date if visible.
 * With the rule `""`, a rejected record whose URLs are hidden (it counts as rejected, not dropped).
 */
export type DropRow = [rule: string, hiddenKeys: string[], topics: string[], newest: string | null];

/** What one record file came to: kept (a row), set aside (a drop row), or rejected (neither). */
export type FileOutcome = [
  identity: FileIdentity,
  diagnostics: Diagnostic[] | 0,
  record: RecordRow | 0,
  drop: DropRow | 0,
];

/**
 * A table of the short strings many records repeat (topic names, providers, categories, types,
 * rule names): {@link internOutcome} makes the records that repeat one share one copy. Bounded:
 * once full, further strings are kept as they are.
 */
export interface InternTable {
  strings: Map<string, string>;
}

/** A new, empty {@link InternTable}. */
export function internTable(): InternTable {
  return { strings: new Map() };
}

const MAX_INTERNED = 50_000;
// Drop rows are never added to: the many without hidden keys or topics share one empty list.
const NO_STRINGS = Object.freeze([]) as unknown as string[];
const MAX_INTERNED_LENGTH = 120;

function intern(t: InternTable, s: string): string {
  if (s.length > MAX_INTERNED_LENGTH) return s;
  const found = t.strings.get(s);
  if (found !== undefined) return found;
  if (t.strings.size < MAX_INTERNED) t.strings.set(s, s);
  return s;
}

/**
 * Makes the repeated strings of an outcome's record row and drop row the table's copies, in
 * place (the values are unchanged: only which copy of each string is held).
 *
 * @example
 * const t = internTable();
 * internOutcome(outcome, t); // outcome[2][13] (topics) now share their strings with other records'
 */
export function internOutcome(outcome: FileOutcome, t: InternTable): void {
  const row = outcome[2];
  if (row !== 0) {
    // A record's id is its web URL unless an id lock or the record says otherwise: one copy.
    if (row[0] === row[5]) row[0] = row[5];
    if (row[7] !== null) row[7] = intern(t, row[7]);
    if (row[8] !== null) row[8] = intern(t, row[8]);
    const provider = row[12];
    if (provider !== 0) {
      provider[0] = intern(t, provider[0]);
      if (provider[1] !== null) provider[1] = intern(t, provider[1]);
    }
    const topics = row[13];
    for (let i = 0; i < topics.length; i++) topics[i] = intern(t, topics[i] as string);
  }
  const drop = outcome[3];
  if (drop !== 0) {
    drop[0] = intern(t, drop[0]);
    if (drop[1].length === 0) drop[1] = NO_STRINGS;
    if (drop[2].length === 0) drop[2] = NO_STRINGS;
    const topics = drop[2];
    for (let i = 0; i < topics.length; i++) topics[i] = intern(t, topics[i] as string);
  }
}

/** Encodes a record as a {@link RecordRow}. */
export function encodeRecord(r: ArticleRecord): RecordRow {
  return [
    r.id,
    r.title,
    r.excerpt ?? null,
    r.publishedDateTime,
    r.updatedDateTime ?? null,
    r.webUrl,
    r.originalUrl === r.webUrl ? 0 : r.originalUrl,
    r.category ?? null,
    r.type ?? null,
    r.quality ?? null,
    r.heat ?? null,
    r.published ? 1 : 0,
    r.provider === undefined ? 0 : [r.provider.name, r.provider.domain ?? null],
    r.topics,
    r.images.map((i) => [i.url, i.width ?? null, i.height ?? null]),
    r.related.map((l) => [l.title, l.url]),
    r.source ?? null,
  ];
}

/** Decodes a {@link RecordRow} into a record of the one shared shape. */
export function decodeRecord(row: RecordRow): ArticleRecord {
  const [
    id,
    title,
    excerpt,
    published,
    updated,
    webUrl,
    originalUrl,
    category,
    type,
    quality,
    heat,
    isPublished,
    provider,
    topics,
    images,
    related,
    source,
  ] = row;
  return makeRecord({
    id,
    title,
    excerpt: excerpt ?? undefined,
    publishedDateTime: published,
    updatedDateTime: updated ?? undefined,
    webUrl,
    originalUrl: originalUrl === 0 ? webUrl : originalUrl,
    category: category ?? undefined,
    type: type ?? undefined,
    quality: quality ?? undefined,
    heat: heat ?? undefined,
    published: isPublished === 1,
    provider:
      provider === 0
        ? undefined
        : provider[1] === null
          ? { name: provider[0] }
          : { name: provider[0], domain: provider[1] },
    topics,
    images: images.map(([url, width, height]) =>
      width === null || height === null ? { url } : { url, width, height },
    ),
    related: related.map(([t, url]) => ({ title: t, url })),
    source: source ?? undefined,
  });
}

/** The {@link DropRow} of a record the prefilter sets aside. */
export function dropRow(prefilter: Prefilter, r: ArticleRecord, rule: string): DropRow {
  const s: DroppedSummary = { byRule: {}, hiddenKeys: [], topicSpellings: {} };
  prefilter.summarize(r, rule, s);
  return [rule, s.hiddenKeys, Object.keys(s.topicSpellings), s.newest ?? null];
}

/** Adds a {@link DropRow} to a summary; its hidden keys go to `keys` (the summary's by default). */
export function addDropRow(
  summary: DroppedSummary,
  [rule, hidden, topics, newest]: DropRow,
  keys: { push(key: string): unknown } = summary.hiddenKeys,
): void {
  summary.byRule[rule] = (summary.byRule[rule] ?? 0) + 1;
  for (const k of hidden) keys.push(k);
  for (const t of topics) summary.topicSpellings[t] = (summary.topicSpellings[t] ?? 0) + 1;
  if (newest !== null && (summary.newest === undefined || Date.parse(newest) > Date.parse(summary.newest)))
    summary.newest = newest;
}
