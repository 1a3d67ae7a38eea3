import { createHash } from "node:crypto";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { hiddenName, knowHiddenDigest, knownHiddenDigest } from "../model/_hidden-names.js";
import { HiddenSet } from "../model/_hidden-set.js";
import { buildFeedModel, type FeedContext } from "../model/build-feed-model.js";
import { buildFeedPages, type FeedPage } from "../model/build-feed-pages.js";
import type { FeedItems } from "../select/take-feeds.js";
import type { ArticleRecord, Diagnostic, FeedModel, OutputFile } from "../types.js";
import { withStylesheet } from "./_xml-stylesheet.js";
import { renderAtom } from "./render-atom.js";
import { renderHeaders } from "./render-headers.js";
import { renderIndexHtml } from "./render-index-html.js";
import { renderJsonFeed } from "./render-json-feed.js";
import { type FileDigest, fileDigest, manifestOf } from "./render-manifest.js";
import { renderOpml } from "./render-opml.js";
import { renderPreviewHtml } from "./render-preview-html.js";
import { renderRss } from "./render-rss.js";

/** Settings of the render stage that come from the config. */
export interface RenderSettings {
  /** The site's language (the index page's `lang`). */
  language?: string;
  /** WebSub hubs every feed names. */
  hubs: string[];
  /** Byte budget of each subscription document. */
  maxBytes?: number;
  /** Opt-in `<?xml-stylesheet?>` URL for the RSS and Atom files. */
  stylesheet?: string;
}

/** What one feed came to: its documents and what moved where. */
interface FeedOutcome {
  /** The subscription document's model (what the index, the OPML and the report show). */
  model: FeedModel;
  files: OutputFile[];
  /** How many of the feed's items are published (the others were moved out for `maxBytes` without an archive). */
  kept: number;
  note: FeedNote;
  diagnostics: Diagnostic[];
}

/** Per feed: archive pages and items, items moved out to fit `maxBytes`. */
export interface FeedNote {
  archive?: { pages: number; items: number };
  overMaxBytes?: number;
}

/** What the render stage returns. */
export interface RenderedFeeds {
  /** The subscription documents' models, in feed order. */
  models: FeedModel[];
  /** Every document in every format, the preview pages, then `feeds.opml`, `index.html`, `feeds.json` and `_headers`. */
  files: OutputFile[];
  /** Records published in at least one feed. */
  published: Set<ArticleRecord>;
  /** Records chosen but moved out of every feed to fit `maxBytes` (without an archive). */
  cutForBytes: Set<ArticleRecord>;
  /** Per feed, in feed order. */
  notes: FeedNote[];
  diagnostics: Diagnostic[];
}

/**
 * What the render stage keeps between builds of a long-running driver (a watcher): each feed's
 * documents, reused while its spec, items (the same record objects, in the same order) and the
 * shared context are the same. Make one with {@link createRenderMemo}.
 */
export interface RenderMemo {
  feeds: Map<
    string,
    { key: string; items: ArticleRecord[]; itemKeys?: string[]; names: string[]; outcome: FeedOutcome }
  >;
  /**
   * The context the feeds were rendered with; `hidden` is the set itself, or for a memo read
   * back from disk its digest (see {@link hiddenDigest}).
   */
  ctx: { key: string; hidden: ReadonlySet<string> | string } | undefined;
  /**
   * When set, items are told apart by this key instead of by object: a memo kept on disk between
   * builds keys each record by its file and that file's identity. A record without a key is
   * never taken as unchanged.
   */
  itemKey?: (record: ArticleRecord) => string | undefined;
  /** Preview pages by topic slug, reused while the feed's model is the same object. */
  pages: Map<string, { model: FeedModel; file: OutputFile }>;
  /** The manifest's hash of each subscription document, reused while it is the same file or text. */
  digests: Map<string, { file: OutputFile; digest: FileDigest }>;
}

/**
 * An empty {@link RenderMemo}.
 *
 * @example
 * const memo = createRenderMemo(); buildFeeds(set, config, { memo }); buildFeeds(set2, config, { memo });
 */
