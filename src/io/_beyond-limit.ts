import { newestDate } from "../model/build-feed-context.js";
import { sameArticleKey } from "../records/canonical-url.js";
import type { DroppedSummary } from "../select/prefilter.js";
import { resolveBuildRules } from "../select/resolve-build-rules.js";
import type { ResolvedRules } from "../select/resolve-rules.js";
import { copyKeys } from "../select/select-records.js";
import { topicKey } from "../topics/slug.js";
import type { ArticleRecord, FeedsConfig } from "../types.js";
import { Grow } from "./_grow.js";
import type { FileIdentity } from "./record-rows.js";

/**
 * Sets aside, while a scan reads, the records that pass every rule but can be in no feed's newest
 * `limit` items: each is kept as a compact entry (its file, sort time, topics and a hash of its
 * same-article keys, its identity too when the scan keeps none: about 60–100 bytes, not a lean
 * record's 800), counted as a `limit`
 * drop at the end, and never read again.
 *
 * At the end, {@link BeyondLimit.keep} names the entries a build still needs in full, read again
 * from their files: per feed (site-wide and per topic) the newest `limit` of the records that share
 * no key hash with another (ties at the cut included); every record that shares a key hash with
 * another (syndicated copies: de-duplication runs on them in the build, exactly; a hash
 * collision only keeps a record more); and per topic the record with the first file name (topic
 * diagnostics name it). A build over those plus the summary gives the same files and report as a
 * build over every record.
 *
 * Only for configs where that holds without seeing the records again: no archives (they keep every
 * selected item), no topic with rules of its own, no id lock, no `maxAge` or custom rule.
 */
export interface BeyondLimit {
  /** Takes one record that the scan would keep (lean), read from `file` with `identity`; returns false when it must be kept as it is. */
  add(record: ArticleRecord, file: number, identity: FileIdentity): boolean;
  /** Entries to read again, in file order: their files and identities. */
  keep(): { file: number; identity: FileIdentity }[];
  /**
   * Adds what the set-aside records leave to a summary: their count (`limit`), topic spellings,
   * newest date and hidden keys (to `keys`, the summary's by default). `kept` are the records read
   * again (from {@link keep}).
   */
  summarize(kept: readonly ArticleRecord[], summary: DroppedSummary, keys?: { push(key: string): unknown }): void;
  /** How many records it holds as entries. */
  readonly size: number;
}

/** The site-wide rules when {@link createBeyondLimit} applies to the config, else undefined. */
export function beyondLimitRules(config: FeedsConfig): ResolvedRules | undefined {
  const off = (a: unknown) => a !== undefined && a !== false;
  if (config.idLock !== undefined || off(config.archive)) return undefined;
  for (const t of Object.values(config.topics ?? {}))
    if ((t.select !== undefined && t.select.length > 0) || off(t.archive)) return undefined;
  if ((config.select ?? []).some((r) => r.rule === "custom" || (r.rule === "dateWindow" && r.maxAge !== undefined)))
    return undefined;
  return resolveBuildRules(config).global;
}

// 30 bits of FNV-1a: a small integer, which a Map keeps unboxed. Collisions only link records
// that are not copies of each other; they are then read again and de-duplicated exactly.
function keyHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

/**
 * Starts setting records aside under compiled site-wide rules (from {@link beyondLimitRules}).
 *
 * @param rules - the site-wide rules
 * @param siteFeeds - whether the site-wide feeds are written
 * @param identities - the scan's identities of every listed file (four numbers per file), when it
 *   keeps them: an entry's identity is then looked up there (32 bytes per entry less), kept apart
 *   only when it differs
 */
