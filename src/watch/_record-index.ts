// What a watcher keeps of every record file between updates: what the file came to when it was
// last read (a record, a record the prefilter set aside, or a rejection), in file order.
import type { RecordSet } from "../build.js";
import { createFeedState, type FeedState } from "../create-feed-state.js";
import type { FileIdentity, FileOutcome } from "../io/record-rows.js";
import { addDropRow, type DropRow } from "../io/record-rows.js";
import { emptySummary } from "../select/prefilter.js";
import type { ArticleRecord, Diagnostic, FeedsConfig } from "../types.js";

/** One record file as last read. */
export interface FileEntry {
  identity: FileIdentity;
  diagnostics: Diagnostic[];
  record: ArticleRecord | undefined;
  drop: DropRow | undefined;
}

/** Whether an outcome is a rejection (no record, and not set aside by a rule). */
export function isRejected(outcome: FileOutcome): boolean {
  return outcome[2] === 0 && (outcome[3] === 0 || outcome[3][0] === "");
}

/**
 * Every record file's outcome, keyed by absolute path and kept in file order (code-unit order of
 * the paths, as `listRecordFiles` sorts them): what an update builds from. `recordSet()` gives the
 * record set a scan of the same files would give; `pathOf` finds the file of a record it holds.
 */
// Most files have no diagnostics: one shared empty list.
const NO_DIAGNOSTICS = Object.freeze([]) as unknown as Diagnostic[];

export class RecordIndex {
  /** Each file's entry, by absolute path. */
  readonly entries = new Map<string, FileEntry>();
  /** The paths in code-point order, as a scan lists them. */
  private paths: string[] = [];
  private listing: Diagnostic[] = [];
  /** The file of each record the index holds (the same objects `recordSet()` returns). */
  readonly pathOf = new WeakMap<ArticleRecord, string>();
  private usePrefilter: boolean;
  /** The build kept up to date with every entry set or deleted here. */
  readonly feeds: FeedState;

  constructor(usePrefilter: boolean, config: FeedsConfig & { strict?: boolean }) {
    this.usePrefilter = usePrefilter;
    this.feeds = createFeedState(config, { prefiltered: usePrefilter });
  }

  /** How many files the index holds. */
  get size(): number {
    return this.paths.length;
  }

  /** Sets the diagnostics of listing the folders (unreadable folders, link loops). */
  setListing(diagnostics: Diagnostic[]): void {
    this.listing = diagnostics;
    this.feeds.setListing(diagnostics);
  }

  /** Sets what a file came to; `record` is its decoded record when one is kept. */
  set(path: string, outcome: FileOutcome, record: ArticleRecord | undefined): void {
    const [identity, diags, , drop] = outcome;
    if (!this.entries.has(path)) {
      const at = this.insertionPoint(path);
      this.paths.splice(at, 0, path);
    }
    if (record !== undefined) this.pathOf.set(record, path);
    const entry: FileEntry = {
      identity,
      diagnostics: diags === 0 ? NO_DIAGNOSTICS : diags,
      record,
      drop: drop === 0 ? undefined : drop,
    };
    this.entries.set(path, entry);
    this.feeds.set(path, entry);
  }

  /** Appends a file known to sort after every file set so far (the files of a scan, in order). */
  append(path: string, outcome: FileOutcome, record: ArticleRecord | undefined): void {
    this.paths.push(path);
    this.entries.set(path, { identity: outcome[0], diagnostics: [], record: undefined, drop: undefined });
    this.set(path, outcome, record);
  }

  /** Removes a file; false when it was not there. */
  delete(path: string): boolean {
    if (!this.entries.delete(path)) return false;
    this.feeds.set(path, undefined);
    const at = this.insertionPoint(path);
    if (this.paths[at] === path) this.paths.splice(at, 1);
    return true;
  }

  /** Whether the index holds a file. */
  has(path: string): boolean {
    return this.entries.has(path);
  }

  /** Every path, in file order. */
  all(): readonly string[] {
    return this.paths;
  }

  /** The record set a scan of the same files would give. */
  recordSet(): RecordSet {
    const records: ArticleRecord[] = [];
    const diagnostics: Diagnostic[] = [...this.listing];
    const hiddenKeys: string[] = [];
    const dropped = emptySummary();
    let rejected = 0;
    for (const path of this.paths) {
      const e = this.entries.get(path) as FileEntry;
      for (const d of e.diagnostics) diagnostics.push(d);
      if (e.record !== undefined) records.push(e.record);
      else if (e.drop !== undefined && e.drop[0] !== "") addDropRow(dropped, e.drop);
      else {
        rejected++;
        if (e.drop !== undefined) for (const k of e.drop[1]) hiddenKeys.push(k);
      }
    }
    const set: RecordSet = { records, diagnostics, read: this.paths.length, rejected };
    if (this.usePrefilter) set.dropped = dropped;
    if (hiddenKeys.length > 0) set.hiddenKeys = hiddenKeys;
    return set;
  }

  private insertionPoint(path: string): number {
    let lo = 0;
    let hi = this.paths.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.paths[mid] as string) < path) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
