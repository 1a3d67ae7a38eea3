/**
 * The package version, written into each feed's generator element. A test keeps it equal to package.json.
 *
 * @example
 * ```ts
 * console.log(`topicfeeds ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";

// Set by the build (tsup.config.ts) to a hash of the sources; "source" when run from them (tests).
declare const __TOPICFEEDS_BUILD__: string | undefined;

/**
 * What the caches are keyed by: the version and the build, so that a cache written by other code
 * of the same version (a git install, a local build) is never taken for this one's.
 *
 * @example
 * CACHE_VERSION // "0.1.0+3f9c…"
 */
export const CACHE_VERSION = `${VERSION}+${typeof __TOPICFEEDS_BUILD__ === "string" ? __TOPICFEEDS_BUILD__ : "source"}`;
