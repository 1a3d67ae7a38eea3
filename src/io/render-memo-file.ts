import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { hiddenName, knowHiddenDigest } from "../model/_hidden-names.js";
import {
  createRenderMemo,
  type FeedNote,
  hiddenDigest,
  markSummary,
  type RenderMemo,
} from "../render/render-feed-files.js";
import type { FileDigest } from "../render/render-manifest.js";
import type { Diagnostic, FeedModel, OutputFile } from "../types.js";
import { CACHE_FILES } from "./_cache-files.js";
import { asciiJson, RACY_MS, readCacheText } from "./_cache-text.js";
import { knowFileSha1 } from "./_file-sha1.js";
import { writeCacheFile } from "./_temp-files.js";

const FILE = CACHE_FILES.render;

/**
 * A published file as the memo keeps it: its path and SHA-1, and its identity (size, mtime in
 * ms, inode) when that was taken: an unchanged identity vouches for the bytes without reading them.
 */
type SavedFile = [path: string, sha1: string, size?: number, mtimeMs?: number, ino?: number];

/** One feed as a memo on disk keeps it: what was rendered, and each file it wrote. */
interface SavedFeed {
  slug: string;
  key: string;
  itemKeys: string[];
  names: string[];
  kept: number;
  note: FeedNote;
  diagnostics: Diagnostic[];
  /** The model with its first items only (see NEWEST), and `itemCount` for how many it has. */
  model: FeedModel;
  itemCount?: number;
  files: SavedFile[];
  /** The preview page, when the memo had it. */
  page?: SavedFile;
  /** The manifest's hash of each subscription document. */
  digests: [path: string, digest: FileDigest][];
  /** When the files' identities were taken (ms since the epoch). */
  at?: number;
}

/** A render memo read back from the cache folder, and each reused feed's line as it was read. */
export interface SavedRenderMemo {
  memo: RenderMemo;
  /** The feed outcomes read back: while one is reused, the feed is as the last build rendered it. */
  taken: Set<unknown>;
  /** The line of each outcome read back that can be written again as it is while the feed is reused. */
  lines: Map<unknown, string>;
  /** Each file read back from the output folder, by path (see `writeFiles`' `inPlace`). */
  inPlace: Map<string, OutputFile>;
}

// (A file whose mtime is within RACY_MS of when its identity was taken is read and hashed.)
// A reused topic feed's model is read by the front page (its newest three items), the OPML, the
// manifest and the report (how many items): the memo keeps its first items and their number,
// not every item (the memo of 100,000 records: 2.3 MB, 30–40 ms to parse, against 0.5 MB).
// Its documents and preview page are never rendered from it: a topic feed is taken back only
// with its page. (The site-wide feed is kept whole: the front page lists all its items.)
const NEWEST = 3;

/**
 * Reads the render memo a one-shot build left in the cache folder, so that this build renders only
 * the feeds whose items (by file and identity), context or config changed. A feed is taken back
 * only when every file it wrote is still in the output folder with the bytes it wrote: a file
 * with the identity (size, mtime, inode) it had when the memo was written, that mtime not within
 * 2 s of then, is taken as unchanged and its text is read only if asked for; any other is read
 * and hashed. Anything missing, changed or unreadable, or a memo written for another key, leaves
 * that feed or the whole memo out: it is rendered again. The memo's `itemKey` is the caller's to set.
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
  const taken = new Set<unknown>();
  const lines = new Map<unknown, string>();
  const inPlace = new Map<string, OutputFile>();
  const none = { memo, taken, lines, inPlace };
  let text: string;
  try {
    text = readCacheText(join(dir, FILE));
  } catch {
    return none;
  }
  const all = text.split("\n");
  try {
    const head = JSON.parse(all[0] as string) as {
      key?: unknown;
      ctx?: { key?: unknown; hidden?: unknown; hiddenName?: unknown };
    };
    if (head.key !== key || typeof head.ctx?.key !== "string" || typeof head.ctx.hidden !== "string") return none;
    memo.ctx = { key: head.ctx.key, hidden: head.ctx.hidden };
    // The hidden keys the memo was rendered with, by name: a build whose keys have that name
    // knows their digest without hashing them.
    if (typeof head.ctx.hiddenName === "string") knowHiddenDigest(head.ctx.hiddenName, head.ctx.hidden);
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
    // Whether every file was taken by its identity alone (else the line is written anew, with
    // identities taken again).
    let asSaved = true;
    const back = (s: SavedFile): OutputFile | undefined => {
      const file = readBack(outDir, s, saved.at);
      if (file !== undefined && !file.byIdentity) asSaved = false;
      return file?.file;
    };
    const files = saved.files.map(back);
    if (files.some((f) => f === undefined)) continue;
    const page = saved.page === undefined ? undefined : back(saved.page);
    if (saved.slug !== "" && page === undefined) continue;
    const model = summaryModel(saved.model, saved.itemCount);
    const outcome = {
      model,
      files: files as OutputFile[],
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
    taken.add(outcome);
    for (const f of outcome.files) inPlace.set(f.path, f);
    if (page !== undefined) {
      memo.pages.set(saved.slug, { model, file: page });
      inPlace.set(page.path, page);
    }
    if (asSaved) lines.set(outcome, line);
    const byPath = new Map(outcome.files.map((f) => [f.path, f]));
    for (const [path, digest] of saved.digests) {
      const file = byPath.get(path);
      if (file !== undefined) memo.digests.set(path, { file, digest });
    }
  }
  return none;
}

/**
 * Keeps the render memo of a build in the cache folder (atomically; a failure is ignored: the
 * next build then renders every feed). Only feeds whose items all have a key are kept; a feed
 * reused from the memo read is written back as the line it was read from, when it could be.
 * Call it once the files are published: it takes each new file's identity in the output folder.
 *
 * @param dir - the cache folder
 * @param key - the build's key
 * @param saved - the memo the build used, and the lines it was read from
 * @param outputs - the SHA-1 of every file the build published (see `outputDigests`)
 * @param outDir - the output folder the files were published in
 * @example
 * writeRenderMemo(cacheDir, key, saved, outputDigests(files), "public/feeds");
 */
