import { type Stats, statSync } from "node:fs";
import { sep } from "node:path";
import type { Worker } from "node:worker_threads";
import { chunkNames, type PathList } from "./_path-list.js";
import type { ListedRun } from "./read-records.js";

/**
 * Stats the files of one chunk of a {@link PathList} (its prefix and its rest as stored, starting
 * at file `first`) and compares each with `known` (four numbers per file: size, mtime, ctime,
 * inode; NaN for a file that had none). Returns five numbers per file that differs: its index and
 * its identity now (NaN when it cannot be stat'ed). No object per file is kept: a rebuild's
 * 100,000 `stat`s cost what the `stat`s cost.
 *
 * @example
 * statChunk("/c/", "a.md\0\u0001b.md", 0, new Float64Array(8).fill(Number.NaN)) // [0, size, …, 1, size, …]
 */
export function statChunk(prefix: string, rest: string, first: number, known: Float64Array): number[] {
  const changed: number[] = [];
  const now = statNames(prefix, chunkNames(rest));
  for (let k = 0; k < now.length / 4; k++) pushIfChanged(changed, first + k, now, 4 * k, known, 4 * k);
  return changed;
}

// Adds file `i` and its identity now (`now[at]` to `now[at + 3]`) to `changed` unless it is the
// identity it was known by (`known[k]` to `known[k + 3]`; NaN, for none, is never the same).
function pushIfChanged(
  changed: number[],
  i: number,
  now: Float64Array,
  at: number,
  known: ArrayLike<number>,
  k: number,
): void {
  if (
    now[at] === known[k] &&
    now[at + 1] === known[k + 1] &&
    now[at + 2] === known[k + 2] &&
    now[at + 3] === known[k + 3]
  )
    return;
  changed.push(i, now[at] as number, now[at + 1] as number, now[at + 2] as number, now[at + 3] as number);
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
 * Whether a `stat` shows the identity (size, mtime, ctime, inode) `known`.
 *
 * @example
 * hasIdentity(statQuietly(path), [size, mtimeMs, ctimeMs, ino])
 */
export function hasIdentity(st: Stats | undefined, known: ArrayLike<number>): boolean {
  return (
    st !== undefined &&
    st.size === known[0] &&
    st.mtimeMs === known[1] &&
    st.ctimeMs === known[2] &&
    st.ino === known[3]
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
 * worker, and nothing else is done per file. The worker is handed chunks from the first (never
 * more than a few beyond those it has done, which it counts in memory both threads see), this
 * thread takes them from the last, so neither waits for the other; the worker goes on while this
 * thread does `meanwhile`. The rebuild's floor: list and `stat`.
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
  const { prefixes, rests, size } = paths.stored();
  const found: number[][] = new Array(prefixes.length);
  const knownOf = (c: number) => known.subarray(4 * c * size, 4 * Math.min((c + 1) * size, paths.length));
  const done = new Int32Array(new SharedArrayBuffer(4));
  let front = 0;
  let back = prefixes.length;
  const handOut = (ahead: number) => {
    while (worker !== undefined && front < back && front - Atomics.load(done, 0) < ahead) {
      const c = front++;
      // The identities as a copy: a view would send the whole buffer it looks into.
      const chunk = { c, prefix: prefixes[c], rest: rests[c], first: c * size, known: knownOf(c).slice() };
      worker.postMessage({ stat: c === 0 ? { ...chunk, done } : chunk });
    }
  };
  const answers =
    worker === undefined
      ? undefined
      : new WorkerAnswers(worker, (msg: { stat?: number; changed?: number[] }) => {
          if (msg.stat === undefined) return false;
          found[msg.stat] = msg.changed ?? [];
          return true;
        });
  try {
    // Work for the worker while this thread does `meanwhile` (16 chunks: 4,096 files).
    handOut(meanwhile === undefined ? AHEAD : 16);
    meanwhile?.();
    for (;;) {
      handOut(AHEAD);
      if (front >= back) break;
      const c = --back;
      found[c] = statChunk(prefixes[c] as string, rests[c] as string, c * size, knownOf(c));
    }
    await answers?.wait(front);
  } finally {
    answers?.close();
  }
  const at: number[] = [];
  const ids: number[] = [];
  for (const part of found) {
    for (let k = 0; k < part.length; k += 5) {
      at.push(part[k] as number);
      ids.push(part[k + 1] as number, part[k + 2] as number, part[k + 3] as number, part[k + 4] as number);
    }
  }
  return { at, identities: Float64Array.from(ids) };
}

/**
 * The identities (size, mtime, ctime, inode; NaN when it cannot be stat'ed) of the files
 * `prefix + name` of each of `names`: four numbers per file.
 *
 * @example
 * statNames("/c/", ["a.md", "b.md"]) // Float64Array(8)
 */
export function statNames(prefix: string, names: readonly string[]): Float64Array {
  const out = new Float64Array(4 * names.length).fill(Number.NaN);
  for (let k = 0; k < names.length; k++) {
    const st = statQuietly(prefix + (names[k] as string));
    if (st === undefined) continue;
    out[4 * k] = st.size;
    out[4 * k + 1] = st.mtimeMs;
    out[4 * k + 2] = st.ctimeMs;
    out[4 * k + 3] = st.ino;
  }
  return out;
}

// Names per message of the listing: the `onNames` batches of `listRecordRuns`.
const BATCH = 1024;

/**
 * A rebuild's `stat`s taken while the folders are still being listed: the listing hands each
 * batch of names it reads (`onNames` of `listRecordRuns`) to {@link add}, and a parse worker
 * `stat`s them as they come. It is never handed more than some batches beyond what it has done
 * (it counts what it has done in memory both threads see), so that names do not pile up in its
 * queue; the rest wait here. Once the listing ends, this thread takes the waiting batches from
 * the last while it goes on handing the first to the worker. {@link against} then compares the
 * listed files, in listing order, with the identities a scan saw before. Listing one large
 * folder is a single stream that a second thread cannot share; the `stat`s can be shared.
 *
 * @example
 * const ahead = new StatAhead(worker);
 * const listed = listRecordRuns(inputs, cwd, { onNames: (f, n) => ahead.add(f, n) });
 * const places = ahead.placesOf(listed.runs);
 * const { at } = await ahead.against(PathList.fromRuns(listed.runs), places, lastIdentities); // or: await ahead.drop()
 */
export class StatAhead {
  // Batches the worker has done (it adds to it).
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  // Each batch's folder prefix and names until it is handed out or stat'ed here.
  private readonly batches: ([prefix: string, names: string[]] | undefined)[] = [];
  // The first batch of each folder (its prefix); a folder's batches follow each other.
  private readonly firstOf = new Map<string, number>();
  // Batches before `front` went to the worker; from `back` on, this thread stat'ed them.
  private front = 0;
  private back = Number.POSITIVE_INFINITY;
  // Identities the worker answered before they could be compared (while the listing went on).
  private readonly pending = new Map<number, Float64Array>();
  // Once comparing: compares a batch's identities and forgets them.
  private compare: ((k: number, ids: Float64Array) => void) | undefined;
  private readonly answers: WorkerAnswers<{ ahead?: number; ids?: Float64Array }>;

  constructor(private readonly worker: Worker) {
    this.answers = new WorkerAnswers(worker, (msg) => {
      if (msg.ahead === undefined || msg.ids === undefined) return false;
      if (this.compare === undefined) this.pending.set(msg.ahead, msg.ids);
      else this.compare(msg.ahead, msg.ids);
      return true;
    });
  }

  /** Takes the next names read from `folder`. */
  add(folder: string, names: string[]): void {
    const prefix = `${folder}${sep}`;
    if (!this.firstOf.has(prefix)) this.firstOf.set(prefix, this.batches.length);
    // (Joined only when handed out or stat'ed: joined at once, the copies added to the listing's peak.)
    this.batches.push([prefix, names]);
    this.handOut(this.batches.length, LISTING_AHEAD);
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
   * {@link statAgainst}, from the identities taken ahead (`places` from {@link placesOf}). Each
   * batch is compared as its identities come and then forgotten. `meanwhile` runs first, while the
   * worker goes on.
   */
  async against(paths: PathList, places: Int32Array, known: Float64Array, meanwhile?: () => void): Promise<Changed> {
    meanwhile?.();
    // The listed file of each place.
    const fileAt = new Int32Array(this.batches.length * BATCH).fill(-1);
    for (let i = 0; i < places.length; i++) if ((places[i] as number) >= 0) fileAt[places[i] as number] = i;
    const found: number[] = [];
    this.compare = (k, ids) => {
      for (let o = 0; o < ids.length / 4; o++) {
        const i = fileAt[k * BATCH + o] as number;
        if (i >= 0) pushIfChanged(found, i, ids, 4 * o, known, 4 * i);
      }
    };
    for (const [k, ids] of this.pending) this.compare(k, ids);
    this.pending.clear();
    await this.finish(true);
    // A followed link was not passed on: stat'ed here.
    for (let i = 0; i < places.length; i++)
      if ((places[i] as number) < 0) pushIfChanged(found, i, statNames("", [paths.get(i)]), 0, known, 4 * i);
    // Five numbers per changed file, its index first: in listing order.
    const order = Array.from({ length: found.length / 5 }, (_, k) => 5 * k).sort(
      (a, b) => (found[a] as number) - (found[b] as number),
    );
    const ids = new Float64Array(4 * order.length);
    order.forEach((o, k) => {
      for (let j = 0; j < 4; j++) ids[4 * k + j] = found[o + 1 + j] as number;
    });
    return { at: order.map((o) => found[o] as number), identities: ids };
  }

  /** Stops: waits for the batches handed to the worker, and lets the worker go. */
  async drop(): Promise<void> {
    await this.finish(false);
    this.pending.clear();
  }

  // Hands the worker the batches before `end` while it is less than `ahead` batches behind.
  private handOut(end: number, ahead: number): void {
    while (this.front < end && this.front - Atomics.load(this.done, 0) < ahead) {
      const k = this.front++;
      const [prefix, names] = this.batches[k] as [string, string[]];
      this.batches[k] = undefined;
      const rest = names.join("\0");
      this.worker.postMessage({ ahead: { k, prefix, rest, ...(k === 0 ? { done: this.done } : {}) } });
    }
  }

  // Stats the waiting batches here from the last (when `mine`) while handing out the first, then
  // waits for the worker's answers (taking them in every few batches, so that they are compared
  // and let go as they come).
  private async finish(mine: boolean): Promise<void> {
    try {
      this.back = this.batches.length;
      if (mine) {
        for (let n = 1; ; n++) {
          this.handOut(this.back, AHEAD);
          if (this.front >= this.back) break;
          const k = --this.back;
          const [prefix, names] = this.batches[k] as [string, string[]];
          this.batches[k] = undefined;
          this.compare?.(k, statNames(prefix, names));
          if (n % 8 === 0) await new Promise((r) => setImmediate(r));
        }
      }
      await this.answers.wait(this.front);
    } finally {
      this.answers.close();
    }
  }
}

// Batches the worker may be handed beyond those it has done while the listing goes on (64: about
// 65,000 names, 3 MB, some 0.5 s of `stat`s, so that it has work while the listing sorts and does
// not hand out), and once this thread takes batches too (2, so that neither waits long at the end).
const LISTING_AHEAD = 64;
const AHEAD = 2;

/**
 * A worker's answers of one kind, until {@link close}: `take` is given each message and says
 * whether it was one (then it is counted). An error or exit of the worker ends every wait.
 */
class WorkerAnswers<T> {
  private count = 0;
  private waiting: (() => void) | undefined;
  private failure: unknown;
  private readonly onMessage = (msg: T) => {
    if (!this.take(msg)) return;
    this.count++;
    this.waiting?.();
  };
  private readonly onError = (error: unknown) => {
    this.failure ??= error;
    this.waiting?.();
  };
  private readonly onExit = (code: number) => this.onError(new Error(`a parse worker stopped (exit code ${code})`));

  constructor(
    private readonly worker: Worker,
    private readonly take: (msg: T) => boolean,
  ) {
    worker.on("message", this.onMessage);
    worker.on("error", this.onError);
    worker.on("exit", this.onExit);
  }

  /** Waits until `n` answers came; throws what the worker failed with. */
  async wait(n: number): Promise<void> {
    while (this.count < n && this.failure === undefined)
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stops listening. */
  close(): void {
    this.worker.off("message", this.onMessage);
    this.worker.off("error", this.onError);
    this.worker.off("exit", this.onExit);
  }
}
