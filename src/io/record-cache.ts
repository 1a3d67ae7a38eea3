import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeRecord } from "../records/normalize-record.js";
import type { ArticleRecord, Diagnostic } from "../types.js";
import { VERSION } from "../version.js";
import { writeFiles } from "./write-files.js";

/** How a file looked when it was parsed: if any of these differ, the file is parsed again. */
export type FileIdentity = [size: number, mtimeMs: number, ctimeMs: number, ino: number];

/** What the cache remembers per record file. */
export interface CacheEntry {
  identity: FileIdentity;
  record?: ArticleRecord;
  diagnostics: Diagnostic[];
}

const FILE = "records-v1.json";

/**
 * Reads the record cache. Returns undefined when there is none, or when it was written by
 * another topicfeeds version or for another config (`key`), or when its checksum does not
 * match: a corrupt or stale cache is ignored, never trusted.
 *
 * @param dir - the cache folder
 * @param key - a hash of everything that shapes parsed records (config, version, options)
 * @returns the entries by absolute file path, and why the cache was not used
 */
export function readRecordCache(dir: string, key: string): { entries?: Map<string, CacheEntry>; note: string } {
  let text: string;
  try {
    text = readFileSync(join(dir, FILE), "utf8");
  } catch {
    return { note: "no cache yet" };
  }
  const nl = text.indexOf("\n");
  let header: { format?: string; version?: string; key?: string; checksum?: string };
  try {
    header = JSON.parse(text.slice(0, nl));
  } catch {
    return { note: "cache ignored: unreadable header" };
  }
  const body = text.slice(nl + 1);
  if (header.format !== "topicfeeds-record-cache" || header.version !== VERSION) return { note: "cache ignored: written by another version" };
  if (header.key !== key) return { note: "cache ignored: config or options changed" };
  if (header.checksum !== checksum(body)) return { note: "cache ignored: checksum mismatch (corrupt)" };
  try {
    const rows = JSON.parse(body) as [string, FileIdentity, RecordRow | 0, Diagnostic[] | 0][];
    const entries = new Map<string, CacheEntry>();
    for (const [path, identity, row, diagnostics] of rows) {
      const e: CacheEntry = { identity, diagnostics: diagnostics === 0 ? [] : diagnostics };
      if (row !== 0) e.record = decodeRecord(row);
      entries.set(path, e);
    }
    return { entries, note: "cache used" };
  } catch {
    return { note: "cache ignored: unreadable body" };
  }
}

/**
 * Writes the record cache atomically (temporary file, then rename), with a checksum.
 *
 * @param dir - the cache folder (created if missing)
 * @param key - as for {@link readRecordCache}
 * @param entries - by absolute file path, in file order
 */
export function writeRecordCache(dir: string, key: string, entries: Iterable<[string, CacheEntry]>): void {
  const rows: unknown[] = [];
  for (const [path, e] of entries) rows.push([path, e.identity, e.record === undefined ? 0 : encodeRecord(e.record), e.diagnostics.length === 0 ? 0 : e.diagnostics]);
  const body = JSON.stringify(rows);
  const header = JSON.stringify({ format: "topicfeeds-record-cache", version: VERSION, key, checksum: checksum(body) });
  mkdirSync(dir, { recursive: true });
  writeFiles(dir, [{ path: FILE, contents: `${header}\n${body}` }]);
}

/** A short hash of any JSON-able value, for cache keys. */
export function hashKey(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value, (_k, v: unknown) => (typeof v === "function" ? String(v) : v))).digest("hex").slice(0, 32);
}

// Records are stored as arrays in a fixed order: smaller and faster to parse than objects, and
// decoded through makeRecord so every cached record has the one shared shape.
type RecordRow = [
  id: string, title: string, excerpt: string | null, published: string, updated: string | null, webUrl: string, originalUrl: string | 0,
  category: string | null, type: string | null, quality: number | null, heat: number | null, isPublished: 0 | 1,
  provider: [string, string | null] | 0, topics: string[], images: [string, number | null, number | null][], related: [string, string][], source: string | null,
];

function encodeRecord(r: ArticleRecord): RecordRow {
  return [
    r.id, r.title, r.excerpt ?? null, r.publishedDateTime, r.updatedDateTime ?? null, r.webUrl, r.originalUrl === r.webUrl ? 0 : r.originalUrl,
    r.category ?? null, r.type ?? null, r.quality ?? null, r.heat ?? null, r.published ? 1 : 0,
    r.provider === undefined ? 0 : [r.provider.name, r.provider.domain ?? null], r.topics,
    r.images.map((i) => [i.url, i.width ?? null, i.height ?? null]), r.related.map((l) => [l.title, l.url]), r.source ?? null,
  ];
}

function decodeRecord(row: RecordRow): ArticleRecord {
  const [id, title, excerpt, published, updated, webUrl, originalUrl, category, type, quality, heat, isPublished, provider, topics, images, related, source] = row;
  return makeRecord({
    id, title, excerpt: excerpt ?? undefined, publishedDateTime: published, updatedDateTime: updated ?? undefined, webUrl,
    originalUrl: originalUrl === 0 ? webUrl : originalUrl, category: category ?? undefined, type: type ?? undefined,
    quality: quality ?? undefined, heat: heat ?? undefined, published: isPublished === 1,
    provider: provider === 0 ? undefined : provider[1] === null ? { name: provider[0] } : { name: provider[0], domain: provider[1] },
    topics,
    images: images.map(([url, width, height]) => (width === null || height === null ? { url } : { url, width, height })),
    related: related.map(([t, url]) => ({ title: t, url })),
    source: source ?? undefined,
  });
}

function checksum(body: string): string {
  return createHash("sha1").update(body).digest("hex");
}
