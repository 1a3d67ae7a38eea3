import { describe, expect, it } from "vitest";
import { count, formatDiagnostic, formatReport } from "../src/diagnostics/format-report.js";
import { buildFeedModel } from "../src/model/build-feed-model.js";
import { normalizeRecords } from "../src/records/normalize-records.js";
import { renderAtom } from "../src/render/render-atom.js";
import { discoveryLinks, renderIndexHtml } from "../src/render/render-index-html.js";
import { renderJsonFeed } from "../src/render/render-json-feed.js";
import { renderOpml } from "../src/render/render-opml.js";
import { renderRss } from "../src/render/render-rss.js";
import { verifyOutput } from "../src/render/verify-output.js";
import { rawRecord, testContext } from "./helpers/fixtures.js";
import { parseFeedDocument, validateAtomSchema, validateJsonFeed } from "./helpers/validators.js";

const ctx = testContext({ siteTitle: "Example & Co", author: { name: "Example & Co", url: "https://example.com/" } });
const records = normalizeRecords([
  rawRecord({
    webUrl: "https://a.com/1",
    title: 'One <b>bold</b> & "quoted"',
    topics: ["AI", "C++"],
    images: [{ url: "https://i.a.com/x.png", width: 5, height: 6 }],
  }),
  rawRecord({
    webUrl: "https://a.com/2",
    title: "Two",
    excerpt: undefined,
    provider: undefined,
    publishedDateTime: "2024-01-01T00:00:00Z",
  }),
]).records;
const model = buildFeedModel({ slug: "c-plus-plus", topic: "C++" }, records, ctx);

describe("renderers", () => {
  it("write the same ids, links and titles in all three formats, read back by a feed parser", async () => {
    const parsed = await Promise.all(
      [renderRss(model), renderAtom(model), renderJsonFeed(model)].map((t) => parseFeedDocument(t)),
    );
    for (const p of parsed) {
      expect(p.items.map((i) => [i.id, i.link, i.title])).toEqual([
        ["https://a.com/1", "https://a.com/1", 'One bold & "quoted"'],
        ["https://a.com/2", "https://a.com/2", "Two"],
      ]);
    }
  });

  it("give an entry without provider the feed's author in all three formats, and stay schema-valid", async () => {
    const atom = renderAtom(model);
    expect(await validateAtomSchema(atom)).toEqual([]);
    expect((await parseFeedDocument(atom)).items[1]?.authors).toEqual(["Example & Co"]);
    expect(atom.split("<entry>")[2]).toContain("<name>Example &amp; Co</name>");
    expect(renderRss(model).split("<item>")[2]).toContain("<dc:creator>Example &amp; Co</dc:creator>");
    expect(JSON.parse(renderJsonFeed(model)).items[1].authors).toEqual([
      { name: "Example & Co", url: "https://example.com/" },
    ]);
  });

  it("publish every date to the second, the same instant in all three formats", () => {
    const [withMs] = normalizeRecords([
      rawRecord({
        webUrl: "https://a.com/ms",
        publishedDateTime: "2024-02-03T04:05:06.789Z",
        updatedDateTime: "2024-02-03T05:00:00.001Z",
      }),
    ]).records;
    const m = buildFeedModel({ slug: "" }, withMs === undefined ? [] : [withMs], ctx);
    expect(renderRss(m)).toContain("<pubDate>Sat, 03 Feb 2024 04:05:06 GMT</pubDate>");
    expect(renderAtom(m)).toContain("<published>2024-02-03T04:05:06Z</published>");
    expect(renderAtom(m)).toContain("<updated>2024-02-03T05:00:00Z</updated>");
    expect(JSON.parse(renderJsonFeed(m)).items[0]).toMatchObject({
      date_published: "2024-02-03T04:05:06Z",
      date_modified: "2024-02-03T05:00:00Z",
    });
  });

  it("write Atom summaries as escaped HTML with line breaks, and the site link before the self link", () => {
    const [multi] = normalizeRecords([
      rawRecord({ webUrl: "https://a.com/lines", excerpt: "one <div> & two\n\nthree" }),
    ]).records;
    const atom = renderAtom(buildFeedModel({ slug: "" }, multi === undefined ? [] : [multi], ctx));
    expect(atom).toContain(
      '<summary type="html">one &amp;lt;div&amp;gt; &amp;amp; two&lt;br&gt;&lt;br&gt;three</summary>',
    );
    expect(atom.indexOf('rel="alternate"')).toBeLessThan(atom.indexOf('rel="self"'));
  });

  it("write valid JSON Feed 1.1 with content_text even without an excerpt", () => {
    const json = renderJsonFeed(model);
    expect(validateJsonFeed(json)).toEqual([]);
    expect(JSON.parse(json).items[1]).toMatchObject({ content_text: "Two" });
  });

  it("write an empty feed that is still valid", async () => {
    const empty = buildFeedModel({ slug: "empty", topic: "Empty" }, [], ctx);
    expect(await validateAtomSchema(renderAtom(empty))).toEqual([]);
    expect(validateJsonFeed(renderJsonFeed(empty))).toEqual([]);
    expect((await parseFeedDocument(renderRss(empty))).items).toEqual([]);
    expect(renderAtom(empty)).toContain("<updated>2024-01-01T00:00:00Z</updated>");
  });
});

