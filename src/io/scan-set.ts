import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { DroppedSummary } from "../select/prefilter.js";
import type { Diagnostic } from "../types.js";
import { CACHE_FILES } from "./_cache-files.js";
import { asciiJson, readCacheText } from "./_cache-text.js";
import { KeyTable } from "./_key-table.js";
import { writeCacheFile } from "./_temp-files.js";
import type { FileIdentity, FileOutcome, RecordRow } from "./record-rows.js";

const FILE = CACHE_FILES.scanSet;
// A scan that only replaced records writes the rows it replaced (and those replaced before it
// since the set was written whole) here, not the whole set again: 1.2 MB at 100,000 records,
// 40–60 ms to write, for the few hundred bytes of an edit.
const PATCH = CACHE_FILES.scanSetPatch;
// Beyond this many replaced rows (or a tenth of the set) the set is written whole again.
const MAX_PATCHED = 1000;
// What replacing records of the set never changes is kept apart (the hidden keys of 100,000
// records are most of the bytes): a scan that only replaced records rewrites the first file only.
// A JSON head line, then the hidden keys one per line (canonical URLs: never a line break in
// one; a count that does not add up leaves the set unused): splitting 33,000 keys takes a few
// ms, parsing them as JSON 40–50.
const BASE = CACHE_FILES.scanSetBase;

/**
 * What a lean scan with a cache folder handed the build, saved so that a later scan of the same
 * files can hand it on again with only some records' content changed: the records it kept (each
 * with the index of its file in the listing), the diagnostics of the files, what the prefilter
 * and the entries beyond each feed's limit summed up, and the listing it was made from.
 */
export interface ScanSet {
  /** The scan's key and its build config (without its clock): another key, another set. */
  key: string;
  /** The scan's `listing`: the set belongs to that listing and those identities only. */
  listing: string[];
  records: [file: number, row: RecordRow][];
  /** The diagnostics of the files, in file order (not those of listing the folders). */
  fileDiagnostics: Diagnostic[];
  dropped: DroppedSummary;
  rejected: number;
  hiddenKeys: string[];
  /**
   * The dropped records' hidden keys when they were spooled to a file as the scan read (see
   * `KeySpool`) rather than held in `dropped.hiddenKeys`: pieces of text, each key after a "\n".
   */
  droppedKeys?: { readonly count: number; pieces(): Iterable<string | Uint8Array> };
}

/** The rest of a saved set as read: its hidden keys as a table, not as strings. */
export interface SavedRest {
  /** What the prefilter and the entries beyond each feed's limit summed up, but the hidden keys. */
  dropped: Omit<DroppedSummary, "hiddenKeys">;
  rejected: number;
  hiddenKeys: string[];
  /** Every hidden key of the rest: `hiddenKeys`, then the dropped records' (`dropped.hiddenKeys`). */
  keys: KeyTable;
}

/** A saved set as read: its records and file diagnostics, and the rest read when asked for. */
export interface SavedScanSet extends Pick<ScanSet, "records" | "fileDiagnostics"> {
  /** Names the saved rest, for {@link writeScanSet} when only records of the set were replaced. */
  baseId: string;
  /** Names the set as written whole (its patches name it). */
  id: string;
  /** The records (by index) a patch replaced since the set was written whole. */
  patched: number[];
  /** The rest, or undefined when it cannot be read (then the set cannot be used). */
  base(): SavedRest | undefined;
}

/**
 * Reads the saved set for a key and the listing it must have been made from: undefined when
 * there is none, it is unreadable, or it is of another key or listing.
 *
 * @param dir - the cache folder
 * @param key - the scan's set key
 * @param listing - the `unchangedSince` listing the scan was given
 * @returns the set, or undefined
 * @example
 * const set = readScanSet(cacheDir, key, options.unchangedSince);
 */
export function readScanSet(dir: string, key: string, listing: readonly string[]): SavedScanSet | undefined {
  try {
    const saved = JSON.parse(readCacheText(join(dir, FILE))) as Partial<ScanSet> & { base?: unknown; id?: unknown };
    if (
      saved.key !== key ||
      typeof saved.base !== "string" ||
      typeof saved.id !== "string" ||
      !Array.isArray(saved.listing) ||
      !Array.isArray(saved.records) ||
      !Array.isArray(saved.fileDiagnostics)
    )
      return undefined;
    const { records, id } = saved;
    // The set as patched since, when a patch of this very set is there: then its listing is the
    // set's (the rows it names replaced).
    let patched: number[] = [];
    let made = saved.listing;
    const patch = readPatch(dir, id, records.length);
    if (patch !== undefined) {
      made = patch.listing;
      patched = patch.rows.map(([k, file, row]) => {
        records[k] = [file, row];
        return k;
      });
    }
    if (made.length !== listing.length || made.some((d, i) => d !== listing[i])) return undefined;
    const baseId = saved.base;
    return {
      records,
      fileDiagnostics: saved.fileDiagnostics,
      baseId,
      id,
      patched,
      base: () => readSavedRest(dir, baseId),
    };
  } catch {
    return undefined;
  }
}

