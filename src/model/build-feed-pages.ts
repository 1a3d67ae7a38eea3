import type { FeedItem, FeedModel, FeedUrls } from "../types.js";

/** How {@link buildFeedPages} splits one feed. */
export interface FeedPagesOptions {
  /** The feed's folder: its public URL and its path in the output folder (`""` or `"<slug>/"`). */
  folder: { url: string; path: string };
  /** RFC 5005 archives: items per document. Absent: no archive, one document. */
  pageSize?: number;
  /** Byte budget of the subscription document; needs `measure`. */
  maxBytes?: number;
  /** The size in bytes of the largest document a model renders to (RSS, Atom or JSON Feed). */
  measure?: (model: FeedModel) => number;
}

/** One document of a feed, in every format, and the folder its files go to. */
export interface FeedPage {
  /** `""`, `"<slug>/"`, or an archive page's folder such as `"<slug>/archive/3/"`. */
  path: string;
  model: FeedModel;
}

/** What {@link buildFeedPages} returns. */
export interface FeedPages {
  /** The subscription document first, then the archive pages, newest first. */
  pages: FeedPage[];
  /** Items in archive pages. */
  archived: number;
  /** Oldest items moved out of the subscription document to fit `maxBytes`. */
  overMaxBytes: number;
  /** Items (the oldest of the model's) that are in no document: moved out for `maxBytes` without an archive. */
  dropped: number;
  /** true when even an empty subscription document is larger than `maxBytes`. */
  cannotFit: boolean;
}

/**
 * Splits a feed into the documents that publish it. Without archives: one document, from which
 * the oldest items are left out until it fits `maxBytes`. With archives (RFC 5005 §4): the
 * subscription document holds the newest `pageSize` items (fewer to fit `maxBytes`) and links
 * `prev-archive` to the newest archive page; archive pages hold every other item, numbered from
 * the oldest (page 1 holds the oldest `pageSize` items), so adding newer items changes only the
 * newest page (and, when a new page starts, its predecessor's `next-archive` link, which
 * pointed to the subscription document); every
 * other page stays byte-identical and can be cached forever. A feed whose items all fit in the
 * subscription document is marked complete (RFC 5005 §2). Pure.
 *
 * @param model - the feed with every item it publishes, newest first (all selected items when archiving)
 * @param options - the feed's folder, page size, byte budget
 * @returns the documents and what was moved where
 * @example
 * buildFeedPages(model, { folder: { url: "https://example.com/feeds/ai/", path: "ai/" }, pageSize: 50 }).pages.length
 */
export function buildFeedPages(model: FeedModel, options: FeedPagesOptions): FeedPages {
  const { folder, pageSize, maxBytes, measure } = options;
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1))
    throw new RangeError(`pageSize must be a whole number ≥ 1, got ${pageSize}`);
  const items = model.items;
  const n = items.length;
  const urls = (page: number): FeedUrls => {
    const dir = `${folder.url}archive/${page}/`;
    return { rss: `${dir}rss.xml`, atom: `${dir}atom.xml`, json: `${dir}feed.json` };
  };
  const pageCount = (k: number) => (pageSize === undefined ? 0 : Math.ceil((n - k) / pageSize));
  // The subscription document holding the newest k items.
  const subscription = (k: number): FeedModel => {
    const m: FeedModel = { ...model, items: k === n ? items : items.slice(0, k) };
    if (pageSize === undefined) {
      if (k < n) m.updated = newest(m.items, model.updated);
      return m;
    }
    const pages = pageCount(k);
    m.history = pages === 0 ? { complete: true } : { prevArchive: urls(pages) };
    return m;
  };

  const head = pageSize === undefined ? n : Math.min(pageSize, n);
  let k = head;
  let cannotFit = false;
  if (maxBytes !== undefined && measure !== undefined && measure(subscription(k)) > maxBytes) {
    // The largest k that fits; the size grows with k, so a binary search finds it.
    let lo = 0;
    let hi = k - 1;
    k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (measure(subscription(mid)) <= maxBytes) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (k < 0) {
      k = 0;
      cannotFit = true;
    }
  }
  const result: FeedPages = {
    pages: [{ path: folder.path, model: subscription(k) }],
    archived: 0,
    overMaxBytes: head - k,
    dropped: pageSize === undefined ? n - k : 0,
    cannotFit,
  };
  if (pageSize === undefined) return result;

  const rest = n - k;
  const pages = pageCount(k);
  const current: FeedUrls = { ...model.urls };
  for (let page = pages; page >= 1; page--) {
    // Counted from the oldest item, so a full page keeps its items whatever is added on top.
    const end = n - (page - 1) * pageSize;
    const start = Math.max(k, end - pageSize);
    const pageItems = items.slice(start, end);
    const m: FeedModel = {
      ...model,
      urls: urls(page),
      items: pageItems,
      updated: newest(pageItems, model.updated),
      history: { archive: true, current },
    };
    if (page > 1) (m.history as NonNullable<FeedModel["history"]>).prevArchive = urls(page - 1);
    // The newest page links forward to the subscription document, which holds the items after
    // it: a walk forward from page 1 then meets every item, and no archive page is without an
    // archive link (the W3C validator's ArchiveIncomplete).
    (m.history as NonNullable<FeedModel["history"]>).nextArchive = page < pages ? urls(page + 1) : current;
    result.pages.push({ path: `${folder.path}archive/${page}/`, model: m });
  }
  result.archived = rest;
  return result;
}

// The newest `updated` of some items: an archive page's own last change, never the build's.
function newest(items: readonly FeedItem[], fallback: string): string {
  let best: string | undefined;
  let bestMs = Number.NEGATIVE_INFINITY;
  for (const i of items) {
    const ms = Date.parse(i.updated);
    if (ms > bestMs) {
      best = i.updated;
      bestMs = ms;
    }
  }
  return best ?? fallback;
}