export function createRenderMemo(): RenderMemo {
  return { feeds: new Map(), ctx: undefined, pages: new Map(), digests: new Map() };
}

/**
 * The render stage of a build: each feed with items (and the site-wide feed), its model split into its documents (RFC 5005 archive
 * pages; the oldest items moved out to fit `maxBytes`), each written as `rss.xml`, `atom.xml` and
 * `feed.json` in its folder, then `feeds.opml` and `index.html` listing the feeds. With a memo, a
 * feed whose inputs are unchanged since the last call is not modelled or rendered again.
 *
 * @param feeds - the feeds with their items
 * @param complete - given the items of the feeds that are rendered (not those the memo keeps),
 *   returns the complete record of each (see the hydrate stage)
 * @param ctx - the shared feed context
 * @param settings - language, hubs, byte budget
 * @param memo - what the previous call rendered, updated in place
 * @returns models, files, which records were published, notes and diagnostics
 * @example
 * renderFeedFiles(feeds, () => (r) => r, ctx, { hubs: [] }).files.map((f) => f.path) // ["rss.xml", "atom.xml", "feed.json", "ai/rss.xml", …, "index.html"]
 */
export function renderFeedFiles(
  feeds: readonly FeedItems[],
  complete: (items: ArticleRecord[]) => (record: ArticleRecord) => ArticleRecord,
  ctx: FeedContext,
  settings: RenderSettings,
  memo?: RenderMemo,
): RenderedFeeds {
  const sameCtx = memo === undefined ? false : reuseContext(memo, ctx, settings);
  const out: RenderedFeeds = {
    models: [],
    files: [],
    published: new Set(),
    cutForBytes: new Set(),
    notes: [],
    diagnostics: [],
  };
  const seen = new Set<string>();
  // Which feeds are rendered (the others are the memo's), so that only their items are completed.
  const plan: {
    f: FeedItems;
    key: string;
    names: string[];
    reuse: FeedOutcome | undefined;
    itemKeys: string[] | undefined;
  }[] = [];
  const needed = new Set<ArticleRecord>();
  for (const f of feeds) {
    // A topic without items gets no feed (the site-wide feeds are always written).
    if (f.spec.slug !== "" && f.items.length === 0) continue;
    const key = JSON.stringify([f.spec, f.pageSize ?? null]);
    // The shown topic names of the items' topics: a change of the most frequent spelling renames categories.
    const names = memo === undefined ? [] : f.items.flatMap((r) => r.topics.map(ctx.topicName));
    const before = memo?.feeds.get(f.spec.slug);
    seen.add(f.spec.slug);
    const itemKey = memo?.itemKey;
    const itemKeys = itemKey === undefined ? undefined : keysOf(f.items, itemKey);
    const reuse =
      sameCtx &&
      before !== undefined &&
      before.key === key &&
      (itemKey === undefined
        ? sameList(before.items, f.items)
        : itemKeys !== undefined && before.itemKeys !== undefined && sameList(before.itemKeys, itemKeys)) &&
      sameList(before.names, names) &&
      (f.items.length > 0 || before.outcome.model.updated === ctx.emptyUpdated)
        ? before.outcome
        : undefined;
    if (reuse === undefined) for (const r of f.items) needed.add(r);
    plan.push({ f, key, names, reuse, itemKeys });
  }
  const full = complete([...needed]);
  for (const { f, key, names, reuse, itemKeys } of plan) {
    let outcome: FeedOutcome;
    if (reuse !== undefined) outcome = reuse;
    else {
      outcome = renderFeed(f, full, ctx, settings);
      memo?.feeds.set(f.spec.slug, {
        key,
        items: f.items,
        ...(itemKeys === undefined ? {} : { itemKeys }),
        names,
        outcome,
      });
    }
    for (let i = 0; i < f.items.length; i++)
      (i < outcome.kept ? out.published : out.cutForBytes).add(f.items[i] as ArticleRecord);
    out.models.push(outcome.model);
    out.files.push(...outcome.files);
    out.notes.push(outcome.note);
    out.diagnostics.push(...outcome.diagnostics);
  }
  if (memo !== undefined) for (const slug of [...memo.feeds.keys()]) if (!seen.has(slug)) memo.feeds.delete(slug);
  // A preview page per topic feed (the front page is the site-wide feed's), of its subscription document.
  // With a memo, a page is rendered again only when its feed was (the context is part of the feed's key).
  for (const m of out.models) {
    if (m.slug === "") continue;
    const before = sameCtx ? memo?.pages.get(m.slug) : undefined;
    let file: OutputFile;
    if (before !== undefined && before.model === m) file = before.file;
    else {
      if (summaries.has(m)) throw new Error(`internal: the preview page of ${m.slug} from a model without its items`);
      const language = m.language ?? settings.language;
      const pageOptions = language === undefined ? { siteUrl: ctx.siteUrl } : { siteUrl: ctx.siteUrl, language };
      file = { path: `${m.slug}/index.html`, contents: renderPreviewHtml(m, pageOptions) };
      memo?.pages.set(m.slug, { model: m, file });
    }
    out.files.push(file);
  }
  if (memo !== undefined) for (const slug of [...memo.pages.keys()]) if (!seen.has(slug)) memo.pages.delete(slug);
  // (A file the memo read back is the same object while reused: its text is not read to compare.)
  const digest =
    memo === undefined
      ? (f: OutputFile) => fileDigest(f.path, f.contents)
      : (f: OutputFile): FileDigest => {
          const before = memo.digests.get(f.path);
          if (before !== undefined && before.file === f) return before.digest;
          if (before !== undefined && before.file.contents === f.contents) {
            memo.digests.set(f.path, { file: f, digest: before.digest });
            return before.digest;
          }
          const d = fileDigest(f.path, f.contents);
          memo.digests.set(f.path, { file: f, digest: d });
          return d;
        };
  out.files.push(
    { path: "feeds.opml", contents: renderOpml(ctx.siteTitle, out.models) },
    { path: "index.html", contents: renderIndexHtml(ctx.siteTitle, out.models, settings.language, ctx.siteUrl) },
  );
  out.files.push({
    path: "feeds.json",
    contents: manifestOf({ title: ctx.siteTitle, home: ctx.siteUrl, base: ctx.baseUrl }, out.models, out.files, digest),
  });
  out.files.push({ path: "_headers", contents: renderHeaders(ctx.baseUrl, out.files) });
  return out;
}

