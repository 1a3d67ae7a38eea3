import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { type WatchUpdate, watchFeeds } from "../src/watch/watch-feeds.js";
import { CLI, tempDir } from "./helpers/fixtures.js";
import {
  BASE_URL,
  BUILD_FLAGS,
  differences,
  freshBuild,
  NOW,
  recordText,
  type SaveMode,
  save,
  type TestRecord,
  tree,
  UPDATE,
  WatchProcess,
} from "./helpers/watch-process.js";

const TOPICS = ["AI", "Cloud", "Security", "Data"];

function record(i: number, over: Partial<TestRecord> = {}): TestRecord {
  return {
    slug: `story-${i}`,
    title: `Story number ${i}`,
    quality: 40 + ((i * 17) % 60),
    day: (i * 5) % 120,
    topics: [TOPICS[i % TOPICS.length] as string, ...(i % 3 === 0 ? [TOPICS[(i + 1) % TOPICS.length] as string] : [])],
    published: i % 7 !== 3,
    ...over,
  };
}

/**
 * Waits for the watcher's update lines after `from` until every file a fresh `--no-cache` build
 * of the same records writes is in the watched output with the same bytes; returns those lines.
 */
async function expectSameAsFresh(w: WatchProcess, cwd: string, from: number): Promise<string[]> {
  const fresh = freshBuild(cwd);
  expect(fresh.size).toBeGreaterThan(0);
  const out = join(cwd, "out");
  const lines = await w
    .until(from, () => differences(fresh, out).length === 0)
    .catch((e: Error) => {
      throw new Error(`${e.message}\nfiles that differ from a fresh build: ${differences(fresh, out).join(", ")}`);
    });
  expect(differences(fresh, out)).toEqual([]);
  return lines;
}

let running: WatchProcess | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function start(cwd: string, records: TestRecord[]): WatchProcess {
  mkdirSync(join(cwd, "content"), { recursive: true });
  for (const r of records) writeFileSync(join(cwd, "content", `${r.slug}.md`), recordText(r));
  running = new WatchProcess(cwd, ["content", "-o", "out", ...BUILD_FLAGS]);
  return running;
}

