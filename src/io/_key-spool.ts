import { closeSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { KeyTable } from "./_key-table.js";
import { removeQuietly, sweepDeadTemps } from "./_temp-files.js";

// Characters held before they are written (about 256 KiB of URLs).
const PENDING = 1 << 18;
// Bytes read back at a time.
const CHUNK = 1 << 20;
const NAME = "hidden-keys.spool-";

// A spool let go without `close` (a scan that threw) still closes its file.
const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Closed already: nothing to do.
  }
});

/**
 * A list of keys written to a file in a folder as they come, for a list too long to hold as
 * strings while it grows (the hidden keys of 1,000,000 records are 330,000 URLs, 29 MB, and
 * some 34 MB as strings). The file is removed as soon as it is open (where the system allows: it
 * lives while its descriptor does), so a build that is killed leaves nothing behind; one that
 * cannot be removed is named after the process and swept by the next spool of a later process.
 * A spool whose file cannot be opened or written keeps its keys in memory: no key is ever lost.
 *
 * @example
 * const spool = KeySpool.open(cacheDir); spool.push("a.com/x"); spool.keys() // ["a.com/x"]; spool.close()
 */
export class KeySpool {
  /** How many keys. */
  count = 0;
  private fd: number | undefined;
  // The file's path while it could not be removed.
  private path: string | undefined;
  // Bytes written to the file.
  private written = 0;
  // "\n" then a key, for each key not written yet.
  private pending: string[] = [];
  private pendingChars = 0;
  // The keys, once the file cannot be used.
  private memory: string[] | undefined;

  private constructor() {}

  /**
   * A spool over a new file in `dir` (made if missing), or in memory when that fails. With
   * `sweep`, leftover spool files of dead processes in `dir` are removed first (a cache folder;
   * not the system's temporary folder, which may hold many files and is cleaned by the system).
   */
  static open(dir: string, sweep = true): KeySpool {
    const spool = new KeySpool();
    const path = join(dir, `${NAME}${process.pid}`);
    try {
      mkdirSync(dir, { recursive: true });
      if (sweep) sweepDeadTemps(dir, (e) => (e.startsWith(NAME) ? Number(e.slice(NAME.length)) : undefined));
      spool.fd = openSync(path, "w+");
      closer.register(spool, spool.fd, spool);
      try {
        unlinkSync(path);
      } catch {
        spool.path = path;
      }
    } catch {
      spool.fd = undefined;
      spool.memory = [];
    }
    return spool;
  }

  /** Adds a key (without "\n"). */
  push(key: string): void {
    this.count++;
    if (this.memory !== undefined) {
      this.memory.push(key);
      return;
    }
    this.pending.push(`\n${key}`);
    this.pendingChars += key.length + 1;
    if (this.pendingChars >= PENDING) this.flush();
  }

  /**
   * The keys as the file holds them, each after a "\n", a piece at a time (one buffer, reused:
   * each piece must be used before the next is asked for).
   */
  *pieces(): Generator<Uint8Array | string> {
    this.flush();
    if (this.memory !== undefined) {
      for (let i = 0; i < this.memory.length; i += 10_000) yield `\n${this.memory.slice(i, i + 10_000).join("\n")}`;
      return;
    }
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, this.written)));
    for (let at = 0; at < this.written; at += buf.length) {
      const n = Math.min(buf.length, this.written - at);
      this.read(buf, n, at);
      yield buf.subarray(0, n);
    }
  }

  /** The keys as strings, in order. */
  keys(): string[] {
    this.flush();
    if (this.memory !== undefined) return this.memory.slice();
    if (this.written === 0) return [];
    const bytes = Buffer.allocUnsafe(this.written);
    this.read(bytes, this.written, 0);
    return bytes.toString("utf8", 1).split("\n");
  }

  // Fills `into[0, length)` with the file's bytes from `position`.
  private read(into: Buffer, length: number, position: number): void {
    for (let got = 0; got < length; ) {
      const n = readSync(this.fd as number, into, got, length - got, position + got);
      if (n === 0) throw new TopicfeedsError("write-failed", "the spooled hidden keys ended early");
      got += n;
    }
  }

  /**
   * The keys as a table over the spool's file (see `KeyTable`), which then owns the file: the
   * spool is closed. Undefined for a spool in memory or a file that cannot be read back: the keys
   * are then still in the spool.
   */
  table(): KeyTable | undefined {
    this.flush();
    if (this.memory !== undefined || this.fd === undefined) return undefined;
    const count = this.count;
    // (The file is "\n" then a key, for each key: an empty first line, then the keys.)
    const table = KeyTable.fromDescriptor(this.fd, (head) => (head === "" ? count : undefined));
    if (table === undefined) return undefined;
    closer.unregister(this);
    this.fd = undefined;
    this.close();
    return table;
  }

  /** Closes and removes the file; the spool must not be used again. */
  close(): void {
    if (this.fd !== undefined) {
      closer.unregister(this);
      try {
        closeSync(this.fd);
      } catch {
        // Closed already.
      }
      this.fd = undefined;
    }
    if (this.path !== undefined) removeQuietly(this.path);
    this.path = undefined;
    this.memory = [];
  }

  // Writes what is pending; when the file cannot take it (a full disk), the keys written so far
  // are read back and the spool goes on in memory.
  private flush(): void {
    if (this.pending.length === 0 || this.memory !== undefined) return;
    const bytes = Buffer.from(this.pending.join(""), "utf8");
    const keys = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    let off = 0;
    try {
      while (off < bytes.length)
        off += writeSync(this.fd as number, bytes, off, bytes.length - off, this.written + off);
      this.written += bytes.length;
    } catch {
      // (A file that cannot be read back either throws: keys are never dropped unsaid.)
      const before = this.keys();
      this.close();
      this.memory = before.concat(keys.map((k) => k.slice(1)));
    }
  }
}
