import { describe, expect, it } from "vitest";
import { normalizeRecords } from "../src/records/normalize-records.js";
import { parseDuration, resolveRules, validateRule } from "../src/select/resolve-rules.js";
import { rules } from "../src/select/rules.js";
import { selectRecords } from "../src/select/select-records.js";
import type { Rule } from "../src/types.js";
import { rawRecord } from "./helpers/fixtures.js";

const recs = normalizeRecords([
  rawRecord({
    webUrl: "https://a.com/1",
    title: "q90",
    quality: 90,
    heat: 10,
    publishedDateTime: "2024-01-05T00:00:00Z",
    category: "news",
    type: "article",
    topics: ["AI"],
  }),
  rawRecord({
    webUrl: "https://a.com/2",
    title: "q40",
    quality: 40,
    heat: 90,
    publishedDateTime: "2024-01-04T00:00:00Z",
    category: "blog",
    type: "video",
    topics: ["Cloud"],
  }),
  rawRecord({
    webUrl: "https://a.com/3",
    title: "draft",
    quality: 99,
    published: false,
    publishedDateTime: "2024-01-03T00:00:00Z",
    topics: ["AI", "Sponsored"],
  }),
  rawRecord({
    webUrl: "https://a.com/4",
    title: "noq",
    quality: undefined,
    publishedDateTime: "2024-01-02T00:00:00Z",
    topics: ["AI", "Sponsored"],
  }),
  rawRecord({ webUrl: "https://a.com/5", title: "old", quality: 80, publishedDateTime: "2020-01-01T00:00:00Z" }),
]).records;

const titles = (rs: Rule[], now?: number) => selectRecords(recs, resolveRules([rs], now)).kept.map((r) => r.title);

describe("selection rules", () => {
  it("keeps published records only, by default", () => {
    expect(titles([])).toEqual(["q90", "q40", "noq", "old"]);
    expect(titles([rules.published(false)])).toContain("draft");
  });
  it("applies quality and heat thresholds (records without a value are dropped)", () => {
    expect(titles([rules.minQuality(50)])).toEqual(["q90", "old"]);
    expect(titles([rules.minHeat(50)])).toEqual(["q40", "noq", "old"]);
  });
  it("includes and excludes topics, categories and types", () => {
    expect(titles([rules.topics({ include: ["ai"] })])).toEqual(["q90", "noq", "old"]);
    expect(titles([rules.topics({ exclude: ["sponsored"] })])).toEqual(["q90", "q40", "old"]);
    expect(titles([rules.category({ include: ["News"] })])).toEqual(["q90"]);
    expect(titles([rules.type({ exclude: ["video"] })])).toEqual(["q90", "noq", "old"]);
  });
  it("filters a date window with since/until and maxAge counted from now", () => {
    expect(titles([rules.dateWindow({ since: "2024-01-03T00:00:00Z", until: "2024-01-04T12:00:00+00:00" })])).toEqual([
      "q40",
    ]);
    expect(titles([rules.dateWindow({ maxAge: "P3D" })], Date.parse("2024-01-06T00:00:00Z"))).toEqual(["q90", "q40"]);
    expect(titles([rules.dateWindow({ maxAge: "P1M" })], Date.parse("2024-02-02T00:00:00Z"))).toEqual([
      "q90",
      "q40",
      "noq",
    ]);
  });
  it("refuses maxAge without an explicit now: the core reads no clock", () => {
    expect(() => resolveRules([[rules.dateWindow({ maxAge: "P1D" })]])).toThrow(/now/);
  });
  it("composes rules; a later rule of the same kind replaces an earlier one", () => {
    expect(titles([rules.minQuality(50), rules.minHeat(5)])).toEqual(["q90", "old"]);
    expect(
      selectRecords(recs, resolveRules([[rules.minQuality(95)], [rules.minQuality(30)]])).kept.map((r) => r.title),
    ).toEqual(["q90", "q40", "old"]);
  });
  it("names the first rule that dropped each record", () => {
    const sel = selectRecords(recs, resolveRules([[rules.minQuality(50)]]));
    const why = Object.fromEntries([...sel.dropped].map(([r, rule]) => [r.title, rule]));
    expect(why).toEqual({ q40: "minQuality", draft: "published", noq: "minQuality" });
  });
  it("runs custom rules from code and names them in the report", () => {
    const sel = selectRecords(recs, resolveRules([[rules.custom("no-old", (r) => r.title !== "old")]]));
    expect([...sel.dropped.values()]).toContain("no-old");
  });
  it("sorts newest first with ties broken by id, whatever the input order", () => {
    const same = normalizeRecords([
      rawRecord({ webUrl: "https://a.com/b", title: "b" }),
      rawRecord({ webUrl: "https://a.com/a", title: "a" }),
    ]).records;
    const r1 = selectRecords(same, resolveRules([[]])).kept.map((r) => r.title);
    const r2 = selectRecords([...same].reverse(), resolveRules([[]])).kept.map((r) => r.title);
    expect(r1).toEqual(["a", "b"]);
    expect(r2).toEqual(r1);
  });
});

describe("de-duplication of syndicated copies", () => {
  const copies = normalizeRecords(
    [
      rawRecord({
        webUrl: "https://syndicator.com/copy",
        originalUrl: "https://origin.com/story",
        title: "copy",
        publishedDateTime: "2024-01-02T00:00:00Z",
      }),
      rawRecord({ webUrl: "https://origin.com/story/", title: "original", publishedDateTime: "2024-01-01T00:00:00Z" }),
      rawRecord({
        webUrl: "https://origin.com/story?utm_source=x",
        title: "utm copy",
        publishedDateTime: "2024-01-03T00:00:00Z",
      }),
      rawRecord({ webUrl: "https://other.com/x", title: "other" }),
    ],
    (i) => `f${i}.md`,
  ).records;

  it("keeps the earliest copy and reports the others", () => {
    const sel = selectRecords(copies, resolveRules([[]]));
    expect(sel.kept.map((r) => r.title).sort()).toEqual(["original", "other"]);
    expect(sel.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ["duplicate-record", "f0.md"],
      ["duplicate-record", "f2.md"],
    ]);
    expect(sel.diagnostics[0]?.message).toContain("f1.md");
  });
  it("can be turned off, but one id never appears twice in a feed", () => {
    const twice = normalizeRecords([rawRecord({ title: "x1" }), rawRecord({ title: "x2" })]).records;
    const sel = selectRecords(twice, resolveRules([[rules.dedupe(false)]]));
    expect(sel.kept).toHaveLength(1);
    expect([...sel.dropped.values()]).toEqual(["duplicate-id"]);
    expect(selectRecords(copies, resolveRules([[rules.dedupe(false)]])).kept).toHaveLength(4);
  });
});

describe("validateRule and parseDuration", () => {
  it("explains what is wrong with a rule from config", () => {
    expect(validateRule({ rule: "minQuality", value: "high" })).toBe(
      'minQuality.value must be a number 0–100, got "high"',
    );
    expect(validateRule({ rule: "nope" })).toMatch(/unknown rule "nope"/);
    expect(validateRule({ rule: "limit", value: 5, extra: 1 })).toMatch(/unknown key "extra"/);
    expect(validateRule({ rule: "dateWindow", maxAge: "30 days" })).toMatch(/ISO 8601 duration/);
    expect(validateRule(rules.minQuality(60))).toBeUndefined();
  });
  it("parses ISO 8601 durations", () => {
    expect(parseDuration("P1Y2M3W4DT5H6M7S")).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7,
    });
    expect(parseDuration("P")).toBeUndefined();
    expect(parseDuration("30d")).toBeUndefined();
  });
});
