import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { CACHE_VERSION } from "../version.js";
import { CACHE_FILES } from "./_cache-files.js";
import { Grow } from "./_grow.js";
import { sweepDeadTemps } from "./_temp-files.js";
import type { FileIdentity, FileOutcome } from "./record-rows.js";

const FILE = CACHE_FILES.records;
const CHUNK = 1 << 22;

/**
 * A record cache as read: the identity of every file it knows, and what each came to. Outcomes
 * are read from the open cache file and decoded a line (a batch of files) at a time when first
 * asked for, so a rebuild holds neither the cache's bytes nor 100,000 decoded outcomes.
 */
export interface RecordCache {
  /** How many files it knows. */
  readonly size: number;
  /** The identity a file had when it was parsed, or undefined for a file it does not know. */
  identity(path: string): FileIdentity | undefined;
  /** What the file came to, or undefined when unknown (or its line cannot be decoded: parse again). */
  outcome(path: string): FileOutcome | undefined;
  /** Closes the cache file (outcomes are read from it as they are asked for). */
  close(): void;
}

/**
 * Reads the record cache: per record file, its identity and what it came to. Returns no cache
 * when there is none, or it was written by another topicfeeds version or for another config
 * or options (`key`), or its checksum does not match: a corrupt or stale cache is ignored, never
 * trusted.
 *
 * Each line is `[paths, identities]` TAB `outcomes` (a TAB never occurs unescaped in JSON): only
 * the first half is decoded up front; the outcomes are read from the file, a line at a time, as
 * they are asked for, until {@link RecordCache.close}.
 *
 * @param dir - the cache folder
 * @param key - a hash of everything that shapes the outcomes (config, version, options)
 * @param chunkSize - bytes read at a time (4 MiB; tests use a few bytes)
 * @returns the cache, and a note on what happened
 */
export function readRecordCache(dir: string, key: string, chunkSize = CHUNK): { cache?: RecordCache; note: string } {
  let fd: number;
  try {
    fd = openSync(join(dir, FILE), "r");
  } catch {
    return { note: "no cache yet" };
  }
  try {
    const read = readIndex(fd, key, chunkSize);
    if (read.cache === undefined) closeSync(fd);
    return read;
  } catch {
    closeSync(fd);
    return { note: "cache ignored: unreadable" };
  }
}

