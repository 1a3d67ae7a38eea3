import { availableParallelism } from "node:os";
import { relative, sep } from "node:path";
import { Worker } from "node:worker_threads";
import type { RecordSet } from "../build.js";
import { makeRecord } from "../records/normalize-record.js";
import type { ArticleRecord, Diagnostic } from "../types.js";
import { parseJob, type ParseJob, type ParseResult } from "./parse-job.js";
import { listRecordFiles, readRecordFile } from "./read-records.js";
import { readRecordCache, writeRecordCache, type CacheEntry } from "./record-cache.js";

/** Options of {@link scanRecords}. */
export interface ScanOptions {
  cwd?: string;
  /** Records larger than this are rejected (default 10 MiB). */
  maxFileSize?: number;
  /** Worker threads for parsing: 1 parses in this thread. Default: 2 on a multi-core machine for 1,000+ files. */
  workers?: number;
  /** Persistent cache folder, or undefined for none. */
  cacheDir?: string;
  /** Hash of the config and options: a different key ignores the cache. */
  cacheKey?: string;
  /** Keep records lean (without excerpt, images, related) and complete them with `hydrate`. Default true. */
  lean?: boolean;
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
const BATCH = 1000;

/**
 * Reads every record under the given paths, fast: files are parsed in worker threads, records
 * are kept lean, and with a cache folder only files whose identity (size, mtime, ctime, inode)
 * changed are parsed again; the others come from the cache with their diagnostics, so a bad
 * record is still reported on every build. The result is the same, record for record and
 * diagnostic for diagnostic, with or without cache and workers.
 *
 * @param inputs - files and folders
 * @param options - see {@link ScanOptions}
 * @returns the records, diagnostics, counts, and `hydrate` for {@link buildFeeds}
 * @example
 * const scan = await scanRecords(["content"], { cacheDir: "node_modules/.cache/topicfeeds", cacheKey });
 * const { files } = buildFeeds(scan, config, { hydrate: scan.hydrate });
 */
export async function scanRecords(inputs: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const cwd = options.cwd ?? process.cwd();
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX;
  const lean = options.lean ?? true;
  const listed = listRecordFiles(inputs, cwd);
  const paths = listed.files;
  const key = `${options.cacheKey ?? ""}|${lean}|${maxFileSize}|${cwd}`;
  let cached: Map<string, CacheEntry> | undefined;
  let cacheNote = "off";
  if (options.cacheDir !== undefined) {
    const c = readRecordCache(options.cacheDir, key);
    cached = c.entries;
    cacheNote = c.note;
  }
  const jobs: ParseJob[] = paths.map((path) => {
    const job: ParseJob = { path, shown: display(path, cwd) };
    const known = cached?.get(path)?.identity;
    if (known !== undefined) job.known = known;
    return job;
  });

  const cores = availableParallelism();
  const workers = Math.max(1, Math.min(options.workers ?? (paths.length >= 1000 && cores > 1 ? 2 : 1), 64));
  const results = workers > 1 ? await parseInWorkers(jobs, workers, lean, maxFileSize, options) : parseHere(jobs, lean, maxFileSize, options);

  const records: ArticleRecord[] = [];
  const diagnostics: Diagnostic[] = [...listed.diagnostics];
  const entries: [string, CacheEntry][] = [];
  const pathOf = new Map<ArticleRecord, string>();
  let rejected = 0;
  let parsed = 0;
  let changed = cached === undefined || cached.size !== paths.length;
  results.forEach((res, i) => {
    const path = paths[i] as string;
    let entry: CacheEntry;
    if (res.same) {
      entry = cached?.get(path) as CacheEntry;
    } else {
      parsed++;
      changed = true;
      entry = { identity: res.identity, diagnostics: res.diagnostics };
      if (res.record !== undefined) entry.record = res.record;
    }
    entries.push([path, entry]);
    diagnostics.push(...entry.diagnostics);
    if (entry.record === undefined) rejected++;
    else {
      records.push(entry.record);
      pathOf.set(entry.record, path);
    }
  });
  if (options.cacheDir !== undefined && changed) {
    try {
      writeRecordCache(options.cacheDir, key, entries);
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
  return {
    records,
    diagnostics,
    read: paths.length,
    rejected,
    hydrate,
    stats: { files: paths.length, parsed, fromCache: paths.length - parsed, workers, cache: cacheNote },
  };
}

function parseHere(jobs: ParseJob[], lean: boolean, maxFileSize: number, options: ScanOptions): ParseResult[] {
  const out: ParseResult[] = [];
  for (let i = 0; i < jobs.length; i++) {
    out.push(parseJob(jobs[i] as ParseJob, lean, maxFileSize));
    if ((i + 1) % BATCH === 0) options.onProgress?.(i + 1, jobs.length);
  }
  options.onProgress?.(jobs.length, jobs.length);
  return out;
}

async function parseInWorkers(jobs: ParseJob[], count: number, lean: boolean, maxFileSize: number, options: ScanOptions): Promise<ParseResult[]> {
  const url = options.workerUrl ?? new URL("./parse-worker.js", import.meta.url);
  const batches: ParseJob[][] = [];
  for (let i = 0; i < jobs.length; i += BATCH) batches.push(jobs.slice(i, i + BATCH));
  const results: ParseResult[][] = new Array(batches.length);
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
              worker.postMessage({ batch, jobs: batches[batch], lean, maxFileSize });
            };
            worker.on("message", (msg: { batch: number; results: ParseResult[] }) => {
              results[msg.batch] = msg.results;
              received++;
              done += msg.results.length;
              options.onProgress?.(done, jobs.length);
              send();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => {
              if (received < batches.length) reject(new Error(`a parse worker stopped (exit code ${code})`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.flat();
}

function display(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return (rel === "" || rel.startsWith("..") ? path : rel).split(sep).join("/");
}
