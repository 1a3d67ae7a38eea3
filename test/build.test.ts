import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { formatReport } from "../src/diagnostics/format-report.js";
import { isTopicfeedsError } from "../src/diagnostics/topicfeeds-error.js";
import { knowHiddenDigest, knownHiddenDigest, nameHidden } from "../src/model/_hidden-names.js";
import { normalizeRecords } from "../src/records/normalize-records.js";
import { createRenderMemo, hiddenDigest } from "../src/render/render-feed-files.js";
import { rules } from "../src/select/rules.js";
import type { ArticleRecord } from "../src/types.js";
import { rawRecord } from "./helpers/fixtures.js";

const base = { baseUrl: "https://example.com/feeds" };
const file = (files: { path: string; contents: string }[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (f === undefined) throw new Error(`no ${path} among ${files.map((x) => x.path).join(", ")}`);
  return f.contents;
};
const jsonItems = (text: string) => (JSON.parse(text) as { items: { id: string; title: string }[] }).items;

describe("buildFeeds", () => {
  const set = normalizeRecords([
    rawRecord({
      webUrl: "https://a.com/1",
      title: "AI one",
      topics: ["AI"],
      publishedDateTime: "2024-01-03T00:00:00Z",
    }),
    rawRecord({
      webUrl: "https://a.com/2",
      title: "Cloud low",
      topics: ["Cloud"],
      quality: 35,
      publishedDateTime: "2024-01-02T00:00:00Z",
    }),
    rawRecord({
      webUrl: "https://a.com/3",
      title: "No topic",
      topics: [],
      publishedDateTime: "2024-01-01T00:00:00Z",
      updatedDateTime: "2024-01-09T00:00:00Z",
    }),
    rawRecord({ webUrl: "https://a.com/4", title: "Draft", topics: ["AI", "Secret Topic"], published: false }),
    rawRecord({ webUrl: "https://a.com/5", title: "", topics: ["AI"] }),
  ]);

  it("checks every rendered file with the verify option, and fails on what it reports", () => {
    const seen: string[] = [];
    const { files } = buildFeeds(set, base, {
      verify: (fs) => {
        seen.push(...fs.map((f) => f.path));
        return [];
      },
    });
    expect(seen.sort()).toEqual(files.map((f) => f.path).sort());
    let code: string | undefined;
    try {
      buildFeeds(set, base, {
        verify: () => [
          { code: "render-failed", severity: "error", message: "ai/rss.xml is not well-formed: x", file: "ai/rss.xml" },
        ],
      });
    } catch (e) {
      code = isTopicfeedsError(e) ? e.code : "other";
    }
    expect(code).toBe("render-failed");
  });

  it("writes three formats and a preview page per topic, site-wide feeds, the front page, OPML, manifest and host headers", () => {
    const { files } = buildFeeds(set, base);
    expect(files.map((f) => f.path).sort()).toEqual(
      [
        "_headers",
        "ai/atom.xml",
        "ai/feed.json",
        "ai/index.html",
        "ai/rss.xml",
        "atom.xml",
        "cloud/atom.xml",
        "cloud/feed.json",
        "cloud/index.html",
        "cloud/rss.xml",
        "feed.json",
        "feeds.json",
        "feeds.opml",
        "index.html",
        "rss.xml",
      ].sort(),
    );
  });

  it("accounts for every record: published + dropped + rejected = read", () => {
    const { report } = buildFeeds(set, { ...base, minQuality: 50 });
    const r = report.records;
    expect(r).toMatchObject({
      read: 5,
      rejected: 1,
      published: 2,
      dropped: 2,
      droppedBy: { minQuality: 1, published: 1 },
    });
    expect(r.published + r.dropped + r.rejected).toBe(r.read);
    expect(report.topics).toEqual([{ slug: "ai", name: "AI", items: 1 }]);
    expect(report.emptyTopics).toEqual([{ slug: "cloud", name: "Cloud" }]);
  });

  it("writes no feed for a topic with no selected record, lists it nowhere, and names it in the summary", () => {
    const { files, report } = buildFeeds(set, { ...base, minQuality: 50 });
    expect(files.map((f) => f.path).filter((p) => p.startsWith("cloud/"))).toEqual([]);
    expect(file(files, "feeds.opml")).not.toContain("cloud/");
    expect(file(files, "index.html")).not.toContain("cloud/");
    expect(file(files, "ai/feed.json")).toContain('"items"');
    expect(formatReport(report)).toContain("1 topic without items, no feed: Cloud");
  });

  it("always writes the site-wide feeds, valid when empty, dated by the newest record", () => {
    const { files } = buildFeeds(set, { ...base, minQuality: 99 });
    expect(jsonItems(file(files, "feed.json"))).toEqual([]);
    expect(file(files, "atom.xml")).toContain("<updated>2024-01-09T00:00:00Z</updated>");
  });

  it("puts records without a topic in the site-wide feeds, newest first", () => {
    const { files } = buildFeeds(set, base);
    expect(jsonItems(file(files, "feed.json")).map((i) => i.title)).toEqual(["AI one", "Cloud low", "No topic"]);
  });

  it("never publishes a draft, nor a topic only drafts use", () => {
    const { files } = buildFeeds(set, base);
    for (const f of files) {
      expect(f.contents).not.toContain("Draft");
      expect(f.contents).not.toContain("Secret Topic");
    }
  });

  it("applies per-topic rules over the global ones", () => {
    const { report } = buildFeeds(set, {
      ...base,
      minQuality: 50,
      topics: { cloud: { select: [rules.minQuality(30)] } },
    });
    expect(report.topics.find((t) => t.slug === "cloud")?.items).toBe(1);
    expect(report.records.published).toBe(3);
  });

  it("limits every feed and counts what the limit dropped", () => {
    const many = normalizeRecords(
      Array.from({ length: 7 }, (_, i) => rawRecord({ webUrl: `https://a.com/${i}`, title: `t${i}` })),
    );
    const { report, files } = buildFeeds(many, { ...base, limit: 3 });
    expect(jsonItems(file(files, "ai/feed.json"))).toHaveLength(3);
    expect(report.records.droppedBy).toEqual({ limit: 4 });
  });

  it("stamps feeds with the newest item date, never the clock", () => {
    const { files } = buildFeeds(set, base);
    expect(file(files, "rss.xml")).toContain("<lastBuildDate>Tue, 09 Jan 2024 00:00:00 GMT</lastBuildDate>");
    expect(file(files, "ai/atom.xml")).toMatch(
      /<feed[^>]*>\n {2}<id>https:\/\/example\.com\/feeds\/ai\/<\/id>[\s\S]*<updated>2024-01-03T00:00:00Z<\/updated>/,
    );
  });

  it("is independent of input order", () => {
    const a = buildFeeds(set, base).files;
    const b = buildFeeds({ ...set, records: [...set.records].reverse() }, base).files;
    expect(b).toEqual(a);
  });

  it("fails a strict build on any error diagnostic", () => {
    try {
      buildFeeds(set, { ...base, strict: true });
      expect.unreachable();
    } catch (e) {
      expect(isTopicfeedsError(e)).toBe(true);
      expect((e as { code: string }).code).toBe("strict-failed");
      expect((e as { diagnostics: { field?: string }[] }).diagnostics[0]?.field).toBe("title");
    }
  });

  it("rejects a bad config with a message naming the key", () => {
    expect(() => buildFeeds(set, { baseUrl: "example.com" })).toThrow(/baseUrl must be an absolute http\(s\) URL/);
    expect(() => buildFeeds(set, { ...base, limit: -1 })).toThrow(/limit must be a whole number/);
    expect(() => buildFeeds(set, { ...base, oops: 1 } as never)).toThrow(/oops is not a config key/);
  });

  it("leaves out related links that point at unpublished records", () => {
    const withRelated = normalizeRecords([
      rawRecord({
        webUrl: "https://a.com/pub",
        related: [
          { title: "hidden", webUrl: "https://a.com/draft/" },
          { title: "shown", webUrl: "https://b.com/x" },
        ],
      }),
      rawRecord({ webUrl: "https://a.com/draft", title: "Draft", published: false }),
    ]);
    const atom = file(buildFeeds(withRelated, base).files, "atom.xml");
    expect(atom).toContain('href="https://b.com/x" title="shown"');
    expect(atom).not.toContain("https://a.com/draft");
  });

  it("writes the language and a configured author and copyright", () => {
    const { files } = buildFeeds(set, {
      ...base,
      language: "de-AT",
      author: { name: "Redaktion", email: "red@example.com" },
      copyright: "© 2024 Ex",
    });
    expect(file(files, "atom.xml")).toContain('xml:lang="de-AT"');
    expect(file(files, "rss.xml")).toContain("<language>de-AT</language>");
    expect(file(files, "rss.xml")).toContain("<managingEditor>red@example.com (Redaktion)</managingEditor>");
    expect(JSON.parse(file(files, "feed.json"))).toMatchObject({
      language: "de-AT",
      authors: [{ name: "Redaktion", url: "mailto:red@example.com" }],
    });
  });

  it("says why a topic feed has no items: the rules its records all fail", () => {
    const set = normalizeRecords([
      rawRecord({ title: "A", webUrl: "https://e.com/a", topics: ["Cloud"], quality: 20 }),
      rawRecord({ title: "B", webUrl: "https://e.com/b", topics: ["Cloud", "AI"], quality: 30 }),
      rawRecord({ title: "C", webUrl: "https://e.com/c", topics: ["AI"], quality: 90 }),
    ]);
    const { report } = buildFeeds(set, { baseUrl: "https://e.com/f/", select: [rules.minQuality(50)] });
    expect(report.topics).toEqual([{ slug: "ai", name: "AI", items: 1 }]);
    expect(report.emptyTopics).toEqual([{ slug: "cloud", name: "Cloud" }]);
    expect(report.diagnostics.filter((d) => d.code === "empty-feed")).toEqual([
      {
        code: "empty-feed",
        severity: "warning",
        message:
          'topic "Cloud" gets no feed (cloud/): none of its records passes the rules published, minQuality (drops by rule are counted in the summary)',
        field: 'topics["Cloud"]',
      },
    ]);
    expect(report.records.droppedBy).toEqual({ minQuality: 2 });
    // A topic's own rules are the ones named.
    const own = buildFeeds(set, {
      baseUrl: "https://e.com/f/",
      topics: { AI: { select: [rules.minHeat(99)] } },
    }).report.diagnostics.filter((d) => d.code === "empty-feed");
    expect(own.map((d) => d.message)).toEqual([
      'topic "AI" gets no feed (ai/): none of its records passes the rules published, minHeat (drops by rule are counted in the summary)',
    ]);
  });
});

describe("buildFeeds with a render memo", () => {
  it("gives the same bytes with a render memo as without, build after build", () => {
    const memo = createRenderMemo();
    const make = (i: number) =>
      rawRecord({
        webUrl: `https://a.com/m${i}`,
        title: `Memo ${i}`,
        topics: [i % 2 === 0 ? "AI" : "Cloud", ...(i % 3 === 0 ? ["ai "] : [])],
        publishedDateTime: `2024-01-${String(1 + i).padStart(2, "0")}T00:00:00Z`,
        related: [{ title: "rel", webUrl: `https://a.com/m${(i + 5) % 6}` }],
      });
    // The same record objects from build to build, as a watcher keeps them: only changed ones are new.
    const one = (raw: Record<string, unknown>) => normalizeRecords([raw]).records[0] as ArticleRecord;
    const kept = Array.from({ length: 6 }, (_, i) => one(make(i)));
    const steps: ArticleRecord[][] = [
      kept,
      kept.map((r, i) => (i === 2 ? one({ ...make(2), title: "Changed" }) : r)),
      // Record 1 becomes a draft: related links to it leave feeds whose items are the same objects.
      kept.map((r, i) => (i === 1 ? one({ ...make(1), published: false }) : r)),
      kept,
      kept.slice(0, 4),
      [],
    ];
    let reused = 0;
    for (const records of steps) {
      const set = { records, diagnostics: [], read: records.length, rejected: 0 };
      const config = { ...base, limit: 3, topics: { Data: {} } };
      const before = new Set([...memo.feeds.values()].flatMap((f) => f.outcome.files));
      const withMemo = buildFeeds(set, config, { memo }).files;
      reused += withMemo.filter((f) => before.has(f)).length;
      expect(withMemo).toEqual(buildFeeds(set, config).files);
    }
    // The memo was used, not only filled.
    expect(reused).toBeGreaterThan(0);
  });
});

describe("hiddenDigest", () => {
  it("is one digest for the same keys in the same order, another for other keys, and a name's known one", () => {
    const keys = ["a.com/1", "a.com/2", "b.com/ü"];
    const d = hiddenDigest(new Set(keys));
    expect(hiddenDigest(new Set([...keys]))).toBe(d);
    expect(hiddenDigest(new Set(keys.slice(0, 2)))).not.toBe(d);
    expect(hiddenDigest(new Set([...keys, "c.com/x"]))).not.toBe(d);
    // A set named after where its keys came from: the digest known for that name, without hashing
    // (the name vouches for the keys: see the scan set's property test).
    const named = new Set(keys);
    nameHidden(named, "scan-set:test-1");
    knowHiddenDigest("scan-set:test-1", "known");
    expect(hiddenDigest(named)).toBe("known");
    // A name with no digest yet: hashed, and the digest is then known for the name.
    const fresh = new Set(keys);
    nameHidden(fresh, "scan-set:test-2");
    expect(hiddenDigest(fresh)).toBe(d);
    expect(knownHiddenDigest("scan-set:test-2")).toBe(d);
  });
});
