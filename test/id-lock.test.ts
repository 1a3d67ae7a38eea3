import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { applyIdLock, updateIdLock } from "../src/records/apply-id-lock.js";
import { normalizeRecords } from "../src/records/normalize-records.js";
import { CLI, rawRecord, tempDir, VALID } from "./helpers/fixtures.js";

const base = { baseUrl: "https://example.com/feeds/" };
const first = normalizeRecords([
  rawRecord({ webUrl: "http://www.example.com/story/", title: "Moved story" }),
  rawRecord({ webUrl: "https://example.com/other", title: "Other" }),
]);

describe("id lock", () => {
  it("keeps the first published id when the URL moves (https, no www, no trailing slash)", () => {
    const { idLock } = buildFeeds(first, { ...base, idLock: { version: 1, ids: {} } });
    if (idLock === undefined) throw new Error("buildFeeds returned no idLock");
    expect(idLock.ids).toMatchObject({ "u:example.com/story": "http://www.example.com/story/" });
    const moved = normalizeRecords([rawRecord({ webUrl: "https://example.com/story", title: "Moved story" })]);
    const second = buildFeeds(moved, { ...base, idLock });
    const json = JSON.parse(second.files.find((f) => f.path === "feed.json")?.contents ?? "{}");
    expect(json.items[0]).toMatchObject({ id: "http://www.example.com/story/", url: "https://example.com/story" });
    expect(second.files.find((f) => f.path === "rss.xml")?.contents).toContain(
      '<guid isPermaLink="false">http://www.example.com/story/</guid>',
    );
    expect(second.report.diagnostics).toContainEqual(
      expect.objectContaining({ code: "id-changed", severity: "warning" }),
    );
  });

  it("recognises a new slug by provider, title and date", () => {
    const lock = updateIdLock(undefined, first.records);
    const renamed = normalizeRecords([
      rawRecord({ webUrl: "https://example.com/2024/moved-story-new-slug", title: "Moved story" }),
    ]);
    expect(applyIdLock(renamed.records, lock).records[0]?.id).toBe("http://www.example.com/story/");
  });

  it("changes nothing without a lock, and keeps old entries in the next lock", () => {
    expect(applyIdLock(first.records, undefined).records).toEqual(first.records);
    const lock = updateIdLock({ version: 1, ids: { "u:gone.com/x": "https://gone.com/x" } }, first.records);
    expect(lock.ids["u:gone.com/x"]).toBe("https://gone.com/x");
    expect(Object.keys(lock.ids)).toEqual([...Object.keys(lock.ids)].sort());
  });

  it("is written by the CLI with --lock-file, and a corrupt lock fails the build", () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "records"), { recursive: true });
    const args = [
      "build",
      "records",
      "-o",
      "out",
      "--base-url",
      "https://e.com/f/",
      "--lock-file",
      "topicfeeds.lock.json",
    ];
    expect(spawnSync(process.execPath, [CLI, ...args], { cwd: dir }).status).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, "topicfeeds.lock.json"), "utf8"));
    expect(lock.version).toBe(1);
    expect(Object.keys(lock.ids).length).toBeGreaterThan(5);
    writeFileSync(join(dir, "topicfeeds.lock.json"), "{ not json");
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not an id lock/);
    expect(existsSync(join(dir, "out"))).toBe(true);
  });
});

describe("the id lock with records read lean", () => {
  // Lean records (large builds, the watcher) are completed after selection from their files; a
  // record whose id comes from the lock is a new object, and must still be completed.
  it("publishes a locked record whole: summary and all", async () => {
    const { scanRecords } = await import("../src/io/scan-records.js");
    const { createFeedState } = await import("../src/create-feed-state.js");
    const dir = tempDir();
    writeFileSync(
      join(dir, "a.md"),
      `---\ntitle: "Moved story"\nexcerpt: "The whole summary."\npublishedDateTime: 2024-05-01T10:00:00Z\nwebUrl: "https://example.com/story"\npublished: true\ntopics: [AI]\n---\n`,
    );
    const idLock = { version: 1 as const, ids: { "u:example.com/story": "https://example.com/old-story" } };
    const scan = await scanRecords([dir], { lean: true, workers: 1 });
    expect(scan.records[0]?.excerpt).toBeUndefined();
    const summary = (files: { path: string; contents: string }[]) =>
      JSON.parse(files.find((f) => f.path === "feed.json")?.contents ?? "{}").items.map(
        (i: { id: string; summary?: string }) => [i.id, i.summary],
      );
    const expected = [["https://example.com/old-story", "The whole summary."]];
    expect(summary(buildFeeds(scan, { ...base, idLock }, { hydrate: scan.hydrate }).files)).toEqual(expected);
    const state = createFeedState({ ...base, idLock });
    state.set(join(dir, "a.md"), { record: scan.records[0], diagnostics: [] });
    expect(summary(state.build({ hydrate: scan.hydrate }).files)).toEqual(expected);
  });
});
