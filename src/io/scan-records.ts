import { createHash } from "node:crypto";
import { availableParallelism, tmpdir } from "node:os";
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { RecordSet } from "../build.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { count } from "../diagnostics/format-report.js";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { nameHidden } from "../model/_hidden-names.js";
import { hideInTable } from "../model/_hidden-set.js";
import { makeRecord } from "../records/normalize-record.js";
import { compilePrefilter, emptySummary } from "../select/prefilter.js";
import type { ArticleRecord, Diagnostic, FeedsConfig } from "../types.js";
import { type BeyondLimit, beyondLimitRules, createBeyondLimit } from "./_beyond-limit.js";
import { removeOldCacheFiles } from "./_cache-files.js";
import { KeySpool } from "./_key-spool.js";
import { PathList } from "./_path-list.js";
import { type Changed, StatAhead, statAgainst } from "./_stat-pass.js";
import { type HydratedEntry, readHydrateCache, writeHydrateCache } from "./hydrate-cache.js";
import { lastBuildKey } from "./last-build.js";
import { readListing, writeListing } from "./listing-cache.js";
import { type ParseJob, type ParseSettings, parseJob } from "./parse-job.js";
import { display, type FolderStamp, listRecordRuns, sortedPaths } from "./read-records.js";
import {
  openRecordCacheWriter,
  type RecordCache,
  type RecordCacheWriter,
  readRecordCache,
  writeRecordCache,
} from "./record-cache.js";
import {
  addDropRow,
  decodeRecord,
  encodeRecord,
  type FileIdentity,
  type FileOutcome,
  internOutcome,
  internTable,
  type RecordRow,
  sameIdentities,
} from "./record-rows.js";
import { readSavedRest, readScanSet, SetPatcher, writeScanSet } from "./scan-set.js";

/** Options of {@link scanRecords}. */
export interface ScanOptions {
  cwd?: string;
  /** Records larger than this are rejected (default 10 MiB). */
  maxFileSize?: number;
  /** Threads that parse: this one plus `workers - 1` worker threads. Default: 2 on a multi-core machine for 4,000+ files. */
  workers?: number;
  /** Persistent cache folder, or undefined for none. */
  cacheDir?: string;
  /** Hash of the config and options: a different key ignores the cache. */
  cacheKey?: string;
  /** Keep records lean (without excerpt, images, related) and complete them with `hydrate`. Default: for 30,000 files or more. */
  lean?: boolean;
  /**
   * The build config: records that can reach no feed under it are counted, not kept (see
   * `compilePrefilter`), which keeps memory flat. Pass the same config to `buildFeeds`.
   */
  prefilter?: FeedsConfig;
  /**
   * The whole build config (with `now`), for lean scans with a `prefilter`: records that pass its
   * rules but can be in no feed's newest `limit` items are then counted as `limit` drops and kept
   * only as a compact entry, so memory follows the feeds, not the corpus (see `_beyond-limit.ts`;
   * not for archives, topics with rules of their own, an id lock, `maxAge` or custom rules).
   * Pass the same config to `buildFeeds`.
   */
  build?: FeedsConfig;
  /** Called after each batch with the files done so far. */
  onProgress?: (done: number, total: number) => void;
  /** Files per batch handed to a thread (and per cache line); default 100. */
  batchSize?: number;
  /** The compiled worker script; default `parse-worker.js` beside this module. */
  workerUrl?: URL;
  /**
   * Asked, with the scan's diagnostics, before the cache is written: false leaves the cache folder
   * as it was (a `--strict` build that will fail writes nothing). Default: always write.
   */
  writeCacheIf?: (diagnostics: readonly Diagnostic[]) => boolean;
  /**
   * Called for every file, in file order, with what it came to and its record when one is kept
   * (the object the result's `records` holds): what a watcher keeps to update a build file by file.
   */
  onFile?: (path: string, outcome: FileOutcome, record: ArticleRecord | undefined) => void;
  /**
   * The `listing` of an earlier scan with the same options and cache: when every file is listed
   * with the identity it had then, the scan reads no outcome and returns `unchanged: true` (and
   * no records); as soon as one batch of files differs, it reads every outcome as usual.
   */
  unchangedSince?: readonly string[];
  /**
   * The `identities` of the scan `unchangedSince` came from. While the same paths are listed,
   * each file is compared with the identity it had then, and the record cache is read only when
   * one differs (a build with nothing changed does not read it at all).
   */
  knownIdentities?: Float64Array;
  /**
   * With `knownIdentities`: the scan writes the new identities into that very array and returns
   * it as its `identities`, not a copy (32 MB less at 1,000,000 files); the array then no longer
   * holds the identities passed, so it cannot be passed again for the same listing.
   */
  reuseKnownIdentities?: boolean;
}

