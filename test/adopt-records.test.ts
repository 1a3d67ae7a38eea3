import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { isTopicfeedsError } from "../src/diagnostics/topicfeeds-error.js";
import { adoptRecords, isArticleRecord } from "../src/records/adopt-records.js";
import { normalizeRecords } from "../src/records/normalize-records.js";
import type { ArticleRecord, RecordInput } from "../src/types.js";
import { rawRecord } from "./helpers/fixtures.js";

const base = { baseUrl: "https://example.com/feeds/" };
const items = (files: { path: string; contents: string }[], path: string) =>
  (
    JSON.parse(files.find((f) => f.path === path)?.contents ?? "null") as {
      items: { id: string; title: string; url: string }[];
    }
  ).items;

describe("isArticleRecord", () => {
  it("accepts every record normalizeRecords makes", () => {
    const set = normalizeRecords([
      rawRecord({ webUrl: "https://a.com/1" }),
      rawRecord({
        webUrl: "https://a.com/2",
        updatedDateTime: "2024-02-01T10:00:00.5+02:00",
        images: [{ url: "https://a.com/i.png", width: 10, height: 20 }],
      }),
      { title: "Bare", webUrl: "https://a.com/3", publishedDateTime: "2024-01-01", published: false },
    ]);
    expect(set.records).toHaveLength(3);
    for (const r of set.records) expect(isArticleRecord(r)).toBe(true);
  });

  it("refuses plain objects and records with a wrong field", () => {
    const [good] = normalizeRecords([rawRecord({ webUrl: "https://a.com/1" })]).records as [ArticleRecord];
    expect(isArticleRecord({ title: "x", webUrl: "https://a.com/x" })).toBe(false);
    expect(isArticleRecord({ ...good, publishedDateTime: "2024-01-01" })).toBe(false);
    expect(isArticleRecord({ ...good, publishedDateTime: "2024-01-01T10:00:00+02:00" })).toBe(false);
    expect(isArticleRecord({ ...good, topics: "AI" })).toBe(false);
    expect(isArticleRecord({ ...good, webUrl: "/relative" })).toBe(false);
    expect(isArticleRecord({ ...good, published: "yes" })).toBe(false);
    expect(isArticleRecord({ ...good, images: ["https://a.com/i.png"] })).toBe(false);
    expect(isArticleRecord({ ...good, related: [{ title: "t" }] })).toBe(false);
    expect(isArticleRecord({ ...good, provider: "Ars" })).toBe(false);
    expect(isArticleRecord(null)).toBe(false);
    expect(isArticleRecord([good])).toBe(false);
  });
});

describe("adoptRecords", () => {
  it("keeps records as they are and normalises the rest, naming them records[i]", () => {
    const [good] = normalizeRecords([rawRecord({ webUrl: "https://a.com/1" })]).records as [ArticleRecord];
    const out = adoptRecords([
      good,
      rawRecord({ webUrl: "https://a.com/2" }),
      rawRecord({ webUrl: "https://a.com/3", quality: "high" }),
    ]);
    expect(out.records[0]).toBe(good);
    expect(out.records.map((r) => r.webUrl)).toEqual(["https://a.com/1", "https://a.com/2"]);
    expect(out.rejected).toBe(1);
    expect(out.diagnostics).toEqual([
      expect.objectContaining({ code: "invalid-field", severity: "error", file: "records[2]", field: "quality" }),
    ]);
  });
});

describe("buildFeeds with plain objects", () => {
  it("publishes plain objects from code and reports the bad ones, no TypeError", () => {
    const input: RecordInput[] = [
      {
        title: "One",
        webUrl: "https://a.com/1",
        publishedDateTime: "2024-01-02T00:00:00+01:00",
        published: true,
        topics: ["AI"],
        secured: "SECRET-1",
      },
      {
        title: "Two",
        webUrl: "https://a.com/2",
        publishedDateTime: "2024-01-03T00:00:00Z",
        published: true,
        topics: ["AI"],
        quality: "high",
      },
      {
        title: "Draft",
        webUrl: "https://a.com/3",
        publishedDateTime: "2024-01-04T00:00:00Z",
        published: false,
        topics: ["AI"],
      },
      {
        title: "Three",
        webUrl: "https://a.com/4",
        publishedDateTime: "2024-01-01T00:00:00Z",
        published: true,
        topics: ["AI"],
        related: [{ title: "the draft", url: "https://a.com/3" }],
      },
    ];
    const { files, report } = buildFeeds(input, base);
    expect(report.records).toMatchObject({ read: 4, rejected: 1, published: 2, dropped: 1 });
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ severity: "error", file: "records[1]", field: "quality" }),
    );
    expect(items(files, "ai/feed.json").map((i) => i.title)).toEqual(["One", "Three"]);
    for (const f of files) {
      expect(f.contents).not.toContain("SECRET-1");
      expect(f.contents).not.toContain("https://a.com/3");
    }
  });

  it("normalises records edited into a wrong shape inside a record set", () => {
    const set = normalizeRecords([
      rawRecord({ webUrl: "https://a.com/1", title: "Kept" }),
      rawRecord({ webUrl: "https://a.com/2", title: "Edited" }),
    ]);
    const edited = {
      ...set,
      records: [
        set.records[0] as ArticleRecord,
        { ...(set.records[1] as ArticleRecord), publishedDateTime: "2024-03-01T12:00:00+02:00" },
      ],
    };
    const { files, report } = buildFeeds(edited, base);
    expect(report.records).toMatchObject({ read: 2, rejected: 0, published: 2 });
    expect(files.find((f) => f.path === "atom.xml")?.contents).toContain("<published>2024-03-01T10:00:00Z</published>");
  });

  it("refuses input that is not a list of records with invalid-input", () => {
    for (const bad of [null, undefined, "records", { records: "x" }, 42]) {
      let caught: unknown;
      try {
        buildFeeds(bad as never, base);
      } catch (e) {
        caught = e;
      }
      expect(isTopicfeedsError(caught) && caught.code).toBe("invalid-input");
    }
  });
});
