import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { diagnostic } from "../diagnostics/diagnostic.js";
import type { Prefilter } from "../select/prefilter.js";
import { hasIdentity, statQuietly } from "./_stat-pass.js";
import { leanRecord } from "./lean-record.js";
import { display, notRegularFile, notUtf8Name, parseRecordBytes } from "./read-records.js";
import { dropRow, encodeRecord, type FileIdentity, type FileOutcome } from "./record-rows.js";

/** One file to look at: its path, how diagnostics name it (default: relative to `cwd`), and the identity the cache knows. */
export interface ParseJob {
  path: string;
  shown?: string;
  known?: FileIdentity;
  /** Already compared with its known identity (a rebuild's stat pass) and found unchanged: answered 0 without a `stat`. */
  same?: true;
}

/** How to parse: lean records, the size limit, the prefilter that sets aside what can reach no feed, and the folder diagnostics are relative to. */
export interface ParseSettings {
  lean: boolean;
  maxFileSize: number;
  prefilter?: Prefilter | undefined;
  cwd?: string;
}

/**
 * Stats one record file; when it matches the cached identity returns 0 ("unchanged"), else reads
 * and parses it into a {@link FileOutcome}. Never throws: an unreadable file becomes a
 * `read-failed` diagnostic.
 *
 * @param job - the file
 * @param settings - lean, size limit, prefilter
 */
export function parseJob(job: ParseJob, settings: ParseSettings): FileOutcome | 0 {
  if (job.same === true || (job.known !== undefined && hasIdentity(statQuietly(job.path), job.known))) return 0;
  const shown = job.shown ?? display(job.path, settings.cwd ?? process.cwd());
  let fd: number | undefined;
  try {
    // Non-blocking, so that opening a FIFO named like a record cannot hang the build.
    fd = openSync(job.path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    const identity: FileIdentity = [st.size, st.mtimeMs, st.ctimeMs, st.ino];
    if (!st.isFile()) {
      return [identity, [notRegularFile(shown, st)], 0, 0];
    }
    if (st.size > settings.maxFileSize) {
      return [
        identity,
        [
          diagnostic(
            "file-too-large",
            `the file is ${mib(st.size)}; records may be at most ${mib(settings.maxFileSize)}`,
            { file: shown },
          ),
        ],
        0,
        0,
      ];
    }
    const bytes = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, bytes, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    const parsed = parseRecordBytes(off === st.size ? bytes : bytes.subarray(0, off), shown);
    const diags = parsed.diagnostics.length === 0 ? 0 : parsed.diagnostics;
    const r = parsed.record;
    // A rejected draft: no record, but its URLs stay hidden (a drop row with no rule, not counted).
    if (r === undefined)
      return [identity, diags, 0, parsed.hiddenKeys === undefined ? 0 : ["", parsed.hiddenKeys, [], null]];
    const rule = settings.prefilter?.dropRule(r);
    if (rule !== undefined && settings.prefilter !== undefined)
      return [identity, diags, 0, dropRow(settings.prefilter, r, rule)];
    return [identity, diags, encodeRecord(settings.lean ? leanRecord(r) : r), 0];
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === "ENOENT" && job.path.includes("\uFFFD")
        ? notUtf8Name
        : err.code === "ENOENT"
          ? "no such file (it was removed, or is a dangling link)"
          : err.code === "EACCES" || err.code === "EPERM"
            ? "permission denied"
            : err.code === "EISDIR"
              ? "it is a folder"
              : err.message;
    return [[0, 0, 0, 0], [diagnostic("read-failed", `cannot read the file: ${why}`, { file: shown })], 0, 0];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
