import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { loadRecords } from "../src/io/read-records.js";
import { type ScanOptions, scanRecords } from "../src/io/scan-records.js";
import { BROKEN, CLI, ROOT, tempDir, VALID } from "./helpers/fixtures.js";

const workerUrl = pathToFileURL(join(ROOT, "dist", "parse-worker.js"));
const config = { baseUrl: "https://example.com/feeds/", minQuality: 30 };

function corpus(): string {
  const dir = tempDir();
  cpSync(VALID, join(dir, "valid"), { recursive: true });
  cpSync(BROKEN, join(dir, "broken"), { recursive: true });
  return dir;
}

// Lean unless a test says otherwise (the default keeps small inputs whole: see the first test).
async function build(dir: string, options: ScanOptions) {
  const scan = await scanRecords([dir], { cwd: dir, workerUrl, lean: true, ...options });
  const { files, report } = buildFeeds(scan, config, { hydrate: scan.hydrate });
  return { scan, files, report };
}

/** Expects `run` to give what a build of `dir` read afresh with `loadRecords` gives, and returns that. */
async function expectAsLoaded(dir: string, run: { files: unknown; report: unknown }) {
  const reference = buildFeeds(await loadRecords(dir, { cwd: dir }), config);
  expect(run.files).toEqual(reference.files);
  expect(run.report).toEqual(reference.report);
  return reference;
}

