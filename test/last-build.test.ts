import { copyFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/run-cli.js";
import { rules } from "../src/index.js";
import { type LastBuild, lastBuildKey, readLastBuild, writeLastBuild } from "../src/io/last-build.js";
import type { BuildReport } from "../src/types.js";
import { tempDir } from "./helpers/fixtures.js";

// A build that finds nothing changed since the last one reads no record and writes nothing; any
// change to what decides the output makes it build in full.

async function build(dir: string, extra: string[] = [], at = "2024-06-01T00:00:00Z") {
  let stdout = "";
  let stderr = "";
  const argv = ["build", "content", "--out", "out", "--base-url", "https://example.com/feeds/", "--timings"];
  const code = await runCli([...argv, "--report", "json", ...extra], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: dir,
    now: () => Date.parse(at),
  });
  // Taken as unchanged: the last build's files were checked, and nothing was built.
  return { code, stdout, stderr, unchanged: /checked \d+ files? of the last build/.test(stderr) };
}

function site(): string {
  const dir = tempDir();
  mkdirSync(join(dir, "content"));
  for (let i = 0; i < 5; i++)
    writeFileSync(
      join(dir, "content", `r${i}.md`),
      `---\ntitle: "Record ${i}"\npublishedDateTime: 2024-05-0${i + 1}T10:00:00Z\nwebUrl: "https://a.com/${i}"\nquality: 80\npublished: true\ntopics: [AI]\n---\n`,
    );
  return dir;
}

