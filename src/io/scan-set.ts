import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DroppedSummary } from "../select/prefilter.js";
import type { Diagnostic } from "../types.js";
import { writeCacheFile } from "./_temp-files.js";
import type { FileIdentity, FileOutcome, RecordRow } from "./record-rows.js";

const FILE = "scan-set-v1.json";
// What replacing records of the set never changes is kept apart (the hidden keys of 100,000
// records are most of the bytes): a scan that only replaced records rewrites the first file only.
const BASE = "scan-set-v1.base.json";

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
}

/** A saved set as read: its records and file diagnostics, and the rest read when asked for. */
export interface SavedScanSet extends Pick<ScanSet, "records" | "fileDiagnostics"> {
  /** Names the saved rest, for {@link writeScanSet} when only records of the set were replaced. */
  baseId: string;
  /** The rest, or undefined when it cannot be read (then the set cannot be used). */
  base(): Pick<ScanSet, "dropped" | "rejected" | "hiddenKeys"> | undefined;
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
    const saved = JSON.parse(readFileSync(join(dir, FILE), "utf8")) as Partial<ScanSet> & { base?: unknown };
    if (
      saved.key !== key ||
      typeof saved.base !== "string" ||
      !Array.isArray(saved.listing) ||
      saved.listing.length !== listing.length ||
      saved.listing.some((d, i) => d !== listing[i]) ||
      !Array.isArray(saved.records) ||
      !Array.isArray(saved.fileDiagnostics)
    )
      return undefined;
    const baseId = saved.base;
    return {
      records: saved.records,
      fileDiagnostics: saved.fileDiagnostics,
      baseId,
      base: () => {
        try {
          const rest = JSON.parse(readFileSync(join(dir, BASE), "utf8")) as Partial<ScanSet> & { id?: unknown };
          if (
            rest.id !== baseId ||
            !Array.isArray(rest.hiddenKeys) ||
            typeof rest.rejected !== "number" ||
            typeof rest.dropped !== "object" ||
            rest.dropped === null
          )
            return undefined;
          return { dropped: rest.dropped, rejected: rest.rejected, hiddenKeys: rest.hiddenKeys };
        } catch {
          return undefined;
        }
      },
    };
  } catch {
    return undefined;
  }
}

/**
 * Saves a set (atomically; a failure is ignored: the next scan then reads every outcome). With
 * `baseId` (of the set it was patched from), the rest is as saved then and is not written again.
 *
 * @example
 * writeScanSet(cacheDir, { key, listing, records, fileDiagnostics, dropped, rejected, hiddenKeys });
 */
export function writeScanSet(dir: string, set: ScanSet, baseId?: string): void {
  const { key, listing, records, fileDiagnostics, dropped, rejected, hiddenKeys } = set;
  let base = baseId;
  if (base === undefined) {
    base = createHash("sha1")
      .update(JSON.stringify([key, listing]))
      .digest("base64");
    writeCacheFile(dir, BASE, baseJson(base, dropped, rejected, hiddenKeys));
  }
  writeCacheFile(dir, FILE, JSON.stringify({ key, listing, base, records, fileDiagnostics }));
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

// The rest as JSON in pieces: the hidden keys of 1,000,000 records are 30 MB, never one string.
function* baseJson(id: string, dropped: DroppedSummary, rejected: number, hiddenKeys: string[]): Generator<string> {
  const { hiddenKeys: droppedKeys, ...summary } = dropped;
  yield `{"id":${JSON.stringify(id)},"rejected":${rejected},"hiddenKeys":${JSON.stringify(hiddenKeys)},"dropped":${JSON.stringify(summary).slice(0, -1)}${Object.keys(summary).length > 0 ? "," : ""}"hiddenKeys":[`;
  for (let i = 0; i < droppedKeys.length; i += 10_000)
    yield `${i === 0 ? "" : ","}${JSON.stringify(droppedKeys.slice(i, i + 10_000)).slice(1, -1)}`;
  yield "]}}";
}