/**
 * The rest of the set `baseId` as saved (its hidden keys a table over the file), when it is
 * there and whole.
 *
 * @example
 * readSavedRest(cacheDir, writeScanSet(cacheDir, set))?.keys.has("a.com/x")
 */
export function readSavedRest(dir: string, baseId: string): SavedRest | undefined {
  let rest: Omit<SavedRest, "keys"> | undefined;
  let hiddenCount = 0;
  // (The keys stay in the file, looked up there: see `KeyTable`.)
  const keys = KeyTable.fromFile(join(dir, BASE), (line) => {
    let head: { id?: unknown; rejected?: unknown; dropped?: unknown; hidden?: unknown; droppedHidden?: unknown };
    try {
      head = JSON.parse(line) as typeof head;
    } catch {
      return undefined;
    }
    const { id, rejected, dropped, hidden, droppedHidden } = head;
    if (
      id !== baseId ||
      typeof rejected !== "number" ||
      typeof dropped !== "object" ||
      dropped === null ||
      !Number.isSafeInteger(hidden) ||
      !Number.isSafeInteger(droppedHidden) ||
      (hidden as number) < 0 ||
      (droppedHidden as number) < 0
    )
      return undefined;
    rest = { dropped: dropped as Omit<DroppedSummary, "hiddenKeys">, rejected, hiddenKeys: [] };
    hiddenCount = hidden as number;
    return hiddenCount + (droppedHidden as number);
  });
  if (keys === undefined || rest === undefined) return undefined;
  return { ...(rest as Omit<SavedRest, "keys">), hiddenKeys: keys.lines(0, hiddenCount), keys };
}

/**
 * Saves a set (atomically; a failure is ignored: the next scan then reads every outcome). With
 * `baseId` (of the set it was patched from), the rest is as saved then and is not written again.
 * Returns the id of the rest: the same id, the same hidden keys (a hash of the key and the
 * listing the rest was made from).
 *
 * @example
 * writeScanSet(cacheDir, { key, listing, records, fileDiagnostics, dropped, rejected, hiddenKeys });
 */
export function writeScanSet(
  dir: string,
  set: ScanSet,
  from?: { saved: Pick<SavedScanSet, "baseId" | "id" | "patched">; replaced: Iterable<number> },
): string {
  const { key, listing, records, fileDiagnostics, dropped, rejected, hiddenKeys, droppedKeys } = set;
  if (from !== undefined) {
    const rows = [...new Set([...from.saved.patched, ...from.replaced])].sort((a, b) => a - b);
    if (rows.length <= Math.max(64, Math.min(MAX_PATCHED, records.length / 10))) {
      // (The set it names was written for this key.)
      const patch = {
        of: from.saved.id,
        listing,
        rows: rows.map((k) => [k, ...(records[k] as [number, RecordRow])]),
      };
      writeCacheFile(dir, PATCH, asciiJson(JSON.stringify(patch)));
      return from.saved.baseId;
    }
  }
  const id = createHash("sha1")
    .update(JSON.stringify([key, listing]))
    .digest("base64");
  let base = from?.saved.baseId;
  if (base === undefined) {
    base = id;
    writeCacheFile(dir, BASE, baseText(base, dropped, rejected, hiddenKeys, droppedKeys));
  }
  // A patch names the set it patches; gone first all the same, so that it is never taken for this one.
  rmSync(join(dir, PATCH), { force: true });
  writeCacheFile(dir, FILE, setText({ key, listing, base, id, records, fileDiagnostics }));
  return base;
}

// The set's JSON in pieces, a thousand records at a time: the same bytes as one
// `JSON.stringify`, never one string of them all (6 MB at 1,000,000 records, and its escaped copy).
function* setText(set: {
  key: string;
  listing: string[];
  base: string;
  id: string;
  records: ScanSet["records"];
  fileDiagnostics: Diagnostic[];
}): Generator<string> {
  const { key, listing, base, id, records, fileDiagnostics } = set;
  const head = JSON.stringify({ key, listing, base, id });
  yield asciiJson(`${head.slice(0, -1)},"records":[`);
  for (let i = 0; i < records.length; i += 1000)
    yield asciiJson(
      `${i === 0 ? "" : ","}${records
        .slice(i, i + 1000)
        .map((r) => JSON.stringify(r))
        .join(",")}`,
    );
  yield asciiJson(`],"fileDiagnostics":${JSON.stringify(fileDiagnostics)}}`);
}