/** A {@link RecordSet} plus what a build needs to complete lean records, and what the scan did. */
export interface ScanResult extends RecordSet {
  hydrate: (records: ArticleRecord[]) => ArticleRecord[];
  /** With a `cacheDir` and no `onFile`: digests of the files listed (their paths, then each batch's identities), for a later `unchangedSince`; else empty. */
  listing: string[];
  /** With a `cacheDir` and no `onFile`: each listed file's identity (size, mtime, ctime, inode; NaN for a file that could not be read), four numbers per file in listing order, for a later `knownIdentities`; else empty. */
  identities: Float64Array;
  /**
   * When the files were compared with `knownIdentities`: the indexes (in listing order) of those
   * whose identity may differ from it, in order; every other file's is the same. Else undefined.
   */
  changedIdentities?: number[];
  /**
   * The file a record of `records` was read from and the identity (size, mtime, ctime, inode) it
   * had, as one string: the same for a record of the same file unchanged in a later scan (a
   * persistent render memo keys items by it). Undefined for a record not from this scan.
   */
  sourceOf: (record: ArticleRecord) => string | undefined;
  /** Every file is as `unchangedSince` listed it: no outcome was read and no record is here. */
  unchanged?: true;
  stats: {
    files: number;
    parsed: number;
    fromCache: number;
    workers: number;
    cache: string;
    lean: boolean;
    /** "kept": no folder changed since the last scan with this cache, so none was read; else "read". */
    listing: "read" | "kept";
  };
}

const DEFAULT_MAX = 10 * 1024 * 1024;
// 100, not 500: what the main thread parses lives until its batch is sent on, and a smaller batch
// lets less of it reach the old generation (100,000 records: median peak RSS 238 MiB, was 267).
const BATCH = 100;
const LEAN_FROM = 30_000;
// From this many files a scan parses in two threads.
const MANY_FILES = 4000;
const MAX_HYDRATE_MISSES = 20;
// Up to this many files changed since the last build are parsed in this thread alone.
const FEW_CHANGED = 400;
// Up to this many files, a rebuild `stat`s them while they are listed (StatAhead): that keeps the
// names of those not yet stat'ed, and the order they were read in, until the listing ends. At
// 1,000,000 files it saved 3.3 s of a rebuild with nothing changed but added 50 MiB (269 → 320);
// above this the `stat`s follow the listing.
const AHEAD_MAX_FILES = 400_000;

/**
 * Reads every record under the given paths, fast and in flat memory: files are parsed in worker
 * threads; records that can reach no feed under the config are counted, not kept; the others
 * are kept lean; and with a cache folder only files whose identity (size, mtime, ctime, inode)
 * changed are parsed again, the others coming from the cache with their diagnostics, so a bad
 * record is reported on every build. The build is the same, byte for byte, with or without
 * cache, workers and prefilter.
 *
 * @param inputs - files and folders
 * @param options - see {@link ScanOptions}
 * @returns the records, diagnostics, counts, and `hydrate` for {@link buildFeeds}
 * @example
 * const scan = await scanRecords(["content"], { cacheDir: "node_modules/.cache/topicfeeds", prefilter: config });
 * const { files } = buildFeeds(scan, config, { hydrate: scan.hydrate });
 */
