import { type BuildOptions, finishFeeds, type RecordSet } from "./build.js";
import { feedContext, newestDate } from "./model/build-feed-context.js";
import { adoptRecords } from "./records/adopt-records.js";
import { applyIdLock, lockKeys } from "./records/apply-id-lock.js";
import { sameArticleKey } from "./records/canonical-url.js";
import { createRenderMemo, type RenderMemo } from "./render/render-feed-files.js";
import { resolveBuildRules, resolveTopicRules } from "./select/resolve-build-rules.js";
import type { ResolvedRules } from "./select/resolve-rules.js";
import { createSelectionIndex, type SelectionIndex } from "./select/selection-index.js";
import { nameTopics, type TopicTally } from "./topics/group-by-topic.js";
import { topicKey } from "./topics/slug.js";
import type { ArticleRecord, BuildResult, Diagnostic, FeedsConfig, IdLock } from "./types.js";
import { assertValidConfig } from "./validate-config.js";

/**
 * What one record file came to, as a scan reads it: its record (possibly lean), or the
 * summary of a record a prefilter set aside, or neither (rejected), with its diagnostics.
 */
export interface RecordFileOutcome {
  /** The record, when it is kept for selection. */
  record?: ArticleRecord | undefined;
  diagnostics: readonly Diagnostic[];
  /**
   * A record a prefilter set aside: the rule, its hidden same-article keys, the topic names it
   * shows, its newest date if visible. With the rule `""`: a rejected record whose URLs are hidden.
   */
  drop?:
    | readonly [rule: string, hiddenKeys: readonly string[], topics: readonly string[], newest: string | null]
    | undefined;
}

/** Options of {@link createFeedState}. */
export interface FeedStateOptions {
  /** The outcomes come from a scan with a prefilter (`scanRecords`' `prefilter`): the report counts what it set aside. */
  prefiltered?: boolean;
}

/**
 * The build kept up to date, for a long-running driver (the watcher): record files are set
 * one at a time as they change, and {@link FeedState.build} returns what `buildFeeds` returns
 * for the files as they are now, byte for byte, at a cost that follows what changed.
 */
export interface FeedState {
  /** Sets what a record file came to; `undefined` when the file is gone. */
  set(file: string, outcome: RecordFileOutcome | undefined): void;
  /** What a record file was last set to; `undefined` when it is not set. */
  get(file: string): RecordFileOutcome | undefined;
  /** Sets the diagnostics of listing the input folders (unreadable folders, link loops). */
  setListing(diagnostics: readonly Diagnostic[]): void;
  /** How many record files are set. */
  readonly size: number;
  /**
   * Replaces the id lock (after a build wrote an updated one): records whose lock keys it
   * changes take their new ids at the next build, as `buildFeeds` with the new lock would give.
   */
  setIdLock(lock: IdLock): void;
  /**
   * The files and report of a build of the records as set (see `buildFeeds`; `options.memo` is
   * the state's own). Only the feeds whose items changed since the last call are rendered again.
   *
   * @throws TopicfeedsError `strict-failed`, `render-failed`, as `buildFeeds`
   */
  build(options?: Omit<BuildOptions, "memo">): BuildResult;
}

interface FileState {
  outcome: RecordFileOutcome;
  /** The record as selected (after adoption and the id lock). */
  record: ArticleRecord | undefined;
  /** Diagnostics of adoption and the id lock. */
  extra: Diagnostic[];
  /** Same-article keys of a record rejected by adoption (a draft: related links to it are left out). */
  hiddenKeys: readonly string[];
  rejected: boolean;
  visible: boolean;
  /** The record's topic keys, one per topic it names. */
  keys: string[];
  /** With an id lock: the lock keys of the record as read. */
  lockKeys: string[];
  /**
   * What counts for the `updated` of an empty feed: this file's newest visible date in
   * milliseconds (NaN for none); the date itself is its record's or its drop row's.
   */
  newestMs: number;
}

