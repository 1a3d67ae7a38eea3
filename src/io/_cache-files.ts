import { readdirSync } from "node:fs";
import { join } from "node:path";
import { removeQuietly } from "./_temp-files.js";

/**
 * The files a build keeps in its cache folder, by what they hold. The version in a name changes
 * with the file's format: a file of another version is never read, only removed (see
 * {@link removeOldCacheFiles}).
 */
export const CACHE_FILES = {
  records: "records-v5.jsonl",
  listing: "listing-v2.txt",
  hydrated: "hydrated-v1.json",
  lastBuild: "last-build-v1.json",
  lastBuildIds: "last-build-v1.ids",
  lastBuildIdsPatch: "last-build-v1.ids-patch",
  render: "render-v1.jsonl",
  scanSet: "scan-set-v1.json",
  scanSetPatch: "scan-set-v1.patch.json",
  scanSetBase: "scan-set-v1.base.txt",
  verified: "verified-v1.json",
} as const;

// A cache file's name: what it holds, its version, then the rest (an extension, a temporary suffix).
const NAMED = /^([a-z]+(?:-[a-z]+)*)-v(\d+)\./;

// The version this build writes of each kind of file.
const current = new Map<string, string>();
for (const name of Object.values(CACHE_FILES)) {
  const m = NAMED.exec(name) as RegExpExecArray;
  current.set(m[1] as string, m[2] as string);
}

/**
 * Removes from a cache folder the files an earlier (or later) version of topicfeeds kept there
 * under another version of one of {@link CACHE_FILES}' names (an upgrade would otherwise leave
 * them, up to hundreds of MB at 1,000,000 records); any other file is left alone. Never throws.
 *
 * @example
 * removeOldCacheFiles(cacheDir); // removes records-v4.jsonl and listing-v1.txt, keeps records-v5.jsonl
 */
export function removeOldCacheFiles(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const m = NAMED.exec(e);
    const version = m === null ? undefined : current.get(m[1] as string);
    if (version !== undefined && version !== m?.[2]) removeQuietly(join(dir, e));
  }
}
