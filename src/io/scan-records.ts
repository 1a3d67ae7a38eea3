import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { RecordSet } from "../build.js";
import { makeRecord } from "../records/normalize-record.js";
import { compilePrefilter, emptySummary } from "../select/prefilter.js";
import type { ArticleRecord, Diagnostic, FeedsConfig } from "../types.js";
import { parseJob, type ParseJob, type ParseSettings } from "./parse-job.js";
import { display, listRecordFiles, readRecordFile } from "./read-records.js";
import { readRecordCache, writeRecordCache } from "./record-cache.js";
import { addDropRow, decodeRecord, type FileOutcome } from "./record-rows.js";

/** Options of {@link scanRecords}. */
export interface ScanOptions {
  cwd?: string;
  /** Records larger than this are rejected (default 10 MiB). */
  maxFileSize?: number;
  /** Worker threads for parsing: 1 parses in this thread. Default: 2 on a multi-core machine for 4,000+ files. */
  workers?: number;
  /** Persistent cache folder, or undefined for none. */
  cacheDir?: string;
  /** Hash of the config and options: a different key ignores the cache. */
  cacheKey?: string;
  /** Keep records lean (without excerpt, images, related) and complete them with `hydrate`. Default true. */
  lean?: boolean;
  /**
   * The build config: records that can reach no feed under it are counted, not kept (see
   * `compilePrefilter`), which keeps memory flat. Pass the same config to `buildFeeds`.
   */
  prefilter?: FeedsConfig;
  /** Called after each batch with the files done so far. */
  onProgress?: (done: number, total: number) => void;
  /** The compiled worker script; default `parse-worker.js` beside this module. */
  workerUrl?: URL;
}

/** A {@link RecordSet} plus what a build needs to complete lean records, and what the scan did. */
export interface ScanResult extends RecordSet {
  hydrate: (records: ArticleRecord[]) => ArticleRecord[];
  stats: { files: number; parsed: number; fromCache: number; workers: number; cache: string };
}

