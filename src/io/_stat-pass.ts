import { type Stats, statSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import type { PathList } from "./_path-list.js";

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
 * worker, chunk by chunk as each is free, and nothing else is done per file. The rebuild's floor:
 * list and `stat`.
 *
 * @param paths - the listing
 * @param known - the identities an earlier scan returned for the same paths
 * @param worker - a parse worker to share the `stat`s with, or undefined for this thread alone
 * @example
 * const { at } = await statAgainst(paths, lastIdentities, undefined); // [] when nothing changed
 */
export async function statAgainst(paths: PathList, known: Float64Array, worker: Worker | undefined): Promise<Changed> {
  const chunks = paths.chunks;
  const found: number[][] = new Array(chunks);
  let next = 0;
  const knownOf = (c: number): Float64Array => {
    const { first, count } = paths.chunkRange(c);
    return known.subarray(4 * first, 4 * (first + count));
  };
  const byWorker =
    worker === undefined
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          let inHand = 0;
          const send = () => {
            while (inHand < 2 && next < chunks) {
              const c = next++;
              inHand++;
              const { prefix, rest, first } = paths.chunkAt(c);
              // A copy: a view would send the whole buffer it looks into.
              (worker as Worker).postMessage({ stat: { chunk: c, prefix, rest, first, known: knownOf(c).slice() } });
            }
            if (inHand === 0) done();
          };
          const onMessage = (msg: { stat?: number; changed?: number[] }) => {
            if (msg.stat === undefined) return;
            found[msg.stat] = msg.changed ?? [];
            inHand--;
            send();
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
            resolve();
          };
          worker.on("message", onMessage);
          worker.on("error", onError);
          worker.on("exit", onExit);
          send();
        });
  while (next < chunks) {
    const c = next++;
    const { prefix, rest, first } = paths.chunkAt(c);
    found[c] = statChunk(prefix, rest, first, knownOf(c));
    // Lets the worker's answers in, so that it never waits for work.
    if (worker !== undefined) await new Promise((r) => setImmediate(r));
  }
  await byWorker;
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
