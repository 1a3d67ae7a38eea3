import { statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { BuildOptions } from "../build.js";
import { isTopicfeedsError, TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { acquireLock, type HeldLock } from "../io/_build-lock.js";
import { writeIdLock } from "../io/id-lock-file.js";
import { type ParseSettings, parseJob } from "../io/parse-job.js";
import { listRecordFiles } from "../io/read-records.js";
import {
  decodeRecord,
  encodeRecord,
  type FileIdentity,
  type FileOutcome,
  type InternTable,
  internOutcome,
  internTable,
  sameIdentities,
} from "../io/record-rows.js";
import { scanRecords } from "../io/scan-records.js";
import { outputPaths, type WriteOptions, writeFiles } from "../io/write-files.js";
import { makeRecord } from "../records/normalize-record.js";
import { verifyOutput } from "../render/verify-output.js";
import { compilePrefilter, prefilterConfig } from "../select/prefilter.js";
import type { ArticleRecord, BuildReport, BuildResult, Diagnostic, FeedsConfig, OutputFile } from "../types.js";
import { CACHE_VERSION } from "../version.js";
import { type FileEntry, isRejected, RecordIndex } from "./_record-index.js";
import { type FolderWatcher, watchFolders } from "./_watch-folders.js";

/** Options of {@link watchFeeds}. */
export interface WatchOptions {
  /** The output folder. */
  out: string;
  /** Diagnostics name files relative to this folder (default: the working directory). */
  cwd?: string;
  /** Record cache for the first build (see `scanRecords`); updates keep everything in memory. */
  cacheDir?: string;
  /** Parser threads of the first build. */
  workers?: number;
  /** Quiet time, in milliseconds, that ends a batch of events on one file (default 10: editors save within a millisecond or two; 300 for many files or folders). */
  debounce?: number;
  /** Called after the first build and after every update. */
  onBuild?: (update: WatchUpdate) => void;
  /**
   * The config file, or the names it may have (e.g. every name a config file is looked up by):
   * when one changes, appears or goes, `reload` gives the new config and everything is built
   * again. A config that does not load is reported (`error`) and the last good one stays.
   */
  configFiles?: string[];
  /** Loads the config again after one of `configFiles` changed; without it, config changes are ignored. */
  reload?: () => Promise<FeedsConfig & { strict?: boolean }>;
  /** The id lock file to keep up to date (its contents are `config.idLock`). */
  lockFile?: string;
  /** Flush each update to disk before it is published (see `writeFiles`); default false. */
  fsync?: boolean;
  /**
   * Called once when the watcher has been quiet for half a second after an update (and after
   * the first build): the moment to give memory back (the CLI runs a full garbage collection
   * there, so the resident size stays flat across edits instead of growing until V8 collects).
   */
  onIdle?: () => void;
  /**
   * Stops the watcher as `close()` does. Aborted during the first build, nothing is written and
   * the returned handle is already closed.
   */
  signal?: AbortSignal;
}

/** What one build of a watcher did. */
export interface WatchUpdate {
  /** `initial`: the first build; `config`: a rebuild after the config changed; `records`: record files changed. */
  cause: "initial" | "config" | "records";
  /** Output files rewritten (their bytes changed), relative to the output folder. */
  written: string[];
  /** Record files read again, added or removed. */
  changed: number;
  /** Record files whose new version is rejected: their last good version stays in the feeds. */
  held: string[];
  /** Diagnostics of the files read in this update (all of them for the first build). */
  diagnostics: Diagnostic[];
  /** The report of the build, unless it failed. */
  report?: BuildReport;
  /** Why nothing was written (a strict build with errors, a config that does not load, a failed write). */
  error?: TopicfeedsError;
  /** Milliseconds from the end of the batch of events to the last file renamed into place. */
  ms: number;
}

/** A running watcher. */
export interface WatchHandle {
  /** Stops watching; resolves once an update under way has finished (never mid-write). */
  close(): Promise<void>;
}

const RECORD_FILE = /\.(md|markdown)$/i;

/**
 * Builds the feeds once, then keeps every record file's outcome and the published bytes in
 * memory and reacts to file events: a changed, added, removed or renamed record file is read
 * again (only it), the pure build stages run over the records in memory, and only the output
 * files whose bytes change are rewritten, atomically, with the same `writeFiles` a build uses.
 * Events are debounced (an editor's multi-step save, a `git checkout` of many files: one
 * update). A record edited into an error is reported and its last good version stays in the
 * feeds until it is fixed. Folders added or removed are listed again; a changed config file
 * rebuilds everything. The output folder's lock (and the cache folder's) is held until the
 * watcher stops: another build of the same folder fails with `locked` meanwhile.
 *
 * @param paths - record files and folders
 * @param config - the build config
 * @param options - output folder, callbacks, config reloading
 * @returns a handle to stop watching, once the first build is written
 * @throws TopicfeedsError when the first build fails (as `buildFeeds`/`writeFiles` would), or `locked` when another build holds the output or cache folder
 * @example
 * const watcher = await watchFeeds(["content"], { baseUrl: "https://example.com/feeds/" }, {
 *   out: "public/feeds", onBuild: (u) => console.log(u.written.join(" "), u.ms) });
 * // later
 * await watcher.close();
 */
export async function watchFeeds(
  paths: readonly string[],
  config: FeedsConfig & { strict?: boolean },
  options: WatchOptions,
): Promise<WatchHandle> {
  const t0 = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const roots = paths.map((p) => resolve(cwd, p));
  const out = resolve(cwd, options.out);
  const maxFileSize = 10 * 1024 * 1024;
  let current = config;
  /** What the last write wrote (the live build's own files), once this watcher has written. */
  let lastWrote: string[] | undefined;
  /** The bytes last written (or found in place) per output file, which were verified. */
  const published = new Map<string, string>();

  const pending = new Set<string>();
  let folders = false;
  let configChanged = false;
  let events = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  const idleSoon = () => {
    if (options.onIdle === undefined || closed) return;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (!closed && running === undefined && timer === undefined) options.onIdle?.();
    }, 500);
    idleTimer.unref();
  };
  let ready = false;
  let closed = false;
  const debounce = options.debounce ?? 10;
  const schedule = () => {
    if (closed || !ready) return;
    if (timer !== undefined) clearTimeout(timer);
    // One file (an editor's save, even in several steps) ends its batch after a short quiet time;
    // many files (a checkout, a copy) after a longer one, so that they are one update.
    const quiet = pending.size <= 1 && !folders ? debounce : Math.max(debounce, 300);
    const seen = events;
    timer = setTimeout(() => {
      timer = undefined;
      // Events the kernel has queued are read in the event loop's poll phase, which comes after
      // timers: look once more after it, so that a batch is not cut at events not read yet.
      setImmediate(() => {
        if (closed || events !== seen || running !== undefined) return; // a newer timer, or the update under way, takes them
        running = run().finally(() => {
          running = undefined;
          if (pending.size > 0 || folders || configChanged) schedule();
          else idleSoon();
        });
      });
    }, quiet);
  };
  const configPaths = new Set((options.configFiles ?? []).map((f) => resolve(cwd, f)));
  // Watching starts before the first build, so that nothing saved meanwhile is missed.
  // One build at a time per output and cache folder, for as long as the watcher runs.
  const locks: HeldLock[] = [acquireLock(outputPaths(out).lock, { what: `the output folder ${out}`, tidy: true })];
  if (options.cacheDir !== undefined) {
    const cacheDir = resolve(cwd, options.cacheDir);
    try {
      locks.push(acquireLock(join(cacheDir, "build.lock"), { what: `the cache folder ${cacheDir}`, tidy: true }));
    } catch (e) {
      for (const l of locks) l.release();
      throw e;
    }
  }
  const watcher: FolderWatcher = watchFolders(
    [...roots, ...configPaths],
    (path, folder) => {
      events++;
      if (configPaths.has(path)) configChanged = true;
      else if (folder) folders = true;
      else pending.add(path);
      schedule();
    },
    () => {
      events++;
      folders = true;
      schedule();
    },
  );
  const handle: WatchHandle = {
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      watcher.close();
      options.signal?.removeEventListener("abort", abort);
      await running;
      for (const l of locks.splice(0).reverse()) l.release();
    },
  };
  const abort = () => void handle.close();
  if (options.signal?.aborted === true) abort();
  else options.signal?.addEventListener("abort", abort, { once: true });
  let state: State;
  try {
    state = await load(current);
    // Stopped during the first build: nothing is written.
    if (closed) return handle;
    const first = publish(state, "initial", t0, state.index.size, [], state.diagnostics, undefined);
    if (first.error !== undefined) throw first.error;
    options.onBuild?.(first);
  } catch (error) {
    await handle.close();
    throw error;
  }
  ready = true;
  if (pending.size > 0 || folders || configChanged) schedule();
  else idleSoon();

  async function run(): Promise<void> {
    const start = performance.now();
    if (configChanged && options.reload !== undefined) {
      configChanged = false;
      pending.clear();
      folders = false;
      let next: FeedsConfig & { strict?: boolean };
      try {
        next = await options.reload();
      } catch (e) {
        const error = isTopicfeedsError(e)
          ? e
          : new TopicfeedsError("invalid-config", `cannot load the config: ${(e as Error).message}`);
        options.onBuild?.({ cause: "config", written: [], changed: 0, held: [], diagnostics: [], error, ms: 0 });
        return;
      }
      if (closed) return;
      current = next;
      state = await load(current);
      if (closed) return;
      options.onBuild?.(publish(state, "config", start, state.index.size, [], state.diagnostics, undefined));
      return;
    }
    configChanged = false;
    const changed = update(state, [...pending], folders);
    pending.clear();
    folders = false;
    if (changed.count === 0) return;
    options.onBuild?.(
      publish(state, "records", start, changed.count, changed.held, changed.diagnostics, new Set(changed.paths)),
    );
  }

  interface State {
    index: RecordIndex;
    settings: ParseSettings;
    lean: boolean;
    /** Files whose latest version is rejected while an earlier one stays, with that version's diagnostics. */
    held: Map<string, Diagnostic[]>;
    /** Complete records of feed items, by file, while the file keeps its identity (the same objects, so that the memo sees unchanged feeds). */
    full: Map<string, [FileIdentity, ArticleRecord, ArticleRecord]>;
    diagnostics: Diagnostic[];
    /** The strings records read by updates share (see `internOutcome`). */
    strings: InternTable;
  }

  async function load(cfg: FeedsConfig): Promise<State> {
    const pre = prefilterConfig(cfg);
    const compiled = compilePrefilter(pre);
    const index = new RecordIndex(compiled !== undefined, cfg);
    const scan = await scanRecords(roots, {
      cwd,
      cacheKey: CACHE_VERSION,
      prefilter: pre,
      ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      onFile: (path, outcome, record) => index.append(path, outcome, record),
    });
    index.setListing(listRecordFiles(roots, cwd).diagnostics);
    return {
      index,
      settings: { lean: scan.stats.lean, maxFileSize, prefilter: compiled, cwd },
      lean: scan.stats.lean,
      held: new Map(),
      full: new Map(),
      diagnostics: scan.diagnostics,
      strings: internTable(),
    };
  }

  // Reads the files that may have changed into the index; with `relist`, lists the folders again
  // first (folders came or went). Returns how many record files changed and what they reported.
  function update(s: State, paths: string[], relist: boolean) {
    const candidates = new Set(paths.filter((p) => roots.includes(p) || RECORD_FILE.test(basename(p))));
    if (relist) {
      const listed = listRecordFiles(roots, cwd);
      s.index.setListing(listed.diagnostics);
      const now = new Set(listed.files);
      for (const p of s.index.all()) if (!now.has(p)) candidates.add(p);
      for (const p of listed.files) if (!s.index.has(p)) candidates.add(p);
    }
    let count = 0;
    const diagnostics: Diagnostic[] = [];
    const touched: string[] = [];
    for (const path of [...candidates].sort()) {
      const known = s.index.get(path);
      let exists = false;
      try {
        exists = statSync(path).isFile();
      } catch {
        exists = false;
      }
      if (!exists) {
        s.held.delete(path);
        if (s.index.delete(path)) {
          count++;
          touched.push(path);
        }
        continue;
      }
      // Read whatever the identity says: a save within the file system's timestamp granularity
      // can leave size and mtime as they were.
      const outcome = parseJob({ path }, s.settings);
      if (outcome === 0) continue;
      // An event without a change (the same identity and the same outcome): nothing to say.
      if (
        known !== undefined &&
        !s.held.has(path) &&
        sameIdentities(known.identity, outcome[0]) &&
        sameOutcome(known, outcome)
      )
        continue;
      count++;
      const diags = outcome[1] === 0 ? [] : outcome[1];
      for (const d of diags) diagnostics.push(d);
      // A record edited into an error keeps its last good version until it is fixed.
      const good =
        known !== undefined && (known.record !== undefined || (known.drop !== undefined && known.drop[0] !== ""));
      if (isRejected(outcome) && known !== undefined && (good || s.held.has(path))) {
        s.held.set(path, diags);
        continue;
      }
      s.held.delete(path);
      set(s, path, outcome);
      touched.push(path);
    }
    return { count, diagnostics, held: [...s.held.keys()], paths: touched };
  }

  // Whether a file read again came to what it came to before (its record, drop row and diagnostics).
  function sameOutcome(known: FileEntry, outcome: FileOutcome): boolean {
    const before = JSON.stringify([
      known.diagnostics.length === 0 ? 0 : known.diagnostics,
      known.record === undefined ? 0 : encodeRecord(known.record),
      known.drop ?? 0,
    ]);
    return before === JSON.stringify([outcome[1], outcome[2], outcome[3]]);
  }

  function set(s: State, path: string, outcome: FileOutcome): void {
    internOutcome(outcome, s.strings);
    s.index.set(path, outcome, outcome[2] === 0 ? undefined : decodeRecord(outcome[2]));
  }

  // Completes the lean records that reach a feed, reading only files not read in full before.
  function hydrate(s: State, chosen: ArticleRecord[]): ArticleRecord[] {
    if (!s.lean) return chosen;
    // Only the items of feeds rendered again are asked for: the complete records of the others
    // stay, while their files keep the identity they were read with (checked when asked).
    const keep = s.full;
    const result = chosen.map((r) => {
      const path = s.index.pathOf.get(r);
      const entry = path === undefined ? undefined : s.index.get(path);
      if (path === undefined || entry === undefined) return r;
      const hit = keep.get(path);
      if (hit !== undefined && hit[1] === r && sameIdentities(hit[0], entry.identity)) return hit[2];
      keep.delete(path);
      const outcome = parseJob({ path, shown: r.source ?? path }, { lean: false, maxFileSize, cwd });
      if (outcome === 0 || outcome[2] === 0) return r;
      const rec = decodeRecord(outcome[2]);
      // The file changed since it was read: keep what was selected.
      if (rec.webUrl !== r.webUrl) return r;
      const full = makeRecord({ ...rec, id: r.id });
      if (sameIdentities(outcome[0], entry.identity)) keep.set(path, [outcome[0], r, full]);
      return full;
    });
    // Files gone from the index take their complete records with them.
    if (keep.size > 2 * Math.max(chosen.length, 1000)) for (const p of keep.keys()) if (!s.index.has(p)) keep.delete(p);
    return result;
  }

  // Checks only rendered files whose bytes differ from what was verified and published before.
  function verify(files: readonly OutputFile[]): Diagnostic[] {
    return verifyOutput(files.filter((f) => published.get(f.path) !== f.contents));
  }

  // Builds from the index (see buildFromIndex) and writes the files whose bytes changed.
  function publish(
    s: State,
    cause: WatchUpdate["cause"],
    start: number,
    changed: number,
    held: string[],
    diagnostics: Diagnostic[],
    paths: ReadonlySet<string> | undefined,
  ): WatchUpdate {
    const base = { cause, changed, held, diagnostics };
    let files: OutputFile[];
    let report: BuildReport;
    let idLock: FeedsConfig["idLock"];
    try {
      const stages: IndexStages = { hydrate: (chosen) => hydrate(s, chosen), verify };
      if (paths !== undefined) stages.changed = paths;
      const built = buildFromIndex(s.index, current, stages);
      files = built.files;
      report = built.report;
      idLock = built.idLock;
    } catch (e) {
      if (!isTopicfeedsError(e)) throw e;
      return { ...base, written: [], error: e, ms: performance.now() - start };
    }
    // The first build (and one after a config change) compares with what is on disk, as a build
    // does; an update passes only the files whose bytes differ from what it published.
    const changedFiles = cause === "records" ? files.filter((f) => published.get(f.path) !== f.contents) : files;
    let written: string[];
    try {
      // The build before the live one differs from it in what the last write wrote (this watcher
      // holds the output folder's lock): only those files are brought level.
      const writeOptions: WriteOptions = { fsync: options.fsync === true };
      if (lastWrote !== undefined) writeOptions.liveWrote = lastWrote;
      written = writeFiles(out, changedFiles, writeOptions).written;
      lastWrote = written;
      if (options.lockFile !== undefined && idLock !== undefined) {
        writeIdLock(options.lockFile, idLock);
        current = { ...current, idLock };
      }
    } catch (e) {
      if (!isTopicfeedsError(e)) throw e;
      return { ...base, written: [], report, error: e, ms: performance.now() - start };
    }
    for (const f of changedFiles) published.set(f.path, f.contents);
    return { ...base, written, report, ms: performance.now() - start };
  }

  return handle;
}

