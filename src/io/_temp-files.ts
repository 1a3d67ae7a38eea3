// Temporary files of atomic writes: removing them without throwing, telling whether the
// process that left one is still running, and writing a small cache file atomically.
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";

/** Removes a file if it is there; never throws (its folder may be gone or not be a folder). */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Its folder is gone or is not a folder: nothing to remove.
  }
}

/** Whether process `pid` is running (this one included). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary files in `dir` whose writer is gone (a build killed mid-write): `pidOf`
 * says, for an entry name, which process wrote it, or undefined when it is not one of ours.
 * Never throws.
 */
export function sweepDeadTemps(dir: string, pidOf: (entry: string) => number | undefined): void {
  removeEntries(dir, (e) => {
    const pid = pidOf(e);
    return pid !== undefined && Number.isInteger(pid) && !isAlive(pid);
  });
}

/** Removes the entries of `dir` that `doomed` names (given each entry's name). Never throws. */
export function removeEntries(dir: string, doomed: (entry: string) => boolean): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) if (doomed(e)) removeQuietly(join(dir, e));
}

/**
 * Writes `dir/name` as a cache does: a temporary file renamed into place, so a reader sees the
 * old file or the new one, never half of one; temporary files of this name left by builds that
 * were killed are removed first. Never throws: a cache that cannot be written is only rebuilt.
 */
export function writeCacheFile(
  dir: string,
  name: string,
  text: string | Uint8Array | Iterable<string | Uint8Array>,
): void {
  const target = join(dir, name);
  const temp = `${target}.tmp-${process.pid}`;
  try {
    mkdirSync(dir, { recursive: true });
    sweepDeadTemps(dir, (e) => (e.startsWith(`${name}.tmp-`) ? Number(e.slice(name.length + 5)) : undefined));
    if (typeof text === "string" || text instanceof Uint8Array) writeFileSync(temp, text);
    else {
      // Pieces written as they come: a large file is never one string or buffer in memory.
      const fd = openSync(temp, "w");
      try {
        for (const piece of text) {
          const bytes = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
          for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
        }
      } finally {
        closeSync(fd);
      }
    }
    renameSync(temp, target);
  } catch {
    removeQuietly(temp);
  }
}

/**
 * Replaces one file atomically (a temporary file beside it, renamed into place) when its bytes
 * change; temporary files of this name left by killed writers are removed first. Throws a
 * `TopicfeedsError` (`write-failed`) that says nothing was changed.
 */
export function replaceFile(path: string, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  try {
    if (readFileSync(path).equals(bytes)) return;
  } catch {
    // Missing or unreadable: written below.
  }
  const dir = dirname(path);
  const name = basename(path);
  const temp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dir, { recursive: true });
    sweepDeadTemps(dir, (e) => (e.startsWith(`${name}.tmp-`) ? Number(e.slice(name.length + 5)) : undefined));
    writeFileSync(temp, bytes);
    renameSync(temp, path);
  } catch (e) {
    removeQuietly(temp);
    throw new TopicfeedsError("write-failed", `cannot write ${path}: ${(e as Error).message}; nothing was changed`);
  }
}
