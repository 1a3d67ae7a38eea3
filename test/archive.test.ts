import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { formatReport } from "../src/diagnostics/format-report.js";
import { writeFiles } from "../src/io/write-files.js";
import type { FeedsConfig, OutputFile, RecordInput } from "../src/types.js";
import { tempDir } from "./helpers/fixtures.js";

const BASE = "https://example.com/feeds/";

// Record i is published i hours after the start: a larger i is newer. Every fifth is a draft,
// every seventh below the quality bar, and every eleventh a syndicated copy of the one before.
function record(i: number): RecordInput {
  const copy = i % 11 === 0;
  return {
    title: `Article ${i} <b>&</b>`,
    webUrl: `https://news.example.org/${copy ? "syndicated" : "a"}/${i}`,
    originalUrl: copy ? `https://news.example.org/a/${i - 1}` : undefined,
    excerpt: `What happened in story ${i}.`,
    publishedDateTime: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
    published: i % 5 !== 0,
    quality: i % 7 === 0 ? 10 : 80,
    provider: { name: "Example Wire", domain: "wire.example.org" },
    topics: i % 3 === 0 ? ["AI", "Cloud"] : ["AI"],
  };
}
const corpus = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => record(from + k));

const config: FeedsConfig = {
  baseUrl: BASE,
  minQuality: 50,
  limit: 10,
  archive: { pageSize: 10 },
  hub: ["https://hub.example.net/", "https://websub.example.org/publish?x=1&y=2"],
};

function writeOut(files: OutputFile[]): string {
  const dir = tempDir();
  writeFiles(dir, files);
  return dir;
}

type Format = "rss" | "atom" | "json";
const FILE: Record<Format, string> = { rss: "rss.xml", atom: "atom.xml", json: "feed.json" };

// A reader's walk: parse a document with feedsmith, collect its item ids, follow prev-archive
// (JSON Feed: next_url) to the next older document until there is none.
function walk(out: string, folder: string, format: Format): { ids: string[]; documents: string[]; hubs: string[][] } {
  let url: string | undefined = `${BASE}${folder}${FILE[format]}`;
  const ids: string[] = [];
  const documents: string[] = [];
  const hubs: string[][] = [];
  while (url !== undefined) {
    expect(url.startsWith(BASE), url).toBe(true);
    expect(documents, "the chain loops").not.toContain(url);
    documents.push(url);
    const parsed: ReturnType<typeof parseFeed> = parseFeed(readFileSync(join(out, url.slice(BASE.length)), "utf8"));
    let next: string | undefined;
    if (parsed.format === "rss") {
      const links: { rel?: string; href?: string }[] = parsed.feed.atom?.links ?? [];
      ids.push(...(parsed.feed.items ?? []).map((i) => i.guid?.value as string));
      next = links.find((l) => l.rel === "prev-archive")?.href;
      hubs.push(links.filter((l) => l.rel === "hub").map((l) => l.href as string));
    } else if (parsed.format === "atom") {
      const links: { rel?: string; href?: string }[] = parsed.feed.links ?? [];
      ids.push(...(parsed.feed.entries ?? []).map((e) => e.id as string));
      next = links.find((l) => l.rel === "prev-archive")?.href;
      hubs.push(links.filter((l) => l.rel === "hub").map((l) => l.href as string));
    } else if (parsed.format === "json") {
      ids.push(...(parsed.feed.items ?? []).map((i) => i.id as string));
      next = parsed.feed.next_url;
      hubs.push((parsed.feed.hubs ?? []).map((h) => h.url as string));
    } else throw new Error(`unexpected format ${parsed.format}`);
    url = next;
  }
  return { ids, documents, hubs };
}

// What a feed selects, from a build without archives and without a limit: the oracle.
function selectedIds(records: RecordInput[], folder: string): string[] {
  const { files } = buildFeeds(records, { baseUrl: BASE, minQuality: 50, limit: 1_000_000 });
  const doc = JSON.parse(files.find((f) => f.path === `${folder}feed.json`)?.contents ?? "{}");
  return doc.items.map((i: { id: string }) => i.id);
}