describe("site files", () => {
  it("lists every feed in OPML for a reader to import", () => {
    const opml = renderOpml("Example & Co", [model]);
    expect(opml).toContain('xmlUrl="https://example.com/feeds/c-plus-plus/rss.xml"');
    expect(verifyOutput([{ path: "feeds.opml", contents: opml }])).toEqual([]);
  });

  it("gives discovery links with the registered media types", () => {
    expect(
      discoveryLinks(model)
        .split("\n")
        .map((l) => /type="([^"]+)"/.exec(l)?.[1]),
    ).toEqual(["application/rss+xml", "application/atom+xml", "application/feed+json"]);
    expect(renderIndexHtml("Example & Co", [model])).toContain(
      '<a href="c-plus-plus/feed.json" type="application/feed+json" aria-label="C++: JSON Feed">',
    );
  });
});

describe("verifyOutput (fail closed)", () => {
  it("turns a broken XML or JSON file into a render-failed error naming it", () => {
    const d = verifyOutput([
      { path: "ok.xml", contents: "<a/>" },
      { path: "a/rss.xml", contents: "<rss><channel></rss>" },
      { path: "feed.json", contents: "{ nope" },
      { path: "x.xml", contents: "<a>\u0001</a>" },
      { path: "ns.xml", contents: "<a>\n  <atom:link/></a>" },
    ]);
    expect(d.map((x) => [x.code, x.file])).toEqual([
      ["render-failed", "a/rss.xml"],
      ["render-failed", "feed.json"],
      ["render-failed", "x.xml"],
      ["render-failed", "ns.xml"],
    ]);
    // Where it broke: line and column of the first problem.
    expect(d[0]?.message).toMatch(/^a\/rss\.xml is not well-formed: 1:\d+: /);
    expect(d[3]?.message).toMatch(/^ns\.xml is not well-formed: 2:\d+: .*prefix/);
  });
});

describe("report formatting", () => {
  it("prints file:line:col, severity, message and code", () => {
    expect(
      formatDiagnostic({
        code: "yaml-syntax",
        severity: "error",
        message: "invalid YAML",
        file: "a.md",
        line: 3,
        column: 4,
      }),
    ).toBe("a.md:3:4  error  invalid YAML  [yaml-syntax]");
  });
  it("summarises where every record went", () => {
    const text = formatReport({
      records: { read: 3, rejected: 1, published: 1, dropped: 1, droppedBy: { minQuality: 1 } },
      topics: [],
      emptyTopics: [],
      files: 5,
      diagnostics: [],
    });
    expect(text).toContain("3 records read: 1 published, 1 dropped (minQuality 1), 1 rejected");
  });
  it("writes counts with grouped digits and the singular for one", () => {
    const text = formatReport({
      records: { read: 20000, rejected: 0, published: 1, dropped: 19999, droppedBy: { minQuality: 19999 } },
      topics: [{ slug: "ai", name: "AI", items: 1 }],
      site: { items: 1 },
      emptyTopics: [],
      files: 8,
      diagnostics: [],
    });
    expect(text).toContain("20,000 records read: 1 published, 19,999 dropped (minQuality 19,999), 0 rejected");
    expect(text).toContain("1 topic feed + site-wide (1 item), 8 files");
    expect(count(1, "record")).toBe("1 record");
    expect(count(0, "record")).toBe("0 records");
  });
  it("names the config file, or says there is none", () => {
    const report = {
      records: { read: 0, rejected: 0, published: 0, dropped: 0, droppedBy: {} },
      topics: [],
      emptyTopics: [],
      files: 0,
      diagnostics: [],
    };
    expect(formatReport(report, { config: "topicfeeds.config.json" })).toMatch(/^ {2}config: topicfeeds.config.json$/m);
    expect(formatReport(report, { config: null })).toMatch(/^ {2}config: no config file$/m);
    expect(formatReport(report)).not.toMatch(/config:/);
  });
  it("says loudly when nothing was published, and why", () => {
    const text = formatReport({
      records: { read: 62, rejected: 2, published: 0, dropped: 60, droppedBy: { minQuality: 43, published: 17 } },
      topics: [],
      emptyTopics: [],
      files: 5,
      diagnostics: [],
    });
    expect(text).toMatch(
      /^warning {2}nothing was published: of 62 records, dropped by minQuality 43, published 17; rejected 2; the feeds have no items$/m,
    );
  });
  it("lists every error however many, and caps only the warnings", () => {
    const diag = (severity: "error" | "warning", i: number) => ({
      code: "x",
      severity,
      message: `${severity} number ${i}`,
      file: `r${i}.md`,
    });
    const diagnostics = [
      ...Array.from({ length: 70 }, (_, i) => diag("warning", i)),
      ...Array.from({ length: 60 }, (_, i) => diag("error", i)),
    ];
    const text = formatReport(
      {
        records: { read: 60, rejected: 60, published: 0, dropped: 0, droppedBy: {} },
        topics: [],
        emptyTopics: [],
        files: 0,
        diagnostics,
      },
      { max: 10 },
    );
    expect(text.match(/^r\d+\.md {2}error {2}/gm)?.length).toBe(60);
    expect(text.match(/^r\d+\.md {2}warning {2}/gm)?.length).toBe(10);
    expect(text).toContain("… and 60 more warnings (see --report json)");
  });
});
