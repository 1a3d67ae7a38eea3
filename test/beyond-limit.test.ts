import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { beyondLimitRules, createBeyondLimit, Owners } from "../src/io/_beyond-limit.js";
import { loadRecords } from "../src/io/read-records.js";
import type { FileIdentity } from "../src/io/record-rows.js";
import { scanRecords } from "../src/io/scan-records.js";
import type { ArticleRecord, FeedsConfig } from "../src/types.js";
import { ROOT, tempDir } from "./helpers/fixtures.js";

const workerUrl = pathToFileURL(join(ROOT, "dist", "parse-worker.js"));

// A deterministic corpus: few topics (so feeds fill), dates on a coarse grid (ties in the feed
// order), unpublished records, and syndicated copies: later records with the web URL or the
// original URL of an earlier one, some of them copies of copies.
function corpus(count: number, seed = 7): string {
  const dir = tempDir();
  let s = seed;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const topics = ["AI", "Cloud", "ai", "Quantum Computing", "C++", "Rare Topic", "Cafe", "Café", "!!!"];
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const copyOf = i > 10 && rnd() < 0.08 ? urls[Math.floor(rnd() * urls.length)] : undefined;
    const web = copyOf ?? `https://news${i % 7}.example.com/a/${i}?utm_source=x&id=${i}`;
    const original = rnd() < 0.15 ? `https://origin.example.org/${Math.floor(rnd() * count)}` : web;
    urls.push(web);
    const day = 1 + Math.floor(rnd() * 28);
    const hour = Math.floor(rnd() * 3) * 8;
    const published = `2023-0${1 + Math.floor(rnd() * 9)}-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00Z`;
    const updated = rnd() < 0.2 ? `\nupdatedDateTime: 2023-10-0${1 + Math.floor(rnd() * 9)}T00:00:00Z` : "";
    const mine = topics.filter(() => rnd() < (i % 97 === 0 ? 1 : 0.35)).slice(0, 3);
    if (mine.length === 0) mine.push(topics[i % 2] as string);
    const text = `---
title: "Article ${i}"
excerpt: "About article ${i}."
publishedDateTime: ${published}${updated}
webUrl: "${web}"
originalUrl: "${original}"
quality: ${Math.floor(rnd() * 100)}
published: ${rnd() < 0.75}
topics:
${mine.map((t) => `  - "${t}"`).join("\n")}
related:
  - title: "Earlier ${i}"
    webUrl: "${urls[Math.floor(rnd() * urls.length)]}"
---
`;
    writeFileSync(join(dir, `r${String(i).padStart(5, "0")}.md`), text);
  }
  return dir;
}

const base: FeedsConfig = { baseUrl: "https://example.com/feeds/", now: "2024-01-01T00:00:00Z" };

