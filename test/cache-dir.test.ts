import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CACHE_FILES, removeOldCacheFiles } from "../src/io/_cache-files.js";
import { defaultCacheDir, userCacheDir } from "../src/io/cache-dir.js";
import { inProcessCli, tempDir, VALID } from "./helpers/fixtures.js";

describe("defaultCacheDir", () => {
  it("uses node_modules/.cache/topicfeeds beside the nearest package.json above the folder", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), "{}");
    mkdirSync(join(root, "site", "content"), { recursive: true });
    expect(defaultCacheDir(join(root, "site", "content"))).toBe(join(root, "node_modules", ".cache", "topicfeeds"));
  });

  it("uses a folder per working directory in the user's cache when no package.json is above", () => {
    const a = tempDir();
    const b = tempDir();
    const context = { env: { XDG_CACHE_HOME: "/var/cache/u" }, platform: "linux" as const, home: "/home/u" };
    const dirA = defaultCacheDir(a, context);
    expect(dirA).toMatch(/^\/var\/cache\/u\/topicfeeds\/projects\/[0-9a-f]{16}$/);
    expect(defaultCacheDir(a, context)).toBe(dirA);
    expect(defaultCacheDir(b, context)).not.toBe(dirA);
  });
});

describe("userCacheDir", () => {
  it("follows each platform's convention", () => {
    expect(userCacheDir({ env: {}, platform: "linux", home: "/home/u" })).toBe("/home/u/.cache/topicfeeds");
    expect(userCacheDir({ env: { XDG_CACHE_HOME: "/c" }, platform: "linux", home: "/home/u" })).toBe("/c/topicfeeds");
    // A relative XDG_CACHE_HOME is invalid (XDG Base Directory) and ignored.
    expect(userCacheDir({ env: { XDG_CACHE_HOME: "c" }, platform: "linux", home: "/home/u" })).toBe(
      "/home/u/.cache/topicfeeds",
    );
    expect(userCacheDir({ env: {}, platform: "darwin", home: "/Users/u" })).toBe("/Users/u/Library/Caches/topicfeeds");
    expect(userCacheDir({ env: { LOCALAPPDATA: "/appdata" }, platform: "win32", home: "/h" })).toBe(
      join("/appdata", "topicfeeds", "Cache"),
    );
  });
});

describe("files of other versions in the cache folder", () => {
  // Names earlier versions wrote (older record caches, the listing before its chunks were
  // front-coded, a set's rest as JSON, a temporary file one of them left), and files that are
  // not topicfeeds' own.
  const old = [
    "records-v2.json",
    "records-v4.jsonl",
    "listing-v1.txt",
    "scan-set-v1.base.json",
    "render-v0.jsonl",
    "last-build-v2.ids",
    "scan-set-v0.base.txt.tmp-1",
  ];
  const foreign = [
    "notes.txt",
    "records.jsonl",
    "records-vx.jsonl",
    "my-records-v4.jsonl",
    "records-v2.csv",
    "listing-v1.txt.bak",
    "build.lock.d",
  ];

  it("are removed, and nothing else is", () => {
    const dir = tempDir();
    const current = [CACHE_FILES.records, CACHE_FILES.listing, `${CACHE_FILES.render}.tmp-12`, CACHE_FILES.scanSetBase];
    for (const name of [...old, ...foreign, ...current]) writeFileSync(join(dir, name), "x");
    removeOldCacheFiles(dir);
    expect(readdirSync(dir).sort()).toEqual([...foreign, ...current].sort());
    // A folder that is not there: nothing to do, no error.
    expect(() => removeOldCacheFiles(join(dir, "missing"))).not.toThrow();
  });

  it("are removed by a build, which writes only files of this version", async () => {
    const cwd = tempDir();
    const cache = join(cwd, "cache");
    mkdirSync(cache);
    for (const name of [...old, ...foreign]) writeFileSync(join(cache, name), "x");
    const { code } = await inProcessCli(
      ["build", VALID, "--out", join(cwd, "out"), "--base-url", "https://example.com/feeds/", "--cache-dir", cache],
      cwd,
    );
    expect(code).toBe(0);
    const left = readdirSync(cache);
    for (const name of old) expect(left).not.toContain(name);
    const written = left.filter((e) => !foreign.includes(e));
    expect(written).toContain(CACHE_FILES.records);
    for (const name of written) expect(Object.values(CACHE_FILES) as string[]).toContain(name);
  });
});
