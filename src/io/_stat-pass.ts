import { type Stats, statSync } from "node:fs";
import { sep } from "node:path";
import type { Worker } from "node:worker_threads";
import type { PathList } from "./_path-list.js";
import type { ListedRun } from "./read-records.js";

/**
 * Stats the files of one chunk of a {@link PathList} (its prefix and its NUL-joined rest, starting
 * at file `first`) and compares each with `known` (four numbers per file: size, mtime, ctime,
 * inode; NaN for a file that had none). Returns five numbers per file that differs: its index and
 * its identity now (NaN when it cannot be stat'ed). No object per file is kept: a rebuild's
 * 100,000 `stat`s cost what the `stat`s cost.
 *
 * @example
 * statChunk("/c/", "a.md\0b.md", 0, new Float64Array(8).fill(Number.NaN)) // [0, size, …, 1, size, …]
 */
export function statChunk(prefix: string, rest: string, first: number, known: Float64Array): number[] {
  const changed: number[] = [];
  const names = rest.split("\0");
  for (let k = 0; k < names.length; k++) {
    const st = statQuietly(prefix + (names[k] as string));
    if (hasIdentity(st, known, 4 * k)) continue;
    if (st === undefined) changed.push(first + k, Number.NaN, Number.NaN, Number.NaN, Number.NaN);
    else changed.push(first + k, st.size, st.mtimeMs, st.ctimeMs, st.ino);
  }
  return changed;
}

/**
 * The `stat` of a path, or undefined when it cannot be taken (missing, unreadable: reading the
 * file then reports why).
 *
 * @example
 * statQuietly("content/a.md")?.size
 */
export function statQuietly(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Whether a `stat` shows the identity (size, mtime, ctime, inode) at `known[at]` to `known[at + 3]`.
 *
 * @example
 * hasIdentity(statQuietly(path), [size, mtimeMs, ctimeMs, ino])
 */
export function hasIdentity(st: Stats | undefined, known: ArrayLike<number>, at = 0): boolean {
  return (
    st !== undefined &&
    st.size === known[at] &&
    st.mtimeMs === known[at + 1] &&
    st.ctimeMs === known[at + 2] &&
    st.ino === known[at + 3]
  );
}

/** The files a stat pass found changed: their indexes in the listing, in order, and each one's identity now. */
export interface Changed {
  /** Indexes of the files that differ from the identity they were known by, ascending. */
  at: number[];
  /** Four numbers per changed file (size, mtime, ctime, inode; NaN when it cannot be stat'ed). */
  identities: Float64Array;
}

/**
 * Which listed files differ from the identities an earlier scan saw (`known`, four numbers per
 * file in listing order): every file is stat'ed once, by this thread and, when given, a parse
 * worker, and nothing else is done per file. The two take chunks from one shared counter, so
 * neither waits for the other to hand out work: the worker goes on while this thread does
 * `meanwhile`. The rebuild's floor: list and `stat`.
 *
 * @param paths - the listing
 * @param known - the identities an earlier scan returned for the same paths
 * @param worker - a parse worker to share the `stat`s with, or undefined for this thread alone
 * @param meanwhile - other work for this thread, done while the worker starts on the chunks
 * @example
 * const { at } = await statAgainst(paths, lastIdentities, undefined); // [] when nothing changed
 */
export async function statAgainst(
  paths: PathList,
  known: Float64Array,
  worker: Worker | undefined,
  meanwhile?: () => void,
): Promise<Changed> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const byWorker =
    worker === undefined
      ? Promise.resolve([])
      : new Promise<number[]>((resolve, reject) => {
          const onMessage = (msg: { statAll?: number[] }) => {
            if (msg.statAll === undefined) return;
            done();
            resolve(msg.statAll);
          };
          const onError = (error: unknown) => {
            done();
            reject(error);
          };
          const onExit = (code: number) => onError(new Error(`a parse worker stopped (exit code ${code})`));
          const done = () => {
            worker.off("message", onMessage);
            worker.off("error", onError);
            worker.off("exit", onExit);
          };
          worker.on("message", onMessage);
          worker.on("error", onError);
          worker.on("exit", onExit);
          // The chunks as stored (a few MB for 100,000 paths) and the identities, copied once.
          worker.postMessage({ statAll: { ...paths.stored(), known, next } });
        });
  meanwhile?.();
  const mine = statShared(paths.stored(), known, next);
  const found = [...mine, ...(await byWorker)];
  // Five numbers per changed file, its index first: in listing order.
  const order = Array.from({ length: found.length / 5 }, (_, k) => 5 * k).sort(
    (a, b) => (found[a] as number) - (found[b] as number),
  );
  const at: number[] = [];
  const ids = new Float64Array(4 * order.length);
  order.forEach((o, k) => {
    at.push(found[o] as number);
    for (let j = 0; j < 4; j++) ids[4 * k + j] = found[o + 1 + j] as number;
  });
  return { at, identities: ids };
}

