import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { isTopicfeedsError } from "../src/diagnostics/topicfeeds-error.js";
import { buildFeedModel } from "../src/model/build-feed-model.js";
import { normalizeRecords } from "../src/records/normalize-records.js";
import { FEED_MEDIA_TYPES } from "../src/render/media-types.js";
import { renderHeaders } from "../src/render/render-headers.js";
import { renderIndexHtml } from "../src/render/render-index-html.js";
import type { FeedManifest } from "../src/render/render-manifest.js";
import { renderPreviewHtml } from "../src/render/render-preview-html.js";
import { verifyOutput } from "../src/render/verify-output.js";
import type { OutputFile } from "../src/types.js";
import { rawRecord, testContext } from "./helpers/fixtures.js";
import { parseFeedDocument, validateJsonFeed } from "./helpers/validators.js";

const raw = [
  rawRecord({
    webUrl: "https://a.com/1?x=1&y=2",
    title: 'Tags <b>bold</b> & "quotes" </h3><script>alert(1)</script>',
    excerpt: "An <img src=x onerror=alert(2)> excerpt",
    provider: { name: "Example <Provider>", domain: "example.com" },
    topics: ["AI", "Cloud & Edge"],
    images: [{ url: 'https://i.a.com/x.png?a="b"', width: 300, height: 200 }],
    publishedDateTime: "2024-01-03T10:00:00Z",
  }),
  rawRecord({ webUrl: "https://a.com/2", title: "Second", topics: ["AI"], publishedDateTime: "2024-01-02T00:00:00Z" }),
  rawRecord({ webUrl: "https://a.com/3", title: "Draft", topics: ["Empty"], published: false }),
  rawRecord({ webUrl: "https://a.com/4", title: "Low", topics: ["Quiet"], quality: 10 }),
];
const set = normalizeRecords(raw);
const config = {
  baseUrl: "https://example.com/feeds/",
  siteUrl: "https://example.com/",
  title: "Example",
  minQuality: 50,
};
const file = (files: OutputFile[], path: string) => files.find((f) => f.path === path)?.contents ?? "";

