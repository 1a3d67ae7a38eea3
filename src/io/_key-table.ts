import type { Hash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

// How many bytes from the end of a key its hash takes in: keys are canonical URLs, alike at the
// start and different at the end; a collision only costs a comparison of bytes.
const HASHED = 24;
// Bytes read at a time while the table is made (one buffer, reused).
const CHUNK = 1 << 18;

// A table's file stays open while the table lives (files in the cache folder are renamed into
// place by writers, never rewritten: the descriptor keeps reading the bytes the table was made
// from); it is closed once the table is collected.
const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Closed already: nothing to do.
  }
});

/**
 * Lines of UTF-8 text in a file, looked up without a string per line and without the file's
 * bytes in memory: per line its offset and a hash, and a hash table of line numbers; a line whose
 * hash and length match is read from the file and compared. The hidden keys of 1,000,000 records
 * (330,000 lines, 29 MB) take 7 MB this way; as strings in a `Set`, after decoding and
 * splitting, they took far more and 70–90 ms at 100,000 records, most of it garbage collection.
 *
 * @example
 * KeyTable.fromFile("rest.txt", (head) => JSON.parse(head).count)?.has("b.com/y") // true
 */
export class KeyTable {
  private constructor(
    private readonly fd: number,
    // Line k is bytes [starts[k], starts[k + 1] - 1) of the file.
    private readonly starts: Float64Array,
    // Hash of each line.
    private readonly hashes: Uint32Array,
    // Line number + 1 per slot, 0 when empty; a power of two long.
    private readonly slots: Int32Array,
    /** How many lines. */
    readonly count: number,
  ) {
    closer.register(this, fd);
  }

  /**
   * The table of a file's lines after its first: `countOf` is given the first line (without its
   * "\n") and says how many lines must follow (separated by "\n", none after the last), or
   * undefined to refuse the file. Undefined when the file cannot be read, is refused, or has not
   * exactly that many lines.
   *
   * @param chunkSize - bytes read at a time (tests use a few)
   * @example
   * KeyTable.fromFile(path, () => 2)?.count // 2
   */
  static fromFile(
    path: string,
    countOf: (head: string) => number | undefined,
    chunkSize = CHUNK,
  ): KeyTable | undefined {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return undefined;
    }
    const made = KeyTable.fromDescriptor(fd, countOf, chunkSize);
    if (made === undefined) closeSync(fd);
    return made;
  }

  /**
   * The table of the lines of the file open as `fd`, as {@link fromFile} reads them; the table
   * then owns the descriptor (closed once the table is collected). Undefined, the descriptor left
   * to the caller, when the file is refused or cannot be read.
   *
   * @param chunkSize - bytes read at a time (tests use a few)
   * @example
   * KeyTable.fromDescriptor(fd, (head) => (head === "" ? 2 : undefined))?.count // 2
   */
  static fromDescriptor(
    fd: number,
    countOf: (head: string) => number | undefined,
    chunkSize = CHUNK,
  ): KeyTable | undefined {
    try {
      return KeyTable.read(fd, countOf, Math.max(1, chunkSize));
    } catch {
      return undefined;
    }
  }

  /** Whether `key` is one of the lines. */
  has(key: string): boolean {
    const b = Buffer.from(key, "utf8");
    const h = hashOf(b, 0, b.length);
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const k = (this.slots[s] as number) - 1;
      if (k < 0) return false;
      if (this.hashes[k] !== h) continue;
      const start = this.starts[k] as number;
      if ((this.starts[k + 1] as number) - 1 - start === b.length && this.bytes(start, b.length).equals(b)) return true;
    }
  }

  /** Feeds every line's bytes to `hash`, in order, each but the last followed by "\n" (as in the file). */
  hashLines(hash: Hash): void {
    if (this.count === 0) return;
    const from = this.starts[0] as number;
    const end = (this.starts[this.count] as number) - 1;
    for (let at = from; at < end; at += CHUNK) hash.update(this.bytes(at, Math.min(CHUNK, end - at)));
  }

  /** The lines from line `first` to line `end` (exclusive), as strings, in order. */
  lines(first = 0, end = this.count): string[] {
    if (first >= end) return [];
    const start = this.starts[first] as number;
    return this.bytes(start, (this.starts[end] as number) - 1 - start)
      .toString("utf8")
      .split("\n");
  }

  // Reads the head line, then the lines `countOf` asks for, a chunk at a time; a line cut by the
  // end of a chunk is moved to the start of the buffer (grown for a line longer than it).
  private static read(
    fd: number,
    countOf: (head: string) => number | undefined,
    chunkSize: number,
  ): KeyTable | undefined {
    let buf = Buffer.allocUnsafe(chunkSize);
    // buf[0, len) are the file's bytes from offset `pos`.
    let len = 0;
    let pos = 0;
    let eof = false;
    const more = (): void => {
      if (len === buf.length) {
        const bigger = Buffer.allocUnsafe(2 * buf.length);
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const n = readSync(fd, buf, len, buf.length - len, pos + len);
      if (n === 0) eof = true;
      len += n;
    };
    let nl = -1;
    for (let from = 0; ; ) {
      nl = buf.subarray(0, len).indexOf(10, from);
      if (nl !== -1 || eof) break;
      from = len;
      more();
    }
    const count = countOf(buf.toString("utf8", 0, nl === -1 ? len : nl));
    if (count === undefined || !Number.isSafeInteger(count) || count < 0) return undefined;
    // No line after the head: only for no line asked for.
    if (nl === -1) return count === 0 ? KeyTable.made(fd, new Float64Array([len + 1]), new Uint32Array(0)) : undefined;
    const starts = new Float64Array(count + 1);
    const hashes = new Uint32Array(count);
    let k = 0;
    // The line being read starts at buf[at].
    let at = nl + 1;
    for (;;) {
      const view = buf.subarray(0, len);
      for (let end = view.indexOf(10, at); end !== -1; end = view.indexOf(10, at)) {
        if (k === count) return undefined;
        starts[k] = pos + at;
        hashes[k++] = hashOf(buf, at, end);
        at = end + 1;
      }
      if (eof) break;
      buf.copy(buf, 0, at, len);
      pos += at;
      len -= at;
      at = 0;
      more();
    }
    // The last line ends the file; with none asked for, nothing may follow the head's line break.
    if (count === 0) return len === at ? KeyTable.made(fd, new Float64Array([pos + len + 1]), hashes) : undefined;
    if (k !== count - 1) return undefined;
    starts[k] = pos + at;
    hashes[k] = hashOf(buf, at, len);
    starts[count] = pos + len + 1;
    return KeyTable.made(fd, starts, hashes);
  }

  private static made(fd: number, starts: Float64Array, hashes: Uint32Array): KeyTable {
    const count = hashes.length;
    let size = 16;
    while (size < 2 * count) size *= 2;
    const slots = new Int32Array(size);
    for (let k = 0; k < count; k++) {
      let s = (hashes[k] as number) & (size - 1);
      while (slots[s] !== 0) s = (s + 1) & (size - 1);
      slots[s] = k + 1;
    }
    return new KeyTable(fd, starts, hashes, slots, count);
  }

  // `length` bytes of the file from `start`.
  private bytes(start: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, out, got, length - got, start + got);
      if (n === 0) throw new Error("the key table's file is shorter than it was");
      got += n;
    }
    return out;
  }
}

// FNV-1a of the last HASHED bytes of bytes[start, end) and of their length.
function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let h = Math.imul(2166136261 ^ (end - start), 16777619);
  for (let i = Math.max(start, end - HASHED); i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 16777619);
  return h >>> 0;
}