describe("a build with nothing changed", () => {
  it("reads no record, writes nothing and reports what the last build reported", async () => {
    const dir = site();
    const first = await build(dir);
    expect(first.unchanged).toBe(false);
    const before = readFileSync(join(dir, "out", "ai", "rss.xml"), "utf8");
    const again = await build(dir);
    expect(again.unchanged).toBe(true);
    expect(again.stdout).toBe(first.stdout);
    expect(readFileSync(join(dir, "out", "ai", "rss.xml"), "utf8")).toBe(before);
  });

  it("builds in full when a record file was touched, added or removed", async () => {
    const dir = site();
    await build(dir);
    utimesSync(join(dir, "content", "r1.md"), 1_800_000_000, 1_800_000_000);
    expect((await build(dir)).unchanged).toBe(false);
    expect((await build(dir)).unchanged).toBe(true);
    writeFileSync(
      join(dir, "content", "r9.md"),
      readFileSync(join(dir, "content", "r1.md"), "utf8").replace("/1", "/9"),
    );
    const added = await build(dir);
    expect(added.unchanged).toBe(false);
    expect(JSON.parse(added.stdout).records.read).toBe(6);
  });

  it("builds in full, and restores it, when a published file was changed", async () => {
    const dir = site();
    await build(dir);
    const path = join(dir, "out", "ai", "feed.json");
    const good = readFileSync(path, "utf8");
    writeFileSync(path, "{}");
    const again = await build(dir);
    expect(again.unchanged).toBe(false);
    expect(again.stderr).toMatch(/the last build's files changed since: building in full/);
    expect(readFileSync(path, "utf8")).toBe(good);
  });

  it("compares the files with the identities the last build listed, not with the record cache", async () => {
    const dir = site();
    await build(dir, ["--cache-dir", "cache"]);
    // A record cache that cannot be read is not needed while nothing changed.
    writeFileSync(join(dir, "cache", "records-v5.jsonl"), "not a cache\n");
    expect((await build(dir, ["--cache-dir", "cache"])).unchanged).toBe(true);
    const path = join(dir, "content", "r1.md");
    writeFileSync(path, readFileSync(path, "utf8").replace("Record 1", "Record one"));
    const changed = await build(dir, ["--cache-dir", "cache"]);
    expect(changed.unchanged).toBe(false);
    expect(changed.stderr).toMatch(/5 parsed/);
    expect(readFileSync(join(dir, "out", "ai", "rss.xml"), "utf8")).toContain("Record one");
  });

  it("reads a file again when the record cache holds an older outcome of it than the last build saw", async () => {
    const dir = site();
    await build(dir, ["--cache-dir", "cache"]);
    // A change to one file of many leaves the record cache as it was: it still has r1's old title.
    const r1 = join(dir, "content", "r1.md");
    writeFileSync(r1, readFileSync(r1, "utf8").replace("Record 1", "Record one"));
    await build(dir, ["--cache-dir", "cache"]);
    expect(readFileSync(join(dir, "cache", "records-v5.jsonl"), "utf8")).toContain("Record 1");
    // r1 is as the last build saw it; the cache's outcome of it is not.
    const r2 = join(dir, "content", "r2.md");
    writeFileSync(r2, readFileSync(r2, "utf8").replace("Record 2", "Record two"));
    const next = await build(dir, ["--cache-dir", "cache"]);
    expect(next.stderr).toMatch(/2 parsed, 3 from cache/);
    const rss = readFileSync(join(dir, "out", "ai", "rss.xml"), "utf8");
    expect(rss).toContain("Record one");
    expect(rss).toContain("Record two");
    await build(dir, ["--no-cache", "--out", "cold"]);
    expect(readFileSync(join(dir, "cold", "ai", "rss.xml"), "utf8")).toBe(rss);
  });

  it("builds in full when the config or the options changed", async () => {
    const dir = site();
    await build(dir);
    const other = await build(dir, ["--limit", "2"]);
    expect(other.unchanged).toBe(false);
    expect(JSON.parse(other.stdout).topics).toEqual([{ slug: "ai", name: "AI", items: 2 }]);
    expect((await build(dir, ["--limit", "2"])).unchanged).toBe(true);
    expect((await build(dir)).unchanged).toBe(false);
  });

  it("counts the time of the build only when a rule counts back from it", async () => {
    const dir = site();
    await build(dir, [], "2024-06-01T00:00:00Z");
    expect((await build(dir, [], "2024-06-02T00:00:00Z")).unchanged).toBe(true);
    writeFileSync(
      join(dir, "topicfeeds.config.json"),
      JSON.stringify({ select: [{ rule: "dateWindow", maxAge: "P30D" }] }),
    );
    expect((await build(dir, [], "2024-06-02T00:00:00Z")).unchanged).toBe(false);
    expect((await build(dir, [], "2024-06-02T00:00:00Z")).unchanged).toBe(true);
    expect((await build(dir, [], "2024-06-03T00:00:00Z")).unchanged).toBe(false);
  });
});

describe("lastBuildKey", () => {
  it("is the same for the same config and rest, whatever the time, unless a rule has a maxAge", () => {
    const config = { baseUrl: "https://example.com/feeds/", minQuality: 50 };
    expect(lastBuildKey({ ...config, now: "2024-01-01T00:00:00Z" }, ["in"])).toBe(
      lastBuildKey({ ...config, now: "2025-01-01T00:00:00Z" }, ["in"]),
    );
    expect(lastBuildKey(config, ["in"])).not.toBe(lastBuildKey(config, ["other"]));
    expect(lastBuildKey({ ...config, minQuality: 60 }, ["in"])).not.toBe(lastBuildKey(config, ["in"]));
    const aged = { ...config, select: [{ rule: "dateWindow" as const, maxAge: "P7D" }] };
    expect(lastBuildKey({ ...aged, now: "2024-01-01T00:00:00Z" }, ["in"])).not.toBe(
      lastBuildKey({ ...aged, now: "2024-01-02T00:00:00Z" }, ["in"]),
    );
  });

  it("is undefined for a config with a custom rule", () => {
    const config = {
      baseUrl: "https://example.com/feeds/",
      select: [rules.custom("short", (r) => r.title.length < 80)],
    };
    expect(lastBuildKey(config, [])).toBeUndefined();
  });
});

describe("the last build's identities", () => {
  const build = (listing: string[], identities: Float64Array): LastBuild => ({
    key: "k",
    listing,
    identities,
    report: {} as BuildReport,
    outputs: [],
  });

  it("are written whole, then as patches of the files that changed, and read back as they were", () => {
    const dir = tempDir();
    const files = 5000;
    const ids = Float64Array.from({ length: 4 * files }, (_, i) => (i % 97 === 0 ? Number.NaN : i * 1.5));
    // Byte for byte (NaN and all).
    const same = (a: Float64Array | undefined, b: Float64Array) => {
      expect(a?.length).toBe(b.length);
      const bytes = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
      expect(bytes(a as Float64Array).equals(bytes(b))).toBe(true);
    };
    writeLastBuild(dir, build(["L0"], ids));
    const whole = readFileSync(join(dir, "last-build-v1.ids"));
    let last = readLastBuild(dir, "k") as LastBuild;
    same(last.identities, ids);
    // Two files changed (one to no identity): a patch; the whole file is as it was.
    let now = ids.slice();
    now.set([1, 2, 3, 4], 4 * 7);
    now.set([Number.NaN, Number.NaN, Number.NaN, Number.NaN], 4 * 4000);
    writeLastBuild(dir, build(["L1"], now), { last, changed: [7, 4000] });
    expect(readFileSync(join(dir, "last-build-v1.ids")).equals(whole)).toBe(true);
    expect(existsSync(join(dir, "last-build-v1.ids-patch"))).toBe(true);
    last = readLastBuild(dir, "k") as LastBuild;
    same(last.identities, now);
    // One more, and one of the two changed back: the patch holds all the files changed since.
    now = now.slice();
    now.set(ids.subarray(4 * 7, 4 * 8), 4 * 7);
    now.set([9, 9, 9, 9], 4 * 4999);
    writeLastBuild(dir, build(["L2"], now), { last, changed: [7, 4999] });
    const patch = join(dir, "stale-patch");
    copyFileSync(join(dir, "last-build-v1.ids-patch"), patch);
    last = readLastBuild(dir, "k") as LastBuild;
    same(last.identities, now);
    // Many changed: written whole again, the patch gone.
    now = now.map((v, i) => (i < 4 * 200 ? v + 1 : v));
    writeLastBuild(dir, build(["L3"], now), { last, changed: Array.from({ length: 200 }, (_, i) => i) });
    expect(existsSync(join(dir, "last-build-v1.ids-patch"))).toBe(false);
    last = readLastBuild(dir, "k") as LastBuild;
    same(last.identities, now);
    // A patch of other identities is not taken for these: they still read as written.
    copyFileSync(patch, join(dir, "last-build-v1.ids-patch"));
    same(readLastBuild(dir, "k")?.identities, now);
    // Identities whose listing is not the record's are not read at all.
    writeLastBuild(
      dir,
      build(
        ["L4"],
        now.map((v) => v + 2),
      ),
      { last, changed: undefined },
    );
    writeFileSync(
      join(dir, "last-build-v1.json"),
      readFileSync(join(dir, "last-build-v1.json"), "utf8").replace('"L4"', '"L5"'),
    );
    expect(readLastBuild(dir, "k")?.identities).toBeUndefined();
  });

  it("are patched from the files named as changed when the scan wrote into the array read back", () => {
    const dir = tempDir();
    const ids = Float64Array.from({ length: 4 * 3000 }, (_, i) => i);
    writeLastBuild(dir, build(["L0"], ids));
    const last = readLastBuild(dir, "k") as LastBuild;
    const now = last.identities as Float64Array;
    now.set([5, 5, 5, 5], 4 * 12);
    now.set([6, 6, 6, 6], 4 * 2500);
    writeLastBuild(dir, build(["L1"], now), { last, changed: [12, 2500] });
    expect(existsSync(join(dir, "last-build-v1.ids-patch"))).toBe(true);
    const back = readLastBuild(dir, "k")?.identities as Float64Array;
    expect(Array.from(back)).toEqual(Array.from(now));
    expect(back[4 * 12]).toBe(5);
    expect(back[4 * 2500 + 3]).toBe(6);
    expect(back[4 * 13]).toBe(52);
  });
});