/**
 * Creates an empty {@link FeedState} for a config: the long-running form of `buildFeeds`.
 * It keeps per file what it came to, and up to date between changes: the site-wide selection
 * and that of each topic with rules of its own (`createSelectionIndex`), the topic tally
 * (`nameTopics`), the hidden same-article keys and the newest visible date (`feedContext`), and a
 * render memo; each build then runs the remaining stages (`finishFeeds`), the same as `buildFeeds`.
 *
 * @param config - as for `buildFeeds` (the id lock, if any, is applied as given)
 * @param options - see {@link FeedStateOptions}
 * @returns the state
 * @throws TopicfeedsError `invalid-config` for a bad config
 * @example
 * const state = createFeedState(config);
 * state.set("a.md", { record, diagnostics: [] });
 * const { files } = state.build();
 */
export function createFeedState(config: FeedsConfig & { strict?: boolean }, options: FeedStateOptions = {}): FeedState {
  assertValidConfig(config);
  // The config as built with: its id lock is replaced by setIdLock.
  let current = config;
  // With an id lock: the files whose record has each lock key (a new lock key re-reads only them).
  const byLockKey = new Map<string, Set<string>>();
  const rules = resolveBuildRules(config);
  const publishedFilter = rules.global.filters.find((f) => f.name === "published");
  // The site-wide selection keeps each topic's records too (the bucket stage).
  const site = createSelectionIndex(rules.global, (r) => keysOf.get(r) ?? r.topics.map(topicKey));
  const own = new Map<string, { rules: ResolvedRules; index: SelectionIndex }>();
  const tally = new Map<string, TopicTally>();
  for (const [name, topic] of Object.entries(config.topics ?? {})) {
    const key = topicKey(name);
    tally.set(key, { spellings: new Map(), records: [], config: topic, configName: name.trim() });
    if (topic.select !== undefined && topic.select.length > 0) {
      const topicRules = resolveTopicRules(rules, topic.select);
      own.set(key, { rules: topicRules, index: createSelectionIndex(topicRules) });
    }
  }
  const files = new Map<string, FileState>();
  // The files with diagnostics (most have none).
  const noted = new Map<string, FileState>();
  const records = new Set<ArticleRecord>();
  const keysOf = new Map<ArticleRecord, readonly string[]>();
  // Records the id lock replaced, with the record as read (what `hydrate` completes).
  const lockedFrom = new Map<ArticleRecord, ArticleRecord>();
  let listing: readonly Diagnostic[] = [];
  let rejected = 0;
  const byRule = new Map<string, number>();
  // Hidden same-article keys, counted: the set handed to the context is replaced when it changes.
  const hiddenCount = new Map<string, number>();
  let hidden = new Set<string>();
  let hiddenChanged = false;
  let newest: { ms: number; date: string; dropped: boolean; file: string } | undefined;
  let newestStale = false;
  // Changes since the last build, applied to the selection indexes in one go (a record put in
  // and taken out again before then is never seen by them).
  const site$ = pending();
  const own$ = new Map<string, ReturnType<typeof pending>>();
  const memo: RenderMemo = createRenderMemo();

  const hide = (key: string, by: number) => {
    const n = (hiddenCount.get(key) ?? 0) + by;
    if (n === 0) hiddenCount.delete(key);
    else hiddenCount.set(key, n);
    if (n === 0 || (n === 1 && by === 1)) hiddenChanged = true;
  };
  const spell = (spelling: string, key: string, by: number, record: ArticleRecord | undefined) => {
    let e = tally.get(key);
    if (e === undefined) {
      e = { spellings: new Map(), records: [] };
      tally.set(key, e);
    }
    const n = (e.spellings.get(spelling) ?? 0) + by;
    if (n === 0) e.spellings.delete(spelling);
    else e.spellings.set(spelling, n);
    if (record !== undefined) {
      if (by > 0) e.records.push(record);
      else {
        const i = e.records.lastIndexOf(record);
        if (i !== -1) e.records.splice(i, 1);
      }
    }
    if (e.spellings.size === 0 && e.config === undefined) tally.delete(key);
  };
  const ownPending = (key: string) => {
    let p = own$.get(key);
    if (p === undefined) {
      p = pending();
      own$.set(key, p);
    }
    return p;
  };
  // Adds (by 1) or takes away (by -1) everything a file contributes.
  const count = (path: string, f: FileState, by: 1 | -1) => {
    const { outcome, record } = f;
    if (f.rejected) rejected += by;
    for (const k of f.hiddenKeys) hide(k, by);
    const drop = outcome.drop;
    if (drop !== undefined) {
      for (const k of drop[1]) hide(k, by);
      if (record === undefined && drop[0] !== "") {
        byRule.set(drop[0], (byRule.get(drop[0]) ?? 0) + by);
        for (const t of drop[2]) spell(t, topicKey(t), by, undefined);
      }
    }
    if (record !== undefined) {
      if (by > 0) {
        records.add(record);
        keysOf.set(record, f.keys);
        if (outcome.record !== undefined && outcome.record !== record) lockedFrom.set(record, outcome.record);
      } else {
        records.delete(record);
        keysOf.delete(record);
        lockedFrom.delete(record);
      }
      site$.change(record, by);
      if (!record.published) {
        hide(sameArticleKey(record.webUrl), by);
        hide(sameArticleKey(record.originalUrl), by);
      }
      if (f.visible) {
        const seen = new Set<string>();
        for (let i = 0; i < record.topics.length; i++) {
          const key = f.keys[i] as string;
          spell(record.topics[i] as string, key, by, record);
          if (own.has(key) && !seen.has(key)) {
            seen.add(key);
            ownPending(key).change(record, by);
          }
        }
      }
    }
    if (!Number.isNaN(f.newestMs)) {
      if (by < 0) {
        if (newest !== undefined && newest.file === path) newestStale = true;
      } else if (!newestStale) {
        const n = newestOf(path, f);
        if (newest === undefined || newer(n, newest)) newest = n;
      }
    }
  };

  const state: FeedState = {
    get size() {
      return files.size;
    },
    get(file) {
      return files.get(file)?.outcome;
    },
    setListing(diagnostics) {
      listing = diagnostics;
    },
    setIdLock(lock) {
      if (lock === current.idLock) return;
      const before = current.idLock?.ids ?? {};
      current = { ...current, idLock: lock };
      const again = new Set<string>();
      for (const [k, id] of Object.entries(lock.ids))
        if (before[k] !== id) for (const p of byLockKey.get(k) ?? []) again.add(p);
      for (const k of Object.keys(before))
        if (lock.ids[k] === undefined) for (const p of byLockKey.get(k) ?? []) again.add(p);
      for (const p of again) state.set(p, (files.get(p) as FileState).outcome);
    },
    set(path, outcome) {
      const before = files.get(path);
      if (before !== undefined) {
        count(path, before, -1);
        files.delete(path);
        noted.delete(path);
        for (const k of before.lockKeys) {
          const paths = byLockKey.get(k);
          paths?.delete(path);
          if (paths?.size === 0) byLockKey.delete(k);
        }
      }
      if (outcome === undefined) return;
      const f = fileState(outcome);
      files.set(path, f);
      for (const k of f.lockKeys) {
        const paths = byLockKey.get(k);
        if (paths === undefined) byLockKey.set(k, new Set([path]));
        else paths.add(path);
      }
      if (f.outcome.diagnostics.length > 0 || f.extra.length > 0) noted.set(path, f);
      count(path, f, 1);
    },
    build(buildOptions = {}) {
      // The selection indexes take this update's changes (records out, then in).
      site$.flush(site);
      for (const [key, o] of own) own$.get(key)?.flush(o.index);
      if (hiddenChanged) {
        hidden = new Set(hiddenCount.keys());
        hiddenChanged = false;
      }
      if (newestStale) {
        newest = undefined;
        for (const [path, f] of files) {
          if (Number.isNaN(f.newestMs)) continue;
          const n = newestOf(path, f);
          if (newest === undefined || newer(n, newest)) newest = n;
        }
        newestStale = false;
      }

      const diagnostics: Diagnostic[] = [...listing];
      for (const f of noted.values()) {
        for (const d of f.outcome.diagnostics) diagnostics.push(d);
        for (const d of f.extra) diagnostics.push(d);
      }
      const selection = site.selection();
      diagnostics.push(...selection.diagnostics);
      const grouped = nameTopics(tally);
      diagnostics.push(...grouped.diagnostics);
      const topics = grouped.topics.filter(
        (t) =>
          !rules.global.excludeTopics?.has(t.key) &&
          (rules.global.includeTopics === undefined || rules.global.includeTopics.has(t.key)),
      );
      const nameOf = new Map(grouped.topics.map((t) => [t.key, t.name]));
      const ctx = feedContext(current, hidden, newest?.date ?? "1970-01-01T00:00:00Z", nameOf);
      const byTopic = site.groups();
      const set: RecordSet = { records: [], diagnostics: [], read: files.size, rejected };
      if (options.prefiltered === true) {
        set.dropped = {
          byRule: Object.fromEntries([...byRule].filter(([, n]) => n > 0)),
          hiddenKeys: [],
          topicSpellings: {},
        };
      }
      return finishFeeds({
        config: current,
        options: { ...buildOptions, memo },
        set,
        recordCount: records.size,
        rules,
        selection,
        topics,
        byTopic,
        ctx,
        diagnostics,
        asRead: (r) => lockedFrom.get(r),
        own: {
          rules: (topic) => (own.get(topic.key) as { rules: ResolvedRules }).rules,
          kept: (topic) => (own.get(topic.key) as { index: SelectionIndex }).index.selection().kept,
        },
      });
    },
  };
  return state;

  function fileState(outcome: RecordFileOutcome): FileState {
    let record: ArticleRecord | undefined;
    let extra: Diagnostic[] = NONE;
    let rejected = false;
    let hiddenKeys: readonly string[] = NONE;
    let keys: string[] = NONE;
    if (outcome.record !== undefined) {
      const adopted = adoptRecords([outcome.record]);
      if (adopted.hiddenKeys.length > 0) hiddenKeys = adopted.hiddenKeys;
      if (adopted.diagnostics.length > 0) extra = [...adopted.diagnostics];
      record = adopted.records[0];
      if (record !== undefined && current.idLock !== undefined) {
        keys = lockKeys(record);
        const locked = applyIdLock([record], current.idLock);
        record = locked.records[0];
        if (locked.diagnostics.length > 0) extra = [...extra, ...locked.diagnostics];
      }
      rejected = record === undefined;
    } else rejected = outcome.drop === undefined || outcome.drop[0] === "";
    const visible = record !== undefined && (publishedFilter === undefined || publishedFilter.keep(record));
    const topicKeys = record === undefined || record.topics.length === 0 ? NONE : record.topics.map(topicKey);
    const date = newestDateOf({ outcome, record, visible });
    const newestMs = date === undefined ? Number.NaN : Date.parse(date);
    return { outcome, record, extra, hiddenKeys, rejected, visible, keys: topicKeys, lockKeys: keys, newestMs };
  }
}

