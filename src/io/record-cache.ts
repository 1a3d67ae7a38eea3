import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../version.js";
import { isAlive, removeQuietly } from "./_temp-files.js";
import type { FileOutcome } from "./record-rows.js";

const FILE = "records-v4.jsonl";

/**
 * Reads the record cache: per record file, its identity and what it came to. Returns no entries
 * when there is no cache, or it was written by another topicfeeds version or for another config
 * or options (`key`), or its checksum does not match: a corrupt or stale cache is ignored, never
 * trusted.
 *
 * @param dir - the cache folder
 * @param key - a hash of everything that shapes the outcomes (config, version, options)
 * @returns outcomes by absolute file path, and a note on what happened
 */
export function readRecordCache(dir: string, key: string): { entries?: Map<string, FileOutcome>; note: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, FILE));
  } catch {
    return { note: "no cache yet" };
  }
  // Kept as bytes and decoded a line at a time: no 45 MB string, no slices of one kept alive.
  const nl = bytes.indexOf(0x0a);
  let header: { format?: string; version?: string; key?: string; checksum?: string };
  try {
    header = JSON.parse(bytes.toString("utf8", 0, nl === -1 ? bytes.length : nl));
  } catch {
    return { note: "cache ignored: unreadable header" };
  }
  if (header.format !== "topicfeeds-record-cache" || header.version !== VERSION) return { note: "cache ignored: written by another version" };
  if (header.key !== key) return { note: "cache ignored: config or options changed" };
  if (nl === -1 || header.checksum !== createHash("sha1").update(bytes.subarray(nl + 1)).digest("hex")) return { note: "cache ignored: checksum mismatch (corrupt)" };
  try {
    const entries = new Map<string, FileOutcome>();
    for (let start = nl + 1; start < bytes.length; ) {
      let end = bytes.indexOf(0x0a, start);
      if (end === -1) end = bytes.length;
      if (end > start) {
        const [paths, outcomes] = JSON.parse(bytes.toString("utf8", start, end)) as [string[], FileOutcome[]];
        paths.forEach((path, i) => entries.set(path, outcomes[i] as FileOutcome));
      }
      start = end + 1;
    }
    return { entries, note: "cache used" };
  } catch {
    return { note: "cache ignored: unreadable body" };
  }
}

/** Writes a record cache line by line; nothing is visible until {@link RecordCacheWriter.commit}. */
export interface RecordCacheWriter {
  /** Appends one `[paths, outcomes]` JSON line, given as its pieces (hashed and written as they are). */
  add(pieces: readonly string[]): void;
  /** Writes the header with the checksum and renames the file into place. */
  commit(): void;
  /** Removes the temporary file. */
  abort(): void;
}

/**
 * Starts writing the record cache: atomically (a temporary file, renamed by `commit`), with a
 * checksum, one line per batch of files, `[paths, outcomes]`. Lines go to disk as they come, so
 * the JSON the parse workers produced is written as it is and the 45 MB body of a
 * 100,000-record cache is never held in memory. The header (fixed length) is written last, over
 * a placeholder.
 *
 * @param dir - the cache folder (created if missing)
 * @param key - as for {@link readRecordCache}
 */
export function openRecordCacheWriter(dir: string, key: string): RecordCacheWriter {
  const header = (sum: string) => `${JSON.stringify({ format: "topicfeeds-record-cache", version: VERSION, key, checksum: sum })}\n`;
  mkdirSync(dir, { recursive: true });
  const target = join(dir, FILE);
  const temp = `${target}.tmp-${process.pid}`;
  // A build killed while writing its cache (Ctrl-C in a first build) left its temporary file.
  for (const e of readdirSync(dir)) {
    const m = /^records-v\d+\.jsonl\.tmp-(\d+)$/.exec(e);
    if (m !== null && !isAlive(Number(m[1]))) removeQuietly(join(dir, e));
  }
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
 * @param lines - the pieces of each `[paths, outcomes]` JSON line, in file order
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
  return createHash("sha256").update(JSON.stringify(value, (_k, v: unknown) => (typeof v === "function" ? String(v) : v))).digest("hex").slice(0, 32);
}
