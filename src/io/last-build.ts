import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildReport, FeedsConfig, OutputFile } from "../types.js";
import { CACHE_VERSION } from "../version.js";
import { asciiJson, readCacheText } from "./_cache-text.js";
import { fileSha1 } from "./_file-sha1.js";
import { writeCacheFile } from "./_temp-files.js";

const FILE = "last-build-v1.json";
// Beside it, the identities of the listed files as raw little-endian doubles (3.2 MB at 100,000
// files: JSON would take several times that and as long to parse as the listing takes).
const IDS = "last-build-v1.ids";

/**
 * What a build published, kept in the cache folder so that the next build can tell that nothing
 * changed: its key (everything but the records that decides the output), the listing of its
 * record files with their identities (`scanRecords`' `listing`), its report and the SHA-1 of
 * each file it published.
 */
export interface LastBuild {
  key: string;
  listing: string[];
  /** The scan's `identities` (four numbers per listed file), for its `knownIdentities`. */
  identities?: Float64Array;
  report: BuildReport;
  outputs: [path: string, sha1: string][];
}

/**
 * The key of a build: a hash of the version and of everything that, besides the records, decides
 * what a build writes (the whole config with its id lock, the inputs, the folders). The config's
 * `now` counts only when a rule has a `maxAge` (nothing else reads it; the command line sets it to
 * the time of the build). `undefined` when the config holds a function (a custom rule): its
 * behaviour cannot be keyed, so such a build is never taken as unchanged.
 *
 * @param config - the build config
 * @param rest - the rest, as plain data
 * @returns the key, or undefined
 * @example
 * lastBuildKey(config, [inputs, cwd]) // "3q2+7w…"
 */
export function lastBuildKey(config: FeedsConfig, rest: unknown): string | undefined {
  let callable = false;
  let ages = false;
  const text = JSON.stringify([CACHE_VERSION, config, rest], (k, v: unknown) => {
    if (typeof v === "function") callable = true;
    if (k === "maxAge") ages = true;
    return v;
  });
  if (callable) return undefined;
  const { now: _now, ...timeless } = config;
  return createHash("sha1")
    .update(ages ? text : JSON.stringify([CACHE_VERSION, timeless, rest]))
    .digest("base64");
}

/**
 * Reads the last build's record for a key: undefined when there is none, it is unreadable, or it
 * was written for another key.
 *
 * @param dir - the cache folder
 * @param key - from {@link lastBuildKey}
 * @returns the record, or undefined
 * @example
 * const last = readLastBuild(cacheDir, key); // then scanRecords(inputs, { unchangedSince: last?.listing })
 */
export function readLastBuild(dir: string, key: string): LastBuild | undefined {
  try {
    const saved = JSON.parse(readCacheText(join(dir, FILE))) as Partial<LastBuild> & { ids?: unknown };
    if (
      saved.key !== key ||
      !Array.isArray(saved.listing) ||
      !Array.isArray(saved.outputs) ||
      typeof saved.report !== "object" ||
      saved.report === null
    )
      return undefined;
    const { ids, ...last } = saved as LastBuild & { ids?: unknown };
    // The identities are a help, not a need: without them the scan compares with the record cache.
    if (typeof ids === "number") {
      const identities = readIdentities(dir, ids, last.listing);
      if (identities !== undefined) last.identities = identities;
    }
    return last;
  } catch {
    return undefined;
  }
}

// The identities end with a SHA-1 of the listing they were taken with: a record and identities
// of two different builds (one of the two writes failed) are never taken together. (The bytes
// are not hashed: each batch's identities are checked against its digest in the listing.)
function readIdentities(dir: string, length: number, listing: readonly string[]): Float64Array | undefined {
  try {
    const bytes = readFileSync(join(dir, IDS));
    if (bytes.length !== length * 8 + 20 || !bytes.subarray(length * 8).equals(listingTag(listing))) return undefined;
    // The file's own memory when it is aligned (a large read is), else a copy.
    if (bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, length);
    const copy = new Float64Array(length);
    new Uint8Array(copy.buffer).set(bytes.subarray(0, length * 8));
    return copy;
  } catch {
    return undefined;
  }
}

/**
 * Records what a build published (atomically; a failure is ignored: the next build then reads
 * every record).
 *
 * @param dir - the cache folder
 * @param last - the build's key, listing, report and files
 * @example
 * writeLastBuild(cacheDir, { key, listing: scan.listing, report, outputs: digestsOf(files) });
 */
export function writeLastBuild(dir: string, last: LastBuild): void {
  const { identities, ...rest } = last;
  let ids: number | undefined;
  if (identities !== undefined && identities.length > 0) {
    writeCacheFile(dir, IDS, [
      new Uint8Array(identities.buffer, identities.byteOffset, identities.byteLength),
      listingTag(rest.listing),
    ]);
    ids = identities.length;
  }
  writeCacheFile(dir, FILE, asciiJson(JSON.stringify(ids === undefined ? rest : { ...rest, ids })));
}

/**
 * The SHA-1 of each file's bytes, as {@link LastBuild} keeps them.
 *
 * @example
 * outputDigests([{ path: "rss.xml", contents: "<rss…" }]) // [["rss.xml", "5f1c…"]]
 */
export function outputDigests(files: readonly OutputFile[]): [string, string][] {
  return files.map((f) => [f.path, fileSha1(f)]);
}

/**
 * Whether every file a build published is still in the output folder with the same bytes.
 *
 * @param outDir - the output folder
 * @param outputs - from {@link LastBuild}
 * @returns false when one is missing, unreadable or different
 * @example
 * outputsIntact("public/feeds", last.outputs) // true
 */
export function outputsIntact(outDir: string, outputs: readonly [string, string][]): boolean {
  for (const [path, sha1] of outputs) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(outDir, path));
    } catch {
      return false;
    }
    if (createHash("sha1").update(bytes).digest("hex") !== sha1) return false;
  }
  return true;
}

function listingTag(listing: readonly string[]): Buffer {
  return createHash("sha1").update(JSON.stringify(listing)).digest();
}