export function createBeyondLimit(rules: ResolvedRules, siteFeeds: boolean, identities?: Float64Array): BeyondLimit {
  const file = new Grow(Uint32Array);
  const time = new Grow(Float64Array);
  // Per entry, its identity when `identities` cannot give it; without `identities`, every entry's
  // as four numbers in `own` (32 bytes, where a map of arrays took some 120).
  const ident = new Map<number, FileIdentity>();
  const own = identities === undefined ? new Grow(Float64Array) : undefined;
  const topicStart = new Grow(Uint32Array);
  const topicIds = new Grow(Uint32Array);
  const linked: number[] = [];
  const owner = new Owners();
  const topicId = new Map<string, number>();
  // Per topic key: the first file name among its records, and that record's entry.
  const firstOf: { source: string | undefined; entry: number }[] = [];
  const spellings = new Map<string, number>();
  const hidden = new Set<string>();
  const publishedFilter = rules.filters.some((f) => f.name === "published");
  let newest: string | undefined;
  let newestMs = Number.NEGATIVE_INFINITY;
  const failure = (r: ArticleRecord) => rules.filters.some((f) => !f.keep(r));
  // Marks in `want`, per feed (the site-wide one, then each topic), the newest `limit` of its
  // entries not linked to another (ties at the cut included). Each feed's newest times are kept
  // in a min-heap of `limit` slots, whose root is the cut once full: no list of members per feed
  // (a million numbers at 1,000,000 records, and a sorted copy of each).
  const wantNewest = (want: Uint8Array, isLinked: Uint8Array): void => {
    const n = file.n;
    const limit = rules.limit;
    const t = time.a;
    const feeds = 1 + firstOf.length;
    // Entry i's feeds: 0 when the site-wide feeds are written, then 1 + each of its topics.
    const forFeeds = (i: number, fn: (feed: number) => void) => {
      if (siteFeeds) fn(0);
      for (let j = topicStart.a[i] as number; j < (topicStart.a[i + 1] as number); j++)
        fn(1 + (topicIds.a[j] as number));
    };
    const count = new Uint32Array(feeds);
    for (let i = 0; i < n; i++)
      if (isLinked[i] !== 1)
        forFeeds(i, (f) => {
          count[f] = (count[f] as number) + 1;
        });
    // A feed with no more than `limit` entries wants them all (no heap).
    const at = new Int32Array(feeds + 1);
    for (let f = 0; f < feeds; f++) at[f + 1] = (at[f] as number) + ((count[f] as number) > limit ? limit : 0);
    const heap = new Float64Array(at[feeds] as number);
    const size = new Uint32Array(feeds);
    for (let i = 0; i < n; i++) {
      if (isLinked[i] === 1) continue;
      const v = t[i] as number;
      forFeeds(i, (f) => {
        const base = at[f] as number;
        if (base === at[f + 1]) return;
        const k0 = size[f] as number;
        if (k0 < limit) {
          size[f] = k0 + 1;
          let k = k0;
          while (k > 0) {
            const p = (k - 1) >> 1;
            if ((heap[base + p] as number) <= v) break;
            heap[base + k] = heap[base + p] as number;
            k = p;
          }
          heap[base + k] = v;
        } else if (v > (heap[base] as number)) {
          let k = 0;
          for (;;) {
            let c = 2 * k + 1;
            if (c >= limit) break;
            if (c + 1 < limit && (heap[base + c + 1] as number) < (heap[base + c] as number)) c++;
            if ((heap[base + c] as number) >= v) break;
            heap[base + k] = heap[base + c] as number;
            k = c;
          }
          heap[base + k] = v;
        }
      });
    }
    const cut = new Float64Array(feeds);
    for (let f = 0; f < feeds; f++)
      cut[f] = at[f] === at[f + 1] ? Number.NEGATIVE_INFINITY : (heap[at[f] as number] as number);
    for (let i = 0; i < n; i++) {
      if (isLinked[i] === 1 || want[i] === 1) continue;
      const v = t[i] as number;
      forFeeds(i, (f) => {
        if (v >= (cut[f] as number)) want[i] = 1;
      });
    }
  };
  return {
    get size() {
      return file.n;
    },
    add(r, f, identity) {
      // The scan's prefilter passes exactly these; a record it passed for other rules stays whole.
      if (failure(r)) return false;
      const i = file.n;
      file.push(f);
      time.push(
        Date.parse(rules.sortBy === "updated" ? (r.updatedDateTime ?? r.publishedDateTime) : r.publishedDateTime),
      );
      if (own !== undefined) for (const v of identity) own.push(v);
      else if (
        (identities as Float64Array).length < 4 * (f + 1) ||
        !identity.every((v, k) => Object.is(v, (identities as Float64Array)[4 * f + k]))
      )
        ident.set(i, identity);
      for (const k of new Set(copyKeys(r, rules.dedupe))) {
        const h = keyHash(k);
        const o = owner.get(h);
        if (o === undefined) owner.set(h, i);
        else {
          if (o >= 0) linked.push(o);
          owner.set(h, -1);
          linked.push(i);
        }
      }
      topicStart.push(topicIds.n);
      const keys = new Set<string>();
      for (const t of r.topics) {
        spellings.set(t, (spellings.get(t) ?? 0) + 1);
        const key = topicKey(t);
        if (keys.has(key)) continue;
        keys.add(key);
        let id = topicId.get(key);
        if (id === undefined) {
          id = firstOf.length;
          topicId.set(key, id);
          firstOf.push({ source: r.source, entry: i });
        } else {
          const first = firstOf[id] as { source: string | undefined; entry: number };
          if (r.source !== undefined && (first.source === undefined || r.source < first.source))
            firstOf[id] = { source: r.source, entry: i };
        }
        topicIds.push(id);
      }
      // Passed every rule: the public sees it (with a published rule), or its URLs are hidden.
      if (!publishedFilter && !r.published) {
        hidden.add(sameArticleKey(r.webUrl));
        hidden.add(sameArticleKey(r.originalUrl));
      }
      const d = newestDate(r);
      const ms = Date.parse(d);
      if (ms > newestMs) {
        newest = d;
        newestMs = ms;
      }
      return true;
    },
    keep() {
      const n = file.n;
      const want = new Uint8Array(n);
      const isLinked = new Uint8Array(n);
      for (const i of linked) {
        want[i] = 1;
        isLinked[i] = 1;
      }
      for (const f of firstOf) want[f.entry] = 1;
      topicStart.push(topicIds.n);
      if (rules.limit > 0) wantNewest(want, isLinked);
      const out: { file: number; identity: FileIdentity }[] = [];
      // (Every identity not kept apart is there.)
      const known = own?.a ?? (identities as Float64Array);
      for (let i = 0; i < n; i++) {
        if (want[i] !== 1) continue;
        const f = file.a[i] as number;
        // (`own` by entry, the scan's by file.)
        const at = own === undefined ? f : i;
        out.push({
          file: f,
          identity: ident.get(i) ?? [
            known[4 * at] as number,
            known[4 * at + 1] as number,
            known[4 * at + 2] as number,
            known[4 * at + 3] as number,
          ],
        });
      }
      return out;
    },
    summarize(kept, summary, keys = summary.hiddenKeys) {
      let count = file.n;
      for (const r of kept) {
        count--;
        for (const t of r.topics) spellings.set(t, (spellings.get(t) ?? 0) - 1);
      }
      if (count > 0) summary.byRule.limit = (summary.byRule.limit ?? 0) + count;
      for (const [t, c] of spellings) if (c > 0) summary.topicSpellings[t] = (summary.topicSpellings[t] ?? 0) + c;
      for (const k of hidden) keys.push(k);
      if (newest !== undefined && (summary.newest === undefined || Date.parse(newest) > Date.parse(summary.newest)))
        summary.newest = newest;
    },
  };
}