export function writeRenderMemo(
  dir: string,
  key: string,
  saved: SavedRenderMemo,
  outputs: readonly [string, string][],
  outDir: string,
): void {
  const { memo, lines } = saved;
  if (memo.ctx === undefined) return;
  const sha1 = new Map(outputs);
  const hidden = typeof memo.ctx.hidden === "string" ? memo.ctx.hidden : hiddenDigest(memo.ctx.hidden);
  const name = typeof memo.ctx.hidden === "string" ? undefined : hiddenName(memo.ctx.hidden);
  const ctx = name === undefined ? { key: memo.ctx.key, hidden } : { key: memo.ctx.key, hidden, hiddenName: name };
  const out: string[] = [`${asciiJson(JSON.stringify({ key, ctx }))}\n`];
  // Taken before the identities: a file written again after them has a later mtime, or one within
  // RACY_MS of this (then it is read and hashed).
  const at = Date.now();
  const savedFile = (path: string): SavedFile | undefined => {
    const h = sha1.get(path);
    if (h === undefined) return undefined;
    try {
      const st = statSync(join(outDir, path));
      return [path, h, st.size, st.mtimeMs, st.ino];
    } catch {
      return [path, h];
    }
  };
  for (const [slug, entry] of memo.feeds) {
    const line = lines.get(entry.outcome);
    if (line !== undefined) {
      out.push(`${line}\n`);
      continue;
    }
    if (entry.itemKeys === undefined) continue;
    const files: SavedFile[] = [];
    for (const f of entry.outcome.files) {
      const s = savedFile(f.path);
      if (s === undefined) break;
      files.push(s);
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
      // (The site-wide feed's items are all on the front page.)
      model:
        slug === ""
          ? entry.outcome.model
          : { ...entry.outcome.model, items: entry.outcome.model.items.slice(0, NEWEST) },
      itemCount: entry.outcome.model.items.length,
      files,
      digests: entry.outcome.files.flatMap((f) => {
        const d = memo.digests.get(f.path);
        return d !== undefined && d.file === f ? [[f.path, d.digest] as [string, FileDigest]] : [];
      }),
      at,
    };
    const page = memo.pages.get(slug);
    const pageFile = page !== undefined && page.model === entry.outcome.model ? savedFile(page.file.path) : undefined;
    if (pageFile !== undefined) feed.page = pageFile;
    out.push(`${asciiJson(JSON.stringify(feed))}\n`);
  }
  try {
    writeCacheFile(dir, FILE, out);
  } catch {
    // The next build renders every feed.
  }
}

// A model as the memo keeps it, with as many items as it had: its first ones, then holes (only
// their number is read; see NEWEST). Marked, so that nothing renders a document from it.
function summaryModel(model: FeedModel, itemCount: number | undefined): FeedModel {
  if (itemCount === undefined || itemCount <= model.items.length) return model;
  const items = model.items.slice();
  items.length = itemCount;
  const out = { ...model, items };
  markSummary(out);
  return out;
}

// A published file as the memo saved it: taken by its identity (its text read only when asked
// for), else read and hashed; undefined when it is missing or has other bytes.
function readBack(
  outDir: string,
  [path, sha1, size, mtimeMs, ino]: SavedFile,
  at: number | undefined,
): { file: OutputFile; byIdentity: boolean } | undefined {
  const full = join(outDir, path);
  if (size !== undefined && mtimeMs !== undefined && ino !== undefined && at !== undefined && mtimeMs < at - RACY_MS) {
    const st = statSync(full, { throwIfNoEntry: false });
    if (st?.isFile() && st.size === size && st.mtimeMs === mtimeMs && st.ino === ino) {
      const file = lazyFile(full, path);
      knowFileSha1(file, sha1);
      return { file, byIdentity: true };
    }
  }
  const contents = readAs(full, sha1);
  if (contents === undefined) return undefined;
  const file = { path, contents };
  knowFileSha1(file, sha1);
  return { file, byIdentity: false };
}

// An output file whose text is read from `full` when first asked for.
function lazyFile(full: string, path: string): OutputFile {
  let text: string | undefined;
  return {
    path,
    get contents(): string {
      if (text === undefined) {
        try {
          text = readFileSync(full, "utf8");
        } catch (e) {
          throw new TopicfeedsError(
            "write-failed",
            `the published file ${path} was removed while this build ran (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); build again`,
          );
        }
      }
      return text;
    },
  };
}

// The text of a published file, when its bytes still have the SHA-1 they were written with.
function readAs(full: string, sha1: string): string | undefined {
  try {
    const bytes = readFileSync(full);
    return createHash("sha1").update(bytes).digest("hex") === sha1 ? bytes.toString("utf8") : undefined;
  } catch {
    return undefined;
  }
}