describe("scanRecords", () => {
  it("gives the same files and report cold, warm, without cache, and with one or two workers", async () => {
    const dir = corpus();
    const cacheDir = join(tempDir(), "cache");
    const reference = buildFeeds(await loadRecords(dir, { cwd: dir }), config);
    const runs = [
      await build(dir, { cacheDir, workers: 1 }), // cold
      await build(dir, { cacheDir, workers: 1 }), // warm
      await build(dir, { cacheDir, workers: 2 }), // warm, two workers
      await build(dir, { workers: 2 }), // no cache, two workers
      await build(dir, { workers: 1, lean: false }), // no cache, full records
      await build(dir, { cacheDir: join(tempDir(), "c2"), workers: 2, prefilter: config }), // set aside what can reach no feed, cold
      await build(dir, {
        cacheDir: join(tempDir(), "c3"),
        workers: 1,
        prefilter: { ...config, topics: { Cloud: { select: [{ rule: "minQuality", value: 0 }] } } },
      }),
    ];
    // The default for a small input: whole records, no second read.
    const small = await scanRecords([dir], { cwd: dir, workerUrl, cacheDir: join(tempDir(), "c4") });
    expect(small.records.some((r) => r.excerpt !== undefined)).toBe(true);
    expect(runs[0]?.scan.records.some((r) => r.excerpt !== undefined)).toBe(false);
    runs.push({ scan: small, ...buildFeeds(small, config, { hydrate: small.hydrate }) });
    expect(runs[5]?.scan.records.length).toBeLessThan(runs[0]?.scan.records.length ?? 0);
    expect(runs[5]?.scan.dropped?.byRule.minQuality).toBeGreaterThan(0);
    expect(runs[0]?.scan.stats).toMatchObject({ parsed: 22, fromCache: 0 });
    expect(runs[1]?.scan.stats).toMatchObject({ parsed: 0, fromCache: 22, cache: "cache used" });
    expect(runs[3]?.scan.stats.workers).toBe(2);
    for (const run of runs) {
      expect(run.files).toEqual(reference.files);
      expect(run.report).toEqual(reference.report);
    }
    expect(reference.report.records.rejected).toBeGreaterThan(0);
  });

  it("merges small batches from three threads in file order, and streams a cache a rebuild can use", async () => {
    const dir = corpus();
    const cacheDir = join(tempDir(), "cache");
    const loaded = await loadRecords(dir, { cwd: dir });
    const reference = buildFeeds(loaded, config);
    const cold = await build(dir, { cacheDir, workers: 3, batchSize: 2 });
    const lines = readFileSync(join(cacheDir, "records-v5.jsonl"), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(1 + Math.ceil(22 / 2));
    const warm = await build(dir, { cacheDir, workers: 3, batchSize: 2 });
    expect(warm.scan.stats).toMatchObject({ parsed: 0, fromCache: 22, cache: "cache used" });
    const lean = await build(dir, { workers: 2, batchSize: 1, prefilter: config });
    for (const run of [cold, warm, lean]) {
      expect(run.files).toEqual(reference.files);
      expect(run.report).toEqual(reference.report);
      // In file order, as one thread reading the files one by one finds them.
      expect(run.scan.diagnostics).toEqual(loaded.diagnostics);
    }
  });

  it("after a stat pass, parses the files that changed since the last scan, a few in this thread or many in two", async () => {
    // 22 fixtures, 40 times over: 880 files in one folder.
    const dir = tempDir();
    const flat = join(dir, "all");
    for (let copy = 0; copy < 40; copy++)
      for (const sub of [VALID, BROKEN])
        for (const name of readdirSync(sub))
          cpSync(join(sub, name), join(flat, `${String(copy).padStart(2, "0")}-${name}`));
    const cacheDir = join(tempDir(), "cache");
    const names = readdirSync(flat).sort();
    let last = (await build(dir, { cacheDir, workers: 2 })).scan;
    const bytes = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    for (const edits of [3, 500]) {
      const later = new Date(Date.UTC(2030, 0, edits));
      const edited = names.filter((_, i) => i % Math.floor(names.length / edits) === 0).slice(0, edits);
      for (const name of edited) {
        const file = join(flat, name);
        writeFileSync(
          file,
          readFileSync(file, "utf8").replace(/^quality: (\d+)$/m, (_, q) => `quality: ${(Number(q) + 7) % 101}`),
        );
        utimesSync(file, later, later);
      }
      // The first time, the new identities are written into the array passed.
      const known = last.identities;
      const run = await build(dir, {
        cacheDir,
        workers: 2,
        unchangedSince: last.listing,
        knownIdentities: known,
        reuseKnownIdentities: edits === 3,
      });
      // (The record cache is not rewritten for 3 changes: the one file edited then and not now is
      // parsed again too, its cached outcome being older than its identity.)
      expect(run.scan.stats).toMatchObject({ files: 880, parsed: edits === 3 ? 3 : 501 });
      expect(run.scan.identities === known).toBe(edits === 3);
      expect(run.scan.changedIdentities).toEqual(edited.map((n) => names.indexOf(n)).sort((a, b) => a - b));
      // The identities a scan that compares nothing finds.
      const fresh = (await build(dir, { cacheDir: join(tempDir(), "cache"), workers: 1 })).scan.identities;
      expect(bytes(run.scan.identities).equals(bytes(fresh))).toBe(true);
      await expectAsLoaded(dir, run);
      const loaded = await loadRecords(dir, { cwd: dir });
      expect(run.scan.diagnostics).toEqual(loaded.diagnostics);
      last = run.scan;
    }
    // A file added and one removed: the listing differs, so what was stat'ed while it was read is
    // dropped and the worker that took it parses with this thread (the record cache answers the rest).
    rmSync(join(flat, names[7] as string));
    cpSync(join(flat, names[8] as string), join(flat, "00-added.md"));
    const changed = await build(dir, {
      cacheDir,
      workers: 2,
      unchangedSince: last.listing,
      knownIdentities: last.identities,
    });
    expect(changed.scan.stats).toMatchObject({ files: 880, parsed: 1, workers: 2 });
    await expectAsLoaded(dir, changed);
  });

  it("parses again only the file that changed, and reports cached diagnostics every time", async () => {
    const dir = corpus();
    const cacheDir = join(tempDir(), "cache");
    await build(dir, { cacheDir, workers: 1 });
    const file = join(dir, "valid", "tricky-text.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("quality: 88", "quality: 12"));
    const warm = await build(dir, { cacheDir, workers: 1 });
    expect(warm.scan.stats).toMatchObject({ parsed: 1, fromCache: 21 });
    expect(warm.report.diagnostics.filter((d) => d.file === "broken/quality-high.md")).toHaveLength(1);
    await expectAsLoaded(dir, warm);
  });

  it("finds the other files in the cache when one was removed and one added", async () => {
    const dir = corpus();
    const cacheDir = join(tempDir(), "cache");
    await build(dir, { cacheDir, workers: 1 });
    rmSync(join(dir, "valid", "bithub-from-iot-devices-to-post-quantum.md"));
    cpSync(join(dir, "valid", "tricky-text.md"), join(dir, "valid", "aaa-new-copy.md"));
    const warm = await build(dir, { cacheDir, workers: 1 });
    expect(warm.scan.stats).toMatchObject({ files: 22, parsed: 1, fromCache: 21, cache: "cache used" });
    await expectAsLoaded(dir, warm);
  });

  it("rewrites the cache once many files changed, and parses again a file whose cache line cannot be decoded", async () => {
    const dir = corpus();
    const cacheDir = join(tempDir(), "cache");
    const cacheFile = join(cacheDir, "records-v5.jsonl");
    const first = await build(dir, { cacheDir, workers: 1, batchSize: 4 });
    const before = readFileSync(cacheFile);
    // Every file touched: all parsed again, so the cache is rewritten with the new identities.
    const later = new Date("2030-01-01T00:00:00Z");
    for (const sub of ["valid", "broken"])
      for (const name of readdirSync(join(dir, sub))) utimesSync(join(dir, sub, name), later, later);
    const touched = await build(dir, { cacheDir, workers: 2, batchSize: 4 });
    expect(touched.scan.stats).toMatchObject({ parsed: 22, fromCache: 0 });
    expect(readFileSync(cacheFile).equals(before)).toBe(false);
    const again = await build(dir, { cacheDir, workers: 1, batchSize: 4 });
    expect(again.scan.stats).toMatchObject({ parsed: 0, fromCache: 22, cache: "cache used" });
    // The outcomes half of one line no longer decodes, under a valid checksum (a bug, not a disk
    // error): its files are parsed again instead of trusted or lost.
    const [, ...lines] = readFileSync(cacheFile, "utf8").split("\n");
    const head = JSON.parse(readFileSync(cacheFile, "utf8").split("\n")[0] as string) as Record<string, string>;
    lines[1] = `${(lines[1] as string).split("\t")[0]}\t[not json`;
    const body = lines.join("\n");
    writeFileSync(
      cacheFile,
      `${JSON.stringify({ ...head, checksum: createHash("sha1").update(body).digest("hex") })}\n${body}`,
    );
    const broken = await build(dir, { cacheDir, workers: 1, batchSize: 4 });
    expect(broken.scan.stats).toMatchObject({ parsed: 4, fromCache: 18, cache: "cache used" });
    for (const run of [touched, again, broken]) {
      expect(run.files).toEqual(first.files);
      expect(run.report).toEqual(first.report);
    }
  });

  it("completes published records from the hydrate cache only while their files keep their identity", async () => {
    const dir = corpus();
    const cacheDir = join(tempDir(), "cache");
    const hydrated = join(cacheDir, "hydrated-v1.json");
    const cold = await build(dir, { cacheDir, workers: 1 });
    const entries = () =>
      JSON.parse(readFileSync(hydrated, "utf8").split("\n")[1] as string) as [string, unknown, unknown[]][];
    expect(entries()).toHaveLength(cold.report.records.published);
    // An excerpt is not kept by the lean scan: only the hydrate step sees the edit.
    const file = join(dir, "valid", "securityintelligence-ml-ai-security-pros-cons.md");
    expect(entries().some(([path]) => path === file)).toBe(true);
    writeFileSync(file, readFileSync(file, "utf8").replace("AI security experts at RSA", "Edited: experts at RSA"));
    const edited = await build(dir, { cacheDir, workers: 1 });
    expect(edited.scan.stats).toMatchObject({ parsed: 1, fromCache: 21 });
    const reference = await expectAsLoaded(dir, edited);
    expect(edited.files.find((f) => f.path === "feed.json")?.contents).toContain("Edited: experts at RSA");
    // One miss does not rewrite the hydrate cache: its entry for the file keeps the old identity
    // and text, and is not taken while the file has another identity.
    expect(entries().find(([path]) => path === file)?.[2]?.[2]).toMatch(/^AI security experts at RSA/);
    const again = await build(dir, { cacheDir, workers: 1 });
    expect(again.files).toEqual(reference.files);
    // A hydrate cache that fails its checksum is ignored, not trusted, and written again.
    writeFileSync(hydrated, readFileSync(hydrated, "utf8").replace("AI security experts at RSA", "Tampered"));
    const tampered = await build(dir, { cacheDir, workers: 1 });
    expect(tampered.files).toEqual(reference.files);
    expect(readFileSync(hydrated, "utf8")).not.toContain("Tampered");
    expect(entries().find(([path]) => path === file)?.[2]?.[2]).toMatch(/^Edited: experts at RSA/);
  });

  it("ignores a corrupt cache and one written for another config", async () => {
    const dir = corpus();
    const cacheDir = join(tempDir(), "cache");
    const first = await build(dir, { cacheDir, cacheKey: "a", workers: 1 });
    const cacheFile = join(cacheDir, "records-v5.jsonl");
    const text = readFileSync(cacheFile, "utf8");
    const tampered = text.replace("https://", "https://evil.example/");
    expect(tampered).not.toBe(text);
    writeFileSync(cacheFile, tampered);
    const corrupt = await build(dir, { cacheDir, cacheKey: "a", workers: 1 });
    expect(corrupt.scan.stats.cache).toMatch(/checksum mismatch/);
    expect(corrupt.files).toEqual(first.files);
    const other = await build(dir, { cacheDir, cacheKey: "b", workers: 1 });
    expect(other.scan.stats).toMatchObject({ parsed: 22, cache: "cache ignored: config or options changed" });
    writeFileSync(cacheFile, "garbage");
    expect((await build(dir, { cacheDir, cacheKey: "b", workers: 1 })).scan.stats.cache).toMatch(/ignored/);
    // A cache folder that cannot be made (a file is in the way): the build goes on without one.
    const blocked = join(tempDir(), "not-a-folder");
    writeFileSync(blocked, "x");
    const uncached = await build(dir, { cacheDir: blocked, workers: 2, batchSize: 5 });
    expect(uncached.scan.stats.cache).toMatch(/could not be written/);
    expect(uncached.files).toEqual(first.files);
  });
});

describe("rebuilds from the CLI", () => {
  it("leave unchanged output files untouched, and --no-cache gives the same bytes", () => {
    const dir = corpus();
    const args = ["build", "valid", "-o", "out", "--base-url", "https://e.com/f/", "--cache-dir", "cache"];
    expect(spawnSync(process.execPath, [CLI, ...args], { cwd: dir }).status).toBe(0);
    const feed = join(dir, "out", "ai", "atom.xml");
    const old = new Date("2001-01-01T00:00:00Z");
    utimesSync(feed, old, old);
    const before = readFileSync(feed, "utf8");
    // A record file touched (its identity changed, not its text): read again, nothing rewritten.
    const touched = join(dir, "valid", readdirSync(join(dir, "valid")).sort()[0] as string);
    utimesSync(touched, old, old);
    const r = spawnSync(process.execPath, [CLI, ...args, "--timings"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/1 parsed, 17 from cache/);
    expect(r.stderr).toMatch(/wrote 0 files/);
    expect(statSync(feed).mtime.toISOString()).toBe(old.toISOString());
    // Then nothing changed at all: no record read, the files checked, none written.
    const again = spawnSync(process.execPath, [CLI, ...args, "--timings"], { cwd: dir, encoding: "utf8" });
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/no record file changed since the last build/);
    expect(again.stderr).toMatch(/checked \d+ files of the last build/);
    expect(statSync(feed).mtime.toISOString()).toBe(old.toISOString());
    expect(
      spawnSync(process.execPath, [CLI, ...args.slice(0, -2), "-o", "out2", "--no-cache", "--workers", "2"], {
        cwd: dir,
      }).status,
    ).toBe(0);
    expect(readFileSync(join(dir, "out2", "ai", "atom.xml"), "utf8")).toBe(before);
  });
});
