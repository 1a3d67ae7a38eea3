import fc from "fast-check";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { normalizeRecord } from "../src/records/normalize-record.js";
import { normalizeRecords } from "../src/records/normalize-records.js";
import { resolveRules } from "../src/select/resolve-rules.js";
import { rules } from "../src/select/rules.js";
import { selectRecords } from "../src/select/select-records.js";
import type { ArticleRecord, RecordInput } from "../src/types.js";

// Properties (fast-check, fixed seeds): escaping, selection and determinism invariants.
const base = { baseUrl: "https://example.com/feeds/" };
const anyText = fc.string({ unit: "binary", maxLength: 60 });
const record = fc.record({
  title: fc.oneof(anyText, fc.constantFrom("<b>x</b>", "]]>", "a & b", "\u0000", "\uD800", "&amp;", "  ")),
  excerpt: fc.option(anyText, { nil: undefined }),
  webUrl: fc.oneof(
    fc.webUrl({ validSchemes: ["http", "https"], withQueryParameters: true, withFragments: true }),
    anyText,
  ),
  publishedDateTime: fc
    .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true })
    .map((d) => d.toISOString()),
  published: fc.boolean(),
  quality: fc.integer({ min: -5, max: 105 }),
  topics: fc.array(fc.oneof(anyText, fc.constantFrom("AI", "ai", "C++", "../x", "rss.xml")), { maxLength: 4 }),
});

function parseXml(text: string): { texts: Map<string, string[]>; attrs: string[] } {
  const p = new SaxesParser({ xmlns: true });
  const texts = new Map<string, string[]>();
  const attrs: string[] = [];
  const stack: string[] = [];
  let buf = "";
  p.on("opentag", (t) => {
    stack.push(t.name);
    buf = "";
    for (const a of Object.values(t.attributes)) attrs.push(typeof a === "string" ? a : a.value);
  });
  p.on("text", (t) => {
    buf += t;
  });
  p.on("closetag", (t) => {
    const list = texts.get(t.name) ?? [];
    list.push(buf);
    texts.set(t.name, list);
    stack.pop();
    buf = "";
  });
  p.on("error", (e) => {
    throw e;
  });
  p.write(text).close();
  return { texts, attrs };
}

describe("properties", () => {
  it("any record is rejected with an error, or renders to feeds that parse and round-trip its title, link and id", () => {
    let rendered = 0;
    let tricky = 0;
    fc.assert(
      fc.property(record, (input) => {
        const n = normalizeRecord({ ...input, published: true, quality: 80 } as RecordInput);
        if (n.record === undefined) return n.diagnostics.some((d) => d.severity === "error");
        const r = n.record;
        rendered++;
        if (/[<&\]]/.test(r.title)) tricky++;
        const { files } = buildFeeds([r], base);
        const get = (p: string) => files.find((f) => f.path === p)?.contents ?? "";
        const rss = parseXml(get("rss.xml"));
        const atom = parseXml(get("atom.xml"));
        const json = JSON.parse(get("feed.json")) as { items: { id: string; url: string; title: string }[] };
        expect(rss.texts.get("title")).toContain(r.title);
        expect(rss.texts.get("guid")).toEqual([r.id]);
        expect(rss.texts.get("link")).toContain(r.webUrl);
        expect(atom.texts.get("title")).toContain(r.title);
        expect(atom.texts.get("id")).toContain(r.id);
        expect(atom.attrs).toContain(r.webUrl);
        expect(json.items).toEqual([expect.objectContaining({ id: r.id, url: r.webUrl, title: r.title })]);
        return true;
      }),
      { seed: 20261122, numRuns: 400 },
    );
    // Not vacuous: many records reach the renderers, some with characters that need escaping.
    expect(rendered).toBeGreaterThan(100);
    expect(tricky).toBeGreaterThan(5);
  });

  const recordSet = fc
    .array(record, { maxLength: 25 })
    .map((inputs) => normalizeRecords(inputs as RecordInput[]).records);

  it("selection output is a subset of its input, and limit(n) is never exceeded", () => {
    fc.assert(
      fc.property(recordSet, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 6 }), (recs, q, n) => {
        const sel = selectRecords(recs, resolveRules([[rules.minQuality(q), rules.limit(n)]]));
        expect(sel.kept.every((r) => recs.includes(r))).toBe(true);
        expect(sel.kept.length + sel.dropped.size).toBe(recs.length);
        const { files } = buildFeeds(recs, { ...base, minQuality: q, limit: n });
        for (const f of files.filter((x) => x.path.endsWith("feed.json")))
          expect((JSON.parse(f.contents) as { items: unknown[] }).items.length).toBeLessThanOrEqual(n);
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it("output does not depend on input order or on the time zone", () => {
    fc.assert(
      fc.property(recordSet, fc.integer(), (recs, seed) => {
        const shuffled: ArticleRecord[] = [...recs];
        let s = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) & 0x7fffffff;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as ArticleRecord, shuffled[i] as ArticleRecord];
        }
        const a = buildFeeds(recs, base).files;
        const tz = process.env.TZ;
        process.env.TZ = "Pacific/Chatham";
        try {
          expect(buildFeeds(shuffled, base).files).toEqual(a);
        } finally {
          process.env.TZ = tz;
        }
      }),
      { seed: 99, numRuns: 100 },
    );
  });
});
