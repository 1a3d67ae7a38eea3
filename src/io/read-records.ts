import { isUtf8 } from "node:buffer";
import { opendirSync, readFileSync, realpathSync, type Stats, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import type { RecordSet } from "../build.js";
import { groupDigits } from "../diagnostics/_group-digits.js";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { type NormalizeResult, normalizeRecord } from "../records/normalize-record.js";
import { parseFrontMatter } from "../records/parse-front-matter.js";
import type { ArticleRecord, Diagnostic } from "../types.js";

/** Options of {@link loadRecords}. */
export interface LoadOptions {
  /** Files larger than this are rejected with `file-too-large` (default 10 MiB). */
  maxFileSize?: number;
  /** Paths in diagnostics are relative to this folder (default: the working directory). */
  cwd?: string;
}

const RECORD_FILE = /\.(md|markdown)$/i;
const DEFAULT_MAX = 10 * 1024 * 1024;
// Folders deeper than this are not read: a chain made by a runaway script would otherwise make
// the walk crawl (each step resolves the whole path) until the path is too long for the system.
const MAX_DEPTH = 64;
const TIME_LIMIT = 120_000;

/** Bounds of {@link listRecordFiles}' walk. */
export interface ListOptions {
  /** Folders deeper than this below an input are skipped with a `folder-too-deep` error (default 64). */
  maxDepth?: number;
  /** Milliseconds the walk may take before it stops with a `TopicfeedsError` (`list-timeout`); default 120,000. */
  timeLimit?: number;
}

/** {@link ListOptions} of {@link listRecordRuns}, which the scan uses. */
export interface WalkOptions extends ListOptions {
  /**
   * Called as a folder is read, before its names are sorted, with the next names of regular
   * files named like records, in the order the system gives them (so that work on them, say a
   * `stat` in another thread, can start while the listing goes on). The runs then say where each
   * of their names came in those calls ({@link ListedRun.read}).
   */
  onNames?: (folder: string, names: string[]) => void;
}

/**
 * Lists the record files under the given files and folders: recursive, `*.md` and
 * `*.markdown`, sorted by code point so every machine reads them in the same order. Symbolic
 * link loops, unreadable folders, folders nested too deep and names that are not valid UTF-8
 * become diagnostics; other files are ignored. A walk that takes longer than
 * `options.timeLimit` throws a `TopicfeedsError` (`list-timeout`) rather than return part of
 * the files.
 *
 * @param inputs - files and folders
 * @param cwd - the folder diagnostics name files relative to
 * @param options - depth and time bounds
 * @returns absolute file paths and diagnostics
 * @example
 * listRecordFiles(["content"]).files // ["/site/content/a.md", "/site/content/news/b.md"]
 */
export function listRecordFiles(
  inputs: readonly string[],
  cwd = process.cwd(),
  options: ListOptions = {},
): { files: string[]; diagnostics: Diagnostic[] } {
  const listed = listRecordRuns(inputs, cwd, options);
  return { files: sortedPaths(listed), diagnostics: listed.diagnostics };
}

/**
 * The paths of listed runs, sorted and each once.
 *
 * @example
 * sortedPaths(listRecordRuns(["content"])) // ["/site/content/a.md", "/site/content/news/b.md"]
 */
export function sortedPaths(listed: { runs: readonly ListedRun[]; ordered: boolean }): string[] {
  const files: string[] = [];
  for (const run of listed.runs) for (const name of run.names) files.push(run.prefix + name);
  if (listed.ordered) return files;
  files.sort();
  return files.filter((f, i) => i === 0 || f !== files[i - 1]);
}

/** Consecutive listed files of one folder: each path is `prefix + name`, names sorted. */
export interface ListedRun {
  prefix: string;
  names: string[];
  /** With `onNames`: each name's place among the names that folder passed to it (in all its calls, counting from 0), or −1 for a name it did not pass (a link, followed). */
  read?: number[];
}

/**
 * {@link listRecordFiles} without making a string per path: the files as runs of one folder in
 * walk order, whether that order is already the sorted order of their paths (it is unless a
 * subfolder's name sorts among file names around the separator, or inputs overlap), and each
 * folder's {@link FolderStamp} (see `listing-cache.ts`).
 *
 * @example
 * listRecordRuns(["content"], "/site").runs // [{ prefix: "/site/content/", names: ["a.md", "b.md"] }]
 */
export function listRecordRuns(
  inputs: readonly string[],
  cwd = process.cwd(),
  options: WalkOptions = {},
): { runs: ListedRun[]; ordered: boolean; diagnostics: Diagnostic[]; stamps: FolderStamp[] | undefined } {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  const timeLimit = options.timeLimit ?? TIME_LIMIT;
  const started = Date.now();
  let folders = 0;
  // Names, not paths: hashing or joining 100,000 long paths cost more than listing them.
  const runs: ListedRun[] = [];
  const diagnostics: Diagnostic[] = [];
  const shown = (p: string) => display(p, cwd);
  const visited = new Set<string>();
  // Each folder read, with its stamp (mtime, ctime, inode) taken before it was read; undefined
  // once a link, a special file, an input that is a file or a diagnostic makes a listing one that
  // could change without a folder's stamp changing.
  let stamps: FolderStamp[] | undefined = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > maxDepth) {
      diagnostics.push(
        diagnostic(
          "folder-too-deep",
          `folder skipped: it is nested more than ${maxDepth} folders deep below the input; records in it are not read (move them up)`,
          { file: shown(dir) },
        ),
      );
      return;
    }
    if (++folders % 64 === 0 && Date.now() - started > timeLimit)
      throw new TopicfeedsError(
        "list-timeout",
        `listing the input took more than ${Math.round(timeLimit / 1000)} s (${groupDigits(folders)} folders so far, now in ${shown(dir)}); nothing was written. Is a network drive slow, or does the input hold a huge folder tree?`,
      );
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (e) {
      diagnostics.push(diagnostic("read-failed", `cannot read the folder: ${reason(e, dir)}`, { file: shown(dir) }));
      return;
    }
    if (visited.has(real)) {
      diagnostics.push(
        diagnostic(
          "folder-skipped",
          "folder skipped: it was already read through another path (a symbolic link loop?)",
          { file: shown(dir) },
        ),
      );
      return;
    }
    visited.add(real);
    let names: string[];
    // Only entries that are not regular files: folders, links and the odd FIFO are few.
    const kinds = new Map<string, "dir" | "other">();
    // With `onNames`: each name's place among those passed to it (−1 for the others).
    let passed: Int32Array | undefined;
    try {
      // Taken before the names: a change while they are read leaves a stamp that no longer matches.
      if (stamps !== undefined) {
        const st = statSync(dir);
        stamps.push([dir, st.mtimeMs, st.ctimeMs, st.ino]);
      }
      ({ names, passed } = readNames(dir, kinds, options.onNames));
    } catch (e) {
      diagnostics.push(diagnostic("read-failed", `cannot list the folder: ${reason(e)}`, { file: shown(dir) }));
      return;
    }
    // A link or other special entry: whether it is a folder can change without this folder changing.
    for (const kind of kinds.values()) if (kind === "other") stamps = undefined;
    // The order the names were read in is kept when it was passed on (sorting indexes by name costs
    // 20–40 ms more per 100,000 names than sorting the names).
    const order: ArrayLike<number> | undefined =
      passed === undefined
        ? undefined
        : Array.from(names.keys()).sort((a, b) => ((names[a] as string) < (names[b] as string) ? -1 : 1));
    if (order === undefined) names.sort();
    const prefix = `${dir}${sep}`;
    const newRun = (): ListedRun => (passed === undefined ? { prefix, names: [] } : { prefix, names: [], read: [] });
    let run = newRun();
    // A listed file, and its place among the names passed on (−1 for one not passed).
    const take = (name: string, place = -1) => {
      run.names.push(name);
      run.read?.push(place);
    };
    const into = (sub: string) => {
      if (run.names.length > 0) runs.push(run);
      walk(sub, depth + 1);
      run = newRun();
    };
    for (let k = 0; k < names.length; k++) {
      const at = order === undefined ? k : (order[k] as number);
      const name = names[at] as string;
      // A name passed on is a regular file named like a record (checked as it was read).
      const place = passed === undefined ? -1 : (passed[at] as number);
      if (place >= 0) {
        take(name, place);
        continue;
      }
      if (name.startsWith(".") || name === "node_modules") continue;
      const kind = kinds.size === 0 ? undefined : kinds.get(name);
      if (kind === undefined) {
        if (RECORD_FILE.test(name)) take(name);
        continue;
      }
      if (kind === "dir") {
        into(prefix + name);
        continue;
      }
      // A symbolic link (or an unknown kind): follow it.
      let st: Stats;
      try {
        st = statSync(prefix + name);
      } catch {
        // Listed anyway, so that it is counted as read and rejected with the reason.
        if (RECORD_FILE.test(name)) take(name);
        continue;
      }
      if (st.isDirectory()) into(prefix + name);
      // A FIFO, socket or device named like a record: listed, so that reading rejects it with the reason.
      else if (RECORD_FILE.test(name)) take(name);
    }
    if (run.names.length > 0) runs.push(run);
  };
  for (const input of inputs) {
    const abs = resolve(cwd, input);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (e) {
      diagnostics.push(diagnostic("read-failed", `input not found: ${reason(e)}`, { file: shown(abs) }));
      continue;
    }
    if (st.isDirectory()) walk(abs, 0);
    else {
      runs.push({ prefix: abs, names: [""] });
      stamps = undefined;
    }
  }
  if (diagnostics.length > 0) stamps = undefined;
  // Names within a run are sorted and distinct: the order holds when it holds where runs meet.
  let ordered = true;
  for (let r = 1; r < runs.length && ordered; r++) {
    const a = runs[r - 1] as ListedRun;
    const b = runs[r] as ListedRun;
    ordered = a.prefix + (a.names[a.names.length - 1] as string) < b.prefix + (b.names[0] as string);
  }
  return { runs, ordered, diagnostics, stamps };
}

