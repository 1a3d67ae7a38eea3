/**
 * The package version, written into each feed's generator element. A test keeps it equal to package.json.
 *
 * @example
 * ```ts
 * console.log(`topicfeeds ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
