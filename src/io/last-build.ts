import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { BuildReport, FeedsConfig, OutputFile } from "../types.js";
import { CACHE_VERSION } from "../version.js";
import { CACHE_FILES } from "./_cache-files.js";
import { asciiJson, readCacheText } from "./_cache-text.js";
import { fileSha1 } from "./_file-sha1.js";
import { writeCacheFile } from "./_temp-files.js";

const FILE = CACHE_FILES.lastBuild;
// Beside it, the identities of the listed files as raw little-endian doubles (3.2 MB at 100,000
// files: JSON would take several times that and as long to parse as the listing takes).
const IDS = CACHE_FILES.lastBuildIds;
// A rebuild that changed a few files' identities writes only those (the whole file is 3.2 MB at
// 100,000 files): the SHA-1 tag of the identities file it patches, the tag of its own listing, a
// count, the files' indexes (uint32) and their identities (four doubles each), little-endian.
const IDS_PATCH = CACHE_FILES.lastBuildIdsPatch;
// Beyond this many patched files (or a hundredth of them), the identities are written whole.
const MAX_PATCHED = 2000;

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
  /**
   * With `identities` read back: the tag of the identities file as written whole and the files
   * a patch changed since (see {@link writeLastBuild}'s `before`).
   */
  idsBase?: { tag: Buffer; patched: number[] };
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
      const read = readIdentities(dir, ids, last.listing);
      if (read !== undefined) {
        last.identities = read.identities;
        last.idsBase = read.base;
      }
    }
    return last;
  } catch {
    return undefined;
  }
}

// The identities end with a SHA-1 of the listing they were taken with: a record and identities
// of two different builds (one of the two writes failed) are never taken together. (The bytes
// are not hashed: each batch's identities are checked against its digest in the listing.)
// A patch (see IDS_PATCH) is taken only for the identities file it names, and then its own tag is
// the one that must match the listing.
function readIdentities(
  dir: string,
  length: number,
  listing: readonly string[],
): { identities: Float64Array; base: { tag: Buffer; patched: number[] } } | undefined {
  try {
    const bytes = readFileSync(join(dir, IDS));
    if (bytes.length !== length * 8 + 20) return undefined;
    const tag = Buffer.from(bytes.subarray(length * 8));
    const want = listingTag(listing);
    const patch = readIdsPatch(dir, tag, length / 4);
    if (!(patch === undefined ? tag : patch.tag).equals(want)) return undefined;
    // The file's own memory when it is aligned (a large read is), else a copy.
    let identities: Float64Array;
    if (bytes.byteOffset % 8 === 0) identities = new Float64Array(bytes.buffer, bytes.byteOffset, length);
    else {
      identities = new Float64Array(length);
      new Uint8Array(identities.buffer).set(bytes.subarray(0, length * 8));
    }
    const patched: number[] = [];
    if (patch !== undefined)
      for (let k = 0; k < patch.at.length; k++) {
        const i = patch.at[k] as number;
        identities.set(patch.ids.subarray(4 * k, 4 * k + 4), 4 * i);
        patched.push(i);
      }
    return { identities, base: { tag, patched } };
  } catch {
    return undefined;
  }
}

// The patch of the identities file tagged `of` (of `files` files), when it is there and whole.
function readIdsPatch(
  dir: string,
  of: Buffer,
  files: number,
): { tag: Buffer; at: Uint32Array; ids: Float64Array } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, IDS_PATCH));
  } catch {
    return undefined;
  }
  if (bytes.length < 44 || !bytes.subarray(0, 20).equals(of)) return undefined;
  const count = bytes.readUInt32LE(40);
  if (bytes.length !== 44 + count * 36) return undefined;
  const at = new Uint32Array(count);
  const ids = new Float64Array(4 * count);
  for (let k = 0; k < count; k++) {
    at[k] = bytes.readUInt32LE(44 + 4 * k);
    if ((at[k] as number) >= files) return undefined;
  }
  for (let j = 0; j < 4 * count; j++) ids[j] = bytes.readDoubleLE(44 + 4 * count + 8 * j);
  return { tag: Buffer.from(bytes.subarray(20, 40)), at, ids };
}

/**
 * Records what a build published (atomically; a failure is ignored: the next build then reads
 * every record).
 *
 * @param dir - the cache folder
 * @param last - the build's key, listing, report and files
 * @param before - the last build as read (its identities' file), and the files whose identities
 *   may differ from it now (the scan's `changedIdentities`): when they are few, only those are
 *   written
 * @example
 * writeLastBuild(cacheDir, { key, listing: scan.listing, report, outputs: digestsOf(files) }, { last, changed: scan.changedIdentities });
 */
export function writeLastBuild(
  dir: string,
  last: LastBuild,
  before?: { last: LastBuild; changed: readonly number[] | undefined },
): void {
  const { identities, idsBase: _base, ...rest } = last;
  let ids: number | undefined;
  if (identities !== undefined && identities.length > 0) {
    const tag = listingTag(rest.listing);
    const patch = before?.changed === undefined ? undefined : idsPatch(identities, tag, before.last, before.changed);
    if (patch !== undefined) writeCacheFile(dir, IDS_PATCH, patch);
    else {
      // A patch names the identities it patches; gone first all the same, never taken for these.
      rmSync(join(dir, IDS_PATCH), { force: true });
      writeCacheFile(dir, IDS, [new Uint8Array(identities.buffer, identities.byteOffset, identities.byteLength), tag]);
    }
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

// The patch of `before`'s identities file that gives `identities` (tagged `tag`), where only the
// files `changed` may differ from `before`'s identities; undefined when the identities must be
// written whole: no file of them, another number of files, or too many changed.
function idsPatch(
  identities: Float64Array,
  tag: Buffer,
  before: LastBuild,
  changed: readonly number[],
): Buffer | undefined {
  const base = before.idsBase;
  // (The scan may have written the new identities into `before.identities`: its length still says
  // how many files the identities' file holds.)
  if (before.identities === undefined || base === undefined || before.identities.length !== identities.length)
    return undefined;
  const files = identities.length / 4;
  const at = new Set(base.patched);
  for (const i of changed) at.add(i);
  if (at.size > Math.max(64, Math.min(MAX_PATCHED, files / 100))) return undefined;
  const order = [...at].sort((x, y) => x - y);
  const out = Buffer.alloc(44 + 36 * order.length);
  base.tag.copy(out, 0);
  tag.copy(out, 20);
  out.writeUInt32LE(order.length, 40);
  order.forEach((i, k) => {
    out.writeUInt32LE(i, 44 + 4 * k);
    for (let j = 0; j < 4; j++)
      out.writeDoubleLE(identities[4 * i + j] as number, 44 + 4 * order.length + 8 * (4 * k + j));
  });
  return out;
}

function listingTag(listing: readonly string[]): Buffer {
  return createHash("sha1").update(JSON.stringify(listing)).digest();
}