/**
 * A folder as it was when listed: path, mtime, ctime (milliseconds) and inode. Creating, removing
 * or renaming an entry changes the folder's mtime and ctime; editing a file in it does not.
 */
export type FolderStamp = [path: string, mtimeMs: number, ctimeMs: number, ino: number];

/**
 * Reads and checks one record file: size limit, binary and encoding checks, front matter,
 * normalisation. Never throws.
 *
 * @param path - the file
 * @param shownAs - the name diagnostics use
 * @returns the record (unless rejected) and its diagnostics
 *
 * @example
 * ```ts
 * const { record, diagnostics } = readRecordFile("content/a.md", "a.md");
 * ```
 */
export function readRecordFile(path: string, shownAs: string, maxFileSize = DEFAULT_MAX): NormalizeResult {
  let bytes: Buffer;
  try {
    const st = statSync(path);
    // Never open a FIFO or a device: reading one can block for ever.
    if (!st.isFile()) return { diagnostics: [notRegularFile(shownAs, st)] };
    const size = st.size;
    if (size > maxFileSize) {
      return {
        diagnostics: [
          diagnostic("file-too-large", `the file is ${mib(size)}; records may be at most ${mib(maxFileSize)}`, {
            file: shownAs,
          }),
        ],
      };
    }
    bytes = readFileSync(path);
  } catch (e) {
    return { diagnostics: [diagnostic("read-failed", `cannot read the file: ${reason(e, path)}`, { file: shownAs })] };
  }
  return parseRecordBytes(bytes, shownAs);
}