/** What {@link buildFromIndex} is given besides the index and the config. */
export interface IndexStages extends Required<Pick<BuildOptions, "hydrate" | "verify">> {
  /**
   * The paths whose entries were set or deleted in the index since the previous call; undefined
   * when the index was filled from scratch (the first build, a config change).
   */
  changed?: ReadonlySet<string>;
}

/**
 * The seam between the watcher and the build stages: the output files and report of the records
 * the index holds now. This is the only place an update turns the index into files; everything
 * around it (events, reading files, writing, printing) stays the same whatever builds here.
 * The index keeps the build up to date as entries change (`createFeedState`), so an update runs
 * only what the change touches: the selection of the changed records, and the rendering of the
 * feeds whose items changed.
 *
 * @param index - every record file's outcome, in file order
 * @param config - the build config
 * @param stages - hydrate (complete lean records), verify (check only new bytes), and what changed
 * @returns what `buildFeeds` returns
 * @throws TopicfeedsError as `buildFeeds` does (`strict-failed`, `invalid-config`)
 */
export function buildFromIndex(
  index: RecordIndex,
  config: FeedsConfig & { strict?: boolean },
  { hydrate, verify }: IndexStages,
): BuildResult {
  // The index keeps the build up to date entry by entry (createFeedState): this runs only the
  // stages a change needs. An id lock written after the previous update is taken in first.
  if (config.idLock !== undefined) index.feeds.setIdLock(config.idLock);
  return index.feeds.build({ hydrate, verify });
}