export async function scanRecords(inputs: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const cwd = options.cwd ?? process.cwd();
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX;
  // What another version of topicfeeds kept in the cache folder is never read: it goes.
  if (options.cacheDir !== undefined) removeOldCacheFiles(options.cacheDir);
  const prefilter = options.prefilter === undefined ? undefined : compilePrefilter(options.prefilter);
  // A rebuild of a large folder (or with workers asked for) starts its parse worker before
  // listing: the worker `stat`s the files as the folders are read, for the stat pass below.
  const newWorker = () => new Worker(options.workerUrl ?? new URL("./parse-worker.js", import.meta.url));
  const early =
    options.knownIdentities !== undefined &&
    ((options.workers ?? 0) > 1 ||
      (options.workers === undefined && options.knownIdentities.length >= 4 * MANY_FILES && availableParallelism() > 1))
      ? newWorker()
      : undefined;
  // A rebuild first looks for the last listing, kept with the stamps of the folders it read: when
  // none of them changed since, no file was created, removed or renamed, and no folder is read.
  // It is taken only as what the last build listed (the same digest).
  const listingKey = JSON.stringify([inputs.map((input) => resolve(cwd, input)), cwd]);
  // (A watcher, which follows each file itself through `onFile`, keeps no listing.)
  const listingDir = options.onFile === undefined ? options.cacheDir : undefined;
  const lastListing =
    listingDir !== undefined && options.knownIdentities !== undefined && options.unchangedSince !== undefined
      ? readListing(listingDir, listingKey)
      : undefined;
  const keptListing = lastListing?.digest() === options.unchangedSince?.[0] ? lastListing : undefined;
  const ahead =
    early !== undefined &&
    keptListing === undefined &&
    listingDir !== undefined &&
    (options.knownIdentities?.length ?? 0) <= 4 * AHEAD_MAX_FILES
      ? new StatAhead(early)
      : undefined;
  const listingStarted = Date.now();
  let listed: ReturnType<typeof listCompact>;
  try {
    listed =
      keptListing !== undefined
        ? { paths: keptListing, listDiagnostics: [], places: undefined, stamps: undefined }
        : listCompact(inputs, cwd, ahead);
  } catch (error) {
    void early?.terminate();
    throw error;
  }
  const { paths, listDiagnostics, places } = listed;
  const listedDiagnostics = listDiagnostics.length;
  // Lean records keep a large build's memory flat; below 30,000 files, reading the chosen ones
  // again costs more than keeping them whole (cold, whole records: 1,000 files 45 ms of 450 faster;
  // 10,000 and 20,000 files 15–20 % faster and 6–9 MB smaller; 50,000 even, and its rebuilds 5 %
  // slower and 20 MB larger; 100,000 up to 130 MB larger).
  // Custom rules need whole records: then nothing is set aside and records stay complete.
  const lean =
    (options.lean ?? paths.length >= LEAN_FROM) && (options.prefilter === undefined || prefilter !== undefined);
  const key = `${options.cacheKey ?? ""}|${lean}|${maxFileSize}|${cwd}|${prefilter === undefined ? "" : JSON.stringify(options.prefilter)}`;
  // With the same paths listed as by the scan `unchangedSince` came from, each file is compared
  // with the identity it had then, and the record cache is read only for a file that differs or
  // whose outcome is needed (a build with nothing changed never reads it).
  const pathsDigest = listingDir === undefined ? undefined : paths.digest();
  const knownAt =
    pathsDigest !== undefined &&
    options.unchangedSince?.[0] === pathsDigest &&
    options.knownIdentities?.length === 4 * paths.length
      ? options.knownIdentities
      : undefined;
  let cached: RecordCache | undefined;
  let cacheRead = false;
  let cacheNote = "off";
  const openCache = (): RecordCache | undefined => {
    if (!cacheRead && options.cacheDir !== undefined) {
      cacheRead = true;
      const c = readRecordCache(options.cacheDir, key);
      cached = c.cache;
      cacheNote = c.note;
    }
    return cached;
  };
  if (knownAt === undefined) openCache();
  // Jobs are made a batch at a time, as they are handed out: 100,000 of them at once, each with its
  // identity, would be 10 MB more on a rebuild. Diagnostics name files relative to `cwd`.
  const size = options.batchSize ?? BATCH;
  // With the identities of the last scan, a stat pass first finds the files that changed: batches
  // without one are answered "as before" without making a job, the others parse only those files.
  let changedIn: Set<number> | undefined;
  let changedFiles: Set<number> | undefined;
  const batches: Batches = {
    count: Math.ceil(paths.length / size),
    files: paths.length,
    size: (b) => Math.min(size, paths.length - b * size),
    ready: (b) => changedIn !== undefined && !changedIn.has(b),
    jobs: (b) => {
      const jobs = paths.slice(b * size, (b + 1) * size).map((path, j) => {
        const job: ParseJob = { path };
        if (changedFiles !== undefined) {
          if (!changedFiles.has(b * size + j)) job.same = true;
          return job;
        }
        const known = knownAt === undefined ? cached?.identity(path) : identityAt(knownAt, b * size + j);
        if (known !== undefined) job.known = known;
        return job;
      });
      // The identity of a file answered "as in the cache", for the batch's digest.
      if (listing !== undefined && changedFiles === undefined)
        knownOf.set(
          b,
          jobs.map((j) => j.known),
        );
      return jobs;
    },
  };
  const knownOf = new Map<number, (FileIdentity | undefined)[]>();
  const settings: ParseSettings = { lean, maxFileSize, prefilter, cwd };

  const records: ArticleRecord[] = [];
  const diagnostics: Diagnostic[] = listDiagnostics;
  const dropped = emptySummary();
  // Where each kept record came from, and the identity its file had when it was read.
  const pathOf = new Map<ArticleRecord, [string, FileIdentity]>();
  // The file of each record kept whole, when some are entries: the records are put back in file order.
  const wholeAt: number[] = [];
  const hiddenKeys: string[] = [];
  let rejected = 0;
  let parsed = 0;
  let i = 0;
  // A first build streams its cache to disk batch by batch; a rebuild keeps what it would write
  // (mostly references into the cache it read) and writes only if enough changed.
  let writer: RecordCacheWriter | undefined;
  if (options.cacheDir !== undefined && knownAt === undefined && cached === undefined) {
    try {
      writer = openRecordCacheWriter(options.cacheDir, key);
    } catch {
      cacheNote += "; could not be written";
    }
  }
  // Per batch: its line when every file was parsed, else its outcomes with 0 for "as in the cache".
  // (A batch's paths are taken from the list again when written: holding them would be a second copy.)
  const forCache: { start: number; line: string[] | undefined; merged: (FileOutcome | 0)[] | undefined }[] = [];
  const lineOf = (batchPaths: string[], outcomes: FileOutcome[], json?: string): string[] => [
    JSON.stringify([batchPaths, outcomes.map((o) => o[0])]),
    "\t",
    json ?? JSON.stringify(outcomes),
  ];

  // Records share one copy of the strings many of them repeat (topics, providers, categories).
  const strings = internTable();
  // The listing, with a cache folder (what a later build compares with): a digest of the paths,
  // then one of each batch's identities. While the paths and every batch so far match
  // `unchangedSince`, outcomes are held unread (most are 0, "as in the cache") until a batch
  // differs or the listing ends.
  const listing: string[] | undefined = pathsDigest === undefined ? undefined : [pathsDigest];
  const identities =
    knownAt !== undefined && listing !== undefined && options.reuseKnownIdentities === true
      ? knownAt
      : new Float64Array(listing === undefined ? 0 : 4 * paths.length);
  let changedIdentities: number[] | undefined;
  // Records that pass every rule are entries here until the newest of each feed are known.
  const beyondRules =
    lean && prefilter !== undefined && options.build !== undefined ? beyondLimitRules(options.build) : undefined;
  let beyond: BeyondLimit | undefined =
    beyondRules === undefined
      ? undefined
      : createBeyondLimit(
          beyondRules,
          options.build?.siteFeeds !== false,
          identities.length > 0 ? identities : undefined,
        );
  let deferring =
    (cached !== undefined || knownAt !== undefined) &&
    listing !== undefined &&
    options.unchangedSince?.[0] === listing[0];
  const deferred: (FileOutcome | 0)[][] = [];
  // A lean scan that sets records aside saves what it hands the build (`scan-set-v1.json`). The
  // next scan of the same paths, when each file that changed since is a kept record that stays
  // kept (same diagnostics; it still passes the prefilter, and its dates, URLs, topics and the
  // other fields that decide which records are kept are the same: see `SetPatcher`), hands on
  // that set with those records replaced: it reads no other outcome; the build selects from the set.
  const setKey =
    options.cacheDir !== undefined &&
    beyond !== undefined &&
    options.onFile === undefined &&
    options.build !== undefined
      ? lastBuildKey(options.build, key)
      : undefined;
  const fileOf = setKey === undefined ? undefined : new Map<ArticleRecord, number>();
  // A lean scan that sets records aside spools their hidden keys to a file as it reads them
  // (in the cache folder, else the system's temporary folder), instead of holding them as
  // strings (34 MB at 1,000,000 records); the build looks them up in a table over that file or
  // over the set's rest written from it. (Not for a scan that hands each file on: the watcher
  // keeps and changes its hidden keys.)
  let spool =
    lean && prefilter !== undefined && options.onFile === undefined
      ? KeySpool.open(options.cacheDir ?? tmpdir(), options.cacheDir !== undefined)
      : undefined;
  // Read while the worker starts the stat pass (the set is used only after a stat pass). Undefined
  // once a change cannot be patched.
  let patcher: SetPatcher | undefined;
  const readSet = (): void => {
    const lastSet =
      setKey !== undefined && knownAt !== undefined && deferring && options.cacheDir !== undefined
        ? readScanSet(options.cacheDir, setKey, options.unchangedSince ?? [])
        : undefined;
    if (lastSet !== undefined) patcher = new SetPatcher(lastSet);
  };
  // Whether a batch held back differed from `unchangedSince` (its changes being patches).
  let differed = false;
  const patch = (b: number, outcomes: (FileOutcome | 0)[]): boolean => {
    if (patcher === undefined) return false;
    for (let k = 0; k < outcomes.length; k++) {
      const o = outcomes[k] as FileOutcome | 0;
      if (o !== 0 && !patcher.accept(b * size + k, o, display(paths.get(b * size + k), cwd))) return false;
    }
    return true;
  };
  const digestOf = (b: number, outcomes: (FileOutcome | 0)[]): string => {
    // After a stat pass, a batch with no changed file has the identities the last scan hashed:
    // its digest is the one it listed (a thousand SHA-1s fewer at 100,000 files, 20 ms).
    const before = changedIn?.has(b) === false ? options.unchangedSince?.[b + 1] : undefined;
    if (before !== undefined) return before;
    // Identities as numbers (NaN for none), hashed once per batch: no string per file.
    const ids = identities.subarray(4 * b * size, 4 * (b * size + outcomes.length));
    if (changedFiles === undefined) {
      // (After a stat pass they hold the known ones already.)
      const known = knownOf.get(b);
      knownOf.delete(b);
      ids.fill(Number.NaN);
      for (let k = 0; k < outcomes.length; k++) {
        const id = outcomes[k] === 0 ? known?.[k] : undefined;
        if (id !== undefined) ids.set(id, 4 * k);
      }
    }
    for (let k = 0; k < outcomes.length; k++) {
      const res = outcomes[k] as FileOutcome | 0;
      if (res !== 0) ids.set(res[0], 4 * k);
    }
    return createHash("sha1")
      .update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength))
      .digest("base64");
  };
  // Called once per batch, in file order, as soon as the batch and all before it are parsed.
  let batch = 0;
  const consume = (json: string): void => {
    const outcomes = JSON.parse(json) as (FileOutcome | 0)[];
    const b = batch++;
    listing?.push(digestOf(b, outcomes));
    if (deferring) {
      if (listing?.[b + 1] === options.unchangedSince?.[b + 1]) {
        deferred.push(outcomes);
        return;
      }
      if (patch(b, outcomes)) {
        differed = true;
        deferred.push(outcomes);
        return;
      }
      patcher = undefined;
      readDeferred();
    }
    take(outcomes, json);
  };
  const readDeferred = (): void => {
    deferring = false;
    for (const o of deferred.splice(0, deferred.length)) take(o, undefined);
  };
  const take = (outcomes: (FileOutcome | 0)[], json: string | undefined): void => {
    const merged: (FileOutcome | 0)[] = [];
    const batchPaths: string[] = [];
    let fresh = true;
    for (const res of outcomes) {
      const at = i++;
      const path = paths.get(at);
      let outcome: FileOutcome | undefined;
      if (res === 0) {
        fresh = false;
        // The cache may hold an older outcome of a file that changed since it was written.
        const o = openCache()?.outcome(path);
        if (o !== undefined && (knownAt === undefined || sameIdentities(o[0], identityAt(knownAt, at) ?? o[0])))
          outcome = o;
      }
      if (outcome !== undefined) merged.push(0);
      else {
        // Parsed now, or unchanged but its cache line cannot be decoded: parsed here after all.
        outcome = res === 0 ? (parseJob({ path }, settings) as FileOutcome) : res;
        parsed++;
        merged.push(outcome);
      }
      batchPaths.push(path);
      internOutcome(outcome, strings);
      const [identity, diags, row, drop] = outcome;
      if (diags !== 0) for (const d of diags) diagnostics.push(d);
      if (row !== 0) {
        const r = decodeRecord(row);
        options.onFile?.(path, outcome, r);
        if (beyond === undefined || !beyond.add(r, at, identity)) {
          records.push(r);
          pathOf.set(r, [path, identity]);
          fileOf?.set(r, at);
          if (beyond !== undefined) wholeAt.push(at);
        }
      } else if (drop !== 0 && drop[0] !== "") addDropRow(dropped, drop, spool);
      else {
        rejected++;
        if (drop !== 0) for (const k of drop[1]) hiddenKeys.push(k);
      }
      if (row === 0) options.onFile?.(path, outcome, undefined);
    }
    if (writer !== undefined) {
      try {
        // A first build: nothing came from a cache, so `outcomes` are all parsed.
        writer.add(lineOf(batchPaths, outcomes as FileOutcome[], json));
      } catch {
        // A full disk, say: the build goes on without a cache.
        writer.abort();
        writer = undefined;
        cacheNote += "; could not be written";
      }
    } else if (options.cacheDir !== undefined && (cached !== undefined || knownAt !== undefined)) {
      forCache.push(
        fresh
          ? { start: i - outcomes.length, line: lineOf(batchPaths, outcomes as FileOutcome[], json), merged: undefined }
          : { start: i - outcomes.length, line: undefined, merged },
      );
    }
  };

  let changedAhead: Changed | undefined;
  if (ahead !== undefined) {
    try {
      if (knownAt !== undefined && listing !== undefined && places !== undefined)
        changedAhead = await ahead.against(paths, places, knownAt, readSet);
      else await ahead.drop();
    } catch (error) {
      void early?.terminate();
      throw error;
    }
  }
  const cores = availableParallelism();
  const workers = Math.max(1, Math.min(options.workers ?? (paths.length >= MANY_FILES && cores > 1 ? 2 : 1), 64));
  const pool = Array.from(
    { length: workers > 1 ? Math.min(workers - 1, batches.count) : 0 },
    (_, k) => (k === 0 ? early : undefined) ?? newWorker(),
  );
  if (early !== undefined && pool[0] !== early) void early.terminate();
  try {
    if (knownAt !== undefined && listing !== undefined) {
      const changed = changedAhead ?? (await statAgainst(paths, knownAt, pool[0], readSet));
      if (identities !== knownAt) identities.set(knownAt);
      changedIdentities = changed.at;
      changedFiles = new Set(changed.at);
      changedIn = new Set();
      for (let k = 0; k < changed.at.length; k++) {
        const at = changed.at[k] as number;
        changedIn.add(Math.floor(at / size));
        identities.set(changed.identities.subarray(4 * k, 4 * k + 4), 4 * at);
      }
    }
    // A few changed files are parsed here: handing them to a worker costs more.
    if (pool.length > 0 && (changedFiles === undefined || changedFiles.size > FEW_CHANGED))
      await parseInWorkers(
        batches,
        pool,
        { lean, maxFileSize, cwd, prefilter: prefilter === undefined ? undefined : options.prefilter },
        settings,
        options,
        consume,
      );
    else parseHere(batches, settings, options, consume);
    if (writer !== undefined && options.writeCacheIf?.(diagnostics) === false) {
      writer.abort();
      writer = undefined;
    }
    if (writer !== undefined) {
      try {
        writer.commit();
      } catch {
        cacheNote += "; could not be written";
      }
    }
  } catch (error) {
    cached?.close();
    spool?.close();
    throw error;
  } finally {
    writer?.abort();
    // Not waited for: a worker takes 30–40 ms to stop, and the scan no longer needs it.
    for (const w of pool) void w.terminate();
  }
  // The listing, for the next scan, when it was made by reading the folders.
  if (
    listingDir !== undefined &&
    listed.stamps !== undefined &&
    paths.length > 0 &&
    options.writeCacheIf?.(diagnostics) !== false
  )
    writeListing(listingDir, listingKey, listingStarted, listed.stamps, paths);
  let patched = false;
  // The saved set's rows with the changed ones replaced: written back as they are.
  let patchedRows: [file: number, row: RecordRow, identity: FileIdentity | undefined][] | undefined;
  const lastBase = deferring && differed ? patcher?.set.base() : undefined;
  if (deferring && listing !== undefined) {
    if (lastBase !== undefined && patcher !== undefined) {
      // Each changed record stays in the set: the last scan's set, with those records replaced.
      patchedRows = patcher.rows();
      for (const [file, row, identity] of patchedRows) {
        const r = decodeRecord(row);
        records.push(r);
        pathOf.set(r, [paths.get(file), identity ?? (identityAt(identities, file) as FileIdentity)]);
        fileOf?.set(r, file);
      }
      for (const d of patcher.set.fileDiagnostics) diagnostics.push(d);
      // (Nothing was taken from a batch before: the spool is empty.)
      spool?.close();
      spool = undefined;
      Object.assign(dropped, lastBase.dropped);
      hideInTable(dropped, lastBase.keys, lastBase.hiddenKeys.length);
      for (const k of lastBase.hiddenKeys) hiddenKeys.push(k);
      rejected = lastBase.rejected;
      parsed = patcher.patches.size;
      cacheNote = `${count(parsed, "changed file")}, each still among the records the last build selected from: the others as it selected them`;
      deferred.length = 0;
      deferring = false;
      patched = true;
    } else if (!differed && listing.length === options.unchangedSince?.length) {
      cached?.close();
      spool?.close();
      return {
        records: [],
        diagnostics,
        read: paths.length,
        rejected: 0,
        hydrate: (chosen) => chosen,
        sourceOf: () => undefined,
        listing,
        identities,
        ...(changedIdentities === undefined ? {} : { changedIdentities }),
        unchanged: true,
        stats: {
          files: paths.length,
          parsed: 0,
          fromCache: paths.length,
          workers,
          lean,
          cache: "no record file changed since the last build",
          listing: keptListing === undefined ? "read" : "kept",
        },
      };
    }
    readDeferred();
  }

  // A cache of 100,000 files is not rewritten for a handful of changes: files it does not know
  // yet are parsed again (cheaply) until more than 1 % have changed, or files were removed.
  // (A cache that turned out missing or unreadable when first needed is written whole.)
  if (
    !patched &&
    options.cacheDir !== undefined &&
    (cached !== undefined || knownAt !== undefined) &&
    options.writeCacheIf?.(diagnostics) !== false
  ) {
    const stale = cached === undefined ? paths.length : parsed + Math.max(0, cached.size - (paths.length - parsed));
    if (stale > Math.max(20, paths.length / 100)) {
      const from = cached;
      try {
        writeRecordCache(
          options.cacheDir,
          key,
          (function* () {
            for (const b of forCache) {
              if (b.line !== undefined) {
                yield b.line;
                continue;
              }
              const merged = b.merged as (FileOutcome | 0)[];
              const batchPaths = paths.slice(b.start, b.start + merged.length);
              yield lineOf(
                batchPaths,
                merged.map((o, j) => (o === 0 ? (from?.outcome(batchPaths[j] as string) as FileOutcome) : o)),
              );
            }
          })(),
        );
      } catch {
        cacheNote += "; could not be written";
      }
    }
  }
  // hydrate (below) keeps this scope alive for the whole build: let go of the cache's outcomes.
  cached?.close();
  cached = undefined;
  forCache.length = 0;

  if (beyond !== undefined && !patched) {
    const again = beyond.keep();
    const changed: Diagnostic[] = [];
    const back: ArticleRecord[] = [];
    for (const { file, identity } of again) {
      const path = paths.get(file);
      // Through JSON, as the batches are: the record's strings would otherwise be slices of the
      // file's text and keep all of it (10 MB for 3,400 records).
      const outcome = JSON.parse(JSON.stringify(parseJob({ path }, settings))) as FileOutcome;
      if (!sameIdentities(outcome[0], identity) || outcome[2] === 0) {
        changed.push(changedDiagnostic(outcome[0][3] === 0, display(path, cwd)));
        continue;
      }
      const r = decodeRecord(outcome[2]);
      back.push(r);
      pathOf.set(r, [path, identity]);
      fileOf?.set(r, file);
    }
    if (changed.length > 0) {
      spool?.close();
      throw changedError(changed);
    }
    beyond.summarize(back, dropped, spool);
    // Let go of the entries (their key hashes and topics: 60 MB at 1,000,000 records): `hydrate`
    // keeps this scope alive for the whole build.
    beyond = undefined;
    // File order, as without entries.
    const whole = records.splice(0, records.length);
    let w = 0;
    for (let k = 0; k < again.length; k++) {
      const f = (again[k] as { file: number }).file;
      while (w < whole.length && (wholeAt[w] as number) < f) records.push(whole[w++] as ArticleRecord);
      records.push(back[k] as ArticleRecord);
    }
    while (w < whole.length) records.push(whole[w++] as ArticleRecord);
  }

  if (
    setKey !== undefined &&
    fileOf !== undefined &&
    listing !== undefined &&
    options.cacheDir !== undefined &&
    options.writeCacheIf?.(diagnostics) !== false
  ) {
    const base = writeScanSet(
      options.cacheDir,
      {
        key: setKey,
        listing,
        records:
          patchedRows?.map(([file, row]) => [file, row]) ??
          records.map((r) => [fileOf.get(r) as number, encodeRecord(r)]),
        fileDiagnostics: diagnostics.slice(listedDiagnostics),
        dropped,
        rejected,
        hiddenKeys,
        ...(spool === undefined ? {} : { droppedKeys: spool }),
      },
      patched && patcher !== undefined ? { saved: patcher.set, replaced: patcher.replaced() } : undefined,
    );
    nameHidden(dropped, `scan-set:${base}`);
    // A set written whole hands the build its hidden keys as a table over the file just written,
    // not as strings (29 MB at 1,000,000 records, and a `Set` of them in the build).
    const rest = patched ? undefined : readSavedRest(options.cacheDir, base);
    if (rest !== undefined && rest.keys.count === hiddenKeys.length + (spool?.count ?? dropped.hiddenKeys.length)) {
      hideInTable(dropped, rest.keys, hiddenKeys.length);
      spool?.close();
      spool = undefined;
    }
  }
  // Spooled keys the build has no table of yet (no cache folder, or the set was not written):
  // a table over the spool's file, else (a spool in memory) the strings.
  if (spool !== undefined) {
    const table = spool.table();
    if (table !== undefined) hideInTable(dropped, table, 0);
    else dropped.hiddenKeys = spool.keys();
    spool.close();
    spool = undefined;
  }

  // The few thousand records that reach a feed are read again in full; a rebuild takes those whose
  // files kept their identity from the hydrate cache (0.1 s of 100,000 records' build).
  // Each chosen record is completed from its file as the scan saw it: the same identity (size,
  // mtime, ctime, inode) as when it was selected. A file changed or removed since then is not
  // published half (a lean record has no summary, images or related links): the build fails with
  // a `record-changed` diagnostic naming it, and nothing is written.
  const hydrate = (chosen: ArticleRecord[]): ArticleRecord[] => {
    if (!lean) return chosen;
    const saved = options.cacheDir === undefined ? undefined : readHydrateCache(options.cacheDir, key);
    const entries: HydratedEntry[] = [];
    const changed: Diagnostic[] = [];
    let misses = 0;
    const full = { lean: false, maxFileSize, prefilter: undefined };
    const out = chosen.map((r) => {
      const at = pathOf.get(r);
      if (at === undefined) return r;
      const [path, identity] = at;
      const hit = saved?.get(path);
      let row: RecordRow | undefined;
      if (hit !== undefined && sameIdentities(hit[0], identity)) {
        row = hit[1];
      } else {
        misses++;
        const shown = r.source ?? display(path, cwd);
        const outcome = parseJob({ path, shown }, full) as FileOutcome;
        if (!sameIdentities(outcome[0], identity) || outcome[2] === 0 || outcome[2][5] !== r.webUrl) {
          changed.push(changedDiagnostic(outcome[0][3] === 0, shown));
          return r;
        }
        // (Through JSON: not slices of the file's text, which would keep all of it.)
        row = JSON.parse(JSON.stringify(outcome[2])) as RecordRow;
      }
      entries.push([path, identity, row]);
      return makeRecord({ ...decodeRecord(row), id: r.id });
    });
    if (changed.length > 0) throw changedError(changed);
    if (
      options.cacheDir !== undefined &&
      // A few misses (a record edited since) are parsed again next time rather than rewrite
      // 1.4 MB at 100,000 records for each edit.
      (misses > MAX_HYDRATE_MISSES || saved === undefined || saved.size !== entries.length) &&
      options.writeCacheIf?.(diagnostics) !== false
    )
      writeHydrateCache(options.cacheDir, key, entries);
    return out;
  };
  const result: ScanResult = {
    records,
    diagnostics,
    read: paths.length,
    rejected,
    hydrate,
    sourceOf: (r) => {
      const at = pathOf.get(r);
      return at === undefined ? undefined : `${at[0]}\0${at[1].join(" ")}`;
    },
    listing: listing ?? [],
    identities,
    ...(changedIdentities === undefined ? {} : { changedIdentities }),
    stats: {
      files: paths.length,
      parsed,
      fromCache: paths.length - parsed,
      workers,
      cache: cacheNote,
      lean,
      listing: keptListing === undefined ? "read" : "kept",
    },
  };
  if (prefilter !== undefined) result.dropped = dropped;
  if (hiddenKeys.length > 0) result.hiddenKeys = hiddenKeys;
  return result;
}