/** Why a name listed with U+FFFD cannot be opened: Node.js decodes names as UTF-8. */
export const notUtf8Name = "its name is not valid UTF-8, so it cannot be opened by name; rename it";

/** The diagnostic for a folder, FIFO, socket or device named like a record (never read). */
export function notRegularFile(shownAs: string, st: Stats): Diagnostic {
  const what = st.isDirectory()
    ? "a folder"
    : st.isFIFO()
      ? "a FIFO"
      : st.isSocket()
        ? "a socket"
        : st.isCharacterDevice() || st.isBlockDevice()
          ? "a device"
          : "not a regular file";
  return diagnostic("read-failed", `cannot read the file: it is ${what}, not a regular file`, { file: shownAs });
}

/**
 * Decodes and parses the bytes of one record file (strict UTF-8, no NUL bytes).
 *
 * @param bytes - the file's bytes
 * @param shownAs - the name diagnostics use
 */
export function parseRecordBytes(bytes: Uint8Array, shownAs: string): NormalizeResult {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return {
      diagnostics: [
        diagnostic(
          "invalid-encoding",
          `the file contains a NUL byte at offset ${nul}: it is binary, not a text record`,
          { file: shownAs },
        ),
      ],
    };
  }
  let text: string;
  if (isUtf8(bytes)) {
    // Strict UTF-8 checked above; a leading BOM is dropped as TextDecoder would.
    const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    text = b.toString("utf8", b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0);
  } else {
    const at = firstInvalidUtf8(bytes);
    return {
      diagnostics: [
        diagnostic(
          "invalid-encoding",
          `the file is not valid UTF-8 (first bad byte at offset ${at}); save it as UTF-8`,
          { file: shownAs },
        ),
      ],
    };
  }
  const fm = parseFrontMatter(text, shownAs);
  if (fm.diagnostic !== undefined) return { diagnostics: [fm.diagnostic] };
  return normalizeRecord(fm.data, { file: shownAs, lineOf: fm.lineOf, rawOf: fm.rawOf });
}

