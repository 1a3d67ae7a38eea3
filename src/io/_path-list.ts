import { createHash } from "node:crypto";

const CHUNK = 256;

/**
 * A long list of paths in little memory: chunks of 256, each stored as the prefix its paths share
 * and one string of the rest joined by NUL (a character no path holds). 1,000,000 paths of
 * ~55 characters take ~45 MB this way against ~76 MB as an array of strings. Reading them in
 * order goes through each chunk once.
 *
 * @example
 * const list = new PathList(["/c/a.md", "/c/b.md"]); list.get(1) // "/c/b.md"
 */
export class PathList {
  readonly length: number;
  private readonly prefixes: string[] = [];
  private readonly rests: string[] = [];
  // Where the last path read was: its chunk, its index there and where its name starts.
  private at = -1;
  private atK = 0;
  private atPos = 0;
  // The digest, once made or when the list was stored with it (see `fromStored`).
  private known: string | undefined;

  constructor(paths: readonly string[]) {
    this.length = paths.length;
    for (let c = 0; c < paths.length; c += CHUNK) this.push(paths.slice(c, c + CHUNK), "", false);
  }

  /**
   * The list of the paths `prefix + name` of each run in turn, made without a string per path;
   * the same list (and digest) as `new PathList` of those paths. The paths must be sorted.
   *
   * @example
   * PathList.fromRuns([{ prefix: "/c/", names: ["a.md", "b.md"] }]).get(1) // "/c/b.md"
   */
  static fromRuns(runs: readonly { prefix: string; names: readonly string[] }[]): PathList {
    const list = new PathList([]);
    let total = 0;
    for (const run of runs) total += run.names.length;
    (list as { length: number }).length = total;
    let r = 0;
    let n = 0;
    for (let c = 0; c < total; c += CHUNK) {
      const want = Math.min(CHUNK, total - c);
      const run = runs[r] as { prefix: string; names: readonly string[] };
      if (n + want <= run.names.length) {
        // The whole chunk in one folder: its paths share the run's prefix.
        list.push(run.names.slice(n, n + want), run.prefix, true);
        n += want;
      } else {
        const part: string[] = [];
        while (part.length < want) {
          const at = runs[r] as { prefix: string; names: readonly string[] };
          if (n === at.names.length) {
            r++;
            n = 0;
            continue;
          }
          part.push(at.prefix + (at.names[n++] as string));
        }
        list.push(part, "", true);
      }
      if (n === (runs[r] as { names: readonly string[] }).names.length) {
        r++;
        n = 0;
      }
    }
    return list;
  }

  /**
   * The list whose chunks are `stored` (as {@link stored} returned them, with its `length`, and
   * its {@link digest} when known: the caller vouches for it).
   *
   * @example
   * PathList.fromStored({ ...list.stored(), length: list.length }).get(1) === list.get(1) // true
   */
  static fromStored(stored: {
    prefixes: readonly string[];
    rests: readonly string[];
    length: number;
    digest?: string;
  }): PathList {
    const list = new PathList([]);
    (list as { length: number }).length = stored.length;
    list.prefixes.push(...stored.prefixes);
    list.rests.push(...stored.rests);
    list.known = stored.digest;
    return list;
  }

  // Adds a chunk: the paths `base + rest` of `rests`, stored as their common prefix and the rest.
  private push(rests: readonly string[], base: string, sorted: boolean): void {
    const first = rests[0] as string;
    let n = first.length;
    // Sorted, what all share is what the first and the last share.
    for (const p of sorted ? [rests[rests.length - 1] as string] : rests) {
      let k = 0;
      while (k < n && k < p.length && first.charCodeAt(k) === p.charCodeAt(k)) k++;
      n = k;
    }
    // Never between the two halves of a surrogate pair: the prefix is copied through UTF-8.
    if (n > 0 && (first.charCodeAt(n - 1) & 0xfc00) === 0xd800) n--;
    // Flattened copies: slices of the listed strings would keep them all alive.
    this.prefixes.push(flat(base + first.slice(0, n)));
    this.rests.push(flat((n === 0 ? rests : rests.map((p) => p.slice(n))).join("\0")));
  }

  /** The path at `i` (0 ≤ i < length). */
  get(i: number): string {
    const c = Math.floor(i / CHUNK);
    const k = i - c * CHUNK;
    const rest = this.rests[c] as string;
    // From the last path read when it is before this one in the same chunk, else from the
    // chunk's start: no string is made for the paths passed over (a rebuild reads a few
    // thousand paths scattered over 100,000; splitting each chunk they are in made 100,000).
    if (c !== this.at || k < this.atK) {
      this.at = c;
      this.atK = 0;
      this.atPos = 0;
    }
    let pos = this.atPos;
    for (let j = this.atK; j < k; j++) pos = rest.indexOf("\0", pos) + 1;
    this.atK = k;
    this.atPos = pos;
    const end = rest.indexOf("\0", pos);
    return (this.prefixes[c] as string) + (end === -1 ? rest.slice(pos) : rest.slice(pos, end));
  }

  /** The chunks as stored: each one's prefix and NUL-joined rest, and the paths a chunk holds (the last may hold fewer). */
  stored(): { prefixes: readonly string[]; rests: readonly string[]; size: number } {
    return { prefixes: this.prefixes, rests: this.rests, size: CHUNK };
  }

  /** A SHA-1 (base64) of every path in order: equal for two lists of the same paths. */
  digest(): string {
    if (this.known !== undefined) return this.known;
    const h = createHash("sha1");
    for (let c = 0; c < this.prefixes.length; c++) h.update(`${this.prefixes[c]}\n${this.rests[c]}\n`);
    this.known = h.update(String(this.length)).digest("base64");
    return this.known;
  }

  /** The paths from `start` to `end` (exclusive); leaves the chunk {@link get} reads from alone. */
  slice(start: number, end: number): string[] {
    const out: string[] = [];
    const stop = Math.min(end, this.length);
    for (let c = Math.floor(start / CHUNK); c * CHUNK < stop; c++) {
      const parts = (this.rests[c] as string).split("\0");
      const prefix = this.prefixes[c] as string;
      for (let i = Math.max(start, c * CHUNK); i < Math.min(stop, (c + 1) * CHUNK); i++)
        out.push(prefix + (parts[i - c * CHUNK] as string));
    }
    return out;
  }
}

// A string that shares no memory with the one it was made from.
function flat(s: string): string {
  return s.length === 0 ? "" : Buffer.from(s, "utf8").toString("utf8");
}
