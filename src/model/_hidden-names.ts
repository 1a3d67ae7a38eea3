// Hidden keys named by where they came from: a saved scan set's base (the set a scan hands on
// with only some records replaced keeps its base, and with it every hidden key). Two sets of the
// same name hold the same keys, so the digest of one (see `hiddenDigest`) is the other's: a
// rebuild that hands on the set does not hash its 33,000 keys again (30 ms at 100,000 records).
const names = new WeakMap<object, string>();
const digests = new Map<string, string>();

/**
 * Names the hidden keys an object stands for: a scan's `dropped` summary, or the set of hidden
 * keys made from it.
 *
 * @example
 * nameHidden(scan.dropped, `scan-set:${baseId}`)
 */
export function nameHidden(owner: object, name: string): void {
  names.set(owner, name);
}

/**
 * The name given with {@link nameHidden}, if any.
 *
 * @example
 * hiddenName(ctx.hiddenUrls) // "scan-set:3q2+…" or undefined
 */
export function hiddenName(owner: object): string | undefined {
  return names.get(owner);
}

/**
 * Records the digest of the hidden keys of a name (read back from a render memo, or computed).
 *
 * @example
 * knowHiddenDigest("scan-set:3q2+…", "Zm9v…")
 */
export function knowHiddenDigest(name: string, digest: string): void {
  digests.set(name, digest);
}

/**
 * The digest recorded for a name, if any.
 *
 * @example
 * knownHiddenDigest("scan-set:3q2+…") // "Zm9v…"
 */
export function knownHiddenDigest(name: string): string | undefined {
  return digests.get(name);
}