// Streams the file once, 4 MiB at a time: checks the checksum and decodes the first half of each
// line. The outcomes are read again from the open file when used, so a rebuild never holds the
// whole cache (48 MB at 100,000 records); the file is renamed into place by writers, never
// rewritten, so the open descriptor keeps reading the bytes the checksum vouched for.
function readIndex(fd: number, key: string, chunkSize: number): { cache?: RecordCache; note: string } {
  const first = Buffer.allocUnsafe(1 << 16);
  const got = readSync(fd, first, 0, first.length, 0);
  const nl = first.subarray(0, got).indexOf(0x0a);
  let header: { format?: string; version?: string; key?: string; checksum?: string };
  try {
    header = JSON.parse(first.toString("utf8", 0, nl === -1 ? got : nl));
  } catch {
    return { note: "cache ignored: unreadable header" };
  }
  if (header.format !== "topicfeeds-record-cache" || header.version !== CACHE_VERSION)
    return { note: "cache ignored: written by another version" };
  if (header.key !== key) return { note: "cache ignored: config or options changed" };
  if (nl === -1) return { note: "cache ignored: checksum mismatch (corrupt)" };
  // Per file, flat and typed: a 64-bit hash of its path (not the path: 1,000,000 path strings are
  // 80 MB, their hashes 8 MB) and its identity; per line, its first file.
  const hashes = new Grow(Uint32Array);
  const identities = new Grow(Float64Array);
  const lineStart: number[] = [];
  const bodies: [start: number, end: number][] = [];
  const hash = createHash("sha1");
  let bad = false;
  // One line's bytes in `data` from `from` to `to`, starting at `at` in the file.
  const line = (data: Buffer, from: number, to: number, at: number) => {
    if (to === from || bad) return;
    const tab = data.indexOf(0x09, from);
    if (tab === -1 || tab > to) {
      bad = true;
      return;
    }
    let head: unknown;
    try {
      head = JSON.parse(data.toString("utf8", from, tab));
    } catch {
      bad = true;
      return;
    }
    const [paths, ids] = Array.isArray(head) ? (head as [unknown, unknown]) : [undefined, undefined];
    if (!Array.isArray(paths) || !Array.isArray(ids) || paths.length !== ids.length) {
      bad = true;
      return;
    }
    bodies.push([at + (tab - from) + 1, at + (to - from)]);
    lineStart.push(hashes.n / 2);
    for (let i = 0; i < paths.length; i++) {
      const id: unknown = ids[i];
      if (typeof paths[i] !== "string" || !Array.isArray(id) || id.length !== 4) {
        bad = true;
        return;
      }
      pathHash(paths[i] as string, hashes);
      for (const v of id) identities.push(v as number);
    }
  };
  // Lines are read where they lie in the chunk; only a line cut by a chunk's end is copied
  // (copying every chunk cost 0.15 s at 100,000 files, in page faults on fresh buffers).
  const chunk = Buffer.allocUnsafe(chunkSize);
  let carry: Buffer | undefined;
  let carryAt = 0;
  for (let offset = nl + 1; ; ) {
    const n = readSync(fd, chunk, 0, chunkSize, offset);
    if (n === 0) break;
    const data = chunk.subarray(0, n);
    hash.update(data);
    let from = 0;
    let to = data.indexOf(0x0a);
    if (carry !== undefined) {
      if (to === -1) {
        carry = Buffer.concat([carry, data]);
        offset += n;
        continue;
      }
      const whole = Buffer.concat([carry, data.subarray(0, to)]);
      line(whole, 0, whole.length, carryAt);
      carry = undefined;
      from = to + 1;
      to = data.indexOf(0x0a, from);
    }
    for (; to !== -1; to = data.indexOf(0x0a, from)) {
      line(data, from, to, offset + from);
      from = to + 1;
    }
    if (from < n) {
      carry = Buffer.from(data.subarray(from));
      carryAt = offset + from;
    }
    offset += n;
  }
  if (carry !== undefined) line(carry, 0, carry.length, carryAt);
  if (header.checksum !== hash.digest("hex")) return { note: "cache ignored: checksum mismatch (corrupt)" };
  if (bad) return { note: "cache ignored: unreadable body" };
  // The last two decoded lines: files are asked for in the order they were written.
  const decoded = new Map<number, FileOutcome[] | undefined>();
  const decode = (line: number): FileOutcome[] | undefined => {
    if (decoded.has(line)) return decoded.get(line);
    const [start, end] = bodies[line] as [number, number];
    let outcomes: FileOutcome[] | undefined;
    try {
      const bytes = Buffer.allocUnsafe(end - start);
      for (let off = 0; off < bytes.length; ) {
        const n = readSync(fd, bytes, off, bytes.length - off, start + off);
        if (n === 0) throw new Error("the cache file is shorter than its index");
        off += n;
      }
      const value: unknown = JSON.parse(bytes.toString("utf8"));
      outcomes = Array.isArray(value) ? (value as FileOutcome[]) : undefined;
    } catch {
      outcomes = undefined;
    }
    if (decoded.size >= 2) decoded.delete(decoded.keys().next().value as number);
    decoded.set(line, outcomes);
    return outcomes;
  };
  const size = hashes.n / 2;
  const h = hashes.a;
  // Files are asked for in the order the cache lists them: a cursor finds them; files added or
  // removed since are looked up in an index sorted by hash, made on the first miss. A 64-bit
  // hash match is taken for the path (two paths of one cache colliding: about 1 in 10^7 at
  // 1,000,000 files; and a file is used only when its size, times and inode match too).
  let order: Uint32Array | undefined;
  const search = (a: number, b: number): number | undefined => {
    order ??= Uint32Array.from({ length: size }, (_, i) => i).sort((x, y) =>
      h[2 * x] !== h[2 * y]
        ? (h[2 * x] as number) - (h[2 * y] as number)
        : (h[2 * x + 1] as number) - (h[2 * y + 1] as number),
    );
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const i = order[mid] as number;
      if ((h[2 * i] as number) < a || (h[2 * i] === a && (h[2 * i + 1] as number) < b)) lo = mid + 1;
      else hi = mid;
    }
    const i = order[lo];
    return i !== undefined && h[2 * i] === a && h[2 * i + 1] === b ? i : undefined;
  };
  const asked = new Grow(Uint32Array);
  const finder = () => {
    let next = 0;
    return (path: string): number | undefined => {
      asked.n = 0;
      pathHash(path, asked);
      const a = asked.a[0] as number;
      const b = asked.a[1] as number;
      if (next < size && h[2 * next] === a && h[2 * next + 1] === b) return next++;
      const i = search(a, b);
      if (i !== undefined) next = i + 1;
      return i;
    };
  };
  // The line of file `i`: the last line starting at or before it.
  const lineOf = (i: number): number => {
    let lo = 0;
    let hi = lineStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStart[mid] as number) <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const identityAt = finder();
  const outcomeAt = finder();
  let open = true;
  const cache: RecordCache = {
    size,
    identity: (path) => {
      const i = identityAt(path);
      const d = identities.a;
      return i === undefined
        ? undefined
        : [d[4 * i] as number, d[4 * i + 1] as number, d[4 * i + 2] as number, d[4 * i + 3] as number];
    },
    outcome: (path) => {
      const i = outcomeAt(path);
      if (i === undefined) return undefined;
      const line = lineOf(i);
      const o = decode(line)?.[i - (lineStart[line] as number)];
      return Array.isArray(o) && o.length === 4 ? o : undefined;
    },
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
  return { cache, note: "cache used" };
}