/** A path list's chunks as stored (see {@link PathList.stored}), as a stat pass takes them. */
export interface StoredChunks {
  prefixes: readonly string[];
  rests: readonly string[];
  size: number;
}

/**
 * Takes chunk after chunk from the shared counter `next` (another thread may take from it too)
 * and {@link statChunk}s each against `known`: five numbers per file that differs.
 *
 * @example
 * statShared(paths.stored(), known, new Int32Array(new SharedArrayBuffer(4)))
 */
export function statShared(chunks: StoredChunks, known: Float64Array, next: Int32Array): number[] {
  const changed: number[] = [];
  const { prefixes, rests, size } = chunks;
  for (let c = Atomics.add(next, 0, 1); c < prefixes.length; c = Atomics.add(next, 0, 1)) {
    const first = c * size;
    const count = Math.min(size, known.length / 4 - first);
    const part = statChunk(
      prefixes[c] as string,
      rests[c] as string,
      first,
      known.subarray(4 * first, 4 * (first + count)),
    );
    for (const n of part) changed.push(n);
  }
  return changed;
}

/**
 * The identities (size, mtime, ctime, inode; NaN when it cannot be stat'ed) of the files
 * `prefix + name`, for the NUL-joined names `rest`: four numbers per file.
 *
 * @example
 * statNames("/c/", "a.md\0b.md") // Float64Array(8)
 */
export function statNames(prefix: string, rest: string): Float64Array {
  const names = rest.split("\0");
  const out = new Float64Array(4 * names.length).fill(Number.NaN);
  for (let k = 0; k < names.length; k++) {
    const st = statQuietly(prefix + (names[k] as string));
    if (st !== undefined) out.set([st.size, st.mtimeMs, st.ctimeMs, st.ino], 4 * k);
  }
  return out;
}

// Names per message of the listing: the `onNames` batches of `listRecordRuns`.
const BATCH = 1024;

/**
 * A rebuild's `stat`s taken while the folders are still being listed: the listing hands each
 * batch of names it reads (`onNames` of `listRecordRuns`) to {@link add}, a parse worker `stat`s
 * them as they come, and once the listing ends this thread takes the batches the worker has not
 * begun (the two take them from one shared counter). {@link against} then compares the listed
 * files, in listing order, with the identities a scan saw before. Listing one large folder is
 * a single stream a second thread cannot share; the `stat`s can be.
 *
 * @example
 * const ahead = new StatAhead(worker);
 * const listed = listRecordRuns(inputs, cwd, { onNames: (f, n) => ahead.add(f, n) });
 * const places = ahead.placesOf(listed.runs);
 * const { at } = await ahead.against(PathList.fromRuns(listed.runs), places, lastIdentities); // or: await ahead.drop()
 */
export class StatAhead {
  private readonly next = new Int32Array(new SharedArrayBuffer(4));
  private readonly batches: (string | undefined)[][] = [];
  private readonly ids: (Float64Array | undefined)[] = [];
  // The first batch of each folder (its prefix); a folder's batches follow each other.
  private readonly firstOf = new Map<string, number>();
  private answered = 0;
  private waiting: (() => void) | undefined;
  private failure: unknown;
  private readonly onMessage = (msg: { ahead?: number; ids?: Float64Array }) => {
    if (msg.ahead === undefined || msg.ids === undefined) return;
    this.ids[msg.ahead] = msg.ids;
    this.answered++;
    this.waiting?.();
  };
  private readonly onError = (error: unknown) => {
    this.failure ??= error;
    this.waiting?.();
  };
  private readonly onExit = (code: number) => this.onError(new Error(`a parse worker stopped (exit code ${code})`));