// Records put in and taken out since a selection index last saw them.
function pending() {
  const out = new Set<ArticleRecord>();
  const into = new Set<ArticleRecord>();
  return {
    change(r: ArticleRecord, by: 1 | -1) {
      if (by > 0) {
        if (!out.delete(r)) into.add(r);
      } else if (!into.delete(r)) out.add(r);
    },
    flush(index: SelectionIndex) {
      if (out.size === 0 && into.size === 0) return;
      index.update(out, into);
      out.clear();
      into.clear();
    },
  };
}

// One shared empty list for the many files without diagnostics, hidden keys or topics (frozen: never added to).
const NONE = Object.freeze([]) as unknown as never[];

// A file's newest visible date: its visible record's, or that of the record a prefilter set aside.
function newestDateOf(f: Pick<FileState, "outcome" | "record" | "visible">): string | undefined {
  if (f.record !== undefined) return f.visible ? newestDate(f.record) : undefined;
  const drop = f.outcome.drop;
  return drop !== undefined && drop[0] !== "" && drop[3] !== null ? drop[3] : undefined;
}

function newestOf(file: string, f: FileState): { ms: number; date: string; dropped: boolean; file: string } {
  return { ms: f.newestMs, date: newestDateOf(f) as string, dropped: f.record === undefined, file };
}

// Which date stands for "newest" when two have the same instant, as a full build meets them: the
// records a prefilter set aside first, then the others, each in file order.
function newer(
  a: { ms: number; dropped: boolean; file: string },
  b: { ms: number; dropped: boolean; file: string },
): boolean {
  if (a.ms !== b.ms) return a.ms > b.ms;
  if (a.dropped !== b.dropped) return a.dropped;
  return a.file < b.file;
}