function renderFeed(
  f: FeedItems,
  full: (record: ArticleRecord) => ArticleRecord,
  ctx: FeedContext,
  settings: RenderSettings,
): FeedOutcome {
  const model = buildFeedModel(f.spec, f.items.map(full), ctx);
  if (settings.hubs.length > 0) model.hubs = settings.hubs;
  const folder = f.spec.slug === "" ? "" : `${f.spec.slug}/`;
  const split = buildFeedPages(model, {
    folder: { url: model.id, path: folder },
    ...(f.pageSize === undefined ? {} : { pageSize: f.pageSize }),
    ...(settings.maxBytes === undefined ? {} : { maxBytes: settings.maxBytes, measure }),
  });
  const files: OutputFile[] = [];
  const { stylesheet } = settings;
  const xml = stylesheet === undefined ? (s: string) => s : (s: string) => withStylesheet(s, stylesheet);
  for (const { path: dir, model: m } of split.pages as FeedPage[]) {
    files.push(
      { path: `${dir}rss.xml`, contents: xml(renderRss(m)) },
      { path: `${dir}atom.xml`, contents: xml(renderAtom(m)) },
      { path: `${dir}feed.json`, contents: renderJsonFeed(m) },
    );
  }
  const note: FeedNote = {};
  if (f.pageSize !== undefined) note.archive = { pages: split.pages.length - 1, items: split.archived };
  if (split.overMaxBytes > 0) note.overMaxBytes = split.overMaxBytes;
  const diagnostics: Diagnostic[] = [];
  if (split.cannotFit)
    diagnostics.push(
      diagnostic(
        "over-max-bytes",
        `${folder === "" ? "the site-wide feed" : `feed ${folder}`} is larger than maxBytes (${settings.maxBytes}) even without items; it is published empty`,
      ),
    );
  return {
    model: (split.pages[0] as FeedPage).model,
    files,
    kept: f.items.length - split.dropped,
    note,
    diagnostics,
  };
}