const DEFAULT_MAX = 10 * 1024 * 1024;
const BATCH = 500;

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
  const prefilter = options.prefilter === undefined ? undefined : compilePrefilter(options.prefilter);
  // Custom rules need whole records: then nothing is set aside and records stay complete.
  const lean = (options.lean ?? true) && (options.prefilter === undefined || prefilter !== undefined);
  const listed = listRecordFiles(inputs, cwd);
  const paths = listed.files;
  const key = `${options.cacheKey ?? ""}|${lean}|${maxFileSize}|${cwd}|${prefilter === undefined ? "" : JSON.stringify(options.prefilter)}`;
  let cached: Map<string, FileOutcome> | undefined;
  let cacheNote = "off";
  if (options.cacheDir !== undefined) {
    const c = readRecordCache(options.cacheDir, key);
    cached = c.entries;
    cacheNote = c.note;
  }
  const jobs: ParseJob[] = paths.map((path) => {
    const job: ParseJob = { path, shown: display(path, cwd) };
    const known = cached?.get(path)?.[0];
    if (known !== undefined) job.known = known;
    return job;
  });

  const cores = availableParallelism();
  const workers = Math.max(1, Math.min(options.workers ?? (paths.length >= 4000 && cores > 1 ? 2 : 1), 64));
  const batches =
    workers > 1
      ? await parseInWorkers(jobs, workers, { lean, maxFileSize, prefilter: prefilter === undefined ? undefined : options.prefilter }, options)
      : parseHere(jobs, { lean, maxFileSize, prefilter }, options);

  const records: ArticleRecord[] = [];
  const diagnostics: Diagnostic[] = [...listed.diagnostics];
  const dropped = emptySummary();
  const pathOf = new Map<ArticleRecord, string>();
  const forCache: { paths: string[]; outcomes: FileOutcome[]; json: string | undefined }[] = [];
  const hiddenKeys: string[] = [];
  let rejected = 0;
  let parsed = 0;
  let i = 0;
  for (const batch of batches) {
    const merged: FileOutcome[] = [];
    const batchPaths: string[] = [];
    let fresh = true;
    for (const res of batch.outcomes) {
      const path = paths[i++] as string;
      let outcome: FileOutcome;
      if (res === 0) {
        outcome = cached?.get(path) as FileOutcome;
        fresh = false;
      } else {
        parsed++;
        outcome = res;
      }
      merged.push(outcome);
      batchPaths.push(path);
      const [, diags, row, drop] = outcome;
      if (diags !== 0) for (const d of diags) diagnostics.push(d);
      if (row !== 0) {
        const r = decodeRecord(row);
        records.push(r);
        pathOf.set(r, path);
      } else if (drop !== 0 && drop[0] !== "") addDropRow(dropped, drop);
      else {
        rejected++;
        if (drop !== 0) for (const k of drop[1]) hiddenKeys.push(k);
      }
    }
    if (options.cacheDir !== undefined) forCache.push({ paths: batchPaths, outcomes: merged, json: fresh ? batch.json : undefined });
  }
  // A cache of 100,000 files is not rewritten for a handful of changes: files it does not know
  // yet are parsed again (cheaply) until more than 1 % have changed, or files were removed.
  const stale = cached === undefined ? paths.length : parsed + Math.max(0, cached.size - (paths.length - parsed));
  if (options.cacheDir !== undefined && (cached === undefined || stale > Math.max(20, paths.length / 100))) {
    try {
      writeRecordCache(
        options.cacheDir,
        key,
        forCache.map((b) => `[${JSON.stringify(b.paths)},${b.json ?? JSON.stringify(b.outcomes)}]`),
      );
    } catch {
      cacheNote += "; could not be written";
    }
  }

  const hydrate = (chosen: ArticleRecord[]): ArticleRecord[] => {
    if (!lean) return chosen;
    return chosen.map((r) => {
      const path = pathOf.get(r);
      if (path === undefined) return r;
      const full = readRecordFile(path, r.source ?? display(path, cwd), maxFileSize).record;
      // The file changed between scan and render: keep what was selected.
      return full !== undefined && full.webUrl === r.webUrl ? makeRecord({ ...full, id: r.id }) : r;
    });
  };
  const result: ScanResult = {
    records,
    diagnostics,
    read: paths.length,
    rejected,
    hydrate,
    stats: { files: paths.length, parsed, fromCache: paths.length - parsed, workers, cache: cacheNote },
  };
  if (prefilter !== undefined) result.dropped = dropped;
  if (hiddenKeys.length > 0) result.hiddenKeys = hiddenKeys;
  return result;
}

/** Outcomes of one batch of files, with the JSON they came as from a worker. */
interface Batch {
  outcomes: (FileOutcome | 0)[];
  json?: string;
}

function parseHere(jobs: ParseJob[], settings: ParseSettings, options: ScanOptions): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < jobs.length; i += BATCH) {
    out.push({ outcomes: jobs.slice(i, i + BATCH).map((job) => parseJob(job, settings)) });
    options.onProgress?.(Math.min(i + BATCH, jobs.length), jobs.length);
  }
  return out;
}

async function parseInWorkers(
  jobs: ParseJob[],
  count: number,
  setup: { lean: boolean; maxFileSize: number; prefilter: FeedsConfig | undefined },
  options: ScanOptions,
): Promise<Batch[]> {
  const url = options.workerUrl ?? new URL("./parse-worker.js", import.meta.url);
  const batches: ParseJob[][] = [];
  for (let i = 0; i < jobs.length; i += BATCH) batches.push(jobs.slice(i, i + BATCH));
  const results: Batch[] = new Array(batches.length);
  let next = 0;
  let done = 0;
  let received = 0;
  const pool = Array.from({ length: Math.min(count, batches.length) }, () => new Worker(url));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= batches.length) return resolve();
              const batch = next++;
              worker.postMessage({ batch, jobs: batches[batch] });
            };
            worker.on("message", (msg: { batch: number; json: string }) => {
              const part = JSON.parse(msg.json) as (FileOutcome | 0)[];
              results[msg.batch] = { outcomes: part, json: msg.json };
              received++;
              done += part.length;
              options.onProgress?.(done, jobs.length);
              send();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => {
              if (received < batches.length) reject(new Error(`a parse worker stopped (exit code ${code})`));
            });
            worker.postMessage({ setup });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
