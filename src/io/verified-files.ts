import { readFileSync } from "node:fs";
import { join } from "node:path";
import { verifyOutput } from "../render/verify-output.js";
import type { Diagnostic, OutputFile } from "../types.js";
import { CACHE_VERSION } from "../version.js";
import { CACHE_FILES } from "./_cache-files.js";
import { fileSha1 } from "./_file-sha1.js";
import { writeCacheFile } from "./_temp-files.js";

const FILE = CACHE_FILES.verified;

/** A verifier for {@link buildFeeds}' `verify` option that remembers, in a cache folder, what it has checked. */
export interface VerifiedFiles {
  /** {@link verifyOutput}, skipping files whose exact bytes this topicfeeds version and build verified before. */
  verify(files: readonly OutputFile[]): Diagnostic[];
  /** Saves the hashes of this build's well-formed files (only those: the list never grows without bound). */
  save(): void;
}

/**
 * Opens the list of output files already verified (a SHA-1 of their contents, per topicfeeds
 * version and build) in `dir`. Parsing 125 feeds of a 100,000-record build with an XML parser takes about
 * 0.1 s; on a rebuild most of them are byte for byte what was verified last time. The check is a
 * pure function of the bytes, so a remembered pass is as good as a new one. A list from another
 * version, or one that does not parse, is ignored.
 *
 * @param dir - the cache folder
 * @example
 * const verified = openVerifiedFiles("node_modules/.cache/topicfeeds");
 * const { files } = buildFeeds(records, config, { verify: verified.verify });
 * verified.save();
 */
export function openVerifiedFiles(dir: string): VerifiedFiles {
  const known = new Set<string>();
  try {
    const saved = JSON.parse(readFileSync(join(dir, FILE), "utf8")) as { version?: unknown; sha1?: unknown };
    if (saved.version === CACHE_VERSION && Array.isArray(saved.sha1))
      for (const h of saved.sha1) if (typeof h === "string") known.add(h);
  } catch {
    // None yet, or unreadable: everything is verified.
  }
  const passed: string[] = [];
  return {
    verify(files) {
      const out: Diagnostic[] = [];
      for (const f of files) {
        const sha1 = fileSha1(f);
        if (known.has(sha1)) {
          passed.push(sha1);
          continue;
        }
        const problems = verifyOutput([f]);
        if (problems.length === 0) passed.push(sha1);
        else out.push(...problems);
      }
      return out;
    },
    save() {
      const now = [...new Set(passed)].sort();
      if (now.length === known.size && now.every((h) => known.has(h))) return;
      writeCacheFile(dir, FILE, `${JSON.stringify({ version: CACHE_VERSION, sha1: now })}\n`);
    },
  };
}