describe("records beyond every feed's limit", () => {
  it("gives the same files and report as a build over every record, cold, warm and without cache", async () => {
    const dir = corpus(1500);
    const configs: FeedsConfig[] = [
      { ...base, minQuality: 40, limit: 7 },
      { ...base, limit: 3, select: [{ rule: "sort", by: "updated" }] },
      { ...base, minQuality: 20, limit: 5, select: [{ rule: "dedupe", value: false }] },
      { ...base, minQuality: 60, limit: 4, siteFeeds: false, select: [{ rule: "topics", exclude: ["Cloud"] }] },
      { ...base, limit: 0 },
      { ...base, limit: 6, select: [{ rule: "published", value: false }] },
      { ...base, minQuality: 50, limit: 5, maxBytes: 6000 },
    ];
    for (const config of configs) {
      const reference = buildFeeds(await loadRecords(dir, { cwd: dir }), config);
      // What a scan that keeps every record that passes gives (the prefilter alone).
      const whole = await scanRecords([dir], { cwd: dir, workerUrl, lean: true, prefilter: config, workers: 1 });
      const before = buildFeeds(whole, config, { hydrate: whole.hydrate });
      expect(before.files).toEqual(reference.files);
      const cacheDir = join(tempDir(), "cache");
      for (const options of [{ cacheDir, workers: 2 }, { cacheDir, workers: 1 }, { workers: 1 }]) {
        const scan = await scanRecords([dir], {
          cwd: dir,
          workerUrl,
          lean: true,
          prefilter: config,
          build: config,
          ...options,
        });
        // Only the newest of each feed, the copies and each topic's first file are kept.
        expect(scan.records.length).toBeLessThan(reference.report.records.read / 3);
        const built = buildFeeds(scan, config, { hydrate: scan.hydrate });
        expect(built.files).toEqual(reference.files);
        expect(built.report).toEqual(before.report);
        expect(built.report.diagnostics.map((d) => d.code)).toEqual(
          expect.arrayContaining(["slug-collision", "invalid-topic"]),
        );
      }
      expect(reference.report.diagnostics.some((d) => d.code === "duplicate-record")).toBe(
        config.select?.some((r) => r.rule === "dedupe") !== true,
      );
    }
  });

  it("names each entry to read again with its identity: the scan's, or the one it was added with when that differs", async () => {
    const { records } = await loadRecords([corpus(12)], { cwd: tempDir() });
    const rules = beyondLimitRules({ ...base, select: [{ rule: "published", value: true }] });
    const ids = (file: number): FileIdentity => [100 + file, 2e12 + file, 3e12 + file, 7000 + file];
    const scan = new Float64Array(4 * 20);
    for (let f = 0; f < 20; f++) scan.set(ids(f), 4 * f);
    const cases = [
      { known: scan, differs: [3] },
      { known: undefined, differs: [] as number[] },
    ];
    for (const { known, differs } of cases) {
      const beyond = createBeyondLimit(rules as NonNullable<typeof rules>, true, known);
      const added = new Map<number, FileIdentity>();
      records.forEach((r, k) => {
        const file = 2 * k;
        const id: FileIdentity = differs.includes(file) ? [1, 2, 3, 4] : ids(file);
        if (beyond.add(r, file, id)) added.set(file, id);
      });
      expect(added.size).toBeGreaterThan(4);
      const kept = beyond.keep();
      expect(kept.length).toBe(added.size);
      for (const { file, identity } of kept) expect(identity).toEqual(added.get(file));
    }
  });

  it("reads again, per feed, exactly the newest `limit` entries (ties at the cut), and each topic's first file", () => {
    const topics = ["A", "B", "C", "D"];
    fc.assert(
      fc.property(
        fc.array(fc.record({ day: fc.integer({ min: 1, max: 9 }), topics: fc.subarray(topics) }), { maxLength: 120 }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        (entries, limit, siteFeeds) => {
          const rules = beyondLimitRules({ ...base, siteFeeds, select: [{ rule: "limit", value: limit }] });
          const beyond = createBeyondLimit(rules as NonNullable<typeof rules>, siteFeeds);
          const records = entries.map(
            (e, i) =>
              ({
                id: `https://a.com/${i}`,
                webUrl: `https://a.com/${i}`,
                originalUrl: `https://a.com/${i}`,
                title: "T",
                publishedDateTime: `2024-01-0${e.day}T00:00:00Z`,
                topics: e.topics,
                published: true,
                quality: 50,
                source: `r${String(1000 - i).padStart(4, "0")}.md`,
                related: [],
                images: [],
              }) as unknown as ArticleRecord,
          );
          records.forEach((r, i) => {
            expect(beyond.add(r, i, [i, 0, 0, i])).toBe(true);
          });
          // By sorting: each feed's members newest first, the cut at the `limit`-th.
          const want = new Set<number>();
          const feeds = [
            ...(siteFeeds ? [records.map((_, i) => i)] : []),
            ...topics.map((t) => records.flatMap((r, i) => (r.topics.includes(t) ? [i] : []))),
          ];
          for (const members of feeds) {
            if (limit === 0) continue;
            const days = members.map((i) => (entries[i] as { day: number }).day).sort((a, b) => b - a);
            const cut = days.length <= limit ? 0 : (days[limit - 1] as number);
            for (const i of members) if ((entries[i] as { day: number }).day >= cut) want.add(i);
          }
          for (const t of topics) {
            const first = records
              .map((r, i) => [r, i] as const)
              .filter(([r]) => r.topics.includes(t))
              .at(-1);
            if (first !== undefined) want.add(first[1]);
          }
          expect(beyond.keep().map((k) => k.file)).toEqual([...want].sort((a, b) => a - b));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps each key hash's entry as a Map does, through the table's growth", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2 ** 30 - 1 })),
            fc.integer({ min: -1, max: 5000 }),
          ),
          { maxLength: 3000, size: "max" },
        ),
        (ops) => {
          const owners = new Owners();
          const map = new Map<number, number>();
          for (const [h, v] of ops) {
            expect(owners.get(h)).toBe(map.get(h));
            owners.set(h, v);
            map.set(h, v);
          }
          for (const [h] of ops) expect(owners.get(h)).toBe(map.get(h));
          expect(owners.get(2 ** 30 + 5)).toBeUndefined();
        },
      ),
      { numRuns: 100 },
    );
  });

  it("keeps every record for configs that need them: archives, topic rules, an id lock, maxAge", () => {
    expect(beyondLimitRules(base)).toBeDefined();
    expect(beyondLimitRules({ ...base, archive: true })).toBeUndefined();
    expect(beyondLimitRules({ ...base, topics: { AI: { archive: { pageSize: 5 } } } })).toBeUndefined();
    expect(
      beyondLimitRules({ ...base, topics: { AI: { select: [{ rule: "minQuality", value: 1 }] } } }),
    ).toBeUndefined();
    expect(beyondLimitRules({ ...base, idLock: { version: 1, ids: {} } })).toBeUndefined();
    expect(beyondLimitRules({ ...base, select: [{ rule: "dateWindow", maxAge: "30d" }] })).toBeUndefined();
  });
});
