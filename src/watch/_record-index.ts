import { createFeedState, type FeedState } from "../create-feed-state.js";
import type { DropRow, FileIdentity, FileOutcome } from "../io/record-rows.js";
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
 * the paths, as `listRecordFiles` sorts them): what an update builds from. Every entry set or
 * deleted is set in `feeds` too (`createFeedState`); `pathOf` finds the file of a record it holds.
 */
// Most files have no diagnostics: one shared empty list.
const NO_DIAGNOSTICS = Object.freeze([]) as unknown as Diagnostic[];

export class RecordIndex {
  /** The paths in code-point order, as a scan lists them. */
  private paths: string[] = [];
  /** The file of each record the index holds (as read, before an id lock). */
  readonly pathOf = new WeakMap<ArticleRecord, string>();
  /** The build kept up to date with every entry set or deleted here; it holds the entries. */
  readonly feeds: FeedState;

  constructor(usePrefilter: boolean, config: FeedsConfig & { strict?: boolean }) {
    this.feeds = createFeedState(config, { prefiltered: usePrefilter });
  }

  /** How many files the index holds. */
  get size(): number {
    return this.paths.length;
  }

  /** A file's entry; undefined when the index does not hold it. */
  get(path: string): FileEntry | undefined {
    // The state holds the entries the index set (one map of every file, not two).
    return this.feeds.get(path) as FileEntry | undefined;
  }

  /** Sets the diagnostics of listing the folders (unreadable folders, link loops). */
  setListing(diagnostics: Diagnostic[]): void {
    this.feeds.setListing(diagnostics);
  }

  /** Sets what a file came to; `record` is its decoded record when one is kept. */
  set(path: string, outcome: FileOutcome, record: ArticleRecord | undefined): void {
    if (!this.has(path)) this.paths.splice(this.insertionPoint(path), 0, path);
    this.put(path, outcome, record);
  }

  /** Appends a file known to sort after every file set so far (the files of a scan, in order). */
  append(path: string, outcome: FileOutcome, record: ArticleRecord | undefined): void {
    this.paths.push(path);
    this.put(path, outcome, record);
  }

  /** Removes a file; false when it was not there. */
  delete(path: string): boolean {
    if (!this.has(path)) return false;
    this.feeds.set(path, undefined);
    const at = this.insertionPoint(path);
    if (this.paths[at] === path) this.paths.splice(at, 1);
    return true;
  }

  /** Whether the index holds a file. */
  has(path: string): boolean {
    return this.feeds.get(path) !== undefined;
  }

  /** Every path, in file order. */
  all(): readonly string[] {
    return this.paths;
  }

  private put(path: string, outcome: FileOutcome, record: ArticleRecord | undefined): void {
    const [identity, diags, , drop] = outcome;
    if (record !== undefined) this.pathOf.set(record, path);
    const entry: FileEntry = {
      identity,
      diagnostics: diags === 0 ? NO_DIAGNOSTICS : diags,
      record,
      drop: drop === 0 ? undefined : drop,
    };
    this.feeds.set(path, entry);
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
