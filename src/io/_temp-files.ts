// Temporary files of atomic writes: removing them without throwing, telling whether the
// process that left one is still running, and writing a small cache file atomically.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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
 * Writes `dir/name` as a cache does: a temporary file renamed into place, so a reader sees the
 * old file or the new one, never half of one; temporary files of this name left by builds that
 * were killed are removed first. Never throws: a cache that cannot be written is only rebuilt.
 */
export function writeCacheFile(dir: string, name: string, text: string): void {
  const target = join(dir, name);
  const temp = `${target}.tmp-${process.pid}`;
  try {
    mkdirSync(dir, { recursive: true });
    for (const e of readdirSync(dir)) {
      if (!e.startsWith(`${name}.tmp-`)) continue;
      const pid = Number(e.slice(name.length + 5));
      if (Number.isInteger(pid) && !isAlive(pid)) removeQuietly(join(dir, e));
    }
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch {
    removeQuietly(temp);
  }
}
