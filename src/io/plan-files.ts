import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { OutputFile } from "../types.js";

/** What {@link planFiles} found: which files a build would add, change, or leave as they are. */
export interface FilePlan {
  added: string[];
  changed: string[];
  unchanged: string[];
}

/**
 * Compares the files of a build with the output folder, byte for byte, without writing
 * anything: what `topicfeeds build --dry-run` reports.
 *
 * @param outDir - the output folder (it need not exist)
 * @param files - from `buildFeeds`
 * @returns the paths, relative to `outDir`, by what a build would do to them
 * @example
 * planFiles("public/feeds", result.files).changed // ["ai/rss.xml", …]
 */
export function planFiles(outDir: string, files: readonly OutputFile[]): FilePlan {
  const plan: FilePlan = { added: [], changed: [], unchanged: [] };
  for (const f of files) {
    let old: Buffer | undefined;
    try {
      old = readFileSync(join(outDir, f.path));
    } catch {
      old = undefined;
    }
    if (old === undefined) plan.added.push(f.path);
    else if (old.equals(Buffer.from(f.contents, "utf8"))) plan.unchanged.push(f.path);
    else plan.changed.push(f.path);
  }
  return plan;
}
