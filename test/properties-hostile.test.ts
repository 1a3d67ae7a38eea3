import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFeeds, normalizeRecord, normalizeRecords, resolveRules, rules, selectRecords } from "../src/index.js";
import { cleanText, collapseSpace, toPlainText } from "../src/records/clean-text.js";
import type { ArticleRecord, BuildResult, RecordInput, Rule } from "../src/types.js";
import { parseEveryFile, type ReadItem, readFeedSet } from "./helpers/hostile-xml.js";

// Property tests with hostile generators (fast-check, fixed seeds): text over the whole of
// Unicode including lone surrogates, controls and markup; URLs that are almost right; topic
// names that try to be paths. Each property runs in well under the file's ~15 s budget.

const BASE = { baseUrl: "https://example.com/feeds/" };

/** One unit of hostile text: any code point, a lone surrogate, a control, markup, an entity, a line break… */
const hostileUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "&",
      "<",
      ">",
      '"',
      "'",
      "]]>",
      "&amp;",
      "&lt;",
      "&#0;",
      "&#x1F600;",
      "&#xD800;",
      "&bogus;",
      "<b>",
      "</b>",
      "<script>",
      "<br/>",
      "<img src=x onerror=alert(1)>",
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      " ",
      "  ",
      "\t",
      "\n",
      "\r",
      "\r\n",
      "\u00a0",
      "\u2028",
      "\u0085",
      "\uFEFF",
      "\u200F",
      "\u202E",
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "\uFFFE",
      "\uFFFF",
      "😀",
      "👩‍💻",
      "🇩🇪",
      "שלום",
      "مرحبا",
      "日本語",
      "コーヒー",
      "Ελληνικά",
    ),
  },
);
const hostileText = fc.string({ unit: hostileUnit, maxLength: 40 });

/** URLs: valid ones, near misses (scheme, host, port, credentials, IDN, case) with hostile paths, and junk. */
const hostileUrl = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "https://example.com/",
          "https://bücher.example/straße/ü",
          "HTTPS://EXAMPLE.COM/A B",
          "https://a.example.com/x/",
        ),
        hostileText,
      )
      .map(([u, t]) => u + t),
  },
  {
    weight: 1,
    arbitrary: fc.webUrl({ validSchemes: ["http", "https"], withQueryParameters: true, withFragments: true }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "https://",
          "http://",
          "HTTPS://",
          "https://user:pw@",
          "javascript:",
          "data:",
          "//",
          "",
          "ftp://",
          " https://",
        ),
        fc.constantFrom(
          "example.com",
          "EXAMPLE.Com",
          "bücher.example",
          "a.b",
          "localhost",
          "xn--bcher-kva.example",
          "exa mple.com",
          "",
          "127.0.0.1",
          "[::1]",
        ),
        fc.constantFrom("", "/", ":443/", ":8080/", ":99999/", "/a/../b/", "/%zz/", "/?utm_source=x&q=1#frag"),
        hostileText,
      )
      .map((parts) => parts.join("")),
  },
  { weight: 1, arbitrary: hostileText },
);

const hostileTopic = fc.oneof(
  hostileText,
  fc.constantFrom(
    "AI",
    "ai",
    " AI ",
    "C++",
    "../x",
    "..",
    "/",
    "rss.xml",
    "<script>",
    "コーヒー",
    "日本語",
    "!!!",
    "a/b",
  ),
);

const hostileDate = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .date({ min: new Date("1000-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "2023-02-30T10:00:00Z",
      "0099-01-01T00:00:00Z",
      "2024-03-01",
      "2024-03-01T10:00:00",
      "2024-03-01T10:00:00+05:45",
      "yesterday",
      "",
      "2024-13-01T00:00:00Z",
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.boolean()) },
);

const hostileRecord = fc.record(
  {
    title: fc.oneof(
      hostileText,
      fc.constantFrom("<b>x</b>", "]]>]]>", "a & b", "\u0000", "\uD800", "&amp;", "  ", "<script>alert(1)</script>"),
    ),
    excerpt: fc.option(hostileText, { nil: undefined }),
    webUrl: hostileUrl,
    publishedDateTime: hostileDate,
    quality: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 100 }) },
      { weight: 1, arbitrary: fc.constantFrom(-5, 105, "60", "high") },
    ),
    topics: fc.array(hostileTopic, { maxLength: 4 }),
    related: fc.array(fc.record({ title: hostileText, webUrl: hostileUrl }), { maxLength: 2 }),
  },
  { requiredKeys: ["title", "webUrl", "publishedDateTime"] },
);

