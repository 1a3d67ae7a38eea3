import { createHash } from "node:crypto";
import type { OutputFile } from "../types.js";

// The SHA-1 of each output file object, once known: taken when first asked for, or given by the
// render memo for a file it read back (whose text is then not read at all unless asked for).
// A build's files are made once and never changed, so an object's hash never goes stale.
const known = new WeakMap<OutputFile, string>();

/**
 * The hex SHA-1 of an output file's text (UTF-8), hashed once per file object: the verified
 * files, the last build's outputs and the render memo all ask for it.
 *
 * @example
 * fileSha1({ path: "rss.xml", contents: "" }) // "da39a3ee5e6b4b0d3255bfef95601890afd80709"
 */
export function fileSha1(file: OutputFile): string {
  let sha1 = known.get(file);
  if (sha1 === undefined) {
    sha1 = createHash("sha1").update(file.contents, "utf8").digest("hex");
    known.set(file, sha1);
  }
  return sha1;
}

/**
 * Records the SHA-1 of a file object whose bytes are known without hashing them (a published
 * file that still has the identity it had when it was written with that SHA-1).
 *
 * @example
 * knowFileSha1(file, saved.sha1)
 */
export function knowFileSha1(file: OutputFile, sha1: string): void {
  known.set(file, sha1);
}