describe("topicfeeds build --watch", () => {
  it("publishes every kind of edit as a fresh build would, holds a broken edit until it is fixed, and stops on Ctrl-C", async () => {
    const cwd = tempDir("topicfeeds-watch-");
    const records = Array.from({ length: 12 }, (_, i) => record(i));
    const w = start(cwd, records);
    await w.waitFor(/^watching content/);
    expect(differences(freshBuild(cwd), join(cwd, "out"))).toEqual([]);
    const file = (slug: string) => join(cwd, "content", `${slug}.md`);

    // A new record that enters the feeds (newest, high quality), saved in place.
    let from = w.lines.length;
    save(file("story-new"), recordText(record(100, { slug: "story-new", day: 200, quality: 99 })), "in-place");
    let lines = await expectSameAsFresh(w, cwd, from);
    expect(lines.join("\n")).toMatch(/rss\.xml .*updated \(1 record changed\) in \d+ ms/);
    // One line per update: at most three files named, then how many more.
    expect(lines.find((l) => UPDATE.test(l))).toMatch(/^\S+ \S+ \S+ and \d+ more updated \(/);

    // Only its title changes, saved as editors do: a temporary file renamed over it.
    from = w.lines.length;
    save(
      file("story-new"),
      recordText(record(100, { slug: "story-new", day: 200, quality: 99, title: "Renamed" })),
      "temp-rename",
    );
    await expectSameAsFresh(w, cwd, from);
    expect(readFileSync(join(cwd, "out", "rss.xml"), "utf8")).toContain("<title>Renamed</title>");

    // Broken: reported, and the last good version stays in the feeds.
    const before = tree(join(cwd, "out"));
    from = w.lines.length;
    save(file("story-new"), "---\ntitle: [unclosed\n---\n", "temp-rename");
    await w.waitFor(/1 with an error keeps its last good version/, from);
    expect(w.lines.slice(from).join("\n")).toMatch(/story-new\.md:\d+:\d+ +error .*\[yaml-syntax\]/);
    expect(tree(join(cwd, "out"))).toEqual(before);
    // Fixed (deleted and written again): published again.
    from = w.lines.length;
    save(
      file("story-new"),
      recordText(record(100, { slug: "story-new", day: 200, quality: 99, title: "Fixed" })),
      "delete-recreate",
    );
    await expectSameAsFresh(w, cwd, from);
    expect(readFileSync(join(cwd, "out", "rss.xml"), "utf8")).toContain("<title>Fixed</title>");

    // Renamed, then deleted.
    from = w.lines.length;
    renameSync(file("story-new"), file("story-moved"));
    await expectSameAsFresh(w, cwd, from);
    from = w.lines.length;
    rmSync(file("story-moved"));
    await expectSameAsFresh(w, cwd, from);
    expect(readFileSync(join(cwd, "out", "rss.xml"), "utf8")).not.toContain("<title>Fixed</title>");

    // A folder of records added, then removed.
    from = w.lines.length;
    mkdirSync(join(cwd, "content", "more"));
    for (let i = 200; i < 203; i++)
      writeFileSync(join(cwd, "content", "more", `story-${i}.md`), recordText(record(i, { day: 230, quality: 90 })));
    await expectSameAsFresh(w, cwd, from);
    expect(readFileSync(join(cwd, "out", "rss.xml"), "utf8")).toContain("Story number 201");
    from = w.lines.length;
    rmSync(join(cwd, "content", "more"), { recursive: true });
    await expectSameAsFresh(w, cwd, from);

    // The config file appears: everything is built again with it.
    from = w.lines.length;
    writeFileSync(join(cwd, "topicfeeds.config.json"), JSON.stringify({ title: "Watched site" }));
    lines = await expectSameAsFresh(w, cwd, from);
    expect(lines.join("\n")).toMatch(/updated \(config changed, all records read again\)/);
    expect(readFileSync(join(cwd, "out", "rss.xml"), "utf8")).toContain("<title>Watched site</title>");
    // A config that does not load keeps the last good one.
    from = w.lines.length;
    writeFileSync(join(cwd, "topicfeeds.config.json"), '{ "title": ');
    await w.waitFor(/^feeds kept as they were \(invalid-config\)/, from);
    expect(readFileSync(join(cwd, "out", "rss.xml"), "utf8")).toContain("<title>Watched site</title>");

    expect(await w.stop("SIGINT")).toBe(0);
    expect(w.lines.at(-1)).toBe("stopped watching");
    running = undefined;
  }, 300_000);

  it("holds the output folder's lock while it runs, and exits 0 on SIGTERM", async () => {
    const cwd = tempDir("topicfeeds-watch-");
    const w = start(
      cwd,
      Array.from({ length: 3 }, (_, i) => record(i)),
    );
    await w.waitFor(/^watching content/);
    const other = spawnSync(process.execPath, [CLI, "build", "content", "-o", "out", ...BUILD_FLAGS], {
      cwd,
      encoding: "utf8",
    });
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/another build is using the output folder out: pid \d+ .*--watch/);
    expect(await w.stop("SIGTERM")).toBe(0);
    running = undefined;
    expect(existsSync(join(cwd, ".out.builds", "lock"))).toBe(false);
  }, 120_000);

  it("takes many files changed at once as one update", async () => {
    const cwd = tempDir("topicfeeds-watch-");
    const w = start(
      cwd,
      Array.from({ length: 5 }, (_, i) => record(i)),
    );
    await w.waitFor(/^watching content/);
    const from = w.lines.length;
    for (let i = 0; i < 300; i++)
      writeFileSync(join(cwd, "content", `bulk-${i}.md`), recordText(record(1000 + i, { slug: `bulk-${i}` })));
    const lines = await expectSameAsFresh(w, cwd, from);
    expect(lines.filter((l) => UPDATE.test(l))).toEqual([expect.stringMatching(/\(300 records changed\)/)]);
  }, 120_000);

  it("takes a git checkout of 5,000 files as one update each way", async () => {
    const cwd = tempDir("topicfeeds-watch-");
    mkdirSync(join(cwd, "content"));
    for (let i = 0; i < 5; i++) writeFileSync(join(cwd, "content", `story-${i}.md`), recordText(record(i)));
    const git = (...args: string[]) => {
      const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
        cwd,
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    };
    git("init", "-q", "-b", "small");
    git("add", "content");
    git("commit", "-qm", "small");
    git("checkout", "-q", "-b", "large");
    mkdirSync(join(cwd, "content", "bulk"));
    for (let i = 0; i < 5000; i++)
      writeFileSync(join(cwd, "content", "bulk", `bulk-${i}.md`), recordText(record(i, { slug: `bulk-${i}` })));
    git("add", "content");
    git("commit", "-qm", "large");
    git("checkout", "-q", "small");
    const w = new WatchProcess(cwd, ["content", "-o", "out", ...BUILD_FLAGS]);
    running = w;
    await w.waitFor(/^watching content/);
    expect(w.lines.join("\n")).toMatch(/5 records read/);

    let from = w.lines.length;
    git("checkout", "-q", "large");
    let lines = await expectSameAsFresh(w, cwd, from);
    expect(lines.filter((l) => UPDATE.test(l))).toEqual([expect.stringMatching(/\(5,000 records changed\)/)]);
    from = w.lines.length;
    git("checkout", "-q", "small");
    lines = await expectSameAsFresh(w, cwd, from);
    expect(lines.filter((l) => UPDATE.test(l))).toEqual([expect.stringMatching(/\(5,000 records changed\)/)]);
  }, 300_000);
});

