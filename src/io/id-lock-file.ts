import { readFileSync } from "node:fs";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import type { IdLock } from "../types.js";
import { replaceFile } from "./_temp-files.js";

/**
 * Reads the id lock file. A missing file is a first build (undefined); an unreadable or corrupt
 * one is an error, because ignoring it would change ids and make readers show items again.
 *
 * @param path - e.g. `topicfeeds.lock.json`
 * @returns the lock, or undefined when the file does not exist yet
 * @throws TopicfeedsError `invalid-lock`
 * @example
 * const idLock = readIdLock("topicfeeds.lock.json");
 */
export function readIdLock(path: string): IdLock | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new TopicfeedsError("invalid-lock", `cannot read the id lock ${path}: ${(e as Error).message}`);
  }
  try {
    const lock = JSON.parse(text) as IdLock;
    if (
      lock.version === 1 &&
      typeof lock.ids === "object" &&
      lock.ids !== null &&
      Object.values(lock.ids).every((v) => typeof v === "string")
    )
      return lock;
  } catch {
    // fall through
  }
  const message =
    "is not an id lock written by topicfeeds; fix it or restore it from version control (deleting it changes ids of moved articles)";
  throw new TopicfeedsError("invalid-lock", `${path} ${message}`, [
    diagnostic("invalid-config", message, { file: path }),
  ]);
}

/**
 * Writes the id lock atomically, only when its bytes change.
 *
 * @param path - the lock file
 * @param lock - from `buildFeeds(...).idLock`
 *
 * @example
 * ```ts
 * const result = buildFeeds(records, { ...config, idLock: readIdLock("feeds.lock.json") ?? {} });
 * if (result.idLock) writeIdLock("feeds.lock.json", result.idLock);
 * ```
 */
export function writeIdLock(path: string, lock: IdLock): void {
  replaceFile(path, `${JSON.stringify(lock, null, 1)}\n`);
}