/** The documented normalisation of a title (src/records/clean-text.ts): clean, plain text, collapsed spaces. */
function documentedTitle(title: unknown): string {
  const s = typeof title === "string" ? title : String(title);
  return collapseSpace(toPlainText(cleanText(s).text));
}

/** Every feed folder of a build ("" for the site-wide one). */
function feedFolders(result: BuildResult): string[] {
  return ["", ...result.report.topics.map((t) => t.slug)];
}

/** A deterministic Fisher–Yates shuffle (a linear congruential generator seeded by fast-check). */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function restoreTz(saved: string | undefined): void {
  if (saved === undefined) delete process.env.TZ;
  else process.env.TZ = saved;
}

describe("properties over hostile input", () => {
  it("(1) any record is rejected with an error, or every feed parses and round-trips its title, link and id in RSS, Atom and JSON", () => {
    let rendered = 0;
    let tricky = 0;
    let rejected = 0;
    fc.assert(
      fc.property(hostileRecord, (input) => {
        const n = normalizeRecord({ ...input, published: true } as RecordInput);
        if (n.record === undefined) {
          rejected++;
          expect(n.diagnostics.some((d) => d.severity === "error")).toBe(true);
          return;
        }
        const r = n.record;
        rendered++;
        if (/[<>&\]"']/.test(r.title)) tricky++;
        expect(r.title).toBe(documentedTitle(input.title));
        const result = buildFeeds([r], BASE);
        parseEveryFile(result.files);
        const folders = feedFolders(result);
        expect(folders.length).toBe(1 + result.report.topics.length);
        for (const folder of folders) {
          const { rss, atom, json } = readFeedSet(result.files, folder);
          for (const [format, items] of [
            ["RSS", rss],
            ["Atom", atom],
            ["JSON", json],
          ] as const) {
            expect(items, `${format} ${folder}`).toHaveLength(1);
            const item = items[0] as ReadItem;
            expect(item.title, `${format} title in ${folder || "site"}`).toBe(r.title);
            expect(item.link, `${format} link`).toBe(r.webUrl);
            expect(item.id, `${format} id`).toBe(r.id);
          }
          expect(atom[0]?.categories).toEqual(json[0]?.categories);
          expect(rss[0]?.categories).toEqual(json[0]?.categories);
        }
      }),
      { seed: 424242, numRuns: 500 },
    );
    // Not vacuous: many records reach the renderers, many with characters that need escaping.
    expect(rendered).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(50);
    expect(tricky).toBeGreaterThan(20);
  });

  it("(1b) an excerpt reads back as the same text from RSS, Atom and JSON", () => {
    fc.assert(
      fc.property(hostileText, (excerpt) => {
        const n = normalizeRecord({
          title: "t",
          webUrl: "https://a.example.com/x",
          publishedDateTime: "2024-01-01T00:00:00Z",
          published: true,
          excerpt,
        });
        const r = n.record as ArticleRecord;
        if (r.excerpt === undefined) return;
        const { rss, atom, json } = readFeedSet(buildFeeds([r], BASE).files);
        expect(json[0]?.summary).toBe(r.excerpt);
        expect(atom[0]?.summary).toBe(r.excerpt);
        expect(rss[0]?.summary).toBe(r.excerpt);
      }),
      { seed: 31337, numRuns: 300 },
    );
  });

  // Records from small pools, so that URLs, ids, dates and topics collide often.
  const pooledInput = fc.record({
    title: fc.constantFrom("A", "B", "C & D", "<b>E</b>", "F ]]>"),
    webUrl: fc.constantFrom(
      "https://a.example.com/1",
      "https://a.example.com/1/",
      "https://A.EXAMPLE.com/2",
      "https://b.example.com/x?utm_source=y",
      "https://b.example.com/x#f",
      "https://c.example.com/z",
    ),
    originalUrl: fc.option(fc.constantFrom("https://o.example.com/1", "https://a.example.com/2"), { nil: undefined }),
    publishedDateTime: fc.constantFrom(
      "2024-01-01T00:00:00Z",
      "2024-01-01T01:00:00+01:00",
      "2024-01-02",
      "2024-01-01T23:00:00-01:00",
      "2024-02-29T12:00:00",
    ),
    updatedDateTime: fc.option(fc.constantFrom("2024-01-03T00:00:00Z", "2023-12-31T00:00:00Z"), { nil: undefined }),
    published: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    quality: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    heat: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    topics: fc.subarray(["AI", "ai", "Cloud", "C++", "c plus plus", "AI/ML", "AI ML"]),
    excerpt: fc.option(fc.constantFrom("x", "<script>y</script>", "z & w"), { nil: undefined }),
    related: fc.subarray([
      { title: "rel", webUrl: "https://a.example.com/1" },
      { title: "rel2", webUrl: "https://c.example.com/z" },
    ]),
  });
  const pooledRecords = fc.array(pooledInput, { maxLength: 20 }).map((inputs) => normalizeRecords(inputs).records);

  const anyRules: fc.Arbitrary<Rule[]> = fc
    .record({
      published: fc.option(fc.boolean(), { nil: undefined }),
      minQuality: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      minHeat: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      topics: fc.option(
        fc.record({
          include: fc.option(fc.subarray(["AI", "cloud", "C++"]), { nil: undefined }),
          exclude: fc.subarray(["ai", "Cloud"]),
        }),
        { nil: undefined },
      ),
      dateWindow: fc.option(fc.constantFrom({ since: "2024-01-01T12:00:00Z" }, { until: "2024-01-01T12:00:00Z" }), {
        nil: undefined,
      }),
      dedupe: fc.option(fc.boolean(), { nil: undefined }),
      sort: fc.option(fc.constantFrom("published" as const, "updated" as const), { nil: undefined }),
      limit: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
    })
    .map((o) => {
      const out: Rule[] = [];
      if (o.published !== undefined) out.push(rules.published(o.published));
      if (o.minQuality !== undefined) out.push(rules.minQuality(o.minQuality));
      if (o.minHeat !== undefined) out.push(rules.minHeat(o.minHeat));
      if (o.topics !== undefined)
        out.push(
          rules.topics(
            o.topics.include === undefined
              ? { exclude: o.topics.exclude }
              : { include: o.topics.include, exclude: o.topics.exclude },
          ),
        );
      if (o.dateWindow !== undefined) out.push(rules.dateWindow(o.dateWindow));
      if (o.dedupe !== undefined) out.push(rules.dedupe(o.dedupe));
      if (o.sort !== undefined) out.push(rules.sort(o.sort));
      if (o.limit !== undefined) out.push(rules.limit(o.limit));
      return out;
    });

  it("(2) selection output is a subset of its input, and every published item comes from an input record", () => {
    fc.assert(
      fc.property(pooledRecords, anyRules, (recs, select) => {
        const sel = selectRecords(recs, resolveRules([select]));
        const input = new Set(recs);
        for (const r of sel.kept) expect(input.has(r)).toBe(true);
        for (const r of sel.dropped.keys()) expect(input.has(r)).toBe(true);
        for (const r of sel.kept) expect(sel.dropped.has(r)).toBe(false);
        expect(sel.kept.length + sel.dropped.size).toBe(recs.length);
        expect(new Set(sel.kept.map((r) => r.id)).size).toBe(sel.kept.length);
        const result = buildFeeds(recs, { ...BASE, select });
        const ids = new Set(recs.map((r) => r.id));
        for (const folder of feedFolders(result)) {
          for (const item of readFeedSet(result.files, folder).json) expect(ids.has(item.id)).toBe(true);
        }
      }),
      { seed: 2024, numRuns: 200 },
    );
  });

  it("(3) limit(n) is never exceeded in any feed or format, also with a per-topic limit", () => {
    fc.assert(
      fc.property(
        pooledRecords,
        fc.integer({ min: 0, max: 5 }),
        fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        (recs, n, topicLimit) => {
          const config = {
            ...BASE,
            limit: n,
            ...(topicLimit === undefined ? {} : { topics: { AI: { select: [rules.limit(topicLimit)] } } }),
          };
          const result = buildFeeds(recs, config);
          for (const folder of feedFolders(result)) {
            const max = folder === "ai" && topicLimit !== undefined ? topicLimit : n;
            const { rss, atom, json } = readFeedSet(result.files, folder);
            expect(rss.length, folder).toBeLessThanOrEqual(max);
            expect(atom.length).toBe(rss.length);
            expect(json.length).toBe(rss.length);
          }
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it("(4b) the build report is identical for a shuffled input", () => {
    fc.assert(
      fc.property(pooledRecords, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (recs, seed) => {
        expect(buildFeeds(shuffle(recs, seed), BASE).report).toEqual(buildFeeds(recs, BASE).report);
      }),
      { seed: 100, numRuns: 300 },
    );
  });

  it("(4) output is identical for a shuffled input and under another time zone", () => {
    const saved = process.env.TZ;
    try {
      fc.assert(
        fc.property(pooledRecords, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (recs, seed) => {
          const shuffled = shuffle(recs, seed);
          process.env.TZ = "America/St_Johns";
          const a = buildFeeds(recs, BASE);
          process.env.TZ = "Pacific/Chatham";
          const b = buildFeeds(shuffled, BASE);
          expect(b.files).toEqual(a.files);
        }),
        { seed: 99, numRuns: 300 },
      );
    } finally {
      restoreTz(saved);
    }
  });
});
