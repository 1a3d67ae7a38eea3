import { removeEntries } from "./_temp-files.js";

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

// A name topicfeeds gave a cache file in some version: what it holds, its version, one of the
// extensions any version used, and maybe the suffix of a temporary file being written.
const OURS =
  /^(records|listing|hydrated|last-build|render|scan-set|verified)-v\d+\.(json|jsonl|txt|ids|ids-patch|patch\.json|base\.txt|base\.json)(\.tmp-\d+)?$/;
const kept = new Set<string>(Object.values(CACHE_FILES));

/**
 * Removes from a cache folder the files an earlier (or later) version of topicfeeds kept there
 * under a name that is not one of {@link CACHE_FILES} (an upgrade would otherwise leave them, up
 * to hundreds of MB at 1,000,000 records), and temporary files of those; any other file is left
 * alone (temporary files of current names are swept by their writers). Never throws.
 *
 * @example
 * removeOldCacheFiles(cacheDir); // removes records-v4.jsonl and listing-v1.txt, keeps records-v5.jsonl
 */
export function removeOldCacheFiles(dir: string): void {
  removeEntries(dir, (e) => {
    const m = OURS.exec(e);
    return m !== null && !kept.has(m[3] === undefined ? e : e.slice(0, -m[3].length));
  });
}
