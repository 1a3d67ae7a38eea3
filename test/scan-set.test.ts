import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import type { RecordRow } from "../src/io/record-rows.js";
import { type ScanOptions, type ScanResult, scanRecords } from "../src/io/scan-records.js";
import { readScanSet, type ScanSet, writeScanSet } from "../src/io/scan-set.js";
import { hiddenName } from "../src/model/_hidden-names.js";
import { hiddenKeysTable } from "../src/model/_hidden-set.js";
import { type DroppedSummary, emptySummary, prefilterConfig } from "../src/select/prefilter.js";
import { ROOT, recordWriter, tempDir } from "./helpers/fixtures.js";

// A lean scan that sets records aside saves the set it hands the build; the next scan of the
// same files hands it on with the changed records replaced when each stays in the set (its title
// changed, or its quality while it still passes the rules as before), and reads everything as
// usual otherwise. Either way the build must be the one a scan without
// cache gives, file for file and in its report.

const workerUrl = pathToFileURL(join(ROOT, "dist", "parse-worker.js"));
const config = { baseUrl: "https://example.com/feeds/", minQuality: 30, limit: 2 };

interface Rec {
  title: string;
  excerpt: string;
  quality: number;
  day: number;
  topics: string[];
  published: boolean;
  url: number;
  note: boolean;
  /** The URL number of a related article (a link the feeds leave out when that record is unpublished). */
  related: number;
}

function text(r: Rec): string {
  return [
    "---",
    `title: "${r.title}"`,
    `excerpt: "${r.excerpt}"`,
    `publishedDateTime: 2024-03-${String(r.day + 1).padStart(2, "0")}T10:00:00Z`,
    `webUrl: "https://a.com/${r.url}"`,
    `quality: ${r.quality}`,
    `published: ${r.published}`,
    `topics: [${r.topics.join(", ")}]`,
    // A warning (the image is ignored; a lean record has no images): a change to the file's
    // diagnostics alone, which a title-only patch must not take for one.
    ...(r.note ? ['images: ["nope"]'] : []),
    "related:",
    `  - title: "Related ${r.related}"`,
    `    webUrl: "https://a.com/${r.related}"`,
    "---",
    "Body.",
    "",
  ].join("\n");
}

const rec = fc.record({
  title: fc.constantFrom("One", "Two", "Three"),
  excerpt: fc.constantFrom("Short.", "Longer summary."),
  quality: fc.integer({ min: 20, max: 100 }),
  day: fc.integer({ min: 0, max: 20 }),
  topics: fc.subarray(["AI", "Cloud", "Go"]),
  published: fc.constantFrom(true, true, true, false),
  // A few shared URLs make syndicated copies for de-duplication.
  url: fc.integer({ min: 0, max: 40 }),
  note: fc.constantFrom(false, false, false, true),
  related: fc.integer({ min: 0, max: 40 }),
});
const file = fc.integer({ min: 0, max: 29 });
const edit = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("title" as const), file, value: fc.string({ maxLength: 8 }) }),
  },
  // Not in a lean row: read from the file when the record is rendered.
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("excerpt" as const), file, value: fc.string({ maxLength: 8 }) }),
  },
  fc.record({ kind: fc.constant("quality" as const), file, value: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant("day" as const), file, value: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant("note" as const), file, value: fc.boolean() }),
  fc.record({ kind: fc.constant("url" as const), file, value: fc.integer({ min: 0, max: 40 }) }),
);

// Every hidden key of a scan, as the build's context takes them.
function hiddenKeysOf(s: ScanResult): string[] {
  return [...(s.dropped?.hiddenKeys ?? []), ...(s.hiddenKeys ?? [])];
}

async function scan(dir: string, options: ScanOptions): Promise<{ scan: ScanResult; out: unknown }> {
  const s = await scanRecords(["content"], {
    cwd: dir,
    workerUrl,
    workers: 1,
    lean: true,
    prefilter: prefilterConfig(config),
    build: config,
    ...options,
  });
  const { files, report } = buildFeeds(s, config, { hydrate: s.hydrate });
  return { scan: s, out: { files, report } };
}

