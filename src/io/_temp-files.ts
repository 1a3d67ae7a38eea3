// Temporary files of atomic writes: removing them without throwing, and telling whether the
// process that left one is still running.
import { rmSync } from "node:fs";

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