  constructor(private readonly worker: Worker) {
    worker.on("message", this.onMessage);
    worker.on("error", this.onError);
    worker.on("exit", this.onExit);
  }

  /** Hands the worker the next names read from `folder`. */
  add(folder: string, names: string[]): void {
    const prefix = `${folder}${sep}`;
    const k = this.batches.length;
    if (!this.firstOf.has(prefix)) this.firstOf.set(prefix, k);
    const rest = names.join("\0");
    this.batches.push([prefix, rest]);
    this.worker.postMessage({ ahead: { k, prefix, rest, ...(k === 0 ? { next: this.next } : {}) } });
  }

  /**
   * Where each listed file's identity is, in listing order: its batch times 1,024 plus its place
   * in the batch, or −1 for a file whose name was not passed on (a link, followed). Made from the
   * runs of the listing (see {@link ListedRun.read}), which need not be kept.
   */
  placesOf(runs: readonly ListedRun[]): Int32Array {
    let total = 0;
    for (const run of runs) total += run.names.length;
    const places = new Int32Array(total).fill(-1);
    let i = 0;
    for (const run of runs) {
      const first = this.firstOf.get(run.prefix);
      for (let j = 0; j < run.names.length; j++, i++) {
        const place = run.read?.[j] ?? -1;
        if (first !== undefined && place >= 0)
          places[i] = (first + Math.floor(place / BATCH)) * BATCH + (place % BATCH);
      }
    }
    return places;
  }

  /**
   * Which listed files differ from `known` (four numbers per file, in listing order): as
   * {@link statAgainst}, from the identities taken ahead (`places` from {@link placesOf}).
   * `meanwhile` runs first, while the worker goes on.
   */
  async against(paths: PathList, places: Int32Array, known: Float64Array, meanwhile?: () => void): Promise<Changed> {
    meanwhile?.();
    await this.finish(true);
    const at: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < places.length; i++) {
      const place = places[i] as number;
      const batch = place < 0 ? undefined : this.ids[Math.floor(place / BATCH)];
      // A followed link was not passed on: stat'ed here.
      const now = batch ?? statNames("", paths.get(i));
      const b = batch === undefined ? 0 : 4 * (place % BATCH);
      if (
        now[b] === known[4 * i] &&
        now[b + 1] === known[4 * i + 1] &&
        now[b + 2] === known[4 * i + 2] &&
        now[b + 3] === known[4 * i + 3]
      )
        continue;
      at.push(i);
      ids.push(now[b] as number, now[b + 1] as number, now[b + 2] as number, now[b + 3] as number);
    }
    return { at, identities: Float64Array.from(ids) };
  }

  /** Stops taking names: waits for the batches the worker has begun, and lets the worker go. */
  async drop(): Promise<void> {
    await this.finish(false);
  }

  // Takes what the worker has not begun (stat'ing it here when `mine`), waits for the rest.
  private async finish(mine: boolean): Promise<void> {
    try {
      let taken = 0;
      for (let c = Atomics.add(this.next, 0, 1); c < this.batches.length; c = Atomics.add(this.next, 0, 1)) {
        const [prefix, rest] = this.batches[c] as [string, string];
        if (mine) this.ids[c] = statNames(prefix, rest);
        taken++;
      }
      // Every batch the counter gave out before this thread took the rest is the worker's.
      const theirs = this.batches.length - taken;
      while (this.answered < theirs && this.failure === undefined)
        await new Promise<void>((resolve) => {
          this.waiting = resolve;
        });
      if (this.failure !== undefined) throw this.failure;
    } finally {
      this.worker.off("message", this.onMessage);
      this.worker.off("error", this.onError);
      this.worker.off("exit", this.onExit);
    }
  }
}
