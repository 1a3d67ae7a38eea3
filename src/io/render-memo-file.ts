import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRenderMemo, type FeedNote, hiddenDigest, type RenderMemo } from "../render/render-feed-files.js";
import type { FileDigest } from "../render/render-manifest.js";
import type { Diagnostic, FeedModel } from "../types.js";
import { writeCacheFile } from "./_temp-files.js";

const FILE = "render-v1.jsonl";

/** One feed as a memo on disk keeps it: what was rendered, and the SHA-1 of each file it wrote. */
interface SavedFeed {
  slug: string;
  key: string;
  itemKeys: string[];
  names: string[];
  kept: number;
  note: FeedNote;
  diagnostics: Diagnostic[];
  model: FeedModel;
  files: [path: string, sha1: string][];
  /** The preview page, when the memo had it. */
  page?: [path: string, sha1: string];
  /** The manifest's hash of each subscription document. */
  digests: [path: string, digest: FileDigest][];
}

/** A render memo read back from the cache folder, and each reused feed's line as it was read. */
export interface SavedRenderMemo {
  memo: RenderMemo;
  /** The line of each feed outcome read back: written again as it is while the feed is reused. */
  lines: Map<unknown, string>;
  /** The text of each file read back from the output folder, by path (see `writeFiles`' `inPlace`). */
  inPlace: Map<string, string>;
}

/**
 * Reads the render memo a one-shot build left in the cache folder, so that this build renders only
 * the feeds whose items (by file and identity), context or config changed. A feed is taken back
 * only when every file it wrote is still in the output folder with the bytes it wrote (its
 * documents' text is read from there, not kept twice); anything missing, changed or unreadable,
 * or a memo written for another key, leaves that feed or the whole memo out: it is rendered
 * again. The memo's `itemKey` is the caller's to set.
 *
 * @param dir - the cache folder
 * @param key - the build's key (see `lastBuildKey`)
 * @param outDir - the output folder
 * @returns the memo (empty when there is none) and the lines it was read from
 * @example
 * const saved = readRenderMemo(cacheDir, key, "public/feeds"); saved.memo.itemKey = scan.sourceOf;
 */
export function readRenderMemo(dir: string, key: string, outDir: string): SavedRenderMemo {
  const memo = createRenderMemo();
  const lines = new Map<unknown, string>();
  const inPlace = new Map<string, string>();
  const none = { memo, lines, inPlace };
  let text: string;
  try {
    text = readFileSync(join(dir, FILE), "utf8");
  } catch {
    return none;
  }
  const all = text.split("\n");
  try {
    const head = JSON.parse(all[0] as string) as { key?: unknown; ctx?: { key?: unknown; hidden?: unknown } };
    if (head.key !== key || typeof head.ctx?.key !== "string" || typeof head.ctx.hidden !== "string") return none;
    memo.ctx = { key: head.ctx.key, hidden: head.ctx.hidden };
  } catch {
    return none;
  }
  for (const line of all.slice(1)) {
    if (line === "") continue;
    let saved: SavedFeed;
    try {
      saved = JSON.parse(line) as SavedFeed;
    } catch {
      continue;
    }
    const files = saved.files.map(([path, sha1]) => ({ path, contents: readAs(outDir, path, sha1) }));
    if (files.some((f) => f.contents === undefined)) continue;
    const outcome = {
      model: saved.model,
      files: files as { path: string; contents: string }[],
      kept: saved.kept,
      note: saved.note,
      diagnostics: saved.diagnostics,
    };
    memo.feeds.set(saved.slug, {
      key: saved.key,
      items: [],
      itemKeys: saved.itemKeys,
      names: saved.names,
      outcome,
    });
    lines.set(outcome, line);
    for (const f of outcome.files) inPlace.set(f.path, f.contents);
    const page = saved.page === undefined ? undefined : readAs(outDir, saved.page[0], saved.page[1]);
    if (page !== undefined && saved.page !== undefined) {
      memo.pages.set(saved.slug, { model: saved.model, contents: page });
      inPlace.set(saved.page[0], page);
    }
    const byPath = new Map(outcome.files.map((f) => [f.path, f.contents]));
    for (const [path, digest] of saved.digests) {
      const contents = byPath.get(path);
      if (contents !== undefined) memo.digests.set(path, { contents, digest });
    }
  }
  return none;
}

/**
 * Keeps the render memo of a build in the cache folder (atomically; a failure is ignored: the
 * next build then renders every feed). Only feeds whose items all have a key are kept; a feed
 * reused from the memo read is written back as the line it was read from.
 *
 * @param dir - the cache folder
 * @param key - the build's key
 * @param saved - the memo the build used, and the lines it was read from
 * @param outputs - the SHA-1 of every file the build published (see `outputDigests`)
 * @example
 * writeRenderMemo(cacheDir, key, saved, outputDigests(files));
 */
export function writeRenderMemo(
  dir: string,
  key: string,
  saved: SavedRenderMemo,
  outputs: readonly [string, string][],
): void {
  const { memo, lines } = saved;
  if (memo.ctx === undefined) return;
  const sha1 = new Map(outputs);
  const hidden = typeof memo.ctx.hidden === "string" ? memo.ctx.hidden : hiddenDigest(memo.ctx.hidden);
  const out: string[] = [`${JSON.stringify({ key, ctx: { key: memo.ctx.key, hidden } })}\n`];
  for (const [slug, entry] of memo.feeds) {
    const line = lines.get(entry.outcome);
    if (line !== undefined) {
      out.push(`${line}\n`);
      continue;
    }
    if (entry.itemKeys === undefined) continue;
    const files: [string, string][] = [];
    for (const f of entry.outcome.files) {
      const h = sha1.get(f.path);
      if (h === undefined) break;
      files.push([f.path, h]);
    }
    if (files.length !== entry.outcome.files.length) continue;
    const feed: SavedFeed = {
      slug,
      key: entry.key,
      itemKeys: entry.itemKeys,
      names: entry.names,
      kept: entry.outcome.kept,
      note: entry.outcome.note,
      diagnostics: entry.outcome.diagnostics,
      model: entry.outcome.model,
      files,
      digests: entry.outcome.files.flatMap((f) => {
        const d = memo.digests.get(f.path);
        return d !== undefined && d.contents === f.contents ? [[f.path, d.digest] as [string, FileDigest]] : [];
      }),
    };
    const page = memo.pages.get(slug);
    const pagePath = `${slug}/index.html`;
    const pageSha1 = sha1.get(pagePath);
    if (page !== undefined && page.model === entry.outcome.model && pageSha1 !== undefined)
      feed.page = [pagePath, pageSha1];
    out.push(`${JSON.stringify(feed)}\n`);
  }
  try {
    writeCacheFile(dir, FILE, out);
  } catch {
    // The next build renders every feed.
  }
}

// The text of a published file, when its bytes still have the SHA-1 they were written with.
function readAs(outDir: string, path: string, sha1: string): string | undefined {
  try {
    const bytes = readFileSync(join(outDir, path));
    return createHash("sha1").update(bytes).digest("hex") === sha1 ? bytes.toString("utf8") : undefined;
  } catch {
    return undefined;
  }
}