/**
 * Per key hash (a 30-bit integer), the entry that holds it, or -1 once two do: open addressing
 * over two typed arrays, 8 bytes a slot. A `Map` of the 700,000 hashes of 1,000,000 records took
 * some 30 MB more.
 *
 * @example
 * const o = new Owners(); o.set(12, 3); o.get(12) // 3
 */
export class Owners {
  // keys[s] is a hash, or -1 for an empty slot; a power of two long, at most half full.
  private keys = new Int32Array(1024).fill(-1);
  private values = new Int32Array(1024);
  private size = 0;

  /** The entry that holds hash `h`, or undefined. */
  get(h: number): number | undefined {
    const mask = this.keys.length - 1;
    for (let s = Math.imul(h, 0x9e3779b1) & mask; ; s = (s + 1) & mask) {
      const k = this.keys[s] as number;
      if (k === -1) return undefined;
      if (k === h) return this.values[s] as number;
    }
  }

  /** Sets the entry of hash `h` (a non-negative 31-bit integer). */
  set(h: number, value: number): void {
    if (2 * (this.size + 1) > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let s = Math.imul(h, 0x9e3779b1) & mask; ; s = (s + 1) & mask) {
      const k = this.keys[s] as number;
      if (k === h || k === -1) {
        if (k === -1) this.size++;
        this.keys[s] = h;
        this.values[s] = value;
        return;
      }
    }
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Int32Array(2 * keys.length).fill(-1);
    this.values = new Int32Array(2 * keys.length);
    this.size = 0;
    for (let s = 0; s < keys.length; s++)
      if ((keys[s] as number) !== -1) this.set(keys[s] as number, values[s] as number);
  }
}