describe("preview pages", () => {
  const { files } = buildFeeds(set, config);
  const page = file(files, "ai/index.html");

  it("shows record text as text, in content and in attributes", () => {
    expect(page).toContain(
      '<h3><a href="https://a.com/1?x=1&amp;y=2">Tags bold &amp; "quotes" &lt;/h3&gt;&lt;script&gt;alert(1)&lt;/script&gt;</a></h3>',
    );
    expect(page).toContain('<p class="excerpt">An &lt;img src=x onerror=alert(2)&gt; excerpt</p>');
    expect(page).toContain("Example &lt;Provider&gt;");
    expect(page).toContain('<img src="https://i.a.com/x.png?a=%22b%22" alt="" width="300" height="200"');
    expect(page.match(/<script/g)).toHaveLength(1);
  });

  it("links the feeds relatively (autodiscovery and subscribe links) and shows their public URLs", () => {
    expect(page).toContain(
      '<link rel="alternate" type="application/rss+xml" title="Example: AI (RSS)" href="rss.xml">',
    );
    expect(page).toContain(
      '<link rel="alternate" type="application/feed+json" title="Example: AI (JSON Feed)" href="feed.json">',
    );
    expect(page).toContain('<input id="url-atom" type="url" readonly value="https://example.com/feeds/ai/atom.xml">');
    expect(page).toContain('<label class="vh" for="url-atom">Atom URL</label>');
    expect(page).toContain('<a href="../index.html">All feeds</a>');
  });

  it("writes a page for every topic feed and none for the site-wide feed (the front page is its page)", () => {
    const pages = files.filter((f) => f.path.endsWith("index.html")).map((f) => f.path);
    // "Quiet" has no selected record, so no feed and no page.
    expect(pages.sort()).toEqual(["ai/index.html", "cloud-and-edge/index.html", "index.html"]);
  });

  it("says so when the site-wide feed has no articles", () => {
    const empty = buildFeeds(set, { ...config, minQuality: 100 }).files;
    expect(file(empty, "index.html")).toContain("<p>No topics yet.</p>");
    expect(file(empty, "index.html")).toContain("<p>No articles yet.</p>");
    const manifest = JSON.parse(file(empty, "feeds.json")) as FeedManifest;
    expect(manifest._topicfeeds.newest).toBeNull();
    expect(manifest._topicfeeds.feeds.map((f) => [f.path, f.items, f.newest])).toEqual([
      ["rss.xml", 0, null],
      ["atom.xml", 0, null],
      ["feed.json", 0, null],
    ]);
  });

  it("puts every topic on the front page with its count, newest date and newest titles", () => {
    const front = file(files, "index.html");
    expect(front).toContain('<h2 id="topics">Topics (2)</h2>');
    expect(front).toContain('<li><h3><a href="ai/index.html">AI</a></h3>');
    expect(front).toContain(
      '<p class="meta">2 articles · newest <time datetime="2024-01-03T10:00:00Z">2024-01-03</time></p>',
    );
    expect(front).toContain(
      '<a href="cloud-and-edge/rss.xml" type="application/rss+xml" aria-label="Cloud &amp; Edge: RSS">RSS</a>',
    );
    expect(front).toContain('<a href="rss.xml" type="application/rss+xml">RSS</a>');
    expect(front).toContain('<a href="https://example.com/">Site home</a>');
  });

  it("are the same bytes for the same input, whatever the order", () => {
    const again = buildFeeds(normalizeRecords([...raw].reverse()), config).files;
    for (const f of files.filter((x) => x.path.endsWith(".html"))) expect(file(again, f.path)).toBe(f.contents);
  });

  it("render on their own from a model, for use from code", () => {
    const model = buildFeedModel({ slug: "ai", topic: "AI" }, set.records.slice(0, 2), testContext());
    const html = renderPreviewHtml(model, { siteUrl: "https://example.com/", language: "de" });
    expect(html).toMatch(/^<!doctype html>\n<html lang="de">/);
    expect(renderIndexHtml("Example", [model])).toContain('<h2 id="topics">Topics (1)</h2>');
  });
});