describe("RFC 5005 archives", () => {
  const records = corpus(1, 137);
  const result = buildFeeds(records, config);
  const out = writeOut(result.files);

  for (const folder of ["", "ai/", "cloud/"]) {
    for (const format of ["rss", "atom", "json"] as const) {
      it(`walks the ${format} chain of ${folder || "the site-wide feed"} to the oldest page and meets every selected item once`, () => {
        const expected = selectedIds(records, folder);
        expect(expected.length).toBeGreaterThan(20);
        const { ids, documents } = walk(out, folder, format);
        expect(ids).toEqual(expected);
        expect(new Set(ids).size).toBe(ids.length);
        expect(documents.length).toBe(1 + Math.ceil((expected.length - 10) / 10));
      });
    }
  }

  it("names the hubs in every document of every format, archive pages included", () => {
    for (const format of ["rss", "atom", "json"] as const) {
      const { hubs } = walk(out, "ai/", format);
      for (const h of hubs) expect(h).toEqual(config.hub);
    }
  });

  it("keeps the subscription document at pageSize items and reports the archive", () => {
    const ai = result.report.topics.find((t) => t.slug === "ai");
    const total = selectedIds(records, "ai/").length;
    expect(ai).toMatchObject({ items: 10, archive: { pages: Math.ceil((total - 10) / 10), items: total - 10 } });
    expect(result.report.records.droppedBy.limit).toBeUndefined();
  });

  it("marks archive pages fh:archive with current, prev-archive and next-archive links", () => {
    const page1 = readFileSync(join(out, "ai/archive/1/atom.xml"), "utf8");
    expect(page1).toContain("<fh:archive/>");
    expect(page1).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"');
    expect(page1).toContain(`<link rel="current" type="application/atom+xml" href="${BASE}ai/atom.xml"/>`);
    expect(page1).toContain(
      `<link rel="next-archive" type="application/atom+xml" href="${BASE}ai/archive/2/atom.xml"/>`,
    );
    expect(page1).not.toContain('rel="prev-archive"');
    const rss2 = readFileSync(join(out, "ai/archive/2/rss.xml"), "utf8");
    expect(rss2).toContain(
      `<atom:link rel="prev-archive" type="application/rss+xml" href="${BASE}ai/archive/1/rss.xml"/>`,
    );
    expect(rss2).toContain(`<atom:link href="${BASE}ai/archive/2/rss.xml" rel="self" type="application/rss+xml"/>`);
    const sub = readFileSync(join(out, "ai/rss.xml"), "utf8");
    expect(sub).not.toContain("fh:");
    // A JSON Feed archive page belongs to the subscription feed: feed_url stays the feed's own.
    expect(JSON.parse(readFileSync(join(out, "ai/archive/1/feed.json"), "utf8")).feed_url).toBe(`${BASE}ai/feed.json`);
  });

  it("marks a topic whose items fit one document complete, with no archive links", () => {
    const small = buildFeeds(corpus(1, 12), config).files;
    const cloud = small.find((f) => f.path === "cloud/atom.xml")?.contents ?? "";
    expect(cloud).toContain("<fh:complete/>");
    expect(cloud).not.toMatch(/rel="(prev|next)-archive"/);
    expect(small.some((f) => f.path.startsWith("cloud/archive/"))).toBe(false);
  });

  it("rewrites only the newest archive page when newer items are added, every other page byte for byte the same", () => {
    const before = buildFeeds(corpus(1, 120), config).files;
    const after = buildFeeds(corpus(1, 137), config).files;
    const pages = (files: OutputFile[]) =>
      new Map(files.filter((f) => /(^|\/)archive\//.test(f.path)).map((f) => [f.path, f.contents]));
    const a = pages(before);
    const b = pages(after);
    for (const folder of ["archive/", "ai/archive/", "cloud/archive/"]) {
      const numbers = [...a.keys()]
        .filter((p) => p.startsWith(folder) && p.endsWith("rss.xml"))
        .map((p) => Number(p.slice(folder.length).split("/")[0]));
      const newest = Math.max(...numbers);
      expect(newest).toBeGreaterThan(1);
      for (const [path, text] of a) {
        if (!path.startsWith(folder) || path.slice(folder.length).includes("archive/")) continue;
        const n = Number(path.slice(folder.length).split("/")[0]);
        if (n < newest) expect(b.get(path), path).toBe(text);
      }
    }
    // And a rebuild of the same records is byte-identical everywhere.
    expect(buildFeeds(corpus(1, 137), config).files).toEqual(after);
  });

  it("gives a topic its own archive setting over the global one", () => {
    const { files, report } = buildFeeds(records, { ...config, topics: { Cloud: { archive: false } } });
    expect(files.some((f) => f.path.startsWith("cloud/archive/"))).toBe(false);
    expect(files.some((f) => f.path.startsWith("ai/archive/"))).toBe(true);
    expect(report.topics.find((t) => t.slug === "cloud")).toEqual({ slug: "cloud", name: "Cloud", items: 10 });
  });
});

describe("maxBytes", () => {
  const records = corpus(1, 80);
  const size = (f: OutputFile) => Buffer.byteLength(f.contents);

  it("keeps every subscription document within the budget and drops the oldest items, counted by the rule", () => {
    const unlimited = buildFeeds(records, { baseUrl: BASE, minQuality: 50, limit: 40 });
    const maxBytes = 12_000;
    const { files, report } = buildFeeds(records, { baseUrl: BASE, minQuality: 50, limit: 40, maxBytes });
    const feeds = files.filter((f) => /(^|\/)(rss\.xml|atom\.xml|feed\.json)$/.test(f.path));
    for (const f of feeds) expect(size(f), f.path).toBeLessThanOrEqual(maxBytes);
    const full = unlimited.files.find((f) => f.path === "ai/atom.xml") as OutputFile;
    expect(size(full)).toBeGreaterThan(maxBytes);
    const ai = report.topics.find((t) => t.slug === "ai");
    expect(ai?.overMaxBytes).toBeGreaterThan(0);
    expect((ai?.items ?? 0) + (ai?.overMaxBytes ?? 0)).toBe(40);
    expect(report.records.droppedBy.maxBytes).toBeGreaterThan(0);
    const r = report.records;
    expect(r.published + r.dropped + r.rejected).toBe(r.read);
    expect(formatReport(report)).toMatch(/maxBytes: oldest items moved out of \d+ feeds? to fit, dropped \(.*ai \d+/);
  });

  it("moves what does not fit into the archive when archives are on, so nothing is lost", () => {
    const maxBytes = 8_000;
    const { files, report } = buildFeeds(records, { ...config, limit: 40, archive: { pageSize: 40 }, maxBytes });
    const out = writeOut(files);
    const { ids } = walk(out, "ai/", "json");
    expect(ids).toEqual(selectedIds(records, "ai/"));
    expect(report.records.droppedBy.maxBytes).toBeUndefined();
    expect(formatReport(report)).toMatch(/maxBytes: oldest items moved out of \d+ feeds? to fit, into the archive/);
    expect(formatReport(report)).toMatch(/archives: \d+ pages? holding \d+ older items? of \d+ feeds?/);
    for (const p of ["ai/rss.xml", "ai/atom.xml", "ai/feed.json"])
      expect(size(files.find((f) => f.path === p) as OutputFile)).toBeLessThanOrEqual(maxBytes);
  });

  it("warns when a feed is over the budget even without items", () => {
    const { report } = buildFeeds(records, { baseUrl: BASE, maxBytes: 200 });
    expect(report.diagnostics.filter((d) => d.code === "over-max-bytes").length).toBeGreaterThan(0);
    expect(report.diagnostics.find((d) => d.code === "over-max-bytes")?.severity).toBe("warning");
  });

  it("is refused unless a whole number of bytes", () => {
    expect(() => buildFeeds(records, { baseUrl: BASE, maxBytes: 0 })).toThrow(/maxBytes must be a whole number/);
    expect(() => buildFeeds(records, { baseUrl: BASE, archive: { pageSize: 2.5 } })).toThrow(/archive must be true/);
    expect(() => buildFeeds(records, { baseUrl: BASE, hub: "ftp://hub" })).toThrow(/hub must be an absolute/);
  });
});
