import { createRequire } from "node:module";
import type * as Saxes from "saxes";

let loaded: typeof Saxes.SaxesParser | undefined;

/**
 * saxes's parser class, loaded on first use. Imported as an ES module it added about 25 ms to
 * every start (Node.js finds a CommonJS package's named exports by scanning its source); required,
 * about 5 ms, and only by a build that checks or reads XML.
 *
 * @example
 * const parser = new (saxesParser())({ xmlns: true });
 */
export function saxesParser(): typeof Saxes.SaxesParser {
  loaded ??= (createRequire(import.meta.url)("saxes") as typeof Saxes).SaxesParser;
  return loaded;
}
