import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inProcessCli, outputTree, recordWriter, tempDir } from "./helpers/fixtures.js";

// One-shot rebuilds (with the record cache, the hydrate cache and records read lean or kept as
// compact entries beyond each feed's limit) against a cold build: after every step of a random
// sequence of edits (title, quality, date, topics, published; add, delete, rename; break and fix),
// the output folder and the report of `build` with a cache must equal those of `build --no-cache`,
// and so must those of the same build run again with nothing changed, which reads no record.

const cli = inProcessCli;

interface Rec {
  title: string;
  quality: number;
  day: number;
  topics: string[];
  published: boolean;
  slug: string;
  broken: boolean;
}

function text(r: Rec): string {
  return [
    "---",
    `title: "${r.title}"`,
    `publishedDateTime: ${r.broken ? "yesterday" : `2024-03-${String(r.day + 1).padStart(2, "0")}T10:00:00Z`}`,
    `webUrl: "https://a.com/${r.slug}"`,
    `quality: ${r.quality}`,
    `published: ${r.published}`,
    `topics: [${r.topics.join(", ")}]`,
    "---",
    "Body.",
    "",
  ].join("\n");
}

const rec = fc.record({
  title: fc.constantFrom("One", "Two", "Three"),
  quality: fc.integer({ min: 20, max: 100 }),
  day: fc.integer({ min: 0, max: 20 }),
  topics: fc.subarray(["AI", "Cloud", "Go"]),
  published: fc.constantFrom(true, true, true, false),
  slug: fc.integer({ min: 0, max: 59 }).map((n) => `s${n}`),
  broken: fc.constant(false),
});
const file = fc.integer({ min: 0, max: 44 });
const edit = fc.oneof(
  fc.record({ kind: fc.constant("title" as const), file, value: fc.constantFrom("One", "Two", "Five") }),
  fc.record({ kind: fc.constant("quality" as const), file, value: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant("day" as const), file, value: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant("topics" as const), file, value: fc.subarray(["AI", "Cloud", "Go", "Rust"]) }),
  fc.record({ kind: fc.constant("published" as const), file, value: fc.boolean() }),
  fc.record({ kind: fc.constant("add" as const), file, value: rec }),
  fc.record({ kind: fc.constant("delete" as const), file, value: fc.constant(0) }),
  fc.record({ kind: fc.constant("rename" as const), file, value: file }),
  fc.record({ kind: fc.constant("broken" as const), file, value: fc.boolean() }),
);

describe("one-shot rebuilds", () => {
  it("give the bytes and report of a cold build after every edit", async () => {
    let fromCache = 0;
    let rebuilds = 0;
    let unchanged = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rec, { minLength: 30, maxLength: 40 }),
        fc.array(edit, { maxLength: 16 }),
        async (initial, edits) => {
          const dir = tempDir();
          try {
            const content = join(dir, "content");
            const files = new Map<number, Rec>();
            const write = recordWriter(content, text);
            const put = (i: number, r: Rec) => {
              files.set(i, r);
              write(i, r);
            };
            mkdirSync(content);
            for (const [i, r] of initial.entries()) put(i, r);
            const args = [
              "--base-url",
              "https://example.com/feeds/",
              "--min-quality",
              "30",
              "--limit",
              "2",
              "--workers",
              "1",
              "--report",
              "json",
            ];
            const step = async () => {
              const warm = await cli(
                ["build", "content", "--out", "warm", "--cache-dir", "cache", "--timings", ...args],
                dir,
              );
              const cold = await cli(["build", "content", "--out", "cold", "--no-cache", ...args], dir);
              expect(warm.code).toBe(cold.code);
              expect(warm.stdout).toBe(cold.stdout);
              expect(outputTree(join(dir, "warm"))).toEqual(outputTree(join(dir, "cold")));
              if (/from cache; .*cache used/.test(warm.stderr)) fromCache++;
              if (/cache used/.test(warm.stderr) || /no cache yet/.test(warm.stderr) === false) rebuilds++;
              // Built again with nothing changed: the last build's report, no record read, the same files.
              if (warm.code !== 0) return;
              const again = await cli(
                ["build", "content", "--out", "warm", "--cache-dir", "cache", "--timings", ...args],
                dir,
              );
              expect(again.stderr).toMatch(/checked \d+ files? of the last build/);
              expect(again.code).toBe(0);
              expect(again.stdout).toBe(cold.stdout);
              expect(outputTree(join(dir, "warm"))).toEqual(outputTree(join(dir, "cold")));
              unchanged++;
            };
            await step();
            for (const e of edits) {
              const cur = files.get(e.file);
              const path = join(content, `r${String(e.file).padStart(2, "0")}.md`);
              if (e.kind === "add") put(e.file, { ...e.value });
              else if (cur === undefined) continue;
              else if (e.kind === "delete") {
                rmSync(path);
                files.delete(e.file);
              } else if (e.kind === "rename") {
                if (files.has(e.value)) continue;
                renameSync(path, join(content, `r${String(e.value).padStart(2, "0")}.md`));
                files.delete(e.file);
                files.set(e.value, cur);
              } else if (e.kind === "title") put(e.file, { ...cur, title: e.value });
              else if (e.kind === "quality") put(e.file, { ...cur, quality: e.value });
              else if (e.kind === "day") put(e.file, { ...cur, day: e.value });
              else if (e.kind === "topics") put(e.file, { ...cur, topics: e.value });
              else if (e.kind === "published") put(e.file, { ...cur, published: e.value });
              else put(e.file, { ...cur, broken: e.value });
              await step();
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
    // The property is about rebuilds: there must be many (their number depends on the random
    // edits), and most must have read from the cache.
    expect(rebuilds).toBeGreaterThan(60);
    expect(fromCache).toBeGreaterThan(0.75 * rebuilds);
    expect(unchanged).toBeGreaterThan(0.75 * rebuilds);
  }, 240_000);
});