function measure(m: FeedModel): number {
  return Math.max(utf8Length(renderRss(m)), utf8Length(renderAtom(m)), utf8Length(renderJsonFeed(m)));
}

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Two bytes for U+0080–U+07FF, three up to U+FFFF; a surrogate pair (4 bytes) counts 2 + 2.
    if (c >= 0x80) bytes += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

// Whether the context is the one the memo's feeds were rendered with; remembers the new one.
function reuseContext(memo: RenderMemo, ctx: FeedContext, settings: RenderSettings): boolean {
  const key = JSON.stringify([
    ctx.baseUrl,
    ctx.siteUrl,
    ctx.siteTitle,
    ctx.description,
    ctx.language,
    ctx.copyright,
    ctx.author,
    settings.hubs,
    settings.maxBytes,
    settings.stylesheet,
  ]);
  const before = memo.ctx;
  memo.ctx = { key, hidden: ctx.hiddenUrls };
  if (before === undefined || before.key !== key) return false;
  if (typeof before.hidden === "string") return before.hidden === hiddenDigest(ctx.hiddenUrls);
  if (before.hidden.size !== ctx.hiddenUrls.size) return false;
  // The same set, unchanged (a driver that keeps the set hands over a new one when it changes).
  if (before.hidden === ctx.hiddenUrls) return true;
  for (const k of ctx.hiddenUrls) if (!before.hidden.has(k)) return false;
  return true;
}

/**
 * A SHA-1 of a set of hidden keys, in its order: what a memo kept on disk holds of the set (a
 * set of the same keys in another order only makes every feed render again).
 *
 * @example
 * hiddenDigest(new Set(["a.com/x"])) === hiddenDigest(new Set(["a.com/x"])) // true
 */
export function hiddenDigest(hidden: ReadonlySet<string>): string {
  const name = hiddenName(hidden);
  const known = name === undefined ? undefined : knownHiddenDigest(name);
  if (known !== undefined) return known;
  // (A set over a table of keys digests the table's bytes: its size would make every key a string.)
  const digest = hidden instanceof HiddenSet ? hidden.digest() : setDigest(hidden);
  if (name !== undefined) knowHiddenDigest(name, digest);
  return digest;
}

// The digest of a set of strings, made once per set and size.
function setDigest(hidden: ReadonlySet<string>): string {
  const before = digests.get(hidden);
  if (before !== undefined && before.size === hidden.size) return before.digest;
  // Keys are canonical URLs: never a line break in one. Hashed 4,096 at a time: the keys of
  // 1,000,000 records joined at once would be some 30 MB more at the end of a build.
  const h = createHash("sha1");
  let part: string[] = [];
  for (const k of hidden) {
    part.push(k);
    if (part.length === 4096) {
      h.update(`${part.join("\n")}\n`);
      part = [];
    }
  }
  const digest = h.update(`${part.join("\n")}\n${hidden.size}`).digest("base64");
  digests.set(hidden, { size: hidden.size, digest });
  return digest;
}
// A set is digested once for the check and once for the memo written after the build.
const digests = new WeakMap<ReadonlySet<string>, { size: number; digest: string }>();

// Models a persistent memo kept without their items (see `render-memo-file.ts`): never rendered.
const summaries = new WeakSet<FeedModel>();

/**
 * Marks a model that holds only its first items (a feed taken back from a render memo on disk):
 * rendering a page from it is an internal error rather than a page with items missing.
 *
 * @example
 * markSummary(model)
 */
export function markSummary(model: FeedModel): void {
  summaries.add(model);
}

// Each record's key, or undefined when one has none.
function keysOf(items: readonly ArticleRecord[], key: (r: ArticleRecord) => string | undefined): string[] | undefined {
  const out: string[] = [];
  for (const r of items) {
    const k = key(r);
    if (k === undefined) return undefined;
    out.push(k);
  }
  return out;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