// Two 32-bit FNV-1a hashes of a path (different offsets, then mixed), appended to `out`.
function pathHash(path: string, out: Grow<Uint32Array>): void {
  let a = 0x811c9dc5;
  let b = 0x3c6ef372;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  out.push(a >>> 0);
  out.push((b ^ Math.imul(a, 0x27d4eb2d)) >>> 0);
}

/** Writes a record cache line by line; nothing is visible until {@link RecordCacheWriter.commit}. */
export interface RecordCacheWriter {
  /** Appends one `[paths, identities]` TAB `outcomes` line, given as its pieces (hashed and written as they are). */
  add(pieces: readonly string[]): void;
  /** Writes the header with the checksum and renames the file into place. */
  commit(): void;
  /** Removes the temporary file. */
  abort(): void;
}

/**
 * Starts writing the record cache: atomically (a temporary file, renamed by `commit`), with a
 * checksum, one line per batch of files, `[paths, identities]` TAB `outcomes`. Lines go to disk as they come, so
 * the JSON the parse workers produced is written as it is and the 40 MB body of a
 * 100,000-record cache is never held in memory. The header (fixed length) is written last, over
 * a placeholder.
 *
 * @param dir - the cache folder (created if missing)
 * @param key - as for {@link readRecordCache}
 */
export function openRecordCacheWriter(dir: string, key: string): RecordCacheWriter {
  const header = (sum: string) =>
    `${JSON.stringify({ format: "topicfeeds-record-cache", version: CACHE_VERSION, key, checksum: sum })}\n`;
  mkdirSync(dir, { recursive: true });
  const target = join(dir, FILE);
  const temp = `${target}.tmp-${process.pid}`;
  // A build killed while writing its cache (Ctrl-C in a first build) left its temporary file.
  sweepDeadTemps(dir, (e) => {
    const m = /^records-v\d+\.jsonl\.tmp-(\d+)$/.exec(e);
    return m === null ? undefined : Number(m[1]);
  });
  let fd: number | undefined = openSync(temp, "w");
  const hash = createHash("sha1");
  let first = true;
  writeSync(fd, header("0".repeat(40)));
  return {
    add(pieces) {
      if (fd === undefined) return;
      if (!first) {
        hash.update("\n");
        writeSync(fd, "\n");
      }
      first = false;
      for (const p of pieces) {
        hash.update(p);
        writeSync(fd, p);
      }
    },
    commit() {
      if (fd === undefined) return;
      writeSync(fd, header(hash.digest("hex")), 0);
      closeSync(fd);
      fd = undefined;
      renameSync(temp, target);
    },
    abort() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      rmSync(temp, { force: true });
    },
  };
}

/**
 * Writes a whole record cache with {@link openRecordCacheWriter}: lines are asked for one at a
 * time.
 *
 * @param dir - the cache folder (created if missing)
 * @param key - as for {@link readRecordCache}
 * @param lines - the pieces of each line, in file order
 */
export function writeRecordCache(dir: string, key: string, lines: Iterable<readonly string[]>): void {
  const writer = openRecordCacheWriter(dir, key);
  try {
    for (const pieces of lines) writer.add(pieces);
    writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
}

/** A short hash of any JSON-able value, for cache keys. */
export function hashKey(value: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(value, (_k, v: unknown) => (typeof v === "function" ? String(v) : v)))
    .digest("hex")
    .slice(0, 32);
}