// The listing as a compact list, made from each folder's names (a string per path would be made
// only to be taken apart again) unless they need sorting across folders. With `ahead`, the names
// are handed on as they are read, and `places` says where each file's identity will be (when
// the list follows the folders' runs; else the stats taken ahead cannot be matched).
function listCompact(
  inputs: readonly string[],
  cwd: string,
  ahead?: StatAhead,
): {
  paths: PathList;
  listDiagnostics: Diagnostic[];
  places: Int32Array | undefined;
  stamps: FolderStamp[] | undefined;
} {
  const listed = listRecordRuns(
    inputs,
    cwd,
    ahead === undefined ? {} : { onNames: (folder, names) => ahead.add(folder, names) },
  );
  const paths = listed.ordered ? PathList.fromRuns(listed.runs) : new PathList(sortedPaths(listed));
  const places = listed.ordered ? ahead?.placesOf(listed.runs) : undefined;
  return { paths, listDiagnostics: listed.diagnostics, places, stamps: listed.stamps };
}

// The identity of file `i` in a flat array of four numbers per file; undefined for none (NaN).
function identityAt(all: Float64Array, i: number): FileIdentity | undefined {
  const size = all[4 * i] as number;
  return Number.isNaN(size)
    ? undefined
    : [size, all[4 * i + 1] as number, all[4 * i + 2] as number, all[4 * i + 3] as number];
}