// The patch of the set `id` (of `count` records), when it is there and whole.
function readPatch(
  dir: string,
  id: string,
  count: number,
): { listing: string[]; rows: [k: number, file: number, row: RecordRow][] } | undefined {
  try {
    const p = JSON.parse(readCacheText(join(dir, PATCH))) as { of?: unknown; listing?: unknown; rows?: unknown };
    if (p.of !== id || !Array.isArray(p.listing) || !Array.isArray(p.rows)) return undefined;
    const rows = p.rows as [number, number, RecordRow][];
    if (!rows.every((r) => Array.isArray(r) && Number.isInteger(r[0]) && r[0] >= 0 && r[0] < count)) return undefined;
    return { listing: p.listing as string[], rows };
  } catch {
    return undefined;
  }
}

/**
 * Collects the changed files a saved set can take: records of the set that stay in it, with the
 * same diagnostics. A record that still has a row passed the prefilter, so it passes every
 * site-wide rule (what a set is made under: no topic has rules of its own); it stays in the set
 * when its new lean row also keeps every field that decides which of those records a scan keeps:
 * its id, dates, URLs, `published`, topics and file name (what the entries beyond each feed's
 * limit are sorted and matched by). Its title, quality, heat, category, type or provider may
 * change: the build selects from the set again. Excerpts, images and related links are not in a
 * lean row: they are read from the file for rendering. Any other change makes
 * {@link SetPatcher.accept} say no; the scan then reads everything.
 *
 * @example
 * const p = new SetPatcher(set); p.accept(12, outcome, "content/a.md") && p.rows()
 */
export class SetPatcher {
  /** The files taken, with their new outcomes. */
  readonly patches = new Map<number, FileOutcome>();
  private readonly indexOf: Map<number, number>;

  constructor(readonly set: SavedScanSet) {
    this.indexOf = new Map(set.records.map(([file], k) => [file, k]));
  }

  /** Takes the new outcome of file `file` (its diagnostics name it `shown`), or says it cannot. */
  accept(file: number, outcome: FileOutcome, shown: string): boolean {
    const k = this.indexOf.get(file);
    const row = outcome[2];
    if (k === undefined || row === 0 || !sameMembership((this.set.records[k] as [number, RecordRow])[1], row))
      return false;
    const before = this.set.fileDiagnostics.filter((d) => d.file === shown);
    if (JSON.stringify(outcome[1] === 0 ? [] : outcome[1]) !== JSON.stringify(before)) return false;
    this.patches.set(file, outcome);
    return true;
  }

  /** The indexes in the set of the records taken. */
  replaced(): number[] {
    return [...this.patches.keys()].map((file) => this.indexOf.get(file) as number);
  }

  /** The set's records in file order, those taken replaced: file, row, and the new identity of a file taken. */
  rows(): [file: number, row: RecordRow, identity: FileIdentity | undefined][] {
    return this.set.records.map(([file, row]) => {
      const now = this.patches.get(file);
      return now === undefined ? [file, row, undefined] : [file, now[2] as RecordRow, now[0]];
    });
  }
}

// Fields of a lean row that decide whether and how a record that passes the rules is kept: id,
// published and updated dates, web and original URLs, published flag, topics, file name.
const MEMBERSHIP = [0, 3, 4, 5, 6, 11, 13, 16];

// Whether two rows of one record agree in every field of MEMBERSHIP.
function sameMembership(a: RecordRow, b: RecordRow): boolean {
  return a.length === b.length && MEMBERSHIP.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

// The rest in pieces: the hidden keys of 1,000,000 records are 30 MB, never one string.
function* baseText(
  id: string,
  dropped: DroppedSummary,
  rejected: number,
  hiddenKeys: string[],
  spooled: ScanSet["droppedKeys"],
): Generator<string | Uint8Array> {
  const { hiddenKeys: droppedKeys, ...summary } = dropped;
  const droppedHidden = spooled?.count ?? droppedKeys.length;
  const head = { id, rejected, dropped: summary, hidden: hiddenKeys.length, droppedHidden };
  yield asciiJson(JSON.stringify(head));
  for (const keys of spooled === undefined ? [hiddenKeys, droppedKeys] : [hiddenKeys])
    for (let i = 0; i < keys.length; i += 10_000) yield `\n${keys.slice(i, i + 10_000).join("\n")}`;
  if (spooled !== undefined) yield* spooled.pieces();
}