/**
 * Reads every record under the given files and folders. A broken file is reported (file,
 * line, column or field, code, reason) and the rest still load.
 *
 * @param inputs - a path or paths of files and folders
 * @returns a {@link RecordSet} for {@link buildFeeds}
 * @example
 * const set = await loadRecords("content/");
 * const { files, report } = buildFeeds(set, { baseUrl: "https://example.com/feeds/" });
 */
export async function loadRecords(inputs: string | readonly string[], options: LoadOptions = {}): Promise<RecordSet> {
  const cwd = options.cwd ?? process.cwd();
  const listed = listRecordFiles(typeof inputs === "string" ? [inputs] : inputs, cwd);
  const records: ArticleRecord[] = [];
  const diagnostics: Diagnostic[] = [...listed.diagnostics];
  const hiddenKeys: string[] = [];
  let rejected = 0;
  for (const file of listed.files) {
    const r = readRecordFile(file, display(file, cwd), options.maxFileSize ?? DEFAULT_MAX);
    diagnostics.push(...r.diagnostics);
    if (r.hiddenKeys !== undefined) hiddenKeys.push(...r.hiddenKeys);
    if (r.record === undefined) rejected++;
    else records.push(r.record);
  }
  const set: RecordSet = { records, diagnostics, read: listed.files.length, rejected };
  if (hiddenKeys.length > 0) set.hiddenKeys = hiddenKeys;
  return set;
}

/** How diagnostics name a file: relative to `cwd` when inside it, with `/` separators. */
export function display(path: string, cwd: string): string {
  const prefix = cwd.endsWith(sep) ? cwd : `${cwd}${sep}`;
  const rel = path.startsWith(prefix) ? path.slice(prefix.length) : relative(cwd, path);
  const shown = rel === "" || rel.startsWith("..") ? path : rel;
  return sep === "/" ? shown : shown.split(sep).join("/");
}

function reason(e: unknown, path?: string): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT" && path?.includes("\uFFFD")) return notUtf8Name;
  if (err.code === "ENOENT") return "no such file or folder";
  if (err.code === "EACCES" || err.code === "EPERM") return "permission denied";
  if (err.code === "ELOOP") return "too many levels of symbolic links";
  return err.message ?? String(e);
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // Binary search for the shortest failing prefix: in streaming mode a cut-off character is
  // not an error, so failure is monotonic in the prefix length.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

/**
 * The names in a folder, with the kinds of those that are not regular files. Read through
 * `opendirSync` in large batches: `readdirSync` sorts in libuv before JavaScript sorts again,
 * which at 100,000 files costs two to three times the listing itself. With `onNames`, the names
 * of regular files named like records go to it 1,024 at a time as they are read, and `passed`
 * says where each name came among them (−1 for the others).
 */
function readNames(
  dir: string,
  kinds: Map<string, "dir" | "other">,
  onNames?: (folder: string, names: string[]) => void,
): { names: string[]; passed: Int32Array | undefined } {
  const names: string[] = [];
  const places: number[] | undefined = onNames === undefined ? undefined : [];
  let batch: string[] = [];
  let count = 0;
  const handle = opendirSync(dir, { bufferSize: 1024 });
  try {
    for (let d = handle.readSync(); d !== null; d = handle.readSync()) {
      names.push(d.name);
      const file = d.isFile();
      if (!file) kinds.set(d.name, d.isDirectory() ? "dir" : "other");
      if (places === undefined) continue;
      if (file && !d.name.startsWith(".") && RECORD_FILE.test(d.name)) {
        places.push(count++);
        batch.push(d.name);
        if (batch.length === 1024) {
          onNames?.(dir, batch);
          batch = [];
        }
      } else places.push(-1);
    }
  } finally {
    handle.closeSync();
  }
  if (batch.length > 0) onNames?.(dir, batch);
  return { names, passed: places === undefined ? undefined : Int32Array.from(places) };
}