function changedDiagnostic(removed: boolean, shown: string): Diagnostic {
  return diagnostic(
    "record-changed",
    `the file ${removed ? "was removed" : "changed"} while the build ran, after it was read and selected; build again`,
    { file: shown },
  );
}

function changedError(changed: Diagnostic[]): TopicfeedsError {
  return new TopicfeedsError(
    "records-changed",
    `${changed.length} record file${changed.length === 1 ? "" : "s"} changed or ${changed.length === 1 ? "was" : "were"} removed while the build ran; nothing was written`,
    changed,
  );
}

// Each batch of outcomes travels as JSON, from a worker and in this thread too: the copy also lets
// go of the file texts that parsed strings would otherwise keep alive (a V8 slice shares its
// parent string): 200 MB at 100,000 records.
function parseHere(
  batches: Batches,
  settings: ParseSettings,
  options: ScanOptions,
  consume: (json: string) => void,
): void {
  let done = 0;
  for (let b = 0; b < batches.count; b++) {
    consume(parseBatch(batches, b, settings));
    done += batches.size(b);
    options.onProgress?.(done, batches.files);
  }
}

/** The files of a scan in batches: how many, and each batch's jobs, made when it is handed out. */
interface Batches {
  count: number;
  files: number;
  size: (batch: number) => number;
  /** Whether every file of the batch is known unchanged (answered without jobs). */
  ready: (batch: number) => boolean;
  jobs: (batch: number) => ParseJob[];
}

