import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import type { OutputFile } from "../types.js";
import { removeQuietly, sweepDeadTemps } from "./_temp-files.js";

/** What {@link writeFiles} did. */
export interface WriteSummary {
  /** Files whose bytes changed (or are new). */
  written: string[];
  /** Files left alone because their bytes are already right (their mtime stays). */
  unchanged: string[];
}

let counter = 0;

/**
 * Writes the build's files into the output folder atomically: every changed file is first
 * written to a temporary file beside it, and only when all are written are they renamed into
 * place, so readers and a failed build never see a half-written feed. Files whose bytes did not
 * change are not touched. A path that would leave the output folder is refused.
 *
 * @param outDir - the output folder (created if missing)
 * @param files - from {@link buildFeeds}
 * @returns which files were written and which were already up to date
 * @example
 * writeFiles("public/feeds", result.files)
 */
export function writeFiles(outDir: string, files: readonly OutputFile[]): WriteSummary {
  const root = resolve(outDir);
  // Check every path before anything is written.
  const targets = files.map((f) => {
    const target = resolve(root, f.path);
    const rel = relative(root, target);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
      throw new TopicfeedsError(
        "unsafe-path",
        `refusing to write ${JSON.stringify(f.path)}: it is outside the output folder; nothing was written`,
      );
    }
    return target;
  });
  const plan: { target: string; temp: string; path: string }[] = [];
  const unchanged: string[] = [];
  files.forEach((f, i) => {
    const target = targets[i] as string;
    const bytes = Buffer.from(f.contents, "utf8");
    let current: Buffer | undefined;
    try {
      current = readFileSync(target);
    } catch {
      current = undefined;
    }
    if (current?.equals(bytes)) {
      unchanged.push(f.path);
      return;
    }
    const temp = `${target}.tmp-${process.pid}-${++counter}`;
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(temp, bytes);
      plan.push({ target, temp, path: f.path });
    } catch (e) {
      removeQuietly(temp);
      for (const p of plan) removeQuietly(p.temp);
      throw new TopicfeedsError("write-failed", `cannot write ${f.path}: ${(e as Error).message}; nothing was changed`);
    }
  });
  for (let i = 0; i < plan.length; i++) {
    const p = plan[i] as (typeof plan)[number];
    try {
      renameSync(p.temp, p.target);
    } catch (e) {
      for (const q of plan.slice(i)) removeQuietly(q.temp);
      const done =
        i === 0
          ? "nothing was changed"
          : `${i} of ${plan.length} changed files were already replaced; run the build again`;
      throw new TopicfeedsError("write-failed", `cannot replace ${p.path}: ${(e as Error).message}; ${done}`);
    }
  }
  sweepStaleTemps(targets);
  return { written: plan.map((p) => p.path), unchanged };
}

const TEMP = /^(.+)\.tmp-(\d+)-\d+$/;

/**
 * Removes temporary files that a killed build (kill -9, a power cut) left beside our outputs, so
 * that they are never published. Only `<one of our file names>.tmp-<pid>-<n>` whose process is gone.
 */
function sweepStaleTemps(targets: string[]): void {
  const names = new Map<string, Set<string>>();
  for (const t of targets) {
    const dir = dirname(t);
    const set = names.get(dir);
    if (set === undefined) names.set(dir, new Set([basename(t)]));
    else set.add(basename(t));
  }
  for (const [dir, ours] of names) {
    sweepDeadTemps(dir, (e) => {
      const m = TEMP.exec(e);
      return m === null || !ours.has(m[1] as string) ? undefined : Number(m[2]);
    });
  }
}
