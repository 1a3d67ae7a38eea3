import { createHash, type Hash } from "node:crypto";
import type { DroppedSummary } from "../select/prefilter.js";

/** Hidden keys looked up without a string per key (see `KeyTable`). */
export interface KeyLookup {
  has(key: string): boolean;
  /** Feeds every key to `hash`, in order, separated by "\n". */
  hashLines(hash: Hash): void;
  /** How many keys. */
  readonly count: number;
  /** The keys from the `first` on, as strings, in order. */
  lines(first?: number): string[];
}

// The table behind a summary's hidden keys, while they are not strings yet.
const tables = new WeakMap<object, KeyLookup>();

/**
 * Gives a summary hidden keys that stay in `table` (its keys from the `first` on) until
 * something reads `dropped.hiddenKeys`: then they become the array of strings it always was. A
 * build that only asks whether a key is hidden (see {@link hiddenKeysTable}) never makes them.
 *
 * @example
 * hideInTable(scanResult.dropped, rest.keys, rest.hiddenKeys.length)
 */
export function hideInTable(dropped: DroppedSummary, table: KeyLookup, first: number): void {
  const settle = (value: string[]) =>
    Object.defineProperty(dropped, "hiddenKeys", { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(dropped, "hiddenKeys", {
    configurable: true,
    enumerable: true,
    get: () => {
      const keys = table.lines(first);
      settle(keys);
      return keys;
    },
    set: settle,
  });
  tables.set(dropped, table);
}

/**
 * The table behind a summary's hidden keys (see {@link hideInTable}), while no one has read or
 * replaced them as strings; else undefined.
 *
 * @example
 * const table = hiddenKeysTable(set.dropped); table?.has("a.com/x")
 */
export function hiddenKeysTable(dropped: DroppedSummary): KeyLookup | undefined {
  // (Read or replaced as strings since: the strings are the keys now.)
  if (Object.getOwnPropertyDescriptor(dropped, "hiddenKeys")?.get === undefined) return undefined;
  return tables.get(dropped);
}

/**
 * The set of hidden keys a build's context holds, over a table of the dropped records' keys (a
 * rebuild that hands on its saved set): `has` looks in the table and in the keys added; the
 * set's order and size, asked for only when it is compared or hashed as a whole, are those of a
 * `Set` of the table's keys then those added.
 *
 * @example
 * const hidden = new HiddenSet(table, () => dropped.hiddenKeys); hidden.add("a.com/x"); hidden.has("a.com/x") // true
 */
export class HiddenSet implements ReadonlySet<string> {
  private readonly added = new Set<string>();
  private whole: Set<string> | undefined;
  private digested: { added: number; digest: string } | undefined;

  constructor(
    private readonly table: KeyLookup,
    private readonly tableKeys: () => readonly string[],
  ) {}

  /** Adds a key (only while the set is being made). */
  add(key: string): this {
    this.added.add(key);
    this.whole?.add(key);
    return this;
  }

  has(key: string): boolean {
    return this.added.has(key) || this.table.has(key);
  }

  /**
   * A SHA-1 of the table's keys then those added, in order, never made into strings (the keys
   * of 1,000,000 records are 29 MB). Another digest than that of a `Set` of the same keys: a
   * memo that holds one and is compared with the other only renders its feeds again.
   */
  digest(): string {
    // (Made once per number of keys added: a build digests its set for the check and the memo.)
    if (this.digested?.added === this.added.size) return this.digested.digest;
    const h = createHash("sha1").update(`table ${this.table.count}\n`);
    this.table.hashLines(h);
    h.update(`\nadded ${this.added.size}\n`);
    for (const k of this.added) h.update(`${k}\n`);
    this.digested = { added: this.added.size, digest: h.digest("base64") };
    return this.digested.digest;
  }

  get size(): number {
    return this.all().size;
  }

  forEach(fn: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const k of this.all()) fn.call(thisArg, k, k, this);
  }

  entries(): SetIterator<[string, string]> {
    return this.all().entries();
  }

  keys(): SetIterator<string> {
    return this.all().keys();
  }

  values(): SetIterator<string> {
    return this.all().values();
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.all()[Symbol.iterator]();
  }

  // The keys as a Set, made once.
  private all(): Set<string> {
    if (this.whole === undefined) {
      this.whole = new Set(this.tableKeys());
      for (const k of this.added) this.whole.add(k);
    }
    return this.whole;
  }
}