// The answer of a batch of `n` files that are all as before.
function unchangedBatch(n: number): string {
  return n === 0 ? "[]" : `[0${",0".repeat(n - 1)}]`;
}

// A batch's answer made in this thread.
function parseBatch(batches: Batches, b: number, settings: ParseSettings): string {
  return batches.ready(b)
    ? unchangedBatch(batches.size(b))
    : JSON.stringify(batches.jobs(b).map((job) => parseJob(job, settings)));
}

// Parses with `count` threads: this one and `count - 1` workers. This thread takes its share
// between the workers' answers (one isolate fewer: ~60 MB less at 100,000 records); each worker
// has two batches in hand, so it never waits while this thread parses.
async function parseInWorkers(
  batches: Batches,
  pool: Worker[],
  setup: { lean: boolean; maxFileSize: number; cwd: string; prefilter: FeedsConfig | undefined },
  settings: ParseSettings,
  options: ScanOptions,
  consume: (json: string) => void,
): Promise<void> {
  // Answers that came before an earlier batch's: held until they can be consumed in order.
  const waiting: (string | undefined)[] = new Array(batches.count);
  let nextToConsume = 0;
  let next = 0;
  let done = 0;
  let failed = false;
  const arrived = (batch: number, json: string) => {
    waiting[batch] = json;
    done += batches.size(batch);
    while (nextToConsume < batches.count && waiting[nextToConsume] !== undefined) {
      const j = waiting[nextToConsume] as string;
      waiting[nextToConsume++] = undefined;
      consume(j);
    }
    options.onProgress?.(done, batches.files);
  };
  const answered = pool.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        let inHand = 0;
        const send = () => {
          while (inHand < 2 && next < batches.count) {
            const batch = next++;
            if (batches.ready(batch)) {
              arrived(batch, unchangedBatch(batches.size(batch)));
              continue;
            }
            inHand++;
            worker.postMessage({ batch, jobs: batches.jobs(batch) });
          }
          if (inHand === 0) resolve();
        };
        const fail = (error: unknown) => {
          failed = true;
          reject(error);
        };
        worker.on("message", (msg: { batch: number; json: string }) => {
          try {
            inHand--;
            send();
            arrived(msg.batch, msg.json);
          } catch (error) {
            fail(error);
          }
        });
        worker.on("error", fail);
        worker.on("exit", (code) => {
          if (inHand > 0) fail(new Error(`a parse worker stopped (exit code ${code})`));
        });
        worker.postMessage({ setup });
        send();
      }),
  );
  // This thread's share: a batch at a time, letting the workers' answers in between.
  const here = (async () => {
    while (!failed && next < batches.count) {
      const batch = next++;
      arrived(batch, parseBatch(batches, batch, settings));
      await new Promise((r) => setImmediate(r));
    }
  })();
  await Promise.all([here, ...answered]);
  if (nextToConsume < batches.count)
    throw new Error(`parse threads answered ${nextToConsume} of ${batches.count} batches`);
}
