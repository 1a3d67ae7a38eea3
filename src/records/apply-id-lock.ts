import { diagnostic } from "../diagnostics/diagnostic.js";
import type { ArticleRecord, Diagnostic, IdLock } from "../types.js";
import { makeRecord } from "./normalize-record.js";

/**
 * The keys under which a record is remembered in an id lock: its web and original URLs without
 * scheme, `www.`, fragment, `utm_*` parameters or trailing slash, and its provider + title +
 * publication date, so an article whose URL moves (http→https, a trailing slash, a new slug) is
 * still recognised.
 *
 * @example
 * lockKeys(record) // ["u:example.com/a", "t:example.com|a title|2024-01-02T03:04:05Z"]
 */
export function lockKeys(r: ArticleRecord): string[] {
  const keys = [`u:${looseUrl(r.webUrl)}`];
  const original = looseUrl(r.originalUrl);
  if (`u:${original}` !== keys[0]) keys.push(`u:${original}`);
  keys.push(`t:${r.provider?.domain ?? r.provider?.name ?? ""}|${r.title.toLowerCase()}|${r.publishedDateTime}`);
  return keys;
}

/**
 * Gives records the ids they were first published under, from an id lock (the opt-in
 * `topicfeeds.lock.json`). A record whose URL changed keeps its old id, so readers do not show it
 * again; each such record gets an `id-changed` warning naming the old id and the new URL.
 *
 * @param records - normalised records
 * @param lock - the lock read from disk, or undefined for a first build
 * @returns records with locked ids (new objects only where the id changed) and warnings
 * @example
 * const { records } = applyIdLock(set.records, JSON.parse(readFileSync("topicfeeds.lock.json", "utf8")));
 */
export function applyIdLock(
  records: readonly ArticleRecord[],
  lock: IdLock | undefined,
): { records: ArticleRecord[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (lock === undefined) return { records: [...records], diagnostics };
  const out = records.map((r) => {
    for (const key of lockKeys(r)) {
      const id = lock.ids[key];
      if (id === undefined) continue;
      if (id === r.id) return r;
      const where = r.source === undefined ? {} : { file: r.source };
      diagnostics.push(
        diagnostic(
          "id-changed",
          `the article's URL changed (now ${r.webUrl}); it keeps the id it was published under, ${id}, so readers do not show it again (from the id lock)`,
          where,
        ),
      );
      return makeRecord({ ...r, id });
    }
    return r;
  });
  return { records: out, diagnostics };
}

/**
 * Adds the published records to an id lock; entries already there are kept, so an id, once
 * published, never changes. Keys are sorted, so the lock file is deterministic.
 *
 * @param lock - the previous lock, if any
 * @param published - the records that reached a feed in this build
 * @returns the next lock
 *
 * @example
 * ```ts
 * const next = updateIdLock(previous, publishedRecords);
 * ```
 */
export function updateIdLock(lock: IdLock | undefined, published: Iterable<ArticleRecord>): IdLock {
  const ids: Record<string, string> = { ...(lock?.ids ?? {}) };
  for (const r of published) for (const key of lockKeys(r)) ids[key] ??= r.id;
  return { version: 1, ids: Object.fromEntries(Object.entries(ids).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

function looseUrl(url: string): string {
  const u = new URL(url);
  u.hash = "";
  if (u.search !== "") {
    const kept = [...u.searchParams].filter(([k]) => !k.toLowerCase().startsWith("utm_"));
    u.search = kept.length === 0 ? "" : new URLSearchParams(kept).toString();
  }
  const host = u.host.replace(/^www\./, "");
  let path = `${u.pathname}${u.search}`;
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return `${host}${path === "/" ? "" : path}`;
}