describe("watchFeeds", () => {
  it("calls onBuild for the first build and each update, and stops on close() or an abort signal", async () => {
    const cwd = tempDir("topicfeeds-watch-api-");
    mkdirSync(join(cwd, "content"));
    for (let i = 0; i < 4; i++)
      writeFileSync(join(cwd, "content", `story-${i}.md`), recordText(record(i, { quality: 90, published: true })));
    const updates: WatchUpdate[] = [];
    let wake = () => {};
    const next = () => new Promise<void>((r) => (wake = r));
    const controller = new AbortController();
    const config = { baseUrl: BASE_URL, now: NOW };
    const first = next();
    const handle = await watchFeeds(["content"], config, {
      out: "out",
      cwd,
      signal: controller.signal,
      onBuild: (u) => {
        updates.push(u);
        wake();
      },
    });
    await first;
    expect(updates[0]).toMatchObject({ cause: "initial", changed: 4, held: [] });
    expect(updates[0]?.written).toContain("rss.xml");

    const update = next();
    writeFileSync(
      join(cwd, "content", "story-9.md"),
      recordText(record(9, { title: "Brand new", day: 250, quality: 95, published: true })),
    );
    await update;
    expect(updates[1]).toMatchObject({ cause: "records", changed: 1, held: [] });
    expect(updates[1]?.written).toEqual(expect.arrayContaining(["rss.xml", "atom.xml", "feed.json"]));
    expect(readFileSync(join(cwd, "out", "rss.xml"), "utf8")).toContain("Brand new");

    // The output folder's lock is held until the watcher stops.
    const lock = join(cwd, ".out.builds", "lock");
    expect(existsSync(lock)).toBe(true);
    controller.abort();
    await handle.close();
    expect(existsSync(lock)).toBe(false);
  });

  it("writes nothing when aborted during the first build", async () => {
    const cwd = tempDir("topicfeeds-watch-api-");
    mkdirSync(join(cwd, "content"));
    writeFileSync(join(cwd, "content", "a.md"), recordText(record(1, { published: true })));
    const controller = new AbortController();
    const pending = watchFeeds(
      ["content"],
      { baseUrl: BASE_URL, now: NOW },
      { out: "out", cwd, signal: controller.signal },
    );
    controller.abort();
    await (await pending).close();
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });
});

