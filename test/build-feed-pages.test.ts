import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFeedModel } from "../src/model/build-feed-model.js";
import { buildFeedPages } from "../src/model/build-feed-pages.js";
import { normalizeRecord } from "../src/records/normalize-record.js";
import { renderRss } from "../src/render/render-rss.js";
import type { ArticleRecord, FeedModel } from "../src/types.js";
import { testContext } from "./helpers/fixtures.js";

// Item i is published on day i: the highest number is the newest.
function records(n: number): ArticleRecord[] {
  const out: ArticleRecord[] = [];
  for (let i = n; i >= 1; i--) {
    const r = normalizeRecord({
      title: `Article ${i}`,
      webUrl: `https://news.example.org/a/${i}`,
      publishedDateTime: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
      published: true,
      topics: ["AI"],
    });
    if (r.record === undefined) throw new Error("fixture record rejected");
    out.push(r.record);
  }
  return out;
}

const folder = { url: "https://example.com/feeds/ai/", path: "ai/" };
const model = (n: number) => buildFeedModel({ slug: "ai", topic: "AI" }, records(n), testContext());
const titles = (m: FeedModel) => m.items.map((i) => Number(i.title.slice("Article ".length)));
const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, k) => from - k);

describe("buildFeedPages", () => {
  it("keeps one document, unmarked, without archives", () => {
    const split = buildFeedPages(model(7), { folder });
    expect(split.pages.map((p) => p.path)).toEqual(["ai/"]);
    expect(split.pages[0]?.model.history).toBeUndefined();
    expect(split).toMatchObject({ archived: 0, overMaxBytes: 0, dropped: 0, cannotFit: false });
  });

  it("marks a feed whose items fit one document complete", () => {
    const split = buildFeedPages(model(5), { folder, pageSize: 5 });
    expect(split.pages).toHaveLength(1);
    expect(split.pages[0]?.model.history).toEqual({ complete: true });
  });

  it("puts the newest pageSize items in the feed and the rest in pages numbered from the oldest", () => {
    const split = buildFeedPages(model(23), { folder, pageSize: 5 });
    expect(split.pages.map((p) => p.path)).toEqual([
      "ai/",
      "ai/archive/4/",
      "ai/archive/3/",
      "ai/archive/2/",
      "ai/archive/1/",
    ]);
    const [sub, p4, p3, , p1] = split.pages.map((p) => p.model) as FeedModel[];
    expect(titles(sub as FeedModel)).toEqual(range(23, 19));
    expect(titles(p1 as FeedModel)).toEqual(range(5, 1));
    expect(titles(p3 as FeedModel)).toEqual(range(15, 11));
    // The newest page holds what is left over: 18 archived items = 3 full pages + 3.
    expect(titles(p4 as FeedModel)).toEqual(range(18, 16));
    expect(split.archived).toBe(18);
  });

  it("links the subscription document to the newest page and every page to its neighbours and the current feed", () => {
    const split = buildFeedPages(model(12), { folder, pageSize: 5 });
    const [sub, p2, p1] = split.pages.map((p) => p.model) as FeedModel[];
    expect(sub?.history).toEqual({ prevArchive: p2?.urls });
    expect(p2?.urls.atom).toBe("https://example.com/feeds/ai/archive/2/atom.xml");
    expect(p2?.history).toEqual({ archive: true, current: sub?.urls, prevArchive: p1?.urls, nextArchive: sub?.urls });
    expect(p1?.history).toEqual({ archive: true, current: sub?.urls, nextArchive: p2?.urls });
    // The archive pages keep the feed's identity (RFC 5005 archives share atom:id).
    expect(p1?.id).toBe(sub?.id);
  });

  it("dates an archive page by its own newest item, never by newer ones", () => {
    const split = buildFeedPages(model(12), { folder, pageSize: 5 });
    const p1 = split.pages.at(-1)?.model as FeedModel;
    expect(p1.updated).toBe(p1.items[0]?.updated);
    expect(Date.parse(p1.updated)).toBeLessThan(Date.parse(split.pages[0]?.model.updated as string));
  });

  it("leaves full pages unchanged when newer items are added", () => {
    const before = buildFeedPages(model(23), { folder, pageSize: 5 }).pages;
    const after = buildFeedPages(model(31), { folder, pageSize: 5 }).pages;
    const byPath = (pages: typeof before) => new Map(pages.map((p) => [p.path, renderRss(p.model)]));
    const a = byPath(before);
    const b = byPath(after);
    // Before: pages 1–4 (page 4 partial); after: pages 1–6.
    expect([...b.keys()].filter((p) => p.includes("archive")).length).toBe(6);
    for (const page of ["ai/archive/1/", "ai/archive/2/", "ai/archive/3/"]) expect(b.get(page)).toBe(a.get(page));
    expect(b.get("ai/archive/4/")).not.toBe(a.get("ai/archive/4/"));
  });

  it("moves the oldest items out of the feed until it fits maxBytes, and drops them without archives", () => {
    const m = model(20);
    const size = (x: FeedModel) => Buffer.byteLength(renderRss(x));
    const full = size(m);
    const maxBytes = Math.floor(full * 0.6);
    const split = buildFeedPages(m, { folder, maxBytes, measure: size });
    const sub = split.pages[0]?.model as FeedModel;
    expect(size(sub)).toBeLessThanOrEqual(maxBytes);
    // The largest prefix that fits: one more item would not.
    expect(size({ ...m, items: m.items.slice(0, sub.items.length + 1) })).toBeGreaterThan(maxBytes);
    expect(titles(sub)).toEqual(range(20, 20 - sub.items.length + 1));
    expect(split.overMaxBytes).toBe(20 - sub.items.length);
    expect(split.dropped).toBe(split.overMaxBytes);
  });

  it("moves what does not fit maxBytes into the archive when archives are on", () => {
    const m = model(20);
    const size = (x: FeedModel) => Buffer.byteLength(renderRss(x));
    const maxBytes = size(buildFeedPages(model(20), { folder, pageSize: 10 }).pages[0]?.model as FeedModel) - 1;
    const split = buildFeedPages(m, { folder, pageSize: 10, maxBytes, measure: size });
    expect(split.dropped).toBe(0);
    expect(split.overMaxBytes).toBeGreaterThan(0);
    const all = split.pages.flatMap((p) => titles(p.model)).sort((a, b) => b - a);
    expect(all).toEqual(range(20, 1));
    expect(split.pages[0]?.model.items.length).toBe(10 - split.overMaxBytes);
  });

  it("says when even an empty feed is over maxBytes", () => {
    const split = buildFeedPages(model(3), { folder, maxBytes: 100, measure: (x) => Buffer.byteLength(renderRss(x)) });
    expect(split.cannotFit).toBe(true);
    expect(split.pages[0]?.model.items).toEqual([]);
    expect(split.dropped).toBe(3);
  });

  it("publishes every item exactly once, in order, with every page but the newest full", () => {
    const all = model(60);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 15 }), (n, pageSize) => {
        const m = { ...all, items: all.items.slice(60 - n) };
        const split = buildFeedPages(m, { folder, pageSize });
        const [sub, ...pages] = split.pages.map((p) => p.model);
        // Subscription first, then pages newest first: together the feed's items in feed order.
        expect([sub, ...pages].flatMap((x) => titles(x as FeedModel))).toEqual(titles(m));
        expect(sub?.items.length).toBe(Math.min(n, pageSize));
        pages.slice(1).forEach((p) => {
          expect(p.items.length).toBe(pageSize);
        });
        expect(sub?.history).toEqual(pages.length === 0 ? { complete: true } : { prevArchive: pages[0]?.urls });
        expect(split.pages.map((p) => p.path)).toEqual([
          "ai/",
          ...pages.map((_, i) => `ai/archive/${pages.length - i}/`),
        ]);
      }),
      { seed: 5005, numRuns: 200 },
    );
  });

  it("refuses a page size that is not a whole number of at least one", () => {
    expect(() => buildFeedPages(model(3), { folder, pageSize: 0 })).toThrow(RangeError);
  });
});
