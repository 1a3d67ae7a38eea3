import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { diagnostic } from "../diagnostics/diagnostic.js";
import type { ArticleRecord, Diagnostic } from "../types.js";
import { leanRecord } from "./lean-record.js";
import { parseRecordBytes } from "./read-records.js";
import type { FileIdentity } from "./record-cache.js";

/** One file to look at: its path, how diagnostics name it, and the identity the cache knows. */
export interface ParseJob {
  path: string;
  shown: string;
  known?: FileIdentity;
}

/** The outcome for one file: unchanged since the cache, or freshly parsed. */
export type ParseResult = { same: true } | { same: false; identity: FileIdentity; record?: ArticleRecord; diagnostics: Diagnostic[] };

/**
 * Stats one record file; when it matches the cached identity says so, else reads and parses it.
 * Never throws: an unreadable file becomes a `read-failed` diagnostic.
 *
 * @param job - the file
 * @param lean - drop excerpt, images and related links (see `leanRecord`)
 * @param maxFileSize - larger files are rejected unread
 */
export function parseJob(job: ParseJob, lean: boolean, maxFileSize: number): ParseResult {
  if (job.known !== undefined) {
    try {
      const st = statSync(job.path);
      const id: FileIdentity = [st.size, st.mtimeMs, st.ctimeMs, st.ino];
      if (id.every((v, i) => v === job.known?.[i])) return { same: true };
    } catch {
      // fall through: reading it reports why
    }
  }
  let fd: number | undefined;
  try {
    fd = openSync(job.path, "r");
    const st = fstatSync(fd);
    const identity: FileIdentity = [st.size, st.mtimeMs, st.ctimeMs, st.ino];
    if (st.size > maxFileSize) {
      return { same: false, identity, diagnostics: [diagnostic("file-too-large", `the file is ${mib(st.size)}; records may be at most ${mib(maxFileSize)}`, { file: job.shown })] };
    }
    const bytes = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, bytes, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    const parsed = parseRecordBytes(off === st.size ? bytes : bytes.subarray(0, off), job.shown);
    const result: ParseResult = { same: false, identity, diagnostics: parsed.diagnostics };
    if (parsed.record !== undefined) result.record = lean ? leanRecord(parsed.record) : parsed.record;
    return result;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file (a dangling link?)" : err.code === "EACCES" || err.code === "EPERM" ? "permission denied" : err.code === "EISDIR" ? "it is a folder" : err.message;
    return { same: false, identity: [0, 0, 0, 0], diagnostics: [diagnostic("read-failed", `cannot read the file: ${why}`, { file: job.shown })] };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
