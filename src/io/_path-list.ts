import { createHash } from "node:crypto";

const CHUNK = 256;

// How many characters a name may take from the one before it: the count is one character of
// code 1 to 127, ASCII (a listing saved as ASCII is read without decoding).
const MAX_SHARED = 126;

/**
 * A long list of paths in little memory: chunks of 256, each stored as the prefix its paths share
 * and one string of the rest, front-coded: each path's name (the path without the prefix) after
 * the first starts with one character saying how many characters it shares with the name before
 * it (its code minus one) and holds only those that follow; names are joined by NUL (a character
 * no path holds). Sorted names share most of their start: 1,000,000 paths of ~55 characters take
 * ~16 MB this way, against ~35 MB with whole names and ~76 MB as an array of strings. Reading them
 * in order goes through each chunk once.
 *
 * @example
 * const list = new PathList(["/c/a.md", "/c/b.md"]); list.get(1) // "/c/b.md"
 */
export class PathList {
  readonly length: number;
  private readonly prefixes: string[] = [];
  private readonly rests: string[] = [];
  // The chunk last read from, where each of its entries starts (its count character, but for the
  // first; then one past its end), and the last name read there and its index (-1: none).
  private at = -1;
  private readonly starts = new Int32Array(CHUNK + 1);
  private atK = -1;
  private atName = "";
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
    if (n > 0 && isHighSurrogate(first.charCodeAt(n - 1))) n--;
    // Flattened copies: slices of the listed strings would keep them all alive.
    this.prefixes.push(flat(base + first.slice(0, n)));
    this.rests.push(flat(frontCoded(rests, n)));
  }

  /** The path at `i` (0 ≤ i < length). */
  get(i: number): string {
    const c = Math.floor(i / CHUNK);
    const k = i - c * CHUNK;
    const rest = this.rests[c] as string;
    if (c !== this.at) {
      this.at = c;
      this.atK = -1;
      const starts = this.starts;
      let n = 0;
      for (let pos = 0; ; ) {
        starts[n++] = pos;
        const end = rest.indexOf("\0", pos);
        if (end === -1) break;
        pos = end + 1;
      }
      starts[n] = rest.length + 1;
    }
    const name = this.nameAt(rest, k);
    this.atK = k;
    this.atName = name;
    return (this.prefixes[c] as string) + name;
  }

  // Name `k` of the chunk being read: its own characters, after those it shares with the names
  // before it, taken back to the last name read or to one that shares none. No string is made
  // for the names passed over (a rebuild reads a few thousand paths scattered over 100,000).
  private nameAt(rest: string, k: number): string {
    const starts = this.starts;
    const end = (starts[k + 1] as number) - 1;
    if (k === 0) return rest.slice(0, end);
    const from = starts[k] as number;
    let need = rest.charCodeAt(from) - 1;
    const own = rest.slice(from + 1, end);
    if (need === 0) return own;
    if (k - 1 === this.atK) return this.atName.slice(0, need) + own;
    // Pieces of the start, from the last back.
    const parts = [own];
    for (let j = k - 1; need > 0; j--) {
      if (j === this.atK) {
        parts.push(this.atName.slice(0, need));
        break;
      }
      const at = starts[j] as number;
      const shared = j === 0 ? 0 : rest.charCodeAt(at) - 1;
      const text = j === 0 ? at : at + 1;
      if (shared < need) {
        parts.push(rest.slice(text, text + need - shared));
        need = shared;
      }
    }
    return parts.reverse().join("");
  }

  /**
   * The chunks as stored: each one's prefix and front-coded rest (see {@link chunkNames}), and
   * the paths a chunk holds (the last may hold fewer).
   */
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
      const names = chunkNames(this.rests[c] as string);
      const prefix = this.prefixes[c] as string;
      for (let i = Math.max(start, c * CHUNK); i < Math.min(stop, (c + 1) * CHUNK); i++)
        out.push(prefix + (names[i - c * CHUNK] as string));
    }
    return out;
  }
}

// A string that shares no memory with the one it was made from.
function flat(s: string): string {
  return s.length === 0 ? "" : Buffer.from(s, "utf8").toString("utf8");
}

/**
 * The names of a chunk as {@link PathList.stored} holds it (each to be put after the chunk's prefix).
 *
 * @example
 * chunkNames("a-1.md\0\u00033.md") // ["a-1.md", "a-3.md"]
 */
export function chunkNames(rest: string): string[] {
  const names = rest.split("\0");
  for (let k = 1; k < names.length; k++) {
    const entry = names[k] as string;
    const shared = entry.charCodeAt(0) - 1;
    names[k] = shared === 0 ? entry.slice(1) : (names[k - 1] as string).slice(0, shared) + entry.slice(1);
  }
  return names;
}

// The names `paths[k].slice(n)` front-coded (see `PathList`), joined by NUL.
function frontCoded(paths: readonly string[], n: number): string {
  const out: string[] = [];
  let last = "";
  for (let k = 0; k < paths.length; k++) {
    const name = n === 0 ? (paths[k] as string) : (paths[k] as string).slice(n);
    if (k === 0) out.push(name);
    else {
      const most = Math.min(MAX_SHARED, name.length, last.length);
      let shared = 0;
      while (shared < most && name.charCodeAt(shared) === last.charCodeAt(shared)) shared++;
      // (The rest is copied through UTF-8: never from the second half of a surrogate pair.)
      if (shared > 0 && isHighSurrogate(name.charCodeAt(shared - 1))) shared--;
      out.push(String.fromCharCode(shared + 1) + name.slice(shared));
    }
    last = name;
  }
  return out.join("\0");
}

function isHighSurrogate(code: number): boolean {
  return (code & 0xfc00) === 0xd800;
}