describe("manifest feeds.json", () => {
  const { files } = buildFeeds(set, config);
  const manifest = JSON.parse(file(files, "feeds.json")) as FeedManifest;

  it("lists every feed file with topic, format, URL, media type, item count and newest date", () => {
    expect(manifest._topicfeeds.version).toBe(2);
    expect(manifest._topicfeeds.home).toBe("https://example.com/");
    expect(manifest._topicfeeds.base).toBe("https://example.com/feeds/");
    expect(manifest._topicfeeds.newest).toBe("2024-01-03T10:00:00Z");
    expect(manifest._topicfeeds.feeds.map((f) => f.path)).toEqual(
      ["", "ai/", "cloud-and-edge/"].flatMap((d) => ["rss.xml", "atom.xml", "feed.json"].map((n) => `${d}${n}`)),
    );
    expect(manifest._topicfeeds.feeds.find((f) => f.path === "ai/atom.xml")).toMatchObject({
      topic: "AI",
      slug: "ai",
      title: "Example: AI",
      format: "atom",
      url: "https://example.com/feeds/ai/atom.xml",
      type: "application/atom+xml",
      page: "https://example.com/feeds/ai/",
      items: 2,
      newest: "2024-01-03T10:00:00Z",
    });
    expect(manifest._topicfeeds.feeds.find((f) => f.path === "cloud-and-edge/feed.json")).toMatchObject({
      topic: "Cloud & Edge",
      type: "application/feed+json",
      items: 1,
    });
    expect(manifest._topicfeeds.feeds.find((f) => f.path === "rss.xml")).toMatchObject({
      topic: null,
      slug: "",
      items: 2,
    });
  });

  it("is itself a valid JSON Feed 1.1, with one item per feed and what tools read under _topicfeeds", async () => {
    const text = file(files, "feeds.json");
    expect(validateJsonFeed(text)).toEqual([]);
    expect(manifest).toMatchObject({
      version: "https://jsonfeed.org/version/1.1",
      title: "Example: all feeds",
      home_page_url: "https://example.com/",
      feed_url: "https://example.com/feeds/feeds.json",
    });
    expect(manifest.items.map((i) => [i.id, i.title, i.date_modified])).toEqual([
      ["https://example.com/feeds/", "Example", "2024-01-03T10:00:00Z"],
      ["https://example.com/feeds/ai/", "Example: AI", "2024-01-03T10:00:00Z"],
      ["https://example.com/feeds/cloud-and-edge/", "Example: Cloud & Edge", "2024-01-03T10:00:00Z"],
    ]);
    expect(manifest.items[1]?.content_text).toBe(
      "2 items, the newest of 2024-01-03T10:00:00Z. RSS 2.0: https://example.com/feeds/ai/rss.xml; Atom 1.0: https://example.com/feeds/ai/atom.xml; JSON Feed 1.1: https://example.com/feeds/ai/feed.json",
    );
    // A JSON Feed parser reads it as one: a reader subscribed to it lists the feeds.
    const parsed = await parseFeedDocument(text);
    expect(parsed.items.map((i) => i.title)).toEqual(["Example", "Example: AI", "Example: Cloud & Edge"]);
  });

  it("hashes each file's bytes, so the hash changes exactly when the file does", () => {
    for (const f of manifest._topicfeeds.feeds) {
      const bytes = Buffer.from(file(files, f.path), "utf8");
      expect(f.hash).toBe(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
      expect(f.bytes).toBe(bytes.length);
    }
    const more = normalizeRecords([
      ...raw,
      rawRecord({
        webUrl: "https://a.com/9",
        title: "New",
        topics: ["Quiet"],
        publishedDateTime: "2024-02-01T00:00:00Z",
      }),
    ]);
    const next = JSON.parse(file(buildFeeds(more, config).files, "feeds.json")) as FeedManifest;
    const before = new Map(manifest._topicfeeds.feeds.map((f) => [f.path, f.hash]));
    const changed = next._topicfeeds.feeds.filter((f) => f.hash !== before.get(f.path)).map((f) => f.path);
    expect(changed).toEqual(["rss.xml", "atom.xml", "feed.json", "quiet/rss.xml", "quiet/atom.xml", "quiet/feed.json"]);
  });
});

describe("host headers _headers", () => {
  const { files } = buildFeeds(set, config);

  it("gives each feed kind its media type with charset, a cache lifetime and nosniff, under the base URL's path", () => {
    const h = file(files, "_headers");
    for (const [path, type] of [
      ["/feeds/rss.xml", FEED_MEDIA_TYPES.rss],
      ["/feeds/:topic/atom.xml", FEED_MEDIA_TYPES.atom],
      ["/feeds/:topic/feed.json", FEED_MEDIA_TYPES.json],
      ["/feeds/feeds.json", FEED_MEDIA_TYPES.manifest],
    ]) {
      expect(h).toContain(`\n${path}\n  Content-Type: ${type}\n  Cache-Control: `);
    }
    expect(FEED_MEDIA_TYPES.rss).toBe("application/rss+xml; charset=utf-8");
    expect(h).toContain("  X-Content-Type-Options: nosniff\n");
    // Every rule is a path line followed by indented headers (the format both hosts read).
    for (const line of h.split("\n").filter((l) => l !== "" && !l.startsWith("#")))
      expect(line).toMatch(/^(\/\S*| {2}[A-Za-z-]+: .+)$/);
  });

  it("covers archive pages with one rule per file kind, however many pages and topics", () => {
    const { files } = buildFeeds(set, { ...config, archive: { pageSize: 1 } });
    expect(files.some((f) => f.path === "ai/archive/1/rss.xml")).toBe(true);
    const paths = file(files, "_headers")
      .split("\n")
      .filter((l) => l.startsWith("/"));
    expect(paths.filter((p) => p.includes("archive"))).toEqual(
      ["/feeds/archive/:page/", "/feeds/:topic/archive/:page/"].flatMap((d) =>
        ["rss.xml", "atom.xml", "feed.json"].map((n) => `${d}${n}`),
      ),
    );
    // Preview pages and the manifest are for the subscription documents only.
    expect(files.filter((f) => f.path.includes("archive/") && f.path.endsWith(".html"))).toEqual([]);
    const manifest = JSON.parse(file(files, "feeds.json")) as FeedManifest;
    expect(manifest._topicfeeds.feeds.some((f) => f.path.includes("archive"))).toBe(false);
  });

  it("writes rules only for the kinds a build has, at the site root when the base URL is", () => {
    const h = renderHeaders("https://example.com", [{ path: "ai/rss.xml", contents: "" }]);
    expect(h.split("\n").filter((l) => l.startsWith("/"))).toEqual(["/:topic/rss.xml"]);
  });
});

describe("topicUrl and stylesheet", () => {
  it("gives each topic feed its own home link from topicUrl; the site-wide feed keeps the site's", async () => {
    const { files } = buildFeeds(set, { ...config, topicUrl: "https://example.com/topics/{slug}/" });
    for (const name of ["rss.xml", "atom.xml", "feed.json"]) {
      expect((await parseFeedDocument(file(files, `cloud-and-edge/${name}`))).link, name).toBe(
        "https://example.com/topics/cloud-and-edge/",
      );
      expect((await parseFeedDocument(file(files, name))).link, name).toBe("https://example.com/");
    }
    expect(JSON.parse(file(files, "ai/feed.json")).home_page_url).toBe("https://example.com/topics/ai/");
    expect(file(files, "ai/index.html")).toContain('<a href="https://example.com/topics/ai/">Web page</a>');
  });

  it("rejects a topicUrl without {slug} or that is not an absolute URL", () => {
    for (const topicUrl of ["https://example.com/topics/", "/topics/{slug}/", "ftp://x/{slug}"]) {
      try {
        buildFeeds(set, { ...config, topicUrl });
        expect.unreachable();
      } catch (e) {
        expect(isTopicfeedsError(e) && e.code).toBe("invalid-config");
        expect((e as Error).message).toContain("topicUrl");
      }
    }
  });

  it("adds <?xml-stylesheet?> to RSS and Atom only when asked, and the feeds still parse", async () => {
    const plain = buildFeeds(set, config).files;
    expect(file(plain, "rss.xml")).not.toContain("xml-stylesheet");
    const styled = buildFeeds(set, { ...config, stylesheet: "/feed.xsl" }).files;
    for (const name of ["rss.xml", "atom.xml", "ai/rss.xml"]) {
      expect(file(styled, name)).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<\?xml-stylesheet type="text\/xsl" href="\/feed.xsl"\?>\n</,
      );
      expect((await parseFeedDocument(file(styled, name))).items.length).toBe(
        (await parseFeedDocument(file(plain, name))).items.length,
      );
    }
    expect(file(styled, "feed.json")).toBe(file(plain, "feed.json"));
    expect(verifyOutput(styled)).toEqual([]);
    const css = buildFeeds(set, { ...config, stylesheet: "https://example.com/feed.css" }).files;
    expect(file(css, "atom.xml")).toContain('<?xml-stylesheet type="text/css" href="https://example.com/feed.css"?>');
  });

  it("rejects a stylesheet URL that could break out of the instruction", () => {
    for (const stylesheet of ['a"b.xsl', "a b.xsl", "<x>", ""]) {
      expect(() => buildFeeds(set, { ...config, stylesheet }), stylesheet).toThrow(/stylesheet must be the URL/);
    }
  });
});