// Random sequences of edits through the watcher; after each, every output file equals a fresh
// `--no-cache` build of the same files.
type Edit =
  | { kind: "title" | "quality" | "date" | "topics" | "published"; target: number; value: number; mode: SaveMode }
  | { kind: "add"; value: number; mode: SaveMode }
  | { kind: "delete" | "rename" | "break-and-fix"; target: number; mode: SaveMode };

const mode = fc.constantFrom<SaveMode>("in-place", "temp-rename", "delete-recreate");
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("title", "quality", "date", "topics", "published" as const),
    target: fc.nat(),
    value: fc.nat(1000),
    mode,
  }),
  fc.record({ kind: fc.constant("add" as const), value: fc.nat(1000), mode }),
  fc.record({ kind: fc.constantFrom("delete", "rename", "break-and-fix" as const), target: fc.nat(), mode }),
);

describe("watch property", () => {
  it("after any sequence of edits, the watched output equals a fresh --no-cache build", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 3, maxLength: 6 }), async (edits) => {
        const cwd = tempDir(`topicfeeds-watch-prop-${run++}-`);
        const live = new Map<string, TestRecord>();
        for (let i = 0; i < 10; i++) live.set(`story-${i}`, record(i));
        const w = start(cwd, [...live.values()]);
        try {
          await w.waitFor(/^watching content/);
          let added = 0;
          let step = 0;
          for (const e of edits) {
            step++;
            const slugs = [...live.keys()].sort();
            const from = w.lines.length;
            const path = (slug: string) => join(cwd, "content", `${slug}.md`);
            if (e.kind === "add") {
              const r = record(500 + added, { slug: `added-${added++}`, day: e.value % 250, quality: e.value % 100 });
              live.set(r.slug, r);
              save(path(r.slug), recordText(r), e.mode);
            } else {
              if (slugs.length === 0) continue;
              const slug = slugs[e.target % slugs.length] as string;
              const r = live.get(slug) as TestRecord;
              if (e.kind === "delete") {
                live.delete(slug);
                rmSync(path(slug));
              } else if (e.kind === "rename") {
                const moved = { ...r, slug: `${slug}-moved` };
                live.delete(slug);
                live.set(moved.slug, moved);
                renameSync(path(slug), path(moved.slug));
              } else if (e.kind === "break-and-fix") {
                save(path(slug), "---\ntitle: [unclosed\n---\n", e.mode);
                await w.waitFor(/\[yaml-syntax\]$/, from);
                const fixed = { ...r, title: `${r.title} (fixed)` };
                live.set(slug, fixed);
                const next = w.lines.length;
                save(path(slug), recordText(fixed), e.mode);
                await expectSameAsFresh(w, cwd, next);
                continue;
              } else {
                const v = (e as { value: number }).value;
                // Every edit changes the file's front matter.
                const changed: TestRecord =
                  e.kind === "title"
                    ? { ...r, title: `Title ${v} at step ${step}` }
                    : e.kind === "quality"
                      ? { ...r, quality: (r.quality + 1 + (v % 100)) % 101 }
                      : e.kind === "date"
                        ? { ...r, day: (r.day + 1 + (v % 249)) % 250 }
                        : e.kind === "topics"
                          ? {
                              ...r,
                              topics: [TOPICS[(TOPICS.indexOf(r.topics[0] as string) + 1 + (v % 3)) % 4] as string],
                            }
                          : { ...r, published: !r.published };
                live.set(slug, changed);
                save(path(slug), recordText(changed), e.mode);
              }
            }
            await expectSameAsFresh(w, cwd, from);
          }
        } catch (error) {
          throw new Error(`${(error as Error).message}\nwatcher output:\n${w.lines.join("\n")}`);
        } finally {
          await w.stop();
          running = undefined;
          rmSync(cwd, { recursive: true, force: true });
        }
      }),
      // Each run is a watching process and a fresh build per step: a few runs, no shrinking (the
      // failing sequence is printed as it is).
      { numRuns: 3, endOnFailure: true },
    );
  }, 600_000);
});
