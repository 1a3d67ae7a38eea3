import { createHash } from "node:crypto";
import { join } from "node:path";
import { CACHE_VERSION } from "../version.js";
import { CACHE_FILES } from "./_cache-files.js";
import { asciiJson, readCacheText } from "./_cache-text.js";
import { writeCacheFile } from "./_temp-files.js";
import type { FileIdentity, RecordRow } from "./record-rows.js";

const FILE = CACHE_FILES.hydrated;

/** A record file as it was completed for a feed: its identity then, and the whole record. */
export type HydratedEntry = [path: string, identity: FileIdentity, record: RecordRow];

/**
 * Reads the complete records of the files that reached a feed last time (a lean scan keeps only
 * what selection needs; these few thousand are read again in full to be rendered). Returns
 * nothing when there is none, or it was written by another version or for another config or
 * options (`key`), or its checksum does not match: never trusted when in doubt.
 *
 * @param dir - the cache folder
 * @param key - the record cache's key
 * @returns the entries by path
 * @example
 * readHydrateCache(dir, key)?.get("/site/content/a.md") // [identity, row]
 */
export function readHydrateCache(dir: string, key: string): Map<string, [FileIdentity, RecordRow]> | undefined {
  let text: string;
  try {
    text = readCacheText(join(dir, FILE));
  } catch {
    return undefined;
  }
  try {
    const nl = text.indexOf("\n");
    if (nl === -1) return undefined;
    const header = JSON.parse(text.slice(0, nl)) as {
      format?: string;
      version?: string;
      key?: string;
      checksum?: string;
    };
    const body = text.slice(nl + 1);
    if (header.format !== "topicfeeds-hydrate-cache" || header.version !== CACHE_VERSION || header.key !== key)
      return undefined;
    if (header.checksum !== createHash("sha1").update(body).digest("hex")) return undefined;
    const entries = JSON.parse(body) as HydratedEntry[];
    if (!Array.isArray(entries)) return undefined;
    const out = new Map<string, [FileIdentity, RecordRow]>();
    for (const e of entries)
      if (Array.isArray(e) && typeof e[0] === "string" && Array.isArray(e[1]) && Array.isArray(e[2]))
        out.set(e[0], [e[1], e[2]]);
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Writes the hydrate cache atomically (a temporary file renamed into place), with a checksum.
 * Only a cache: a failure is ignored and the next build reads those files again.
 *
 * @param dir - the cache folder
 * @param key - the record cache's key
 * @param entries - this build's completed records
 */
export function writeHydrateCache(dir: string, key: string, entries: readonly HydratedEntry[]): void {
  const body = asciiJson(JSON.stringify(entries));
  const header = JSON.stringify({
    format: "topicfeeds-hydrate-cache",
    version: CACHE_VERSION,
    key,
    checksum: createHash("sha1").update(body).digest("hex"),
  });
  writeCacheFile(dir, FILE, `${header}\n${body}`);
}