describe("a scan that hands on the last scan's set", () => {
  it("builds what a scan without cache builds, after every edit", async () => {
    let patched = 0;
    let full = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rec, { minLength: 30, maxLength: 30 }),
        fc.array(edit, { maxLength: 12 }),
        async (initial, edits) => {
          const dir = tempDir();
          try {
            const content = join(dir, "content");
            mkdirSync(content);
            const recs: Rec[] = [...initial];
            const write = recordWriter(content, text);
            const put = (i: number, r: Rec) => {
              recs[i] = r;
              write(i, r);
            };
            for (const [i, r] of initial.entries()) put(i, r);
            const cacheDir = join(dir, "cache");
            let last = (await scan(dir, { cacheDir })).scan;
            const names = new Map([[hiddenName(last.dropped as object) as string, hiddenKeysOf(last)]]);
            for (const e of edits) {
              const cur = recs[e.file] as Rec;
              if (e.kind === "title") put(e.file, { ...cur, title: e.value.replace(/["\\]/g, "") });
              else if (e.kind === "excerpt") put(e.file, { ...cur, excerpt: e.value.replace(/["\\]/g, "") });
              else if (e.kind === "quality") put(e.file, { ...cur, quality: e.value });
              else if (e.kind === "day") put(e.file, { ...cur, day: e.value });
              else if (e.kind === "note") put(e.file, { ...cur, note: e.value });
              else put(e.file, { ...cur, url: e.value });
              const warm = await scan(dir, {
                cacheDir,
                unchangedSince: last.listing,
                knownIdentities: last.identities,
              });
              const cold = await scan(dir, {});
              expect(warm.out).toEqual(cold.out);
              // (Asked before anything below reads the keys as strings.)
              const table = hiddenKeysTable(warm.scan.dropped as DroppedSummary);
              // Hidden keys of one name are the same keys (a build takes their digest by name).
              const name = hiddenName(warm.scan.dropped as object);
              expect(name).toMatch(/^scan-set:/);
              for (const [other, keys] of names) if (other === name) expect(hiddenKeysOf(warm.scan)).toEqual(keys);
              names.set(name as string, hiddenKeysOf(warm.scan));
              // The build looked its hidden keys up in the saved set's table, never as strings:
              // the set handed on, or the one just written whole.
              expect(table).toBeDefined();
              if (/still among the records the last build selected from/.test(warm.scan.stats.cache)) patched++;
              else full++;
              last = warm.scan;
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
    // Both paths were taken, often.
    expect(patched).toBeGreaterThan(10);
    expect(full).toBeGreaterThan(20);
  }, 240_000);

  it("reads everything when a changed record was not among those kept, or may leave them", async () => {
    const dir = tempDir();
    const content = join(dir, "content");
    mkdirSync(content);
    const base = { title: "T", excerpt: "E.", day: 1, topics: ["AI"], published: true, note: false, related: 9 };
    const recs: Rec[] = [
      { ...base, quality: 90, url: 1 },
      { ...base, quality: 80, url: 2, day: 2 },
      { ...base, quality: 10, url: 3 }, // below minQuality: set aside by the prefilter
    ];
    recs.forEach((r, i) => {
      writeFileSync(join(content, `r${i}.md`), text(r));
    });
    const cacheDir = join(dir, "cache");
    const first = (await scan(dir, { cacheDir })).scan;
    const again = (s: ScanResult) => scan(dir, { cacheDir, unchangedSince: s.listing, knownIdentities: s.identities });
    writeFileSync(join(content, "r0.md"), text({ ...(recs[0] as Rec), title: "New" }));
    const titled = await again(first);
    expect(titled.scan.stats.cache).toMatch(
      /1 changed file, each still among the records the last build selected from/,
    );
    expect(JSON.stringify(titled.out)).toContain("New");
    // Without the saved rest of the set, a title edit is read in full, never taken as no change.
    const rest = join(cacheDir, "scan-set-v1.base.txt");
    const saved = readFileSync(rest);
    rmSync(rest);
    writeFileSync(join(content, "r0.md"), text({ ...(recs[0] as Rec), title: "Newest" }));
    const withoutBase = await again(titled.scan);
    expect(withoutBase.scan.unchanged).toBeUndefined();
    expect(withoutBase.scan.stats.cache).not.toMatch(/still among the records the last build selected from/);
    expect(JSON.stringify(withoutBase.out)).toContain("Newest");
    writeFileSync(rest, saved);
    // A new warning on the same record: its diagnostics changed, not only its title.
    writeFileSync(join(content, "r0.md"), text({ ...(recs[0] as Rec), title: "Newer", note: true }));
    const noted = await again(withoutBase.scan);
    expect(noted.scan.stats.cache).not.toMatch(/still among the records the last build selected from/);
    expect(noted.out).toEqual((await scan(dir, {})).out);
    writeFileSync(join(content, "r2.md"), text({ ...(recs[2] as Rec), title: "Other" }));
    expect((await again(noted.scan)).scan.stats.cache).not.toMatch(
      /still among the records the last build selected from/,
    );
    const last = (await scan(dir, { cacheDir })).scan;
    // A quality that still passes minQuality: the record stays in the set, which is handed on.
    writeFileSync(
      join(content, "r1.md"),
      readFileSync(join(content, "r1.md"), "utf8").replace("quality: 80", "quality: 85"),
    );
    const quality = await again(last);
    expect(quality.scan.stats.cache).toMatch(/still among the records the last build selected from/);
    expect(quality.out).toEqual((await scan(dir, {})).out);
    // One below it: the prefilter sets the record aside, and every record is read.
    writeFileSync(
      join(content, "r1.md"),
      readFileSync(join(content, "r1.md"), "utf8").replace("quality: 85", "quality: 12"),
    );
    const below = await again(quality.scan);
    expect(below.scan.stats.cache).not.toMatch(/still among the records the last build selected from/);
    expect(below.out).toEqual((await scan(dir, {})).out);
    // A date: what each feed's newest records are sorted by.
    writeFileSync(join(content, "r0.md"), text({ ...(recs[0] as Rec), title: "Newer", note: true, day: 7 }));
    const dated = await again(below.scan);
    expect(dated.scan.stats.cache).not.toMatch(/still among the records the last build selected from/);
    expect(dated.out).toEqual((await scan(dir, {})).out);
  });
});

describe("a first scan's hidden keys", () => {
  it("are spooled and handed to the build as a table: over the set's rest, over the spool's file without a cache folder or when the set cannot be written", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rec, { minLength: 20, maxLength: 20 }), async (recs) => {
        const dir = tempDir();
        try {
          const content = join(dir, "content");
          mkdirSync(content);
          const write = recordWriter(content, text);
          // Unpublished and set aside: their URLs are hidden keys.
          for (const [i, r] of recs.entries()) write(i, i < 3 ? { ...r, published: false, quality: 10 } : r);
          // The oracle: records read whole, nothing spooled, the keys as strings.
          const whole = await scan(dir, { lean: false });
          expect(hiddenKeysTable(whole.scan.dropped as DroppedSummary)).toBeUndefined();
          expect(hiddenKeysOf(whole.scan).length).toBeGreaterThan(0);
          const cases = {
            cached: { cacheDir: join(dir, "cache") },
            uncached: {},
            // A folder where the set's rest should go: the set is not written.
            unwritten: { cacheDir: join(dir, "blocked") },
          };
          mkdirSync(join(dir, "blocked", "scan-set-v1.base.txt"), { recursive: true });
          for (const options of Object.values(cases)) {
            const lean = await scan(dir, options);
            expect(hiddenKeysTable(lean.scan.dropped as DroppedSummary)).toBeDefined();
            expect(lean.out).toEqual(whole.out);
            expect(hiddenKeysOf(lean.scan).sort()).toEqual(hiddenKeysOf(whole.scan).sort());
          }
          // The spool leaves nothing in the cache folder.
          expect(readdirSync(join(dir, "cache")).filter((e) => e.includes("spool"))).toEqual([]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});

describe("a saved set in the cache folder", () => {
  // Rows are kept as they are given: any JSON does for these tests.
  const row = (file: number, v: string) => [`id-${file}`, v] as unknown as RecordRow;
  const setOf = (listing: string[], rows: [number, RecordRow][]): ScanSet => ({
    key: "k",
    listing,
    records: rows,
    fileDiagnostics: [],
    dropped: { ...emptySummary(), hiddenKeys: ["a.com/ü", "b.com/x"], byRule: { published: 2 } },
    rejected: 1,
    hiddenKeys: ["c.com/y"],
  });

  it("is written in pieces as the bytes of one escaped JSON text", () => {
    const dir = tempDir();
    for (const count of [0, 1, 999, 1000, 2501]) {
      const rows = Array.from({ length: count }, (_, i): [number, RecordRow] => [
        i,
        row(i, i % 7 === 0 ? "ü\u2028😀" : "v"),
      ]);
      const set = {
        ...setOf(["L0", "Lü"], rows),
        fileDiagnostics: [{ code: "x", message: "é" }] as ScanSet["fileDiagnostics"],
      };
      const base = writeScanSet(dir, set);
      const json = JSON.stringify({
        key: set.key,
        listing: set.listing,
        base,
        id: base,
        records: rows,
        fileDiagnostics: set.fileDiagnostics,
      });
      const escaped = json.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
      expect(readFileSync(join(dir, "scan-set-v1.json"), "latin1")).toBe(escaped);
    }
  });

  it("is written whole, then as patches of the rows replaced, and read back as the set", () => {
    const dir = tempDir();
    const rows = Array.from({ length: 200 }, (_, i): [number, RecordRow] => [3 * i, row(3 * i, "v0")]);
    const base = writeScanSet(dir, setOf(["L0"], rows));
    const whole = readFileSync(join(dir, "scan-set-v1.json"));
    const first = readScanSet(dir, "k", ["L0"]);
    expect(first?.records).toEqual(rows);
    const rest = first?.base();
    expect(rest).toMatchObject({ dropped: { byRule: { published: 2 }, topicSpellings: {} }, rejected: 1 });
    expect(rest?.hiddenKeys).toEqual(["c.com/y"]);
    expect(rest?.keys.lines(1)).toEqual(["a.com/ü", "b.com/x"]);
    expect(["a.com/ü", "b.com/x", "c.com/y", "d.com/z"].map((k) => rest?.keys.has(k))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(readScanSet(dir, "k", ["L1"])).toBeUndefined();
    expect(readScanSet(dir, "other", ["L0"])).toBeUndefined();
    // Two rows replaced: a patch, the whole set as it was.
    let now = rows.map((r): [number, RecordRow] => [...r]);
    now[5] = [15, row(15, "v1")];
    now[7] = [21, row(21, "v1")];
    const saved = first as NonNullable<typeof first>;
    expect(writeScanSet(dir, setOf(["L1"], now), { saved, replaced: [5, 7] })).toBe(base);
    expect(readFileSync(join(dir, "scan-set-v1.json")).equals(whole)).toBe(true);
    const second = readScanSet(dir, "k", ["L1"]);
    expect(second?.records).toEqual(now);
    expect(second?.patched.sort((a, b) => a - b)).toEqual([5, 7]);
    expect(readScanSet(dir, "k", ["L0"])).toBeUndefined();
    // One more: the patch holds the rows replaced before too.
    now = now.map((r): [number, RecordRow] => [...r]);
    now[9] = [27, row(27, "v2")];
    writeScanSet(dir, setOf(["L2"], now), { saved: second as NonNullable<typeof second>, replaced: [9] });
    const third = readScanSet(dir, "k", ["L2"]);
    expect(third?.records).toEqual(now);
    const stale = join(dir, "stale-patch.json");
    copyFileSync(join(dir, "scan-set-v1.patch.json"), stale);
    // Many rows replaced: the set is written whole again, and the patch is gone.
    now = now.map((r, i): [number, RecordRow] => (i < 70 ? [r[0], row(r[0], "v3")] : [...r]));
    expect(
      writeScanSet(dir, setOf(["L3"], now), {
        saved: third as NonNullable<typeof third>,
        replaced: Array.from({ length: 70 }, (_, i) => i),
      }),
    ).toBe(base);
    expect(existsSync(join(dir, "scan-set-v1.patch.json"))).toBe(false);
    expect(readScanSet(dir, "k", ["L3"])?.records).toEqual(now);
    expect(readScanSet(dir, "k", ["L3"])?.patched).toEqual([]);
    // A patch of another set is not taken for this one's.
    copyFileSync(stale, join(dir, "scan-set-v1.patch.json"));
    expect(readScanSet(dir, "k", ["L2"])).toBeUndefined();
    expect(readScanSet(dir, "k", ["L3"])?.records).toEqual(now);
    // Nor a patch that names rows the set does not have.
    const patch = JSON.parse(readFileSync(stale, "utf8"));
    writeFileSync(
      join(dir, "scan-set-v1.patch.json"),
      JSON.stringify({ ...patch, of: readScanSet(dir, "k", ["L3"])?.id, rows: [[200, 0, row(0, "x")]] }),
    );
    expect(readScanSet(dir, "k", ["L3"])?.records).toEqual(now);
  });

  it("has no rest when the hidden keys do not add up", () => {
    const dir = tempDir();
    writeScanSet(dir, setOf(["L0"], [[0, row(0, "v")]]));
    const path = join(dir, "scan-set-v1.base.txt");
    writeFileSync(path, `${readFileSync(path, "utf8")}\nd.com/extra`);
    expect(readScanSet(dir, "k", ["L0"])?.base()).toBeUndefined();
  });
});
